/**
 * With REDIS_URL, what one replica acknowledged survives its death: replica A (a real server
 * process) acknowledges a burst of webhooks while GitHub holds its reads, is killed with SIGKILL,
 * and replica B takes up from Redis what A acknowledged or was evaluating (A's leases lapse) and
 * writes every check run. Reconciliation is off in both, so only Redis can have recovered them.
 * `.ci/run` installs redis-server; this test starts its own on a free port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitForIdle } from "../../demo/harness.js";
import { type RunningServer, startServer } from "../../src/server/main.js";
import { payloads, type StandIn, sendWebhook, startStandIn } from "../../tools/github-standin/index.js";
import { freePort, newestRun, serverEnv, startRedis, until } from "./support.js";

const PRS = 6;
const REPO = "queue/service";
const DEVIN = "devin-ai-integration[bot]";

let standIn: StandIn;
let redisServer: { url: string; stop(): void };
let replicaA: ChildProcess | null = null;
let replicaB: RunningServer | null = null;
const secret = randomBytes(16).toString("hex");

function env(port: number): Record<string, string> {
  return {
    ...serverEnv(standIn, secret, port),
    REDIS_URL: redisServer.url,
    RECONCILE_INTERVAL_MS: "0",
    REPLICA_TTL_MS: "1500",
  };
}

beforeAll(async () => {
  redisServer = await startRedis();

  standIn = await startStandIn();
  const { store } = standIn;
  store.addUser({ login: "queue", type: "Organization" });
  store.addRepo({ owner: "queue", name: "service", collaborators: { bob: "write" } });
  for (let i = 0; i < PRS; i++)
    store.addPullRequest(REPO, {
      title: `Change ${i}`,
      author: DEVIN,
      head: `devin/change-${i}`,
      files: [
        { filename: `src/c${i}.ts`, status: "added", patch: `@@ -0,0 +1 @@\n+export const c${i} = ${i};` },
      ],
    });
  // GitHub holds every PR read of replica A: it acknowledges, then hangs, then dies.
  standIn.faults.add({ kind: "timeout", match: (r) => r.operationName === "AgentPolicyPullRequest" });

  const portA = await freePort();
  replicaA = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: { ...process.env, ...env(portA) },
    stdio: "ignore",
  });
  const urlA = `http://127.0.0.1:${portA}`;
  await until(
    "replica A listens",
    async () => (await fetch(`${urlA}/healthz`).catch(() => null))?.ok === true,
    20_000,
  );
  for (let n = 1; n <= PRS; n++) {
    const payload = payloads.pullRequest(store, REPO, n, "opened", DEVIN);
    const res = await sendWebhook({
      url: `${urlA}/api/github/webhooks`,
      secret,
      name: "pull_request",
      payload,
    });
    expect(res.status).toBe(200);
  }
  const redis = new Redis(redisServer.url);
  await until(
    "A has recorded every acknowledged evaluation",
    async () => (await redis.hlen("agent-policy:next")) + (await redis.hlen("agent-policy:run")) === PRS,
    10_000,
  );
  redis.disconnect();
  replicaA.kill("SIGKILL");
  await new Promise((r) => replicaA?.once("exit", r));
  replicaA = null;
  standIn.faults.clear();

  // Its audit records would go to standard output: the test reads GitHub's state instead.
  replicaB = await startServer(env(0), { audit: pino({ level: "silent" }) });
}, 60_000);

afterAll(async () => {
  replicaA?.kill("SIGKILL");
  await replicaB?.close();
  await standIn?.close();
  redisServer?.stop();
});

it("finishes on replica B every evaluation replica A acknowledged before it was killed", async () => {
  const { store } = standIn;
  await until(
    "every PR has a completed check run",
    () =>
      Array.from({ length: PRS }, (_, i) => newestRun(store, { repo: REPO, number: i + 1 })).every(
        (r) => r?.status === "completed",
      ),
    30_000,
  );
  await waitForIdle(replicaB?.url ?? "", 10_000);
  const redis = new Redis(redisServer.url);
  expect(await redis.hlen("agent-policy:next")).toBe(0);
  expect(await redis.hlen("agent-policy:run")).toBe(0);
  expect(await redis.keys("agent-policy:lease:*")).toEqual([]);
  redis.disconnect();
}, 45_000);
