/** Shared HTTP vocabulary of the stand-in: replies, GitHub-style errors, and who is calling. */
import type { Installation, Store, TokenRecord } from "./store.js";

export interface Reply {
  status: number;
  /** Serialized as JSON. */
  body?: unknown;
  /** Sent as is, instead of `body`. */
  text?: string;
  headers?: Record<string, string>;
}

export const DOCS = "https://docs.github.com/rest";

/** Thrown by handlers; rendered as GitHub renders errors: `{ message, documentation_url, status }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorReply(error: HttpError): Reply {
  return {
    status: error.status,
    body: { message: error.message, documentation_url: DOCS, status: String(error.status), ...error.extra },
    headers: error.headers,
  };
}

export const notFound = () => new HttpError(404, "Not Found");
export const forbiddenIntegration = () => new HttpError(403, "Resource not accessible by integration");

/** GitHub's answer to a body that breaks the endpoint's JSON schema. */
export const invalidRequest = (detail: string) => new HttpError(422, `Invalid request.\n\n${detail}`);

export type Caller =
  | { kind: "anonymous" }
  | { kind: "app"; appId: number }
  | { kind: "installation"; installation: Installation; token: TokenRecord };

export interface RequestInfo {
  method: string;
  /** Path as requested, e.g. "/api/v3/repos/acme/web/pulls/1". */
  path: string;
  query: URLSearchParams;
  /** GraphQL operation name, when the request is a named GraphQL operation. */
  operationName: string | null;
  /**
   * The call as one name, the same for every request of its kind: REST as method and route template
   * ("GET /repos/{owner}/{repo}/pulls/{number}/files"), GraphQL as "POST /graphql <operationName>" or, for an
   * anonymous operation, "POST /graphql <query|mutation> <root fields>". null for a path no route serves.
   */
  call: string | null;
  /**
   * The installation the request is made as (installation token) or for (the app's JWT on
   * `/app/installations/{id}/…`, e.g. the token request); null otherwise. Set once authenticated.
   */
  installationId: number | null;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface HandlerContext {
  store: Store;
  request: RequestInfo;
  caller: Caller;
}
