/**
 * The REST endpoints a PR gate uses, answering like GitHub: same paths, JSON, status codes, pagination and caps.
 * Each route states whether it takes the app's JWT or an installation token, and which installation permission
 * it needs ("issues|pull_requests:write" = either one); a token without it gets 403 like on GitHub.
 */
import { createAccessToken, hasPermission, requireApp, requireInstallation, tokenCovers } from "../auth.js";
import {
  forbiddenIntegration,
  type HandlerContext,
  HttpError,
  invalidRequest,
  notFound,
  type Reply,
} from "../http.js";
import type { App, DeploymentRecord, PullRequestRecord, Repo, RulesetRecord, Store } from "../store.js";
import { createCheckRun, updateCheckRun } from "./checks.js";
import { paginate } from "./pagination.js";
import { type Compiled, compile, type Match, match } from "./router.js";
import * as shape from "./shapes.js";

/** GitHub's documented caps: the files list stops at 3000 entries, the commits list at 250. */
export const MAX_PR_FILES = 3000;
export const MAX_PR_COMMITS = 250;
const MAX_COMMENT = 65536;

interface RouteContext extends HandlerContext {
  params: Record<string, string>;
}

interface RepoContext extends RouteContext {
  repo: Repo;
  /** The app behind the installation token. */
  app: App;
}

type Handler = (ctx: RouteContext) => Reply;

const routes: Compiled<Handler>[] = [];

function appRoute(method: string, pattern: string, handle: (ctx: RouteContext) => Reply): void {
  routes.push(
    compile(method, pattern, (ctx) => {
      requireApp(ctx.caller);
      return handle(ctx);
    }),
  );
}

/** A `/repos/{owner}/{repo}/…` route for installation tokens. */
function repoRoute(
  method: string,
  pattern: string,
  permission: string,
  handle: (ctx: RepoContext) => Reply,
): void {
  routes.push(
    compile(method, `/repos/:owner/:repo${pattern}`, (ctx) => {
      const { installation, token } = requireInstallation(ctx.caller);
      const repo = ctx.store.findRepo(`${ctx.params.owner}/${ctx.params.repo}`);
      if (!repo) throw notFound();
      const write = method !== "GET";
      if (!tokenCovers(token, installation, repo)) {
        // Installation tokens can read public repositories they are not installed on, never write to them.
        if (repo.private) throw notFound();
        if (write) throw forbiddenIntegration();
      } else if (!hasPermission(token.permissions, permission)) {
        throw forbiddenIntegration();
      }
      return handle({ ...ctx, repo, app: ctx.store.app(installation.appId) });
    }),
  );
}

const ok = (body: unknown, headers?: Record<string, string>): Reply => ({
  status: 200,
  body,
  ...(headers ? { headers } : {}),
});

function pullOf(ctx: RepoContext): PullRequestRecord {
  const raw = ctx.params.number ?? "";
  const pr = /^\d+$/.test(raw) ? ctx.repo.pulls.get(Number(raw)) : undefined;
  if (!pr) throw notFound();
  return pr;
}

function idParam(ctx: RouteContext, key: string): number {
  const raw = ctx.params[key] ?? "";
  if (!/^\d+$/.test(raw)) throw notFound();
  return Number(raw);
}

/** A paginated list answer whose links use GitHub's `/repositories/{id}/…` form. */
function listReply<T>(ctx: RepoContext, all: T[], subpath: string, render: (item: T) => unknown): Reply {
  const base = `${ctx.store.urls.api}/repositories/${ctx.repo.id}${subpath}`;
  const page = paginate(all, ctx.request.query, base);
  return ok(page.items.map(render), page.link ? { link: page.link } : undefined);
}

/** A branch name, `refs/heads/…`, or a commit id known to the repo → the commit id. */
function resolveRef(store: Store, repo: Repo, ref: string): string {
  const files = store.filesAt(repo, ref);
  if (files) return files.oid;
  if (/^[0-9a-f]{40}$/i.test(ref) && store.hasCommit(repo, ref)) return ref;
  throw new HttpError(422, `No commit found for SHA: ${ref}`);
}

