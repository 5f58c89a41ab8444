import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_APP_PERMISSIONS,
  payloads,
  type Repo,
  type StandIn,
  startStandIn,
} from "../../tools/github-standin/index.js";
import { type Client, installationClient, installationToken } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions, not by static types.
type Answer = any;

let standIn: StandIn;
let repo: Repo;
let gh: Client;
let token: string;

/** The app as a custom deployment protection rule needs it: Actions read, Deployments read and write. */
const GATE_PERMISSIONS = { ...DEFAULT_APP_PERMISSIONS, actions: "read", deployments: "write" } as const;

beforeAll(async () => {
  standIn = await startStandIn();
  const { store } = standIn;
  store.addApp({ id: 15368, slug: "github-actions", name: "GitHub Actions", owner: "github" });
  store.addInstallation({ account: "acme", permissions: { ...GATE_PERMISSIONS } });
  repo = store.addRepo({
    owner: "acme",
    name: "shop",
    files: { "README.md": "# shop\n", "src/app.ts": "old\n" },
    collaborators: { maya: "admin", alice: "write" },
  });
  gh = await installationClient(standIn, repo.installationId ?? 0);
  token = await installationToken(standIn, repo.installationId ?? 0);
});
afterAll(() => standIn.close());

async function call(method: string, path: string, body?: unknown, as = token) {
  const response = await fetch(`${standIn.baseUrl}${path}`, {
    method,
    headers: { authorization: `token ${as}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer) : undefined };
}

const review = (runId: number, body: unknown, as?: string) =>
  call("POST", `/repos/acme/shop/actions/runs/${runId}/deployment_protection_rule`, body, as);

function deploy(environment = "production", extra: Record<string, unknown> = {}) {
  const main = repo.branches.get("main")?.oid ?? "";
  return standIn.store.requestDeployment(repo.fullName, {
    environment,
    sha: main,
    ref: "main",
    creator: "maya",
    ...extra,
  });
}

describe("deployment_protection_rule webhook", () => {
  it("renders GitHub's requested payload: top-level sha and ref, callback URL, deployment, PRs", () => {
    const { store } = standIn;
    const pr = store.addPullRequest(repo.fullName, { title: "Preview", author: "alice", head: "preview" });
    const gate = store.requestDeployment(repo.fullName, {
      environment: "preview",
      sha: pr.head.sha,
      ref: "preview",
      creator: "alice",
      event: "pull_request",
    });
    const payload: Answer = payloads.deploymentProtectionRule(store, gate);
    expect(payload).toMatchObject({
      action: "requested",
      environment: "preview",
      event: "pull_request",
      sha: pr.head.sha,
      ref: "preview",
      deployment_callback_url: `${standIn.baseUrl}/repos/acme/shop/actions/runs/${gate.runId}/deployment_protection_rule`,
      deployment: {
        id: gate.deployment?.id,
        url: `${standIn.baseUrl}/repos/acme/shop/deployments/${gate.deployment?.id}`,
        sha: pr.head.sha,
        ref: "preview",
        task: "deploy",
        environment: "preview",
        original_environment: "preview",
        creator: { login: "alice", type: "User" },
        production_environment: false,
        transient_environment: false,
        performed_via_github_app: { slug: "github-actions" },
        payload: {},
      },
      repository: { full_name: "acme/shop" },
      organization: { login: "acme" },
      installation: { id: repo.installationId },
      sender: { login: "alice" },
    });
    expect(payload.pull_requests.map((p: Answer) => p.number)).toEqual([pr.number]);
    expect(gate.callbackUrl).toBe(payload.deployment_callback_url);
    expect(gate.request).toMatchObject({ state: "pending", environment: "preview", appId: standIn.appId });
  });

  it("has deployment null when the run made none, and the production flag for production", () => {
    const none = payloads.deploymentProtectionRule(standIn.store, deploy("staging", { deployment: false }));
    expect(none.deployment).toBeNull();
    expect(none.sha).toBe(repo.branches.get("main")?.oid);
    const prod: Answer = payloads.deploymentProtectionRule(
      standIn.store,
      deploy("production", { event: "workflow_dispatch" }),
    );
    expect(prod).toMatchObject({ event: "workflow_dispatch", deployment: { production_environment: true } });
    expect(prod.pull_requests).toEqual([]);
  });
});

describe("POST …/actions/runs/{run_id}/deployment_protection_rule", () => {
  it("approves with 204 (also at the callback URL as is) and records the review", async () => {
    const gate = deploy();
    const response = await gh.request({
      method: "POST",
      url: gate.callbackUrl,
      environment_name: "production",
      state: "approved",
      comment: "Policy passed.",
    });
    expect(response.status).toBe(204);
    expect(gate.request.state).toBe("approved");
    expect(standIn.store.deploymentReviews.at(-1)).toMatchObject({
      repo: "acme/shop",
      runId: gate.runId,
      environment: "production",
      state: "approved",
      comment: "Policy passed.",
      appId: standIn.appId,
      installationId: repo.installationId,
    });
    expect(gate.request.reviews).toHaveLength(1);
  });

  it("rejects, and a second answer to the same request is 422", async () => {
    const gate = deploy();
    expect((await review(gate.runId, { environment_name: "production", state: "rejected" })).status).toBe(
      204,
    );
    expect(gate.request.state).toBe("rejected");
    expect(gate.request.reviews[0]).toMatchObject({ state: "rejected", comment: null });
    const again = await review(gate.runId, { environment_name: "production", state: "approved" });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ status: "422", documentation_url: expect.any(String) });
    expect(again.body.message).toMatch(/already rejected/);
    expect(gate.request.state).toBe("rejected");
  });

  it("takes status reports (a comment without state) and leaves the rule pending", async () => {
    const gate = deploy();
    const report = await review(gate.runId, { environment_name: "production", comment: "Scanning…" });
    expect(report.status).toBe(204);
    expect(gate.request.state).toBe("pending");
    expect(gate.request.reviews[0]).toMatchObject({ state: null, comment: "Scanning…" });
    expect((await review(gate.runId, { environment_name: "production", state: "approved" })).status).toBe(
      204,
    );
    expect(gate.request.state).toBe("approved");
  });

  it("answers 404 for an unknown run and 422 for an environment the run does not wait on", async () => {
    const gate = deploy();
    const unknown = await review(gate.runId + 999, { environment_name: "production", state: "approved" });
    expect(unknown).toMatchObject({ status: 404, body: { message: "Not Found" } });
    const other = await review(gate.runId, { environment_name: "staging", state: "approved" });
    expect(other.status).toBe(422);
    expect(other.body.message).toMatch(/staging/);
    expect(gate.request.state).toBe("pending");
  });

  it("refuses invalid bodies with GitHub's 422 Invalid request", async () => {
    const gate = deploy();
    const bad = await review(gate.runId, { environment_name: "production", state: "maybe" });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe(
      `Invalid request.\n\nFor 'state', "maybe" is not one of approved, rejected.`,
    );
    const empty = await review(gate.runId, { environment_name: "production" });
    expect(empty.status).toBe(422);
    expect(empty.body.message).toMatch(/^Invalid request\./);
    const noEnvironment = await review(gate.runId, { state: "approved" });
    expect(noEnvironment.body.message).toBe(`Invalid request.\n\n"environment_name" wasn't supplied.`);
    const long = await review(gate.runId, { environment_name: "production", comment: "x".repeat(1025) });
    expect(long.status).toBe(422);
    expect(gate.request.reviews).toHaveLength(0);
  });

  it("lets an app answer only its own rule", async () => {
    const { store } = standIn;
    const other = store.addApp({ id: 777, slug: "other-gate" });
    const gate = deploy("production", { appId: other.id });
    const response = await review(gate.runId, { environment_name: "production", state: "approved" });
    expect(response.status).toBe(422);
    expect(gate.request.state).toBe("pending");
  });

  it("needs deployments:write: 403 Resource not accessible by integration", async () => {
    const { store } = standIn;
    // An installation that has not accepted the deployments permission.
    const { deployments: _, ...without } = DEFAULT_APP_PERMISSIONS;
    store.addInstallation({ account: "globex", permissions: without });
    const plain = store.addRepo({ owner: "globex", name: "site" });
    const gate = store.requestDeployment(plain.fullName, {
      environment: "production",
      sha: plain.branches.get("main")?.oid ?? "",
      ref: "main",
      creator: "maya",
    });
    const plainToken = await installationToken(standIn, plain.installationId ?? 0);
    const response = await call(
      "POST",
      `/repos/globex/site/actions/runs/${gate.runId}/deployment_protection_rule`,
      { environment_name: "production", state: "approved" },
      plainToken,
    );
    expect(response).toMatchObject({
      status: 403,
      body: { message: "Resource not accessible by integration" },
    });
    expect(gate.request.state).toBe("pending");
  });

  it("keeps several environments of one run apart", async () => {
    const first = deploy("staging");
    const second = deploy("production", { runId: first.runId });
    expect((await review(first.runId, { environment_name: "production", state: "approved" })).status).toBe(
      204,
    );
    expect(second.request.state).toBe("approved");
    expect(first.request.state).toBe("pending");
    expect(() => deploy("staging", { runId: first.runId })).toThrow(/already waits/);
  });
});

