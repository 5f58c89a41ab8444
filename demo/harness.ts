/**
 * The real app server wired to the GitHub stand-in, all on 127.0.0.1: what `npm run demo`, the
 * end-to-end tests and the benches run. The server is started exactly as `npm start` starts it
 * (`startServer` with Probot's environment variables); only GitHub is replaced.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import pino from "pino";
import type { AgentPolicyOptions } from "../src/app/index.js";
import { type RunningServer, startServer } from "../src/server/main.js";
import {
  type ScenarioEvent,
  type StandIn,
  type StandInOptions,
  sendWebhook,
  startStandIn,
} from "../tools/github-standin/index.js";

export interface Gate {
  standIn: StandIn;
  server: RunningServer;
  webhookUrl: string;
  secret: string;
  /** Audit records the app wrote (one per decision and per enforcement action), parsed. */
  audit: Record<string, unknown>[];
  /** Signs and posts a webhook like GitHub does; returns the app's HTTP answer. */
  deliver(event: ScenarioEvent, id?: string): Promise<{ status: number; body: string }>;
  /** Resolves once the app has no evaluation queued or running (polls its /healthz). */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface GateOptions {
  standIn?: StandInOptions;
  app?: AgentPolicyOptions;
  /** Probot's LOG_LEVEL; default "fatal" so the app's own logs stay out of the output. */
  logLevel?: string;
}

export async function startGate(options: GateOptions = {}): Promise<Gate> {
  const standIn = await startStandIn(options.standIn);
  const secret = randomBytes(16).toString("hex");
  const audit: Record<string, unknown>[] = [];
  let server: RunningServer;
  try {
    server = await startServer(
      { ...serverEnv(standIn, secret, 0), LOG_LEVEL: options.logLevel ?? "fatal" },
      {
        audit: pino({ level: "info" }, { write: (line: string) => void audit.push(JSON.parse(line)) }),
        // A test seeds GitHub after the server starts: reconciliation and retries only where it asks.
        reconcileIntervalMs: 0,
        maxRetries: 0,
        ...options.app,
      },
    );
  } catch (error) {
    await standIn.close();
    throw error;
  }
  const webhookUrl = `${server.url}/api/github/webhooks`;
  return {
    standIn,
    server,
    webhookUrl,
    secret,
    audit,
    deliver: (event, id) => sendWebhook({ url: webhookUrl, secret, ...event, ...(id ? { id } : {}) }),
    settle: (timeoutMs = 30_000) => waitForIdle(server.url, timeoutMs),
    close: async () => {
      // The server first (it waits for running evaluations), then GitHub: a request the stand-in
      // holds for a `timeout` fault is only released by its close().
      const closing = server.close();
      await Promise.race([closing, delay(2_000)]);
      await standIn.close();
      await closing;
    },
  };
}

/** The environment `npm start` reads, pointing the server at the stand-in (quiet logs). */
export function serverEnv(standIn: StandIn, secret: string, port: number): Record<string, string> {
  return {
    APP_ID: String(standIn.appId),
    PRIVATE_KEY: standIn.privateKey ?? "",
    WEBHOOK_SECRET: secret,
    GHE_HOST: standIn.host,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "fatal",
  };
}

/** Polls the app server's /healthz until no evaluation is queued or running. */
export async function waitForIdle(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(`${url}/healthz`)).json()) as { queueDepth?: unknown };
    if (health.queueDepth === 0) return;
    if (Date.now() > deadline) throw new Error(`the app was still busy after ${timeoutMs} ms`);
    await delay(20);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A port nothing listens on now, for a server process the test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Polls `done` every 50 ms until it holds; throws after `ms`. */
export async function until(what: string, done: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real redis-server (from Debian; `.ci/run` installs it) on a free port, without persistence. */
export async function startRedis(port?: number): Promise<{ url: string; stop(): void }> {
  if (spawnSync("redis-server", ["--version"]).error)
    throw new Error("redis-server is not installed: apt-get install redis-server (.ci/run does)");
  port ??= await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on("error", () => {});
  await until("Redis answers", async () => (await probe.ping().catch(() => "")) === "PONG", 10_000);
  probe.disconnect();
  return { url, stop: () => server.kill() };
}

/** A replica: the real server as its own process (`npm start` runs the same file), with its audit records. */
export interface Replica {
  url: string;
  process: ChildProcess;
  /** Audit records it wrote to standard output, parsed. */
  audit: Record<string, unknown>[];
}

export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const audit: Record<string, unknown>[] = [];
  let rest = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString("utf8")).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      try {
        const record = JSON.parse(line) as Record<string, unknown>;
        if (record.audit === "agent-policy") audit.push(record);
      } catch {
        // Not a log line of ours.
      }
    }
  });
  const url = `http://127.0.0.1:${port}`;
  await until(
    "the replica listens",
    async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true,
    20_000,
  );
  return { url, process: child, audit };
}
