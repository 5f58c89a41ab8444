/**
 * Deliveries a stranger can send (forged, unsigned, oversized, signed but not JSON) never put their
 * contents into the logs, and each costs one short log line: the real server process, its whole
 * output (standard output and error) captured. A genuine delivery still goes through.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort, serverEnv, until } from "../../demo/harness.js";
import { payloads, type StandIn, startStandIn } from "../../tools/github-standin/index.js";

const secret = randomBytes(16).toString("hex");
// Secrets shaped like real ones (random, so no "documented example" allowance applies).
const awsKey = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;
const githubToken = `ghp_${randomBytes(18).toString("hex")}`;
const SECRETS = [awsKey, githubToken];

let standIn: StandIn;
let server: ChildProcess;
let url: string;
let output = "";

beforeAll(async () => {
  standIn = await startStandIn();
  const port = await freePort();
  server = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: {
      ...process.env,
      ...serverEnv(standIn, secret, port),
      LOG_LEVEL: "debug",
      RECONCILE_INTERVAL_MS: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  server.stdout?.on("data", collect);
  server.stderr?.on("data", collect);
  url = `http://127.0.0.1:${port}`;
  await until(
    "the server listens",
    async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true,
    20_000,
  );
}, 30_000);

afterAll(async () => {
  server?.kill();
  await standIn?.close();
});

/** A body of about 1 MB that carries the secrets in several places. */
function hostileBody(): string {
  return JSON.stringify({
    action: "opened",
    pull_request: { title: `leak ${awsKey}`, body: `token=${githubToken}\n${"x".repeat(1_000_000)}` },
    token: githubToken,
  });
}

function post(headers: Record<string, string>, body: string): Promise<number> {
  return fetch(`${url}/api/github/webhooks`, { method: "POST", headers, body }).then((r) => r.status);
}

const sign = (body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

async function growth(send: () => Promise<number>): Promise<{ status: number; bytes: number }> {
  const before = output.length;
  const status = await send();
  await new Promise((r) => setTimeout(r, 200));
  return { status, bytes: output.length - before };
}

it.each([
  {
    name: "a forged signature",
    headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
    status: 401,
  },
  { name: "no signature", headers: {} as Record<string, string>, status: 401 },
  { name: "a signature of another body", headers: { "x-hub-signature-256": sign("{}") }, status: 401 },
])("refuses a delivery with $name in one short line, without its contents", async ({ headers, status }) => {
  const body = hostileBody();
  const result = await growth(() =>
    post(
      {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "d-forged",
        ...headers,
      },
      body,
    ),
  );
  expect(result.status).toBe(status);
  expect(result.bytes).toBeGreaterThan(0);
  expect(result.bytes).toBeLessThan(400);
  for (const s of SECRETS) expect(output).not.toContain(s);
});

it("refuses a signed delivery that is not JSON, or not declared JSON, without logging it", async () => {
  const notJson = `${githubToken} is not JSON`;
  const bad = await growth(() =>
    post(
      {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": "d-bad",
        "x-hub-signature-256": sign(notJson),
      },
      notJson,
    ),
  );
  expect(bad.status).toBe(400);
  const body = hostileBody();
  const plain = await growth(() =>
    post(
      {
        "content-type": "text/plain",
        "x-github-event": "push",
        "x-github-delivery": "d-plain",
        "x-hub-signature-256": sign(body),
      },
      body,
    ),
  );
  expect(plain.status).toBe(415);
  expect(bad.bytes + plain.bytes).toBeLessThan(800);
  for (const s of SECRETS) expect(output).not.toContain(s);
});

it("refuses a body larger than GitHub sends before reading it", async () => {
  const before = output.length;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(30 * 1024 * 1024),
        "x-github-event": "push",
      },
    });
    req.on("response", (res) => resolve(res.statusCode ?? 0));
    req.on("error", reject);
    req.write(`{"token":"${githubToken}"`);
  });
  await new Promise((r) => setTimeout(r, 200));
  expect(status).toBe(413);
  expect(output.length - before).toBeLessThan(400);
  expect(output).not.toContain(githubToken);
});

it("survives a sender that goes away mid-body, and reads no body at another path or spelling", async () => {
  const { connect } = await import("node:net");
  const port = Number(new URL(url).port);
  await new Promise<void>((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `POST /api/github/webhooks HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-github-event: push\r\nx-github-delivery: d-cut\r\ncontent-length: 100000\r\n\r\n{"token":"${githubToken}"`,
      );
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
  });
  await new Promise((r) => setTimeout(r, 200));
  expect((await fetch(`${url}/healthz`)).status).toBe(200);

  // Probot's middleware would read these bodies whole; ours answers before reading any.
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = request(`${url}/api/github/webhooks/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "transfer-encoding": "chunked",
      },
    });
    req.on("response", (res) => resolve(res.statusCode ?? 0));
    req.on("error", reject);
    req.write(`{"token":"${githubToken}"`);
  });
  expect(chunked).toBe(411);
  const elsewhere = await fetch(`${url}/anything`, { method: "POST", body: hostileBody() });
  expect(elsewhere.status).toBe(404);
  for (const s of SECRETS) expect(output).not.toContain(s);
});

it("still takes a genuine delivery, and logs none of its contents", async () => {
  const { store } = standIn;
  store.addUser({ login: "acme", type: "Organization" });
  store.addRepo({ owner: "acme", name: "web" });
  const pr = store.addPullRequest("acme/web", {
    title: `Rotate ${awsKey}`,
    body: `old token ${githubToken}`,
    author: "alice",
    head: "alice/rotate",
    files: [{ filename: "README.md", patch: "@@ -0,0 +1 @@\n+hello" }],
  });
  const body = JSON.stringify(payloads.pullRequest(store, "acme/web", pr.number, "opened", "alice"));
  const status = await post(
    {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "d-real",
      "x-hub-signature-256": sign(body),
    },
    body,
  );
  expect(status).toBe(200);
  await until("its check run is written", () => store.ownCheckRuns().length === 1, 15_000);
  for (const s of SECRETS) expect(output).not.toContain(s);
});
