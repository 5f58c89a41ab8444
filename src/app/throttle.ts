/**
 * Pacing of each installation's GitHub requests by GitHub's published rules, and no stricter:
 * - content-creating requests (POST, PATCH, PUT, DELETE, GraphQL mutations) go one at a time, each
 *   at least `writeSpacingMs` after the previous one's answer ("Best practices for using the REST
 *   API": wait at least one second between each request);
 * - reads are not spaced (GitHub budgets them by points and an hourly rate), only limited to a few
 *   at once, far under the 100 concurrent requests GitHub allows;
 * - a rate-limit answer holds the installation's requests on that quota (core, graphql, search)
 *   until the time GitHub named (`retry-after`, else `x-ratelimit-reset`, else one minute), and the
 *   refused request is sent again once after the wait — only when the wait fits the call's budget;
 *   otherwise GitHub's answer is passed on at once (the check says until when, and the evaluation's
 *   retry waits for the reset), and a later call that cannot wait the hold out is sent for GitHub to
 *   answer rather than refused here: a narrower limit than assumed must not cost the verdict's write.
 * Installations are independent. Where write slots and holds are kept is the `Pacer`'s business:
 * this process, or Redis for every replica (src/app/cluster.ts).
 */
import type { ProbotOctokit } from "probot";
import { faultOf } from "../github/gather-errors.js";
import { RequestTimeoutError } from "./requests.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Why a request waited, for the metrics. */
export type WaitReason =
  | "write_spacing"
  | "read_concurrency"
  | "write_concurrency"
  | "rate_limit"
  | "read_lead";

/**
 * Lets the next write go: `spacingMs` after now when this one was sent (call it once its answer is
 * in), at once when it was not (the call was given up before it went).
 */
export type Release = (sent: boolean) => Promise<void>;

/** A write's turn: how long it waited for it (spacing, a hold, another replica's write), and its release. */
export interface Turn {
  waitedMs: number;
  release: Release;
}

export interface Pacer {
  /**
   * Takes `key`'s write turn: one write at a time, starting `spacingMs` after the previous one's
   * answer and, when `holdKey` is given, not during that hold. Resolves once the write may go, or null (no turn taken)
   * when that would take longer than `maxWaitMs`.
   */
  writeTurn(
    key: string,
    holdKey: string | null,
    spacingMs: number,
    maxWaitMs: number,
    signal?: AbortSignal,
  ): Promise<Turn | null>;
  /** Ms until `key`'s next write could start: the spacing after the last one's answer, or one spacing while one is under way. */
  untilWrite(key: string, spacingMs: number): Promise<number>;
  /** Epoch ms until which GitHub asked `key` to wait (0: no hold). */
  heldUntil(key: string): Promise<number>;
  hold(key: string, until: number): Promise<void>;
}

/** Turns and holds of this process only (one replica); the Throttle's write lane makes the turns exclusive. */
export class LocalPacer implements Pacer {
  readonly #last = new Map<string, number>();
  readonly #writing = new Set<string>();
  readonly #holds = new Map<string, number>();

