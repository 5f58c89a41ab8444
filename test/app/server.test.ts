import { spawnSync } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import nock from "nock";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, StartupError, startServer } from "../../src/server/main.js";
import { isPrQuery, testToken } from "./support/github.js";
import { type Json, pullRequestEvent } from "./support/payloads.js";

const PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;
const SECRET = "s3cret-for-tests";
const ENV = {
  APP_ID: "123",
  PRIVATE_KEY,
  WEBHOOK_SECRET: SECRET,
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "fatal",
};

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
  nock.cleanAll();
  nock.enableNetConnect();
});

function signedPost(url: string, payload: unknown, secret = SECRET) {
  const body = JSON.stringify(payload);
  return fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "d-1",
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  });
}

describe("refusing to start", () => {
  it.each([
    ["unset", { ...ENV, NODE_ENV: "production", WEBHOOK_SECRET: undefined }],
    ["Probot's public default", { ...ENV, NODE_ENV: "production", WEBHOOK_SECRET: "development" }],
  ])("in production with the webhook secret %s", async (_, vars) => {
    await expect(startServer(vars)).rejects.toThrow(StartupError);
    await expect(startServer(vars)).rejects.toThrow(/WEBHOOK_SECRET/);
  });

  it("exits with status 1 and says why when run as `npm start` would", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
      env: { PATH: process.env.PATH, NODE_ENV: "production", APP_ID: "123", PRIVATE_KEY },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/WEBHOOK_SECRET is not set/);
  }, 25_000);

  it("without an App, saying what is missing and how to register one from app.yml", async () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
      env: { PATH: process.env.PATH },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /no GitHub App is configured: APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH not set/,
    );
    expect(run.stderr).toMatch(/app-manifest flow/);
    expect(run.stderr).toMatch(/npm run demo/);
  }, 25_000);

  it("on a bad PORT or LOG_LEVEL", async () => {
    await expect(startServer({ ...ENV, PORT: "http" })).rejects.toThrow(/PORT/);
    await expect(startServer({ ...ENV, LOG_LEVEL: "loud" })).rejects.toThrow(/LOG_LEVEL/);
  });

  it("on a reconciliation period or replica TTL a timer cannot hold (Node would fire it every millisecond)", async () => {
    await expect(startServer({ ...ENV, RECONCILE_INTERVAL_MS: "9999999999" })).rejects.toThrow(
      /RECONCILE_INTERVAL_MS must be a number of milliseconds from 1000 to 2147483647 \(0 turns it off\)/,
    );
    await expect(startServer({ ...ENV, RECONCILE_INTERVAL_MS: "5" })).rejects.toThrow(
      /RECONCILE_INTERVAL_MS/,
    );
    await expect(startServer({ ...ENV, REPLICA_TTL_MS: "1" })).rejects.toThrow(/REPLICA_TTL_MS/);
  });
});

describe("the running server", () => {
  it("serves health and metrics, and acknowledges only correctly signed webhooks", async () => {
    server = await startServer({ ...ENV, NODE_ENV: "production" });

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });

    // An event without an installation is acknowledged and ignored without any API call.
    const payload = pullRequestEvent("opened");
    delete payload.installation;
    expect((await signedPost(server.url, payload)).status).toBe(200);
    expect((await signedPost(server.url, payload, "development")).status).toBe(401);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('agent_policy_webhooks_received_total{event="pull_request"} 1');
    expect(metrics).toMatch(/agent_policy_queue_depth 0/);
    // Process and Node metrics, and the latency histogram.
    expect(metrics).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(metrics).toMatch(/^agent_policy_check_current_seconds_bucket\{le="1"\} 0/m);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it("refuses webhook bodies larger than GitHub ever sends, before buffering them", async () => {
    server = await startServer({ ...ENV, NODE_ENV: "production" });
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server?.url}/api/github/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(26 * 1024 * 1024) },
      });
      req.on("response", (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.write("{");
    });
    expect(status).toBe(413);
  });

  it("acknowledges a webhook at once while its evaluation runs on, and finishes it before closing", async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1/);
    const audit: Json[] = [];
    server = await startServer(ENV, {
      appSlug: "agent-policy",
      requestTimeoutMs: 1_500,
      reconcileIntervalMs: 0,
      maxRetries: 0,
      audit: pino({ level: "info" }, { write: (line: string) => void audit.push(JSON.parse(line)) }),
    });
    nock("https://api.github.com")
      .post("/app/installations/1/access_tokens")
      .reply(201, { token: testToken(1), expires_at: "2099-01-01T00:00:00Z" })
      .post("/graphql", isPrQuery)
      .delay(3_000)
      .reply(200, {});
    const started = Date.now();
    const res = await signedPost(server.url, pullRequestEvent("opened"));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
    expect(audit).toEqual([]);
    await server.close();
    server = null;
    // The read timed out and no check could be written (nothing mocked): the audit record says so.
    expect(audit).toEqual([
      expect.objectContaining({ verdict: "failure", errors: [expect.stringMatching(/timed out/)] }),
    ]);
  });
});
