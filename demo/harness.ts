/**
 * The real app server wired to the GitHub stand-in, all on 127.0.0.1: what `npm run demo`, the
 * end-to-end tests and the benches run. The server is started exactly as `npm start` starts it
 * (`startServer` with Probot's environment variables); only GitHub is replaced.
 */
import { randomBytes } from "node:crypto";
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
      {
        APP_ID: String(standIn.appId),
        PRIVATE_KEY: standIn.privateKey,
        WEBHOOK_SECRET: secret,
        GHE_HOST: standIn.host,
        GHE_PROTOCOL: "http",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: options.logLevel ?? "fatal",
      },
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