  async writeTurn(
    key: string,
    holdKey: string | null,
    spacingMs: number,
    maxWaitMs: number,
    signal?: AbortSignal,
  ): Promise<Turn | null> {
    const hold = holdKey === null ? 0 : (this.#holds.get(holdKey) ?? 0);
    const wait = Math.max((this.#last.get(key) ?? 0) + spacingMs, hold) - Date.now();
    if (wait > maxWaitMs) return null;
    if (wait > 0) await sleep(wait, signal);
    this.#writing.add(key);
    return {
      waitedMs: Math.max(0, wait),
      release: async (sent) => {
        this.#writing.delete(key);
        if (sent) this.#last.set(key, Date.now());
      },
    };
  }

  /** What a replica that lost Redis knows of the last write: the spacing goes on from there. */
  wrote(key: string, at: number): void {
    this.#last.set(key, Math.max(at, this.#last.get(key) ?? 0));
  }

  async untilWrite(key: string, spacingMs: number): Promise<number> {
    if (this.#writing.has(key)) return spacingMs;
    return Math.max(0, (this.#last.get(key) ?? 0) + spacingMs - Date.now());
  }

  async heldUntil(key: string): Promise<number> {
    const until = this.#holds.get(key) ?? 0;
    if (until <= Date.now()) this.#holds.delete(key);
    return until;
  }

  async hold(key: string, until: number): Promise<void> {
    this.#holds.set(key, Math.max(until, this.#holds.get(key) ?? 0));
  }
}

export interface ThrottleOptions {
  pacer: Pacer;
  /** Least time from one write's answer to the next write of the installation; GitHub asks for a second. */
  writeSpacingMs: number;
  /** Reads of one installation in flight at once, in this process. */
  readConcurrency: number;
  onWait: (reason: WaitReason, ms: number) => void;
}

interface RequestOptions {
  method: string;
  url: string;
  query?: unknown;
  /** The request budget's (src/app/requests.ts): aborted when the call runs out of time. */
  request?: { signal?: AbortSignal };
}

export class Throttle {
  readonly #reads = new Map<string, Lane>();
  readonly #writes = new Map<string, Lane>();

  constructor(readonly options: ThrottleOptions) {}

  /**
   * Waits until `leadMs` before installation `key` could write again (at most one spacing): for an
   * evaluation to start reading just in time for its write turn.
   */
  async writeReady(key: string, leadMs: number): Promise<void> {
    const { pacer, writeSpacingMs } = this.options;
    const wait = Math.min(writeSpacingMs, await pacer.untilWrite(key, writeSpacingMs)) - leadMs;
    if (wait <= 0) return;
    this.options.onWait("read_lead", wait);
    await sleep(wait);
  }

  /**
   * Paces `octokit`'s requests under `key` (the installation). `waitable` says how long a call may
   * wait in all (for a hold, a write turn, a retry after a rate limit); install this before the
   * request budget, whose abort signal ends any wait here. `onWrite` hears of each write as it asks
   * for its turn.
   */
  install(octokit: Octokit, key: string, waitable: () => number, onWrite?: () => void): Octokit {
    octokit.hook.wrap("request", async (request, raw) => {
      const opts = raw as unknown as RequestOptions;
      const signal = opts.request?.signal;
      const deadline = Date.now() + waitable();
      const left = () => deadline - Date.now();
      const write = isWrite(opts);
      if (write) onWrite?.();
      const send = async () => {
        const lane = this.#lane(write ? this.#writes : this.#reads, key, write);
        const release = await lane.acquire(this.options.onWait, signal);
        let turn: Release | null = null;
        let sent = false;
        try {
          turn = await this.#turn(opts, key, write, left(), signal);
          signal?.throwIfAborted();
          sent = true;
          return await request(raw);
        } finally {
          await turn?.(sent).catch(() => {});
          release();
        }
      };
      let answer: Awaited<ReturnType<typeof request>>;
      try {
        answer = await send();
      } catch (error) {
        if (!(await this.#waitable(error, opts, key, left()))) throw error;
        return await send();
      }
      return (await this.#waitable(answer, opts, key, left())) ? await send() : answer;
    });
    return octokit;
  }

  /**
   * Waits out a hold that fits the budget and, for a write, takes its turn (returned, to end once
   * answered); fails at once, sending nothing, when the turn would come after the budget.
   */
  async #turn(
    opts: RequestOptions,
    key: string,
    write: boolean,
    budget: number,
    signal: AbortSignal | undefined,
  ): Promise<Release | null> {
    const what = `GitHub ${opts.method} ${opts.url}`;
    const { pacer, writeSpacingMs, onWait } = this.options;
    const holdKey = `${key}:${resourceOf(opts)}`;
    // A hold longer than the budget is not waited for: GitHub answers the request (and a retry of the
    // evaluation waits for the reset), so the check can still say what happened.
    const until = await pacer.heldUntil(holdKey);
    const held = until - Date.now() <= budget ? until : 0;
    const holding = held > Date.now();
    if (write) {
      const turn = await pacer.writeTurn(key, holding ? holdKey : null, writeSpacingMs, budget, signal);
      if (turn === null) throw new RequestTimeoutError(`${what} (waiting for its turn to write)`, budget);
      if (turn.waitedMs > 0) onWait(holding ? "rate_limit" : "write_spacing", turn.waitedMs);
      return turn.release;
    }
    if (holding) {
      onWait("rate_limit", held - Date.now());
      await sleep(held - Date.now(), signal);
    }
    return null;
  }

  /** A rate limit: holds the installation; true when the call can wait it out and try once more. */
  async #waitable(answer: unknown, opts: RequestOptions, key: string, budget: number): Promise<boolean> {
    const fault = faultOf(answer) ?? graphqlRateLimit(answer);
    if (fault?.kind !== "rate_limited") return false;
    const until = fault.until ?? Date.now() + 60_000;
    await this.options.pacer.hold(`${key}:${resourceOf(opts, answer)}`, until).catch(() => {});
    return until - Date.now() <= budget;
  }

  #lane(lanes: Map<string, Lane>, key: string, write: boolean): Lane {
    let lane = lanes.get(key);
    if (!lane) {
      lane = write
        ? new Lane(1, "write_concurrency")
        : new Lane(this.options.readConcurrency, "read_concurrency");
      lanes.set(key, lane);
    }
    return lane;
  }
}

/** A 200 GraphQL answer whose errors say RATE_LIMITED (the client throws only after this hook). */
function graphqlRateLimit(answer: unknown): { kind: "rate_limited"; until?: number } | null {
  const res = answer as { data?: { errors?: { type?: unknown }[] }; headers?: Record<string, unknown> };
  if (!Array.isArray(res?.data?.errors) || !res.data.errors.some((e) => e?.type === "RATE_LIMITED"))
    return null;
  const reset = Number(res.headers?.["x-ratelimit-reset"]);
  return Number.isFinite(reset) && reset > 0
    ? { kind: "rate_limited", until: reset * 1000 }
    : { kind: "rate_limited" };
}

/**
 * The quota a request draws on: GitHub names it in `x-ratelimit-resource`; before an answer, the
 * path says (GraphQL and search have their own, everything else is core).
 */
function resourceOf(opts: RequestOptions, answer?: unknown): string {
  const named = (answer as { response?: { headers?: Record<string, unknown> } })?.response?.headers?.[
    "x-ratelimit-resource"
  ];
  if (named === "graphql" || named === "search" || named === "core") return named;
  if (opts.url.endsWith("/graphql")) return "graphql";
  return opts.url.includes("/search/") ? "search" : "core";
}

function isWrite(opts: RequestOptions): boolean {
  if (opts.method === "GET" || opts.method === "HEAD") return false;
  if (opts.method === "POST" && opts.url.endsWith("/graphql"))
    return typeof opts.query !== "string" || /^\s*mutation\b/.test(opts.query);
  return true;
}

/** A counting semaphore that reports how long an acquire waited. */
class Lane {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(
    readonly size: number,
    readonly reason: WaitReason,
  ) {}

  async acquire(onWait: ThrottleOptions["onWait"], signal?: AbortSignal): Promise<() => void> {
    if (this.#active < this.size) this.#active++;
    else {
      signal?.throwIfAborted();
      const started = Date.now();
      // A released slot passes straight to the next waiter, so #active stays as it is.
      await new Promise<void>((resolve, reject) => {
        const waiter = () => {
          signal?.removeEventListener("abort", abort);
          resolve();
        };
        const abort = () => {
          this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", abort, { once: true });
        this.#waiting.push(waiter);
      });
      onWait(this.reason, Date.now() - started);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    };
  }
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}
