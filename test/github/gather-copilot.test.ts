import { describe, expect, it } from "vitest";
import { decide } from "../../src/app/decide.js";
import { PolicyCache } from "../../src/app/policies.js";
import { createPeopleCaches, readAppAttribution, readPullRequest } from "../../src/github/gather.js";
import { offline } from "../support/nock.js";
import {
  API,
  botNode,
  commitNode,
  connection,
  github,
  HEAD,
  octokit,
  onGraphql,
  prData,
  TARGET,
  userNode,
} from "./gather-fixtures.js";

offline();

const read = () => readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
const app = { id: 1143301, slug: "copilot-swe-agent", name: "Copilot" };
const COPILOT = botNode("copilot-swe-agent", 198982749);
const ALICE = { login: "alice", type: "User", id: 1 };

/** Copilot's PR as GraphQL reports it: author `copilot-swe-agent` (a Bot), a label and a command by alice. */
const copilotPr = () =>
  prData({
    author: COPILOT,
    timelineItems: connection([
      {
        __typename: "LabeledEvent",
        createdAt: "2026-01-02T10:05:00Z",
        actor: userNode("alice", 1),
        label: { name: "ready-to-merge" },
      },
      {
        __typename: "ReadyForReviewEvent",
        createdAt: "2026-01-02T10:20:00Z",
        actor: COPILOT,
      },
    ]),
    comments: connection([
      {
        fullDatabaseId: "3000000042",
        body: "/deploy",
        createdAt: "2026-01-02T10:10:00Z",
        lastEditedAt: null,
        author: userNode("alice", 1),
        editor: null,
      },
    ]),
  });

const restTimeline = [
  {
    id: 1,
    event: "assigned",
    actor: ALICE,
    created_at: "2026-01-02T09:59:00Z",
    performed_via_github_app: null,
  },
  {
    id: 2,
    event: "copilot_work_started",
    actor: ALICE,
    created_at: "2026-01-02T10:00:00Z",
    performed_via_github_app: null,
  },
  {
    id: 3,
    event: "labeled",
    actor: ALICE,
    created_at: "2026-01-02T10:05:00Z",
    label: { name: "ready-to-merge", color: "00ff00" },
    performed_via_github_app: app,
  },
];
const restPage2 = [
  {
    id: 3000000042,
    event: "commented",
    actor: ALICE,
    created_at: "2026-01-02T10:10:00Z",
    performed_via_github_app: app,
  },
  { sha: "abc", event: "committed", author: { name: "x", email: "y" } },
];

describe("the REST timeline", () => {
  it("is not part of the read, for Copilot's PRs or anyone's: GraphQL answers alone", async () => {
    for (const author of [COPILOT, userNode("alice"), botNode("devin-ai-integration")]) {
      const { scope, requests } = github();
      onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData({ author }) }));
      const { facts } = await read();
      expect(requests).toHaveLength(1);
      expect(facts.timeline).toEqual([]);
    }
  });

  it("when read, is paged and merged oldest first: Copilot's requester and the App behind a label and a comment", async () => {
    const { scope, requests } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: copilotPr() }));
    scope
      .get("/repos/acme/app/issues/7/timeline")
      .query({ per_page: "100" })
      .reply(200, restTimeline, {
        link: `<${API}/repositories/1/issues/7/timeline?per_page=100&page=2>; rel="next"`,
      })
      .get("/repositories/1/issues/7/timeline")
      .query({ per_page: "100", page: "2" })
      .reply(200, restPage2);

    const gathered = await read();
    const facts = await readAppAttribution(octokit(), TARGET, gathered.facts);
    expect(requests).toHaveLength(3);
    expect(facts.author).toEqual({ login: "Copilot", type: "Bot", id: 198982749 });
    expect(facts.timeline).toEqual([
      {
        kind: "copilot_work_started",
        actor: { login: "alice", type: "User", id: 1 },
        at: "2026-01-02T10:00:00Z",
      },
      {
        kind: "labeled",
        label: "ready-to-merge",
        actor: { login: "alice", type: "User", id: 1 },
        viaApp: { slug: "copilot-swe-agent", id: 1143301 },
        at: "2026-01-02T10:05:00Z",
      },
      {
        kind: "ready_for_review",
        actor: { login: "Copilot", type: "Bot", id: 198982749 },
        at: "2026-01-02T10:20:00Z",
      },
    ]);
    expect(facts.comments[0]?.viaApp).toEqual({ slug: "copilot-swe-agent", id: 1143301 });
    expect(facts.counts.timeline).toEqual({ reported: 2, fetched: 2 });
  });

  it("fails with a reason when it cannot be read", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: copilotPr() }));
    scope.get("/repos/acme/app/issues/7/timeline").query(true).reply(502, { message: "Bad Gateway" });
    const { facts } = await read();
    await expect(readAppAttribution(octokit(), TARGET, facts)).rejects.toMatchObject({
      name: "GatherError",
      reason: expect.stringMatching(/reading the timeline of acme\/app#7: HTTP 502/),
    });
  });
});

