/**
 * Answers a deployment protection rule: find the PRs the deployed commit came through, decide each
 * on its final state (never trusting an old check run), review the deployment (engine/deployment.ts)
 * and post approved or rejected with the reasons to the run's callback. Any fault rejects; a
 * callback that names no run of this repository on this GitHub gets no answer at all, so the
 * deployment waits (and never gets an approval). Nothing here throws.
 */
import type { ProbotOctokit } from "probot";
import type { AuditScope } from "../audit/log.js";
import { type DeploymentRequest, type PrOutcome, reviewDeployment } from "../engine/deployment.js";
import { errorReason } from "../github/enforce.js";
import type { Policy } from "../policy/model.js";
import { deploymentComment } from "../report/deployment.js";
import { decide } from "./decide.js";
import type { PipelineEnv } from "./pipeline.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** PRs one deployment may ship before the review stops reading and rejects. */
export const MAX_DEPLOYMENT_PRS = 20;
/** Commits since the last successful deployment that are followed to their PRs; more rejects. */
export const MAX_DEPLOYMENT_COMMITS = 50;
/** Earlier deployments to the environment looked at for the last successful one. */
const PAST_DEPLOYMENTS = 10;

export interface DeploymentJob {
  installation: number;
  delivery: string;
  owner: string;
  repo: string;
  request: DeploymentRequest;
  runId: number | null;
  callbackUrl: string;
}

export async function answerDeployment(
  octokit: Octokit,
  job: DeploymentJob,
  env: PipelineEnv,
): Promise<void> {
  const { owner, repo, request } = job;
  const scope: AuditScope = {
    delivery: job.delivery,
    installation: job.installation,
    repository: `${owner}/${repo}`,
    pr: null,
    headSha: request.sha,
  };
  /** One audit record and one count per deployment, answered or not. */
  const record = (state: "approved" | "rejected" | "unanswered", reason: string) => {
    env.metrics.inc("agent_policy_deployments_total", { state });
    env.audit.action(scope, {
      kind: "deployment_review",
      target: `${request.environment}@${request.sha.slice(0, 7)}`,
      outcome: state === "unanswered" ? "failed" : "done",
      reason,
    });
  };
  const base = String(octokit.request.endpoint.DEFAULTS.baseUrl).replace(/\/+$/, "").toLowerCase();
  if (job.runId === null || !job.callbackUrl.toLowerCase().startsWith(`${base}/repos/`)) {
    record(
      "unanswered",
      `the callback URL does not name a workflow run of ${owner}/${repo} on this GitHub; nothing was approved`,
    );
    return;
  }

  const problems: string[] = [];
  const prs: PrOutcome[] = [];
  let policy: Policy | null = null;
  let since: string | null = null;
  try {
    const shipped = await shippedPulls(octokit, job, problems);
    since = shipped.since;
    const numbers = [...shipped.pulls.keys()];
    if (numbers.length > MAX_DEPLOYMENT_PRS)
      problems.push(
        `This deployment would ship ${numbers.length} pull requests; at most ${MAX_DEPLOYMENT_PRS} are reviewed for one deployment. Deploy more often.`,
      );
    for (const number of numbers.slice(0, MAX_DEPLOYMENT_PRS)) {
      const via = shipped.pulls.get(number) ?? "since";
      const decided = await decide(octokit, { owner, repo, number }, env);
      if (decided.ok) {
        policy ??= decided.policy;
        const f = decided.gathered.facts;
        prs.push({
          number,
          ok: true,
          via,
          state: f.state,
          mergeCommit: f.mergeCommitSha ?? null,
          decision: decided.decision,
        });
      } else prs.push({ number, ok: false, via, headline: decided.headline, reasons: decided.reasons });
    }
  } catch (error) {
    problems.push(`Could not find what commit ${request.sha.slice(0, 7)} would ship: ${errorReason(error)}`);
  }

  const review = reviewDeployment({ request, prs, policy, problems, since });
  const comment = deploymentComment(request, review);
  try {
    await octokit.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", {
      owner,
      repo,
      run_id: job.runId,
      environment_name: request.environment,
      state: review.state,
      comment,
    });
    record(
      review.state,
      `${review.state}: ${(review.state === "approved" ? review.checked : review.reasons).join(" ")}`,
    );
  } catch (error) {
    record(
      "unanswered",
      `would have ${review.state === "approved" ? "approved" : "rejected"}, but GitHub did not take the answer: ${errorReason(error)}`,
    );
  }
}

/**
 * The PRs a deployment ships: those of the deployed commit, and those of every commit since the
 * environment's last successful deployment (a person's merge on top of an unreviewed agent merge
 * ships both). A commit since then that came through no PR is a problem (rejected).
 */
async function shippedPulls(
  octokit: Octokit,
  job: DeploymentJob,
  problems: string[],
): Promise<{ pulls: Map<number, "deployed" | "since">; since: string | null }> {
  const { owner, repo, request } = job;
  const pulls = new Map<number, "deployed" | "since">();
  for (const n of await pullsOf(octokit, owner, repo, request.sha)) pulls.set(n, "deployed");
  const since = await lastSuccessfulDeployment(octokit, job);
  if (!since || since === request.sha) return { pulls, since };
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    owner,
    repo,
    basehead: `${since}...${request.sha}`,
  });
  const total = typeof data?.total_commits === "number" ? data.total_commits : Number.POSITIVE_INFINITY;
  const commits = (Array.isArray(data?.commits) ? data.commits : []).map((c) => c?.sha).filter(isSha);
  if (total > MAX_DEPLOYMENT_COMMITS || commits.length < total) {
    problems.push(
      `${Number.isFinite(total) ? total : "Too many"} commits since the last successful deployment here (${since.slice(0, 7)}); at most ${MAX_DEPLOYMENT_COMMITS} are followed to their pull requests for one deployment.`,
    );
    return { pulls, since };
  }
  for (const sha of commits) {
    if (sha === request.sha) continue;
    const found = await pullsOf(octokit, owner, repo, sha);
    if (found.length === 0)
      problems.push(
        `Commit ${sha.slice(0, 7)}, shipped since the last successful deployment here, came through no pull request.`,
      );
    for (const n of found) if (!pulls.has(n)) pulls.set(n, "since");
  }
  return { pulls, since };
}

/** This repository's PRs GitHub associates with a commit (merged ones included). */
async function pullsOf(octokit: Octokit, owner: string, repo: string, sha: string): Promise<number[]> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner,
    repo,
    commit_sha: sha,
    per_page: 100,
  });
  return (Array.isArray(data) ? data : [])
    .filter((p) => p?.base?.repo?.full_name?.toLowerCase() === `${owner}/${repo}`.toLowerCase())
    .map((p) => p.number)
    .filter((n): n is number => Number.isInteger(n) && n > 0);
}

/** The commit of the environment's newest deployment whose latest status is success; null when none. */
async function lastSuccessfulDeployment(octokit: Octokit, job: DeploymentJob): Promise<string | null> {
  const { owner, repo, request } = job;
  const { data } = await octokit.rest.repos.listDeployments({
    owner,
    repo,
    environment: request.environment,
    per_page: PAST_DEPLOYMENTS + 1,
  });
  for (const d of (Array.isArray(data) ? data : []).slice(0, PAST_DEPLOYMENTS + 1)) {
    if (d?.id === request.deploymentId || !isSha(d?.sha)) continue;
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: d.id,
      per_page: 1,
    });
    if (Array.isArray(statuses) && statuses[0]?.state === "success") return d.sha;
  }
  return null;
}

function isSha(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{40}$/.test(value);
}
