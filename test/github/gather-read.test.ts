import { describe, expect, it } from "vitest";
import { normalizeActor, readPullRequest } from "../../src/github/gather.js";
import { offline } from "../support/nock.js";
import {
  BASE,
  botNode,
  checkRunNode,
  commitNode,
  connection,
  fileNode,
  github,
  HEAD,
  headCommit,
  headPulls,
  ORG_COMMIT,
  octokit,
  onGraphql,
  prData,
  REPO_COMMIT,
  sha,
  statusNode,
  TARGET,
  userNode,
} from "./gather-fixtures.js";

offline();

const OLD = sha(1);

/** An agent's PR: Devin wrote it, a bot labelled it, people and bots reviewed and commented, two apps ran checks. */
function agentPr() {
  return prData({
    title: "Add retry to the billing client",
    body: "Requested by: @alice",
    lastEditedAt: "2026-01-02T09:30:00Z",
    editor: userNode("alice", 501),
    isDraft: true,
    author: botNode("devin-ai-integration", 158243242),
    headRefName: "devin/1700000000-retry",
    headRepository: { nameWithOwner: "acme/app" },
    changedFiles: 2,
    autoMergeRequest: { enabledAt: "2026-01-02T12:00:00Z", enabledBy: botNode("mergify", 10562) },
    labels: connection([{ name: "automerge" }, { name: "billing" }]),
    commits: connection([
      commitNode(OLD, {
        message: "Add retry\n\nCo-authored-by: Alice <alice@example.com>",
        authors: {
          totalCount: 2,
          nodes: [
            {
              name: "Devin AI",
              email: "158243242+devin-ai-integration[bot]@users.noreply.github.com",
              user: null,
            },
            { name: "Alice", email: "alice@example.com", user: { login: "alice" } },
          ],
        },
      }),
      commitNode(HEAD, { signature: null }),
    ]),
    reviews: connection([
      {
        id: "PRR_1",
        state: "APPROVED",
        body: "",
        submittedAt: "2026-01-02T11:00:00Z",
        createdAt: "2026-01-02T10:59:00Z",
        author: userNode("bob", 501),
        commit: { oid: HEAD },
        authorCanPushToRepository: true,
      },
      {
        id: "PRR_2",
        state: "COMMENTED",
        body: "bors r+",
        submittedAt: null,
        createdAt: "2026-01-02T10:00:00Z",
        author: botNode("copilot-pull-request-reviewer", 175728472),
        commit: null,
        authorCanPushToRepository: false,
      },
    ]),
    comments: connection([
      {
        fullDatabaseId: "4294968297",
        body: "/merge",
        createdAt: "2026-01-02T11:30:00Z",
        lastEditedAt: "2026-01-02T11:31:00Z",
        author: botNode("devin-ai-integration", 158243242),
        editor: userNode("mallory", 666),
      },
      {
        fullDatabaseId: "4294968298",
        body: "<!-- agent-policy -->\nWaiting on one approval",
        createdAt: "2026-01-02T11:40:00Z",
        lastEditedAt: null,
        author: botNode("agent-policy", 999),
        editor: null,
      },
      {
        fullDatabaseId: "4294968299",
        body: "thanks",
        createdAt: "2026-01-02T11:50:00Z",
        lastEditedAt: null,
        author: null,
        editor: null,
      },
    ]),
    timelineItems: connection([
      {
        __typename: "AssignedEvent",
        createdAt: "2026-01-02T09:00:00Z",
        actor: userNode("alice"),
        assignee: botNode("devin-ai-integration"),
      },
      {
        __typename: "LabeledEvent",
        createdAt: "2026-01-02T11:45:00Z",
        actor: botNode("mergify", 10562),
        label: { name: "automerge" },
      },
      {
        __typename: "UnlabeledEvent",
        createdAt: "2026-01-02T11:46:00Z",
        actor: null,
        label: { name: "hold" },
      },
      {
        __typename: "ReviewRequestRemovedEvent",
        createdAt: "2026-01-02T11:47:00Z",
        actor: botNode("devin-ai-integration"),
        requestedReviewer: { __typename: "Team", combinedSlug: "acme/security" },
      },
      {
        __typename: "ReviewDismissedEvent",
        createdAt: "2026-01-02T11:48:00Z",
        actor: botNode("devin-ai-integration"),
        review: { author: userNode("carol") },
      },
      {
        __typename: "AutoMergeEnabledEvent",
        createdAt: "2026-01-02T12:00:00Z",
        actor: botNode("mergify", 10562),
      },
      {
        __typename: "HeadRefForcePushedEvent",
        createdAt: "2026-01-02T12:05:00Z",
        actor: { __typename: "Mannequin", login: "old-import" },
      },
    ]),
    files: connection([fileNode("src/billing/client.ts"), fileNode("src/billing/old.ts", "DELETED")]),
    headCommit: headCommit(
      HEAD,
      [
        checkRunNode("build", "github-actions", "SUCCESS", 90100000000),
        statusNode("ci/jenkins", "EXPECTED"),
        checkRunNode("CodeQL", "github-code-scanning", null, 90200000000),
        statusNode("security-scan", "SUCCESS", botNode("github-actions", 41898282)),
        checkRunNode("agent-policy", "agent-policy", "ACTION_REQUIRED", 90300000000),
      ],
      [
        {
          app: { slug: "github-actions" },
          checkRuns: {
            nodes: [
              {
                runId: "/acme/app/runs/95000000000",
                name: "agent-policy",
                externalId: null,
                status: "COMPLETED",
                conclusion: "SUCCESS",
                title: "fake",
                summary: "fake",
              },
            ],
          },
        },
        {
          app: { slug: "agent-policy" },
          checkRuns: {
            nodes: [
              {
                runId: "/acme/app/runs/88000000000",
                name: "agent-policy",
                externalId: "7",
                status: "COMPLETED",
                conclusion: "FAILURE",
                title: "old",
                summary: "old",
              },
              {
                runId: "/acme/app/runs/90300000000",
                name: "agent-policy",
                externalId: "7",
                status: "COMPLETED",
                conclusion: "ACTION_REQUIRED",
                title: "Needs 1 approval",
                summary: "…",
              },
            ],
          },
        },
      ],
    ),
  });
}

