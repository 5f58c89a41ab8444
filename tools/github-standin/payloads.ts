/**
 * Webhook payloads for the store's PRs. Each starts from a real example in @octokit/webhooks-examples for the
 * same event and action (so top-level fields GitHub sends are all there), then every field is replaced with
 * data rendered from the store; fields about the example's own world (a label, an assignee) are dropped
 * unless this delivery has them.
 */
import { createRequire } from "node:module";
import { nodeId } from "./ids.js";
import * as shape from "./rest/shapes.js";
import type {
  BranchProtectionRecord,
  DeploymentProtectionRequest,
  PullRequestRecord,
  PushResult,
  Repo,
  RulesetRecord,
  Store,
} from "./store.js";

type Json = Record<string, unknown>;

interface ExampleGroup {
  name: string;
  examples: Json[];
}

const require = createRequire(import.meta.url);
let examples: ExampleGroup[] | undefined;

function example(name: string, action?: string): Json {
  examples ??= require("@octokit/webhooks-examples") as ExampleGroup[];
  const group = examples.find((g) => g.name === name);
  const candidates = (group?.examples ?? []).filter((e) => action === undefined || e.action === action);
  const chosen = candidates.find((e) => e.installation) ?? candidates[0];
  if (!chosen)
    throw new Error(
      `stand-in: @octokit/webhooks-examples has no ${name}${action ? `.${action}` : ""} example`,
    );
  return structuredClone(chosen);
}

/** Keys that describe the example's own event (its label, its assignee…), never carried over. */
const EVENT_SPECIFIC = [
  "label",
  "assignee",
  "requested_reviewer",
  "requested_team",
  "changes",
  "before",
  "after",
  "requested_action",
];

function build(store: Store, repo: Repo, sender: string, template: Json, fill: Json): Json {
  const payload: Json = { ...template };
  for (const key of EVENT_SPECIFIC) delete payload[key];
  delete payload.organization;
  const owner = store.account(repo.owner);
  Object.assign(payload, fill, {
    repository: shape.repository(store, repo),
    sender: shape.simpleUser(store, sender),
  });
  if (repo.installationId !== null) {
    payload.installation = {
      id: repo.installationId,
      node_id: nodeId("Integration::Installation", repo.installationId),
    };
  } else {
    delete payload.installation;
  }
  if (owner.type === "Organization") payload.organization = organization(store, owner.login);
  return payload;
}

