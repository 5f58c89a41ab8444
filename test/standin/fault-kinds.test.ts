/**
 * The fault kinds the fault matrix (test/e2e/fault-matrix.test.ts) puts under the app, each answered
 * the way GitHub or the network fails: checked here with plain HTTP and an unretrying Octokit.
 */
import jwt from "jsonwebtoken";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  faultKindsFor,
  HTTP_FAULTS,
  onCall,
  type StandIn,
  startStandIn,
  TOKEN_CALL,
} from "../../tools/github-standin/index.js";
import { type Client, installationClient, installationToken } from "./support.js";

let standIn: StandIn;
let gh: Client;
let installation: number;
const pull = { owner: "acme", repo: "web", pull_number: 1 };
const PR_FILES = "GET /repos/{owner}/{repo}/pulls/{number}/files";
const PR_QUERY = `query Gate($owner: String!, $repo: String!) {
  repository(owner: $owner, name: $repo) {
    nameWithOwner
    pullRequest(number: 1) { title labels(first: 10) { totalCount nodes { name } } reviews(first: 10) { totalCount } }
  }
}`;

beforeEach(async () => {
  standIn = await startStandIn();
  const repo = standIn.store.addRepo({ owner: "acme", name: "web" });
  installation = repo.installationId ?? 0;
  standIn.store.addPullRequest(repo.fullName, {
    title: "t",
    author: "alice",
    head: "t",
    labels: ["bug"],
    files: [{ filename: "a.ts", status: "added", patch: "@@ -0,0 +1 @@\n+a" }],
  });
  gh = await installationClient(standIn, installation);
});
afterEach(() => standIn.close());

function appJwt(): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ iat: now - 30, exp: now + 540, iss: standIn.appId }, standIn.privateKey ?? "", {
    algorithm: "RS256",
  });
}

async function raw(path: string, init: RequestInit = {}): Promise<Response> {
  const token = await installationToken(standIn, installation);
  return fetch(`${standIn.url}${path}`, {
    ...init,
    headers: { authorization: `token ${token}`, "content-type": "application/json", ...init.headers },
  });
}

const gql = (query: string) =>
  raw("/api/graphql", {
    method: "POST",
    body: JSON.stringify({ query, variables: { owner: "acme", repo: "web" } }),
  });

describe("calls are named the same way for every request of their kind", () => {
  it("logs REST calls by route template and GraphQL ones by operation", async () => {
    await gh.rest.pulls.listFiles(pull);
    await gh.graphql(PR_QUERY, { owner: "acme", repo: "web" });
    await gh.graphql('query($o: String!) { repository(owner: $o, name: "web") { id } }', { o: "acme" });
    const calls = standIn.requests.entries.map((e) => e.call);
    expect(calls).toEqual([TOKEN_CALL, PR_FILES, "POST /graphql Gate", "POST /graphql query repository"]);
    expect(faultKindsFor("POST /graphql Gate")).toContain("graphql_partial");
    expect(faultKindsFor(TOKEN_CALL)).toContain("token_missing");
    expect(faultKindsFor(PR_FILES)).toEqual([...HTTP_FAULTS]);
  });
});

