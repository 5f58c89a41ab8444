/**
 * REST JSON as GitHub renders it (snake_case, the same URL fields, the same nullability), built from the store.
 * Webhook payloads reuse these shapes, as GitHub's do.
 */
import { createHash } from "node:crypto";
import { blobSha, nodeId } from "../ids.js";
import type {
  App,
  BranchProtectionRecord,
  CheckRunRecord,
  CheckSuiteRecord,
  CommitRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  FileChange,
  Installation,
  IssueCommentRecord,
  PullRequestRecord,
  Repo,
  ReviewRecord,
  RulesetRecord,
  StatusRecord,
  Store,
  Team,
  TimelineRecord,
} from "../store.js";

type Json = Record<string, unknown>;

export function simpleUser(store: Store, login: string): Json {
  const account = store.account(login);
  const api = `${store.urls.api}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type === "Bot" ? "Bot" : account.type, account.id),
    avatar_url: `${store.urls.web}/avatars/u/${account.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: account.appSlug
      ? `${store.urls.web}/apps/${account.appSlug}`
      : `${store.urls.web}/${account.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function integration(store: Store, app: App): Json {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("Integration", app.id),
    client_id: `Iv1.${createHash("sha1").update(app.slug).digest("hex").slice(0, 16)}`,
    owner: simpleUser(store, app.owner),
    name: app.name,
    description: "",
    external_url: `${store.urls.web}/apps/${app.slug}`,
    html_url: `${store.urls.web}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: app.permissions,
    events: app.events,
  };
}

export function appOf(store: Store, appId: number | null): Json | null {
  if (appId === null) return null;
  const app = store.apps.get(appId);
  return app ? integration(store, app) : null;
}

/** A repository outside the store (a fork head) still renders, with what its name tells. */
function repoFromName(store: Store, fullName: string): Repo {
  const known = store.findRepo(fullName);
  if (known) return known;
  const [owner = "", name = ""] = fullName.split("/");
  const id = Number.parseInt(createHash("sha1").update(fullName).digest("hex").slice(0, 7), 16);
  return {
    id,
    owner,
    name,
    fullName,
    private: false,
    defaultBranch: "main",
    installationId: null,
    branches: new Map(),
    collaborators: new Map(),
    pulls: new Map(),
    createdAt: "2025-01-01T00:00:00Z",
  };
}

export function repository(store: Store, repoOrName: Repo | string): Json {
  const repo = typeof repoOrName === "string" ? repoFromName(store, repoOrName) : repoOrName;
  const api = `${store.urls.api}/repos/${repo.fullName}`;
  const urls: Json = {};
  for (const [key, suffix] of [
    ["forks_url", "/forks"],
    ["keys_url", "/keys{/key_id}"],
    ["collaborators_url", "/collaborators{/collaborator}"],
    ["teams_url", "/teams"],
    ["hooks_url", "/hooks"],
    ["issue_events_url", "/issues/events{/number}"],
    ["events_url", "/events"],
    ["assignees_url", "/assignees{/user}"],
    ["branches_url", "/branches{/branch}"],
    ["tags_url", "/tags"],
    ["blobs_url", "/git/blobs{/sha}"],
    ["git_tags_url", "/git/tags{/sha}"],
    ["git_refs_url", "/git/refs{/sha}"],
    ["trees_url", "/git/trees{/sha}"],
    ["statuses_url", "/statuses/{sha}"],
    ["languages_url", "/languages"],
    ["stargazers_url", "/stargazers"],
    ["contributors_url", "/contributors"],
    ["subscribers_url", "/subscribers"],
    ["subscription_url", "/subscription"],
    ["commits_url", "/commits{/sha}"],
    ["git_commits_url", "/git/commits{/sha}"],
    ["comments_url", "/comments{/number}"],
    ["issue_comment_url", "/issues/comments{/number}"],
    ["contents_url", "/contents/{+path}"],
    ["compare_url", "/compare/{base}...{head}"],
    ["merges_url", "/merges"],
    ["archive_url", "/{archive_format}{/ref}"],
    ["downloads_url", "/downloads"],
    ["issues_url", "/issues{/number}"],
    ["pulls_url", "/pulls{/number}"],
    ["milestones_url", "/milestones{/number}"],
    ["notifications_url", "/notifications{?since,all,participating}"],
    ["labels_url", "/labels{/name}"],
    ["releases_url", "/releases{/id}"],
    ["deployments_url", "/deployments"],
  ] as const) {
    urls[key] = `${api}${suffix}`;
  }
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: simpleUser(store, repo.owner),
    html_url: `${store.urls.web}/${repo.fullName}`,
    description: null,
    fork: !store.findRepo(repo.fullName),
    url: api,
    ...urls,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    git_url: `git://${new URL(store.urls.web).host}/${repo.fullName}.git`,
    ssh_url: `git@${new URL(store.urls.web).host}:${repo.fullName}.git`,
    clone_url: `${store.urls.web}/${repo.fullName}.git`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    archived: false,
    disabled: false,
    open_issues_count: [...repo.pulls.values()].filter((p) => p.state === "open").length,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: [],
    visibility: repo.private ? "private" : "public",
    forks: 0,
    open_issues: [...repo.pulls.values()].filter((p) => p.state === "open").length,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
}

