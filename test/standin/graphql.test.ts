import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PullRequestRecord, type StandIn, startStandIn } from "../../tools/github-standin/index.js";
import { type Client, installationClient, installationToken } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are checked by the assertions, not by static types.
type Answer = any;

let standIn: StandIn;
let gh: Client;
let pr: PullRequestRecord;
let token: string;

beforeAll(async () => {
  standIn = await startStandIn();
  const { store } = standIn;
  const repo = store.addRepo({
    owner: "acme",
    name: "web",
    files: { ".github/agent-policy.yml": "version: 1\n" },
    collaborators: { bob: "write", alice: "write" },
  });
  store.addUser({
    login: "Copilot",
    type: "Bot",
    id: 198982749,
    graphqlLogin: "copilot-swe-agent",
    appSlug: "copilot-swe-agent",
  });
  pr = store.addPullRequest(repo.fullName, {
    title: "Agent change",
    author: "Copilot",
    head: "copilot/change",
    commits: [
      {
        message: `Change\n\nCo-authored-by: alice <${store.account("alice").id}+alice@users.noreply.github.com>`,
        author: { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" },
        verified: true,
      },
    ],
    files: Array.from({ length: 5 }, (_, i) => ({ filename: `src/f${i}.ts`, patch: "@@ -1 +1 @@\n-a\n+b" })),
  });
  store.addTimelineEvent(pr, { kind: "copilot_work_started", actor: "alice" });
  store.addTimelineEvent(pr, { kind: "labeled", actor: "Copilot", label: "automerge" });
  store.addTimelineEvent(pr, { kind: "unlabeled", actor: "bob", label: "hold" });
  store.addComment(pr, { author: "bob", body: "/lgtm" });
  store.addReview(pr, { author: "bob", state: "APPROVED" });
  pr.autoMerge = { enabledBy: "Copilot", enabledAt: store.now(), mergeMethod: "MERGE" };
  pr.inMergeQueue = true;
  store.addApp({ id: 15368, slug: "github-actions" });
  store.addCheckRun({
    repo: repo.fullName,
    headSha: pr.head.sha,
    name: "test",
    app: "github-actions",
    conclusion: "success",
  });
  store.addStatus({
    repo: repo.fullName,
    sha: pr.head.sha,
    context: "security-scan",
    state: "success",
    creator: "bob",
  });
  gh = await installationClient(standIn, repo.installationId ?? 0);
  token = await installationToken(standIn, repo.installationId ?? 0);
});
afterAll(() => standIn.close());

async function post(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${standIn.url}/api/graphql`, {
    method: "POST",
    headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Answer; errors?: Answer[] } };
}

describe("GraphQL over GitHub's schema", () => {
  it("answers a gate's PR query, sent by Octokit to /api/graphql", async () => {
    const result = await gh.graphql<{ repository: Answer; rateLimit: Answer }>(
      `query Gate($owner: String!, $name: String!, $number: Int!) {
        rateLimit { cost remaining resetAt }
        repository(owner: $owner, name: $name) {
          nameWithOwner
          defaultBranchRef { name target { oid } }
          policy: object(expression: "HEAD:.github/agent-policy.yml") { ... on Blob { text byteSize isTruncated } }
          pullRequest(number: $number) {
            number headRefOid isCrossRepository changedFiles
            author { __typename login ... on Bot { databaseId } }
            headRepository { nameWithOwner }
            commits(first: 100) { totalCount nodes { commit { oid authors(first: 10) { nodes { email user { login } } } signature { isValid } } } }
            reviews(first: 100) { nodes { state author { login } commit { oid } authorCanPushToRepository } }
            comments(first: 100) { nodes { body author { login } lastEditedAt editor { login } } }
            autoMergeRequest { enabledAt enabledBy { __typename login } }
            commitsHead: commits(last: 1) { nodes { commit {
              checkSuites(first: 10) { nodes { app { slug databaseId } checkRuns(first: 10) { nodes { name status conclusion } } } }
              status { contexts { context state creator { login } } }
              statusCheckRollup { state }
            } } }
          }
        }
      }`,
      { owner: "acme", name: "web", number: pr.number },
    );
    const p = result.repository.pullRequest;
    expect(result.rateLimit.cost).toBe(1);
    expect(result.repository.policy.text).toBe("version: 1\n");
    expect(result.repository.defaultBranchRef.name).toBe("main");
    expect(p.author).toEqual({ __typename: "Bot", login: "copilot-swe-agent", databaseId: 198982749 });
    expect(p.commits.nodes[0].commit.authors.nodes.map((a: Answer) => a.user?.login)).toEqual([
      "Copilot",
      "alice",
    ]);
    expect(p.commits.nodes[0].commit.signature.isValid).toBe(true);
    expect(p.reviews.nodes[0]).toMatchObject({
      state: "APPROVED",
      author: { login: "bob" },
      commit: { oid: pr.head.sha },
    });
    expect(p.autoMergeRequest.enabledBy).toEqual({ __typename: "Bot", login: "copilot-swe-agent" });
    const head = p.commitsHead.nodes[0].commit;
    expect(head.checkSuites.nodes[0]).toMatchObject({ app: { slug: "github-actions", databaseId: 15368 } });
    expect(head.checkSuites.nodes[0].checkRuns.nodes[0]).toEqual({
      name: "test",
      status: "COMPLETED",
      conclusion: "SUCCESS",
    });
    expect(head.status.contexts[0]).toEqual({
      context: "security-scan",
      state: "SUCCESS",
      creator: { login: "bob" },
    });
    expect(head.statusCheckRollup.state).toBe("SUCCESS");
  });

  it("returns graphql-js validation errors with 200 for a field GitHub does not have", async () => {
    const result = await post(
      `{ repository(owner: "acme", name: "web") { pullRequest(number: 1) { viaApp } } }`,
    );
    expect(result.status).toBe(200);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors?.[0].message).toBe('Cannot query field "viaApp" on type "PullRequest".');
    await expect(gh.graphql(`{ repository(owner: "acme", name: "web") { nope } }`)).rejects.toThrow(
      /Cannot query field "nope"/,
    );
  });

  it("reports a missing repository or PR as NOT_FOUND like GitHub", async () => {
    const result = await post(`{ repository(owner: "acme", name: "missing") { id } }`);
    expect(result.body.data).toEqual({ repository: null });
    expect(result.body.errors?.[0]).toMatchObject({ type: "NOT_FOUND", path: ["repository"] });
  });

  it("pages connections with cursors", async () => {
    const page = (after: string | null) =>
      post(
        `query($after: String) { repository(owner: "acme", name: "web") { pullRequest(number: 1) {
          files(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { path } } }
        } } }`,
        { after },
      );
    const paths: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const { body } = await page(after);
      const files = body.data.repository.pullRequest.files;
      expect(files.totalCount).toBe(5);
      paths.push(...files.edges.map((e: Answer) => e.node.path));
      if (!files.pageInfo.hasNextPage) break;
      after = files.pageInfo.endCursor;
    }
    expect(paths).toEqual(["src/f0.ts", "src/f1.ts", "src/f2.ts", "src/f3.ts", "src/f4.ts"]);
  });

  it("enforces GitHub's pagination limits", async () => {
    const tooMany = await post(
      `{ repository(owner: "acme", name: "web") { pullRequest(number: 1) { files(first: 101) { totalCount } } } }`,
    );
    expect(tooMany.body.errors?.[0].message).toMatch(
      /Requesting 101 records on the `files` connection exceeds the `first` limit of 100/,
    );
    const none = await post(
      `{ repository(owner: "acme", name: "web") { pullRequest(number: 1) { files { totalCount } } } }`,
    );
    expect(none.body.errors?.[0].message).toMatch(/You must provide a `first` or `last` value/);
  });

  it("filters timeline items by itemTypes", async () => {
    const { body } = await post(`{ repository(owner: "acme", name: "web") { pullRequest(number: 1) {
      timelineItems(first: 50, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {
        totalCount
        nodes { __typename ... on LabeledEvent { label { name } actor { login } } ... on UnlabeledEvent { label { name } actor { login } } }
      }
      all: timelineItems(first: 50) { nodes { __typename } }
    } } }`);
    const items = body.data.repository.pullRequest.timelineItems;
    expect(items.totalCount).toBe(2);
    expect(items.nodes).toEqual([
      { __typename: "LabeledEvent", label: { name: "automerge" }, actor: { login: "copilot-swe-agent" } },
      { __typename: "UnlabeledEvent", label: { name: "hold" }, actor: { login: "bob" } },
    ]);
    const kinds = body.data.repository.pullRequest.all.nodes.map((n: Answer) => n.__typename);
    expect(kinds).toEqual([
      "PullRequestCommit",
      "LabeledEvent",
      "UnlabeledEvent",
      "IssueComment",
      "PullRequestReview",
    ]);
  });

  it("says so instead of inventing data for a field the stand-in does not emulate", async () => {
    const { body } = await post(
      `{ repository(owner: "acme", name: "web") { pullRequest(number: 1) { number reactionGroups { content } } } }`,
    );
    expect(body.errors?.[0]).toMatchObject({
      type: "NOT_EMULATED",
      message: expect.stringMatching(/PullRequest.reactionGroups/),
    });
  });

  it("applies and records disablePullRequestAutoMerge and dequeuePullRequest", async () => {
    const { body: read } = await post(
      `{ repository(owner: "acme", name: "web") { pullRequest(number: 1) { id } } }`,
    );
    const id = read.data.repository.pullRequest.id;
    const result = await gh.graphql<{ disablePullRequestAutoMerge: Answer }>(
      `mutation($id: ID!) { disablePullRequestAutoMerge(input: { pullRequestId: $id }) { pullRequest { autoMergeRequest { enabledAt } } } }`,
      { id },
    );
    expect(result.disablePullRequestAutoMerge.pullRequest.autoMergeRequest).toBeNull();
    await gh.graphql(`mutation($id: ID!) { dequeuePullRequest(input: { id: $id }) { clientMutationId } }`, {
      id,
    });
    expect(standIn.store.mutations.map((m) => m.name)).toEqual([
      "disablePullRequestAutoMerge",
      "dequeuePullRequest",
    ]);
    expect(pr.autoMerge).toBeNull();
    expect(pr.inMergeQueue).toBe(false);
    expect(pr.timeline.slice(-2).map((e) => [e.kind, e.actor])).toEqual([
      ["auto_merge_disabled", "agent-policy[bot]"],
      ["removed_from_merge_queue", "agent-policy[bot]"],
    ]);
  });

  it("hides other installations' private repositories", async () => {
    standIn.store.addRepo({ owner: "globex", name: "hidden" });
    const { body } = await post(`{ repository(owner: "globex", name: "hidden") { id } }`);
    expect(body.errors?.[0].type).toBe("NOT_FOUND");
  });
});
