/**
 * One evaluation of one pull request's current state: read → policy → patches → people →
 * evaluate → render → check run → enforcement → audit. Any fault at any step ends in a failed
 * check run that names the reason (never success); if even that cannot be written, the audit
 * record carries the error. Nothing here throws.
 */
import type { ProbotOctokit } from "probot";
import type { AuditLog, AuditScope, CheckWrite } from "../audit/log.js";
import type { Decision } from "../engine/decision.js";
import { evaluate, lookupsNeeded, needsPatches } from "../engine/evaluate.js";
import { type CheckTarget, type ExistingRun, findOwnCheckRun, writeCheckRun } from "../github/checks.js";
import { errorReason, performActions } from "../github/enforce.js";
import {
  fetchPatches,
  GatherError,
  type Gathered,
  lookupPeople,
  type PeopleCaches,
  policyFetcher,
  readPullRequest,
} from "../github/gather.js";
import { formatPolicyError } from "../policy/index.js";
import { type CheckRunOutput, renderDecision, renderFailure } from "../report/render.js";
import type { Hint, PrTarget } from "./events.js";
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
}

export interface EvaluationRequest {
  installation: number;
  delivery: string;
  target: PrTarget;
  hint: Hint;
  /** Merge queue: post the PR's verdict on this commit instead of the PR head, and enforce nothing. */
  mergeGroupSha?: string;
}

type Stage = "read" | "policy" | "files" | "people" | "evaluate" | "check";

const HEADLINE: Record<Stage, string> = {
  read: "Could not read the pull request",
  policy: "Could not load the policy",
  files: "Could not read the changed files",
  people: "Could not look up reviewers' permissions and teams",
  evaluate: "Could not evaluate the pull request",
  check: "Could not write the check run",
};

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
  let stage: Stage = "read";
  let gathered: Gathered | null = null;
  let policySource: string | null = null;

  const finish = (
    decision: Decision | null,
    verdict: Decision["verdict"],
    errors: string[],
    check: CheckWrite,
    checkError?: string,
  ) => {
    env.metrics.inc("agent_policy_evaluations_total", { verdict });
    if (errors.length > 0 || check === "failed") env.metrics.inc("agent_policy_errors_total", { stage });
    env.audit.decision(scope, {
      decision,
      verdict,
      errors,
      policySource,
      check,
      ...(checkError ? { checkError } : {}),
      durationMs: Math.round(performance.now() - started),
      apiRequests: budget.count,
    });
  };

  /** Fail closed: post a failed check with the reasons on the best commit we know. */
  const failClosed = async (headline: string, reasons: string[]) => {
    budget.deadline = null; // the failure report gets its own time, whatever the evaluation used up
    try {
      const output = failureOutput(headline, reasons);
      scope.headSha ??= await headShaOf(octokit, target);
      const sha = scope.headSha;
      const existing =
        gathered && !req.mergeGroupSha
          ? gathered.ownCheckRun
          : await findOwnRun(octokit, target, sha, env.appId);
      const written = await writeCheckRun(octokit, checkTarget(target, sha, detailsUrl), existing, output);
      finish(null, "failure", reasons, written);
    } catch (error) {
      finish(null, "failure", reasons, "failed", errorReason(error));
    }
  };

  try {
    gathered = await readPullRequest(octokit, target, { appSlug: await env.appSlug() });
    const sha = req.mergeGroupSha ?? gathered.facts.head.sha;
    scope.headSha = sha;

    stage = "policy";
    const loaded = await env.policies.resolve(
      gathered.policyKey,
      gathered.policyFile,
      policyFetcher(octokit),
    );
    policySource = gathered.policyFile?.source ?? "built-in default";
    if (!loaded.ok) {
      await failClosed(
        "Invalid agent-policy configuration",
        loaded.errors.map((e) => formatPolicyError(e)),
      );
      return;
    }
    const policy = loaded.policy;
    policySource = policy.source;

    let facts = gathered.facts;
    if (needsPatches(policy, facts)) {
      stage = "files";
      facts = await fetchPatches(octokit, target, facts);
    }
    const { logins, teams } = lookupsNeeded(policy, facts);
    if (logins.length > 0 || teams.length > 0) {
      stage = "people";
      const people = await lookupPeople(octokit, target, logins, teams, env.people);
      facts = { ...facts, people: { ...facts.people, ...people } };
    }

    stage = "evaluate";
    const decision = evaluate(policy, facts);
    const output: CheckRunOutput = renderDecision(decision);

    stage = "check";
    budget.deadline = null;
    const existing: ExistingRun | null = req.mergeGroupSha
      ? await findOwnRun(octokit, target, sha, env.appId)
      : gathered.ownCheckRun;
    const written = await writeCheckRun(octokit, checkTarget(target, sha, detailsUrl), existing, output);

    if (!req.mergeGroupSha && decision.actions.length > 0) {
      const results = await performActions(octokit, target, {
        decision,
        labels: facts.labels,
        autoMergeOn: facts.autoMerge !== null,
        ownComment: gathered.ownComment,
        checkUrl: detailsUrl,
      });
      for (const r of results) {
        env.metrics.inc("agent_policy_actions_total", { kind: r.kind, outcome: r.outcome });
        env.audit.action(scope, r);
      }
    }
    finish(decision, decision.verdict, decision.errors, written);
  } catch (error) {
    const reason = error instanceof GatherError ? error.reason : errorReason(error);
    await failClosed(HEADLINE[stage], [reason]);
  }
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
