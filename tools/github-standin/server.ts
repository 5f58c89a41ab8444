/**
 * The stand-in's HTTP server: GitHub Enterprise-style URLs on 127.0.0.1, so Probot with
 * `GHE_HOST=127.0.0.1:<port> GHE_PROTOCOL=http` talks to it (`baseUrl` …/api/v3, GraphQL at …/api/graphql).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getOperationAST, Kind } from "graphql";
import jwt from "jsonwebtoken";
import { authenticate } from "./auth.js";
import { distortReply, type Fault, Faults, faultMoment, faultReply } from "./faults.js";
import {
  type GraphQLRequest,
  githubGraphQLSchema,
  isMutation,
  operationNameOf,
  readGraphQLRequest,
  runGraphQL,
} from "./graphql/execute.js";
import { errorReply, HttpError, notFound, type Reply, type RequestInfo } from "./http.js";
import { makeAppKeys } from "./keys.js";
import { type LoggedRequest, RequestLog } from "./request-log.js";
import { canonicalPath, findRoute } from "./rest/routes.js";
import { Store } from "./store.js";

export interface StandInOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Id of the app under test; must match `store.appId` when a store is given. Default 1. */
  appId?: number;
  /** PEM public key the app's JWTs are verified with; a key pair is generated when omitted (see `privateKey`). */
  publicKey?: string;
  /** A store seeded beforehand; a fresh one otherwise. */
  store?: Store;
}

export interface StandIn {
  /** e.g. http://127.0.0.1:53211 — also the "web" host of html_url fields. */
  url: string;
  /** `url` + "/api/v3", what Octokit's `baseUrl` must be. */
  baseUrl: string;
  /** The value for Probot's GHE_HOST (with GHE_PROTOCOL=http). */
  host: string;
  appId: number;
  /** The generated app private key, when no `publicKey` was given. */
  privateKey: string | undefined;
  store: Store;
  requests: RequestLog;
  faults: Faults;
  close(): Promise<void>;
}

const MAX_BODY = 50 * 1024 * 1024;
const PER_HOUR = 5000;

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply, used: number): void {
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "x-github-media-type": "github.v3; format=json",
    "x-github-request-id": randomUUID().toUpperCase(),
    "x-ratelimit-limit": String(PER_HOUR),
    "x-ratelimit-remaining": String(Math.max(0, PER_HOUR - used)),
    "x-ratelimit-used": String(used),
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
    ...reply.headers,
  };
  const payload = reply.text ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
  res.writeHead(reply.status, headers);
  res.end(reply.status === 204 ? undefined : payload);
}

/** How faults and the request log name a GraphQL call: its operation name, else its operation type and root fields. */
function graphqlCall(request: GraphQLRequest | null, operationName: string | null): string {
  if (operationName) return `POST /graphql ${operationName}`;
  const operation = request?.document ? getOperationAST(request.document) : null;
  if (!operation) return "POST /graphql";
  const fields = operation.selectionSet.selections.flatMap((s) =>
    s.kind === Kind.FIELD ? [s.name.value] : [],
  );
  return `POST /graphql ${operation.operation} ${fields.join(",")}`;
}

function graphqlContext(request: GraphQLRequest | null) {
  if (!request?.document) return null;
  return { schema: githubGraphQLSchema(), document: request.document, operationName: request.operationName };
}

