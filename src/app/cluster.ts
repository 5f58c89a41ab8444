/**
 * What replicas share through Redis (`REDIS_URL`), so that several behind one webhook stream act
 * as one app:
 * - per pull request, a lease: one replica evaluates a PR at a time. An event for a PR is first
 *   recorded as the PR's `next` request (newest wins: it is the acknowledgement, and survives the
 *   replica); the replica holding the lease takes `next` as its follow-up when it finishes, so events
 *   that arrive anywhere during an evaluation collapse into one more evaluation of the newest state;
 * - per head commit, a lock around finding and writing our check run, which several PRs may share;
 * - per installation, the write turn and rate-limit holds of the throttle (one write at a time for
 *   all replicas, a spacing after the previous one's answer);
 * - liveness: leases lapse with the replica that held them, and a live replica's sweep takes up
 *   what a dead one acknowledged or was running.
 * Every operation is one Lua script or command, so no two replicas can interleave inside one.
 * When Redis fails, a replica carries on alone (evaluating, pacing locally) and says so in its log:
 * coordination is lost for that moment, never the evaluation.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { EvaluationRequest } from "./pipeline.js";
import { LocalPacer, type Pacer, sleep, type Turn } from "./throttle.js";

const P = "agent-policy:";
const NEXT = `${P}next`;
const RUN = `${P}run`;
const lease = (key: string) => `${P}lease:${key}`;

/** A request waiting for its evaluation; `notBefore` when it is a retry waiting for its time. */
interface Entry {
  req: EvaluationRequest;
  notBefore?: number;
}

/** Takes the PR's lease and its newest request (or a dead holder's running one); false when another replica holds it. */
const START = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return {'busy'} end
local raw = redis.call('HGET', KEYS[2], ARGV[3])
if raw then redis.call('HDEL', KEYS[2], ARGV[3]) else raw = redis.call('HGET', KEYS[3], ARGV[3]) end
if not raw then return {'none'} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[3], ARGV[3], raw)
return {'run', raw}`;

/**
 * Ends an evaluation: a request that arrived meanwhile is returned as the follow-up, the lease kept;
 * else the lease is let go, leaving the retry (if any) for whoever comes first at its time.
 */
const FINISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local raw = redis.call('HGET', KEYS[2], ARGV[3])
if raw then
  redis.call('HDEL', KEYS[2], ARGV[3])
  redis.call('HSET', KEYS[3], ARGV[3], raw)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return raw
end
redis.call('HDEL', KEYS[3], ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[3], ARGV[4]) end
redis.call('DEL', KEYS[1])
return false`;

/** What arrived for a PR whose lease this replica holds, taken now rather than as a follow-up. */
const REFRESH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'lost'} end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local raw = redis.call('HGET', KEYS[2], ARGV[2])
if not raw then return {'same'} end
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], raw)
return {'newer', raw}`;

/** Keeps the leases this replica still holds. */
const RENEW = `
local n = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('PEXPIRE', KEYS[i], ARGV[2]); n = n + 1 end
end
return n`;

/** Requests no replica holds a lease for and that are due: acknowledged by a dead replica, or a retry whose time came. */
const SWEEP = `
local out = {}
for _, h in ipairs({KEYS[1], KEYS[2]}) do
  local all = redis.call('HGETALL', h)
  for i = 1, #all, 2 do
    if redis.call('EXISTS', ARGV[1] .. all[i]) == 0 then
      local entry = cjson.decode(all[i + 1])
      if not entry.notBefore or entry.notBefore <= tonumber(ARGV[2]) then
        table.insert(out, all[i]); table.insert(out, all[i + 1])
      end
    end
  end
end
return out`;

/** Compare-and-delete: a lock is only let go by the replica that took it. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Takes an installation's write turn when no replica holds it; returns the ms to wait (on Redis'
 * clock: replicas' clocks may differ) until a spacing after the previous write's answer and past any
 * hold, or -1 when another replica is writing.
 */
const TURN = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local after = tonumber(redis.call('GET', KEYS[2]) or '0') + tonumber(ARGV[3])
local held = tonumber(redis.call('GET', KEYS[3]) or '0') - tonumber(ARGV[4]) + now
return math.max(0, after - now, held - now)`;

