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
  | "copilot_work_finished"
  | "merged"
  | "closed";

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
  /** merged: the merge commit (merge_commit_sha). */
  commitId?: string;
}

export interface AutoMergeRecord {
  enabledBy: string;
  enabledAt: string;
  mergeMethod: "MERGE" | "SQUASH" | "REBASE";
}

export type MergeMethod = "merge" | "squash" | "rebase";

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
  /** Set by `store.mergePull`; a test that only flips `state`/`merged` gets `updatedAt` in their place. */
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: string | null;
  /** REST `merge_commit_sha` / GraphQL `mergeCommit`: the merge or squash commit, or the last rebased copy. */
  mergeCommitSha: string | null;
  mergeMethod: MergeMethod | null;
  /** The commits the merge put on the base branch (merge commit, squash commit, or the rebased copies). */
  mergeCommits: string[];
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

// ---- deployments and custom deployment protection rules ----

export interface DeploymentRecord {
  id: number;
  repo: string;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  creator: string;
  payload: Record<string, unknown>;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  /** REST `performed_via_github_app`: GitHub Actions (when the store has it) for workflow deployments. */
  viaAppId: number | null;
  createdAt: string;
  updatedAt: string;
}

export type DeploymentState =
  | "error"
  | "failure"
  | "inactive"
  | "in_progress"
  | "queued"
  | "pending"
  | "success"
  | "waiting";

/**
 * One status of a deployment (REST `…/deployments/{id}/statuses`), oldest first in the store. A deployment
 * GitHub Actions makes for an environment with a custom protection rule starts `waiting`.
 */
export interface DeploymentStatusRecord {
  id: number;
  deploymentId: number;
  repo: string;
  state: DeploymentState;
  creator: string;
  environment: string;
  description: string;
  targetUrl: string;
  /** REST `performed_via_github_app`. */
  viaAppId: number | null;
  createdAt: string;
}

/** `store.addDeployment`: a past deployment recorded without the protection flow. */
export interface DeploymentSpec {
  environment: string;
  sha: string;
  ref: string;
  creator: string;
  /** The status it ends with; default "success". */
  state?: DeploymentState;
  task?: string;
  description?: string;
  productionEnvironment?: boolean;
}

/** What the protection rule's app posted to `…/actions/runs/{run_id}/deployment_protection_rule`. */
export interface DeploymentReviewRecord {
  repo: string;
  runId: number;
  environment: string;
  /** null for a status report (a comment without `state`), which leaves the rule pending. */
  state: "approved" | "rejected" | null;
  comment: string | null;
  appId: number;
  installationId: number;
  at: string;
}

/** A custom deployment protection rule of one app, waiting on one environment of one workflow run. */
export interface DeploymentProtectionRequest {
  repo: string;
  runId: number;
  environment: string;
  /** The workflow's triggering event: push, pull_request, workflow_dispatch, schedule, … */
  event: string;
  sha: string;
  ref: string;
  /** null when the run made no deployment (the payload's `deployment` is then null, as GitHub allows). */
  deploymentId: number | null;
  /** The app whose custom rule this is; only it may answer. */
  appId: number;
  sender: string;
  state: "pending" | "approved" | "rejected";
  requestedAt: string;
  /** Every answer the app posted for this request, status reports included. */
  reviews: DeploymentReviewRecord[];
}

export interface DeploymentRequestSpec {
  environment: string;
  sha: string;
  ref: string;
  /** The deployment's creator (for Actions, the actor of the run). */
  creator: string;
  /** Defaults to "push". */
  event?: string;
  /** The webhook's sender; defaults to the creator. */
  sender?: string;
  /** Put this environment's gate on an existing run (a workflow deploying to several environments). */
  runId?: number;
  /** The app whose custom rule gates the environment; the app under test by default. */
  appId?: number;
  /** false: GitHub made no deployment object (payload `deployment: null`). Default true. */
  deployment?: boolean;
  description?: string;
  task?: string;
  productionEnvironment?: boolean;
}

// ---- branch protection and rulesets ----

