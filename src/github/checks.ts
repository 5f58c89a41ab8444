/**
 * Writes the `agent-policy` check run: one per head SHA, created once, then updated in place, and
 * not written at all when nothing changed. "Nothing changed" is decided by a fingerprint stored in
 * the run's own summary, so it survives restarts and holds across replicas without shared state.
 */
import type { ProbotOctokit } from "probot";
import { CHECK_NAME } from "../engine/decision.js";
import { type CheckRunOutput, fingerprint } from "../report/render.js";
import { externalId } from "./external-id.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** GitHub accepts at most 50 annotations per request; more are appended by further updates. */
export const ANNOTATION_BATCH = 50;
const MAX_SUMMARY = 65_535;
const FP_MARKER = /<!-- agent-policy:fp=([0-9a-f]+) -->\s*$/;

export const REEVALUATE_ACTION = {
  label: "Re-evaluate",
  description: "Evaluate this PR again",
  identifier: "reevaluate",
} as const;

export interface CheckTarget {
  owner: string;
  repo: string;
  /** The pull request the run reports on, stored as the run's external id; null when unknown. */
  number: number | null;
  headSha: string;
  detailsUrl: string;
  /** What this app knows of the PR as it reports (absent: the first report is not recorded). */
  report?: FirstReport;
}

/** The part of an existing run this module needs (gather's `OwnCheckRun` fits). */
export interface ExistingRun {
  id: number;
  summary: string | null;
}

export type CheckWriteResult = "created" | "updated" | "unchanged";

/** What was done, and the run that now carries the output. */
export interface CheckWritten {
  result: CheckWriteResult;
  id: number;
}

export function storedFingerprint(summary: string | null): string | null {
  return summary ? (FP_MARKER.exec(summary)?.[1] ?? null) : null;
}

/** PRs whose first report on a head is kept in the run; more are not recorded (their overrides are refused). */
const MAX_SEEN = 25;
const SEEN_MARKER = /<!-- agent-policy:seen=([#0-9@~,]*) -->/;

/**
 * What this app knew when it first reported on the run's head for a PR: the newest comment on
 * the PR then, and how many force pushes it had seen. Kept in its own run, which nobody else can
 * write; GitHub's ids and counts need no clock. A break-glass comment counts only when newer.
 */
export interface FirstReport {
  newestComment: number;
  forcePushes: number;
}

/** First reports by PR number. A head that was another PR's first has none for this one. */
export function seenOf(summary: string | null): Record<string, FirstReport> {
  const list = summary ? (SEEN_MARKER.exec(summary)?.[1] ?? "") : "";
  const seen: Record<string, FirstReport> = {};
  for (const item of list.split(",")) {
    const m = /^#([1-9][0-9]{0,9})@([0-9]{1,20})~([0-9]{1,6})$/.exec(item);
    if (m?.[1] && m[2] && m[3]) seen[m[1]] = { newestComment: Number(m[2]), forcePushes: Number(m[3]) };
  }
  return seen;
}

function withMarkers(summary: string, fp: string, seen: Record<string, FirstReport>): string {
  const list = Object.entries(seen)
    .slice(0, MAX_SEEN)
    .map(([n, r]) => `#${n}@${r.newestComment}~${r.forcePushes}`)
    .join(",");
  const marker = `\n\n<!-- agent-policy:seen=${list} -->\n<!-- agent-policy:fp=${fp} -->`;
  const room = MAX_SUMMARY - marker.length;
  return (summary.length > room ? `${summary.slice(0, room - 1)}…` : summary) + marker;
}

export async function writeCheckRun(
  octokit: Octokit,
  target: CheckTarget,
  existing: ExistingRun | null,
  output: CheckRunOutput,
): Promise<CheckWritten> {
  const fp = fingerprint(output);
  const seen = seenOf(existing?.summary ?? null);
  const key = target.number === null ? null : String(target.number);
  const prior = key === null ? undefined : seen[key];
  // New here, or the PR was force-pushed since (it may have left this head and come back).
  const report = target.report;
  const newHere =
    key !== null && report !== undefined && (prior === undefined || prior.forcePushes < report.forcePushes);
  if (newHere && key !== null && report) seen[key] = report;
  if (existing && !newHere && storedFingerprint(existing.summary) === fp)
    return { result: "unchanged", id: existing.id };

  const summary = withMarkers(output.summary, fp, seen);
  const [first = [], ...rest] = batches(output.annotations);
  const state =
    output.status === "completed" && output.conclusion
      ? { status: "completed" as const, conclusion: output.conclusion }
      : { status: "in_progress" as const };
  const firstOutput = {
    title: output.title,
    summary,
    ...(output.text ? { text: output.text } : {}),
    annotations: first,
  };
  const common = {
    owner: target.owner,
    repo: target.repo,
    ...(target.number === null ? {} : { external_id: externalId(target.owner, target.repo, target.number) }),
    details_url: target.detailsUrl,
    ...state,
    output: firstOutput,
    actions: [REEVALUATE_ACTION],
  };

  let id: number;
  let result: CheckWriteResult;
  if (existing) {
    const updated = await octokit.rest.checks.update({ ...common, check_run_id: existing.id });
    // An answer that is not the run may mean the update never happened: the old verdict would stand.
    if ((updated.data as { id?: unknown } | null)?.id !== existing.id)
      throw new Error("GitHub answered the check-run update with something other than the run");
    id = existing.id;
    result = "updated";
  } else {
    const created = await octokit.rest.checks.create({
      ...common,
      name: CHECK_NAME,
      head_sha: target.headSha,
    });
    id = requireId(created.data);
    result = "created";
  }
  for (const annotations of rest) {
    // Annotations only: the verdict has landed, so a garbled answer here costs at most some annotations.
    await octokit.rest.checks.update({
      owner: target.owner,
      repo: target.repo,
      check_run_id: id,
      output: { title: output.title, summary, annotations },
    });
  }
  return { result, id };
}

/**
 * Our latest run on `sha`, for when the gather step failed and could not report it. Read via REST,
 * filtered by our App id because any App may post a run with our name.
 */
export async function findOwnCheckRun(
  octokit: Octokit,
  owner: string,
  repo: string,
  sha: string,
  appId: number,
): Promise<ExistingRun | null> {
  const { data } = await octokit.rest.checks.listForRef({
    owner,
    repo,
    ref: sha,
    check_name: CHECK_NAME,
    filter: "latest",
    per_page: 100,
  });
  const runs = Array.isArray(data?.check_runs) ? data.check_runs : [];
  const own = runs.find((r) => r?.app?.id === appId && typeof r.id === "number");
  return own ? { id: own.id, summary: own.output?.summary ?? null } : null;
}

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ANNOTATION_BATCH) out.push(items.slice(i, i + ANNOTATION_BATCH));
  return out;
}

function requireId(data: unknown): number {
  const id = (data as { id?: unknown } | null)?.id;
  if (typeof id !== "number") throw new Error("GitHub answered the check-run create without a run id");
  return id;
}