function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.request.body;
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw invalidRequest("Body should be a JSON object");
  return body as Record<string, unknown>;
}

// ---- app (JWT) ----

appRoute("GET", "/app", (ctx) => ok(shape.integration(ctx.store, ctx.store.app(ctx.store.appId))));

appRoute("GET", "/app/installations", (ctx) => {
  const all = [...ctx.store.installations.values()].filter((i) => i.appId === ctx.store.appId);
  const page = paginate(all, ctx.request.query, `${ctx.store.urls.api}/app/installations`);
  return ok(
    page.items.map((i) => shape.installation(ctx.store, i)),
    page.link ? { link: page.link } : undefined,
  );
});

appRoute("GET", "/app/installations/:id", (ctx) => {
  const installation = ctx.store.installations.get(idParam(ctx, "id"));
  if (!installation || installation.appId !== ctx.store.appId) throw notFound();
  return ok(shape.installation(ctx.store, installation));
});

appRoute("POST", "/app/installations/:id/access_tokens", (ctx) => {
  const installation = ctx.store.installations.get(idParam(ctx, "id"));
  if (!installation || installation.appId !== ctx.store.appId) throw notFound();
  return { status: 201, body: createAccessToken(ctx.store, installation, ctx.request.body) };
});

appRoute("GET", "/repos/:owner/:repo/installation", (ctx) => {
  const repo = ctx.store.findRepo(`${ctx.params.owner}/${ctx.params.repo}`);
  const installation = repo?.installationId ? ctx.store.installations.get(repo.installationId) : undefined;
  if (!installation) throw notFound();
  return ok(shape.installation(ctx.store, installation));
});

for (const kind of ["orgs", "users"]) {
  appRoute("GET", `/${kind}/:account/installation`, (ctx) => {
    const wanted = (ctx.params.account ?? "").toLowerCase();
    const installation = [...ctx.store.installations.values()].find(
      (i) => i.appId === ctx.store.appId && i.account.toLowerCase() === wanted,
    );
    if (!installation) throw notFound();
    return ok(shape.installation(ctx.store, installation));
  });
}

// ---- installation (token) ----

/** The repositories the token reaches, oldest first, in GitHub's `{ total_count, repositories }` envelope. */
routes.push(
  compile("GET", "/installation/repositories", (ctx: RouteContext) => {
    const { installation, token } = requireInstallation(ctx.caller);
    const all = [...ctx.store.repos.values()]
      .filter((r) => tokenCovers(token, installation, r))
      .sort((a, b) => a.id - b.id);
    const page = paginate(all, ctx.request.query, `${ctx.store.urls.api}/installation/repositories`);
    return ok(
      {
        total_count: all.length,
        repository_selection: token.repositoryIds === null ? installation.repositorySelection : "selected",
        repositories: page.items.map((r) => shape.repository(ctx.store, r)),
      },
      page.link ? { link: page.link } : undefined,
    );
  }),
);

/** A public App by its slug: GitHub answers any caller, with or without a token. */
routes.push(
  compile("GET", "/apps/:slug", (ctx: RouteContext) => {
    const app = ctx.store.appBySlug(ctx.params.slug ?? "");
    if (!app) throw notFound();
    return ok(shape.integration(ctx.store, app));
  }),
);

// ---- repository and pull requests ----

repoRoute("GET", "", "metadata:read", (ctx) => ok(shape.repository(ctx.store, ctx.repo)));

repoRoute("GET", "/pulls", "pull_requests:read", (ctx) => {
  const state = ctx.request.query.get("state") ?? "open";
  const pulls = [...ctx.repo.pulls.values()]
    .filter((pr) => state === "all" || pr.state === state)
    .sort((a, b) => b.number - a.number);
  return listReply(ctx, pulls, "/pulls", (pr) => shape.pullRequest(ctx.store, pr, false));
});

repoRoute("GET", "/pulls/:number", "pull_requests:read", (ctx) =>
  ok(shape.pullRequest(ctx.store, pullOf(ctx))),
);