describe("merging a pull request", () => {
  function openPr(head: string, commits = 1) {
    return standIn.store.addPullRequest(repo.fullName, {
      title: `Change ${head}`,
      author: "alice",
      head,
      commits: Array.from({ length: commits }, (_, i) => ({ message: `${head} ${i}`, author: "alice" })),
      files: [{ filename: "src/app.ts", patch: "@@ -1 +1 @@\n-old\n+new" }],
      headFiles: { "src/app.ts": `${head}\n` },
    });
  }

  const pullsOf = async (sha: string) =>
    (
      await gh.rest.repos.listPullRequestsAssociatedWithCommit({
        owner: "acme",
        repo: "shop",
        commit_sha: sha,
      })
    ).data.map((p) => p.number);

  it("merge: a merge commit with two parents, the PR closed and merged in REST and GraphQL", async () => {
    const { store } = standIn;
    const pr = openPr("feature-merge", 2);
    const before = repo.branches.get("main")?.oid ?? "";
    const head = store.mergePull(pr, { by: "maya", method: "merge" });
    expect(repo.branches.get("main")?.oid).toBe(head);
    const commit = store.findCommit(repo, head);
    expect(commit).toMatchObject({
      parents: [before, pr.head.sha],
      author: { name: "maya" },
      committer: { name: "GitHub", email: "noreply@github.com" },
      verified: true,
    });
    expect(commit?.message).toBe(`Merge pull request #${pr.number} from acme/feature-merge\n\n${pr.title}`);

    const { data } = await gh.rest.pulls.get({ owner: "acme", repo: "shop", pull_number: pr.number });
    expect(data).toMatchObject({
      state: "closed",
      merged: true,
      merged_by: { login: "maya" },
      merge_commit_sha: head,
      mergeable: null,
    });
    expect(data.merged_at).toBe(data.closed_at);
    expect(data.merged_at).not.toBeNull();
    expect(await pullsOf(head)).toEqual([pr.number]);
    // The PR's own commits are now on the default branch, brought in by this PR.
    expect(await pullsOf(pr.head.sha)).toEqual([pr.number]);

    const content = await gh.rest.repos.getContent({
      owner: "acme",
      repo: "shop",
      path: "src/app.ts",
      mediaType: { format: "raw" },
    });
    expect(content.data).toBe("feature-merge\n");

    const timeline = await gh.rest.issues.listEventsForTimeline({
      owner: "acme",
      repo: "shop",
      issue_number: pr.number,
    });
    const events = timeline.data.map((e: Answer) => [e.event, e.actor?.login, e.commit_id]);
    expect(events).toContainEqual(["merged", "maya", head]);
    expect(events).toContainEqual(["closed", "maya", null]);

    const graph: Answer = await gh.graphql(
      `query($n: Int!) { repository(owner: "acme", name: "shop") { pullRequest(number: $n) {
        state merged closed mergedAt closedAt mergedBy { login } mergeCommit { oid parents(first: 2) { totalCount } }
        timelineItems(first: 50, itemTypes: [MERGED_EVENT, CLOSED_EVENT]) { nodes { __typename
          ... on MergedEvent { commit { oid } mergeRefName actor { login } } } }
      } } }`,
      { n: pr.number },
    );
    expect(graph.repository.pullRequest).toMatchObject({
      state: "MERGED",
      merged: true,
      closed: true,
      mergedAt: data.merged_at,
      closedAt: data.closed_at,
      mergedBy: { login: "maya" },
      mergeCommit: { oid: head, parents: { totalCount: 2 } },
      timelineItems: {
        nodes: [
          {
            __typename: "MergedEvent",
            commit: { oid: head },
            mergeRefName: "main",
            actor: { login: "maya" },
          },
          { __typename: "ClosedEvent" },
        ],
      },
    });
    const associated: Answer = await gh.graphql(
      `query($oid: GitObjectID!) { repository(owner: "acme", name: "shop") { object(oid: $oid) {
        ... on Commit { associatedPullRequests(first: 5) { nodes { number state } } } } } }`,
      { oid: head },
    );
    expect(associated.repository.object.associatedPullRequests.nodes).toEqual([
      { number: pr.number, state: "MERGED" },
    ]);
  });

  it("squash: one new commit by the PR's author; its commit and the PR's own commits list the PR", async () => {
    const { store } = standIn;
    const pr = openPr("feature-squash", 2);
    store.addCommit(pr, { message: "fixup by bob", author: "bob" });
    const before = repo.branches.get("main")?.oid ?? "";
    const head = store.mergePull(pr, { by: "maya", method: "squash" });
    const commit = store.findCommit(repo, head);
    expect(commit?.parents).toEqual([before]);
    expect(commit?.author.name).toBe("alice");
    expect(commit?.message.split("\n")[0]).toBe(`${pr.title} (#${pr.number})`);
    expect(commit?.message).toContain(
      `Co-authored-by: bob <${store.account("bob").id}+bob@users.noreply.github.com>`,
    );
    expect(pr).toMatchObject({ merged: true, state: "closed", mergeCommitSha: head, mergedBy: "maya" });
    expect(await pullsOf(head)).toEqual([pr.number]);
    // Not on the default branch after a squash: GitHub lists the open and merged PRs that contain it.
    expect(await pullsOf(pr.commits[0]?.sha ?? "")).toEqual([pr.number]);
  });

  it("rebase: a new copy of each PR commit; merge_commit_sha is the last copy", async () => {
    const { store } = standIn;
    const pr = openPr("feature-rebase", 3);
    const before = repo.branches.get("main")?.oid ?? "";
    const head = store.mergePull(pr, { by: "maya", method: "rebase" });
    expect(pr.mergeCommits).toHaveLength(3);
    expect(pr.mergeCommits.at(-1)).toBe(head);
    const copies = pr.mergeCommits.map((sha) => store.findCommit(repo, sha));
    expect(copies[0]?.parents).toEqual([before]);
    expect(copies[1]?.parents).toEqual([pr.mergeCommits[0]]);
    expect(copies.map((c) => c?.message)).toEqual(pr.commits.map((c) => c.message));
    expect(copies.every((c) => c?.author.name === "alice" && c.committer.name === "maya")).toBe(true);
    expect(pr.mergeCommits.every((sha) => !pr.commits.some((c) => c.sha === sha))).toBe(true);
    for (const sha of pr.mergeCommits) expect(await pullsOf(sha)).toEqual([pr.number]);
    const { data } = await gh.rest.pulls.get({ owner: "acme", repo: "shop", pull_number: pr.number });
    expect(data.merge_commit_sha).toBe(head);
  });

  it("lists only the merged PR for a default-branch commit, and refuses a second merge", () => {
    const { store } = standIn;
    const pr = openPr("feature-twice");
    const other = store.addPullRequest(repo.fullName, {
      title: "Same commit, other PR",
      author: "alice",
      head: "feature-twice-2",
      commits: [{ sha: pr.head.sha, message: "same", author: "alice" }],
    });
    store.mergePull(pr, { by: "maya" });
    expect(store.pullsForCommit(repo, pr.head.sha).map((p) => p.number)).toEqual([pr.number]);
    expect(other.state).toBe("open");
    expect(() => store.mergePull(pr, { by: "maya" })).toThrow(/already merged/);
  });
});

