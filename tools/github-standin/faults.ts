/**
 * Fault injection: make matching requests fail the ways GitHub (or the network) fails, to prove the app fails
 * closed. Faults are checked in the order added, after authentication (so a fault never hides a 401; the
 * app's JWT calls, the installation token request among them, authenticate and can be matched too) and
 * before routing.
 *
 * Each kind strikes at one moment of the request:
 * - `before`: GitHub answers instead of doing the work (5xx, rate limits, truncated JSON, GraphQL errors);
 * - `hold` (`timeout`): no answer at all, the socket is held until the client gives up or the stand-in closes;
 * - `reset`: the connection is reset (TCP RST) without an answer;
 * - `after`: GitHub did the work and its answer is wrong (`wrong_shape`, `graphql_partial`, the token kinds).
 */
import type { GraphQLSchema } from "graphql";
import {
  type DocumentNode,
  type GraphQLCompositeType,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";
import type { Reply, RequestInfo } from "./http.js";

/** What any HTTP call can suffer: server errors, the three rate limits, the network, unreadable answers. */
export const HTTP_FAULTS = [
  "500",
  "502",
  "rate_limit",
  "secondary_rate_limit",
  "rate_limit_429",
  "timeout",
  "reset",
  "malformed",
  "wrong_shape",
] as const;

/** What only `POST /graphql` answers: HTTP 200 with `errors`, typed like GitHub's or not, and partial data. */
export const GRAPHQL_ONLY_FAULTS = [
  "graphql_internal",
  "graphql_untyped",
  "graphql_partial",
  "graphql_rate_limited",
] as const;

/** What only `POST /app/installations/{id}/access_tokens` answers: 201 with no usable token. */
export const TOKEN_ONLY_FAULTS = ["token_missing", "token_not_string"] as const;

/** Every kind a fault can have. `5xx` is the historical name of `502`; `not_found` answers 404. */
export const FAULT_KINDS = [
  ...HTTP_FAULTS,
  "5xx",
  "not_found",
  ...GRAPHQL_ONLY_FAULTS,
  ...TOKEN_ONLY_FAULTS,
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** The installation token request, as `call` names it. */
export const TOKEN_CALL = "POST /app/installations/{id}/access_tokens";

/** The fault kinds that make sense for a call named like `RequestInfo.call`. */
export function faultKindsFor(call: string): FaultKind[] {
  if (call.startsWith("POST /graphql")) return [...HTTP_FAULTS, ...GRAPHQL_ONLY_FAULTS];
  if (call === TOKEN_CALL) return [...HTTP_FAULTS, ...TOKEN_ONLY_FAULTS];
  return [...HTTP_FAULTS];
}

export interface Fault {
  match: (request: RequestInfo) => boolean;
  kind: FaultKind;
  /** How many matching requests fail; every one while the fault is in place when omitted. */
  times?: number;
  /**
   * Seconds a rate-limit answer tells the client to wait: `x-ratelimit-reset` is that far ahead for
   * `rate_limit` and `graphql_rate_limited` (default 60), `retry-after` for the secondary limits (default 60).
   */
  waitS?: number;
}

/** A fault in place: how often it struck so far, and how to take it away again. */
export interface ActiveFault {
  readonly fault: Fault;
  /** Requests it failed. */
  hits: number;
  remove(): void;
}

export type FaultMoment = "before" | "hold" | "reset" | "after";

export function faultMoment(kind: FaultKind): FaultMoment {
  switch (kind) {
    case "timeout":
      return "hold";
    case "reset":
      return "reset";
    case "wrong_shape":
    case "graphql_partial":
    case "token_missing":
    case "token_not_string":
      return "after";
    default:
      return "before";
  }
}

export class Faults {
  private active: { entry: ActiveFault; remaining: number }[] = [];

  add(fault: Fault): ActiveFault {
    const slot = {
      entry: undefined as unknown as ActiveFault,
      remaining: fault.times ?? Number.POSITIVE_INFINITY,
    };
    slot.entry = {
      fault,
      hits: 0,
      remove: () => {
        this.active = this.active.filter((s) => s !== slot);
      },
    };
    this.active.push(slot);
    return slot.entry;
  }

  clear(): void {
    this.active = [];
  }

  /** The fault this request hits, consuming one of its `times`; null when none applies. */
  take(request: RequestInfo): Fault | null {
    for (const slot of this.active) {
      if (slot.remaining <= 0 || !slot.entry.fault.match(request)) continue;
      slot.remaining -= 1;
      slot.entry.hits += 1;
      return slot.entry.fault;
    }
    return null;
  }
}

/** A matcher for one call (as `RequestInfo.call` names it), optionally only as or for one installation. */
export function onCall(call: string, installationId?: number): (request: RequestInfo) => boolean {
  return (request) =>
    request.call === call && (installationId === undefined || request.installationId === installationId);
}

/** GitHub's request id format, as it appears in its error messages. */
function requestId(): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16))
      .join("")
      .toUpperCase();
  return `${hex(4)}:${hex(6)}:${hex(7)}:${hex(7)}:${hex(8)}`;
}

const RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

function somethingWentWrong(): string {
  return `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${requestId()}\` when reporting this issue.`;
}

function secondaryLimit(status: 403 | 429, waitS: number): Reply {
  return {
    status,
    body: {
      message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId()}.`,
      documentation_url: `${RATE_DOCS}#about-secondary-rate-limits`,
    },
    headers: { "retry-after": String(waitS) },
  };
}

function primaryLimitHeaders(waitS: number, resource: string): Record<string, string> {
  return {
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "0",
    "x-ratelimit-used": "5000",
    // Whole seconds, like GitHub: the reset is at most `waitS` seconds ahead.
    "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + Math.max(0, waitS - 1)),
    "x-ratelimit-resource": resource,
  };
}

/**
 * What GitHub sends for a `before` kind, without doing the work. `timeout` and `reset` have no reply (the
 * server holds or resets the socket); `after` kinds are made by `distortReply` from the real answer.
 */
export function faultReply(
  kind: FaultKind,
  installationId: number | null,
  fault?: Pick<Fault, "waitS">,
): Reply {
  const waitS = fault?.waitS ?? 60;
  switch (kind) {
    case "500":
      return { status: 500, body: { message: "Server Error" } };
    case "5xx":
    case "502":
      return { status: 502, body: { message: "Server Error" } };
    case "not_found":
      return {
        status: 404,
        body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" },
      };
    case "rate_limit":
      return {
        status: 403,
        body: {
          message: `API rate limit exceeded for installation ID ${installationId ?? 0}.`,
          documentation_url: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
        },
        headers: primaryLimitHeaders(waitS, "core"),
      };
    case "secondary_rate_limit":
      return secondaryLimit(403, waitS);
    case "rate_limit_429":
      return secondaryLimit(429, waitS);
    case "malformed":
      // Valid headers, truncated JSON: what a cut-off response looks like to the client.
      return { status: 200, text: '{"id": 1, "node_id": "MDQ6VXNlcjE=", "items": [{"name": "trunc' };
    case "graphql_internal":
      return {
        status: 200,
        body: { data: null, errors: [{ type: "INTERNAL", message: somethingWentWrong() }] },
      };
    case "graphql_untyped":
      return { status: 200, body: { data: null, errors: [{ message: somethingWentWrong() }] } };
    case "graphql_rate_limited":
      return {
        status: 200,
        body: {
          errors: [
            {
              type: "RATE_LIMITED",
              code: "graphql_rate_limit",
              message: `API rate limit already exceeded for installation ID ${installationId ?? 0}.`,
            },
          ],
        },
        headers: primaryLimitHeaders(waitS, "graphql"),
      };
    case "timeout":
    case "reset":
    case "wrong_shape":
    case "graphql_partial":
    case "token_missing":
    case "token_not_string":
      throw new Error(`stand-in: fault ${kind} has no reply of its own`);
  }
}

/** For `graphql_partial`: the query's document and schema, to null a field GitHub's schema lets be null. */
export interface GraphQLContext {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
}