repoRoute("GET", "/pulls/:number/files", "pull_requests:read", (ctx) => {
  const pr = pullOf(ctx);
  return listReply(ctx, pr.files.slice(0, MAX_PR_FILES), `/pulls/${pr.number}/files`, (f) =>
    shape.diffEntry(ctx.store, pr, f),
  );
});

repoRoute("GET", "/pulls/:number/commits", "pull_requests:read", (ctx) => {
  const pr = pullOf(ctx);
  return listReply(ctx, pr.commits.slice(0, MAX_PR_COMMITS), `/pulls/${pr.number}/commits`, (c) =>
    shape.commit(ctx.store, ctx.repo.fullName, c),
  );
});

repoRoute("GET", "/pulls/:number/reviews", "pull_requests:read", (ctx) => {
  const pr = pullOf(ctx);
  const submitted = pr.reviews.filter((r) => r.state !== "PENDING");
  return listReply(ctx, submitted, `/pulls/${pr.number}/reviews`, (r) => shape.review(ctx.store, pr, r));
});

/** GitHub's rule: the merged PR that introduced a default-branch commit, else the open and merged PRs with it. */
repoRoute("GET", "/commits/:sha/pulls", "pull_requests:read", (ctx) => {
  const sha = ctx.params.sha ?? "";
  const pulls = ctx.store.pullsForCommit(ctx.repo, sha);
  return listReply(ctx, pulls, `/commits/${sha}/pulls`, (pr) => shape.pullRequest(ctx.store, pr, false));
});

// ---- issues side of a PR: comments, timeline, labels ----

repoRoute("GET", "/issues/:number/comments", "issues|pull_requests:read", (ctx) => {
  const pr = pullOf(ctx);
  const since = ctx.request.query.get("since");
  const comments = since ? pr.comments.filter((c) => c.updatedAt >= since) : pr.comments;
  return listReply(ctx, comments, `/issues/${pr.number}/comments`, (c) =>
    shape.issueComment(ctx.store, pr, c),
  );
});

repoRoute("GET", "/issues/:number/timeline", "issues|pull_requests:read", (ctx) => {
  const pr = pullOf(ctx);
  return listReply(ctx, shape.timeline(ctx.store, pr), `/issues/${pr.number}/timeline`, (item) => item);
});

repoRoute("GET", "/issues/:number/labels", "issues|pull_requests:read", (ctx) => {
  const pr = pullOf(ctx);
  return listReply(ctx, pr.labels, `/issues/${pr.number}/labels`, (name) =>
    shape.label(ctx.store, pr.repo, name),
  );
});

repoRoute("POST", "/issues/:number/labels", "issues|pull_requests:write", (ctx) => {
  const pr = pullOf(ctx);
  const body = ctx.request.body;
  const raw = Array.isArray(body) ? body : (body as { labels?: unknown } | null)?.labels;
  if (!Array.isArray(raw) || raw.length === 0) throw invalidRequest(`"labels" wasn't supplied.`);
  const names = raw.map((item) =>
    typeof item === "object" && item !== null ? (item as { name?: unknown }).name : item,
  );
  if (names.some((n) => typeof n !== "string" || n.trim() === ""))
    throw invalidRequest("Labels must be non-empty strings.");
  for (const name of names as string[]) {
    if (pr.labels.includes(name)) continue;
    pr.labels.push(name);
    ctx.store.addTimelineEvent(pr, {
      kind: "labeled",
      actor: ctx.app.botLogin,
      label: name,
      viaAppId: ctx.app.id,
    });
  }
  return ok(pr.labels.map((name) => shape.label(ctx.store, pr.repo, name)));
});