describe("GET …/deployments and …/deployments/{id}/statuses", () => {
  let shelf: Repo;
  const list = async (query: Record<string, string | number> = {}) =>
    (await gh.rest.repos.listDeployments({ owner: "acme", repo: "deploys", ...query })).data;

  beforeAll(() => {
    shelf = standIn.store.addRepo({ owner: "acme", name: "deploys", files: { "app.ts": "v1\n" } });
  });

  it("lists deployments newest first in GitHub's deployment shape", async () => {
    const { store } = standIn;
    const sha = shelf.branches.get("main")?.oid ?? "";
    const staging = store.addDeployment(shelf.fullName, {
      environment: "staging",
      sha,
      ref: "main",
      creator: "maya",
    });
    const prod = store.addDeployment(shelf.fullName, {
      environment: "production",
      sha,
      ref: "main",
      creator: "maya",
    });
    const gate = store.requestDeployment(shelf.fullName, {
      environment: "production",
      sha,
      ref: "main",
      creator: "alice",
    });
    const data: Answer[] = await list();
    expect(data.map((d) => d.id)).toEqual([gate.deployment?.id, prod.id, staging.id]);
    const api = `${standIn.baseUrl}/repos/acme/deploys`;
    expect(data[1]).toEqual({
      url: `${api}/deployments/${prod.id}`,
      id: prod.id,
      node_id: expect.any(String),
      sha,
      ref: "main",
      task: "deploy",
      payload: {},
      original_environment: "production",
      environment: "production",
      description: null,
      creator: expect.objectContaining({ login: "maya", type: "User" }),
      created_at: prod.createdAt,
      updated_at: prod.updatedAt,
      statuses_url: `${api}/deployments/${prod.id}/statuses`,
      repository_url: api,
      transient_environment: false,
      production_environment: true,
      performed_via_github_app: expect.objectContaining({ slug: "github-actions" }),
    });
    // Other repositories' deployments are not listed.
    expect(data.every((d) => d.repository_url === api)).toBe(true);
  });

  it("filters by sha, ref, task and environment, and paginates", async () => {
    const { store } = standIn;
    const push = store.commitToBranch(shelf.fullName, {
      branch: "release",
      files: { "app.ts": "v2\n" },
      message: "v2",
      author: "alice",
    });
    const release = store.addDeployment(shelf.fullName, {
      environment: "Production",
      sha: push.after,
      ref: "release",
      creator: "alice",
      task: "deploy:migrations",
    });
    expect((await list({ sha: push.after })).map((d) => d.id)).toEqual([release.id]);
    expect((await list({ ref: "release" })).map((d) => d.id)).toEqual([release.id]);
    expect((await list({ task: "deploy:migrations" })).map((d) => d.id)).toEqual([release.id]);
    const production = await list({ environment: "production" });
    expect(production).toHaveLength(3);
    expect(production[0]?.id).toBe(release.id);
    expect(production.every((d) => d.environment.toLowerCase() === "production")).toBe(true);
    expect(await list({ environment: "staging", ref: "release" })).toEqual([]);
    const page = await gh.rest.repos.listDeployments({
      owner: "acme",
      repo: "deploys",
      per_page: 2,
      page: 1,
    });
    expect(page.data.map((d) => d.id)).toEqual((await list()).slice(0, 2).map((d) => d.id));
    expect(page.headers.link).toContain(
      `/repositories/${shelf.id}/deployments?per_page=2&page=2>; rel="next"`,
    );
  });

  it("lists a deployment's statuses newest first in GitHub's deployment-status shape", async () => {
    const { store } = standIn;
    const sha = shelf.branches.get("main")?.oid ?? "";
    const past = store.addDeployment(shelf.fullName, {
      environment: "qa",
      sha,
      ref: "main",
      creator: "maya",
    });
    expect(store.deploymentStatusesOf(past.id).map((s) => s.state)).toEqual(["success"]);
    const inactive = store.setDeploymentStatus(past.id, "inactive", { creator: "github-actions[bot]" });
    expect(inactive).toMatchObject({
      state: "inactive",
      creator: "github-actions[bot]",
      description: "",
      targetUrl: "",
    });
    expect(past.updatedAt).toBe(inactive.createdAt);
    const { data } = await gh.rest.repos.listDeploymentStatuses({
      owner: "acme",
      repo: "deploys",
      deployment_id: past.id,
    });
    expect(data.map((s) => s.state)).toEqual(["inactive", "success"]);
    const api = `${standIn.baseUrl}/repos/acme/deploys`;
    expect(data[0]).toEqual({
      url: `${api}/deployments/${past.id}/statuses/${inactive.id}`,
      id: inactive.id,
      node_id: expect.any(String),
      state: "inactive",
      creator: expect.objectContaining({ login: "github-actions[bot]", type: "Bot" }),
      description: "",
      environment: "qa",
      target_url: "",
      created_at: inactive.createdAt,
      updated_at: inactive.createdAt,
      deployment_url: `${api}/deployments/${past.id}`,
      repository_url: api,
      environment_url: "",
      log_url: "",
      performed_via_github_app: expect.objectContaining({ slug: "github-actions" }),
    });
    expect(data[1]?.creator?.login).toBe("maya");
  });

  it("starts a protection-rule deployment waiting; a status can move it to another environment", async () => {
    const { store } = standIn;
    const sha = shelf.branches.get("main")?.oid ?? "";
    const gate = store.requestDeployment(shelf.fullName, {
      environment: "canary",
      sha,
      ref: "main",
      creator: "maya",
    });
    const id = gate.deployment?.id ?? 0;
    const statuses = async () =>
      (await gh.rest.repos.listDeploymentStatuses({ owner: "acme", repo: "deploys", deployment_id: id }))
        .data;
    expect((await statuses()).map((s) => [s.state, s.environment])).toEqual([["waiting", "canary"]]);
    store.setDeploymentStatus(id, "in_progress", { environment: "canary-eu" });
    store.setDeploymentStatus(id, "success", { environment: "canary-eu" });
    expect((await statuses()).map((s) => [s.state, s.environment])).toEqual([
      ["success", "canary-eu"],
      ["in_progress", "canary-eu"],
      ["waiting", "canary"],
    ]);
    expect((await list({ environment: "canary-eu" })).map((d) => [d.id, d.original_environment])).toEqual([
      [id, "canary"],
    ]);
    expect(() => store.setDeploymentStatus(1, "success")).toThrow(/no deployment/);
  });

  it("answers 404 for an unknown deployment or one of another repository", async () => {
    expect(await call("GET", "/repos/acme/deploys/deployments/999999/statuses")).toMatchObject({
      status: 404,
      body: { message: "Not Found" },
    });
    const elsewhere = deploy("production").deployment?.id;
    expect((await call("GET", `/repos/acme/deploys/deployments/${elsewhere}/statuses`)).status).toBe(404);
    expect((await call("GET", `/repos/acme/shop/deployments/${elsewhere}/statuses`)).status).toBe(200);
  });

  it("needs deployments:read: 403 Resource not accessible by integration", async () => {
    const { store } = standIn;
    const installation = store.addInstallation({
      account: "initech",
      permissions: { metadata: "read", pull_requests: "read" },
    });
    const site = store.addRepo({ owner: "initech", name: "site" });
    const past = store.addDeployment(site.fullName, {
      environment: "production",
      sha: site.branches.get("main")?.oid ?? "",
      ref: "main",
      creator: "maya",
    });
    const narrow = await installationToken(standIn, installation.id);
    for (const path of [
      "/repos/initech/site/deployments",
      `/repos/initech/site/deployments/${past.id}/statuses`,
    ]) {
      expect(await call("GET", path, undefined, narrow)).toMatchObject({
        status: 403,
        body: { message: "Resource not accessible by integration" },
      });
    }
    // deployments:read (a write grant includes it) is enough.
    expect((await call("GET", "/repos/acme/deploys/deployments")).status).toBe(200);
  });
});