/** Users, teams and apps by login, team slug and app slug, as the REST `PUT …/protection` takes them. */
export interface ActorAllowances {
  users?: string[];
  teams?: string[];
  apps?: string[];
}

type Toggle = boolean | { enabled: boolean };

/**
 * Branch protection in GitHub's REST shape (`PUT /repos/{o}/{r}/branches/{branch}/protection`); the
 * `{ enabled }` objects of the GET shape are accepted for the toggles too.
 */
export interface BranchProtectionSpec {
  required_status_checks?: {
    strict?: boolean;
    contexts?: string[];
    checks?: { context: string; app_id?: number | null }[];
  } | null;
  enforce_admins?: Toggle | null;
  required_pull_request_reviews?: {
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    required_approving_review_count?: number;
    require_last_push_approval?: boolean;
    dismissal_restrictions?: ActorAllowances;
    bypass_pull_request_allowances?: ActorAllowances;
  } | null;
  restrictions?: ActorAllowances | null;
  required_linear_history?: Toggle;
  allow_force_pushes?: Toggle | null;
  allow_deletions?: Toggle;
  block_creations?: Toggle;
  required_conversation_resolution?: Toggle;
  lock_branch?: Toggle;
  allow_fork_syncing?: Toggle;
  required_signatures?: Toggle;
}

export interface BranchProtectionRecord {
  id: number;
  repo: string;
  /** The branch name, or a branch protection rule pattern such as `release/*`. */
  pattern: string;
  requiredStatusChecks: { strict: boolean; checks: { context: string; app_id: number | null }[] } | null;
  enforceAdmins: boolean;
  requiredPullRequestReviews: {
    dismissStaleReviews: boolean;
    requireCodeOwnerReviews: boolean;
    requiredApprovingReviewCount: number;
    requireLastPushApproval: boolean;
    dismissalRestrictions: Required<ActorAllowances> | null;
    bypassAllowances: Required<ActorAllowances> | null;
  } | null;
  restrictions: Required<ActorAllowances> | null;
  requiredLinearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  blockCreations: boolean;
  requiredConversationResolution: boolean;
  lockBranch: boolean;
  allowForkSyncing: boolean;
  requiredSignatures: boolean;
  createdAt: string;
  updatedAt: string;
}

export type RulesetEnforcement = "active" | "evaluate" | "disabled";

export interface RulesetBypassActor {
  actor_id: number | null;
  actor_type: "Integration" | "OrganizationAdmin" | "RepositoryRole" | "Team" | "DeployKey" | "User";
  bypass_mode: "always" | "pull_request" | "exempt";
}

export interface RulesetConditions {
  ref_name?: { include?: string[]; exclude?: string[] };
  /** Organization rulesets: which repositories (by name, fnmatch, `~ALL`). */
  repository_name?: { include?: string[]; exclude?: string[]; protected?: boolean };
  repository_id?: { repository_ids?: number[] };
}

export interface RulesetRule {
  type: string;
  parameters?: Record<string, unknown>;
}

/** A ruleset in GitHub's REST shape (`POST …/rulesets`); `id` is given out by the store when omitted. */
export interface RulesetSpec {
  id?: number;
  name: string;
  target?: "branch" | "tag" | "push";
  enforcement: RulesetEnforcement;
  bypass_actors?: (Omit<RulesetBypassActor, "bypass_mode" | "actor_id"> & {
    actor_id?: number | null;
    bypass_mode?: RulesetBypassActor["bypass_mode"];
  })[];
  conditions?: RulesetConditions | null;
  rules?: RulesetRule[];
}

export interface RulesetRecord {
  id: number;
  name: string;
  target: "branch" | "tag" | "push";
  sourceType: "Repository" | "Organization";
  /** "owner/name" for a repository ruleset, the org login for an organization one. */
  source: string;
  enforcement: RulesetEnforcement;
  bypassActors: RulesetBypassActor[];
  conditions: RulesetConditions | null;
  rules: RulesetRule[];
  createdAt: string;
  updatedAt: string;
}
