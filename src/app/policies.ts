/**
 * Loaded policies by policy key (the gatherer's key names the file and the default-branch commit
 * it came from), so a policy is parsed, validated and composed once per change, not per event.
 * Bounded and expiring so a busy org cannot grow it without limit and a missed push heals itself.
 */
import { LRUCache } from "lru-cache";
import { defaultPolicy, loadPolicy } from "../policy/index.js";

export type LoadResult = Awaited<ReturnType<typeof loadPolicy>>;
type Fetcher = Parameters<typeof loadPolicy>[1];

export interface PolicyCacheOptions {
  max?: number;
  ttlMs?: number;
}

export class PolicyCache {
  readonly #entries: LRUCache<string, Promise<LoadResult>>;

  constructor(options: PolicyCacheOptions = {}) {
    this.#entries = new LRUCache({ max: options.max ?? 500, ttl: options.ttlMs ?? 10 * 60_000 });
  }

  /** Loads (or reuses) the policy for `key`; `file` null means the built-in default applies. */
  resolve(key: string, file: { text: string; source: string } | null, fetch: Fetcher): Promise<LoadResult> {
    const cached = this.#entries.get(key);
    if (cached) return cached;
    const loading = file
      ? loadPolicy(file, fetch)
      : Promise.resolve({ ok: true as const, policy: defaultPolicy() });
    this.#entries.set(key, loading);
    // A fault while loading (an `_extends` base that could not be fetched) must not stick.
    loading.catch(() => {
      if (this.#entries.get(key) === loading) this.#entries.delete(key);
    });
    return loading;
  }
}
