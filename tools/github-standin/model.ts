/**
 * The stand-in's data model: what GitHub knows about accounts, apps, repositories and pull requests,
 * as plain records. `Store` (store.ts) holds them and builds them; REST, GraphQL and webhooks render them.
 */
export type AccountType = "User" | "Bot" | "Organization";
export type RepoPermission = "read" | "triage" | "write" | "maintain" | "admin";
export type AppPermissionLevel = "read" | "write";
export type AppPermissions = Record<string, AppPermissionLevel>;

export interface Account {
  login: string;
  id: number;
  type: AccountType;
  name: string | null;
  /** Extra commit emails GitHub would resolve to this account (noreply addresses always resolve). */
  emails: string[];
  /**
   * The login GraphQL shows. GitHub drops "[bot]" for Bot actors in GraphQL, and Copilot's REST login
   * "Copilot" is "copilot-swe-agent" there; apps that compare logins across the two APIs must cope.
   */
  graphqlLogin: string;
  /** For Bot accounts of GitHub Apps: the app's slug (REST `html_url` is https://github.com/apps/<slug>). */
  appSlug: string | null;
}

export interface App {
  id: number;
  slug: string;
  name: string;
  owner: string;
  /** The app's bot account, the actor of everything done with its installation tokens. */
  botLogin: string;
  permissions: AppPermissions;
  events: string[];
  createdAt: string;
}

export interface Installation {
  id: number;
  appId: number;
  account: string;
  permissions: AppPermissions;
  repositorySelection: "all" | "selected";
  createdAt: string;
}

export interface Branch {
  name: string;
  oid: string;
  files: Map<string, string>;
}

export interface TeamMember {
  role: "member" | "maintainer";
  state: "active" | "pending";
}

export interface Team {
  id: number;
  org: string;
  slug: string;
  name: string;
  members: Map<string, TeamMember>;
}

export interface Repo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  /** The installation of the app under test that covers this repo; null when the app is not installed. */
  installationId: number | null;
  branches: Map<string, Branch>;
  /** Repository permission by lowercase login. */
  collaborators: Map<string, RepoPermission>;
  pulls: Map<number, PullRequestRecord>;
  createdAt: string;
}

export interface GitIdentity {
  name: string;
  email: string;
  date: string;
}

export interface CommitRecord {
  sha: string;
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  /** GitHub shows the commit as Verified (signature valid). */
  verified: boolean;
  parents: string[];
}

export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";

export interface FileChange {
  filename: string;
  status: FileStatus;
  previousFilename: string | null;
  additions: number;
  deletions: number;
  /** Absent for binary or very large diffs, as on GitHub. */
  patch: string | null;
  sha: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface ReviewRecord {
  id: number;
  author: string;
  state: ReviewState;
  commitId: string | null;
  submittedAt: string;
  body: string;
}

export interface IssueCommentRecord {
  id: number;
  author: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  lastEditedAt: string | null;
  editor: string | null;
  /** REST `performed_via_github_app`. */
  viaAppId: number | null;
}

export type TimelineKind =
  | "labeled"
  | "unlabeled"
  | "assigned"
  | "unassigned"
  | "review_requested"
  | "review_request_removed"
  | "review_dismissed"
  | "auto_merge_enabled"
  | "auto_merge_disabled"
  | "added_to_merge_queue"
  | "removed_from_merge_queue"
  | "ready_for_review"
  | "convert_to_draft"
  | "head_ref_force_pushed"
  | "copilot_work_started"
  | "copilot_work_finished";

export interface TimelineRecord {
  id: number;
  kind: TimelineKind;
  actor: string | null;
  createdAt: string;
  /** REST `performed_via_github_app` (GraphQL has no such field on events). */
  viaAppId: number | null;
  label?: string;
  /** assigned/unassigned: the assignee; review_*: the requested or dismissed reviewer. */
  subject?: string;
  reviewId?: number;
  dismissalMessage?: string;
  beforeSha?: string;
  afterSha?: string;
}

export interface AutoMergeRecord {
  enabledBy: string;
  enabledAt: string;
  mergeMethod: "MERGE" | "SQUASH" | "REBASE";
}

export interface PullRequestRecord {
  id: number;
  repo: string;
  number: number;
  title: string;
  body: string;
  author: string;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string; repo: string };
  labels: string[];
  assignees: string[];
  commits: CommitRecord[];
  files: FileChange[];
  reviews: ReviewRecord[];
  comments: IssueCommentRecord[];
  timeline: TimelineRecord[];
  autoMerge: AutoMergeRecord | null;
  inMergeQueue: boolean;
  createdAt: string;
  updatedAt: string;
}

export type CheckStatus = "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
export type CheckConclusion =
  | "action_required"
  | "cancelled"
  | "failure"
  | "neutral"
  | "success"
  | "skipped"
  | "stale"
  | "timed_out"
  | "startup_failure";

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunRecord {
  id: number;
  repo: string;
  headSha: string;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  appId: number;
  checkSuiteId: number;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: Annotation[] };
  actions: CheckAction[];
  /** How many times `POST …/rerequest` was called for it. */
  rerequested: number;
}

export interface CheckSuiteRecord {
  id: number;
  repo: string;
  headSha: string;
  headBranch: string | null;
  appId: number;
  createdAt: string;
}

export type StatusState = "error" | "failure" | "pending" | "success";

export interface StatusRecord {
  id: number;
  repo: string;
  sha: string;
  context: string;
  state: StatusState;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

/** A GraphQL mutation the app performed, as GitHub would have applied it. */
export interface MutationRecord {
  name: string;
  input: Record<string, unknown>;
  installationId: number | null;
  at: string;
}

export interface TokenRecord {
  token: string;
  installationId: number;
  expiresAt: number;
  permissions: AppPermissions;
  /** Repo ids the token was narrowed to; null = every repo of the installation. */
  repositoryIds: number[] | null;
}

/** A commit author given as an account login (noreply email is derived) or as an explicit git identity. */
export type IdentitySpec = string | { name: string; email: string; date?: string };

export interface CommitSpec {
  sha?: string;
  message: string;
  author: IdentitySpec;
  /** Defaults to the author. */
  committer?: IdentitySpec;
  verified?: boolean;
  date?: string;
}

export interface FileSpec {
  filename: string;
  status?: FileStatus;
  previousFilename?: string;
  /** Counted from `patch` when omitted. */
  additions?: number;
  deletions?: number;
  /** Omit (or null) for a file GitHub shows without a diff (binary, too large). */
  patch?: string | null;
}

export interface PullRequestSpec {
  number?: number;
  title: string;
  body?: string;
  author: string;
  draft?: boolean;
  state?: "open" | "closed";
  /** Base branch; the repo's default branch when omitted. */
  base?: string;
  head: string;
  /** "owner/name" of the head repository, for cross-repository (fork) PRs. */
  headRepo?: string;
  labels?: string[];
  assignees?: string[];
  /** At least one commit exists: a commit by the author titled like the PR is made when none are given. */
  commits?: CommitSpec[];
  files?: FileSpec[];
  /** Full file contents at the head commit, readable through contents/`object(expression:)` by head ref or sha. */
  headFiles?: Record<string, string>;
}

/** Writes to a branch, for `push` webhooks (e.g. a policy change on the default branch). */
export interface PushResult {
  repo: string;
  ref: string;
  before: string;
  after: string;
  commit: CommitRecord;
  added: string[];
  removed: string[];
  modified: string[];
}
