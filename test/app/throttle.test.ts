/**
 * The app's own pacing of GitHub requests (src/app/throttle.ts): writes of one installation one at a
 * time and a spacing apart, reads unspaced, installations independent, rate limits waited out when
 * the call's budget allows and passed on (with nothing more sent on that quota) when it does not.
 */
import nock from "nock";
import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { LocalPacer, Throttle, type WaitReason } from "../../src/app/throttle.js";
import { offline } from "../support/nock.js";
import { API, githubReads, testApp, tokenFor } from "./support/github.js";
import { OWNER, pullRequestEvent, REPO } from "./support/payloads.js";

offline();

const SPACING = 300;

function throttled(installation: string, budgetMs = 5_000) {
  const waits: WaitReason[] = [];
  const throttle = new Throttle({
    pacer: new LocalPacer(),
    writeSpacingMs: SPACING,
    readConcurrency: 4,
    onWait: (reason) => waits.push(reason),
  });
  const make = (key: string) =>
    throttle.install(
      new ProbotOctokit({ auth: "ghs_test", throttle: { enabled: false }, retry: { enabled: false } }),
      key,
      () => budgetMs,
    );
  return { octokit: make(installation), other: make(`${installation}-other`), waits };
}

/** Replies 200 and records when each request reached GitHub and when it was answered. */
function timed(scope: nock.Interceptor, log: { at: number; end: number }[], delayMs = 0): nock.Scope {
  return scope.reply(200, async () => {
    const at = Date.now();
    await new Promise((r) => setTimeout(r, delayMs));
    log.push({ at, end: Date.now() });
    return {};
  });
}

