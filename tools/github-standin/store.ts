/**
 * The stand-in's in-memory GitHub: accounts, apps, installations, repositories, pull requests with
 * everything a gate reads, and the check runs and statuses it writes. REST, GraphQL and webhook payloads
 * are all rendered from this one model, so the three views of a PR never disagree.
 *
 * Records are plain mutable objects: seed them with the `add…` builders, then change fields directly
 * (e.g. `pr.labels.push("automerge")`) to set up the next step of a test.
 */
import { blobSha, fakeSha } from "./ids.js";
import type {
  Account,
  AccountType,
  ActorAllowances,
  App,
  AppPermissions,
  BranchProtectionRecord,
  BranchProtectionSpec,
  CheckConclusion,
  CheckRunRecord,
  CheckStatus,
  CheckSuiteRecord,
  CommitRecord,
  CommitSpec,
  DeploymentProtectionRequest,
  DeploymentRecord,
  DeploymentRequestSpec,
  DeploymentReviewRecord,
  DeploymentSpec,
  DeploymentState,
  DeploymentStatusRecord,
  FileChange,
  FileSpec,
  GitIdentity,
  IdentitySpec,
  Installation,
  IssueCommentRecord,
  MergeMethod,
  MutationRecord,
  PullRequestRecord,
  PullRequestSpec,
  PushResult,
  Repo,
  RepoPermission,
  ReviewRecord,
  ReviewState,
  RulesetRecord,
  RulesetSpec,
  StatusRecord,
  StatusState,
  Team,
  TimelineRecord,
  TokenRecord,
} from "./model.js";
import { protectionFor, rulesetCoversBranch, rulesetCoversRepo } from "./rules.js";

export type * from "./model.js";

export const DEFAULT_APP_PERMISSIONS: AppPermissions = {
  checks: "write",
  contents: "read",
  issues: "write",
  members: "read",
  metadata: "read",
  pull_requests: "write",
  statuses: "write",
  // As app.yml asks: the deployment protection rule and the enforcement self-check.
  actions: "read",
  deployments: "write",
  administration: "read",
};

const NOREPLY = /^(?:(\d+)\+)?([^@]+)@users\.noreply\.github\.com$/i;

export interface StoreOptions {
  /** Id of the app under test (the one whose JWT the stand-in accepts). Default 1. */
  appId?: number;
  appSlug?: string;
  /** First timestamp the store hands out; every recorded item advances the clock by one minute. */
  startTime?: string;
  /**
   * Where the ids of accounts, installations, repositories and PRs start (default 1000). Stand-ins
   * sharing one process need apart ranges: Octokit's throttling and token caches are keyed by
   * installation id process-wide, as they would be for one app talking to one GitHub.
   */
  firstId?: number;
}

export class Store {
  readonly appId: number;
  /** Set by the server once it listens; all URLs in REST and webhook payloads are built from these. */
  urls = { api: "https://api.github.com", web: "https://github.com" };
  readonly accounts = new Map<string, Account>();
  readonly apps = new Map<number, App>();
  readonly installations = new Map<number, Installation>();
  readonly repos = new Map<string, Repo>();
  readonly teams = new Map<string, Team>();
  readonly checkRuns: CheckRunRecord[] = [];
  readonly checkSuites: CheckSuiteRecord[] = [];
  readonly statuses: StatusRecord[] = [];
  readonly mutations: MutationRecord[] = [];
  readonly tokens = new Map<string, TokenRecord>();
  /** Every commit by "owner/name@sha" (lowercase repo name), wherever it was made. */
  readonly commits = new Map<string, CommitRecord>();
  readonly deployments: DeploymentRecord[] = [];
  /** Every deployment status, oldest first (`deploymentStatusesOf` picks one deployment's). */
  readonly deploymentStatuses: DeploymentStatusRecord[] = [];
  /** Custom deployment protection rules waiting on (or answered by) an app, one per run and environment. */
  readonly deploymentRequests: DeploymentProtectionRequest[] = [];
  /** Every answer posted to `…/actions/runs/{run_id}/deployment_protection_rule`, oldest first. */
  readonly deploymentReviews: DeploymentReviewRecord[] = [];
  readonly branchProtections: BranchProtectionRecord[] = [];
  readonly rulesets: RulesetRecord[] = [];
  /** GraphQL points used per installation, for `rateLimit`. */
  readonly graphqlUsage = new Map<number, number>();
  private clock: number;
  private sequence = 1000;
  /** Comments, reviews, events, check suites, runs and statuses: GitHub's ids for these are past 2^32. */
  private wideSequence = 2 ** 32 + 1000;

  constructor(options: StoreOptions = {}) {
    this.clock = Date.parse(options.startTime ?? "2025-06-02T09:00:00Z");
    this.appId = options.appId ?? 1;
    if (options.firstId !== undefined) this.sequence = options.firstId;
    this.addApp({ id: this.appId, slug: options.appSlug ?? "agent-policy", name: "agent-policy" });
  }

