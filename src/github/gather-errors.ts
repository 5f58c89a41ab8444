/**
 * Turning whatever GitHub or the network throws into one error type with a reason a person can
 * read and a flag saying whether trying again may help. Callers fail the check with the reason
 * when it is not retryable; nothing here ever lets a failed read look like a successful one.
 */
import { z } from "zod";

export class GatherError extends Error {
  override readonly name = "GatherError";
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(reason);
  }
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

function httpRetryable(
  status: number,
  message: string,
  headers: Record<string, unknown> | undefined,
): boolean {
  if (status === 0 || status === 429 || status >= 500) return true;
  if (status === 403) {
    return (
      headers?.["x-ratelimit-remaining"] === "0" ||
      headers?.["retry-after"] !== undefined ||
      /rate limit/i.test(message)
    );
  }
  return false;
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
  const gql = asGraphqlResponseError(err);
  if (gql) {
    return new GatherError(
      `GitHub answered with errors while ${doing}: ${describeGraphqlErrors(gql.errors)}`,
      graphqlRetryable(gql.errors),
    );
  }
  const http = requestErrorShape.safeParse(err);
  if (http.success) {
    const { status, message, response } = http.data;
    return new GatherError(
      `GitHub request failed while ${doing}: ${status === 500 && !response ? "network error" : `HTTP ${status}`}, ${httpMeaning(status)} (${message})`,
      httpRetryable(status, message, response?.headers),
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GatherError(`Unexpected failure while ${doing}: ${message}`, false);
}

export function httpStatus(err: unknown): number | null {
  const http = requestErrorShape.safeParse(err);
  return http.success ? http.data.status : null;
}
