/**
 * One evaluation of one pull request's current state: decide (read → policy → patches → people →
 * evaluate, shared with `agent-policy explain`) → render → check run → enforcement → audit. Any fault
 * at any step ends in a failed check run that names the reason (never success). A write that cannot
 * land never leaves our older run standing: a new run replaces it. Enforcement does not wait on the
 * check run. What did not land, or failed for a reason that passes, is returned as a `Retry` for the
 * caller to run again later. Nothing here throws.
 */
import type { ProbotOctokit } from "probot";
import type { AuditLog, AuditScope, CheckWrite, DecisionOutcome } from "../audit/log.js";
import { enforcementProblems, unreadForNow } from "../engine/enforcement.js";
import { type CheckTarget, type ExistingRun, findOwnCheckRun, writeCheckRun } from "../github/checks.js";
import { errorReason, performActions } from "../github/enforce.js";
import type { Gathered, PeopleCaches, PrTarget } from "../github/gather.js";
import { type Fault, hasPassingGap, transient } from "../github/gather-errors.js";
import { answerOverrides, unanswered } from "../github/override-replies.js";
import { type EnforcementCache, enforcementKey, readEnforcementFacts } from "../github/protection.js";
import { renderEnforcement } from "../report/enforcement.js";
import { evaluateModeOutput } from "../report/evaluate-mode.js";
import { type CheckRunOutput, renderDecision, renderFailure } from "../report/render.js";
import { type HeadPr, sharedHeadOutput, strictest } from "../report/shared-head.js";
import { type Decided, decide, type Stage } from "./decide.js";
import type { Hint } from "./events.js";
import type { Metrics } from "./metrics.js";
import type { PolicyCache } from "./policies.js";
import type { RequestBudget } from "./requests.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface PipelineEnv {
  appId: number;
  /** Our App's slug (resolved once), how the gatherer recognises our own check run and comment. */
  appSlug: () => Promise<string>;
  /** Web address of GitHub ("https://github.com"), for links when the payload gave none. */
  webUrl: string;
  policies: PolicyCache;
  people: PeopleCaches;
  audit: AuditLog;
  metrics: Metrics;
  /** Branch protection and rulesets by base branch, for the check run's enforcement self-check. */
  enforcement: EnforcementCache;
  /** Serialises finding and writing our check run per head commit, which several PRs may share (cluster-wide with Redis). */
  heads: { run<T>(head: string, job: () => Promise<T>): Promise<T> };
}

export interface EvaluationRequest {
  installation: number;
  delivery: string;
  target: PrTarget;
  hint: Hint;
  /** Merge queue: post the PR's verdict on this commit instead of the PR head, and enforce nothing. */
  mergeGroupSha?: string;
  /** Epoch ms the webhook that asked for this evaluation arrived (none: reconciliation). */
  receivedAt?: number;
}

/** Why the evaluation should run again later, and not before when (a rate limit's reset). */
export interface Retry {
  reason: string;
  notBefore?: number;
}