  /** The next timestamp (ISO, second precision like GitHub). */
  now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  nextId(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** An id that does not fit 32 bits, as GitHub's comment, review, event and check ids no longer do. */
  nextWideId(): number {
    this.wideSequence += 1;
    return this.wideSequence;
  }

  // ---- accounts, apps, installations ----

  addUser(spec: {
    login: string;
    type?: AccountType;
    id?: number;
    name?: string;
    emails?: string[];
    graphqlLogin?: string;
    appSlug?: string;
  }): Account {
    const type = spec.type ?? (spec.login.endsWith("[bot]") ? "Bot" : "User");
    const account: Account = {
      login: spec.login,
      id: spec.id ?? this.nextId(),
      type,
      name: spec.name ?? null,
      emails: spec.emails ?? [],
      graphqlLogin: spec.graphqlLogin ?? (type === "Bot" ? spec.login.replace(/\[bot\]$/, "") : spec.login),
      appSlug: spec.appSlug ?? null,
    };
    this.accounts.set(spec.login.toLowerCase(), account);
    return account;
  }

  findAccount(login: string): Account | undefined {
    return this.accounts.get(login.toLowerCase());
  }

  /** The account for a login, created on first use (Bot when it ends in "[bot]", else User). */
  account(login: string): Account {
    return this.findAccount(login) ?? this.addUser({ login });
  }

  /** The account GitHub would link a commit email to, if any. */
  accountForEmail(email: string): Account | undefined {
    const noreply = NOREPLY.exec(email);
    if (noreply?.[2]) return this.findAccount(noreply[2]);
    const wanted = email.toLowerCase();
    for (const account of this.accounts.values()) {
      if (account.emails.some((e) => e.toLowerCase() === wanted)) return account;
    }
    return undefined;
  }

  addApp(spec: {
    id: number;
    slug: string;
    name?: string;
    owner?: string;
    botId?: number;
    permissions?: AppPermissions;
    events?: string[];
  }): App {
    const botLogin = `${spec.slug}[bot]`;
    if (!this.findAccount(botLogin)) {
      this.addUser({
        login: botLogin,
        type: "Bot",
        appSlug: spec.slug,
        ...(spec.botId ? { id: spec.botId } : {}),
      });
    }
    const app: App = {
      id: spec.id,
      slug: spec.slug,
      name: spec.name ?? spec.slug,
      owner: spec.owner ?? "stand-in",
      botLogin,
      permissions: spec.permissions ?? { ...DEFAULT_APP_PERMISSIONS },
      events: spec.events ?? [
        "check_run",
        "check_suite",
        "issue_comment",
        "pull_request",
        "pull_request_review",
      ],
      createdAt: this.now(),
    };
    this.apps.set(app.id, app);
    return app;
  }

  app(id: number): App {
    const app = this.apps.get(id);
    if (!app) throw new Error(`stand-in: no app with id ${id}`);
    return app;
  }

  appBySlug(slug: string): App | undefined {
    for (const app of this.apps.values()) if (app.slug === slug) return app;
    return undefined;
  }

  addInstallation(spec: {
    account: string;
    id?: number;
    appId?: number;
    permissions?: AppPermissions;
    repositorySelection?: "all" | "selected";
  }): Installation {
    const appId = spec.appId ?? this.appId;
    const installation: Installation = {
      id: spec.id ?? this.nextId(),
      appId,
      account: spec.account,
      permissions: spec.permissions ?? { ...this.app(appId).permissions },
      repositorySelection: spec.repositorySelection ?? "selected",
      createdAt: this.now(),
    };
    if (!this.findAccount(spec.account)) this.addUser({ login: spec.account, type: "Organization" });
    this.installations.set(installation.id, installation);
    return installation;
  }

  installation(id: number): Installation {
    const installation = this.installations.get(id);
    if (!installation) throw new Error(`stand-in: no installation ${id}`);
    return installation;
  }

  // ---- repositories, teams, permissions ----

  addRepo(spec: {
    owner: string;
    name: string;
    id?: number;
    private?: boolean;
    defaultBranch?: string;
    /** Installation of the app under test; created for the owner when omitted; null = not installed. */
    installationId?: number | null;
    /** Files on the default branch, by path. */
    files?: Record<string, string>;
    collaborators?: Record<string, RepoPermission>;
  }): Repo {
    const fullName = `${spec.owner}/${spec.name}`;
    if (!this.findAccount(spec.owner)) this.addUser({ login: spec.owner, type: "Organization" });
    const defaultBranch = spec.defaultBranch ?? "main";
    const repo: Repo = {
      id: spec.id ?? this.nextId(),
      owner: spec.owner,
      name: spec.name,
      fullName,
      private: spec.private ?? true,
      defaultBranch,
      installationId:
        spec.installationId === undefined ? this.ownerInstallation(spec.owner).id : spec.installationId,
      branches: new Map(),
      collaborators: new Map(),
      pulls: new Map(),
      createdAt: this.now(),
    };
    const files = new Map(Object.entries(spec.files ?? {}));
    const initial = this.identity(spec.owner);
    const root: CommitRecord = {
      sha: fakeSha(`${fullName}:${defaultBranch}:0`),
      message: "Initial commit",
      author: initial,
      committer: initial,
      verified: false,
      parents: [],
    };
    this.commits.set(`${fullName.toLowerCase()}@${root.sha}`, root);
    repo.branches.set(defaultBranch, { name: defaultBranch, oid: root.sha, files });
    for (const [login, permission] of Object.entries(spec.collaborators ?? {})) {
      this.account(login);
      repo.collaborators.set(login.toLowerCase(), permission);
    }
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  private ownerInstallation(owner: string): Installation {
    for (const installation of this.installations.values()) {
      if (installation.appId === this.appId && installation.account.toLowerCase() === owner.toLowerCase()) {
        return installation;
      }
    }
    return this.addInstallation({ account: owner });
  }

  findRepo(fullName: string): Repo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  repo(fullName: string): Repo {
    const repo = this.findRepo(fullName);
    if (!repo) throw new Error(`stand-in: no repository ${fullName}`);
    return repo;
  }

  repoById(id: number): Repo | undefined {
    for (const repo of this.repos.values()) if (repo.id === id) return repo;
    return undefined;
  }

  setPermission(repo: string, login: string, permission: RepoPermission): void {
    this.account(login);
    this.repo(repo).collaborators.set(login.toLowerCase(), permission);
  }

  permissionOf(repo: Repo, login: string): RepoPermission | null {
    return repo.collaborators.get(login.toLowerCase()) ?? null;
  }

  addTeam(spec: {
    org: string;
    slug: string;
    name?: string;
    members: string[] | Record<string, "member" | "maintainer">;
  }): Team {
    const team: Team = {
      id: this.nextId(),
      org: spec.org,
      slug: spec.slug,
      name: spec.name ?? spec.slug,
      members: new Map(),
    };
    const entries = Array.isArray(spec.members)
      ? spec.members.map((login) => [login, "member"] as const)
      : Object.entries(spec.members);
    for (const [login, role] of entries) {
      this.account(login);
      team.members.set(login.toLowerCase(), { role, state: "active" });
    }
    this.teams.set(`${spec.org}/${spec.slug}`.toLowerCase(), team);
    return team;
  }

  findTeam(org: string, slug: string): Team | undefined {
    return this.teams.get(`${org}/${slug}`.toLowerCase());
  }

  // ---- git data ----

  /** Resolves a branch name or a commit id known anywhere in the repo to the files at that point. */
  filesAt(repo: Repo, ref: string): { oid: string; files: Map<string, string> } | undefined {
    const branch = repo.branches.get(ref.replace(/^refs\/heads\//, ""));
    if (branch) return branch;
    for (const candidate of repo.branches.values()) if (candidate.oid === ref) return candidate;
    return undefined;
  }

  /** Whether the repository has this commit (on a branch or in a PR), as GitHub checks before accepting a check run. */
  hasCommit(repo: Repo, sha: string): boolean {
    return this.findCommit(repo, sha) !== undefined;
  }

  findCommit(repo: Repo, sha: string): CommitRecord | undefined {
    return this.commits.get(`${repo.fullName.toLowerCase()}@${sha.toLowerCase()}`);
  }

  private recordCommit(repoName: string, commit: CommitRecord): void {
    this.commits.set(`${repoName.toLowerCase()}@${commit.sha.toLowerCase()}`, commit);
  }

  identity(spec: IdentitySpec, date?: string): GitIdentity {
    const when = date ?? this.now();
    if (typeof spec !== "string") return { name: spec.name, email: spec.email, date: spec.date ?? when };
    const account = this.account(spec);
    return {
      name: account.name ?? account.login,
      email: `${account.id}+${account.login}@users.noreply.github.com`,
      date: when,
    };
  }

  /** Commits files to a branch (creating it from the default branch if needed); null content deletes. */
  commitToBranch(
    repoName: string,
    spec: { branch?: string; files: Record<string, string | null>; message: string; author: IdentitySpec },
  ): PushResult {
    const repo = this.repo(repoName);
    const branchName = spec.branch ?? repo.defaultBranch;
    const from = repo.branches.get(branchName) ?? repo.branches.get(repo.defaultBranch);
    if (!from) throw new Error(`stand-in: ${repoName} has no default branch`);
    const files = new Map(from.files);
    const added: string[] = [];
    const removed: string[] = [];
    const modified: string[] = [];
    for (const [path, content] of Object.entries(spec.files)) {
      if (content === null) {
        if (files.delete(path)) removed.push(path);
      } else {
        (files.has(path) ? modified : added).push(path);
        files.set(path, content);
      }
    }
    const author = this.identity(spec.author);
    const sha = fakeSha(`${repo.fullName}:${branchName}:${this.nextId()}:${spec.message}`);
    const commit: CommitRecord = {
      sha,
      message: spec.message,
      author,
      committer: author,
      verified: false,
      parents: [from.oid],
    };
    this.recordCommit(repo.fullName, commit);
    const before = repo.branches.get(branchName)?.oid ?? "0000000000000000000000000000000000000000";
    repo.branches.set(branchName, { name: branchName, oid: sha, files });
    return {
      repo: repo.fullName,
      ref: `refs/heads/${branchName}`,
      before,
      after: sha,
      commit,
      added,
      removed,
      modified,
    };
  }

  // ---- pull requests ----

  addPullRequest(repoName: string, spec: PullRequestSpec): PullRequestRecord {
    const repo = this.repo(repoName);
    this.account(spec.author);
    const number = spec.number ?? Math.max(0, ...repo.pulls.keys()) + 1;
    if (repo.pulls.has(number)) throw new Error(`stand-in: ${repoName}#${number} already exists`);
    const baseRef = spec.base ?? repo.defaultBranch;
    const baseBranch = repo.branches.get(baseRef);
    if (!baseBranch) throw new Error(`stand-in: ${repoName} has no branch ${baseRef}`);
    const createdAt = this.now();
    const pr: PullRequestRecord = {
      id: this.nextId(),
      repo: repo.fullName,
      number,
      title: spec.title,
      body: spec.body ?? "",
      author: spec.author,
      state: spec.state ?? "open",
      merged: false,
      draft: spec.draft ?? false,
      base: { ref: baseRef, sha: baseBranch.oid },
      head: { ref: spec.head, sha: "", repo: spec.headRepo ?? repo.fullName },
      labels: [...(spec.labels ?? [])],
      assignees: [...(spec.assignees ?? [])],
      commits: [],
      files: [],
      reviews: [],
      comments: [],
      timeline: [],
      autoMerge: null,
      inMergeQueue: false,
      createdAt,
      updatedAt: createdAt,
      closedAt: spec.state === "closed" ? createdAt : null,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      mergeMethod: null,
      mergeCommits: [],
    };
    repo.pulls.set(number, pr);
    const commits = spec.commits?.length ? spec.commits : [{ message: spec.title, author: spec.author }];
    for (const commit of commits) this.addCommit(pr, commit);
    for (const file of spec.files ?? []) this.addFile(pr, file);
    if (pr.head.repo === repo.fullName) {
      const files = new Map(baseBranch.files);
      for (const [path, content] of Object.entries(spec.headFiles ?? {})) files.set(path, content);
      repo.branches.set(spec.head, { name: spec.head, oid: pr.head.sha, files });
    }
    return pr;
  }

  /**
   * The PR's `updated_at` as GitHub keeps it: bumped by every change to the PR, its commits,
   * reviews, comments and timeline (labels, assignments, …). A test that mutates a record
   * directly can set `pr.updatedAt = store.now()` for the same effect.
   */
  pullUpdatedAt(pr: PullRequestRecord): string {
    const times = [
      pr.updatedAt,
      ...pr.commits.map((c) => c.committer.date),
      ...pr.reviews.map((r) => r.submittedAt),
      ...pr.comments.map((c) => c.updatedAt),
      ...pr.timeline.map((e) => e.createdAt),
    ];
    return times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  }

  findPull(repo: string, number: number): PullRequestRecord | undefined {
    return this.findRepo(repo)?.pulls.get(number);
  }

  pull(repo: string, number: number): PullRequestRecord {
    const pr = this.findPull(repo, number);
    if (!pr) throw new Error(`stand-in: no pull request ${repo}#${number}`);
    return pr;
  }

  /** Appends a commit; it becomes the PR's head (like a push to the head branch). */
  addCommit(pr: PullRequestRecord, spec: CommitSpec): CommitRecord {
    const date = spec.date ?? this.now();
    const author = this.identity(spec.author, date);
    const parent = pr.commits.at(-1)?.sha ?? pr.base.sha;
    const commit: CommitRecord = {
      sha: spec.sha ?? fakeSha(`${pr.repo}#${pr.number}:${this.nextId()}:${spec.message}`),
      message: spec.message,
      author,
      committer: spec.committer ? this.identity(spec.committer, date) : author,
      verified: spec.verified ?? false,
      parents: [parent],
    };
    pr.commits.push(commit);
    // A fork's commits are also reachable in the base repository (refs/pull/N/head), as on GitHub.
    this.recordCommit(pr.repo, commit);
    if (pr.head.repo !== pr.repo) this.recordCommit(pr.head.repo, commit);
    pr.head.sha = commit.sha;
    const headBranch = this.findRepo(pr.head.repo)?.branches.get(pr.head.ref);
    if (headBranch && pr.head.repo === pr.repo) headBranch.oid = commit.sha;
    return commit;
  }

  addFile(pr: PullRequestRecord, spec: FileSpec): FileChange {
    const patch = spec.patch ?? null;
    const lines = patch?.split("\n") ?? [];
    const file: FileChange = {
      filename: spec.filename,
      status: spec.status ?? "modified",
      previousFilename: spec.previousFilename ?? null,
      additions: spec.additions ?? lines.filter((l) => l.startsWith("+")).length,
      deletions: spec.deletions ?? lines.filter((l) => l.startsWith("-")).length,
      patch,
      sha: blobSha(`${pr.repo}#${pr.number}:${spec.filename}:${patch ?? ""}`),
    };
    pr.files.push(file);
    return file;
  }

  addReview(
    pr: PullRequestRecord,
    spec: {
      author: string;
      state: ReviewState;
      commitId?: string | null;
      body?: string;
      submittedAt?: string;
    },
  ): ReviewRecord {
    this.account(spec.author);
    const review: ReviewRecord = {
      id: this.nextWideId(),
      author: spec.author,
      state: spec.state,
      commitId: spec.commitId === undefined ? pr.head.sha : spec.commitId,
      submittedAt: spec.submittedAt ?? this.now(),
      body: spec.body ?? "",
    };
    pr.reviews.push(review);
    return review;
  }

  addComment(
    pr: PullRequestRecord,
    spec: { author: string; body: string; createdAt?: string; viaAppId?: number | null },
  ): IssueCommentRecord {
    this.account(spec.author);
    const createdAt = spec.createdAt ?? this.now();
    const comment: IssueCommentRecord = {
      id: this.nextWideId(),
      author: spec.author,
      body: spec.body,
      createdAt,
      updatedAt: createdAt,
      lastEditedAt: null,
      editor: null,
      viaAppId: spec.viaAppId ?? null,
    };
    pr.comments.push(comment);
    return comment;
  }

  /** Edits a comment as `editor` would in the UI or API: GitHub keeps the author and records the edit. */
  editComment(comment: IssueCommentRecord, body: string, editor: string): void {
    this.account(editor);
    const at = this.now();
    comment.body = body;
    comment.updatedAt = at;
    comment.lastEditedAt = at;
    comment.editor = editor;
  }

  /** `actor` (through App `viaAppId`, if any) labels the PR: GitHub's timeline event and the label. */
  label(pr: PullRequestRecord, actor: string, label: string, viaAppId: number | null = null): TimelineRecord {
    if (!pr.labels.includes(label)) pr.labels.push(label);
    return this.addTimelineEvent(pr, { kind: "labeled", actor, label, viaAppId });
  }

  addTimelineEvent(
    pr: PullRequestRecord,
    spec: Omit<TimelineRecord, "id" | "createdAt" | "viaAppId"> & {
      createdAt?: string;
      viaAppId?: number | null;
    },
  ): TimelineRecord {
    if (spec.actor) this.account(spec.actor);
    const event: TimelineRecord = {
      ...spec,
      id: this.nextWideId(),
      createdAt: spec.createdAt ?? this.now(),
      viaAppId: spec.viaAppId ?? null,
    };
    pr.timeline.push(event);
    return event;
  }

  findComment(repo: Repo, id: number): { pr: PullRequestRecord; comment: IssueCommentRecord } | undefined {
    for (const pr of repo.pulls.values()) {
      const comment = pr.comments.find((c) => c.id === id);
      if (comment) return { pr, comment };
    }
    return undefined;
  }

  // ---- merging ----

  /**
   * Merges an open PR as GitHub's merge button (or `PUT …/pulls/{n}/merge`) does, and returns the base
   * branch's new head:
   * - `merge`: a merge commit by `by` with parents [base head, PR head], committed and signed by GitHub;
   * - `squash`: one commit "<title> (#n)" authored by the PR's author (other commit authors become
   *   `Co-authored-by:` trailers), committed and signed by GitHub;
   * - `rebase`: a new copy of every PR commit on the base head, authors kept, committed by `by`, unsigned.
   * The PR becomes closed and merged (`merged_at`, `merged_by`, `merge_commit_sha` = the merge or squash
   * commit, or the last rebased copy) with `merged` and `closed` timeline events, and the base branch gets
   * the PR's files.
   */
  mergePull(pr: PullRequestRecord, options: { by: string; method?: MergeMethod }): string {
    if (pr.merged) throw new Error(`stand-in: ${pr.repo}#${pr.number} is already merged`);
    if (pr.state !== "open") throw new Error(`stand-in: ${pr.repo}#${pr.number} is closed`);
    const repo = this.repo(pr.repo);
    const base = repo.branches.get(pr.base.ref);
    if (!base) throw new Error(`stand-in: ${pr.repo} has no branch ${pr.base.ref}`);
    const method = options.method ?? "merge";
    const at = this.now();
    const merger = this.identity(options.by, at);
    const webFlow: GitIdentity = { name: "GitHub", email: "noreply@github.com", date: at };
    const created: CommitRecord[] = [];
    const seed = (what: string) => fakeSha(`${pr.repo}#${pr.number}:${method}:${what}:${this.nextId()}`);
    if (method === "merge") {
      const headOwner = pr.head.repo.split("/")[0] ?? repo.owner;
      created.push({
        sha: seed("merge"),
        message: `Merge pull request #${pr.number} from ${headOwner}/${pr.head.ref}\n\n${pr.title}`,
        author: merger,
        committer: webFlow,
        verified: true,
        parents: [base.oid, pr.head.sha],
      });
    } else if (method === "squash") {
      const author = this.identity(pr.author, at);
      const others = new Map<string, GitIdentity>();
      for (const c of pr.commits) {
        if (c.author.email.toLowerCase() !== author.email.toLowerCase())
          others.set(c.author.email.toLowerCase(), c.author);
      }
      const body =
        pr.commits.length > 1
          ? pr.commits.map((c) => `* ${c.message}`).join("\n\n")
          : (pr.commits[0]?.message.split("\n").slice(1).join("\n").trim() ?? "");
      const trailers = [...others.values()].map((a) => `Co-authored-by: ${a.name} <${a.email}>`);
      const message = [`${pr.title} (#${pr.number})`, body, trailers.join("\n")].filter(Boolean).join("\n\n");
      created.push({
        sha: seed("squash"),
        message,
        author,
        committer: webFlow,
        verified: true,
        parents: [base.oid],
      });
    } else {
      let parent = base.oid;
      for (const c of pr.commits) {
        const copy: CommitRecord = {
          sha: seed(c.sha),
          message: c.message,
          author: { ...c.author },
          committer: merger,
          verified: false,
          parents: [parent],
        };
        created.push(copy);
        parent = copy.sha;
      }
    }
    for (const c of created) this.recordCommit(repo.fullName, c);
    const head = created.at(-1)?.sha ?? base.oid;
    repo.branches.set(base.name, {
      name: base.name,
      oid: head,
      files: this.mergedFiles(repo, pr, base.files),
    });
    pr.state = "closed";
    pr.merged = true;
    pr.mergedAt = at;
    pr.closedAt = at;
    pr.mergedBy = options.by;
    pr.mergeCommitSha = head;
    pr.mergeMethod = method;
    pr.mergeCommits = created.map((c) => c.sha);
    pr.inMergeQueue = false;
    pr.updatedAt = at;
    this.account(options.by);
    pr.timeline.push(
      {
        id: this.nextWideId(),
        kind: "merged",
        actor: options.by,
        createdAt: at,
        viaAppId: null,
        commitId: head,
      },
      { id: this.nextWideId(), kind: "closed", actor: options.by, createdAt: at, viaAppId: null },
    );
    return head;
  }

  /** The base branch's files with the PR's changes applied (head-branch contents, deletions and renames). */
  private mergedFiles(
    repo: Repo,
    pr: PullRequestRecord,
    baseFiles: Map<string, string>,
  ): Map<string, string> {
    const files = new Map(baseFiles);
    const head = pr.head.repo === pr.repo ? repo.branches.get(pr.head.ref) : undefined;
    for (const f of pr.files) {
      if (f.status === "removed") files.delete(f.filename);
      if (f.status === "renamed" && f.previousFilename) files.delete(f.previousFilename);
      const content = head?.files.get(f.filename);
      if (f.status !== "removed" && content !== undefined) files.set(f.filename, content);
    }
    for (const [path, content] of head?.files ?? []) if (!files.has(path)) files.set(path, content);
    return files;
  }

  /** Whether `sha` is `branch`'s head or one of its ancestors. */
  reachableFrom(repo: Repo, branch: string, sha: string): boolean {
    const start = repo.branches.get(branch)?.oid;
    const wanted = sha.toLowerCase();
    const seen = new Set<string>();
    const queue = start ? [start] : [];
    while (queue.length > 0) {
      const next = queue.pop() ?? "";
      if (next.toLowerCase() === wanted) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.findCommit(repo, next)?.parents ?? []));
    }
    return false;
  }

  /**
   * A branch name (`refs/heads/…` allowed), a full commit id or an abbreviated one (at least 7 hex digits,
   * unambiguous) → the commit, as `GET …/compare/{basehead}` resolves each side; undefined when unknown.
   */
  resolveCommit(repo: Repo, ref: string): CommitRecord | undefined {
    const branch = repo.branches.get(ref.replace(/^refs\/heads\//, ""));
    if (branch) return this.findCommit(repo, branch.oid);
    if (!/^[0-9a-f]{7,40}$/i.test(ref)) return undefined;
    if (ref.length === 40) return this.findCommit(repo, ref);
    const prefix = `${repo.fullName.toLowerCase()}@${ref.toLowerCase()}`;
    const found = [...this.commits.entries()].filter(([key]) => key.startsWith(prefix));
    return found.length === 1 ? found[0]?.[1] : undefined;
  }

  /** `sha` and every commit reachable from it through `parents` (merge commits' both sides included). */
  ancestors(repo: Repo, sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha.toLowerCase()];
    while (queue.length > 0) {
      const next = queue.pop() ?? "";
      if (seen.has(next)) continue;
      seen.add(next);
      for (const parent of this.findCommit(repo, next)?.parents ?? []) queue.push(parent.toLowerCase());
    }
    return seen;
  }

  /**
   * `git`'s view of BASE...HEAD over the store's commit graph: the commits reachable from head and not from
   * base (parents before children, then oldest committer date first), how far each side is ahead, and the
   * merge base (a best common ancestor). undefined when the two histories share no commit.
   */
  compareCommits(
    repo: Repo,
    base: string,
    head: string,
  ):
    | {
        status: "ahead" | "behind" | "identical" | "diverged";
        aheadBy: number;
        behindBy: number;
        commits: CommitRecord[];
        mergeBase: CommitRecord;
      }
    | undefined {
    const fromBase = this.ancestors(repo, base);
    const fromHead = this.ancestors(repo, head);
    const common = [...fromHead].filter((sha) => fromBase.has(sha));
    // A best common ancestor: one that is not an ancestor of another common ancestor.
    const dominated = new Set<string>();
    for (const sha of common) {
      if (dominated.has(sha)) continue;
      const queue = [...(this.findCommit(repo, sha)?.parents ?? [])].map((p) => p.toLowerCase());
      while (queue.length > 0) {
        const next = queue.pop() ?? "";
        if (dominated.has(next)) continue;
        dominated.add(next);
        for (const parent of this.findCommit(repo, next)?.parents ?? []) queue.push(parent.toLowerCase());
      }
    }
    const best = common.find((sha) => !dominated.has(sha));
    const mergeBase = best ? this.findCommit(repo, best) : undefined;
    if (!mergeBase) return undefined;
    const only = [...fromHead].filter((sha) => !fromBase.has(sha));
    const commits = this.topologicalOrder(repo, only);
    const behindBy = [...fromBase].filter((sha) => !fromHead.has(sha)).length;
    const aheadBy = commits.length;
    const status =
      aheadBy === 0 && behindBy === 0
        ? "identical"
        : behindBy === 0
          ? "ahead"
          : aheadBy === 0
            ? "behind"
            : "diverged";
    return { status, aheadBy, behindBy, commits, mergeBase };
  }

  /** The commits, parents before children, and among those ready the oldest committer date first. */
  private topologicalOrder(repo: Repo, shas: string[]): CommitRecord[] {
    const wanted = new Set(shas);
    const records = shas.map((sha) => this.findCommit(repo, sha)).filter((c): c is CommitRecord => !!c);
    const waiting = new Map(
      records.map((c) => [c.sha.toLowerCase(), c.parents.filter((p) => wanted.has(p.toLowerCase())).length]),
    );
    const children = new Map<string, CommitRecord[]>();
    for (const c of records) {
      for (const parent of c.parents) {
        const key = parent.toLowerCase();
        if (wanted.has(key)) children.set(key, [...(children.get(key) ?? []), c]);
      }
    }
    const ready = records.filter((c) => waiting.get(c.sha.toLowerCase()) === 0);
    const out: CommitRecord[] = [];
    while (ready.length > 0) {
      ready.sort((a, b) => Date.parse(a.committer.date) - Date.parse(b.committer.date));
      const next = ready.shift() as CommitRecord;
      out.push(next);
      for (const child of children.get(next.sha.toLowerCase()) ?? []) {
        const left = (waiting.get(child.sha.toLowerCase()) ?? 0) - 1;
        waiting.set(child.sha.toLowerCase(), left);
        if (left === 0) ready.push(child);
      }
    }
    return out;
  }

  /**
   * The PRs GitHub associates with a commit (REST `GET …/commits/{sha}/pulls`, GraphQL
   * `associatedPullRequests`): for a commit on the default branch, the merged PR that introduced it;
   * otherwise the open and merged PRs that contain it.
   */
  pullsForCommit(repo: Repo, sha: string): PullRequestRecord[] {
    const wanted = sha.toLowerCase();
    const made = (pr: PullRequestRecord) => pr.mergeCommits.some((c) => c.toLowerCase() === wanted);
    const contains = (pr: PullRequestRecord) =>
      pr.head.sha.toLowerCase() === wanted || pr.commits.some((c) => c.sha.toLowerCase() === wanted);
    const pulls = [...repo.pulls.values()];
    if (this.reachableFrom(repo, repo.defaultBranch, sha)) {
      return pulls.filter(
        (pr) =>
          pr.merged &&
          pr.base.ref === repo.defaultBranch &&
          (made(pr) || (pr.mergeMethod === "merge" && contains(pr))),
      );
    }
    return pulls.filter((pr) => (pr.state === "open" || pr.merged) && (contains(pr) || made(pr)));
  }

  // ---- deployments and custom deployment protection rules ----

  /**
   * A workflow job reaching an environment gated by an app's custom deployment protection rule: records
   * the deployment (unless `deployment: false`), the workflow run and the pending request GitHub sends as
   * `deployment_protection_rule` (render it with `payloads.deploymentProtectionRule`). `callbackUrl` is the
   * payload's `deployment_callback_url`, built from the store's URLs when read.
   */
  requestDeployment(
    repoName: string,
    spec: DeploymentRequestSpec,
  ): {
    deployment: DeploymentRecord | null;
    runId: number;
    request: DeploymentProtectionRequest;
    readonly callbackUrl: string;
  } {
    const repo = this.repo(repoName);
    this.account(spec.creator);
    const sender = spec.sender ?? spec.creator;
    this.account(sender);
    const runId = spec.runId ?? this.nextWideId();
    const appId = spec.appId ?? this.appId;
    this.app(appId);
    const duplicate = this.deploymentRequests.find(
      (r) =>
        r.repo === repo.fullName &&
        r.runId === runId &&
        r.environment === spec.environment &&
        r.appId === appId,
    );
    if (duplicate) throw new Error(`stand-in: run ${runId} already waits on ${spec.environment}`);
    const at = this.now();
    let deployment: DeploymentRecord | null = null;
    if (spec.deployment !== false) {
      deployment = this.recordDeployment(repo, spec, at);
      // Actions deployments to an environment with a protection rule wait for it.
      this.setDeploymentStatus(deployment.id, "waiting", { at });
    }
    const request: DeploymentProtectionRequest = {
      repo: repo.fullName,
      runId,
      environment: spec.environment,
      event: spec.event ?? "push",
      sha: spec.sha,
      ref: spec.ref,
      deploymentId: deployment?.id ?? null,
      appId,
      sender,
      state: "pending",
      requestedAt: at,
      reviews: [],
    };
    this.deploymentRequests.push(request);
    const store = this;
    return {
      deployment,
      runId,
      request,
      get callbackUrl() {
        return store.deploymentCallbackUrl(request);
      },
    };
  }

  private recordDeployment(
    repo: Repo,
    spec: Omit<DeploymentSpec, "state"> & { productionEnvironment?: boolean },
    at: string,
  ): DeploymentRecord {
    this.account(spec.creator);
    const deployment: DeploymentRecord = {
      id: this.nextWideId(),
      repo: repo.fullName,
      sha: spec.sha,
      ref: spec.ref,
      task: spec.task ?? "deploy",
      environment: spec.environment,
      originalEnvironment: spec.environment,
      description: spec.description ?? null,
      creator: spec.creator,
      payload: {},
      productionEnvironment: spec.productionEnvironment ?? spec.environment === "production",
      transientEnvironment: false,
      viaAppId: this.appBySlug("github-actions")?.id ?? null,
      createdAt: at,
      updatedAt: at,
    };
    this.deployments.push(deployment);
    return deployment;
  }

  /**
   * A deployment that already happened, without the protection flow (no run, no request): recorded with
   * one status, `success` unless `state` says otherwise. For `GET …/deployments` ("what was deployed last").
   */
  addDeployment(repoName: string, spec: DeploymentSpec): DeploymentRecord {
    const repo = this.repo(repoName);
    const at = this.now();
    const deployment = this.recordDeployment(repo, spec, at);
    this.setDeploymentStatus(deployment.id, spec.state ?? "success", { at });
    return deployment;
  }

  /**
   * Appends a status to a deployment, as `POST …/deployments/{id}/statuses` does: the creator defaults to
   * the deployment's creator and the environment to its environment; the deployment's `updated_at` moves.
   */
  setDeploymentStatus(
    deploymentId: number,
    state: DeploymentState,
    options: {
      environment?: string;
      creator?: string;
      description?: string;
      targetUrl?: string;
      at?: string;
    } = {},
  ): DeploymentStatusRecord {
    const deployment = this.deployments.find((d) => d.id === deploymentId);
    if (!deployment) throw new Error(`stand-in: no deployment ${deploymentId}`);
    const creator = options.creator ?? deployment.creator;
    this.account(creator);
    const at = options.at ?? this.now();
    const status: DeploymentStatusRecord = {
      id: this.nextWideId(),
      deploymentId,
      repo: deployment.repo,
      state,
      creator,
      environment: options.environment ?? deployment.environment,
      description: options.description ?? "",
      targetUrl: options.targetUrl ?? "",
      viaAppId: deployment.viaAppId,
      createdAt: at,
    };
    if (options.environment !== undefined) deployment.environment = options.environment;
    deployment.updatedAt = at;
    this.deploymentStatuses.push(status);
    return status;
  }

  /** One deployment's statuses, oldest first. */
  deploymentStatusesOf(deploymentId: number): DeploymentStatusRecord[] {
    return this.deploymentStatuses.filter((s) => s.deploymentId === deploymentId);
  }

  deploymentCallbackUrl(request: DeploymentProtectionRequest): string {
    return `${this.urls.api}/repos/${request.repo}/actions/runs/${request.runId}/deployment_protection_rule`;
  }

  /** Whether a workflow run with this id exists in the repository (it has a deployment gate). */
  hasRun(repo: Repo, runId: number): boolean {
    return this.deploymentRequests.some((r) => r.repo === repo.fullName && r.runId === runId);
  }

  // ---- branch protection and rulesets ----

  /**
   * Protects a branch (or a branch-protection-rule pattern such as `release/*`) as
   * `PUT …/branches/{branch}/protection` does: a second call for the same name replaces the settings.
   */
  protectBranch(repoName: string, branch: string, protection: BranchProtectionSpec): BranchProtectionRecord {
    const repo = this.repo(repoName);
    const on = (value: boolean | { enabled: boolean } | null | undefined) =>
      typeof value === "object" && value !== null ? Boolean(value.enabled) : Boolean(value);
    const actors = (a: ActorAllowances | undefined | null): Required<ActorAllowances> | null => {
      if (!a) return null;
      for (const login of a.users ?? []) this.account(login);
      return { users: [...(a.users ?? [])], teams: [...(a.teams ?? [])], apps: [...(a.apps ?? [])] };
    };
    const checks = protection.required_status_checks;
    const reviews = protection.required_pull_request_reviews;
    const existing = this.branchProtections.find((p) => p.repo === repo.fullName && p.pattern === branch);
    const at = this.now();
    const record: BranchProtectionRecord = {
      id: existing?.id ?? this.nextId(),
      repo: repo.fullName,
      pattern: branch,
      requiredStatusChecks: checks
        ? {
            strict: checks.strict ?? false,
            checks: checks.checks
              ? checks.checks.map((c) => ({
                  context: c.context,
                  app_id: c.app_id === undefined || c.app_id === -1 ? null : c.app_id,
                }))
              : (checks.contexts ?? []).map((context) => ({ context, app_id: null })),
          }
        : null,
      enforceAdmins: on(protection.enforce_admins),
      requiredPullRequestReviews: reviews
        ? {
            dismissStaleReviews: reviews.dismiss_stale_reviews ?? false,
            requireCodeOwnerReviews: reviews.require_code_owner_reviews ?? false,
            requiredApprovingReviewCount: reviews.required_approving_review_count ?? 1,
            requireLastPushApproval: reviews.require_last_push_approval ?? false,
            dismissalRestrictions: actors(reviews.dismissal_restrictions),
            bypassAllowances: actors(reviews.bypass_pull_request_allowances),
          }
        : null,
      restrictions: actors(protection.restrictions),
      requiredLinearHistory: on(protection.required_linear_history),
      allowForcePushes: on(protection.allow_force_pushes),
      allowDeletions: on(protection.allow_deletions),
      blockCreations: on(protection.block_creations),
      requiredConversationResolution: on(protection.required_conversation_resolution),
      lockBranch: on(protection.lock_branch),
      allowForkSyncing: on(protection.allow_fork_syncing),
      requiredSignatures: on(protection.required_signatures),
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    };
    if (existing) this.branchProtections.splice(this.branchProtections.indexOf(existing), 1, record);
    else this.branchProtections.push(record);
    return record;
  }

  /** `DELETE …/branches/{branch}/protection`; returns the removed rule (for a `deleted` webhook), if any. */
  unprotectBranch(repoName: string, branch: string): BranchProtectionRecord | undefined {
    const repo = this.repo(repoName);
    const index = this.branchProtections.findIndex((p) => p.repo === repo.fullName && p.pattern === branch);
    return index < 0 ? undefined : this.branchProtections.splice(index, 1)[0];
  }

  /** The branch protection rule protecting `branch` (exact name first, then wildcard patterns). */
  branchProtectionFor(repoName: string, branch: string): BranchProtectionRecord | undefined {
    return protectionFor(this.branchProtections, this.repo(repoName), branch);
  }

  /**
   * Adds a ruleset in GitHub's shape to a repository ("owner/name") or an organization (`{ org }`).
   * Organization rulesets pick repositories with `conditions.repository_name` or `repository_id`.
   */
  addRuleset(where: string | { org: string }, spec: RulesetSpec): RulesetRecord {
    let sourceType: RulesetRecord["sourceType"];
    let source: string;
    if (typeof where === "string") {
      sourceType = "Repository";
      source = this.repo(where).fullName;
    } else {
      sourceType = "Organization";
      source = this.account(where.org).login;
    }
    const id = spec.id ?? this.nextId();
    if (this.rulesets.some((r) => r.id === id)) throw new Error(`stand-in: ruleset ${id} already exists`);
    const at = this.now();
    const ruleset: RulesetRecord = {
      id,
      name: spec.name,
      target: spec.target ?? "branch",
      sourceType,
      source,
      enforcement: spec.enforcement,
      bypassActors: (spec.bypass_actors ?? []).map((a) => ({
        actor_id: a.actor_id ?? (a.actor_type === "OrganizationAdmin" ? 1 : null),
        actor_type: a.actor_type,
        bypass_mode: a.bypass_mode ?? "always",
      })),
      conditions: spec.conditions ? structuredClone(spec.conditions) : null,
      rules: structuredClone(spec.rules ?? []),
      createdAt: at,
      updatedAt: at,
    };
    this.rulesets.push(ruleset);
    return ruleset;
  }

  /** Removes a ruleset; returns it (for a `deleted` webhook), if it existed. */
  removeRuleset(id: number): RulesetRecord | undefined {
    const index = this.rulesets.findIndex((r) => r.id === id);
    return index < 0 ? undefined : this.rulesets.splice(index, 1)[0];
  }

  /** The repository's own rulesets and, with `includeParents` (GitHub's default), its organization's that pick it. */
  rulesetsFor(repoName: string, includeParents = true): RulesetRecord[] {
    const repo = this.repo(repoName);
    return this.rulesets.filter(
      (r) => (includeParents || r.sourceType === "Repository") && rulesetCoversRepo(r, repo),
    );
  }

  /** The rulesets in `active` enforcement whose conditions pick this branch (which need not exist). */
  activeRulesetsForBranch(repoName: string, branch: string): RulesetRecord[] {
    const repo = this.repo(repoName);
    return this.rulesetsFor(repoName).filter(
      (r) => r.enforcement === "active" && rulesetCoversBranch(r, repo, branch),
    );
  }

  // ---- checks and statuses ----

  suiteFor(repoName: string, headSha: string, appId: number): CheckSuiteRecord {
    const existing = this.checkSuites.find(
      (s) => s.repo === repoName && s.headSha === headSha && s.appId === appId,
    );
    if (existing) return existing;
    const repo = this.repo(repoName);
    let headBranch: string | null = null;
    for (const pr of repo.pulls.values())
      if (pr.head.sha === headSha && pr.head.repo === repo.fullName) headBranch = pr.head.ref;
    const suite: CheckSuiteRecord = {
      id: this.nextWideId(),
      repo: repoName,
      headSha,
      headBranch,
      appId,
      createdAt: this.now(),
    };
    this.checkSuites.push(suite);
    return suite;
  }

  addCheckRun(spec: {
    repo: string;
    headSha: string;
    name: string;
    /** App id or slug of the app posting it (e.g. "github-actions"); must be registered with addApp. */
    app: number | string;
    status?: CheckStatus;
    conclusion?: CheckConclusion | null;
    externalId?: string;
    title?: string;
    summary?: string;
  }): CheckRunRecord {
    const app = typeof spec.app === "number" ? this.app(spec.app) : this.appBySlug(spec.app);
    if (!app) throw new Error(`stand-in: no app ${spec.app}`);
    const repo = this.repo(spec.repo);
    const conclusion = spec.conclusion ?? null;
    const status = conclusion ? "completed" : (spec.status ?? "queued");
    const startedAt = this.now();
    const run: CheckRunRecord = {
      id: this.nextWideId(),
      repo: repo.fullName,
      headSha: spec.headSha,
      name: spec.name,
      status,
      conclusion,
      appId: app.id,
      checkSuiteId: this.suiteFor(repo.fullName, spec.headSha, app.id).id,
      externalId: spec.externalId ?? null,
      detailsUrl: null,
      startedAt,
      completedAt: status === "completed" ? this.now() : null,
      output: { title: spec.title ?? null, summary: spec.summary ?? null, text: null, annotations: [] },
      actions: [],
      rerequested: 0,
    };
    this.checkRuns.push(run);
    return run;
  }

  addStatus(spec: {
    repo: string;
    sha: string;
    context: string;
    state: StatusState;
    creator: string;
    description?: string;
    targetUrl?: string;
  }): StatusRecord {
    this.account(spec.creator);
    const status: StatusRecord = {
      id: this.nextWideId(),
      repo: this.repo(spec.repo).fullName,
      sha: spec.sha,
      context: spec.context,
      state: spec.state,
      description: spec.description ?? null,
      targetUrl: spec.targetUrl ?? null,
      creator: spec.creator,
      createdAt: this.now(),
    };
    this.statuses.push(status);
    return status;
  }

  checkRunsFor(repo: string, sha: string): CheckRunRecord[] {
    return this.checkRuns.filter((r) => r.repo === repo && r.headSha === sha);
  }

  statusesFor(repo: string, sha: string): StatusRecord[] {
    return this.statuses.filter((s) => s.repo === repo && s.sha === sha);
  }

  /** The check runs the app under test posted: what a demo or e2e test asserts on. */
  ownCheckRuns(): CheckRunRecord[] {
    return this.checkRuns.filter((r) => r.appId === this.appId);
  }
}
