/**
 * Everything a decision needs to know about one pull request, as plain data.
 * The GitHub adapter fills it from the API; tests and the CLI fill it from YAML.
 * The engine reads nothing else, so a decision is a function of these facts and the policy.
 */

/** A GitHub account as GitHub reports it. `type` is what GitHub says, never inferred from the login. */
export interface Actor {
  login: string;
  type: "User" | "Bot" | "Organization" | "Unknown";
  id?: number;
}

/** The GitHub App through which an action was performed, when GitHub reports one. */
export interface AppRef {
  slug: string;
  id?: number;
}

export type Permission = "none" | "read" | "triage" | "write" | "maintain" | "admin";

/** A git identity: what the commit says, plus the account GitHub resolved it to (null when none). */
export interface GitIdentity {
  name: string;
  email: string;
  login: string | null;
}

export interface Commit {
  sha: string;
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  /** Extra authors GitHub resolved from Co-authored-by trailers (GraphQL `authors`), beyond `author`. */
  coAuthors: GitIdentity[];
  /** GitHub verified the signature. */
  verified: boolean;
}

export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";

export interface ChangedFile {
  path: string;
  /** The path before a rename or copy; classified too, so renaming out of a sensitive folder cannot hide it. */
  previousPath?: string;
  status: FileStatus;
  additions: number;
  deletions: number;
  /** Unified diff hunk text; null when GitHub gives none (binary or too large) or it was not fetched. */
  patch: string | null;
  /**
   * The whole file at the head commit, for files whose meaning depends on more than the lines a
   * patch shows (workflows, actions, package.json): read only for those. Absent when it was not
   * read; null when it was asked for and GitHub gave none usable (too large, binary), or the PR's
   * budget for whole files was used up. Scanners then read the patch; a workflow that could not be
   * followed whole counts as not fully scanned.
   */
  content?: string | null;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface Review {
  id: string;
  author: Actor;
  state: ReviewState;
  /** The commit the review was submitted on; null when GitHub no longer knows it. */
  commitSha: string | null;
  submittedAt: string;
  /**
   * The review's own text ("" when none). Merge bots read it like a comment (Prow's `/lgtm`,
   * bors's `bors r+` in a review), so a command in it is a promotion step.
   */
  body: string;
  /** GraphQL `authorCanPushToRepository`: the reviewer had at least write access when fetched. */
  authorCanPush?: boolean;
}

/** A comment on the PR conversation (issue comment). */
export interface Comment {
  id: string;
  author: Actor;
  body: string;
  createdAt: string;
  /** Set when the comment was edited after it was written. */
  lastEditedAt: string | null;
  /** Who made the last edit, when known (may differ from the author). */
  editor: Actor | null;
  /** The App the comment was written through, when GitHub reports one. */
  viaApp: AppRef | null;
}

/**
 * A timeline event with the actor GitHub attributes it to. `actor` is null when GitHub
 * gives none (deleted account, ghost): the engine treats such steps as untrusted.
 */
export type TimelineEvent =
  | { kind: "labeled" | "unlabeled"; label: string; actor: Actor | null; viaApp: AppRef | null; at: string }
  | { kind: "auto_merge_enabled" | "auto_merge_disabled"; actor: Actor | null; at: string }
  | { kind: "added_to_merge_queue" | "removed_from_merge_queue"; actor: Actor | null; at: string }
  | { kind: "review_dismissed"; actor: Actor | null; reviewer: string | null; at: string }
  /** `reviewer` is null for a team (a team is never an agent). */
  | { kind: "review_requested"; actor: Actor | null; reviewer: Actor | null; at: string }
  | { kind: "review_request_removed"; actor: Actor | null; reviewer: string | null; at: string }
  | { kind: "assigned"; actor: Actor | null; assignee: Actor; at: string }
  | { kind: "ready_for_review"; actor: Actor | null; at: string }
  | { kind: "head_ref_force_pushed"; actor: Actor | null; at: string }
  /** Copilot's "started work" event: its actor is the human who asked the agent. */
  | { kind: "copilot_work_started"; actor: Actor | null; at: string };

export type TimelineKind = TimelineEvent["kind"];

export interface CheckRun {
  name: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion:
    | "success"
    | "failure"
    | "neutral"
    | "cancelled"
    | "skipped"
    | "timed_out"
    | "action_required"
    | "stale"
    | "startup_failure"
    | null;
  /** The App that posted it; null when GitHub does not say. */
  app: AppRef | null;
}

export interface CommitStatus {
  context: string;
  state: "success" | "pending" | "failure" | "error";
  /** Who set it; statuses carry no App, so any writer can set any context. */
  creator: Actor | null;
}

/** One collection as GitHub reported it: how many exist beside how many were fetched. */
export interface Count {
  reported: number;
  fetched: number;
}

export interface Person {
  /** Repository permission; undefined when it was not looked up (counts as unknown, never as enough). */
  permission?: Permission;
  /** Team memberships that were looked up, as "org/slug" → active member. */
  teams?: Record<string, boolean>;
}

export interface PrFacts {
  repo: { owner: string; name: string; defaultBranch: string };
  number: number;
  title: string;
  body: string;
  /**
   * Who last edited the PR body (GitHub keeps the last editor only); null when it was never
   * edited. On an agent's PR the body names the requester ("Requested by: @alice"), so a
   * person who edited it may have removed that line and is excluded like a contributor.
   */
  bodyEditedBy: Actor | null;
  author: Actor;
  /** When the PR was opened; labels an agent platform adds at creation are told by it. */
  createdAt?: string;
  state: "open" | "closed" | "merged";
  /** The commit a merged PR landed as (merge or squash commit, or the last rebased one). */
  mergeCommitSha?: string;
  draft: boolean;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string; repoFullName: string };
  commits: Commit[];
  files: ChangedFile[];
  reviews: Review[];
  /** Labels on the PR now. */
  labels: string[];
  comments: Comment[];
  /** Timeline events oldest first. */
  timeline: TimelineEvent[];
  /** Check runs and statuses on the head commit, oldest first (a re-run supersedes an earlier run of the same name and app). */
  checkRuns: CheckRun[];
  statuses: CommitStatus[];
  /**
   * The id of the newest comment when this app first reported on the current head for this PR
   * (kept in its own check run, which only it can write); null or absent when it has not, or the
   * PR was force-pushed since. Break-glass overrides count only in newer comments, so a push ends them.
   */
  overrideAfter?: number | null;
  /**
   * This app's answers to break-glass comments, by comment id: the head an override was accepted
   * for, or "refused". Read from its own replies, so an override stays bound to its head.
   */
  overrideRecords?: Record<string, string>;
  /** Auto-merge as it stands now; null when off. */
  autoMerge: { enabledBy: Actor | null; at: string } | null;
  /** Repository permission and team memberships of the people the decision may depend on, by login. */
  people: Record<string, Person>;
  /** Reported vs fetched counts; any shortfall fails the decision closed. */
  counts: {
    files: Count;
    commits: Count;
    reviews: Count;
    comments: Count;
    timeline: Count;
    labels: Count;
    checks: Count;
  };
  /** Anything else the gatherer could not see (a missing patch needed for scanning, an API fault). */
  gaps: string[];
}