export function label(store: Store, repoName: string, name: string): Json {
  const hash = createHash("sha1").update(name).digest();
  const id = hash.readUInt32BE(0);
  return {
    id,
    node_id: nodeId("Label", id),
    url: `${store.urls.api}/repos/${repoName}/labels/${encodeURIComponent(name)}`,
    name,
    color: hash.toString("hex").slice(0, 6),
    default: false,
    description: null,
  };
}

export function authorAssociation(store: Store, repo: Repo, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return "OWNER";
  if (store.permissionOf(repo, login)) return "COLLABORATOR";
  for (const team of store.teams.values()) {
    if (team.org.toLowerCase() === repo.owner.toLowerCase() && team.members.has(login.toLowerCase()))
      return "MEMBER";
  }
  return "NONE";
}

function branchEnd(store: Store, pr: PullRequestRecord, side: "head" | "base"): Json {
  const end = side === "head" ? pr.head : pr.base;
  const repoName = side === "head" ? pr.head.repo : pr.repo;
  const owner = repoName.split("/")[0] ?? "";
  return {
    label: `${owner}:${end.ref}`,
    ref: end.ref,
    sha: end.sha,
    user: simpleUser(store, owner),
    repo: repository(store, repoName),
  };
}

export function closedAt(pr: PullRequestRecord): string | null {
  return pr.state === "closed" ? (pr.closedAt ?? pr.updatedAt) : null;
}

export function mergedAt(pr: PullRequestRecord): string | null {
  return pr.merged ? (pr.mergedAt ?? pr.updatedAt) : null;
}

/** `full` = the single-PR endpoint and webhooks; list endpoints omit the merge and size fields, as GitHub does. */
export function pullRequest(store: Store, pr: PullRequestRecord, full = true): Json {
  const repo = store.repo(pr.repo);
  const api = `${store.urls.api}/repos/${pr.repo}`;
  const html = `${store.urls.web}/${pr.repo}/pull/${pr.number}`;
  const simple: Json = {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId("PullRequest", pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: simpleUser(store, pr.author),
    body: pr.body || null,
    created_at: pr.createdAt,
    updated_at: store.pullUpdatedAt(pr),
    closed_at: closedAt(pr),
    merged_at: mergedAt(pr),
    merge_commit_sha: pr.mergeCommitSha,
    assignee: pr.assignees[0] ? simpleUser(store, pr.assignees[0]) : null,
    assignees: pr.assignees.map((a) => simpleUser(store, a)),
    requested_reviewers: [],
    requested_teams: [],
    labels: pr.labels.map((name) => label(store, pr.repo, name)),
    milestone: null,
    draft: pr.draft,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.head.sha}`,
    head: branchEnd(store, pr, "head"),
    base: branchEnd(store, pr, "base"),
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${api}/pulls/${pr.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${pr.number}/commits` },
      statuses: { href: `${api}/statuses/${pr.head.sha}` },
    },
    author_association: authorAssociation(store, repo, pr.author),
    auto_merge: pr.autoMerge
      ? {
          enabled_by: simpleUser(store, pr.autoMerge.enabledBy),
          merge_method: pr.autoMerge.mergeMethod.toLowerCase(),
          commit_title: pr.title,
          commit_message: "",
        }
      : null,
    active_lock_reason: null,
  };
  if (!full) return simple;
  return {
    ...simple,
    merged: pr.merged,
    mergeable: pr.state === "open" ? true : null,
    rebaseable: pr.state === "open" ? true : null,
    mergeable_state: pr.state === "open" ? "clean" : "unknown",
    merged_by: pr.mergedBy ? simpleUser(store, pr.mergedBy) : null,
    comments: pr.comments.length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pr.commits.length,
    additions: pr.files.reduce((sum, f) => sum + f.additions, 0),
    deletions: pr.files.reduce((sum, f) => sum + f.deletions, 0),
    changed_files: pr.files.length,
  };
}

