/**
 * The store seen through GitHub's GraphQL schema: plain objects with `__typename`, scalar fields, and functions
 * (called with the field's arguments) for everything nested, so cycles such as PR → commit → PR stay lazy.
 * Lists are plain arrays; the executor turns an array under a `…Connection` field into a paginated connection.
 * A field left out here is a field the stand-in does not emulate: querying it is an error, never a made-up null.
 */
import { blobSha, nodeId } from "../ids.js";
import {
  authorAssociation as association,
  closedAt,
  combinedState,
  latestStatuses,
  mergedAt,
} from "../rest/shapes.js";
import type {
  CheckRunRecord,
  CheckSuiteRecord,
  CommitRecord,
  FileChange,
  GitIdentity,
  IssueCommentRecord,
  PullRequestRecord,
  Repo,
  ReviewRecord,
  StatusRecord,
  Store,
  TimelineRecord,
} from "../store.js";

export type GraphObject = { __typename: string } & Record<string, unknown>;

/** A GraphQL error GitHub reports with a top-level `type` (e.g. NOT_FOUND, FORBIDDEN). */
export class GitHubGraphQLError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

const upper = (value: string | null) => (value === null ? null : value.toUpperCase());

const CHANGE_TYPES: Record<FileChange["status"], string> = {
  added: "ADDED",
  removed: "DELETED",
  modified: "MODIFIED",
  renamed: "RENAMED",
  copied: "COPIED",
  changed: "CHANGED",
  unchanged: "MODIFIED",
};

const TIMELINE_TYPES: Partial<Record<TimelineRecord["kind"], string>> = {
  labeled: "LabeledEvent",
  unlabeled: "UnlabeledEvent",
  assigned: "AssignedEvent",
  unassigned: "UnassignedEvent",
  review_requested: "ReviewRequestedEvent",
  review_request_removed: "ReviewRequestRemovedEvent",
  review_dismissed: "ReviewDismissedEvent",
  auto_merge_enabled: "AutoMergeEnabledEvent",
  auto_merge_disabled: "AutoMergeDisabledEvent",
  added_to_merge_queue: "AddedToMergeQueueEvent",
  removed_from_merge_queue: "RemovedFromMergeQueueEvent",
  ready_for_review: "ReadyForReviewEvent",
  convert_to_draft: "ConvertToDraftEvent",
  head_ref_force_pushed: "HeadRefForcePushedEvent",
  merged: "MergedEvent",
  closed: "ClosedEvent",
  // copilot_work_started/finished exist only in the REST timeline.
};

const CO_AUTHOR = /^co-authored-by:\s*(.+?)\s*<([^<>\s]+)>\s*$/gim;

/** Renders store records as GraphQL objects for one caller, who sees only the repositories `canSee` allows. */
export class Graph {
  constructor(
    private readonly store: Store,
    private readonly canSee: (repo: Repo) => boolean,
  ) {}

  private get web(): string {
    return this.store.urls.web;
  }

  // ---- actors ----

  actor(login: string | null): GraphObject | null {
    if (!login) return null;
    const account = this.store.account(login);
    const path = account.appSlug ? `/apps/${account.appSlug}` : `/${account.login}`;
    return {
      __typename: account.type,
      id: nodeId(account.type, account.id),
      databaseId: account.id,
      login: account.graphqlLogin,
      name: account.name,
      ...(account.type === "User" ? { email: "" } : {}),
      url: `${this.web}${path}`,
      resourcePath: path,
      avatarUrl: () => `${this.web}/avatars/u/${account.id}?v=4`,
      createdAt: "2020-01-01T00:00:00Z",
      updatedAt: "2020-01-01T00:00:00Z",
    };
  }