repoRoute("DELETE", "/issues/:number/labels/:name", "issues|pull_requests:write", (ctx) => {
  const pr = pullOf(ctx);
  const name = ctx.params.name ?? "";
  const index = pr.labels.findIndex((l) => l.toLowerCase() === name.toLowerCase());
  if (index < 0) throw new HttpError(404, "Label does not exist");
  const [removed = name] = pr.labels.splice(index, 1);
  ctx.store.addTimelineEvent(pr, {
    kind: "unlabeled",
    actor: ctx.app.botLogin,
    label: removed,
    viaAppId: ctx.app.id,
  });
  return ok(pr.labels.map((l) => shape.label(ctx.store, pr.repo, l)));
});

function commentBody(ctx: RouteContext): string {
  const body = bodyObject(ctx).body;
  if (typeof body !== "string") throw invalidRequest(`"body" wasn't supplied.`);
  if (body.length > MAX_COMMENT) {
    throw new HttpError(422, "Validation Failed", {
      errors: [
        {
          resource: "IssueComment",
          code: "unprocessable",
          field: "data",
          message: "Body is too long (maximum is 65536 characters)",
        },
      ],
    });
  }
  return body;
}

repoRoute("POST", "/issues/:number/comments", "issues|pull_requests:write", (ctx) => {
  const pr = pullOf(ctx);
  const comment = ctx.store.addComment(pr, {
    author: ctx.app.botLogin,
    body: commentBody(ctx),
    viaAppId: ctx.app.id,
  });
  return { status: 201, body: shape.issueComment(ctx.store, pr, comment) };
});

repoRoute("GET", "/issues/comments/:id", "issues|pull_requests:read", (ctx) => {
  const found = ctx.store.findComment(ctx.repo, idParam(ctx, "id"));
  if (!found) throw notFound();
  return ok(shape.issueComment(ctx.store, found.pr, found.comment));
});

repoRoute("PATCH", "/issues/comments/:id", "issues|pull_requests:write", (ctx) => {
  const found = ctx.store.findComment(ctx.repo, idParam(ctx, "id"));
  if (!found) throw notFound();
  ctx.store.editComment(found.comment, commentBody(ctx), ctx.app.botLogin);
  return ok(shape.issueComment(ctx.store, found.pr, found.comment));
});

// ---- checks and statuses ----

repoRoute("GET", "/commits/:ref/check-runs", "checks:read", (ctx) => {
  const sha = resolveRef(ctx.store, ctx.repo, ctx.params.ref ?? "");
  const query = ctx.request.query;
  const name = query.get("check_name");
  const status = query.get("status");
  const appId = query.get("app_id");
  let runs = ctx.store
    .checkRunsFor(ctx.repo.fullName, sha)
    .filter((r) => (name === null || r.name === name) && (status === null || r.status === status))
    .filter((r) => appId === null || String(r.appId) === appId);
  if ((query.get("filter") ?? "latest") === "latest") {
    // The newest run per name and app, as GitHub's default `filter=latest`.
    const latest = new Map<string, (typeof runs)[number]>();
    for (const run of runs) latest.set(`${run.appId}:${run.name}`, run);
    runs = [...latest.values()];
  }
  runs = [...runs].sort((a, b) => b.id - a.id);
  const page = paginate(
    runs,
    query,
    `${ctx.store.urls.api}/repositories/${ctx.repo.id}/commits/${ctx.params.ref}/check-runs`,
  );
  return ok(
    { total_count: runs.length, check_runs: page.items.map((r) => shape.checkRun(ctx.store, r)) },
    page.link ? { link: page.link } : undefined,
  );
});

repoRoute("POST", "/check-runs", "checks:write", (ctx) => {
  const run = createCheckRun(ctx.store, ctx.repo, ctx.app.id, ctx.request.body);
  return { status: 201, body: shape.checkRun(ctx.store, run) };
});

function runOf(ctx: RepoContext) {
  const id = idParam(ctx, "id");
  const run = ctx.store.checkRuns.find((r) => r.id === id && r.repo === ctx.repo.fullName);
  if (!run) throw notFound();
  return run;
}

repoRoute("GET", "/check-runs/:id", "checks:read", (ctx) => ok(shape.checkRun(ctx.store, runOf(ctx))));

