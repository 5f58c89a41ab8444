/**
 * `npm start`: the app server, configured by Probot's standard environment variables (APP_ID,
 * PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, WEBHOOK_PATH, GHE_HOST, GHE_PROTOCOL, PORT,
 * HOST, LOG_LEVEL, REDIS_URL) and RECONCILE_INTERVAL_MS, REPLICA_TTL_MS. Webhooks at /api/github/webhooks, GET /healthz and GET /metrics.
 * Refuses to start in production without a real webhook secret: Probot would otherwise accept
 * anything signed with the public default "development".
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createNodeMiddleware, createProbot } from "probot";
import { type AgentPolicyOptions, createAgentPolicy } from "../app/index.js";
import { MAX_TIMER_MS } from "../app/retries.js";
import { createLogger } from "./log.js";
import { webhookIntake } from "./webhooks.js";

/** Longest a request may take to arrive, headers and body. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The webhook path however it is spelled: query, trailing slashes, `.` segments, a fragment. */
export function isWebhookPath(url: string | undefined, path: string): boolean {
  let pathname: string;
  try {
    pathname = new URL(url ?? "/", "http://agent-policy").pathname;
  } catch {
    return false;
  }
  const trim = (p: string) => p.replace(/\/+$/, "") || "/";
  return trim(pathname) === trim(path);
}

export class StartupError extends Error {
  override name = "StartupError";
}

export interface RunningServer {
  url: string;
  /** Stops accepting requests, waits for running evaluations, then closes. */
  close(): Promise<void>;
}

type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";
const LEVELS = new Set<string>(["trace", "debug", "info", "warn", "error", "fatal"]);

/** Environment variables as the process has them: strings, validated here rather than trusted. */
export type Env = Record<string, string | undefined>;

/** What a newcomer without a registered App needs to do, from app.yml. */
const SETUP_STEPS = [
  "Register the GitHub App from app.yml (its permissions and events), either",
  "  - with GitHub's app-manifest flow: https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest , or",
  "  - by hand: Settings → Developer settings → GitHub Apps → New GitHub App, with the permissions and events app.yml lists,",
  "    a webhook URL ending in /api/github/webhooks and a webhook secret; then generate a private key.",
  "Then set APP_ID (the App's id), PRIVATE_KEY_PATH (the .pem file) or PRIVATE_KEY, and WEBHOOK_SECRET, and run npm start again.",
  "To try the app without GitHub first: npm run demo (the real server against a local GitHub stand-in).",
].join("\n");

export function checkEnvironment(env: Env): void {
  const missing = [
    ...(env.APP_ID ? [] : ["APP_ID"]),
    ...(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH ? [] : ["PRIVATE_KEY or PRIVATE_KEY_PATH"]),
  ];
  if (missing.length > 0)
    throw new StartupError(`no GitHub App is configured: ${missing.join(" and ")} not set.\n${SETUP_STEPS}`);
  const secret = env.WEBHOOK_SECRET;
  if (env.NODE_ENV === "production" && (!secret || secret === "development")) {
    throw new StartupError(
      'WEBHOOK_SECRET is not set (or is Probot\'s public default "development"): refusing to start in production, ' +
        "because anyone could send forged webhooks. Set WEBHOOK_SECRET to the secret configured on the GitHub App.",
    );
  }
  if (env.LOG_LEVEL && !LEVELS.has(env.LOG_LEVEL)) {
    throw new StartupError(`LOG_LEVEL must be one of ${[...LEVELS].join(", ")}; got "${env.LOG_LEVEL}"`);
  }
  // Node fires timers beyond 2^31-1 ms at once; a replica TTL under a second would have replicas claim each other's work.
  const ranges: [string, number][] = [
    ["RECONCILE_INTERVAL_MS", 0],
    ["REPLICA_TTL_MS", 1_000],
  ];
  for (const [name, min] of ranges) {
    const value = env[name];
    if (value === undefined) continue;
    const ms = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
    if (!(ms >= min && ms <= MAX_TIMER_MS && (name !== "RECONCILE_INTERVAL_MS" || ms === 0 || ms >= 1_000)))
      throw new StartupError(
        `${name} must be a number of milliseconds from ${Math.max(min, 1_000)} to ${MAX_TIMER_MS}${min === 0 ? " (0 turns it off)" : ""}; got "${value}"`,
      );
  }
  if (env.PORT !== undefined && !/^\d{1,5}$/.test(env.PORT)) {
    throw new StartupError(`PORT must be a port number; got "${env.PORT}"`);
  }
}

