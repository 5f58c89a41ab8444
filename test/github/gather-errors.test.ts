import { describe, expect, it } from "vitest";
import { GatherError, readPullRequest } from "../../src/github/gather.js";
import { faultHeadline } from "../../src/github/gather-errors.js";
import { offline } from "../support/nock.js";
import {
  connection,
  fileNode,
  github,
  headCommit,
  octokit,
  onGraphql,
  prData,
  sha,
  TARGET,
} from "./gather-fixtures.js";

offline();

const read = () => readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });

async function failure(): Promise<GatherError> {
  const err = await read().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatherError);
  return err as GatherError;
}

describe("readPullRequest failures", () => {
  it("names network faults, server errors and rate limits as passing faults", async () => {
    const { scope } = github();
    scope.post("/graphql").replyWithError("socket hang up");
    expect(await failure()).toMatchObject({
      fault: { kind: "unavailable" },
      reason: expect.stringContaining("reading acme/app#7: network error"),
    });
    scope.post("/graphql").reply(502, { message: "Bad Gateway" });
    expect(await failure()).toMatchObject({
      fault: { kind: "unavailable" },
      reason: expect.stringContaining("HTTP 502"),
    });
    const reset = Math.floor(Date.now() / 1000) + 600;
    scope
      .post("/graphql")
      .reply(
        403,
        { message: "API rate limit exceeded" },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      );
    const limited = await failure();
    expect(limited.fault).toEqual({ kind: "rate_limited", until: reset * 1000 });
    expect(faultHeadline(limited.fault, "Could not read the pull request")).toBe(
      `Rate limited by GitHub until ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC: could not read the pull request`,
    );
    scope
      .post("/graphql")
      .reply(200, { data: null, errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] });
    expect((await failure()).fault?.kind).toBe("rate_limited");
    scope.post("/graphql").reply(200, {
      data: null,
      errors: [
        {
          message: "Something went wrong while executing your query. This may be the result of a timeout.",
        },
      ],
    });
    const flaky = await failure();
    expect(flaky.fault?.kind).toBe("unavailable");
    expect(faultHeadline(flaky.fault, "Could not read the pull request")).toBe(
      "GitHub unavailable: could not read the pull request",
    );
  });

  it("calls what will fail again a refusal, and keeps the plain headline for it", async () => {
    const { scope } = github();
    scope.post("/graphql").reply(401, { message: "Bad credentials" });
    expect(await failure()).toMatchObject({
      fault: { kind: "refused" },
      reason: expect.stringContaining("refused the app's credentials"),
    });
    scope.post("/graphql").reply(403, { message: "Resource not accessible by integration" });
    const denied = await failure();
    expect(denied.fault?.kind).toBe("refused");
    expect(faultHeadline(denied.fault, "Could not read the pull request")).toBe(
      "Could not read the pull request",
    );
    scope.post("/graphql").reply(200, {
      data: null,
      errors: [
        {
          message: "Field 'x' doesn't exist on type 'PullRequest'",
          extensions: { code: "undefinedField" },
        },
      ],
    });
    expect((await failure()).fault?.kind).toBe("refused");
  });

  it("says which pull request or repository GitHub does not know", async () => {
    const { scope } = github();
    scope.post("/graphql").reply(200, {
      data: { repository: { pullRequest: null }, orgPolicy: null },
      errors: [
        {
          type: "NOT_FOUND",
          message: "Could not resolve to a PullRequest with the number of 7.",
          path: ["repository", "pullRequest"],
        },
      ],
    });
    expect(await failure()).toMatchObject({
      fault: null,
      reason: "GitHub returned no pull request #7 for acme/app",
    });
    scope.post("/graphql").reply(200, {
      data: { repository: null, orgPolicy: null },
      errors: [
        {
          type: "NOT_FOUND",
          message: "Could not resolve to a Repository with the name 'acme/app'.",
          path: ["repository"],
        },
      ],
    });
    expect((await failure()).reason).toMatch(/^GitHub returned no repository acme\/app/);
    const nullPr = prData();
    (nullPr.repository as { pullRequest: unknown }).pullRequest = null;
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: nullPr }));
    expect(await failure()).toMatchObject({
      fault: null,
      reason: "GitHub returned no pull request #7 for acme/app",
    });
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: { repository: null, orgPolicy: null } }));
    expect((await failure()).reason).toBe("GitHub returned no repository acme/app");
  });

  it("rejects malformed answers with where they went wrong", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ files: connection([{ ...fileNode("a.ts"), changeType: "EXPLODED" }]) }),
    }));
    expect(await failure()).toMatchObject({
      fault: { kind: "malformed" },
      reason: expect.stringContaining(
        "unexpected shape while reading acme/app#7: repository.pullRequest.files.nodes.0.changeType",
      ),
    });
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData({ headRefOid: "not-a-sha" }) }));
    expect((await failure()).reason).toContain("repository.pullRequest.headRefOid: expected a commit SHA");
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({
        timelineItems: connection([
          { __typename: "MergedEvent", createdAt: "2026-01-02T10:00:00Z", actor: null },
        ]),
      }),
    }));
    expect((await failure()).reason).toContain("repository.pullRequest.timelineItems.nodes.0");
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: "<html>" }));
    expect((await failure()).reason).toContain("unexpected shape");
  });

  it("treats errors outside the org policy as fatal even with partial data", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData(),
      errors: [
        {
          type: "FORBIDDEN",
          message: "Resource not accessible by integration",
          path: ["repository", "pullRequest", "reviews"],
        },
      ],
    }));
    expect(await failure()).toMatchObject({
      fault: { kind: "refused" },
      reason: expect.stringContaining(
        "FORBIDDEN: Resource not accessible by integration (at repository.pullRequest.reviews)",
      ),
    });
  });

  it("fails when a further page cannot be read", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ changedFiles: 101, files: connection([fileNode("a.ts")], { total: 101, next: "F1" }) }),
    }));
    scope.post("/graphql").reply(500, { message: "Server Error" });
    expect(await failure()).toMatchObject({
      fault: { kind: "unavailable" },
      reason: expect.stringContaining("reading more files of acme/app#7"),
    });
  });

  it("fails when GitHub no longer has the head commit", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({ data: prData({ headCommit: headCommit(sha(3)) }) }));
    onGraphql(scope, "AgentPolicyHeadChecks", () => ({ data: { repository: { object: null } } }));
    expect(await failure()).toMatchObject({
      fault: { kind: "unavailable" },
      reason: expect.stringContaining("GitHub has no head commit"),
    });
  });
});
