/**
 * Fault injection: make matching requests fail the ways GitHub (or the network) fails, to prove the app fails
 * closed. Faults are checked in the order added, after authentication (so a fault never hides a 401) and
 * before routing.
 */
import type { Reply, RequestInfo } from "./http.js";

export type FaultKind = "5xx" | "rate_limit" | "not_found" | "timeout" | "malformed";

export interface Fault {
  match: (request: RequestInfo) => boolean;
  kind: FaultKind;
  /** How many matching requests fail; every one while the fault is in place when omitted. */
  times?: number;
}

export class Faults {
  private active: { fault: Fault; remaining: number }[] = [];

  add(fault: Fault): void {
    this.active.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.active = [];
  }

  /** The fault this request hits, consuming one of its `times`; null when none applies. */
  take(request: RequestInfo): FaultKind | null {
    for (const entry of this.active) {
      if (entry.remaining <= 0 || !entry.fault.match(request)) continue;
      entry.remaining -= 1;
      return entry.fault.kind;
    }
    return null;
  }
}

/** What GitHub sends for each kind; `timeout` has no reply (the stand-in holds the socket until it closes). */
export function faultReply(kind: Exclude<FaultKind, "timeout">, installationId: number | null): Reply {
  switch (kind) {
    case "5xx":
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
        headers: {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-used": "5000",
          "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 60),
        },
      };
    case "malformed":
      // Valid headers, truncated JSON: what a cut-off response looks like to the client.
      return { status: 200, text: '{"id": 1, "node_id": "MDQ6VXNlcjE=", "items": [{"name": "trunc' };
  }
}
