import type { FaultKind } from "./faults.js";

export interface LoggedRequest {
  method: string;
  /** Path as requested, e.g. "/api/v3/repos/acme/web/pulls/1/files". */
  path: string;
  /** Query string including "?", or "". */
  query: string;
  /** The route that answered, e.g. "GET /repos/{owner}/{repo}/pulls/{number}/files" or "POST /graphql"; null when none. */
  route: string | null;
  /** The call's name as faults match it (`RequestInfo.call`), known before any fault or answer. */
  call: string | null;
  operationName: string | null;
  installationId: number | null;
  /** null while the request is held by a `timeout` fault. */
  status: number | null;
  fault: FaultKind | null;
  /** Why the stand-in answered 5xx on its own (a bug in the stand-in, not an injected fault). */
  error?: string;
}

/** Every request the stand-in received, in arrival order. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  reset(): void {
    this.entries.length = 0;
  }

  /** Requests made with an installation token (not the app's JWT calls), e.g. to count calls per evaluation. */
  apiCalls(): LoggedRequest[] {
    return this.entries.filter((e) => e.installationId !== null);
  }
}
