/**
 * Turning whatever GitHub or the network throws into one error type with a reason a person can
 * read and the kind of fault, which says whether trying again later may help. Callers fail the check with the reason
 * when it is not retryable; nothing here ever lets a failed read look like a successful one.
 */
import { z } from "zod";

/**
 * What kind of fault GitHub (or the network) had, for the check run's title and for deciding
 * whether the app should try again later: a person reads "GitHub unavailable" or "rate limited
 * until 14:05 UTC" differently from "invalid policy".
 */
export type FaultKind = "unavailable" | "rate_limited" | "timeout" | "malformed" | "refused";

export interface Fault {
  kind: FaultKind;
  /** Epoch ms when GitHub said the rate limit resets (from `x-ratelimit-reset` or `retry-after`). */
  until?: number;
}

export class GatherError extends Error {
  override readonly name = "GatherError";
  constructor(
    readonly reason: string,
    /** Null when the fault is not GitHub's or the network's (the PR or the policy is what it is). */
    readonly fault: Fault | null = null,
  ) {
    super(reason);
  }
}

/** A fault that will pass: trying again later may succeed. */
export function transient(fault: Fault | null): boolean {
  return fault !== null && fault.kind !== "refused";
}

const FAULT_PREFIX: Record<Exclude<FaultKind, "refused" | "rate_limited">, string> = {
  unavailable: "GitHub unavailable",
  timeout: "GitHub timed out",
  malformed: "GitHub gave an unreadable answer",
};

/** "GitHub unavailable: could not read the pull request"; a refusal keeps the plain headline. */
export function faultHeadline(fault: Fault | null, headline: string): string {
  if (fault === null || fault.kind === "refused") return headline;
  const prefix =
    fault.kind === "rate_limited"
      ? `Rate limited by GitHub${fault.until ? ` until ${utcTime(fault.until)}` : ""}`
      : FAULT_PREFIX[fault.kind];
  return `${prefix}: ${headline.charAt(0).toLowerCase()}${headline.slice(1)}`;
}

function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

const graphqlErrorShape = z.object({
  type: z.string().optional(),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  extensions: z.object({ code: z.string().optional() }).optional(),
});
export type GraphqlErrorInfo = z.infer<typeof graphqlErrorShape>;

/** What @octokit/graphql throws when GitHub answers 200 with `errors` (data may still be partial). */
const graphqlResponseErrorShape = z.object({
  name: z.literal("GraphqlResponseError"),
  errors: z.array(graphqlErrorShape),
  data: z.unknown(),
});

/** What @octokit/request throws for an HTTP error or a network failure (status 500 then). */
const requestErrorShape = z.object({
  status: z.number(),
  message: z.string(),
  response: z.object({ headers: z.record(z.string(), z.unknown()) }).optional(),
});

export function asGraphqlResponseError(err: unknown): { errors: GraphqlErrorInfo[]; data: unknown } | null {
  const parsed = graphqlResponseErrorShape.safeParse(err);
  return parsed.success ? { errors: parsed.data.errors, data: parsed.data.data } : null;
}

/** Typed GraphQL errors that will answer the same way next time. */
const PERMANENT_GRAPHQL = new Set(["NOT_FOUND", "FORBIDDEN", "INSUFFICIENT_SCOPES", "UNPROCESSABLE"]);

/** Rate limits and GitHub's untyped "something went wrong" timeouts pass; query-shape errors do not. */
export function graphqlRetryable(errors: readonly GraphqlErrorInfo[]): boolean {
  if (errors.some((e) => e.type !== undefined && PERMANENT_GRAPHQL.has(e.type))) return false;
  return errors.some(
    (e) => e.type === "RATE_LIMITED" || (e.type === undefined && e.extensions?.code === undefined),
  );
}

export function describeGraphqlErrors(errors: readonly GraphqlErrorInfo[]): string {
  return errors
    .slice(0, 3)
    .map((e) => `${e.type ? `${e.type}: ` : ""}${e.message}${e.path ? ` (at ${e.path.join(".")})` : ""}`)
    .join("; ");
}

/** A 403 that is a rate limit rather than a refusal, as GitHub marks one. */
function rateLimit403(message: string, headers: Record<string, unknown> | undefined): boolean {
  return (
    headers?.["x-ratelimit-remaining"] === "0" ||
    headers?.["retry-after"] !== undefined ||
    /rate limit/i.test(message)
  );
}

