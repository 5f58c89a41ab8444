/**
 * One evaluation of one pull request's current state: decide (read → policy → patches → people →
 * evaluate, shared with `agent-policy explain`) → render → check run → enforcement → audit. Any fault at any step ends in a failed
 * check run that names the reason (never success); if even that cannot be written, the audit
 * record carries the error. Nothing here throws.
 */
import type { ProbotOctokit } from "probot";
import type { AuditLog, AuditScope, CheckWrite, DecisionOutcome } from "../audit/log.js";
import { type CheckTarget, type ExistingRun, findOwnCheckRun, writeCheckRun } from "../github/checks.js";
import { errorReason, performActions } from "../github/enforce.js";
import type { PeopleCaches, PrTarget } from "../github/gather.js";
import { type CheckRunOutput, renderDecision, renderFailure } from "../report/render.js";
import { type HeadPr, sharedHeadOutput, strictest } from "../report/shared-head.js";
import { type Decided, decide, type Stage } from "./decide.js";
import type { Hint } from "./events.js";
import type { KeyedLock } from "./keyed-lock.js";
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
  /** Serialises check-run writes per head commit, which several PRs may share. */
  heads: KeyedLock;
}

export interface EvaluationRequest {
  installation: number;
  delivery: string;
  target: PrTarget;
  hint: Hint;
  /** Merge queue: post the PR's verdict on this commit instead of the PR head, and enforce nothing. */
  mergeGroupSha?: string;
}

export async function evaluatePullRequest(
  octokit: Octokit,
  budget: RequestBudget,
  req: EvaluationRequest,
  env: PipelineEnv,
): Promise<void> {
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
    env.audit.decision(scope, {
      ...outcome,
      durationMs: Math.round(performance.now() - started),
      apiRequests: budget.count,
    });
  };

  /** Fail closed: post a failed check with the reasons on the best commit we know. */
  const failClosed = async (
    headline: string,
    reasons: string[],
    known: { ownCheckRun: ExistingRun | null } | null,
    policySource: string | null,
  ) => {
    budget.deadline = null; // the failure report gets its own time, whatever the evaluation used up
    const failed = { decision: null, verdict: "failure" as const, errors: reasons, policySource };
    try {
      const output = failureOutput(headline, reasons);
      scope.headSha ??= await headShaOf(octokit, target);
      const sha = scope.headSha;
      const existing =
        known && !req.mergeGroupSha ? known.ownCheckRun : await findOwnRun(octokit, target, sha, env.appId);
      finish({
        ...failed,
        check: await writeCheckRun(octokit, checkTarget(target, sha, detailsUrl), existing, output),
      });
    } catch (error) {
      finish({ ...failed, check: "failed", checkError: errorReason(error) });
    }
  };

  const decided = await decide(octokit, target, env, (s) => {
    stage = s;
  });
  if (!decided.ok) {
    if (decided.gathered) scope.headSha = req.mergeGroupSha ?? decided.gathered.facts.head.sha;
    await failClosed(decided.headline, decided.reasons, decided.gathered, decided.policySource);
    return;
  }

  const { decision, gathered } = decided;
  const sha = req.mergeGroupSha ?? gathered.facts.head.sha;
  scope.headSha = sha;
  stage = "check";
  budget.deadline = null;
  try {
    const own: CheckRunOutput = renderDecision(decision);
    let check: CheckWrite;
    if (req.mergeGroupSha) {
      const existing = await findOwnRun(octokit, target, sha, env.appId);
      check = await writeCheckRun(octokit, checkTarget(target, sha, detailsUrl), existing, own);
    } else if (gathered.sharedHead.length === 0) {
      check = await writeCheckRun(octokit, checkTarget(target, sha, detailsUrl), gathered.ownCheckRun, own);
    } else {
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
      check = await env.heads.run(`${target.owner}/${target.repo}@${sha}`, async () => {
        const existing = await findOwnRun(octokit, target, sha, env.appId);
        const where = checkTarget({ ...target, number: shown }, sha, detailsUrl);
        return writeCheckRun(octokit, where, existing, sharedHeadOutput(prs));
      });
    }
    if (!req.mergeGroupSha && decision.actions.length > 0) {
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
      }
    }
    finish({
      decision,
      verdict: decision.verdict,
      errors: decision.errors,
      policySource: decided.policySource,
      check,
    });
  } catch (error) {
    await failClosed("Could not write the check run", [errorReason(error)], gathered, decided.policySource);
  }
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
  let check: CheckWrite = "failed";
  let checkError: string | undefined;
  try {
    const existing = await findOwnRun(octokit, req, req.groupSha, env.appId);
    check = await writeCheckRun(
      octokit,
      target,
      existing,
      failureOutput("Cannot evaluate this merge group", [req.problem]),
    );
  } catch (error) {
    checkError = errorReason(error);
  }
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