/** Ends a write turn: the next write's spacing counts from now. */
const TURN_DONE = `
local t = redis.call('TIME')
redis.call('SET', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), 'PX', 60000)
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

const COMMAND_TIMEOUT_MS = 2_000;

/** Longest a head commit's lock is held: finding and writing a run is a few bounded calls. */
const HEAD_LOCK_TTL_MS = 60_000;

/** How often a replica asks again while another one writes for the installation. */
const TURN_POLL_MS = 10;

/** Longest a write turn is held: a replica that died holding one stops the installation's writes this long. */
const TURN_TTL_MS = 15_000;

/** Ms until an installation's next write could start (Redis' clock): a spacing while one is under way. */
const UNTIL_WRITE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return tonumber(ARGV[1]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return math.max(0, tonumber(redis.call('GET', KEYS[2]) or '0') + tonumber(ARGV[1]) - now)`;

const HOLD = `
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`;

/**
 * run: this replica has the PR, and the newest request; busy: another replica has it and will take
 * the request as its follow-up; none: another replica already evaluated past it; alone: Redis failed,
 * evaluate the request at hand without coordination.
 */
export type Start =
  | { kind: "run"; req: EvaluationRequest }
  | { kind: "busy" }
  | { kind: "none" }
  | { kind: "alone" };

export class Cluster implements Pacer {
  readonly replica = randomUUID();
  readonly #redis: Redis;
  /** PR keys whose lease this replica holds. */
  readonly #held = new Set<string>();
  /** Pacing while Redis cannot be reached. */
  readonly #local = new LocalPacer();

  constructor(
    url: string,
    /** How long a lease outlives the last heartbeat of the replica holding it. */
    readonly ttlMs: number,
    /** Redis failed at `what`: this replica goes on alone for that step. */
    readonly onError: (what: string, error: unknown) => void,
  ) {
    // Commands fail fast instead of queueing while Redis is down: the replica then carries on alone.
    // A command that gets no answer in 2 s counts as failed, like one Redis refused.
    this.#redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    this.#redis.on("error", () => {});
  }

  /** "connected", or "unreachable" while the client reconnects. */
  get status(): "connected" | "unreachable" {
    return this.#redis.status === "ready" ? "connected" : "unreachable";
  }

  async start(): Promise<void> {
    await this.#redis.connect();
  }