function rateLimited(headers: Record<string, unknown> | undefined): Fault {
  const until = resetTime(headers);
  return until === undefined ? { kind: "rate_limited" } : { kind: "rate_limited", until };
}

function httpFault(status: number, message: string, headers: Record<string, unknown> | undefined): Fault {
  if (status === 429 || (status === 403 && rateLimit403(message, headers))) return rateLimited(headers);
  if (status === 0 || status >= 500) return { kind: "unavailable" };
  return { kind: "refused" };
}

/** When GitHub said to come back: `retry-after` seconds, else the `x-ratelimit-reset` epoch. */
function resetTime(headers: Record<string, unknown> | undefined): number | undefined {
  const after = Number(headers?.["retry-after"]);
  if (Number.isFinite(after) && after >= 0) return Date.now() + after * 1000;
  const reset = Number(headers?.["x-ratelimit-reset"]);
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
}

/** The fault behind any error a GitHub call can throw; null when it is not GitHub's or the network's. */
export function faultOf(err: unknown): Fault | null {
  if (err instanceof GatherError) return err.fault;
  const gql = asGraphqlResponseError(err);
  if (gql) {
    if (gql.errors.some((e) => e.type === "RATE_LIMITED"))
      return rateLimited((err as { headers?: Record<string, unknown> }).headers);
    return graphqlRetryable(gql.errors) ? { kind: "unavailable" } : { kind: "refused" };
  }
  const http = requestErrorShape.safeParse(err);
  if (http.success) {
    const { status, message, response } = http.data;
    // @octokit/request reports a network failure (reset, refused, aborted) as status 500 with no response.
    if (status === 500 && !response) return { kind: "unavailable" };
    return httpFault(status, message, response?.headers);
  }
  if (err instanceof Error && err.name === "RequestTimeoutError") return { kind: "timeout" };
  // A malformed installation-token answer (src/app/tokens.ts): GitHub's, and it may pass.
  if (err instanceof Error && err.name === "TokenError") return { kind: "malformed" };
  if (err instanceof SyntaxError) return { kind: "malformed" };
  return null;
}

function httpMeaning(status: number): string {
  if (status === 401) return "GitHub refused the app's credentials";
  if (status === 403) return "GitHub denied access (the app may lack a permission, or a rate limit was hit)";
  if (status === 404) return "not found, or the app cannot see it";
  if (status === 429) return "rate limited by GitHub";
  if (status >= 500) return "GitHub or the network failed";
  return "GitHub rejected the request";
}

/** Wraps any failure of a GitHub call: `doing` says what was being read, for the reason. */
export function asGatherError(err: unknown, doing: string): GatherError {
  if (err instanceof GatherError) return err;
  const fault = faultOf(err);
  const gql = asGraphqlResponseError(err);
  if (gql) {
    return new GatherError(
      `GitHub answered with errors while ${doing}: ${describeGraphqlErrors(gql.errors)}`,
      fault,
    );
  }
  const http = requestErrorShape.safeParse(err);
  if (http.success) {
    const { status, message, response } = http.data;
    return new GatherError(
      `GitHub request failed while ${doing}: ${status === 500 && !response ? "network error" : `HTTP ${status}`}, ${httpMeaning(status)} (${message})`,
      fault,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  if (fault) return new GatherError(`GitHub failed while ${doing}: ${message}`, fault);
  // Around a GitHub call, a TypeError is the client choking on the answer (Octokit's paginator
  // reading a truncated page, say): GitHub's fault, and likely to pass.
  if (err instanceof TypeError)
    return new GatherError(`GitHub's answer could not be read while ${doing}: ${message}`, {
      kind: "malformed",
    });
  return new GatherError(`Unexpected failure while ${doing}: ${message}`);
}

export function httpStatus(err: unknown): number | null {
  const http = requestErrorShape.safeParse(err);
  return http.success ? http.data.status : null;
}

/**
 * Ends the text of a gap that a later read may not have (part of GitHub's answer failed, the branch
 * moved while it was read): the app evaluates the PR again in the background when it sees one.
 */
export const PASSING_GAP = "It will be evaluated again.";

export function hasPassingGap(errors: readonly string[]): boolean {
  return errors.some((e) => e.endsWith(PASSING_GAP));
}
