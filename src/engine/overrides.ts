/**
 * Break-glass: `/agent-policy override <reason>` from a person the policy names passes the current
 * head, and only it. Every override comment gets one answer (accepted, or refused with the reason),
 * which the app posts once; the decision carries the override in force, if any.
 *
 * Which head a comment was given for: when first answered, the current head, provided the comment
 * is newer than the newest comment when this app first reported on that head for this PR
 * (`facts.overrideAfter`, kept in its own check run, which nobody else can write) and than any
 * force push; the answer then records the head, and the override holds for that head only
 * (`facts.overrideRecords`). A push makes a new head, so it ends the override.
 */
import type { Actor, Comment, PrFacts } from "../facts/model.js";
import type { Policy } from "../policy/model.js";
import { meetsFrom } from "./approvals.js";
import { actorClass } from "./identify.js";

/** The command: first line `/agent-policy override`, the reason after it (the rest of the comment). */
const COMMAND = /^\s*\/agent-policy[ \t]+override(?![\w-])/i;
const MAX_REASON = 500;

export interface OverrideAnswer {
  commentId: string;
  login: string;
  at: string;
  accepted: boolean;
  /** The reason given (accepted), or why the override was refused. */
  reason: string;
}

export interface OverrideInForce {
  by: string;
  at: string;
  reason: string;
  commentId: string;
}

export interface OverrideAssessment {
  /** The newest accepted override for the current head; null when none. */
  inForce: OverrideInForce | null;
  /** One answer per override comment, oldest first. */
  answers: OverrideAnswer[];
}

/** Whether a comment asks for an override (so it is assessed, and its author looked up). */
export function isOverrideComment(body: string): boolean {
  return COMMAND.test(body.slice(0, 200));
}

/** The reason after the command, whitespace collapsed and bounded; "" when none is given. */
function reasonOf(body: string): string {
  const rest = body.replace(COMMAND, "").replace(/\s+/g, " ").trim();
  return /[\p{L}\p{N}]/u.test(rest) ? rest.slice(0, MAX_REASON) : "";
}

export function assessOverrides(
  policy: Policy,
  facts: PrFacts,
  excluded: { requesters: ReadonlySet<string>; contributors: ReadonlySet<string> },
): OverrideAssessment {
  const answers: OverrideAnswer[] = [];
  let inForce: OverrideInForce | null = null;
  const records = facts.overrideRecords ?? {};
  for (const comment of facts.comments) {
    if (typeof comment?.body !== "string" || !isOverrideComment(comment.body)) continue;
    const login = comment.author?.login ?? "(unknown)";
    const record = records[comment.id];
    // Answered before: it holds for the head it was accepted on, and for no other.
    const refusal =
      record === undefined
        ? refusalOf(policy, facts, comment, excluded)
        : record === "refused"
          ? "it was refused when it was posted (see the reply)"
          : record !== facts.head.sha
            ? `it was given for ${record.slice(0, 7)}, and the head is now ${facts.head.sha.slice(0, 7)}`
            : null;
    const reason = refusal ?? reasonOf(comment.body);
    answers.push({ commentId: comment.id, login, at: comment.createdAt, accepted: refusal === null, reason });
    if (refusal === null && (!inForce || Date.parse(comment.createdAt) >= Date.parse(inForce.at)))
      inForce = { by: login, at: comment.createdAt, reason, commentId: comment.id };
  }
  return { inForce, answers };
}

/** Why this comment cannot override, or null when it does. */
function refusalOf(
  policy: Policy,
  facts: PrFacts,
  comment: Comment,
  excluded: { requesters: ReadonlySet<string>; contributors: ReadonlySet<string> },
): string | null {
  if (!policy.overrides) return "overrides are off: the policy names nobody in `overrides.from`";
  const author: Actor | null = comment.author ?? null;
  if (comment.viaApp)
    return `it was posted through the App \`${comment.viaApp.slug}\`; an override must come from a person directly`;
  const cls = actorClass(author, policy);
  if (cls !== "human" || !author) return "agents, bots and unknown accounts can never override";
  if (comment.lastEditedAt !== null)
    return "the comment was edited; an override must be a new, unedited comment";
  if (reasonOf(comment.body) === "") return "no reason was given: write `/agent-policy override <reason>`";
  // Who may override is told from the commits, timeline and comments: all of them must be read.
  const short = (["commits", "timeline", "comments", "reviews"] as const).filter(
    (k) => facts.counts[k].fetched < facts.counts[k].reported,
  );
  if (short.length > 0 || facts.gaps.length > 0)
    return `agent-policy could not read all of ${short.length > 0 ? `the PR's ${short.join(", ")}` : "the PR"}, so it cannot tell who may override`;
  const login = author.login.toLowerCase();
  if (login === facts.author.login.toLowerCase()) return "the PR's author can never override";
  if (excluded.requesters.has(login)) return "whoever asked the agent for this work can never override";
  if (excluded.contributors.has(login)) return "a contributor to this PR can never override";
  // The names in `from` are not repeated here: anyone may post the command, and a reply must not ping them.
  if (meetsFrom(facts, author.login, policy.overrides.from) !== true)
    return "only those `overrides.from` names may override";
  const after = facts.overrideAfter ?? null;
  const forcePushed = Math.max(
    0,
    ...facts.timeline.filter((e) => e.kind === "head_ref_force_pushed").map((e) => Date.parse(e.at) || 0),
  );
  if (after === null || !(Number(comment.id) > after) || !(Date.parse(comment.createdAt) > forcePushed))
    return `it was written before agent-policy reported on the current head ${facts.head.sha.slice(0, 7)} of this PR; an override holds for the head it was given on, so comment again to override this one`;
  return null;
}