describe("HTTP fault kinds", () => {
  it("500 and 502 answer GitHub's server error", async () => {
    standIn.faults.add({ match: onCall(PR_FILES), kind: "500", times: 1 });
    standIn.faults.add({ match: onCall(PR_FILES), kind: "502", times: 1 });
    await expect(gh.rest.pulls.listFiles(pull)).rejects.toMatchObject({ status: 500 });
    await expect(gh.rest.pulls.listFiles(pull)).rejects.toMatchObject({ status: 502 });
    await expect(gh.rest.pulls.listFiles(pull)).resolves.toMatchObject({ status: 200 });
  });

  it("rate limits: primary 403 with remaining 0 and a near reset; secondary 403 and 429 with retry-after", async () => {
    const fault = standIn.faults.add({ match: onCall(PR_FILES), kind: "rate_limit", waitS: 1, times: 1 });
    const primary = await raw("/api/v3/repos/acme/web/pulls/1/files");
    expect(primary.status).toBe(403);
    expect(primary.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(primary.headers.get("x-ratelimit-reset"))).toBeLessThanOrEqual(
      Math.ceil(Date.now() / 1000) + 1,
    );
    expect(fault.hits).toBe(1);
    for (const [kind, status] of [
      ["secondary_rate_limit", 403],
      ["rate_limit_429", 429],
    ] as const) {
      standIn.faults.add({ match: onCall(PR_FILES), kind, waitS: 1, times: 1 });
      const answer = await raw("/api/v3/repos/acme/web/pulls/1/files");
      expect(answer.status).toBe(status);
      expect(answer.headers.get("retry-after")).toBe("1");
      expect(((await answer.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    }
  });

  it("reset destroys the connection without an answer", async () => {
    standIn.faults.add({ match: onCall(PR_FILES), kind: "reset", times: 1 });
    await expect(gh.rest.pulls.listFiles(pull)).rejects.toMatchObject({ status: 500 });
    expect(standIn.requests.entries.at(-1)).toMatchObject({ fault: "reset", status: null });
    await expect(gh.rest.pulls.listFiles(pull)).resolves.toMatchObject({ status: 200 });
  });

  it("wrong_shape does the work and answers valid JSON of another shape", async () => {
    standIn.faults.add({ match: onCall(PR_FILES), kind: "wrong_shape", times: 1 });
    standIn.faults.add({
      match: onCall("DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}"),
      kind: "wrong_shape",
    });
    const list = await gh.rest.pulls.listFiles(pull);
    expect(list.data).toMatchObject({ total_count: 1, items: [{ filename: "a.ts" }] });
    const removed = await gh.rest.issues.removeLabel({
      owner: "acme",
      repo: "web",
      issue_number: 1,
      name: "bug",
    });
    expect(removed.data).toMatchObject({ total_count: 0, items: [] });
    expect(standIn.store.pull("acme/web", 1).labels).toEqual([]);
  });
});

describe("GraphQL fault kinds: HTTP 200 with errors", () => {
  it("graphql_internal and graphql_untyped answer no data and GitHub's error", async () => {
    standIn.faults.add({ match: onCall("POST /graphql Gate"), kind: "graphql_internal", times: 1 });
    standIn.faults.add({ match: onCall("POST /graphql Gate"), kind: "graphql_untyped", times: 1 });
    const typed = await gql(PR_QUERY);
    expect(typed.status).toBe(200);
    expect(await typed.json()).toMatchObject({
      data: null,
      errors: [{ type: "INTERNAL", message: expect.stringMatching(/^Something went wrong/) }],
    });
    const untyped = (await (await gql(PR_QUERY)).json()) as { errors: Record<string, unknown>[] };
    expect(untyped.errors[0]).not.toHaveProperty("type");
    expect(untyped.errors[0]?.message).toMatch(/Please include `[0-9A-F:]+` when reporting this issue/);
  });

  it("graphql_partial nulls the deepest nullable connection and says where", async () => {
    standIn.faults.add({ match: onCall("POST /graphql Gate"), kind: "graphql_partial" });
    const body = (await (await gql(PR_QUERY)).json()) as {
      data: { repository: { nameWithOwner: string; pullRequest: Record<string, unknown> } };
      errors: { path: string[] }[];
    };
    expect(body.data.repository.nameWithOwner).toBe("acme/web");
    const lost = body.errors[0]?.path ?? [];
    expect(lost.slice(0, 2)).toEqual(["repository", "pullRequest"]);
    expect(["labels", "reviews"]).toContain(lost[2]);
    expect(body.data.repository.pullRequest[lost[2] as string]).toBeNull();
    expect(body.data.repository.pullRequest.title).toBe("t");
  });

  it("graphql_rate_limited answers RATE_LIMITED with the rate-limit headers; Octokit sees a rate limit", async () => {
    standIn.faults.add({ match: onCall("POST /graphql Gate"), kind: "graphql_rate_limited", waitS: 1 });
    const answer = await gql(PR_QUERY);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(await answer.json()).toMatchObject({ errors: [{ type: "RATE_LIMITED" }] });
    await expect(gh.graphql(PR_QUERY, { owner: "acme", repo: "web" })).rejects.toMatchObject({
      name: "GraphqlResponseError",
    });
  });

  it("wrong_shape wraps every field under data in a list", async () => {
    standIn.faults.add({ match: onCall("POST /graphql Gate"), kind: "wrong_shape" });
    const body = (await (await gql(PR_QUERY)).json()) as { data: { repository: unknown } };
    expect(body.data.repository).toEqual([expect.objectContaining({ nameWithOwner: "acme/web" })]);
  });
});

describe("installation token faults: the app's JWT call can be matched", () => {
  it.each([
    ["token_missing", undefined],
    ["token_not_string", "number"],
  ] as const)("%s answers 201 without a usable token", async (kind, type) => {
    const fault = standIn.faults.add({ match: onCall(TOKEN_CALL, installation), kind, times: 1 });
    const post = () =>
      fetch(`${standIn.baseUrl}/app/installations/${installation}/access_tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${appJwt()}` },
      });
    const first = await post();
    expect(first.status).toBe(201);
    const body = (await first.json()) as Record<string, unknown>;
    expect(typeof body.token).toBe(type ?? "undefined");
    expect(body).toMatchObject({ expires_at: expect.any(String), repository_selection: "selected" });
    expect(fault.hits).toBe(1);
    expect(typeof ((await (await post()).json()) as Record<string, unknown>).token).toBe("string");
  });

  it("a fault for another installation leaves this one alone", async () => {
    standIn.faults.add({ match: onCall(TOKEN_CALL, installation + 1), kind: "500" });
    await expect(installationClient(standIn, installation)).resolves.toBeDefined();
  });
});
