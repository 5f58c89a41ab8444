/**
 * Performs the engine's planned undo steps on GitHub. Every action is idempotent — repeating it on
 * the next event changes nothing — and returns one result per action for the audit log. A failed
 * action never throws: the check run already fails closed, the audit record says what went wrong.
 */

import type { ProbotOctokit } from "probot";
import type { ActionRecord } from "../audit/log.js";
import type { Decision, PlannedAction } from "../engine/decision.js";
import { sameLabel } from "../engine/promotion-patterns.js";
import { redactText } from "../scan/redact-text.js";
import { COMMENT_MARKER } from "./gather.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface EnforceTarget {
  owner: string;
  repo: string;
  number: number;
}

export interface EnforceState {
  decision: Decision;
  /** Labels on the PR when it was read. */
  labels: readonly string[];
  autoMergeOn: boolean;
  /** Our existing comment, found by the marker when the PR was read. */
  ownComment: { id: number; body: string } | null;
  checkUrl: string;
}

export async function performActions(
  octokit: Octokit,
  target: EnforceTarget,
  state: EnforceState,
): Promise<ActionRecord[]> {
  const results: ActionRecord[] = [];
  let nodeId: Promise<string> | null = null;
  const pullNodeId = () => {
    nodeId ??= readPullNodeId(octokit, target);
    return nodeId;
  };
  for (const action of dedupe(state.decision.actions)) {
    results.push(await attempt(action, () => perform(octokit, target, state, action, pullNodeId)));
  }
  return results;
}

type Done = Omit<ActionRecord, "kind" | "target"> & { target?: string };

async function perform(
  octokit: Octokit,
  t: EnforceTarget,
  state: EnforceState,
  action: PlannedAction,
  pullNodeId: () => Promise<string>,
): Promise<Done> {
  switch (action.kind) {
    case "remove_label": {
      if (!hasLabel(state.labels, action.label))
        return { outcome: "skipped", reason: "label already removed" };
      let left: unknown;
      try {
        ({ data: left } = await octokit.rest.issues.removeLabel({
          owner: t.owner,
          repo: t.repo,
          issue_number: t.number,
          name: action.label,
        }));
      } catch (error) {
        if (statusOf(error) === 404) return { outcome: "skipped", reason: "label already removed" };
        throw error;
      }
      // GitHub answers with the labels left; anything else may mean the label is still there.
      confirm(Array.isArray(left) && !hasLabel(labelNames(left), action.label), "removing the label");
      return { outcome: "done", reason: action.because };
    }
    case "restore_label": {
      if (hasLabel(state.labels, action.label))
        return { outcome: "skipped", reason: "label already present" };
      const { data: now } = await octokit.rest.issues.addLabels({
        owner: t.owner,
        repo: t.repo,
        issue_number: t.number,
        labels: [action.label],
      });
      confirm(Array.isArray(now) && hasLabel(labelNames(now), action.label), "restoring the label");
      return { outcome: "done", reason: action.because };
    }
    case "disable_auto_merge": {
      if (!state.autoMergeOn) return { outcome: "skipped", reason: "auto-merge already off" };
      await octokit.graphql(
        "mutation($id:ID!){ disablePullRequestAutoMerge(input:{pullRequestId:$id}){ clientMutationId } }",
        { id: await pullNodeId() },
      );
      return { outcome: "done", reason: action.because };
    }
    case "dequeue": {
      await octokit.graphql("mutation($id:ID!){ dequeuePullRequest(input:{id:$id}){ clientMutationId } }", {
        id: await pullNodeId(),
      });
      return { outcome: "done", reason: action.because };
    }
    case "comment": {
      const body = commentBody(state.decision, state.checkUrl);
      if (state.ownComment?.body === body) {
        return {
          outcome: "skipped",
          reason: "comment already up to date",
          target: String(state.ownComment.id),
        };
      }
      if (state.ownComment) {
        await octokit.rest.issues.updateComment({
          owner: t.owner,
          repo: t.repo,
          comment_id: state.ownComment.id,
          body,
        });
        return { outcome: "done", reason: `updated: ${action.because}`, target: String(state.ownComment.id) };
      }
      const { data } = await octokit.rest.issues.createComment({
        owner: t.owner,
        repo: t.repo,
        issue_number: t.number,
        body,
      });
      confirm(typeof data?.id === "number", "writing the comment");
      return { outcome: "done", reason: `created: ${action.because}`, target: String(data.id) };
    }
  }
}

/** An answer that does not show the step was done counts as a failure, to be tried again. */
function confirm(ok: boolean, doing: string): void {
  if (!ok) throw new Error(`GitHub's answer to ${doing} did not show it done (unreadable or unexpected)`);
}