export async function evaluatePullRequest(
  octokit: Octokit,
  budget: RequestBudget,
  req: EvaluationRequest,
  env: PipelineEnv,
): Promise<Retry | null> {
  const started = performance.now();
  const { target } = req;
  const scope: AuditScope = {
    delivery: req.delivery,
    installation: req.installation,
    repository: `${target.owner}/${target.repo}`,
    pr: target.number,
    headSha: req.mergeGroupSha ?? req.hint.headSha ?? null,
  };
  const detailsUrl = req.hint.htmlUrl ?? `${env.webUrl}/${target.owner}/${target.repo}/pull/${target.number}`;
  let stage: Stage | "check" = "read";

  const finish = (outcome: Omit<DecisionOutcome, "durationMs" | "apiRequests">) => {
    env.metrics.inc("agent_policy_evaluations_total", { verdict: outcome.verdict });
    if (outcome.errors.length > 0 || outcome.check === "failed")
      env.metrics.inc("agent_policy_errors_total", { stage });
    if (outcome.check === "failed" || outcome.check === "replaced")
      env.metrics.inc("agent_policy_check_write_failures_total", { outcome: outcome.check });
    env.audit.decision(scope, {
      ...outcome,
      durationMs: Math.round(performance.now() - started),
      apiRequests: budget.count,
    });
  };

  /** Fail closed: post a failed check with the reasons on the best commit we know. */
  const failClosed = async (
    failure: { headline: string; reasons: string[]; fault: Fault | null },
    known: { ownCheckRun: ExistingRun | null; policyCommit?: string | null } | null,
    policySource: string | null,
  ): Promise<Retry | null> => {
    budget.deadline = null; // the failure report gets its own time, whatever the evaluation used up
    const failed = {
      decision: null,
      verdict: "failure" as const,
      errors: failure.reasons,
      policySource,
      policyCommit: known?.policyCommit ?? null,
    };
    const passing = transient(failure.fault)
      ? { reason: failure.headline, ...(failure.fault?.until ? { notBefore: failure.fault.until } : {}) }
      : null;
    let written: Landed;
    try {
      scope.headSha ??= await headShaOf(octokit, target);
      const sha = scope.headSha;
      const existing =
        known && !req.mergeGroupSha ? known.ownCheckRun : await findOwnRun(octokit, target, sha, env.appId);
      const where = checkTarget(target, sha, detailsUrl);
      written = await landCheck(octokit, where, existing, failureOutput(failure.headline, failure.reasons));
    } catch (error) {
      written = { check: "failed", error: errorReason(error) };
    }
    finish({ ...failed, check: written.check, ...(written.error ? { checkError: written.error } : {}) });
    return notLanded(written) ?? passing;
  };

  const decided = await decide(octokit, target, env, (s) => {
    stage = s;
  });
  if (!decided.ok) {
    if (decided.gathered) scope.headSha = req.mergeGroupSha ?? decided.gathered.facts.head.sha;
    return failClosed(decided, decided.gathered, decided.policySource);
  }

  const { decision, gathered } = decided;
  const sha = req.mergeGroupSha ?? gathered.facts.head.sha;
  scope.headSha = sha;
  stage = "check";
  budget.deadline = null;
  let written: Landed;
  try {
    // Evaluate mode reports the verdict (its own or the strictest on a shared head) as neutral.
    const present = (o: CheckRunOutput) =>
      decision.mode === "evaluate" ? evaluateModeOutput(o, decision) : o;
    const footer = req.mergeGroupSha
      ? ""
      : await enforcementFooter(octokit, target, gathered.facts.base.ref, env);
    written = await writeVerdict(
      octokit,
      req,
      gathered,
      renderDecision(decision, footer),
      detailsUrl,
      scope,
      env,
      present,
    );
  } catch (error) {
    // Only the reads of the other PRs sharing the head, or the renderer, get here: no run was written.
    written = { check: "failed", error: errorReason(error) };
  }
  // Enforcement does not wait on the check run: an agent's automerge label goes whatever GitHub did with the run.
  const undone: string[] = [];
  if (!req.mergeGroupSha && decision.mode === "enforce" && decision.actions.length > 0) {
    const results = await performActions(octokit, target, {
      decision,
      labels: decided.labels,
      autoMergeOn: decided.autoMergeOn,
      ownComment: gathered.ownComment,
      checkUrl: detailsUrl,
    });
    for (const r of results) {
      env.metrics.inc("agent_policy_actions_total", { kind: r.kind, outcome: r.outcome });
      env.audit.action(scope, r);
      if (r.outcome === "failed")
        undone.push(`${r.kind.replaceAll("_", " ")} ${plain(r.target)}: ${plain(r.reason)}`);
    }
  }
  // Each override command is answered once: accepted for this head, or refused and why.
  // Unless every comment was read: an answer beyond those read would be posted again and again.
  const allComments = gathered.facts.counts.comments.fetched >= gathered.facts.counts.comments.reported;
  const toAnswer =
    req.mergeGroupSha || !allComments
      ? []
      : unanswered(decision.overrideAnswers, gathered.facts.overrideRecords ?? {});
  for (const r of await answerOverrides(octokit, target, toAnswer, sha)) {
    env.metrics.inc("agent_policy_overrides_total", {
      outcome: r.kind === "override_accepted" ? "accepted" : "refused",
    });
    env.audit.action(scope, r);
  }
  // The run says what could not be undone, so reviewers know the label (say) is still there.
  if (undone.length > 0 && written.run)
    await landCheck(
      octokit,
      written.run.where,
      { id: written.run.id, summary: null },
      withUndone(written.run.output, undone),
    );
  finish({
    decision,
    verdict: decision.verdict,
    errors: decision.errors,
    policySource: decided.policySource,
    policyCommit: gathered.policyCommit,
    check: written.check,
    ...(written.error ? { checkError: written.error } : {}),
  });
  const unwritten = notLanded(written);
  if (unwritten) return unwritten;
  if (undone.length > 0) return { reason: "an enforcement action failed" };
  // Part of GitHub's answer was missing: the verdict failed closed, and a later read may be whole.
  return hasPassingGap(decision.errors) ? { reason: "part of GitHub's answer was missing" } : null;
}