export function diffEntry(store: Store, pr: PullRequestRecord, file: FileChange): Json {
  const blob = `${store.urls.web}/${pr.repo}/blob/${pr.head.sha}/${file.filename}`;
  return {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: blob,
    raw_url: blob.replace("/blob/", "/raw/"),
    contents_url: `${store.urls.api}/repos/${pr.repo}/contents/${file.filename}?ref=${pr.head.sha}`,
    ...(file.patch === null ? {} : { patch: file.patch }),
    ...(file.previousFilename === null ? {} : { previous_filename: file.previousFilename }),
  };
}

function verification(commit: CommitRecord): Json {
  return commit.verified
    ? {
        verified: true,
        reason: "valid",
        signature: "-----BEGIN PGP SIGNATURE-----\n…",
        payload: "",
        verified_at: commit.committer.date,
      }
    : { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };
}

/** An item of `GET …/pulls/{n}/commits` (and of `…/commits/{sha}`). */
export function commit(store: Store, repoName: string, c: CommitRecord): Json {
  const api = `${store.urls.api}/repos/${repoName}`;
  const author = store.accountForEmail(c.author.email);
  const committer = store.accountForEmail(c.committer.email);
  return {
    sha: c.sha,
    node_id: nodeId("Commit", c.sha),
    commit: {
      author: { ...c.author },
      committer: { ...c.committer },
      message: c.message,
      tree: { sha: blobSha(`tree:${c.sha}`), url: `${api}/git/trees/${blobSha(`tree:${c.sha}`)}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: verification(c),
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${store.urls.web}/${repoName}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    author: author ? simpleUser(store, author.login) : null,
    committer: committer ? simpleUser(store, committer.login) : null,
    parents: c.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${store.urls.web}/${repoName}/commit/${sha}`,
    })),
  };
}

/** REST reviews say APPROVED; webhooks and the timeline say approved. */
export function review(store: Store, pr: PullRequestRecord, r: ReviewRecord, lowercaseState = false): Json {
  const api = `${store.urls.api}/repos/${pr.repo}`;
  const html = `${store.urls.web}/${pr.repo}/pull/${pr.number}#pullrequestreview-${r.id}`;
  return {
    id: r.id,
    node_id: nodeId("PullRequestReview", r.id),
    user: simpleUser(store, r.author),
    body: r.body,
    state: lowercaseState ? r.state.toLowerCase() : r.state,
    html_url: html,
    pull_request_url: `${api}/pulls/${pr.number}`,
    author_association: authorAssociation(store, store.repo(pr.repo), r.author),
    _links: { html: { href: html }, pull_request: { href: `${api}/pulls/${pr.number}` } },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
  };
}