describe("GET …/compare/{basehead}", () => {
  let graph: Repo;
  const compare = async (basehead: string, query: Record<string, number> = {}) => {
    const response = await gh.rest.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "graph",
      basehead,
      ...query,
    });
    return { data: response.data as Answer, link: response.headers.link };
  };
  const push = (branch: string, message: string) =>
    standIn.store.commitToBranch(graph.fullName, {
      branch,
      files: { [`${branch}.txt`]: message },
      message,
      author: "alice",
    });
  const main = () => graph.branches.get("main")?.oid ?? "";
  const shas = (data: Answer) => data.commits.map((c: Answer) => c.sha);

  beforeAll(() => {
    graph = standIn.store.addRepo({ owner: "acme", name: "graph", files: { "README.md": "# graph\n" } });
  });

  it("identical: a ref against itself, in GitHub's commit-comparison shape", async () => {
    const root = main();
    const { data } = await compare("main...main");
    const web = `${standIn.url}/acme/graph`;
    expect(data).toMatchObject({
      url: `${standIn.baseUrl}/repos/acme/graph/compare/main...main`,
      html_url: `${web}/compare/main...main`,
      permalink_url: `${web}/compare/acme:${root.slice(0, 7)}...acme:${root.slice(0, 7)}`,
      diff_url: `${web}/compare/main...main.diff`,
      patch_url: `${web}/compare/main...main.patch`,
      status: "identical",
      ahead_by: 0,
      behind_by: 0,
      total_commits: 0,
      commits: [],
      base_commit: { sha: root, commit: { message: "Initial commit" }, parents: [] },
      merge_base_commit: { sha: root },
    });
    expect(data.files).toBeUndefined();
    expect((await compare(`${root}...${root.slice(0, 7)}`)).data.status).toBe("identical");
  });

  it("ahead, behind and diverged across commitToBranch pushes", async () => {
    const root = main();
    const first = push("topic", "one");
    const second = push("topic", "two");
    const ahead = (await compare("main...topic")).data;
    expect(ahead).toMatchObject({ status: "ahead", ahead_by: 2, behind_by: 0, total_commits: 2 });
    expect(shas(ahead)).toEqual([first.after, second.after]);
    // Each commit as GET …/pulls/{n}/commits renders it.
    expect(ahead.commits[1]).toMatchObject({
      sha: second.after,
      node_id: expect.any(String),
      url: `${standIn.baseUrl}/repos/acme/graph/commits/${second.after}`,
      html_url: `${standIn.url}/acme/graph/commit/${second.after}`,
      commit: { message: "two", author: { name: "alice" }, verification: { verified: false } },
      author: { login: "alice" },
      parents: [{ sha: first.after }],
    });
    expect(ahead.merge_base_commit.sha).toBe(root);

    const behind = (await compare("topic...main")).data;
    expect(behind).toMatchObject({
      status: "behind",
      ahead_by: 0,
      behind_by: 2,
      total_commits: 0,
      commits: [],
    });
    expect(behind.base_commit.sha).toBe(second.after);

    const onMain = push("main", "hotfix");
    const diverged = (await compare("main...refs/heads/topic")).data;
    expect(diverged).toMatchObject({ status: "diverged", ahead_by: 2, behind_by: 1, total_commits: 2 });
    expect(diverged.merge_base_commit.sha).toBe(root);
    expect(diverged.base_commit.sha).toBe(onMain.after);
    expect(shas((await compare(`topic...${onMain.after}`)).data)).toEqual([onMain.after]);
  });

  it("walks both parents of a mergePull merge commit", async () => {
    const { store } = standIn;
    const before = main();
    const pr = store.addPullRequest(graph.fullName, {
      title: "Feature",
      author: "alice",
      head: "feature",
      commits: [
        { message: "f1", author: "alice" },
        { message: "f2", author: "alice" },
      ],
    });
    const merge = store.mergePull(pr, { by: "maya", method: "merge" });
    const all = (await compare(`${before}...main`)).data;
    expect(all).toMatchObject({ status: "ahead", ahead_by: 3, total_commits: 3 });
    expect(shas(all)).toEqual([...pr.commits.map((c) => c.sha), merge]);
    expect(all.commits[2].parents.map((p: Answer) => p.sha)).toEqual([before, pr.head.sha]);
    // The PR's head is now an ancestor of main: only the merge commit is new.
    expect(shas((await compare(`${pr.head.sha}...main`)).data)).toEqual([merge]);
    expect((await compare("main...feature")).data).toMatchObject({
      status: "behind",
      behind_by: 1,
      ahead_by: 0,
    });
    // The topic branch (from the first test) still diverges from main, now by more.
    expect((await compare("topic...main")).data).toMatchObject({
      status: "diverged",
      ahead_by: 4,
      behind_by: 2,
    });
  });

  it("squash and rebase merges: new commits on main, the PR's own commits left behind", async () => {
    const { store } = standIn;
    const beforeSquash = main();
    const squashed = store.addPullRequest(graph.fullName, {
      title: "Squash me",
      author: "alice",
      head: "squashy",
    });
    const squash = store.mergePull(squashed, { by: "maya", method: "squash" });
    const afterSquash = (await compare("squashy...main")).data;
    expect(afterSquash).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1 });
    expect(shas(afterSquash)).toEqual([squash]);
    expect(afterSquash.merge_base_commit.sha).toBe(beforeSquash);

    const rebased = store.addPullRequest(graph.fullName, {
      title: "Rebase me",
      author: "alice",
      head: "rebasy",
      commits: [1, 2, 3].map((n) => ({ message: `r${n}`, author: "alice" })),
    });
    store.mergePull(rebased, { by: "maya", method: "rebase" });
    const copies = (await compare(`${squash}...main`)).data;
    expect(copies).toMatchObject({ status: "ahead", ahead_by: 3 });
    expect(shas(copies)).toEqual(rebased.mergeCommits);
    expect(copies.commits.map((c: Answer) => c.commit.message)).toEqual(["r1", "r2", "r3"]);
    expect((await compare("rebasy...main")).data).toMatchObject({
      status: "diverged",
      ahead_by: 3,
      behind_by: 3,
    });
  });

  it("lists at most 250 commits while total_commits counts all; per_page and page paginate them", async () => {
    const base = main();
    let last = "";
    for (let i = 0; i < 260; i += 1) last = push("long", `c${i}`).after;
    const capped = (await compare(`${base}...long`)).data;
    expect(capped).toMatchObject({ status: "ahead", ahead_by: 260, total_commits: 260 });
    expect(capped.commits).toHaveLength(250);
    expect(capped.commits[0].commit.message).toBe("c0");
    const page = await compare(`${base}...long`, { per_page: 100, page: 3 });
    expect(page.data.commits.map((c: Answer) => c.commit.message)).toEqual(
      Array.from({ length: 60 }, (_, i) => `c${200 + i}`),
    );
    expect(page.data.commits.at(-1).sha).toBe(last);
    expect(page.data.total_commits).toBe(260);
    expect(page.link).toContain(`/repositories/${graph.id}/compare/`);
    expect(page.link).toContain('rel="prev"');
  });

  it("answers 404 Not Found for an unknown ref or a basehead without three dots", async () => {
    for (const basehead of [
      "main...nope",
      "nope...main",
      "main..topic",
      "main",
      `main...${"0".repeat(40)}`,
    ]) {
      expect(await call("GET", `/repos/acme/graph/compare/${basehead}`)).toMatchObject({
        status: 404,
        body: { message: "Not Found" },
      });
    }
  });

  it("needs contents:read: 403 Resource not accessible by integration", async () => {
    const { store } = standIn;
    const site = store.findRepo("initech/site") ?? store.addRepo({ owner: "initech", name: "site" });
    const narrow = await installationToken(standIn, site.installationId ?? 0);
    expect(await call("GET", "/repos/initech/site/compare/main...main", undefined, narrow)).toMatchObject({
      status: 403,
      body: { message: "Resource not accessible by integration" },
    });
  });
});