function organization(store: Store, login: string): Json {
  const account = store.account(login);
  const api = `${store.urls.api}/orgs/${login}`;
  return {
    login,
    id: account.id,
    node_id: nodeId("Organization", account.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${store.urls.web}/avatars/u/${account.id}?v=4`,
    description: null,
  };
}

function pullOf(store: Store, repoName: string, number: number): { repo: Repo; pr: PullRequestRecord } {
  const repo = store.repo(repoName);
  return { repo, pr: store.pull(repoName, number) };
}

export interface PullRequestEventExtra {
  /** labeled / unlabeled: the label. */
  label?: string;
  /** assigned / unassigned. */
  assignee?: string;
  /** review_requested / review_request_removed. */
  requestedReviewer?: string;
  /** synchronize: the previous head; the head commit's parent when omitted. */
  before?: string;
}

/** `pull_request` with any action (opened, synchronize, labeled, auto_merge_enabled, …). */
export function pullRequest(
  store: Store,
  repoName: string,
  number: number,
  action: string,
  sender: string,
  extra: PullRequestEventExtra = {},
): Json {
  const { repo, pr } = pullOf(store, repoName, number);
  const fill: Json = { action, number: pr.number, pull_request: shape.pullRequest(store, pr) };
  if (extra.label !== undefined) fill.label = shape.label(store, repo.fullName, extra.label);
  if (extra.assignee !== undefined) fill.assignee = shape.simpleUser(store, extra.assignee);
  if (extra.requestedReviewer !== undefined)
    fill.requested_reviewer = shape.simpleUser(store, extra.requestedReviewer);
  if (action === "synchronize") {
    fill.before = extra.before ?? pr.commits.at(-1)?.parents[0] ?? pr.base.sha;
    fill.after = pr.head.sha;
  }
  const template = tryExample("pull_request", action) ?? example("pull_request", "opened");
  return build(store, repo, sender, template, fill);
}

function tryExample(name: string, action: string): Json | undefined {
  try {
    return example(name, action);
  } catch {
    return undefined;
  }
}

/** `pull_request_review` (submitted, edited, dismissed) for a review in the store; the sender is its author by default. */
export function pullRequestReview(
  store: Store,
  repoName: string,
  number: number,
  reviewId: number,
  action = "submitted",
  sender?: string,
): Json {
  const { repo, pr } = pullOf(store, repoName, number);
  const review = pr.reviews.find((r) => r.id === reviewId);
  if (!review) throw new Error(`stand-in: no review ${reviewId} on ${repoName}#${number}`);
  const template = tryExample("pull_request_review", action) ?? example("pull_request_review", "submitted");
  return build(store, repo, sender ?? review.author, template, {
    action,
    review: shape.review(store, pr, review, true),
    pull_request: shape.pullRequest(store, pr, false),
  });
}

/** `issue_comment` (created, edited, deleted) on a PR; `previousBody` fills `changes` of an edit. */
export function issueComment(
  store: Store,
  repoName: string,
  number: number,
  commentId: number,
  action = "created",
  sender?: string,
  previousBody?: string,
): Json {
  const { repo, pr } = pullOf(store, repoName, number);
  const comment = pr.comments.find((c) => c.id === commentId);
  if (!comment) throw new Error(`stand-in: no comment ${commentId} on ${repoName}#${number}`);
  const fill: Json = {
    action,
    issue: shape.issue(store, pr),
    comment: shape.issueComment(store, pr, comment),
  };
  if (previousBody !== undefined) fill.changes = { body: { from: previousBody } };
  return build(
    store,
    repo,
    sender ?? comment.editor ?? comment.author,
    example("issue_comment", action),
    fill,
  );
}

/** `check_run` (created, completed, rerequested, requested_action); `requestedAction` is the button's identifier. */
export function checkRun(
  store: Store,
  repoName: string,
  checkRunId: number,
  action: string,
  sender: string,
  requestedAction?: string,
): Json {
  const repo = store.repo(repoName);
  const run = store.checkRuns.find((r) => r.id === checkRunId && r.repo === repo.fullName);
  if (!run) throw new Error(`stand-in: no check run ${checkRunId} in ${repoName}`);
  const suite = store.checkSuites.find((s) => s.id === run.checkSuiteId);
  const fill: Json = {
    action,
    check_run: { ...shape.checkRun(store, run), check_suite: suite ? shape.checkSuite(store, suite) : null },
  };
  if (requestedAction !== undefined) fill.requested_action = { identifier: requestedAction };
  return build(
    store,
    repo,
    sender,
    tryExample("check_run", action) ?? example("check_run", "completed"),
    fill,
  );
}

/** `check_suite` (completed, requested, rerequested). */
export function checkSuite(
  store: Store,
  repoName: string,
  suiteId: number,
  action: string,
  sender: string,
): Json {
  const repo = store.repo(repoName);
  const suite = store.checkSuites.find((s) => s.id === suiteId && s.repo === repo.fullName);
  if (!suite) throw new Error(`stand-in: no check suite ${suiteId} in ${repoName}`);
  const head = store.findCommit(repo, suite.headSha);
  const checkSuite = {
    ...shape.checkSuite(store, suite),
    head_commit: head
      ? {
          id: head.sha,
          tree_id: head.sha,
          message: head.message,
          timestamp: head.committer.date,
          author: { name: head.author.name, email: head.author.email },
          committer: { name: head.committer.name, email: head.committer.email },
        }
      : null,
  };
  return build(
    store,
    repo,
    sender,
    tryExample("check_suite", action) ?? example("check_suite", "completed"),
    {
      action,
      check_suite: checkSuite,
    },
  );
}

/** `status` for a commit status in the store; the sender is its creator. */
export function status(store: Store, repoName: string, statusId: number): Json {
  const repo = store.repo(repoName);
  const s = store.statuses.find((x) => x.id === statusId && x.repo === repo.fullName);
  if (!s) throw new Error(`stand-in: no status ${statusId} in ${repoName}`);
  const head = store.findCommit(repo, s.sha);
  const branches = [...repo.branches.values()]
    .filter((b) => b.oid === s.sha)
    .map((b) => ({
      name: b.name,
      commit: { sha: b.oid, url: `${store.urls.api}/repos/${repo.fullName}/commits/${b.oid}` },
      protected: false,
    }));
  const rendered = shape.status(store, s, false);
  return build(store, repo, s.creator, example("status"), {
    id: s.id,
    sha: s.sha,
    name: repo.fullName,
    target_url: s.targetUrl,
    avatar_url: rendered.avatar_url,
    context: s.context,
    description: s.description,
    state: s.state,
    commit: head ? shape.commit(store, repo.fullName, head) : null,
    branches,
    created_at: s.createdAt,
    updated_at: s.createdAt,
  });
}

/** `push` for a result of `store.commitToBranch`, e.g. a policy change on the default branch. */
export function push(store: Store, result: PushResult, sender: string): Json {
  const repo = store.repo(result.repo);
  const c = result.commit;
  const pusher = store.account(sender);
  const commit = {
    id: c.sha,
    tree_id: c.sha,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    url: `${store.urls.web}/${repo.fullName}/commit/${c.sha}`,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
    added: result.added,
    removed: result.removed,
    modified: result.modified,
  };
  return build(store, repo, sender, example("push"), {
    ref: result.ref,
    before: result.before,
    after: result.after,
    created: /^0+$/.test(result.before),
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${store.urls.web}/${repo.fullName}/compare/${result.before.slice(0, 12)}...${result.after.slice(0, 12)}`,
    commits: [commit],
    head_commit: commit,
    pusher: { name: pusher.login, email: `${pusher.id}+${pusher.login}@users.noreply.github.com` },
  });
}

/** The installation of `appId` that covers the repository's owner, as `{ id, node_id }`. */
function installationOf(store: Store, repo: Repo, appId: number): Json | undefined {
  const id =
    appId === store.appId
      ? repo.installationId
      : ([...store.installations.values()].find(
          (i) => i.appId === appId && i.account.toLowerCase() === repo.owner.toLowerCase(),
        )?.id ?? null);
  return id === null ? undefined : { id, node_id: nodeId("Integration::Installation", id) };
}

/**
 * `deployment_protection_rule` (action `requested`), sent to the app whose custom rule gates the
 * environment. @octokit/webhooks-examples has no example of it, so the payload follows GitHub's schema:
 * `sha` and `ref` are the run's (present even without a deployment), `deployment` may be null, and
 * `pull_requests` are the open same-repository PRs whose head is that commit.
 */
export function deploymentProtectionRule(
  store: Store,
  request: DeploymentProtectionRequest | { request: DeploymentProtectionRequest },
): Json {
  const r = "request" in request ? request.request : request;
  const repo = store.repo(r.repo);
  const deployment =
    r.deploymentId === null ? undefined : store.deployments.find((d) => d.id === r.deploymentId);
  const pulls = [...repo.pulls.values()].filter(
    (pr) => pr.state === "open" && pr.head.sha === r.sha && pr.head.repo === repo.fullName,
  );
  const payload = build(
    store,
    repo,
    r.sender,
    {},
    {
      action: "requested",
      environment: r.environment,
      event: r.event,
      sha: r.sha,
      ref: r.ref,
      deployment_callback_url: store.deploymentCallbackUrl(r),
      deployment: deployment ? shape.deployment(store, deployment) : null,
      pull_requests: pulls.map((pr) => shape.pullRequest(store, pr)),
    },
  );
  const installation = installationOf(store, repo, r.appId);
  if (installation) payload.installation = installation;
  else delete payload.installation;
  return payload;
}

/**
 * `branch_protection_rule` (created, edited, deleted) for a rule from `store.protectBranch` (keep the
 * record for `deleted`). The `rule` is GitHub's flat webhook shape, not the REST one; `changes` is
 * `{ field: { from } }` for `edited`.
 */
export function branchProtectionRule(
  store: Store,
  rule: BranchProtectionRecord,
  action: "created" | "edited" | "deleted",
  sender: string,
  changes?: Record<string, { from: unknown }>,
): Json {
  const repo = store.repo(rule.repo);
  const fill: Json = { action, rule: shape.branchProtectionRule(store, rule) };
  if (changes !== undefined) fill.changes = changes;
  return build(store, repo, sender, example("branch_protection_rule", action), fill);
}

/**
 * `repository_ruleset` (created, edited, deleted) for a ruleset from `store.addRuleset` (keep the record
 * for `deleted`). An organization ruleset's delivery has no `repository`. `changes` follows GitHub's
 * `{ name?: { from }, enforcement?: { from }, conditions?: …, rules?: … }` for `edited`.
 */
export function repositoryRuleset(
  store: Store,
  ruleset: RulesetRecord,
  action: "created" | "edited" | "deleted",
  sender: string,
  changes?: Json,
): Json {
  const fill: Json = {
    action,
    repository_ruleset: shape.ruleset(store, ruleset, { bypassActors: true }),
  };
  if (changes !== undefined) fill.changes = changes;
  if (ruleset.sourceType === "Repository") {
    return build(store, store.repo(ruleset.source), sender, {}, fill);
  }
  const installation = [...store.installations.values()].find(
    (i) => i.appId === store.appId && i.account.toLowerCase() === ruleset.source.toLowerCase(),
  );
  return {
    ...fill,
    organization: organization(store, ruleset.source),
    ...(installation
      ? {
          installation: {
            id: installation.id,
            node_id: nodeId("Integration::Installation", installation.id),
          },
        }
      : {}),
    sender: shape.simpleUser(store, sender),
  };
}