export async function startServer(env: Env, options: AgentPolicyOptions = {}): Promise<RunningServer> {
  checkEnvironment(env);
  const level = (env.LOG_LEVEL ?? "info") as LogLevel;
  const log = createLogger({ name: "agent-policy", level });
  const appId = Number(env.APP_ID);
  let probot: ReturnType<typeof createProbot>;
  try {
    // REDIS_URL is the app's (the shared pending queue), not Probot's: Probot would cluster its
    // throttling through Bottleneck on it, and with that every GitHub request stalled in our runs.
    const { REDIS_URL: _ours, ...probotEnv } = env;
    probot = createProbot({ env: probotEnv as NodeJS.ProcessEnv, overrides: { log, logLevel: level } });
  } catch (error) {
    throw new StartupError(`cannot configure the GitHub App (${(error as Error).message}).\n${SETUP_STEPS}`);
  }
  const reconcile =
    env.RECONCILE_INTERVAL_MS === undefined ? {} : { reconcileIntervalMs: Number(env.RECONCILE_INTERVAL_MS) };
  const agent = createAgentPolicy({
    audit: createLogger({ name: "agent-policy-audit", level: "info", wholeArrays: true }),
    ...(Number.isInteger(appId) && appId > 0 ? { appId } : {}),
    ...reconcile,
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...(env.REPLICA_TTL_MS === undefined ? {} : { replicaTtlMs: Number(env.REPLICA_TTL_MS) }),
    ...options,
  });
  agent.metrics.collectProcessMetrics();
  const webhooksPath = env.WEBHOOK_PATH || "/api/github/webhooks";
  // Probot's middleware serves only the app's own GET routes (/healthz, /readyz, /metrics): every
  // POST goes through our intake, which reads no body but a webhook's and checks its signature
  // before anything is parsed or logged — Probot's would read any body to its end, at any path
  // spelling it accepts (a trailing slash, say).
  const middleware = await createNodeMiddleware(agent.app, { probot, webhooksPath });
  const intake = webhookIntake(probot, env.WEBHOOK_SECRET ?? "development", log);
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      if (!isWebhookPath(req.url, webhooksPath)) {
        res
          .writeHead(404, { "content-type": "application/json", connection: "close" })
          .end(JSON.stringify({ error: "not found" }));
        req.destroy();
        return;
      }
      intake(req, res).catch((error: unknown) => {
        // The sender went away mid-body (or the socket failed): nothing to answer, nothing to keep.
        log.warn({ reason: (error as Error)?.message?.slice(0, 200) }, "webhook delivery aborted");
        if (!res.headersSent) res.writeHead(400, { connection: "close" }).end();
        req.destroy();
      });
      return;
    }
    void middleware(req, res, () => {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
    });
  });
  // GitHub sends a delivery in one go: a sender that trickles its body is cut off, not waited for.
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(env.PORT ?? 3000), env.HOST || "localhost", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url }, "agent-policy listening");
  return {
    url,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await agent.close();
      await closed;
    },
  };
}

async function main(): Promise<void> {
  let running: RunningServer;
  try {
    running = await startServer(process.env);
  } catch (error) {
    console.error(`agent-policy: ${(error as Error).message}`);
    process.exit(1);
  }
  const stop = (signal: string) => {
    console.error(`agent-policy: ${signal} received, finishing running evaluations`);
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