/**
 * Whether GitHub really holds merges to the base branch on this check, as the summary's last
 * section. It never fails the PR: what cannot be read is said there, and a fault says nothing.
 */
async function enforcementFooter(
  octokit: Octokit,
  target: PrTarget,
  branch: string,
  env: PipelineEnv,
): Promise<string> {
  try {
    const appSlug = await env.appSlug();
    const facts = await env.enforcement.get(
      enforcementKey(target.owner, target.repo, branch),
      () =>
        readEnforcementFacts(octokit, {
          owner: target.owner,
          repo: target.repo,
          branch,
          appId: env.appId,
          appSlug,
        }),
      // A read that failed for a passing reason (not a missing permission) is tried again next time.
      (read) => !unreadForNow(read),
    );
    return renderEnforcement(enforcementProblems(facts));
  } catch {
    return "";
  }
}

/**
 * What a check-run write came to: the audit's word for it, when it did not fully land why, and
 * the run that carries the verdict (to add a note to it later).
 */
interface Landed {
  check: CheckWrite;
  error?: string;
  run?: { id: number; where: CheckTarget; output: CheckRunOutput };
}

function notLanded(written: Landed): Retry | null {
  if (written.check === "failed") return { reason: `the check run could not be written (${written.error})` };
  if (written.check === "replaced") return { reason: `the check run had to be replaced (${written.error})` };
  return null;
}

/** The verdict on the commit: this PR's own, or the strictest of every open PR sharing the head. */
async function writeVerdict(
  octokit: Octokit,
  req: EvaluationRequest,
  gathered: Gathered,
  own: CheckRunOutput,
  detailsUrl: string,
  scope: AuditScope,
  env: PipelineEnv,
  present: (output: CheckRunOutput) => CheckRunOutput,
): Promise<Landed> {
  const { target } = req;
  const sha = req.mergeGroupSha ?? gathered.facts.head.sha;
  if (req.mergeGroupSha) {
    const existing = await findOwnRun(octokit, target, sha, env.appId);
    return landCheck(octokit, checkTarget(target, sha, detailsUrl), existing, present(own));
  }
  if (gathered.sharedHead.length === 0) {
    const where = { ...checkTarget(target, sha, detailsUrl), report: gathered.report };
    return landCheck(octokit, where, gathered.ownCheckRun, present(own));
  }
  const prs = await headPrs(
    octokit,
    target,
    sha,
    { number: target.number, base: gathered.facts.base.ref, output: own },
    gathered.sharedHead,
    env,
  );
  scope.sharedHead = prs.map((p) => p.number);
  const shown = strictest(prs).number;
  // Another PR's evaluation may be writing the same run: one writer per head, and the run read afresh.
  return env.heads.run(`${target.owner}/${target.repo}@${sha}`, async () => {
    const existing = await findOwnRun(octokit, target, sha, env.appId);
    const where = checkTarget({ ...target, number: shown }, sha, detailsUrl);
    return landCheck(octokit, where, existing, present(sharedHeadOutput(prs)));
  });
}

/**
 * Writes the run; when updating our existing run fails (after the client's own retries), creates a
 * new run in its place, since GitHub counts the newest run of a name and App: an old success must
 * not stand because its update kept failing. Never throws.
 */
async function landCheck(
  octokit: Octokit,
  where: CheckTarget,
  existing: ExistingRun | null,
  output: CheckRunOutput,
): Promise<Landed> {
  try {
    const { result, id } = await writeCheckRun(octokit, where, existing, output);
    return { check: result, run: { id, where, output } };
  } catch (error) {
    const reason = errorReason(error);
    if (existing) {
      try {
        const replacement = replacementOutput(output, reason);
        const { id } = await writeCheckRun(octokit, where, null, replacement);
        return { check: "replaced", error: reason, run: { id, where, output: replacement } };
      } catch {
        // The first reason is the one worth reporting; the create failing too is usually the same fault.
      }
    }
    return { check: "failed", error: reason };
  }
}

/** The verdict with, at the top, the enforcement steps that failed (tried again in the background). */
function withUndone(output: CheckRunOutput, undone: string[]): CheckRunOutput {
  const list = undone.map((u) => `> - ${u}`).join("\n");
  return {
    ...output,
    summary: `> **agent-policy could not undo everything it should have**; it tries again:\n${list}\n\n${output.summary}`,
    // Already written with the verdict: sent again they would be listed twice.
    annotations: [],
  };
}

