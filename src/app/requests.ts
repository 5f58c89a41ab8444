/**
 * Bounds and counts the GitHub requests of one evaluation. Wraps an installation octokit so that
 * - every call (with Probot's retries and throttle waits inside it) ends within a time budget,
 *   and the underlying fetch is aborted when it does not;
 * - only idempotent calls are retried, at most twice: a retried POST could create a second check
 *   run or comment;
 * - requests are counted for the audit record and the metrics.
 */
import type { ProbotOctokit } from "probot";

type Octokit = InstanceType<typeof ProbotOctokit>;

export const MAX_RETRIES = 2;

export interface RequestBudget {
  /** Longest a single call may take, retries included. */
  timeoutMs: number;
  /** Epoch ms after which no call may still run (the whole evaluation's budget); null = none. */
  deadline: number | null;
  /** Requests started through this octokit. */
  count: number;
}

export class RequestTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = "RequestTimeoutError";
  }
}

interface HookOptions {
  method: string;
  url: string;
  /** GraphQL document; route parameters are still top-level when the request hook runs. */
  query?: unknown;
  request?: Record<string, unknown>;
}

/**
 * Installs the budget on `octokit` (a fresh instance per evaluation) and returns it. With
 * `refreshToken`, a 401 (a token GitHub no longer accepts) fetches the token again (once per
 * octokit, shared by concurrent calls) and repeats each refused call once.
 */
export function bound(
  octokit: Octokit,
  budget: RequestBudget,
  onRequest: () => void,
  refreshToken?: () => Promise<void>,
): Octokit {
  /** One token refresh per octokit, shared by every request GitHub refused meanwhile. */
  let refreshing: Promise<void> | null = null;
  octokit.hook.wrap("request", async (request, options) => {
    const once = async () => {
      const opts = options as unknown as HookOptions;
      const what = `GitHub ${opts.method} ${opts.url}`;
      const ms = Math.min(
        budget.timeoutMs,
        budget.deadline === null ? Number.POSITIVE_INFINITY : budget.deadline - Date.now(),
      );
      if (ms <= 0) throw new RequestTimeoutError(what, 0);
      budget.count++;
      onRequest();
      const controller = new AbortController();
      // A retry count set on the request makes the retry plugin repeat any failure, a 404 or a 422
      // too; so only a call that must not be repeated says so, and the octokit's `retry.retries`
      // caps the rest, which the plugin repeats only for the statuses worth it (5xx, timeouts).
      const { retries: asked, ...rest } = opts.request ?? {};
      const once = !isIdempotent(opts) || Number(asked) === 0;
      opts.request = { ...rest, signal: controller.signal, ...(once ? { retries: 0 } : {}) };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new RequestTimeoutError(what, Math.round(ms)));
          controller.abort();
        }, ms);
      });
      try {
        return await Promise.race([request(options), timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    try {
      return await once();
    } catch (error) {
      if (!refreshToken || (error as { status?: unknown })?.status !== 401) throw error;
      refreshing ??= refreshToken();
      await refreshing;
      return once();
    }
  });
  return octokit;
}

/** Reads, updates in place, deletions and GraphQL queries are safe to repeat; creations and mutations are not. */
function isIdempotent(opts: HookOptions): boolean {
  if (opts.method === "POST") {
    return (
      opts.url.endsWith("/graphql") && typeof opts.query === "string" && !/^\s*mutation\b/.test(opts.query)
    );
  }
  return true;
}

/** For promises the octokit hook cannot bound (the installation token request). */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
