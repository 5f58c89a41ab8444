import nock from "nock";
import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { bound, MAX_RETRIES, type RequestBudget, RequestTimeoutError } from "../../src/app/requests.js";
import { offline } from "../support/nock.js";

const API = "https://api.github.com";

/** Probot's octokit with retries ON (fast backoff) and throttling off, as in production minus the waits. */
function octokit(budget: RequestBudget, counted: string[] = []) {
  const o = new ProbotOctokit({
    auth: "token test",
    retry: {
      retries: MAX_RETRIES,
      retryAfterBaseValue: 1,
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: { enabled: false },
  });
  return bound(o, budget, () => counted.push("request"));
}

const budget = (over: Partial<RequestBudget> = {}): RequestBudget => ({
  timeoutMs: 2_000,
  deadline: null,
  count: 0,
  ...over,
});

offline();

describe("bound", () => {
  it("retries reads and GraphQL queries at most twice", async () => {
    const scope = nock(API)
      .get("/repos/o/r/pulls/1")
      .times(3)
      .reply(502, { message: "Bad Gateway" })
      .post("/graphql")
      .twice()
      .reply(500, { message: "oops" })
      .post("/graphql")
      .reply(200, { data: { ok: true } });
    const b = budget();
    const o = octokit(b);
    await expect(o.rest.pulls.get({ owner: "o", repo: "r", pull_number: 1 })).rejects.toMatchObject({
      status: 502,
    });
    await expect(o.graphql("query { ok }")).resolves.toEqual({ ok: true });
    expect(scope.isDone()).toBe(true);
    expect(b.count).toBe(2); // one logical request each, retries inside
  });

  it("never repeats an answer that will not change: a 404 or a 422 is one request", async () => {
    const scope = nock(API)
      .get("/repos/o/r/branches/main/protection")
      .once()
      .reply(404, { message: "Branch not protected" })
      .get("/repos/o/r/pulls/2")
      .once()
      .reply(422, { message: "Validation Failed" });
    const o = octokit(budget());
    await expect(o.request("GET /repos/o/r/branches/main/protection")).rejects.toMatchObject({ status: 404 });
    await expect(o.rest.pulls.get({ owner: "o", repo: "r", pull_number: 2 })).rejects.toMatchObject({
      status: 422,
    });
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("never retries a creation or a mutation, which could duplicate a check run or comment", async () => {
    const scope = nock(API)
      .post("/repos/o/r/check-runs")
      .once()
      .reply(502, {})
      .post("/graphql")
      .once()
      .reply(502, {});
    const o = octokit(budget());
    await expect(
      o.rest.checks.create({ owner: "o", repo: "r", name: "x", head_sha: "a" }),
    ).rejects.toMatchObject({ status: 502 });
    await expect(o.graphql("mutation { x }")).rejects.toMatchObject({ status: 502 });
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("ends a call that hangs with a timeout naming the request", async () => {
    nock(API).get("/repos/o/r/pulls/1").delay(1_000).reply(200, {});
    const started = Date.now();
    const err = await octokit(budget({ timeoutMs: 100 }))
      .rest.pulls.get({ owner: "o", repo: "r", pull_number: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as Error).message).toMatch(
      /GET \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\} timed out after 100 ms/,
    );
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("refuses to start a call once the evaluation's deadline has passed", async () => {
    const counted: string[] = [];
    const o = octokit(budget({ deadline: Date.now() - 1 }), counted);
    await expect(o.rest.pulls.get({ owner: "o", repo: "r", pull_number: 1 })).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
    expect(counted).toEqual([]);
  });
});

describe("bound with a token refresh", () => {
  const refreshing = (b: RequestBudget, refreshes: string[]) =>
    bound(
      new ProbotOctokit({ auth: "token test", retry: { enabled: false }, throttle: { enabled: false } }),
      b,
      () => {},
      async () => {
        refreshes.push("refresh");
      },
    );

  it("fetches the token again once on a 401 and repeats the call", async () => {
    const scope = nock(API)
      .get("/repos/o/r")
      .reply(401, { message: "Bad credentials" })
      .get("/repos/o/r")
      .reply(200, { name: "r" });
    const refreshes: string[] = [];
    const { data } = await refreshing(budget(), refreshes).request("GET /repos/o/r");
    expect(data).toEqual({ name: "r" });
    expect(refreshes).toEqual(["refresh"]);
    expect(scope.isDone()).toBe(true);
  });

  it("does not refresh again when GitHub keeps refusing, nor for other errors", async () => {
    nock(API)
      .get("/repos/o/r")
      .twice()
      .reply(401, { message: "Bad credentials" })
      .get("/repos/o/s")
      .twice()
      .reply(401, { message: "Bad credentials" })
      .get("/repos/o/t")
      .reply(403, { message: "Forbidden" });
    const refreshes: string[] = [];
    const o = refreshing(budget(), refreshes);
    await expect(o.request("GET /repos/o/r")).rejects.toMatchObject({ status: 401 });
    await expect(o.request("GET /repos/o/s")).rejects.toMatchObject({ status: 401 });
    await expect(o.request("GET /repos/o/t")).rejects.toMatchObject({ status: 403 });
    expect(refreshes).toEqual(["refresh"]);
  });
});
