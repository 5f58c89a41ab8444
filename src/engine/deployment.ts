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
  /** The deployment's creator and the event's sender, as GitHub names them (null: not given). */
  starters: { role: "creator" | "sender"; actor: Actor | null }[];
}

export type PrOutcome =
  | { number: number; ok: true; state: "open" | "closed" | "merged"; decision: Decision }
  | { number: number; ok: false; headline: string; reasons: string[] };

export interface DeploymentFacts {
  request: DeploymentRequest;
  /** The PRs the deployed commit came through; empty when GitHub names none. */
  prs: PrOutcome[];
  /** The policy as the PRs' evaluation loaded it; null when none could be (then `problems` says why). */
  policy: Policy | null;
  /** What could not be read, each a reason to reject. */
  problems: string[];
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
  if (facts.prs.length === 0 && facts.problems.length === 0) {
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
    if (pr.state === "closed") {
      reasons.push(`PR #${pr.number} holds commit ${short} but was closed without being merged.`);
      continue;
    }
    if (pr.state === "open" && d.headSha !== request.sha) {
      reasons.push(
        `PR #${pr.number} is still open and its head is ${d.headSha.slice(0, 7)}, not the deployed commit ${short}: only a reviewed head is deployed.`,
      );
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