/** The installation an app-JWT call is about (`/app/installations/{id}/…`), so faults can tell installations apart. */
function installationInAppPath(path: string | null): number | null {
  const match = path ? /^\/app\/installations\/(\d+)(?:\/|$)/.exec(path) : null;
  return match ? Number(match[1]) : null;
}

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  if (options.store && options.appId !== undefined && options.store.appId !== options.appId) {
    throw new Error(`stand-in: appId ${options.appId} differs from the store's app ${options.store.appId}`);
  }
  const store = options.store ?? new Store({ appId: options.appId ?? 1 });
  const generated = options.publicKey ? undefined : makeAppKeys();
  const publicKey = options.publicKey ?? generated?.publicKey ?? "";
  const requests = new RequestLog();
  const faults = new Faults();
  const held = new Set<ServerResponse>();
  const usage = new Map<number, number>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://stand-in");
    const entry: LoggedRequest = {
      at: Date.now(),
      write: method !== "GET" && method !== "HEAD",
      method,
      path: url.pathname,
      query: url.search,
      route: null,
      call: null,
      operationName: null,
      installationId: null,
      status: null,
      fault: null,
    };
    requests.entries.push(entry);
    const raw = await readBody(req);
    let body: unknown;
    let badJson = false;
    if (raw && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        badJson = true;
      }
    }
    const isGraphQL = method === "POST" && url.pathname === "/api/graphql";
    const graphqlRequest = isGraphQL && !badJson ? readGraphQLRequest(body) : null;
    entry.operationName = operationNameOf(graphqlRequest);
    if (isGraphQL) entry.write = isMutation(graphqlRequest);
    const restPath = url.pathname.startsWith("/api/v3/")
      ? canonicalPath(store, url.pathname.slice("/api/v3".length))
      : null;
    const found = restPath === null ? null : findRoute(method, restPath);
    const routeName = found ? `${method} ${found.route.pattern.replace(/[:*](\w+)/g, "{$1}")}` : null;
    entry.call = isGraphQL ? graphqlCall(graphqlRequest, entry.operationName) : routeName;
    const info: RequestInfo = {
      method,
      path: url.pathname,
      query: url.searchParams,
      operationName: entry.operationName,
      call: entry.call,
      installationId: null,
      headers: req.headers,
      body,
    };

    let reply: Reply;
    let fault: Fault | null = null;
    try {
      if (raw === null) throw new HttpError(413, "Payload too large");
      const caller = authenticate(store, publicKey, req.headers.authorization);
      if (caller.kind === "installation") entry.installationId = caller.installation.id;
      info.installationId =
        caller.kind === "installation"
          ? caller.installation.id
          : caller.kind === "app"
            ? installationInAppPath(restPath)
            : null;
      fault = faults.take(info);
      const moment = fault ? faultMoment(fault.kind) : null;
      if (fault) entry.fault = fault.kind;
      if (moment === "hold") {
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      if (moment === "reset") {
        // A TCP reset, not a clean close: the client sees ECONNRESET (or "other side closed").
        req.socket.resetAndDestroy();
        return;
      }
      if (fault && moment === "before") {
        reply = faultReply(fault.kind, info.installationId, fault);
      } else if (badJson) {
        throw new HttpError(400, "Problems parsing JSON");
      } else if (isGraphQL) {
        entry.route = "POST /graphql";
        reply = await runGraphQL(store, caller, graphqlRequest);
      } else if (found && routeName) {
        entry.route = routeName;
        reply = found.route.value({ store, request: info, caller, params: found.params });
      } else {
        throw notFound();
      }
    } catch (error) {
      if (error instanceof HttpError) {
        reply = errorReply(error);
      } else {
        entry.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
        reply = {
          status: 500,
          body: { message: `stand-in error: ${error instanceof Error ? error.message : String(error)}` },
        };
      }
    }
    if (fault && faultMoment(fault.kind) === "after") {
      reply = distortReply(fault.kind, reply, graphqlContext(graphqlRequest));
    }
    const used = (usage.get(entry.installationId ?? 0) ?? 0) + 1;
    usage.set(entry.installationId ?? 0, used);
    entry.status = reply.status;
    send(res, reply, used);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: { message: `stand-in error: ${String(error)}` } }, 0);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  store.urls = { api: `${url}/api/v3`, web: url };

  return {
    url,
    baseUrl: `${url}/api/v3`,
    host: `127.0.0.1:${port}`,
    appId: store.appId,
    privateKey: generated?.privateKey,
    store,
    requests,
    faults,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A fresh installation token, fetched with a hand-made app JWT, for tests and the demo that speak plain HTTP. */
export async function installationToken(standIn: StandIn, installationId: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const appJwt = jwt.sign({ iat: now - 30, exp: now + 540, iss: standIn.appId }, standIn.privateKey ?? "", {
    algorithm: "RS256",
  });
  const response = await fetch(`${standIn.baseUrl}/app/installations/${installationId}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${appJwt}` },
  });
  return ((await response.json()) as { token: string }).token;
}
