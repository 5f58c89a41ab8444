/**
 * What replicas share through Redis (src/app/cluster.ts), against a real redis-server: two Cluster
 * instances stand for two replicas. One PR is evaluated by one replica at a time and what arrives
 * meanwhile becomes one follow-up; a lapsed lease hands the work over; writes of one installation
 * are one at a time across replicas; and a replica carries on alone when Redis is gone.
 */
import nock from "nock";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort, startRedis, until } from "../../demo/harness.js";
import { Cluster } from "../../src/app/cluster.js";
import type { EvaluationRequest } from "../../src/app/pipeline.js";
import { API, deliver, githubReads, isPrQuery, testApp, tokenFor } from "./support/github.js";
import { HEAD, OWNER, pullRequestEvent, REPO } from "./support/payloads.js";

let redis: { url: string; stop(): void };
const open: Cluster[] = [];
const failures: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of open) await c.close();
  redis?.stop();
});

async function replica(ttlMs = 30_000, url = redis.url): Promise<Cluster> {
  const c = new Cluster(url, ttlMs, (what) => failures.push(what));
  open.push(c);
  await c.start().catch(() => {});
  return c;
}

const request = (delivery: string, number = 1): EvaluationRequest => ({
  installation: 7,
  delivery,
  target: { owner: "acme", repo: "web", number },
  hint: {},
});

it("lets one replica evaluate a PR at a time, and hands it what arrived elsewhere as one follow-up", async () => {
  const [a, b] = [await replica(), await replica()];
  const key = "pr:7:acme/web#1";
  await a.submit(key, request("d1"));
  expect(await a.begin(key)).toEqual({ kind: "run", req: request("d1") });

  // B's events while A evaluates: B leaves them to A; only the newest counts.
  await b.submit(key, request("d2"));
  await b.submit(key, request("d3"));
  expect(await b.begin(key)).toEqual({ kind: "busy" });

  expect(await a.finish(key, null)).toEqual(request("d3"));
  expect(await a.finish(key, null)).toBeNull();
  // Nothing is left for anyone.
  expect(await b.begin(key)).toEqual({ kind: "none" });
  expect(await b.heartbeat()).toEqual([]);
});

it("gives the evaluation what arrived before its read, and stops it when its lease was lost", async () => {
  const [a, b] = [await replica(300), await replica(300)];
  const key = "pr:7:acme/web#2";
  await a.submit(key, request("d1", 2));
  await a.begin(key);
  await b.submit(key, request("d2", 2));
  expect(await a.refresh(key)).toEqual({ kind: "newer", req: request("d2", 2) });
  expect(await a.refresh(key)).toEqual({ kind: "same" });

  // A stops heartbeating: its lease lapses, B's sweep takes the PR up, and A must not go on.
  await new Promise((r) => setTimeout(r, 400));
  expect(await b.heartbeat()).toEqual([{ key, req: request("d2", 2) }]);
  expect(await b.begin(key)).toEqual({ kind: "run", req: request("d2", 2) });
  expect(await a.refresh(key)).toEqual({ kind: "lost" });
  expect(await b.finish(key, null)).toBeNull();
});

it("keeps a retry for whoever comes first once its time has come", async () => {
  const [a, b] = [await replica(), await replica()];
  const key = "pr:7:acme/web#3";
  await a.submit(key, request("d1", 3));
  await a.begin(key);
  expect(await a.finish(key, { req: request("d1", 3), notBefore: Date.now() + 300 })).toBeNull();
  expect(await b.heartbeat()).toEqual([]);
  await new Promise((r) => setTimeout(r, 350));
  expect(await b.heartbeat()).toEqual([{ key, req: request("d1", 3) }]);
  expect(await b.begin(key)).toEqual({ kind: "run", req: request("d1", 3) });
  await b.finish(key, null);
});

it("sends one installation's writes one at a time across replicas, each a spacing after the previous answer", async () => {
  const [a, b] = [await replica(), await replica()];
  const spans: { start: number; end: number }[] = [];
  const write = async (c: Cluster) => {
    const turn = await c.writeTurn("inst-9", null, 200, 5_000);
    if (!turn) throw new Error("no turn");
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    spans.push({ start, end: Date.now() });
    await turn.release(true);
  };
  await Promise.all([write(a), write(b), write(a), write(b)]);
  spans.sort((x, y) => x.start - y.start);
  for (let i = 1; i < spans.length; i++)
    expect(
      (spans[i] as { start: number }).start - (spans[i - 1] as { end: number }).end,
    ).toBeGreaterThanOrEqual(195);

  // A turn that would come after the caller's budget is not taken at all.
  const held = await a.writeTurn("inst-9", null, 10_000, 5_000);
  await held?.release(true);
  expect(await b.writeTurn("inst-9", null, 10_000, 100)).toBeNull();
});

it("carries on alone when Redis cannot be reached", async () => {
  failures.length = 0;
  const c = await replica(30_000, "redis://127.0.0.1:1");
  expect(await c.submit("pr:7:acme/web#4", request("d1", 4))).toBe(false);
  expect(await c.begin("pr:7:acme/web#4")).toEqual({ kind: "alone" });
  const turn = await c.writeTurn("inst-10", null, 200, 1_000);
  expect(turn).not.toBeNull();
  await turn?.release(true);
  // Paced locally from the write it knows of.
  const next = await c.writeTurn("inst-10", null, 200, 1_000);
  expect(next?.waitedMs).toBeGreaterThanOrEqual(150);
  await next?.release(true);
  const ran = await c.locked("head:x", async () => "ran");
  expect(ran).toBe("ran");
  expect(failures).toEqual(
    expect.arrayContaining(["recording an acknowledged evaluation", "taking a write turn"]),
  );
});

it("still retries an evaluation that ran alone once Redis is back", async () => {
  nock.disableNetConnect();
  const port = await freePort();
  const t = await testApp({ redisUrl: `redis://127.0.0.1:${port}`, maxRetries: 1, retryBaseMs: 4_000 });
  try {
    tokenFor(1);
    const api = nock(API);
    api.post("/graphql", isPrQuery).reply(502, { message: "Bad Gateway" });
    api
      .get(`/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] });
    const written: string[] = [];
    api
      .post(`/repos/${OWNER}/${REPO}/check-runs`)
      .times(2)
      .reply(201, (_, body) => {
        written.push((body as { conclusion: string }).conclusion);
        return { id: 1 };
      });
    githubReads();
    await deliver(t, "pull_request", pullRequestEvent("opened"));
    expect(written).toEqual(["failure"]);

    // Redis comes up before the retry's time: the retry must be recorded afresh, not looked for there.
    const late = await startRedis(port);
    try {
      await until("the retry wrote the verdict", () => written.length === 2, 15_000);
      expect(written[1]).not.toBe("failure");
    } finally {
      late.stop();
    }
  } finally {
    await t.agent.close();
    nock.cleanAll();
    nock.enableNetConnect();
  }
}, 25_000);
