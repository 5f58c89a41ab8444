/**
 * Whether a decision could change with what only GitHub's REST timeline says, so the app reads it
 * (one more request) only then. GitHub's GraphQL schema has neither of its two facts: no App
 * attribution on label events or comments (`performed_via_github_app` is REST-only; `LabeledEvent`
 * has no such field, `IssueComment` neither), and no `copilot_work_started` event.
 *
 * - App attribution: a label or command made through an App with a person's token is untrusted
 *   (promotion.ts), but GraphQL credits it to the person. It matters only when a person's step is
 *   one the promotion guard weighs: a protected or hold label added or removed (as the step itself
 *   or as the human step that clears one), or a command comment. Steps by agents, bots and
 *   unattributed accounts are untrusted whatever App they came through. A person's break-glass
 *   override counts only when typed by the person, not posted through an App, so it needs it too.
 * - Copilot's requester: the actor of `copilot_work_started` asked for the work, so their approval
 *   neither counts nor clears a violation. The requester changes nothing else in a decision, so the
 *   event matters only on a Copilot PR that a person approved in a way that could count or clear:
 *   an approval of the head; of any commit without `dismiss_on_push`; or any approval at all once
 *   an agent or bot has approved (any later human approval clears that). Copilot's other marks of
 *   its requester (co-author trailer, assignment) come with the GraphQL read.
 */

import { catalogAccount } from "../catalog/lookup.js";
import type { Actor, PrFacts } from "../facts/model.js";
import type { Policy } from "../policy/model.js";
import { isOverrideComment } from "./overrides.js";
import { findCommand, isHoldLabel, labelMatcher, PROTECTED_LABELS } from "./promotion-patterns.js";

const person = (actor: Actor | null): boolean => actor?.type === "User";

/** The catalog id of GitHub's Copilot coding agent (as identify.ts recognises the author). */
const COPILOT = "copilot-coding-agent";

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
      c.viaApp === null &&
      person(c.author) &&
      (findCommand(c.body, policy.promotion.commands) !== undefined ||
        (policy.overrides !== null && isOverrideComment(c.body))),
  );
}

export function needsCopilotRequester(policy: Policy, facts: PrFacts): boolean {
  const { author } = facts;
  if (catalogAccount(author.login, author.type, author.id)?.id !== COPILOT) return false;
  const approvals = facts.reviews.filter((r) => r.state === "APPROVED");
  const automationApproved = approvals.some((r) => !person(r.author));
  return approvals.some(
    (r) =>
      person(r.author) &&
      (r.commitSha === facts.head.sha || !policy.approvals.dismissOnPush || automationApproved),
  );
}

/** Whether to read the REST timeline for this decision (see above). */
export function needsRestTimeline(policy: Policy, facts: PrFacts): boolean {
  return needsAppAttribution(policy, facts) || needsCopilotRequester(policy, facts);
}