repoRoute("PATCH", "/check-runs/:id", "checks:write", (ctx) =>
  ok(shape.checkRun(ctx.store, updateCheckRun(ctx.store, runOf(ctx), ctx.app.id, ctx.request.body))),
);

repoRoute("POST", "/check-runs/:id/rerequest", "checks:write", (ctx) => {
  const run = runOf(ctx);
  run.rerequested += 1;
  return { status: 201, body: {} };
});

repoRoute("GET", "/commits/:ref/status", "statuses:read", (ctx) => {
  const sha = resolveRef(ctx.store, ctx.repo, ctx.params.ref ?? "");
  return ok(shape.combinedStatus(ctx.store, ctx.repo, sha));
});

repoRoute("GET", "/commits/:ref/statuses", "statuses:read", (ctx) => {
  const sha = resolveRef(ctx.store, ctx.repo, ctx.params.ref ?? "");
  const newestFirst = [...ctx.store.statusesFor(ctx.repo.fullName, sha)].reverse();
  return listReply(ctx, newestFirst, `/commits/${ctx.params.ref}/statuses`, (s) =>
    shape.status(ctx.store, s),
  );
});

const STATUS_STATES = ["error", "failure", "pending", "success"];

repoRoute("POST", "/statuses/:sha", "statuses:write", (ctx) => {
  const body = bodyObject(ctx);
  const state = body.state;
  if (typeof state !== "string" || !STATUS_STATES.includes(state)) {
    throw new HttpError(422, "Validation Failed", {
      errors: [
        { resource: "Status", code: "custom", field: "state", message: `state is not included in the list` },
      ],
    });
  }
  const sha = ctx.params.sha ?? "";
  if (!isSha(sha) || !ctx.store.hasCommit(ctx.repo, sha))
    throw new HttpError(422, `No commit found for SHA: ${sha}`);
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : undefined);
  const created = ctx.store.addStatus({
    repo: ctx.repo.fullName,
    sha,
    context: text("context") ?? "default",
    state: state as "error" | "failure" | "pending" | "success",
    creator: ctx.app.botLogin,
    ...(text("description") === undefined ? {} : { description: text("description") }),
    ...(text("target_url") === undefined ? {} : { targetUrl: text("target_url") }),
  });
  return { status: 201, body: shape.status(ctx.store, created) };
});

function isSha(sha: string): boolean {
  return /^[0-9a-f]{40}$/i.test(sha);
}

// ---- contents ----

repoRoute("GET", "/contents/*path", "contents:read", (ctx) => {
  const ref = ctx.request.query.get("ref") ?? ctx.repo.defaultBranch;
  const at = ctx.store.filesAt(ctx.repo, ref);
  if (!at) throw new HttpError(404, `No commit found for the ref ${ref}`);
  const path = (ctx.params.path ?? "").replace(/^\/+|\/+$/g, "");
  const text = at.files.get(path);
  if (text === undefined) {
    const prefix = `${path}/`;
    const entries = [...at.files.keys()].filter((p) => p.startsWith(prefix));
    if (entries.length === 0) throw notFound();
    const names = [...new Set(entries.map((p) => p.slice(prefix.length).split("/")[0] ?? ""))].sort();
    return ok(
      names.map((name) => {
        const child = `${prefix}${name}`;
        return shape.contentEntry(ctx.store, ctx.repo, child, at.files.get(child) ?? null, ref);
      }),
    );
  }
  const accept = String(ctx.request.headers.accept ?? "");
  if (/\bvnd\.github(\.v3)?\.raw\b/.test(accept)) {
    return { status: 200, text, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
  }
  return ok(shape.contents(ctx.store, ctx.repo, path, text, ref));
});

// ---- people ----

const LEGACY_PERMISSION: Record<string, string> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
};

