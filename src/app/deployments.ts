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

/** PRs one commit may have come through before the review stops reading and rejects. */
export const MAX_DEPLOYMENT_PRS = 10;

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
  const target = `${request.environment}@${request.sha.slice(0, 7)}`;
  const base = String(octokit.request.endpoint.DEFAULTS.baseUrl).replace(/\/+$/, "").toLowerCase();
  if (job.runId === null || !job.callbackUrl.toLowerCase().startsWith(`${base}/repos/`)) {
    env.metrics.inc("agent_policy_deployments_total", { state: "unanswered" });
    env.audit.action(scope, {
      kind: "deployment_review",
      target,
      outcome: "failed",
      reason: `the callback URL does not name a workflow run of ${owner}/${repo} on this GitHub; nothing was approved`,
    });
    return;
  }

  const problems: string[] = [];
  const prs: PrOutcome[] = [];
  let policy: Policy | null = null;
  try {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: request.sha,
      per_page: 100,
    });
    const numbers = (Array.isArray(data) ? data : [])
      .filter((p) => p?.base?.repo?.full_name?.toLowerCase() === `${owner}/${repo}`.toLowerCase())
      .map((p) => p.number)
      .filter((n): n is number => Number.isInteger(n) && n > 0);
    if (numbers.length > MAX_DEPLOYMENT_PRS)
      problems.push(
        `Commit ${request.sha.slice(0, 7)} came through ${numbers.length} pull requests; at most ${MAX_DEPLOYMENT_PRS} are reviewed for one deployment.`,
      );
    for (const number of numbers.slice(0, MAX_DEPLOYMENT_PRS)) {
      const decided = await decide(octokit, { owner, repo, number }, env);
      if (decided.ok) {
        policy ??= decided.policy;
        prs.push({ number, ok: true, state: decided.gathered.facts.state, decision: decided.decision });
      } else prs.push({ number, ok: false, headline: decided.headline, reasons: decided.reasons });
    }
  } catch (error) {
    problems.push(
      `Could not find the pull requests of commit ${request.sha.slice(0, 7)}: ${errorReason(error)}`,
    );
  }

  const review = reviewDeployment({ request, prs, policy, problems });
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
    env.metrics.inc("agent_policy_deployments_total", { state: review.state });
    env.audit.action(scope, {
      kind: "deployment_review",
      target,
      outcome: "done",
      reason: `${review.state}: ${(review.state === "approved" ? review.checked : review.reasons).join(" ")}`,
    });
  } catch (error) {
    env.metrics.inc("agent_policy_deployments_total", { state: "unanswered" });
    env.audit.action(scope, {
      kind: "deployment_review",
      target,
      outcome: "failed",
      reason: `would have ${review.state === "approved" ? "approved" : "rejected"}, but GitHub did not take the answer: ${errorReason(error)}`,
    });
  }
}