  /** `GitActor.user` is typed User; GitHub returns the linked account there even for bots ("dependabot[bot]"). */
  private gitActor(identity: GitIdentity): GraphObject {
    const linked = this.store.accountForEmail(identity.email);
    return {
      __typename: "GitActor",
      name: identity.name,
      email: identity.email,
      date: identity.date,
      avatarUrl: () => `${this.web}/avatars/u/e?email=${encodeURIComponent(identity.email)}`,
      user: linked
        ? {
            ...this.actor(linked.login),
            __typename: "User",
            id: nodeId("User", linked.id),
            login: linked.login,
            email: "",
          }
        : null,
    };
  }

  private app(appId: number): GraphObject {
    const app = this.store.app(appId);
    return {
      __typename: "App",
      id: nodeId("App", app.id),
      databaseId: app.id,
      slug: app.slug,
      name: app.name,
      description: null,
      url: `${this.web}/apps/${app.slug}`,
      logoUrl: () => `${this.web}/identicons/app/app/${app.slug}`,
      logoBackgroundColor: "ffffff",
      createdAt: app.createdAt,
      updatedAt: app.createdAt,
    };
  }

  // ---- repositories and git objects ----

  repository(repo: Repo): GraphObject {
    return {
      __typename: "Repository",
      id: nodeId("Repository", repo.id),
      databaseId: repo.id,
      name: repo.name,
      nameWithOwner: repo.fullName,
      owner: () => this.actor(repo.owner),
      isPrivate: repo.private,
      visibility: repo.private ? "PRIVATE" : "PUBLIC",
      isFork: false,
      isArchived: false,
      url: `${this.web}/${repo.fullName}`,
      resourcePath: `/${repo.fullName}`,
      createdAt: repo.createdAt,
      updatedAt: repo.createdAt,
      defaultBranchRef: () => this.ref(repo, repo.defaultBranch),
      ref: ({ qualifiedName }: { qualifiedName: string }) =>
        this.ref(repo, qualifiedName.replace(/^refs\/heads\//, "")),
      object: ({ expression, oid }: { expression?: string | null; oid?: string | null }) =>
        this.object(repo, expression, oid),
      pullRequest: ({ number }: { number: number }) => {
        const pr = repo.pulls.get(number);
        if (!pr)
          throw new GitHubGraphQLError(
            `Could not resolve to a PullRequest with the number of ${number}.`,
            "NOT_FOUND",
          );
        return this.pullRequest(pr);
      },
      pullRequests: ({
        states,
        headRefName,
        baseRefName,
      }: {
        states?: string[];
        headRefName?: string;
        baseRefName?: string;
      }) =>
        [...repo.pulls.values()]
          .filter((pr) => !states || states.includes(prState(pr)))
          .filter((pr) => headRefName === undefined || pr.head.ref === headRefName)
          .filter((pr) => baseRefName === undefined || pr.base.ref === baseRefName)
          .map((pr) => this.pullRequest(pr)),
    };
  }

  private forkRepository(fullName: string): GraphObject | null {
    const repo = this.store.findRepo(fullName);
    if (repo) return this.canSee(repo) || !repo.private ? this.repository(repo) : null;
    const [owner = "", name = ""] = fullName.split("/");
    return {
      __typename: "Repository",
      id: nodeId("Repository", fullName),
      name,
      nameWithOwner: fullName,
      owner: () => this.actor(owner),
      isPrivate: false,
      isFork: true,
      url: `${this.web}/${fullName}`,
    };
  }

  private ref(repo: Repo, name: string): GraphObject | null {
    const branch = repo.branches.get(name);
    if (!branch) return null;
    return {
      __typename: "Ref",
      id: nodeId("Ref", `${repo.id}:${name}`),
      name,
      prefix: "refs/heads/",
      target: () => this.commit(repo, branch.oid),
      repository: () => this.repository(repo),
    };
  }

  /** `object(expression: "HEAD:path" | "<branch or oid>:path" | "<branch or oid>")` or `object(oid:)`. */
  private object(
    repo: Repo,
    expression: string | null | undefined,
    oid: string | null | undefined,
  ): GraphObject | null {
    if (oid != null) return this.store.findCommit(repo, oid) ? this.commit(repo, oid) : null;
    if (expression == null) return null;
    const colon = expression.indexOf(":");
    const rev = colon < 0 ? expression : expression.slice(0, colon);
    const at = this.store.filesAt(repo, rev === "HEAD" || rev === "" ? repo.defaultBranch : rev);
    if (!at) return null;
    if (colon < 0) return this.commit(repo, at.oid);
    const path = expression.slice(colon + 1).replace(/^\/+/, "");
    const text = at.files.get(path);
    if (text === undefined) return null;
    const bytes = Buffer.byteLength(text, "utf8");
    const sha = blobSha(text);
    return {
      __typename: "Blob",
      id: nodeId("Blob", sha),
      oid: sha,
      abbreviatedOid: sha.slice(0, 7),
      byteSize: bytes,
      isBinary: false,
      isTruncated: false,
      text,
      commitUrl: `${this.web}/${repo.fullName}/commit/${at.oid}`,
      commitResourcePath: `/${repo.fullName}/commit/${at.oid}`,
      repository: () => this.repository(repo),
    };
  }

  commit(repo: Repo, sha: string): GraphObject | null {
    const record = this.store.findCommit(repo, sha);
    if (!record) return null;
    const url = `${this.web}/${repo.fullName}/commit/${sha}`;
    const [headline = "", ...rest] = record.message.split("\n");
    return {
      __typename: "Commit",
      id: nodeId("Commit", sha),
      oid: sha,
      abbreviatedOid: sha.slice(0, 7),
      message: record.message,
      messageHeadline: headline,
      messageBody: rest.join("\n").trim(),
      url,
      commitUrl: url,
      resourcePath: `/${repo.fullName}/commit/${sha}`,
      author: this.gitActor(record.author),
      committer: this.gitActor(record.committer),
      authors: () => this.authors(record),
      authoredByCommitter: record.author.email === record.committer.email,
      authoredDate: record.author.date,
      committedDate: record.committer.date,
      committedViaWeb: false,
      pushedDate: null,
      signature: record.verified
        ? {
            __typename: "GpgSignature",
            isValid: true,
            state: "VALID",
            email: record.committer.email,
            payload: "",
            signature: "",
            signer: null,
            wasSignedByGitHub: true,
          }
        : null,
      parents: () => record.parents.map((p) => this.commit(repo, p)).filter((c) => c !== null),
      repository: () => this.repository(repo),
      associatedPullRequests: () => this.store.pullsForCommit(repo, sha).map((pr) => this.pullRequest(pr)),
      checkSuites: ({ filterBy }: { filterBy?: { appId?: number; checkName?: string } }) =>
        this.store.checkSuites
          .filter((s) => s.repo === repo.fullName && s.headSha === sha)
          .filter((s) => filterBy?.appId === undefined || s.appId === filterBy.appId)
          .filter(
            (s) =>
              !filterBy?.checkName ||
              this.store.checkRuns.some((r) => r.checkSuiteId === s.id && r.name === filterBy.checkName),
          )
          .map((s) => this.checkSuite(repo, s)),
      status: () => this.status(repo, sha),
      statusCheckRollup: () => this.rollup(repo, sha),
      file: ({ path }: { path: string }) => this.treeEntry(repo, sha, path),
    };
  }

  /** `Commit.file(path:)`: the file's tree entry at that commit (branch tips only), or null. */
  private treeEntry(repo: Repo, sha: string, path: string): GraphObject | null {
    const blob = this.object(repo, `${sha}:${path}`, undefined);
    if (!blob) return null;
    const clean = path.replace(/^\/+/, "");
    const name = clean.split("/").pop() ?? clean;
    const dot = name.lastIndexOf(".");
    return {
      __typename: "TreeEntry",
      name,
      path: clean,
      nameRaw: Buffer.from(name).toString("base64"),
      pathRaw: Buffer.from(clean).toString("base64"),
      extension: dot > 0 ? name.slice(dot) : null,
      mode: 33188,
      type: "blob",
      oid: blob.oid,
      size: blob.byteSize,
      isGenerated: false,
      object: blob,
      repository: () => this.repository(repo),
    };
  }

  /** The author, then co-authors from `Co-authored-by:` trailers, as GitHub lists `Commit.authors`. */
  private authors(record: CommitRecord): GraphObject[] {
    const people = [record.author];
    for (const match of record.message.matchAll(CO_AUTHOR)) {
      const email = match[2] ?? "";
      if (!people.some((p) => p.email.toLowerCase() === email.toLowerCase())) {
        people.push({ name: match[1] ?? "", email, date: record.author.date });
      }
    }
    return people.map((p) => this.gitActor(p));
  }

  // ---- checks and statuses ----

  private checkSuite(repo: Repo, suite: CheckSuiteRecord): GraphObject {
    const runs = () => this.store.checkRuns.filter((r) => r.checkSuiteId === suite.id);
    return {
      __typename: "CheckSuite",
      id: nodeId("CheckSuite", suite.id),
      databaseId: suite.id,
      app: () => this.app(suite.appId),
      status: () =>
        runs().length === 0
          ? "QUEUED"
          : runs().every((r) => r.status === "completed")
            ? "COMPLETED"
            : "IN_PROGRESS",
      conclusion: () => {
        const all = runs();
        if (all.length === 0 || all.some((r) => r.status !== "completed")) return null;
        const failed = all.find((r) => !["success", "neutral", "skipped"].includes(r.conclusion ?? ""));
        return failed ? upper(failed.conclusion) : "SUCCESS";
      },
      createdAt: suite.createdAt,
      updatedAt: suite.createdAt,
      url: `${this.web}/${repo.fullName}/commit/${suite.headSha}/checks?check_suite_id=${suite.id}`,
      resourcePath: `/${repo.fullName}/commit/${suite.headSha}/checks?check_suite_id=${suite.id}`,
      branch: () => (suite.headBranch ? this.ref(repo, suite.headBranch) : null),
      creator: null,
      workflowRun: null,
      commit: () => this.commit(repo, suite.headSha),
      repository: () => this.repository(repo),
      checkRuns: ({
        filterBy,
      }: {
        filterBy?: { checkName?: string; appId?: number; status?: string; checkType?: string };
      }) => {
        let selected = runs()
          .filter((r) => !filterBy?.checkName || r.name === filterBy.checkName)
          .filter((r) => !filterBy?.status || upper(r.status) === filterBy.status);
        if ((filterBy?.checkType ?? "LATEST") === "LATEST") {
          const latest = new Map<string, CheckRunRecord>();
          for (const run of selected) latest.set(run.name, run);
          selected = [...latest.values()];
        }
        return selected.map((r) => this.checkRun(repo, r));
      },
    };
  }

  private checkRun(repo: Repo, run: CheckRunRecord): GraphObject {
    const url = `${this.web}/${repo.fullName}/runs/${run.id}`;
    return {
      __typename: "CheckRun",
      id: nodeId("CheckRun", run.id),
      databaseId: run.id,
      name: run.name,
      status: upper(run.status),
      conclusion: upper(run.conclusion),
      startedAt: run.startedAt,
      completedAt: run.completedAt,
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      externalId: run.externalId,
      detailsUrl: run.detailsUrl,
      url,
      permalink: url,
      resourcePath: `/${repo.fullName}/runs/${run.id}`,
      isRequired: () => false,
      checkSuite: () => {
        const suite = this.store.checkSuites.find((s) => s.id === run.checkSuiteId);
        return suite ? this.checkSuite(repo, suite) : null;
      },
      repository: () => this.repository(repo),
    };
  }

  private statusContext(repo: Repo, status: StatusRecord): GraphObject {
    return {
      __typename: "StatusContext",
      id: nodeId("StatusContext", status.id),
      context: status.context,
      state: upper(status.state),
      description: status.description,
      targetUrl: status.targetUrl,
      createdAt: status.createdAt,
      creator: () => this.actor(status.creator),
      avatarUrl: () => `${this.web}/avatars/u/${this.store.account(status.creator).id}?v=4`,
      isRequired: () => false,
      commit: () => this.commit(repo, status.sha),
    };
  }

  /** `Commit.status`: null when the commit has no statuses, as on GitHub. */
  private status(repo: Repo, sha: string): GraphObject | null {
    const latest = latestStatuses(this.store, repo.fullName, sha);
    if (latest.length === 0) return null;
    return {
      __typename: "Status",
      id: nodeId("Status", sha),
      state: upper(combinedState(latest)),
      contexts: latest.map((s) => this.statusContext(repo, s)),
      context: ({ name }: { name: string }) => {
        const found = latest.find((s) => s.context === name);
        return found ? this.statusContext(repo, found) : null;
      },
      commit: () => this.commit(repo, sha),
    };
  }

  /** `statusCheckRollup`: the latest check run per app and name plus the latest status per context. */
  private rollup(repo: Repo, sha: string): GraphObject | null {
    const latestRuns = new Map<string, CheckRunRecord>();
    for (const run of this.store.checkRunsFor(repo.fullName, sha))
      latestRuns.set(`${run.appId}:${run.name}`, run);
    const runs = [...latestRuns.values()];
    const statuses = latestStatuses(this.store, repo.fullName, sha);
    if (runs.length === 0 && statuses.length === 0) return null;
    const failing = (r: CheckRunRecord) =>
      r.status === "completed" && !["success", "neutral", "skipped"].includes(r.conclusion ?? "");
    const statusState = combinedState(statuses);
    let state = "SUCCESS";
    if (runs.some(failing) || (statuses.length > 0 && statusState === "failure")) state = "FAILURE";
    else if (runs.some((r) => r.status !== "completed") || (statuses.length > 0 && statusState === "pending"))
      state = "PENDING";
    return {
      __typename: "StatusCheckRollup",
      id: nodeId("StatusCheckRollup", sha),
      state,
      commit: () => this.commit(repo, sha),
      contexts: () => [
        ...runs.map((r) => this.checkRun(repo, r)),
        ...statuses.map((s) => this.statusContext(repo, s)),
      ],
    };
  }

  // ---- pull requests ----

  pullRequest(pr: PullRequestRecord): GraphObject {
    const repo = this.store.repo(pr.repo);
    const url = `${this.web}/${pr.repo}/pull/${pr.number}`;
    const submitted = () => pr.reviews.filter((r) => r.state !== "PENDING");
    const latestBy = (reviews: ReviewRecord[]) => {
      const latest = new Map<string, ReviewRecord>();
      for (const r of reviews) latest.set(r.author.toLowerCase(), r);
      return [...latest.values()];
    };
    const canPush = (login: string) =>
      ["write", "maintain", "admin"].includes(this.store.permissionOf(repo, login) ?? "");
    return {
      __typename: "PullRequest",
      id: nodeId("PullRequest", pr.id),
      databaseId: pr.id,
      number: pr.number,
      title: pr.title,
      body: pr.body,
      bodyText: pr.body,
      url,
      permalink: url,
      resourcePath: `/${pr.repo}/pull/${pr.number}`,
      state: prState(pr),
      closed: pr.state === "closed",
      merged: pr.merged,
      mergedAt: mergedAt(pr),
      closedAt: closedAt(pr),
      mergedBy: () => this.actor(pr.mergedBy),
      mergeCommit: () => (pr.mergeCommitSha ? this.commit(repo, pr.mergeCommitSha) : null),
      locked: false,
      isDraft: pr.draft,
      createdAt: pr.createdAt,
      updatedAt: this.store.pullUpdatedAt(pr),
      publishedAt: pr.createdAt,
      lastEditedAt: null,
      editor: null,
      headRefName: pr.head.ref,
      headRefOid: pr.head.sha,
      baseRefName: pr.base.ref,
      baseRefOid: pr.base.sha,
      headRef: () => (pr.head.repo === pr.repo ? this.ref(repo, pr.head.ref) : null),
      baseRef: () => this.ref(repo, pr.base.ref),
      isCrossRepository: pr.head.repo !== pr.repo,
      maintainerCanModify: false,
      changedFiles: pr.files.length,
      additions: pr.files.reduce((sum, f) => sum + f.additions, 0),
      deletions: pr.files.reduce((sum, f) => sum + f.deletions, 0),
      mergeable: pr.state === "open" ? "MERGEABLE" : "UNKNOWN",
      mergeStateStatus: pr.state === "open" ? "CLEAN" : "UNKNOWN",
      reviewDecision: null,
      isInMergeQueue: pr.inMergeQueue,
      mergeQueueEntry: null,
      totalCommentsCount: pr.comments.length,
      author: () => this.actor(pr.author),
      authorAssociation: () => association(this.store, repo, pr.author),
      repository: () => this.repository(repo),
      baseRepository: () => this.repository(repo),
      headRepository: () => this.forkRepository(pr.head.repo),
      headRepositoryOwner: () => this.actor(pr.head.repo.split("/")[0] ?? null),
      assignees: () => pr.assignees.map((a) => this.actor(a)),
      labels: () => pr.labels.map((name) => this.label(repo, name)),
      files: () =>
        pr.files.map((f) => ({
          __typename: "PullRequestChangedFile",
          path: f.filename,
          additions: f.additions,
          deletions: f.deletions,
          changeType: CHANGE_TYPES[f.status],
          viewerViewedState: "UNVIEWED",
        })),
      commits: () =>
        pr.commits.map((c) => ({
          __typename: "PullRequestCommit",
          id: nodeId("PullRequestCommit", `${pr.id}:${c.sha}`),
          commit: () => this.commit(repo, c.sha),
          url: `${url}/commits/${c.sha}`,
          resourcePath: `/${pr.repo}/pull/${pr.number}/commits/${c.sha}`,
          pullRequest: () => this.pullRequest(pr),
        })),
      reviews: ({ states, author }: { states?: string[]; author?: string }) =>
        submitted()
          .filter((r) => !states || states.includes(r.state))
          .filter((r) => author === undefined || r.author.toLowerCase() === author.toLowerCase())
          .map((r) => this.review(pr, r, canPush)),
      latestReviews: () => latestBy(submitted()).map((r) => this.review(pr, r, canPush)),
      latestOpinionatedReviews: ({ writersOnly }: { writersOnly?: boolean }) =>
        latestBy(submitted().filter((r) => r.state !== "COMMENTED"))
          .filter((r) => r.state === "APPROVED" || r.state === "CHANGES_REQUESTED")
          .filter((r) => !writersOnly || canPush(r.author))
          .map((r) => this.review(pr, r, canPush)),
      comments: () => pr.comments.map((c) => this.comment(pr, c)),
      timelineItems: ({ since, skip }: { since?: string; skip?: number }) =>
        this.timeline(pr, canPush)
          .filter((item) => !since || item.at >= since)
          .slice(skip ?? 0)
          .map((item) => item.node),
      autoMergeRequest: () =>
        pr.autoMerge
          ? {
              __typename: "AutoMergeRequest",
              enabledAt: pr.autoMerge.enabledAt,
              enabledBy: this.actor(pr.autoMerge.enabledBy),
              mergeMethod: pr.autoMerge.mergeMethod,
              authorEmail: null,
              commitBody: null,
              commitHeadline: null,
              pullRequest: () => this.pullRequest(pr),
            }
          : null,
      statusCheckRollup: () => this.rollup(repo, pr.head.sha),
    };
  }

  private label(repo: Repo, name: string): GraphObject {
    return {
      __typename: "Label",
      id: nodeId("Label", `${repo.id}:${name}`),
      name,
      color: "ededed",
      description: null,
      isDefault: false,
      createdAt: null,
      updatedAt: null,
      url: `${this.web}/${repo.fullName}/labels/${encodeURIComponent(name)}`,
      resourcePath: `/${repo.fullName}/labels/${encodeURIComponent(name)}`,
      repository: () => this.repository(repo),
    };
  }

  private review(pr: PullRequestRecord, r: ReviewRecord, canPush: (login: string) => boolean): GraphObject {
    const repo = this.store.repo(pr.repo);
    const url = `${this.web}/${pr.repo}/pull/${pr.number}#pullrequestreview-${r.id}`;
    return {
      __typename: "PullRequestReview",
      id: nodeId("PullRequestReview", r.id),
      databaseId: r.id,
      fullDatabaseId: String(r.id),
      state: r.state,
      body: r.body,
      bodyText: r.body,
      submittedAt: r.submittedAt,
      createdAt: r.submittedAt,
      publishedAt: r.submittedAt,
      updatedAt: r.submittedAt,
      lastEditedAt: null,
      editor: null,
      includesCreatedEdit: false,
      isMinimized: false,
      minimizedReason: null,
      url,
      resourcePath: `/${pr.repo}/pull/${pr.number}#pullrequestreview-${r.id}`,
      author: () => this.actor(r.author),
      authorAssociation: () => association(this.store, repo, r.author),
      authorCanPushToRepository: () => canPush(r.author),
      commit: () => (r.commitId ? this.commit(repo, r.commitId) : null),
      pullRequest: () => this.pullRequest(pr),
      repository: () => this.repository(repo),
    };
  }

  private comment(pr: PullRequestRecord, c: IssueCommentRecord): GraphObject {
    const repo = this.store.repo(pr.repo);
    const url = `${this.web}/${pr.repo}/pull/${pr.number}#issuecomment-${c.id}`;
    return {
      __typename: "IssueComment",
      id: nodeId("IssueComment", c.id),
      // Int: GraphQL refuses ids past 2^31, as GitHub does; fullDatabaseId is the BigInt string.
      databaseId: c.id,
      fullDatabaseId: String(c.id),
      body: c.body,
      bodyText: c.body,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      publishedAt: c.createdAt,
      lastEditedAt: c.lastEditedAt,
      includesCreatedEdit: c.editor !== null,
      isMinimized: false,
      minimizedReason: null,
      createdViaEmail: false,
      url,
      resourcePath: `/${pr.repo}/pull/${pr.number}#issuecomment-${c.id}`,
      author: () => this.actor(c.author),
      editor: () => this.actor(c.editor),
      authorAssociation: () => association(this.store, repo, c.author),
      pullRequest: () => this.pullRequest(pr),
      repository: () => this.repository(repo),
    };
  }

  /** Timeline items oldest first: events GraphQL knows, plus commits, comments and reviews. */
  private timeline(
    pr: PullRequestRecord,
    canPush: (login: string) => boolean,
  ): { at: string; node: GraphObject }[] {
    const repo = this.store.repo(pr.repo);
    const items: { at: string; order: number; node: GraphObject }[] = [];
    let order = 0;
    for (const c of pr.commits) {
      items.push({
        at: c.committer.date,
        order: order++,
        node: {
          __typename: "PullRequestCommit",
          id: nodeId("PullRequestCommit", `${pr.id}:${c.sha}`),
          commit: () => this.commit(repo, c.sha),
          pullRequest: () => this.pullRequest(pr),
        },
      });
    }
    for (const e of pr.timeline) {
      const node = this.event(pr, repo, e);
      if (node) items.push({ at: e.createdAt, order: order++, node });
    }
    for (const c of pr.comments) items.push({ at: c.createdAt, order: order++, node: this.comment(pr, c) });
    for (const r of pr.reviews) {
      if (r.state !== "PENDING")
        items.push({ at: r.submittedAt, order: order++, node: this.review(pr, r, canPush) });
    }
    items.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
    return items;
  }

  private event(pr: PullRequestRecord, repo: Repo, e: TimelineRecord): GraphObject | null {
    const typename = TIMELINE_TYPES[e.kind];
    if (!typename) return null;
    const base: GraphObject = {
      __typename: typename,
      id: nodeId(typename, e.id),
      createdAt: e.createdAt,
      actor: () => this.actor(e.actor),
      pullRequest: () => this.pullRequest(pr),
    };
    const asUser = () => {
      const actor = this.actor(e.actor);
      return actor?.__typename === "User" ? actor : null;
    };
    switch (e.kind) {
      case "labeled":
      case "unlabeled":
        return {
          ...base,
          label: () => this.label(repo, e.label ?? ""),
          labelable: () => this.pullRequest(pr),
        };
      case "assigned":
      case "unassigned":
        return {
          ...base,
          assignee: () => this.actor(e.subject ?? null),
          user: null,
          assignable: () => this.pullRequest(pr),
        };
      case "review_requested":
      case "review_request_removed":
        return { ...base, requestedReviewer: () => this.actor(e.subject ?? null) };
      case "review_dismissed": {
        const dismissed = pr.reviews.find((r) => r.id === e.reviewId);
        return {
          ...base,
          databaseId: e.id,
          dismissalMessage: e.dismissalMessage ?? null,
          previousReviewState:
            dismissed?.state === "DISMISSED" ? "APPROVED" : (dismissed?.state ?? "APPROVED"),
          review: () => (dismissed ? this.review(pr, dismissed, () => false) : null),
          pullRequestCommit: null,
          url: `${this.web}/${pr.repo}/pull/${pr.number}#event-${e.id}`,
          resourcePath: `/${pr.repo}/pull/${pr.number}#event-${e.id}`,
        };
      }
      case "auto_merge_enabled":
        return { ...base, enabler: asUser };
      case "auto_merge_disabled":
        return { ...base, disabler: asUser, reason: null, reasonCode: null };
      case "added_to_merge_queue":
        return { ...base, enqueuer: asUser, mergeQueue: null };
      case "removed_from_merge_queue":
        return { ...base, enqueuer: null, reason: null, beforeCommit: null, mergeQueue: null };
      case "merged":
        return {
          ...base,
          commit: () => (e.commitId ? this.commit(repo, e.commitId) : null),
          mergeRef: () => this.ref(repo, pr.base.ref),
          mergeRefName: pr.base.ref,
          url: `${this.web}/${pr.repo}/pull/${pr.number}#event-${e.id}`,
          resourcePath: `/${pr.repo}/pull/${pr.number}#event-${e.id}`,
        };
      case "closed":
        return {
          ...base,
          closable: () => this.pullRequest(pr),
          closer: null,
          stateReason: null,
          duplicateOf: null,
          url: `${this.web}/${pr.repo}/pull/${pr.number}#event-${e.id}`,
          resourcePath: `/${pr.repo}/pull/${pr.number}#event-${e.id}`,
        };
      case "head_ref_force_pushed":
        return {
          ...base,
          beforeCommit: () => (e.beforeSha ? this.commit(repo, e.beforeSha) : null),
          afterCommit: () => (e.afterSha ? this.commit(repo, e.afterSha) : null),
          ref: () => this.ref(repo, pr.head.ref),
        };
      default:
        return {
          ...base,
          url: `${this.web}/${pr.repo}/pull/${pr.number}#event-${e.id}`,
          resourcePath: `/${pr.repo}/pull/${pr.number}#event-${e.id}`,
        };
    }
  }
}

function prState(pr: PullRequestRecord): string {
  if (pr.merged) return "MERGED";
  return pr.state === "open" ? "OPEN" : "CLOSED";
}