function labelNames(labels: unknown[]): string[] {
  return labels.map((l) => String((l as { name?: unknown } | null)?.name ?? ""));
}

async function attempt(action: PlannedAction, run: () => Promise<Done>): Promise<ActionRecord> {
  const target = describeTarget(action);
  try {
    const done = await run();
    return { kind: action.kind, target: done.target ?? target, outcome: done.outcome, reason: done.reason };
  } catch (error) {
    return { kind: action.kind, target, outcome: "failed", reason: errorReason(error) };
  }
}

function describeTarget(action: PlannedAction): string {
  switch (action.kind) {
    case "remove_label":
    case "restore_label":
      return action.label;
    case "disable_auto_merge":
      return "auto-merge";
    case "dequeue":
      return "merge-queue";
    case "comment":
      return "comment";
  }
}

/** The engine may plan the same undo twice (two violations, one label); doing it once is enough. */
function dedupe(actions: readonly PlannedAction[]): PlannedAction[] {
  const seen = new Set<string>();
  return actions.filter((a) => {
    const key = `${a.kind}:${"label" in a ? a.label : ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function readPullNodeId(octokit: Octokit, t: EnforceTarget): Promise<string> {
  const data = await octokit.graphql<{ repository?: { pullRequest?: { id?: unknown } | null } | null }>(
    "query($owner:String!,$repo:String!,$number:Int!){ repository(owner:$owner,name:$repo){ pullRequest(number:$number){ id } } }",
    { owner: t.owner, repo: t.repo, number: t.number },
  );
  const id = data?.repository?.pullRequest?.id;
  if (typeof id !== "string" || id === "")
    throw new Error("GitHub did not return the pull request's node id");
  return id;
}

/**
 * The explanation comment: verdict, violations and next steps. Never PR content beyond logins and
 * evidence, and never an @-mention: a mention of an agent would hand it work (the very escalation
 * this app reports), and a mention of a person would notify them on every update.
 */
export function commentBody(d: Decision, checkUrl: string): string {
  const lines = [COMMENT_MARKER, `**agent-policy: ${oneLine(d.title)}**`, ""];
  const who = (login: string | null) =>
    login ? `\`${oneLine(login).replaceAll("`", "")}\`` : "an unknown actor";
  if (d.violations.length > 0) {
    lines.push("Promotion-chain steps this app undid or blocks:");
    for (const v of d.violations.slice(0, 20)) {
      lines.push(`- ${v.kind.replaceAll("_", " ")} by ${who(v.actor)}: ${oneLine(v.evidence)}`);
    }
    lines.push("");
  } else {
    lines.push("No promotion-chain violation is open.", "");
  }
  if (d.cleared.length > 0) {
    lines.push("Cleared:");
    for (const v of d.cleared.slice(0, 20)) {
      lines.push(`- ${v.kind.replaceAll("_", " ")} by ${who(v.actor)}, cleared by ${oneLine(v.clearedBy)}`);
    }
    lines.push("");
  }
  const undone = d.actions.filter((a) => a.kind !== "comment");
  if (undone.length > 0) {
    lines.push(
      `Undone: ${undone.map((a) => ("label" in a ? `${a.kind.replaceAll("_", " ")} \`${oneLine(a.label)}\`` : a.kind.replaceAll("_", " "))).join(", ")}.`,
      "",
    );
  }
  if (d.nextSteps.length > 0) {
    lines.push("Next steps:");
    d.nextSteps.slice(0, 10).forEach((s, i) => {
      lines.push(`${i + 1}. ${oneLine(s)}`);
    });
    lines.push("");
  }
  lines.push(`Details: ${checkUrl}`);
  return lines.join("\n");
}

function hasLabel(labels: readonly string[], name: string): boolean {
  return labels.some((l) => sameLabel(l, name));
}

/** One line of safe text: redacted, no markup, and no @-mention (a zero-width joiner breaks it). */
function oneLine(text: string): string {
  return redactText(text)
    .replace(/\s+/g, " ")
    .replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"))
    .replace(/@(?=[A-Za-z0-9])/g, "@\u2060")
    .slice(0, 500);
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** One line for logs and check runs; credentials an error message may echo (request headers) are cut out. */
export function errorReason(error: unknown): string {
  const status = statusOf(error);
  const message = (error instanceof Error ? error.message : String(error))
    .replace(/\b(bearer|token)\s+[\w.~+/=-]{8,}/gi, "$1 [redacted]")
    .replace(/\bgh[opsur]_[A-Za-z0-9]{20,}/g, "[redacted]")
    .replace(/\s+/g, " ")
    .slice(0, 1_000);
  return status ? `HTTP ${status}: ${message}` : message;
}
