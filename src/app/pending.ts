/**
 * Acknowledged evaluations kept in Redis until they finish, so that when a replica dies (`kill -9`,
 * an evicted pod) another one picks up what it had acknowledged but not written. Each replica
 * holds a liveness key it refreshes; an entry whose replica's key has lapsed is claimed atomically
 * by a live replica, which evaluates it. Without `REDIS_URL` there is no queue to share and
 * reconciliation at start-up recovers a crash instead.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { EvaluationRequest } from "./pipeline.js";

const HASH = "agent-policy:pending";
const LIVE = "agent-policy:replica:";

/** Deletes the entry only if it is still the one this replica finished (a newer event may have replaced it). */
const DONE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
if entry.owner == ARGV[2] and entry.seq == tonumber(ARGV[3]) then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`;

/** Claims every entry whose replica is no longer alive (the claimer schedules, and so re-adds, each); returns them. */
const CLAIM = `
local out = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local entry = cjson.decode(all[i + 1])
  if entry.owner ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. entry.owner) == 0 then
    entry.owner = ARGV[1]
    redis.call('HSET', KEYS[1], all[i], cjson.encode(entry))
    table.insert(out, cjson.encode(entry.req))
  end
end
return out`;

interface Entry {
  owner: string;
  seq: number;
  req: EvaluationRequest;
}

export class PendingQueue {
  readonly replica = randomUUID();
  readonly #redis: Redis;
  #seq = 0;

  constructor(
    url: string,
    /** How long a replica counts as alive after its last heartbeat. */
    readonly ttlMs = 30_000,
  ) {
    // Commands fail fast instead of queueing forever while Redis is down: evaluations go on without it.
    this.#redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.#redis.on("error", () => {});
  }

  async start(): Promise<void> {
    await this.#redis.connect();
    await this.heartbeat();
  }

  /** Records an acknowledged evaluation; returns the sequence number `done` needs. */
  async add(key: string, req: EvaluationRequest): Promise<number> {
    const seq = ++this.#seq;
    const entry: Entry = { owner: this.replica, seq, req };
    await this.#redis.hset(HASH, key, JSON.stringify(entry));
    return seq;
  }

  async done(key: string, seq: number): Promise<void> {
    await this.#redis.eval(DONE, 1, HASH, key, this.replica, String(seq));
  }

  /** Keeps this replica alive for another `ttlMs`. */
  async heartbeat(): Promise<void> {
    await this.#redis.set(`${LIVE}${this.replica}`, "1", "PX", this.ttlMs);
  }

  /** The evaluations dead replicas left, now this replica's to finish. */
  async claimOrphans(): Promise<EvaluationRequest[]> {
    const reqs = (await this.#redis.eval(CLAIM, 1, HASH, this.replica, LIVE)) as string[];
    return reqs.map((r) => JSON.parse(r) as EvaluationRequest);
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
