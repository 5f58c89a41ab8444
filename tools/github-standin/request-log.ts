import type { FaultKind } from "./faults.js";

export interface LoggedRequest {
  method: string;
  /** Epoch ms the request arrived. */
  at: number;
  /** A content-creating request: a REST POST, PATCH, PUT or DELETE, or a GraphQL mutation (what GitHub asks to space). */
  write: boolean;
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

  /**
   * Per installation, the shortest time between the arrivals of two of its content-creating requests,
   * in ms (only installations with two or more): what GitHub's "one second between writes" is about.
   */
  closestWrites(): Map<number, number> {
    const last = new Map<number, number>();
    const closest = new Map<number, number>();
    for (const e of this.entries) {
      if (!e.write || e.installationId === null) continue;
      const before = last.get(e.installationId);
      if (before !== undefined)
        closest.set(
          e.installationId,
          Math.min(closest.get(e.installationId) ?? Number.POSITIVE_INFINITY, e.at - before),
        );
      last.set(e.installationId, e.at);
    }
    return closest;
  }

  /** Requests made with an installation token (not the app's JWT calls), e.g. to count calls per evaluation. */
  apiCalls(): LoggedRequest[] {
    return this.entries.filter((e) => e.installationId !== null);
  }
}