describe("readPullRequest", () => {
  it("maps an agent's PR into facts with one GraphQL request", async () => {
    const { scope, requests } = github();
    let variables: Record<string, unknown> = {};
    onGraphql(scope, "AgentPolicyPullRequest", (v) => {
      variables = v;
      return { data: agentPr() };
    });
    const { facts, ownCheckRun, ownComment } = await readPullRequest(octokit(), TARGET, {
      appSlug: "agent-policy",
    });

    expect(requests).toHaveLength(1);
    expect(variables).toEqual({
      owner: "acme",
      repo: "app",
      number: 7,
      policyPath: ".github/agent-policy.yml",
      checkName: "agent-policy",
    });
    expect(facts.author).toEqual({ login: "devin-ai-integration[bot]", type: "Bot", id: 158243242 });
    expect(facts).toMatchObject({
      repo: { owner: "acme", name: "app", defaultBranch: "main" },
      number: 7,
      body: "Requested by: @alice",
      bodyEditedBy: { login: "alice", type: "User", id: 501 },
      state: "open",
      draft: true,
      base: { ref: "main", sha: BASE },
      head: { ref: "devin/1700000000-retry", sha: HEAD, repoFullName: "acme/app" },
      labels: ["automerge", "billing"],
      autoMerge: { enabledBy: { login: "mergify[bot]", type: "Bot", id: 10562 }, at: "2026-01-02T12:00:00Z" },
      gaps: [],
    });
    expect(facts.commits.map((c) => c.sha)).toEqual([OLD, HEAD]);
    expect(facts.commits[0]?.coAuthors).toEqual([
      { name: "Alice", email: "alice@example.com", login: "alice" },
    ]);
    expect(facts.commits[0]?.verified).toBe(true);
    expect(facts.commits[1]?.verified).toBe(false);
    expect(facts.files).toEqual([
      { path: "src/billing/client.ts", status: "modified", additions: 3, deletions: 1, patch: null },
      { path: "src/billing/old.ts", status: "removed", additions: 3, deletions: 1, patch: null },
    ]);
    expect(facts.reviews).toEqual([
      {
        id: "PRR_1",
        author: { login: "bob", type: "User", id: 501 },
        state: "APPROVED",
        commitSha: HEAD,
        submittedAt: "2026-01-02T11:00:00Z",
        body: "",
        authorCanPush: true,
      },
      {
        id: "PRR_2",
        author: { login: "copilot-pull-request-reviewer[bot]", type: "Bot", id: 175728472 },
        state: "COMMENTED",
        commitSha: null,
        submittedAt: "2026-01-02T10:00:00Z",
        body: "bors r+",
        authorCanPush: false,
      },
    ]);
    expect(facts.comments[0]).toEqual({
      id: "4294968297",
      author: { login: "devin-ai-integration[bot]", type: "Bot", id: 158243242 },
      body: "/merge",
      createdAt: "2026-01-02T11:30:00Z",
      lastEditedAt: "2026-01-02T11:31:00Z",
      editor: { login: "mallory", type: "User", id: 666 },
      viaApp: null,
    });
    expect(facts.comments[2]?.author).toEqual({ login: "ghost", type: "Unknown" });
    expect(facts.timeline).toEqual([
      {
        kind: "assigned",
        actor: { login: "alice", type: "User", id: 100 },
        assignee: { login: "devin-ai-integration[bot]", type: "Bot", id: 200 },
        at: "2026-01-02T09:00:00Z",
      },
      {
        kind: "labeled",
        label: "automerge",
        actor: { login: "mergify[bot]", type: "Bot", id: 10562 },
        viaApp: null,
        at: "2026-01-02T11:45:00Z",
      },
      { kind: "unlabeled", label: "hold", actor: null, viaApp: null, at: "2026-01-02T11:46:00Z" },
      {
        kind: "review_request_removed",
        actor: { login: "devin-ai-integration[bot]", type: "Bot", id: 200 },
        reviewer: "acme/security",
        at: "2026-01-02T11:47:00Z",
      },
      {
        kind: "review_dismissed",
        actor: { login: "devin-ai-integration[bot]", type: "Bot", id: 200 },
        reviewer: "carol",
        at: "2026-01-02T11:48:00Z",
      },
      {
        kind: "auto_merge_enabled",
        actor: { login: "mergify[bot]", type: "Bot", id: 10562 },
        at: "2026-01-02T12:00:00Z",
      },
      {
        kind: "head_ref_force_pushed",
        actor: { login: "old-import", type: "Unknown" },
        at: "2026-01-02T12:05:00Z",
      },
    ]);
    // Oldest first by run id; each run keeps the app that posted it; this app's own run is not a fact about the PR.
    expect(facts.checkRuns).toEqual([
      {
        name: "build",
        status: "completed",
        conclusion: "success",
        app: { slug: "github-actions", id: 15368 },
      },
      {
        name: "CodeQL",
        status: "in_progress",
        conclusion: null,
        app: { slug: "github-code-scanning", id: 15368 },
      },
    ]);
    expect(facts.statuses).toEqual([
      { context: "ci/jenkins", state: "pending", creator: { login: "jenkins-ci", type: "User", id: 300 } },
      {
        context: "security-scan",
        state: "success",
        creator: { login: "github-actions[bot]", type: "Bot", id: 41898282 },
      },
    ]);
    expect(facts.counts).toEqual({
      files: { reported: 2, fetched: 2 },
      commits: { reported: 2, fetched: 2 },
      reviews: { reported: 2, fetched: 2 },
      comments: { reported: 3, fetched: 3 },
      timeline: { reported: 7, fetched: 7 },
      labels: { reported: 2, fetched: 2 },
      checks: { reported: 5, fetched: 5 },
    });
    // Only this app's newest run counts as its own; a run named alike by another app is not.
    expect(ownCheckRun).toEqual({
      id: 90300000000,
      externalId: "7",
      status: "completed",
      conclusion: "action_required",
      title: "Needs 1 approval",
      summary: "…",
    });
    expect(ownComment).toEqual({ id: 4294968298, body: "<!-- agent-policy -->\nWaiting on one approval" });
  });

  it("leaves its own check run out of the facts and keeps another app's run of the same name", async () => {
    const { scope } = github();
    const contexts = [
      checkRunNode("agent-policy", "agent-policy", "FAILURE", 90100000000),
      checkRunNode("agent-policy", "sneaky-ci", "SUCCESS", 90200000000),
      checkRunNode("build", "github-actions", "SUCCESS", 90300000000),
    ];
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ headCommit: headCommit(HEAD, contexts) }),
    }));
    const { facts } = await readPullRequest(octokit(), TARGET, { appSlug: "Agent-Policy" });
    expect(facts.checkRuns.map((c) => `${c.name} by ${c.app?.slug}`)).toEqual([
      "agent-policy by sneaky-ci",
      "build by github-actions",
    ]);
    expect(facts.counts.checks).toEqual({ reported: 3, fetched: 3 });
  });

  it("puts a queued re-run after the success it repeats, whatever GitHub's order (ids past 2^32)", async () => {
    const { scope } = github();
    const rerun = { ...checkRunNode("build", "github-actions", null, 2 ** 33 + 7), status: "QUEUED" };
    const contexts = [rerun, checkRunNode("build", "github-actions", "SUCCESS", 2 ** 33 + 1)];
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ headCommit: headCommit(HEAD, contexts) }),
    }));
    const { facts } = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(facts.checkRuns.map((c) => c.status)).toEqual(["completed", "queued"]);
  });

  it("names the other open PRs of this repository with the same head, and fails closed on a short list", async () => {
    const { scope } = github();
    const head = headCommit(HEAD);
    const commit = head.nodes[0]?.commit as Record<string, unknown>;
    commit.associatedPullRequests = headPulls(HEAD, [
      { number: 7 },
      { number: 12 },
      { number: 3 },
      { number: 9, state: "CLOSED" },
      { number: 4, repo: "evil/fork" },
    ]);
    const moved = headPulls(sha(1), [{ number: 5 }]).nodes;
    (commit.associatedPullRequests as { nodes: unknown[] }).nodes.push(...moved);
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData({ headCommit: head }) }));
    const gathered = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(gathered.sharedHead).toEqual([3, 12]);
    expect(gathered.facts.gaps).toEqual([]);

    const { scope: again } = github();
    const short = headCommit(HEAD);
    (short.nodes[0]?.commit as Record<string, unknown>).associatedPullRequests = {
      ...headPulls(HEAD),
      totalCount: 40,
    };
    onGraphql(again, "AgentPolicyPullRequest", () => ({ data: prData({ headCommit: short }) }));
    const { facts } = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(facts.gaps.join(" ")).toMatch(/40 pull requests with this head commit/);
  });

  it("does not take a marked comment by someone else for its own", async () => {
    const { scope } = github();
    const forged = {
      fullDatabaseId: "5",
      body: "<!-- agent-policy --> all good",
      createdAt: "2026-01-02T11:40:00Z",
      lastEditedAt: null,
      author: userNode("agent-policy"),
      editor: null,
    };
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData({ comments: connection([forged]) }) }));
    const gathered = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(gathered.ownComment).toBeNull();
    expect(gathered.ownCheckRun).toBeNull();
  });

  it("records the shortfall when GitHub lists fewer items than it counts", async () => {
    const { scope } = github();
    const pr = { changedFiles: 5, reviews: connection([null], { total: 1 }), labels: null };
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData(pr) }));
    const { facts } = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(facts.counts.files).toEqual({ reported: 5, fetched: 1 });
    expect(facts.counts.reviews).toEqual({ reported: 1, fetched: 0 });
    expect(facts.gaps).toEqual([
      "GitHub gave no list of the labels of this PR (part of its answer failed). It will be evaluated again.",
    ]);
  });

  it("notes commits naming more co-authors than GitHub returns", async () => {
    const { scope } = github();
    const crowded = commitNode(HEAD, { authors: { totalCount: 12, nodes: [] } });
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData({ commits: connection([crowded]) }) }));
    const { facts } = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(facts.gaps).toEqual([`Commit ${HEAD.slice(0, 7)} names 12 authors; only the first 10 were read.`]);
  });

  it("maps merged and closed states and a deleted fork", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ state: "MERGED", headRepository: null }),
    }));
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData({ state: "CLOSED" }) }));
    const merged = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    const closed = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(merged.facts.state).toBe("merged");
    expect(merged.facts.head.repoFullName).toBe("");
    expect(closed.facts.state).toBe("closed");
  });

  it("names who last edited the body, the ghost when GitHub cannot say, and nobody when it was never edited", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ lastEditedAt: "2026-01-02T09:30:00Z", editor: null }),
    }));
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData() }));
    const ghost = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    const never = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(ghost.facts.bodyEditedBy).toEqual({ login: "ghost", type: "Unknown" });
    expect(never.facts.bodyEditedBy).toBeNull();
  });
});