export function issueComment(store: Store, pr: PullRequestRecord, c: IssueCommentRecord): Json {
  const api = `${store.urls.api}/repos/${pr.repo}`;
  return {
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${store.urls.web}/${pr.repo}/pull/${pr.number}#issuecomment-${c.id}`,
    issue_url: `${api}/issues/${pr.number}`,
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    user: simpleUser(store, c.author),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: authorAssociation(store, store.repo(pr.repo), c.author),
    body: c.body,
    reactions: {
      url: `${api}/issues/comments/${c.id}/reactions`,
      total_count: 0,
      "+1": 0,
      "-1": 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    performed_via_github_app: appOf(store, c.viaAppId),
  };
}

/** The issue view of a PR, as in `issue_comment` payloads. */
export function issue(store: Store, pr: PullRequestRecord): Json {
  const api = `${store.urls.api}/repos/${pr.repo}`;
  const html = `${store.urls.web}/${pr.repo}/pull/${pr.number}`;
  return {
    url: `${api}/issues/${pr.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${pr.number}/labels{/name}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    events_url: `${api}/issues/${pr.number}/events`,
    html_url: html,
    id: pr.id + 1_000_000_000,
    node_id: nodeId("PullRequest", pr.id),
    number: pr.number,
    title: pr.title,
    user: simpleUser(store, pr.author),
    labels: pr.labels.map((name) => label(store, pr.repo, name)),
    state: pr.state,
    locked: false,
    assignee: pr.assignees[0] ? simpleUser(store, pr.assignees[0]) : null,
    assignees: pr.assignees.map((a) => simpleUser(store, a)),
    milestone: null,
    comments: pr.comments.length,
    created_at: pr.createdAt,
    updated_at: store.pullUpdatedAt(pr),
    closed_at: closedAt(pr),
    author_association: authorAssociation(store, store.repo(pr.repo), pr.author),
    active_lock_reason: null,
    draft: pr.draft,
    pull_request: {
      url: `${api}/pulls/${pr.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: mergedAt(pr),
    },
    body: pr.body || null,
    timeline_url: `${api}/issues/${pr.number}/timeline`,
    performed_via_github_app: null,
    state_reason: null,
  };
}

function eventCommit(e: TimelineRecord): string | null {
  if (e.kind === "head_ref_force_pushed") return e.afterSha ?? null;
  if (e.kind === "merged") return e.commitId ?? null;
  return null;
}

function timelineEvent(store: Store, pr: PullRequestRecord, e: TimelineRecord): Json {
  const api = `${store.urls.api}/repos/${pr.repo}`;
  const base: Json = {
    id: e.id,
    node_id: nodeId("Event", e.id),
    url: `${api}/issues/events/${e.id}`,
    actor: e.actor ? simpleUser(store, e.actor) : null,
    event: e.kind,
    commit_id: eventCommit(e),
    commit_url: e.kind === "merged" && e.commitId ? `${api}/commits/${e.commitId}` : null,
    created_at: e.createdAt,
    performed_via_github_app: appOf(store, e.viaAppId),
  };
  switch (e.kind) {
    case "labeled":
    case "unlabeled": {
      const shape = label(store, pr.repo, e.label ?? "");
      return { ...base, label: { name: shape.name, color: shape.color } };
    }
    case "assigned":
    case "unassigned":
      return { ...base, assignee: e.subject ? simpleUser(store, e.subject) : null };
    case "review_requested":
    case "review_request_removed":
      return {
        ...base,
        review_requester: e.actor ? simpleUser(store, e.actor) : null,
        requested_reviewer: e.subject ? simpleUser(store, e.subject) : null,
      };
    case "review_dismissed": {
      const dismissed = pr.reviews.find((r) => r.id === e.reviewId);
      return {
        ...base,
        dismissed_review: {
          state: (dismissed?.state ?? "APPROVED").toLowerCase(),
          review_id: e.reviewId ?? 0,
          dismissal_message: e.dismissalMessage ?? null,
        },
      };
    }
    default:
      return base;
  }
}

/** `GET …/issues/{n}/timeline`: events, comments, reviews and commits, oldest first. */
export function timeline(store: Store, pr: PullRequestRecord): Json[] {
  const items: { at: string; order: number; json: Json }[] = [];
  let order = 0;
  for (const c of pr.commits) {
    items.push({
      at: c.committer.date,
      order: order++,
      json: { ...timelineCommit(store, pr.repo, c), event: "committed" },
    });
  }
  for (const e of pr.timeline)
    items.push({ at: e.createdAt, order: order++, json: timelineEvent(store, pr, e) });
  for (const c of pr.comments) {
    items.push({
      at: c.createdAt,
      order: order++,
      json: { event: "commented", actor: simpleUser(store, c.author), ...issueComment(store, pr, c) },
    });
  }
  for (const r of pr.reviews)
    items.push({
      at: r.submittedAt,
      order: order++,
      json: { event: "reviewed", ...review(store, pr, r, true) },
    });
  items.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  return items.map((i) => i.json);
}

function timelineCommit(store: Store, repoName: string, c: CommitRecord): Json {
  const rest = commit(store, repoName, c);
  const inner = rest.commit as Json;
  return {
    sha: c.sha,
    node_id: rest.node_id,
    url: inner.url,
    html_url: rest.html_url,
    author: inner.author,
    committer: inner.committer,
    tree: inner.tree,
    message: c.message,
    parents: rest.parents,
    verification: inner.verification,
  };
}

/** The PRs GitHub links a check to: open PRs of the same repository whose head is that commit (never forks). */
function linkedPulls(store: Store, repoName: string, sha: string): Json[] {
  const repo = store.repo(repoName);
  const api = `${store.urls.api}/repos/${repoName}`;
  return [...repo.pulls.values()]
    .filter((pr) => pr.head.sha === sha && pr.head.repo === repo.fullName && pr.state === "open")
    .map((pr) => ({
      url: `${api}/pulls/${pr.number}`,
      id: pr.id,
      number: pr.number,
      head: { ref: pr.head.ref, sha: pr.head.sha, repo: { id: repo.id, url: api, name: repo.name } },
      base: { ref: pr.base.ref, sha: pr.base.sha, repo: { id: repo.id, url: api, name: repo.name } },
    }));
}

export function checkRun(store: Store, run: CheckRunRecord): Json {
  const api = `${store.urls.api}/repos/${run.repo}`;
  const suite = store.checkSuites.find((s) => s.id === run.checkSuiteId);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.headSha,
    external_id: run.externalId ?? "",
    url: `${api}/check-runs/${run.id}`,
    html_url: `${store.urls.web}/${run.repo}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${store.urls.web}/apps/${store.app(run.appId).slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    check_suite: suite ? { id: suite.id } : null,
    app: integration(store, store.app(run.appId)),
    pull_requests: linkedPulls(store, run.repo, run.headSha),
  };
}

export function checkSuite(store: Store, suite: CheckSuiteRecord): Json {
  const runs = store.checkRuns.filter((r) => r.checkSuiteId === suite.id);
  const done = runs.length > 0 && runs.every((r) => r.status === "completed");
  const conclusions = runs.map((r) => r.conclusion);
  const conclusion = !done
    ? null
    : (["failure", "timed_out", "cancelled", "action_required", "startup_failure"].find((c) =>
        conclusions.includes(c as CheckRunRecord["conclusion"]),
      ) ?? (conclusions.every((c) => c === "skipped" || c === "neutral") ? "neutral" : "success"));
  const api = `${store.urls.api}/repos/${suite.repo}`;
  return {
    id: suite.id,
    node_id: nodeId("CheckSuite", suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: runs.length === 0 ? "queued" : done ? "completed" : "in_progress",
    conclusion,
    url: `${api}/check-suites/${suite.id}`,
    before: null,
    after: suite.headSha,
    pull_requests: linkedPulls(store, suite.repo, suite.headSha),
    app: integration(store, store.app(suite.appId)),
    created_at: suite.createdAt,
    updated_at: suite.createdAt,
    rerequestable: true,
    runs_rerequestable: true,
    latest_check_runs_count: runs.length,
    check_runs_url: `${api}/check-suites/${suite.id}/check-runs`,
  };
}

export function status(store: Store, s: StatusRecord, withCreator = true): Json {
  return {
    url: `${store.urls.api}/repos/${s.repo}/statuses/${s.sha}`,
    avatar_url: `${store.urls.web}/avatars/u/${store.account(s.creator).id}?v=4`,
    id: s.id,
    node_id: nodeId("StatusContext", s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    ...(withCreator ? { creator: simpleUser(store, s.creator) } : {}),
  };
}

/** The latest status per context, and GitHub's rule for the combined state. */
export function latestStatuses(store: Store, repoName: string, sha: string): StatusRecord[] {
  const latest = new Map<string, StatusRecord>();
  for (const s of store.statusesFor(repoName, sha)) latest.set(s.context, s);
  return [...latest.values()];
}

export function combinedState(statuses: StatusRecord[]): "failure" | "pending" | "success" {
  if (statuses.some((s) => s.state === "error" || s.state === "failure")) return "failure";
  if (statuses.length === 0 || statuses.some((s) => s.state === "pending")) return "pending";
  return "success";
}

export function combinedStatus(store: Store, repo: Repo, sha: string): Json {
  const statuses = latestStatuses(store, repo.fullName, sha);
  return {
    state: combinedState(statuses),
    statuses: statuses.map((s) => status(store, s, false)),
    sha,
    total_count: statuses.length,
    repository: repository(store, repo),
    commit_url: `${store.urls.api}/repos/${repo.fullName}/commits/${sha}`,
    url: `${store.urls.api}/repos/${repo.fullName}/commits/${sha}/status`,
  };
}

/** An entry of a directory listing: a file (with its text) or a sub-directory (text null). */
export function contentEntry(store: Store, repo: Repo, path: string, text: string | null, ref: string): Json {
  const api = `${store.urls.api}/repos/${repo.fullName}`;
  const self = `${api}/contents/${path}?ref=${ref}`;
  const html = `${store.urls.web}/${repo.fullName}/${text === null ? "tree" : "blob"}/${ref}/${path}`;
  const sha = blobSha(text ?? `tree:${path}`);
  const git = `${api}/git/${text === null ? "trees" : "blobs"}/${sha}`;
  return {
    type: text === null ? "dir" : "file",
    size: text === null ? 0 : Buffer.byteLength(text, "utf8"),
    name: path.split("/").at(-1) ?? path,
    path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: text === null ? null : `${store.urls.web}/${repo.fullName}/raw/${ref}/${path}`,
    _links: { self, git, html },
  };
}

/** A file with its content, base64 wrapped at 60 characters as GitHub sends it. */
export function contents(store: Store, repo: Repo, path: string, text: string, ref: string): Json {
  const base64 = Buffer.from(text, "utf8").toString("base64");
  return {
    ...contentEntry(store, repo, path, text, ref),
    encoding: "base64",
    content: `${base64.replace(/(.{60})/g, "$1\n")}\n`,
  };
}

export function installation(store: Store, inst: Installation): Json {
  const app = store.app(inst.appId);
  const account = store.account(inst.account);
  return {
    id: inst.id,
    client_id: integration(store, app).client_id,
    account: simpleUser(store, inst.account),
    repository_selection: inst.repositorySelection,
    access_tokens_url: `${store.urls.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${store.urls.api}/installation/repositories`,
    html_url: `${store.urls.web}/organizations/${inst.account}/settings/installations/${inst.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: account.id,
    target_type: account.type === "Organization" ? "Organization" : "User",
    permissions: inst.permissions,
    events: app.events,
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

// ---- deployments ----

export function deployment(store: Store, d: DeploymentRecord): Json {
  const api = `${store.urls.api}/repos/${d.repo}`;
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId("Deployment", d.id),
    task: d.task,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    creator: simpleUser(store, d.creator),
    sha: d.sha,
    ref: d.ref,
    payload: d.payload,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: appOf(store, d.viaAppId),
  };
}

/** An item of `GET …/deployments/{id}/statuses`. */
export function deploymentStatus(store: Store, s: DeploymentStatusRecord): Json {
  const api = `${store.urls.api}/repos/${s.repo}`;
  return {
    url: `${api}/deployments/${s.deploymentId}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DeploymentStatus", s.id),
    state: s.state,
    creator: simpleUser(store, s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${s.deploymentId}`,
    repository_url: api,
    environment_url: "",
    log_url: s.targetUrl,
    performed_via_github_app: appOf(store, s.viaAppId),
  };
}

/**
 * `GET …/compare/{basehead}` as GitHub's `commit-comparison`. `files` is left out: the store keeps file
 * contents only at branch heads, so it cannot tell a comparison's diff (the schema makes `files` optional).
 */
export function comparison(
  store: Store,
  repo: Repo,
  basehead: string,
  result: {
    status: string;
    aheadBy: number;
    behindBy: number;
    base: CommitRecord;
    head: CommitRecord;
    mergeBase: CommitRecord;
    totalCommits: number;
    commits: CommitRecord[];
  },
): Json {
  const web = `${store.urls.web}/${repo.fullName}`;
  const short = (c: CommitRecord) => `${repo.owner}:${c.sha.slice(0, 7)}`;
  return {
    url: `${store.urls.api}/repos/${repo.fullName}/compare/${basehead}`,
    html_url: `${web}/compare/${basehead}`,
    permalink_url: `${web}/compare/${short(result.base)}...${short(result.head)}`,
    diff_url: `${web}/compare/${basehead}.diff`,
    patch_url: `${web}/compare/${basehead}.patch`,
    base_commit: commit(store, repo.fullName, result.base),
    merge_base_commit: commit(store, repo.fullName, result.mergeBase),
    status: result.status,
    ahead_by: result.aheadBy,
    behind_by: result.behindBy,
    total_commits: result.totalCommits,
    commits: result.commits.map((c) => commit(store, repo.fullName, c)),
  };
}

// ---- branch protection and rulesets ----

export function team(store: Store, t: Team): Json {
  const api = `${store.urls.api}/organizations/${store.account(t.org).id}/team/${t.id}`;
  return {
    id: t.id,
    node_id: nodeId("Team", t.id),
    url: api,
    html_url: `${store.urls.web}/orgs/${t.org}/teams/${t.slug}`,
    name: t.name,
    slug: t.slug,
    description: null,
    privacy: "closed",
    notification_setting: "notifications_enabled",
    permission: "pull",
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    parent: null,
  };
}

function allowances(store: Store, repo: Repo, a: { users: string[]; teams: string[]; apps: string[] }): Json {
  return {
    users: a.users.map((login) => simpleUser(store, login)),
    teams: a.teams.flatMap((slug) => {
      const found = store.findTeam(repo.owner, slug);
      return found ? [team(store, found)] : [];
    }),
    apps: a.apps.flatMap((slug) => {
      const app = store.appBySlug(slug);
      return app ? [integration(store, app)] : [];
    }),
  };
}

/** `GET …/branches/{branch}/protection`: settings that are off are left out, toggles are `{ enabled }`. */
export function branchProtection(store: Store, repo: Repo, branch: string, p: BranchProtectionRecord): Json {
  const url = `${store.urls.api}/repos/${repo.fullName}/branches/${encodeURIComponent(branch)}/protection`;
  const body: Json = { url };
  if (p.requiredStatusChecks) {
    body.required_status_checks = {
      url: `${url}/required_status_checks`,
      strict: p.requiredStatusChecks.strict,
      contexts: p.requiredStatusChecks.checks.map((c) => c.context),
      contexts_url: `${url}/required_status_checks/contexts`,
      checks: p.requiredStatusChecks.checks.map((c) => ({ context: c.context, app_id: c.app_id })),
    };
  }
  const reviews = p.requiredPullRequestReviews;
  if (reviews) {
    body.required_pull_request_reviews = {
      url: `${url}/required_pull_request_reviews`,
      ...(reviews.dismissalRestrictions
        ? {
            dismissal_restrictions: {
              url: `${url}/dismissal_restrictions`,
              users_url: `${url}/dismissal_restrictions/users`,
              teams_url: `${url}/dismissal_restrictions/teams`,
              ...allowances(store, repo, reviews.dismissalRestrictions),
            },
          }
        : {}),
      ...(reviews.bypassAllowances
        ? { bypass_pull_request_allowances: allowances(store, repo, reviews.bypassAllowances) }
        : {}),
      dismiss_stale_reviews: reviews.dismissStaleReviews,
      require_code_owner_reviews: reviews.requireCodeOwnerReviews,
      required_approving_review_count: reviews.requiredApprovingReviewCount,
      require_last_push_approval: reviews.requireLastPushApproval,
    };
  }
  body.required_signatures = { url: `${url}/required_signatures`, enabled: p.requiredSignatures };
  body.enforce_admins = { url: `${url}/enforce_admins`, enabled: p.enforceAdmins };
  body.required_linear_history = { enabled: p.requiredLinearHistory };
  body.allow_force_pushes = { enabled: p.allowForcePushes };
  body.allow_deletions = { enabled: p.allowDeletions };
  body.block_creations = { enabled: p.blockCreations };
  body.required_conversation_resolution = { enabled: p.requiredConversationResolution };
  body.lock_branch = { enabled: p.lockBranch };
  body.allow_fork_syncing = { enabled: p.allowForkSyncing };
  if (p.restrictions) {
    body.restrictions = {
      url: `${url}/restrictions`,
      users_url: `${url}/restrictions/users`,
      teams_url: `${url}/restrictions/teams`,
      apps_url: `${url}/restrictions/apps`,
      ...allowances(store, repo, p.restrictions),
    };
  }
  return body;
}

/** The `rule` of `branch_protection_rule` webhooks: GitHub's older flat shape, with off/non_admins/everyone levels. */
export function branchProtectionRule(store: Store, p: BranchProtectionRecord): Json {
  const repo = store.repo(p.repo);
  const level = (on: boolean) => (on ? (p.enforceAdmins ? "everyone" : "non_admins") : "off");
  const reviews = p.requiredPullRequestReviews;
  return {
    id: p.id,
    repository_id: repo.id,
    name: p.pattern,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    pull_request_reviews_enforcement_level: level(reviews !== null),
    required_approving_review_count: reviews?.requiredApprovingReviewCount ?? 0,
    dismiss_stale_reviews_on_push: reviews?.dismissStaleReviews ?? false,
    require_code_owner_review: reviews?.requireCodeOwnerReviews ?? false,
    authorized_dismissal_actors_only: Boolean(reviews?.dismissalRestrictions),
    ignore_approvals_from_contributors: false,
    required_status_checks: p.requiredStatusChecks?.checks.map((c) => c.context) ?? [],
    required_status_checks_enforcement_level: level(p.requiredStatusChecks !== null),
    strict_required_status_checks_policy: p.requiredStatusChecks?.strict ?? false,
    signature_requirement_enforcement_level: level(p.requiredSignatures),
    linear_history_requirement_enforcement_level: level(p.requiredLinearHistory),
    lock_branch_enforcement_level: level(p.lockBranch),
    lock_allows_fork_sync: p.allowForkSyncing,
    admin_enforced: p.enforceAdmins,
    create_protected: p.blockCreations,
    allow_force_pushes_enforcement_level: p.allowForcePushes ? "everyone" : "off",
    allow_deletions_enforcement_level: p.allowDeletions ? "everyone" : "off",
    merge_queue_enforcement_level: "off",
    required_deployments_enforcement_level: "off",
    required_conversation_resolution_level: level(p.requiredConversationResolution),
    authorized_actors_only: p.restrictions !== null,
    authorized_actor_names: p.restrictions?.users ?? [],
    require_last_push_approval: reviews?.requireLastPushApproval ?? false,
  };
}

function rulesetLinks(store: Store, r: RulesetRecord): Json {
  return r.sourceType === "Repository"
    ? {
        self: { href: `${store.urls.api}/repos/${r.source}/rulesets/${r.id}` },
        html: { href: `${store.urls.web}/${r.source}/rules/${r.id}` },
      }
    : {
        self: { href: `${store.urls.api}/orgs/${r.source}/rulesets/${r.id}` },
        html: { href: `${store.urls.web}/organizations/${r.source}/settings/rules/${r.id}` },
      };
}

function rulesetConditions(r: RulesetRecord): Json | null {
  if (!r.conditions) return null;
  const out: Json = {};
  const c = r.conditions;
  if (c.ref_name) out.ref_name = { include: c.ref_name.include ?? [], exclude: c.ref_name.exclude ?? [] };
  if (c.repository_name) {
    out.repository_name = {
      include: c.repository_name.include ?? [],
      exclude: c.repository_name.exclude ?? [],
      protected: c.repository_name.protected ?? false,
    };
  }
  if (c.repository_id) out.repository_id = { repository_ids: c.repository_id.repository_ids ?? [] };
  return out;
}

export interface RulesetView {
  /** Whether the caller may see `bypass_actors` (write access to the ruleset). */
  bypassActors: boolean;
  /** `current_user_can_bypass`, only on the repository-level endpoints. */
  currentUserCanBypass?: string;
  /** The list endpoint leaves out conditions, rules and bypass actors. */
  summary?: boolean;
}

/** A ruleset as `GET …/rulesets/{id}` (and webhooks) render it. */
export function ruleset(store: Store, r: RulesetRecord, view: RulesetView): Json {
  const body: Json = {
    id: r.id,
    name: r.name,
    target: r.target,
    source_type: r.sourceType,
    source: r.source,
    enforcement: r.enforcement,
  };
  if (view.bypassActors && !view.summary) body.bypass_actors = r.bypassActors.map((a) => ({ ...a }));
  if (view.currentUserCanBypass !== undefined) body.current_user_can_bypass = view.currentUserCanBypass;
  body.node_id = nodeId("RepositoryRuleset", r.id);
  body._links = rulesetLinks(store, r);
  if (!view.summary) {
    body.conditions = rulesetConditions(r);
    body.rules = r.rules.map((rule) => ({
      type: rule.type,
      ...(rule.parameters === undefined ? {} : { parameters: structuredClone(rule.parameters) }),
    }));
  }
  body.created_at = r.createdAt;
  body.updated_at = r.updatedAt;
  return body;
}

/** An item of `GET …/rules/branches/{branch}`: the rule with the ruleset it comes from. */
export function branchRule(r: RulesetRecord, rule: RulesetRecord["rules"][number]): Json {
  return {
    type: rule.type,
    ruleset_source_type: r.sourceType,
    ruleset_source: r.source,
    ruleset_id: r.id,
    ...(rule.parameters === undefined ? {} : { parameters: structuredClone(rule.parameters) }),
  };
}