repoRoute("GET", "/collaborators/:username/permission", "metadata:read", (ctx) => {
  const username = ctx.params.username ?? "";
  const account = ctx.store.findAccount(username);
  if (!account) throw new HttpError(404, `${username} is not a user`);
  const role = ctx.store.permissionOf(ctx.repo, account.login);
  // Decision for non-collaborators: "none" on private repos, "read" on public ones (anyone can read them).
  const roleName = role ?? (ctx.repo.private ? "none" : "read");
  const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(roleName);
  return ok({
    permission: LEGACY_PERMISSION[roleName] ?? "none",
    role_name: roleName,
    user: {
      ...shape.simpleUser(ctx.store, account.login),
      permissions: {
        admin: rank >= 5,
        maintain: rank >= 4,
        push: rank >= 3,
        triage: rank >= 2,
        pull: rank >= 1,
      },
      role_name: roleName,
    },
  });
});

routes.push(
  compile("GET", "/orgs/:org/teams/:slug/memberships/:username", (ctx) => {
    const { installation, token } = requireInstallation(ctx.caller);
    const org = ctx.params.org ?? "";
    if (installation.account.toLowerCase() !== org.toLowerCase()) throw notFound();
    if (!hasPermission(token.permissions, "members:read")) throw forbiddenIntegration();
    const team = ctx.store.findTeam(org, ctx.params.slug ?? "");
    const member = team?.members.get((ctx.params.username ?? "").toLowerCase());
    if (!team || !member) throw notFound();
    return ok({
      url: `${ctx.store.urls.api}/organizations/${installation.account}/team/${team.id}/memberships/${ctx.params.username}`,
      role: member.role,
      state: member.state,
    });
  }),
);

// ---- deployments: custom deployment protection rules ----

const REVIEW_STATES = ["approved", "rejected"];
/** GitHub documents status reports as up to 1024 characters and at most 10 per deployment. */
const MAX_DEPLOYMENT_COMMENT = 1024;
const MAX_STATUS_REPORTS = 10;

/**
 * The `deployment_callback_url` of a `deployment_protection_rule` webhook. The app approves or rejects its
 * own rule for one environment of the run, or (without `state`) posts a status report. 204 on success.
 */
repoRoute("POST", "/actions/runs/:run_id/deployment_protection_rule", "deployments:write", (ctx) => {
  const runId = idParam(ctx, "run_id");
  if (!ctx.store.hasRun(ctx.repo, runId)) throw notFound();
  const body = bodyObject(ctx);
  const { environment_name: environment, state, comment } = body;
  if (environment === undefined) throw invalidRequest(`"environment_name" wasn't supplied.`);
  if (typeof environment !== "string")
    throw invalidRequest(`For 'environment_name', ${JSON.stringify(environment)} is not a string.`);
  if (state === undefined && comment === undefined) {
    throw invalidRequest(
      `No subschema in "anyOf" matched.\n"state" wasn't supplied.\n"comment" wasn't supplied.`,
    );
  }
  if (state !== undefined && (typeof state !== "string" || !REVIEW_STATES.includes(state))) {
    throw invalidRequest(`For 'state', ${JSON.stringify(state)} is not one of ${REVIEW_STATES.join(", ")}.`);
  }
  if (comment !== undefined && comment !== null && typeof comment !== "string")
    throw invalidRequest(`For 'comment', ${JSON.stringify(comment)} is not a string.`);
  const text = typeof comment === "string" ? comment : null;
  if (text !== null && text.length > MAX_DEPLOYMENT_COMMENT) {
    throw invalidRequest(
      `Only ${MAX_DEPLOYMENT_COMMENT} characters are allowed for 'comment'; ${text.length} were supplied.`,
    );
  }
  // GitHub Apps can only review their own custom deployment protection rules.
  const request = ctx.store.deploymentRequests.find(
    (r) =>
      r.repo === ctx.repo.fullName &&
      r.runId === runId &&
      r.appId === ctx.app.id &&
      r.environment.toLowerCase() === environment.toLowerCase(),
  );
  if (!request) {
    throw new HttpError(
      422,
      `No pending custom deployment protection rule of this app for environment '${environment}' on run ${runId}.`,
    );
  }
  if (request.state !== "pending") {
    throw new HttpError(
      422,
      `The deployment protection rule for environment '${request.environment}' was already ${request.state}.`,
    );
  }
  if (state === undefined && request.reviews.filter((r) => r.state === null).length >= MAX_STATUS_REPORTS) {
    throw new HttpError(
      422,
      `No more than ${MAX_STATUS_REPORTS} status reports are allowed for a deployment.`,
    );
  }
  const { installation } = requireInstallation(ctx.caller);
  const review = {
    repo: ctx.repo.fullName,
    runId,
    environment: request.environment,
    state: (state ?? null) as "approved" | "rejected" | null,
    comment: text,
    appId: ctx.app.id,
    installationId: installation.id,
    at: ctx.store.now(),
  };
  request.reviews.push(review);
  ctx.store.deploymentReviews.push(review);
  if (review.state) request.state = review.state;
  return { status: 204 };
});

