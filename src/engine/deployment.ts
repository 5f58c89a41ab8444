/**
 * A deployment's review (GitHub's custom deployment protection rule): approve only when the
 * environment is gated by the policy, whoever started the deployment may, and every PR that
 * brought the commit met the policy on the head that was merged, as re-evaluated now. Anything in
 * doubt rejects, with the reason. Pure: the app gathers the PRs' decisions and posts the answer.
 */
import type { Actor } from "../facts/model.js";
import type { AuthorKind, DeploymentGate, Policy } from "../policy/model.js";
import type { Decision } from "./decision.js";
import { compiled, firstMatch } from "./globs.js";
import { actorClass } from "./identify.js";

export interface DeploymentRequest {
  environment: string;
  sha: string;
  /** The event that started the workflow: push, workflow_dispatch, pull_request... */
  event: string;
  /** GitHub's deployment id, when the run made one (it is not an earlier deployment). */
  deploymentId: number | null;
  /** The deployment's creator and the event's sender, as GitHub names them (null: not given). */
  starters: { role: "creator" | "sender"; actor: Actor | null }[];
}

/**
 * A PR the deployment would ship: `deployed` when the deployed commit itself came through it,
 * `since` when one of the commits since the environment's last successful deployment did.
 */
export type PrOutcome =
  | {
      number: number;
      ok: true;
      via: "deployed" | "since";
      state: "open" | "closed" | "merged";
      /** The commit a merged PR landed as. */
      mergeCommit: string | null;
      decision: Decision;
    }
  | { number: number; ok: false; via: "deployed" | "since"; headline: string; reasons: string[] };

export interface DeploymentFacts {
  request: DeploymentRequest;
  /** The PRs the deployed commit came through; empty when GitHub names none. */
  prs: PrOutcome[];
  /** The policy as the PRs' evaluation loaded it; null when none could be (then `problems` says why). */
  policy: Policy | null;
  /** What could not be read, or a commit that came through no PR: each a reason to reject. */
  problems: string[];
  /** The environment's last successful deployment the commits were counted from; null: none. */
  since: string | null;
}

export interface DeploymentReview {
  state: "approved" | "rejected";
  /** Why it was rejected, most important first; empty when approved. */
  reasons: string[];
  /** What was checked, for the deployment's log. */
  checked: string[];
}

export function reviewDeployment(facts: DeploymentFacts): DeploymentReview {
  const { request, policy } = facts;
  const reasons = [...facts.problems];
  const checked: string[] = [];
  const short = request.sha.slice(0, 7);
  const gate = policy ? gateFor(policy, request.environment) : null;
  if (policy && !gate) {
    reasons.push(
      `Environment "${request.environment}" is not named in the policy's \`deployments\` section, so this app cannot tell what it requires. Add it there, or remove agent-policy's protection rule from the environment.`,
    );
  }
  if (policy && gate) {
    for (const { role, actor } of request.starters) {
      const kind = starterKind(actor, policy);
      if (kind && gate.actors.includes(kind)) {
        checked.push(`the deployment's ${role} @${actor?.login} is ${an(kind)}, which may deploy here`);
        continue;
      }
      reasons.push(
        kind
          ? `The deployment's ${role} @${actor?.login} is ${an(kind)}; deployments to "${request.environment}" may be started by ${gate.actors.map(an).join(" or ")} only.`
          : `The deployment's ${role} is unknown to GitHub (a deleted or malformed account); it cannot be trusted to deploy.`,
      );
    }
  }
  checked.push(
    facts.since
      ? `every commit since the last successful deployment here (${facts.since.slice(0, 7)}) came through a pull request`
      : "no earlier successful deployment here: the deployed commit's pull requests were reviewed",
  );
  if (!facts.prs.some((p) => p.via === "deployed") && facts.problems.length === 0) {
    reasons.push(
      `No pull request brought commit ${short}: a commit that did not come through a reviewed pull request is not deployed. Deploy a commit merged through a pull request.`,
    );
  }
  for (const pr of facts.prs) {
    if (!pr.ok) {
      reasons.push(`PR #${pr.number} could not be evaluated (${pr.headline}: ${pr.reasons.join("; ")}).`);
      continue;
    }
    const d = pr.decision;
    const who = d.identity.agents.map((a) => a.name).join(", ") || d.identity.kind;
    const problem = shipped(pr, request.sha);
    if (problem) {
      reasons.push(problem);
      continue;
    }
    if (gate?.prs === "agents" && d.identity.kind === "human") {
      checked.push(`PR #${pr.number} is a person's (the policy gates agent and bot PRs only)`);
      continue;
    }
    if (d.verdict === "success") {
      checked.push(
        `PR #${pr.number} (${who}) met the policy on ${d.headSha.slice(0, 7)}${d.override ? `, by @${d.override.by}'s override` : ""}`,
      );
      continue;
    }
    reasons.push(
      `PR #${pr.number} (${who}) does not meet the policy on ${d.headSha.slice(0, 7)}: ${d.title}.`,
    );
  }
  return { state: reasons.length === 0 && gate !== null ? "approved" : "rejected", reasons, checked };
}

/**
 * Why the deployment would not ship what the PR's review covered, or null. The deployed commit
 * must be the PR's reviewed head or the commit it was merged as (not a commit in between); a
 * commit shipped since the last deployment must have landed through its merged PR.
 */
function shipped(pr: Extract<PrOutcome, { ok: true }>, sha: string): string | null {
  const head = pr.decision.headSha;
  if (pr.via === "since")
    return pr.state === "merged"
      ? null
      : `PR #${pr.number} was not merged, yet a commit of it is in this deployment: it came to the branch outside its review.`;
  if (pr.state === "closed")
    return `PR #${pr.number} holds commit ${sha.slice(0, 7)} but was closed without being merged.`;
  if (pr.state === "open" && head !== sha)
    return `PR #${pr.number} is still open and its head is ${head.slice(0, 7)}, not the deployed commit ${sha.slice(0, 7)}: only a reviewed head is deployed.`;
  if (pr.state === "merged" && head !== sha && pr.mergeCommit !== sha)
    return `Commit ${sha.slice(0, 7)} is inside PR #${pr.number}, which was reviewed on ${head.slice(0, 7)} and merged as ${pr.mergeCommit?.slice(0, 7) ?? "an unknown commit"}: only what was reviewed and merged is deployed.`;
  return null;
}

/** The first gate whose environment globs match, case-insensitively. */
export function gateFor(policy: Policy, environment: string): DeploymentGate | null {
  return policy.deployments.find((g) => firstMatch(compiled(g.environments), environment) >= 0) ?? null;
}

function starterKind(actor: Actor | null, policy: Policy): AuthorKind | null {
  const cls = actorClass(actor, policy);
  return cls === "unknown" ? null : cls;
}

function an(kind: AuthorKind): string {
  return kind === "agent" ? "an AI agent" : kind === "bot" ? "a bot" : "a person";
}