/**
 * An `after` kind applied to the real answer (only a 2xx one; errors pass unchanged):
 * - `wrong_shape`: valid JSON of the wrong shape — a list comes as an object, an object inside a list;
 *   for GraphQL every field under `data` is wrapped in a list;
 * - `graphql_partial`: the deepest nullable connection (else object) of `data` is null, and `errors` says
 *   why with its `path`, as GitHub answers when part of a query failed;
 * - `token_missing` / `token_not_string`: the token answer without `token`, or with a number for it.
 */
export function distortReply(kind: FaultKind, reply: Reply, graphql: GraphQLContext | null): Reply {
  if (reply.status < 200 || reply.status >= 300 || reply.text !== undefined) return reply;
  const body = reply.body;
  switch (kind) {
    case "wrong_shape": {
      if (graphql && isRecord(body) && isRecord(body.data)) {
        const data = Object.fromEntries(Object.entries(body.data).map(([k, v]) => [k, [v]]));
        return { ...reply, body: { ...body, data } };
      }
      if (Array.isArray(body)) return { ...reply, body: { total_count: body.length, items: body } };
      return { ...reply, body: [body ?? null] };
    }
    case "graphql_partial": {
      if (!graphql || !isRecord(body) || !isRecord(body.data)) return reply;
      const data = structuredClone(body.data);
      const path = nullableFieldToFail(graphql, data);
      if (!path) return reply;
      setAt(data, path, null);
      const errors = [
        ...(Array.isArray(body.errors) ? body.errors : []),
        { message: somethingWentWrong(), path },
      ];
      return { ...reply, body: { ...body, data, errors } };
    }
    case "token_missing":
    case "token_not_string": {
      if (!isRecord(body) || !("token" in body)) return reply;
      const { token: _token, ...rest } = body;
      return { ...reply, body: kind === "token_missing" ? rest : { ...rest, token: 40_442 } };
    }
    default:
      return reply;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function setAt(data: Record<string, unknown>, path: string[], value: unknown): void {
  let at: Record<string, unknown> = data;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1) as string] = value;
}

/**
 * The response path of the field a partial answer loses: among the fields whose type the schema lets be
 * null and whose value is an object (lists are not entered), the deepest connection, else the deepest object.
 */
function nullableFieldToFail(graphql: GraphQLContext, data: Record<string, unknown>): string[] | null {
  const operation = getOperationAST(graphql.document, graphql.operationName);
  if (!operation) return null;
  const root =
    operation.operation === "mutation" ? graphql.schema.getMutationType() : graphql.schema.getQueryType();
  if (!root) return null;
  const fragments = new Map(
    graphql.document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [],
    ),
  );
  const candidates: { path: string[]; connection: boolean }[] = [];
  const walk = (
    value: Record<string, unknown>,
    selections: SelectionSetNode,
    type: GraphQLCompositeType,
    path: string[],
  ) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? graphql.schema.getType(selection.typeCondition.name.value)
          : type;
        if (condition && isCompositeType(condition) && typenameFits(value, condition))
          walk(value, selection.selectionSet, condition, path);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && graphql.schema.getType(fragment.typeCondition.name.value);
        if (fragment && condition && isCompositeType(condition) && typenameFits(value, condition))
          walk(value, fragment.selectionSet, condition, path);
        continue;
      }
      if (!selection.selectionSet || !(isObjectType(type) || isInterfaceType(type))) continue;
      const field = type.getFields()[selection.name.value];
      const key = selection.alias?.value ?? selection.name.value;
      const child = value[key];
      if (!field || !isRecord(child)) continue;
      const named = getNamedType(field.type);
      const here = [...path, key];
      if (!isNonNullType(field.type))
        candidates.push({ path: here, connection: named.name.endsWith("Connection") });
      if (isCompositeType(named)) walk(child, selection.selectionSet, named, here);
    }
  };
  walk(data, operation.selectionSet, root, []);
  const best = (list: typeof candidates) =>
    list.reduce<(typeof candidates)[number] | null>(
      (deepest, c) => (!deepest || c.path.length > deepest.path.length ? c : deepest),
      null,
    );
  return (best(candidates.filter((c) => c.connection)) ?? best(candidates))?.path ?? null;
}

function typenameFits(value: Record<string, unknown>, type: GraphQLCompositeType): boolean {
  return typeof value.__typename !== "string" || !isObjectType(type) || value.__typename === type.name;
}