// ---- deployments and their statuses ----

/** Newest first, filtered by `sha`, `ref`, `task` and `environment` as GitHub's list is. */
repoRoute("GET", "/deployments", "deployments:read", (ctx) => {
  const query = ctx.request.query;
  // Commit ids and environment names compare without case (GitHub's environments are case-insensitive).
  const filters: [string, (d: DeploymentRecord) => string, boolean][] = [
    ["sha", (d) => d.sha, true],
    ["ref", (d) => d.ref, false],
    ["task", (d) => d.task, false],
    ["environment", (d) => d.environment, true],
  ];
  const same = (a: string, b: string, anyCase: boolean) =>
    anyCase ? a.toLowerCase() === b.toLowerCase() : a === b;
  const deployments = ctx.store.deployments
    .filter((d) => d.repo === ctx.repo.fullName)
    .filter((d) =>
      filters.every(([key, field, anyCase]) => {
        const wanted = query.get(key);
        return wanted === null || wanted === "" || same(field(d), wanted, anyCase);
      }),
    )
    .sort((a, b) => b.id - a.id);
  return listReply(ctx, deployments, "/deployments", (d) => shape.deployment(ctx.store, d));
});

repoRoute("GET", "/deployments/:deployment_id/statuses", "deployments:read", (ctx) => {
  const id = idParam(ctx, "deployment_id");
  const deployment = ctx.store.deployments.find((d) => d.id === id && d.repo === ctx.repo.fullName);
  if (!deployment) throw notFound();
  const newestFirst = [...ctx.store.deploymentStatusesOf(id)].sort((a, b) => b.id - a.id);
  return listReply(ctx, newestFirst, `/deployments/${id}/statuses`, (s) =>
    shape.deploymentStatus(ctx.store, s),
  );
});

// ---- comparing commits ----

/** GitHub lists at most 250 commits of a comparison unless the request paginates them. */
export const MAX_COMPARE_COMMITS = 250;

/**
 * `BASE...HEAD`, each a branch or a (possibly abbreviated) commit id: the commits reachable from HEAD and
 * not from BASE, oldest first, over the store's commit graph. Unknown refs are 404, unrelated histories 404.
 */
repoRoute("GET", "/compare/*basehead", "contents:read", (ctx) => {
  const basehead = ctx.params.basehead ?? "";
  const split = basehead.indexOf("...");
  if (split <= 0) throw notFound();
  const baseRef = basehead.slice(0, split);
  const headRef = basehead.slice(split + 3);
  const base = ctx.store.resolveCommit(ctx.repo, baseRef);
  const head = ctx.store.resolveCommit(ctx.repo, headRef);
  if (!base || !head) throw notFound();
  const result = ctx.store.compareCommits(ctx.repo, base.sha, head.sha);
  if (!result) throw new HttpError(404, `No common ancestor between ${baseRef} and ${headRef}.`);
  const query = ctx.request.query;
  let commits = result.commits.slice(0, MAX_COMPARE_COMMITS);
  let headers: Record<string, string> | undefined;
  if (query.has("page") || query.has("per_page")) {
    const linkBase = `${ctx.store.urls.api}/repositories/${ctx.repo.id}/compare/${basehead}`;
    const page = paginate(result.commits, query, linkBase);
    commits = page.items;
    if (page.link) headers = { link: page.link };
  }
  return ok(
    shape.comparison(ctx.store, ctx.repo, basehead, {
      ...result,
      base,
      head,
      totalCommits: result.aheadBy,
      commits,
    }),
    headers,
  );
});