describe("policy file", () => {
  const read = async (policies: Parameters<typeof prData>[1], tolerated?: unknown[]) => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({}, policies),
      ...(tolerated ? { errors: tolerated } : {}),
    }));
    return readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
  };

  it("comes from the repository's default branch when it has one", async () => {
    const g = await read({ repo: "version: 1\n", org: "version: 1\nrules: []\n" });
    expect(g.policyFile).toEqual({ text: "version: 1\n", source: "acme/app:.github/agent-policy.yml" });
    expect(g.policyKey).toBe(`acme/app@${REPO_COMMIT} acme/.github@${ORG_COMMIT}`);
  });

  it("falls back to the org's .github repository", async () => {
    const g = await read({ repo: null, org: "version: 1\nrules: []\n" });
    expect(g.policyFile).toEqual({
      text: "version: 1\nrules: []\n",
      source: "acme/.github:.github/agent-policy.yml",
    });
  });

  it("is null when neither has one, and the org may have no .github repository", async () => {
    const none = await read({ repo: null, org: null });
    expect(none.policyFile).toBeNull();
    const missing = await read({ repo: null }, [
      {
        type: "NOT_FOUND",
        message: "Could not resolve to a Repository with the name 'acme/.github'.",
        path: ["orgPolicy"],
      },
    ]);
    expect(missing.policyFile).toBeNull();
    expect(missing.policyKey).toBe(`acme/app@${REPO_COMMIT} acme/.github@-`);
  });

  it("changes its key when either default branch moves", async () => {
    const before = await read({ repo: null, org: "a: 1\n" });
    const { scope } = github();
    const moved = prData({}, { repo: null, org: "a: 1\n" });
    moved.repository.defaultBranchRef.target.oid = sha(9);
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: moved }));
    const after = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
    expect(after.policyKey).not.toBe(before.policyKey);
  });

  it("fails when the org policy cannot be read and the repository has none", async () => {
    const forbidden = [
      { type: "FORBIDDEN", message: "Resource not accessible by integration", path: ["orgPolicy"] },
    ];
    await expect(read({ repo: null }, forbidden)).rejects.toMatchObject({
      name: "GatherError",
      fault: { kind: "refused" },
      reason: expect.stringMatching(
        /Could not read the organization policy acme\/\.github:\.github\/agent-policy\.yml \(FORBIDDEN/,
      ),
    });
    // With its own file, the repository does not need the org's.
    const own = await read({ repo: "version: 1\n" }, forbidden);
    expect(own.policyFile?.source).toBe("acme/app:.github/agent-policy.yml");
    expect(own.policyKey).toBe(`acme/app@${REPO_COMMIT} acme/.github@unreadable`);
  });

  it("refuses a policy GitHub truncated, or one that is not a text file", async () => {
    for (const [object, reason] of [
      [{ __typename: "Blob", text: "x", isTruncated: true, isBinary: false }, /too large/],
      [{ __typename: "Blob", text: null, isTruncated: false, isBinary: true }, /is not text/],
      [{ __typename: "Tree" }, /is not a file/],
    ] as const) {
      const { scope } = github();
      const data = prData({}, { repo: "x" });
      (data.repository.defaultBranchRef.target as { file: unknown }).file = { object };
      onGraphql(scope, "AgentPolicyPullRequest", () => ({ data }));
      await expect(readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" })).rejects.toMatchObject({
        reason: expect.stringMatching(reason),
      });
    }
  });
});

describe("normalizeActor", () => {
  it("spells every account as REST and webhooks do", () => {
    expect(normalizeActor({ __typename: "Bot", login: "dependabot", databaseId: 49699333 })).toEqual({
      login: "dependabot[bot]",
      type: "Bot",
      id: 49699333,
    });
    expect(normalizeActor({ __typename: "Bot", login: "renovate[bot]" })?.login).toBe("renovate[bot]");
    expect(normalizeActor({ __typename: "Bot", login: "copilot-swe-agent", databaseId: 198982749 })).toEqual({
      login: "Copilot",
      type: "Bot",
      id: 198982749,
    });
    expect(normalizeActor({ __typename: "Bot", login: "Copilot" })?.login).toBe("Copilot");
    expect(normalizeActor({ __typename: "User", login: "alice" })).toEqual({ login: "alice", type: "User" });
    expect(normalizeActor({ __typename: "Organization", login: "acme" })?.type).toBe("Organization");
    expect(normalizeActor({ __typename: "Mannequin", login: "imported" })?.type).toBe("Unknown");
    expect(normalizeActor(null)).toBeNull();
  });
});
