import { describe, expect, it } from "vitest";
import { readPullRequest } from "../../src/github/gather.js";
import { offline } from "../support/nock.js";
import {
  API,
  botNode,
  connection,
  github,
  octokit,
  onGraphql,
  prData,
  TARGET,
  userNode,
} from "./gather-fixtures.js";

offline();

const read = () => readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
const app = { id: 1143301, slug: "copilot-swe-agent", name: "Copilot" };

/** Copilot's PR as GraphQL reports it: author `copilot-swe-agent` (a Bot), a bot-made label, a bot comment. */
const copilotPr = () =>
  prData({
    author: botNode("copilot-swe-agent", 198982749),
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
        actor: botNode("copilot-swe-agent", 198982749),
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
    actor: { login: "alice", type: "User", id: 1 },
    created_at: "2026-01-02T09:59:00Z",
    performed_via_github_app: null,
  },
  {
    id: 2,
    event: "copilot_work_started",
    actor: { login: "alice", type: "User", id: 1 },
    created_at: "2026-01-02T10:00:00Z",
    performed_via_github_app: null,
  },
  {
    id: 3,
    event: "labeled",
    actor: { login: "alice", type: "User", id: 1 },
    created_at: "2026-01-02T10:05:00Z",
    label: { name: "ready-to-merge", color: "00ff00" },
    performed_via_github_app: app,
  },
];
const restPage2 = [
  {
    id: 3000000042,
    event: "commented",
    actor: { login: "alice", type: "User", id: 1 },
    created_at: "2026-01-02T10:10:00Z",
    performed_via_github_app: app,
  },
  { sha: "abc", event: "committed", author: { name: "x", email: "y" } },
];

describe("Copilot's requester", () => {
  it("reads the REST timeline for Copilot's PRs, paged, and merges it oldest first", async () => {
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

    const { facts } = await read();
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

  it("makes no extra request for anyone else's PR, bots included", async () => {
    for (const author of [
      userNode("alice"),
      botNode("devin-ai-integration"),
      botNode("copilot-pull-request-reviewer"),
    ]) {
      const { scope, requests } = github();
      onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData({ author }) }));
      const { facts } = await read();
      expect(requests).toHaveLength(1);
      expect(facts.timeline).toEqual([]);
    }
  });

  it("fails with a reason when the timeline cannot be read", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: copilotPr() }));
    scope.get("/repos/acme/app/issues/7/timeline").query(true).reply(502, { message: "Bad Gateway" });
    await expect(read()).rejects.toMatchObject({
      name: "GatherError",
      retryable: true,
      reason: expect.stringMatching(/reading the timeline of acme\/app#7: HTTP 502/),
    });
  });
});
