/**
 * Whether a decision could change if GitHub's App attribution (`performed_via_github_app`, only in
 * the REST timeline) were known. A label or command made through an App with a person's token is
 * untrusted (promotion.ts), but GraphQL credits it to the person; the extra read is worth its
 * request only when a person's step is one the promotion guard weighs: a protected or hold label
 * added or removed (as the step itself or as the human step that clears one), or a command comment.
 * Steps by agents, bots and unattributed accounts are untrusted whatever App they came through.
 */
import type { Actor, PrFacts } from "../facts/model.js";
import type { Policy } from "../policy/model.js";
import { findCommand, isHoldLabel, labelMatcher, PROTECTED_LABELS } from "./promotion-patterns.js";

const person = (actor: Actor | null): boolean => actor?.type === "User";

export function needsAppAttribution(policy: Policy, facts: PrFacts): boolean {
  const isProtected = labelMatcher([...PROTECTED_LABELS, ...policy.promotion.labels]);
  const labelStep = facts.timeline.some(
    (e) =>
      (e.kind === "labeled" || e.kind === "unlabeled") &&
      e.viaApp === null &&
      person(e.actor) &&
      (isProtected(e.label) || isHoldLabel(e.label)),
  );
  if (labelStep) return true;
  return facts.comments.some(
    (c) =>
      c.viaApp === null && person(c.author) && findCommand(c.body, policy.promotion.commands) !== undefined,
  );
}