describe("pacing", () => {
  it("sends reads of one installation at once, without spacing", async () => {
    const { octokit, waits } = throttled("1");
    const log: { at: number; end: number }[] = [];
    for (let i = 0; i < 4; i++) timed(nock(API).get(`/repos/o/r/issues/${i}`), log, 50);
    const started = Date.now();
    await Promise.all([0, 1, 2, 3].map((i) => octokit.request("GET /repos/o/r/issues/{n}", { n: i })));
    expect(Math.max(...log.map((l) => l.at)) - started).toBeLessThan(SPACING / 2);
    expect(waits).toEqual([]);
  });

  it("sends GraphQL queries as reads and mutations as writes", async () => {
    const { octokit } = throttled("2");
    const log: { at: number; end: number }[] = [];
    for (let i = 0; i < 4; i++) timed(nock(API).post("/graphql"), log);
    await Promise.all([
      octokit.graphql("query { viewer { login } }"),
      octokit.graphql("query { viewer { id } }"),
      octokit.graphql("mutation { a: addComment(input: {}) { clientMutationId } }"),
      octokit.graphql("mutation { b: addComment(input: {}) { clientMutationId } }"),
    ]);
    const starts = log.map((l) => l.at).sort((a, b) => a - b);
    // Two queries at once, then the two mutations a spacing apart.
    expect((starts[1] as number) - (starts[0] as number)).toBeLessThan(SPACING / 2);
    // (Measured where nock answers, a few ms after the throttle let each go.)
    expect((starts[3] as number) - (starts[2] as number)).toBeGreaterThanOrEqual(SPACING - 30);
  });

  it("sends one installation's writes one at a time, each a spacing after the previous answer, and another installation's at once", async () => {
    const { octokit, other, waits } = throttled("3");
    const mine: { at: number; end: number }[] = [];
    const theirs: { at: number; end: number }[] = [];
    for (let i = 0; i < 3; i++) timed(nock(API).post(`/repos/o/r/check-runs`), mine, SPACING + 100);
    timed(nock(API).post("/repos/x/y/check-runs"), theirs);
    const started = Date.now();
    await Promise.all([
      ...[0, 1, 2].map(() =>
        octokit.request("POST /repos/{owner}/{repo}/check-runs", {
          owner: "o",
          repo: "r",
          name: "c",
          head_sha: "a",
        }),
      ),
      other.request("POST /repos/{owner}/{repo}/check-runs", {
        owner: "x",
        repo: "y",
        name: "c",
        head_sha: "a",
      }),
    ]);
    const sorted = [...mine].sort((a, b) => a.at - b.at);
    for (let i = 1; i < sorted.length; i++) {
      const [before, after] = [sorted[i - 1], sorted[i]] as [{ end: number }, { at: number; end: number }];
      expect(after.at - before.end).toBeGreaterThanOrEqual(SPACING - 5);
    }
    expect((theirs[0]?.at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(SPACING / 2);
    expect(waits).toContain("write_concurrency");
  });
});

it("lets a call its budget gave up leave the write queue at once, without taking a turn", async () => {
  const { octokit } = throttled("7");
  const log: { at: number; end: number }[] = [];
  for (let i = 0; i < 2; i++) timed(nock(API).post("/repos/o/r/check-runs"), log);
  const write = (signal?: AbortSignal) =>
    octokit.request("POST /repos/{owner}/{repo}/check-runs", {
      owner: "o",
      repo: "r",
      name: "c",
      head_sha: "a",
      request: signal ? { signal } : {},
    });
  await write();
  const abandoned = new AbortController();
  const given = write(abandoned.signal);
  setTimeout(() => abandoned.abort(new Error("budget spent")), 50);
  const started = Date.now();
  await expect(given).rejects.toThrow("budget spent");
  expect(Date.now() - started).toBeLessThan(SPACING / 2);
  // The next write goes a spacing after the first one's answer, not after the abandoned one's turn.
  await write();
  expect(log).toHaveLength(2);
  const [first, second] = log as unknown as [{ end: number }, { at: number }];
  expect(second.at - first.end).toBeLessThan(SPACING + 100);
});

describe("rate limits", () => {
  it("waits out a 429's retry-after and sends the request once more", async () => {
    const { octokit, waits } = throttled("4");
    nock(API).get("/repos/o/r").reply(429, { message: "slow down" }, { "retry-after": "1" });
    nock(API).get("/repos/o/r").reply(200, { full_name: "o/r" });
    const started = Date.now();
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    expect(data).toEqual({ full_name: "o/r" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(waits).toContain("rate_limit");
  });

  it("passes a limit longer than the budget on at once, and still sends the next call for GitHub to answer", async () => {
    const { octokit } = throttled("5", 2_000);
    const reset = Math.floor(Date.now() / 1000) + 3600;
    nock(API)
      .get("/repos/o/r/pulls/1/files")
      .reply(
        403,
        { message: "API rate limit exceeded" },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      );
    const write = nock(API).post("/repos/o/r/check-runs").reply(201, { id: 1 });

    const started = Date.now();
    await expect(octokit.request("GET /repos/o/r/pulls/1/files")).rejects.toMatchObject({ status: 403 });
    expect(Date.now() - started).toBeLessThan(1_000);
    // The verdict's write is not given up on a guess: GitHub says whether the limit covers it.
    await expect(octokit.request("POST /repos/o/r/check-runs")).resolves.toMatchObject({ status: 201 });
    expect(write.isDone()).toBe(true);
  });

  it("treats a GraphQL RATE_LIMITED answer as a limit on the GraphQL quota", async () => {
    const { octokit } = throttled("6", 3_000);
    const reset = Math.floor(Date.now() / 1000) + 1;
    nock(API)
      .post("/graphql")
      .reply(
        200,
        { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] },
        { "x-ratelimit-reset": String(reset) },
      );
    nock(API)
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "me" } } });
    await expect(octokit.graphql("query { viewer { login } }")).resolves.toEqual({ viewer: { login: "me" } });
  });
});

it("evaluates four installations' PRs side by side, each write without waiting on another installation", async () => {
  const t = await testApp({ writeSpacingMs: 1_000 }, ProbotOctokit.defaults({ retry: { enabled: false } }));
  const installations = [11, 12, 13, 14];
  const done: number[] = [];
  for (const id of installations) {
    tokenFor(id);
    githubReads();
    nock(API)
      .post(`/repos/${OWNER}/${REPO}/check-runs`)
      .reply(201, () => {
        done.push(id);
        return { id };
      });
  }
  await Promise.all(
    installations.map((id) =>
      t.probot.receive({
        id: `d-${id}`,
        name: "pull_request",
        payload: pullRequestEvent("opened", { installation: id }),
      } as never),
    ),
  );
  await t.agent.idle();

  expect(nock.pendingMocks()).toEqual([]);
  expect(t.audit.map((r) => r.installation).sort()).toEqual(installations);
  // No write waited for another installation's (each has its own slots), nor for a read before it.
  expect(done).toHaveLength(4);
  expect(await t.agent.metrics.value("agent_policy_throttle_waits_total", { reason: "write_spacing" })).toBe(
    0,
  );
}, 15_000);
