/**
 * Which reviews count as independent human approvals of the exact code being merged (SPEC §4).
 *
 * - Only each reviewer's latest opinion counts (APPROVED, CHANGES_REQUESTED or DISMISSED; a later
 *   plain comment does not withdraw an approval, as on GitHub).
 * - With `dismiss_on_push`, only approvals of the current head commit count.
 * - Agents, bots and unattributed reviewers never count; neither do the author nor the requester,
 *   whatever `approvals.exclude` says: that list can add commit contributors, not remove them.
 * - Without `from`, an approver needs at least write permission, as GitHub's own required reviews do.
 */
import type { PrFacts, Review } from "../facts/model.js";
import type { Approvers, Policy } from "../policy/model.js";
import type { ReviewAssessment } from "./decision.js";
import type { ActorClass } from "./identify.js";
import { hasPermission, inTeam } from "./people.js";

export interface Approval {
  login: string;
  review: Review;
}

export interface ApprovalAssessment {
  /** Approvals eligible before any rule's `from` is applied. */
  eligible: Approval[];
  reviews: ReviewAssessment[];
  /** Humans whose latest opinion is "changes requested". */
  changesRequested: Approval[];
}

const OPINIONS = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);

function latestOpinions(reviews: readonly Review[]): Map<string, Review> {
  const latest = new Map<string, Review>();
  for (const r of reviews) {
    if (!OPINIONS.has(r.state)) continue;
    const key = r.author.login.toLowerCase();
    const prev = latest.get(key);
    if (!prev || prev.submittedAt <= r.submittedAt) latest.set(key, r);
  }
  return latest;
}

export function assessReviews(
  policy: Policy,
  facts: PrFacts,
  classOf: (r: Review) => ActorClass,
  excluded: { requesters: ReadonlySet<string>; contributors: ReadonlySet<string> },
): ApprovalAssessment {
  const author = facts.author.login.toLowerCase();
  const excludeContributors = policy.approvals.exclude.includes("contributors");
  const eligible: Approval[] = [];
  const changesRequested: Approval[] = [];
  const reviews: ReviewAssessment[] = [];
  for (const [key, review] of latestOpinions(facts.reviews)) {
    const login = review.author.login;
    const cls = classOf(review);
    const verdict = (counted: boolean, reason: string) =>
      reviews.push({ reviewer: login, state: review.state, counted, reason });
    if (review.state === "DISMISSED") {
      verdict(false, "latest review was dismissed");
      continue;
    }
    if (cls !== "human") {
      verdict(
        false,
        cls === "unknown" ? "reviewer is not attributed to an account" : `reviewer is ${an(cls)}`,
      );
      continue;
    }
    if (review.state === "CHANGES_REQUESTED") {
      // As on GitHub, only people with write access can hold a PR; anyone else's objection is shown, not enforced.
      if (hasPermission(facts, login, "write") === true) {
        changesRequested.push({ login, review });
        verdict(false, `requested changes${short(review.commitSha)}`);
      } else {
        verdict(
          false,
          `requested changes${short(review.commitSha)} without write permission, so it does not hold the PR`,
        );
      }
      continue;
    }
    const reason = exclusion(key, author, excluded, excludeContributors);
    if (reason) {
      verdict(false, reason);
      continue;
    }
    if (policy.approvals.dismissOnPush && review.commitSha !== facts.head.sha) {
      verdict(
        false,
        `approved an older commit${short(review.commitSha)}, not the head${short(facts.head.sha)}`,
      );
      continue;
    }
    eligible.push({ login, review });
    verdict(true, `approved${short(review.commitSha)}`);
  }
  return { eligible, reviews, changesRequested };
}

function exclusion(
  login: string,
  author: string,
  excluded: { requesters: ReadonlySet<string>; contributors: ReadonlySet<string> },
  excludeContributors: boolean,
): string | null {
  if (login === author) return "is the PR author";
  if (excluded.requesters.has(login)) return "asked the agent for this work (requester)";
  if (excludeContributors && excluded.contributors.has(login))
    return "contributed to this PR (authored, committed or co-authored a commit, or edited its description)";
  return null;
}

/** Whether an approver satisfies a rule's `from` (any of users, teams, permission); the reason when not. */
export function meetsFrom(facts: PrFacts, login: string, from: Approvers | undefined): true | string {
  if (!from || (from.users.length === 0 && from.teams.length === 0 && !from.permission)) {
    const write = hasPermission(facts, login, "write");
    return write === true ? true : write === false ? "lacks write permission" : "write permission unknown";
  }
  const lower = login.toLowerCase();
  if (from.users.some((u) => u.toLowerCase() === lower)) return true;
  if (from.teams.some((t) => inTeam(facts, login, t) === true)) return true;
  if (from.permission) {
    const ok = hasPermission(facts, login, from.permission);
    if (ok === true) return true;
  }
  return `not among ${describeApprovers(from)}`;
}

export function describeApprovers(from: Approvers | undefined): string {
  if (!from) return "any independent human with write permission";
  const parts = [
    ...from.users.map((u) => `@${u}`),
    ...from.teams.map((t) => `@${t}`),
    ...(from.permission ? [`anyone with ${from.permission} permission`] : []),
  ];
  return parts.length > 0 ? parts.join(", ") : "any independent human with write permission";
}

function an(cls: string): string {
  return cls === "agent" ? "an AI agent" : "a bot";
}

function short(sha: string | null): string {
  return sha ? ` ${sha.slice(0, 7)}` : "";
}
