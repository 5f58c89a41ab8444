/**
 * Loaded policies by policy key (the gatherer's key names the file and the default-branch commit
 * it came from), so a policy is parsed, validated and composed once per change, not per event.
 * Bounded and expiring so a busy org cannot grow it without limit and a missed push heals itself.
 *
 * It also remembers which files each repository's policy was composed from (the entry file and
 * every `_extends` base), so a push that changes any of them re-evaluates that repository's open
 * PRs and drops the compositions built on the old text.
 */
import { LRUCache } from "lru-cache";
import { defaultPolicy, loadPolicy } from "../policy/index.js";

export type LoadResult = Awaited<ReturnType<typeof loadPolicy>>;
type Fetcher = Parameters<typeof loadPolicy>[1];

export interface PolicyCacheOptions {
  max?: number;
  ttlMs?: number;
}

/** What a push to a default branch means for the policies this cache has composed. */
export interface PushImpact {
  /** Repositories ("owner/name") whose policy was composed from a file the push changed. */
  repos: string[];
  /** The pushed repository's own composition is known, so `repos` is exact for it. */
  known: boolean;
}

const lower = (s: string) => s.toLowerCase();

export class PolicyCache {
  readonly #entries: LRUCache<string, Promise<LoadResult>>;
  /** "owner/repo:path" of a policy file → the repositories and cache keys composed from it. */
  readonly #users: LRUCache<string, Map<string, { repo: string; key: string }>>;
  /** Repositories whose composition was recorded ("owner/repo"). */
  readonly #recorded: LRUCache<string, true>;

  constructor(options: PolicyCacheOptions = {}) {
    const max = options.max ?? 500;
    const ttl = options.ttlMs ?? 10 * 60_000;
    this.#entries = new LRUCache({ max, ttl });
    this.#users = new LRUCache({ max: max * 4 });
    this.#recorded = new LRUCache({ max: max * 4 });
  }

  /**
   * Loads (or reuses) the policy for `key`; `file` null means the built-in default applies.
   * `repo` ("owner/name") is the repository the policy governs, recorded against each file it
   * was composed from.
   */
  resolve(
    key: string,
    file: { text: string; source: string } | null,
    fetch: Fetcher,
    repo?: string,
  ): Promise<LoadResult> {
    const cached = this.#entries.get(key);
    if (cached) return cached;
    const loading: Promise<LoadResult> = file
      ? loadPolicy(file, fetch)
      : Promise.resolve({ ok: true as const, policy: defaultPolicy(), files: [] });
    this.#entries.set(key, loading);
    loading.then(
      (result) => {
        if (repo === undefined) return;
        this.#recorded.set(lower(repo), true);
        // An invalid policy still depends on its entry file; a valid one on every file it came from.
        const files = result.ok ? result.files : file ? [file.source] : [];
        for (const f of files) {
          const users = this.#users.get(lower(f)) ?? new Map<string, { repo: string; key: string }>();
          users.set(lower(repo), { repo, key });
          this.#users.set(lower(f), users);
        }
      },
      // A fault while loading (an `_extends` base that could not be fetched) must not stick.
      () => {
        if (this.#entries.get(key) === loading) this.#entries.delete(key);
      },
    );
    return loading;
  }

  /** A push to `owner/repo`'s default branch changed `paths`: who must be re-evaluated. */
  pushed(owner: string, repo: string, paths: readonly string[]): PushImpact {
    const hit = new Map<string, string>();
    for (const path of paths) {
      const users = this.#users.get(lower(`${owner}/${repo}:${path}`));
      for (const [id, user] of users ?? []) {
        hit.set(id, user.repo);
        this.#entries.delete(user.key);
      }
    }
    return { repos: [...hit.values()], known: this.#recorded.has(lower(`${owner}/${repo}`)) };
  }
}