describe("deciding a Copilot PR reads the REST timeline only when its requester could matter", () => {
  const review = (login: string, oid: string) => ({
    id: `PRR_${login}`,
    state: "APPROVED",
    body: "",
    submittedAt: "2026-01-02T11:00:00Z",
    createdAt: "2026-01-02T11:00:00Z",
    author: userNode(login, login === "alice" ? 1 : 2),
    commit: { oid },
    authorCanPushToRepository: true,
  });
  const OLDER = "e".repeat(40);
  const restFiles = [
    {
      sha: null,
      filename: "src/billing/client.ts",
      status: "modified",
      additions: 3,
      deletions: 1,
      changes: 4,
    },
  ];

  /** One decision of Copilot's PR with these reviews; the routes GitHub answered, and the decision. */
  async function decideWith(reviews: unknown[], timeline: unknown[] | null) {
    const { scope, requests } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({
        author: COPILOT,
        commits: connection([commitNode(OLDER), commitNode(HEAD)]),
        reviews: connection(reviews),
      }),
    }));
    scope.get("/repos/acme/app/pulls/7/files").query(true).reply(200, restFiles);
    if (timeline) scope.get("/repos/acme/app/issues/7/timeline").query(true).reply(200, timeline);
    const env = {
      appSlug: async () => "agent-policy",
      policies: new PolicyCache(),
      people: createPeopleCaches(),
    };
    const outcome = await decide(octokit(), TARGET, env);
    if (!outcome.ok) throw new Error(outcome.reasons.join("; "));
    return {
      paths: requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, "")}`),
      decision: outcome.decision,
    };
  }

  it("not when nobody approved yet: one GraphQL read and the file list", async () => {
    const { paths, decision } = await decideWith([], null);
    expect(paths).toEqual(["POST /graphql", "GET /repos/acme/app/pulls/7/files"]);
    expect(decision.verdict).toBe("action_required");
  });

  it("not for approvals of an older commit, which neither count nor clear anything", async () => {
    const { paths, decision } = await decideWith([review("alice", OLDER)], null);
    expect(paths).not.toContain("GET /repos/acme/app/issues/7/timeline");
    expect(decision.reviews).toEqual([expect.objectContaining({ reviewer: "alice", counted: false })]);
  });

  it("when a person approved the head: the work's starter is the requester, whose approval does not count", async () => {
    const started = restTimeline.filter((e) => e.event === "copilot_work_started");
    const { paths, decision } = await decideWith([review("alice", HEAD), review("bob", HEAD)], started);
    expect(paths).toEqual([
      "POST /graphql",
      "GET /repos/acme/app/issues/7/timeline",
      "GET /repos/acme/app/pulls/7/files",
    ]);
    expect(decision.identity.requesters.map((r) => r.login)).toEqual(["alice"]);
    expect(decision.reviews).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          reviewer: "alice",
          counted: false,
          reason: expect.stringMatching(/requester/),
        }),
        expect.objectContaining({ reviewer: "bob", counted: true }),
      ]),
    );
  });
});