/** A label name or GitHub's error text as inert Markdown: no code spans, links or markup to break out of. */
function plain(text: string): string {
  return `\`${text.replace(/[`\n\r]/g, " ").slice(0, 300)}\``;
}

/** The verdict again, lighter (no annotations or details), saying why it replaces the earlier run. */
function replacementOutput(output: CheckRunOutput, reason: string): CheckRunOutput {
  return {
    ...output,
    summary: `> agent-policy could not update its earlier run on this commit (${plain(reason)}), so this run replaces it; the full report follows on the next evaluation.\n\n${output.summary}`,
    text: "",
    annotations: [],
  };
}

/**
 * Every open PR with this head and the run its own evaluation would write. A PR that can no longer
 * be judged on this head (it moved since) is left to its own evaluation; one that cannot be
 * decided counts as failed, so the shared run fails closed.
 */
async function headPrs(
  octokit: Octokit,
  target: PrTarget,
  sha: string,
  self: HeadPr,
  others: readonly number[],
  env: PipelineEnv,
): Promise<HeadPr[]> {
  const prs = [self];
  for (const number of others) {
    const other: Decided = await decide(octokit, { ...target, number }, env);
    const head = other.gathered?.facts.head.sha;
    if (head !== undefined && head !== sha) continue;
    const base = other.gathered?.facts.base.ref ?? "?";
    const output = other.ok ? renderDecision(other.decision) : failureOutput(other.headline, other.reasons);
    prs.push({ number, base, output });
  }
  return prs;
}

/** Our run on `sha` when the gather step could not say (merge group heads, failures); a failed lookup means "none". */
async function findOwnRun(
  octokit: Octokit,
  t: { owner: string; repo: string },
  sha: string,
  appId: number,
): Promise<ExistingRun | null> {
  try {
    return await findOwnCheckRun(octokit, t.owner, t.repo, sha, appId);
  } catch {
    return null;
  }
}

async function headShaOf(octokit: Octokit, t: PrTarget): Promise<string> {
  const { data } = await octokit.rest.pulls.get({ owner: t.owner, repo: t.repo, pull_number: t.number });
  const sha = data?.head?.sha;
  if (typeof sha !== "string" || !/^[0-9a-f]{40}$/.test(sha))
    throw new Error("the pull request's head commit is unknown");
  return sha;
}

function checkTarget(t: PrTarget, headSha: string, detailsUrl: string): CheckTarget {
  return { owner: t.owner, repo: t.repo, number: t.number, headSha, detailsUrl };
}

/** A merge group whose pull request cannot be told: fail its `agent-policy` check so the queue cannot merge it. */
export async function failMergeGroup(
  octokit: Octokit,
  budget: RequestBudget,
  req: {
    installation: number;
    delivery: string;
    owner: string;
    repo: string;
    groupSha: string;
    problem: string;
  },
  env: PipelineEnv,
): Promise<void> {
  const started = performance.now();
  const scope: AuditScope = {
    delivery: req.delivery,
    installation: req.installation,
    repository: `${req.owner}/${req.repo}`,
    pr: null,
    headSha: req.groupSha,
  };
  const target = {
    owner: req.owner,
    repo: req.repo,
    number: null,
    headSha: req.groupSha,
    detailsUrl: `${env.webUrl}/${req.owner}/${req.repo}`,
  };
  const existing = await findOwnRun(octokit, req, req.groupSha, env.appId);
  const { check, error: checkError } = await landCheck(
    octokit,
    target,
    existing,
    failureOutput("Cannot evaluate this merge group", [req.problem]),
  );
  env.metrics.inc("agent_policy_evaluations_total", { verdict: "failure" });
  env.metrics.inc("agent_policy_errors_total", { stage: "merge_group" });
  env.audit.decision(scope, {
    decision: null,
    verdict: "failure",
    errors: [req.problem],
    policySource: null,
    check,
    ...(checkError ? { checkError } : {}),
    durationMs: Math.round(performance.now() - started),
    apiRequests: budget.count,
  });
}

/** The fail-closed report; even a fault in the renderer must not stop the check from failing. */
function failureOutput(headline: string, reasons: string[]): CheckRunOutput {
  try {
    return renderFailure(headline, reasons);
  } catch {
    return {
      status: "completed",
      conclusion: "failure",
      title: headline,
      summary: `**${headline}**\n\nagent-policy could not render the details of this failure and fails closed. See the audit log.`,
      text: "",
      annotations: [],
    };
  }
}