// ---- branch protection and rulesets ----

/** A branch protected only by a ruleset is "not protected" here, as on GitHub. */
repoRoute("GET", "/branches/*branch/protection", "administration:read", (ctx) => {
  const branch = ctx.params.branch ?? "";
  if (!ctx.repo.branches.has(branch)) throw new HttpError(404, "Branch not found");
  const protection = ctx.store.branchProtectionFor(ctx.repo.fullName, branch);
  if (!protection) throw new HttpError(404, "Branch not protected");
  return ok(shape.branchProtection(ctx.store, ctx.repo, branch, protection));
});

/** Every rule of every `active` ruleset that picks the branch (which need not exist); evaluate/disabled are left out. */
repoRoute("GET", "/rules/branches/*branch", "metadata:read", (ctx) => {
  const branch = ctx.params.branch ?? "";
  const rules = ctx.store
    .activeRulesetsForBranch(ctx.repo.fullName, branch)
    .flatMap((r) => r.rules.map((rule) => ({ r, rule })));
  return listReply(ctx, rules, `/rules/branches/${encodeURIComponent(branch)}`, ({ r, rule }) =>
    shape.branchRule(r, rule),
  );
});

function includesParents(ctx: RouteContext): boolean {
  return ctx.request.query.get("includes_parents") !== "false";
}

/** `current_user_can_bypass` for the calling app: its `Integration` bypass actor, if any. */
function appCanBypass(ruleset: RulesetRecord, app: App): string {
  const actor = ruleset.bypassActors.find((a) => a.actor_type === "Integration" && a.actor_id === app.id);
  if (!actor) return "never";
  return actor.bypass_mode === "pull_request" ? "pull_requests_only" : actor.bypass_mode;
}

/** `bypass_actors` is shown only to callers with write access to the ruleset (repo or org administration). */
function mayEditRuleset(ctx: RepoContext, ruleset: RulesetRecord): boolean {
  const { installation, token } = requireInstallation(ctx.caller);
  if (!tokenCovers(token, installation, ctx.repo)) return false;
  const need =
    ruleset.sourceType === "Repository" ? "administration:write" : "organization_administration:write";
  return hasPermission(token.permissions, need);
}

repoRoute("GET", "/rulesets", "metadata:read", (ctx) => {
  const targets = ctx.request.query
    .get("targets")
    ?.split(",")
    .map((t) => t.trim());
  const rulesets = ctx.store
    .rulesetsFor(ctx.repo.fullName, includesParents(ctx))
    .filter((r) => !targets || targets.includes(r.target));
  return listReply(ctx, rulesets, "/rulesets", (r) =>
    shape.ruleset(ctx.store, r, { bypassActors: false, summary: true }),
  );
});

repoRoute("GET", "/rulesets/:id", "metadata:read", (ctx) => {
  const id = idParam(ctx, "id");
  const ruleset = ctx.store.rulesetsFor(ctx.repo.fullName, includesParents(ctx)).find((r) => r.id === id);
  if (!ruleset) throw notFound();
  return ok(
    shape.ruleset(ctx.store, ruleset, {
      bypassActors: mayEditRuleset(ctx, ruleset),
      currentUserCanBypass: appCanBypass(ruleset, ctx.app),
    }),
  );
});

/** Maps `/repositories/{id}/…` (the form GitHub's pagination links use) to `/repos/{owner}/{name}/…`. */
export function canonicalPath(store: Store, path: string): string {
  const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
  if (!byId) return path;
  const repo = store.repoById(Number(byId[1]));
  return repo ? `/repos/${repo.fullName}${byId[2] ?? ""}` : path;
}

export function findRoute(method: string, path: string): Match<Handler> | null {
  return match(routes, method, path);
}