  /** Records `req` as the PR's newest request: the acknowledgement another replica can finish. */
  async submit(key: string, req: EvaluationRequest): Promise<boolean> {
    return this.#redis.hset(NEXT, key, JSON.stringify({ req } satisfies Entry)).then(
      () => true,
      (error: unknown) => this.#failed("recording an acknowledged evaluation", error, false),
    );
  }

  /** Takes the PR for this replica, with the newest request to evaluate, unless another replica has it. */
  async begin(key: string): Promise<Start> {
    let answer: [string, string?];
    try {
      answer = (await this.#redis.eval(START, 3, lease(key), NEXT, RUN, this.replica, this.ttlMs, key)) as [
        string,
        string?,
      ];
    } catch (error) {
      return this.#failed("taking a pull request's lease", error, { kind: "alone" });
    }
    const [kind, raw] = answer;
    if (kind !== "run" || raw === undefined) return { kind: kind === "busy" ? "busy" : "none" };
    this.#held.add(key);
    return { kind: "run", req: (JSON.parse(raw) as Entry).req };
  }

  /** Ends this replica's evaluation of the PR; returns a request that arrived meanwhile, to evaluate now. */
  async finish(
    key: string,
    retry: { req: EvaluationRequest; notBefore: number } | null,
  ): Promise<EvaluationRequest | null> {
    this.#held.delete(key);
    const raw = await this.#redis
      .eval(
        FINISH,
        3,
        lease(key),
        NEXT,
        RUN,
        this.replica,
        this.ttlMs,
        key,
        retry ? JSON.stringify(retry) : "",
      )
      .catch((error: unknown) => this.#failed("letting go of a pull request's lease", error, null));
    if (typeof raw !== "string") return null;
    this.#held.add(key);
    return (JSON.parse(raw) as Entry).req;
  }

  /**
   * Before an evaluation reads: the newest request recorded for a PR this replica holds ("newer"),
   * none newer than the one it has ("same"), or "lost" — its lease lapsed and another replica may
   * have taken the PR up, so this one must not go on. Redis failing counts as "same".
   */
  async refresh(key: string): Promise<{ kind: "newer"; req: EvaluationRequest } | { kind: "same" | "lost" }> {
    let answer: [string, string?];
    try {
      answer = (await this.#redis.eval(REFRESH, 3, lease(key), NEXT, RUN, this.replica, key, this.ttlMs)) as [
        string,
        string?,
      ];
    } catch (error) {
      return this.#failed("reading a pull request's newest request", error, { kind: "same" });
    }
    const [kind, raw] = answer;
    if (kind === "newer" && raw !== undefined) return { kind, req: (JSON.parse(raw) as Entry).req };
    if (kind === "lost") this.#held.delete(key);
    return { kind: kind === "lost" ? "lost" : "same" };
  }

  /** Keeps this replica's leases; returns what no live replica holds and is due, for this one to take up. */
  async heartbeat(): Promise<{ key: string; req: EvaluationRequest }[]> {
    const held = [...this.#held].map(lease);
    if (held.length > 0) await this.#redis.eval(RENEW, held.length, ...held, this.replica, this.ttlMs);
    const flat = (await this.#redis.eval(SWEEP, 2, NEXT, RUN, `${P}lease:`, Date.now())) as string[];
    const out = new Map<string, EvaluationRequest>();
    for (let i = 0; i + 1 < flat.length; i += 2)
      out.set(flat[i] as string, (JSON.parse(flat[i + 1] as string) as Entry).req);
    return [...out].map(([key, req]) => ({ key, req }));
  }

  /** Runs `job` while holding the cluster-wide lock `name`, waiting (polling) while another replica holds it. */
  async locked<T>(name: string, job: () => Promise<T>): Promise<T> {
    const key = `${P}lock:${name}`;
    const token = randomUUID();
    const deadline = Date.now() + HEAD_LOCK_TTL_MS;
    // A holder that died lets go when its lock lapses; past that, go on rather than wait forever.
    for (;;) {
      const taken = await this.#redis
        .set(key, token, "PX", HEAD_LOCK_TTL_MS, "NX")
        .catch((error: unknown) => this.#failed(`taking the lock ${name}`, error, "OK"));
      if (taken === "OK" || Date.now() >= deadline) break;
      await sleep(20);
    }
    try {
      return await job();
    } finally {
      await this.#redis.eval(UNLOCK, 1, key, token).catch(() => {});
    }
  }

  async writeTurn(
    key: string,
    holdKey: string | null,
    spacingMs: number,
    maxWaitMs: number,
    signal?: AbortSignal,
  ): Promise<Turn | null> {
    const [turn, wrote, hold] = [`${P}turn:${key}`, `${P}wrote:${key}`, `${P}hold:${holdKey ?? ""}`];
    const token = randomUUID();
    const started = Date.now();
    const unlock = () => this.#redis.eval(UNLOCK, 1, turn, token).catch(() => {});
    for (;;) {
      let wait: number;
      try {
        wait = Number(
          await this.#redis.eval(TURN, 3, turn, wrote, hold, token, TURN_TTL_MS, spacingMs, Date.now()),
        );
      } catch (error) {
        this.onError("taking a write turn", error);
        return this.#local.writeTurn(key, holdKey, spacingMs, maxWaitMs, signal);
      }
      const left = maxWaitMs - (Date.now() - started);
      if (wait >= 0 && wait <= left) {
        try {
          if (wait > 0) await sleep(wait, signal);
        } catch (error) {
          await unlock();
          throw error;
        }
        const release = async (sent: boolean) => {
          if (!sent) return void (await unlock());
          this.#local.wrote(key, Date.now());
          await this.#redis.eval(TURN_DONE, 2, turn, wrote, token).catch((error: unknown) => {
            this.onError("ending a write turn", error);
          });
        };
        return { waitedMs: Date.now() - started, release };
      }
      if (wait >= 0 || left <= 0) {
        // Taken, but too long to wait: let the others go.
        if (wait >= 0) await unlock();
        return null;
      }
      await sleep(Math.min(TURN_POLL_MS, left), signal);
    }
  }

  async untilWrite(key: string, spacingMs: number): Promise<number> {
    try {
      return Number(await this.#redis.eval(UNTIL_WRITE, 2, `${P}turn:${key}`, `${P}wrote:${key}`, spacingMs));
    } catch (error) {
      this.onError("reading when the next write may go", error);
      return this.#local.untilWrite(key, spacingMs);
    }
  }

  async heldUntil(key: string): Promise<number> {
    try {
      return Number((await this.#redis.get(`${P}hold:${key}`)) ?? 0);
    } catch (error) {
      this.onError("reading a rate-limit hold", error);
      return this.#local.heldUntil(key);
    }
  }

  async hold(key: string, until: number): Promise<void> {
    await this.#local.hold(key, until);
    const ms = Math.max(1, Math.ceil(until - Date.now()));
    await this.#redis
      .eval(HOLD, 1, `${P}hold:${key}`, Math.round(until), ms)
      .catch((error: unknown) => this.onError("recording a rate-limit hold", error));
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  #failed<T>(what: string, error: unknown, fallback: T): T {
    this.onError(what, error);
    return fallback;
  }
}
