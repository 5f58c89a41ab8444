/**
 * Bounded caches of what GitHub derives from commits alone. A commit id names its content, so what
 * was read for a head (a whole file at it) or for a base and a head (a PR's list of changed files)
 * never goes stale: an unchanged head needs no second read, and a head or base that moved is
 * another key, so it misses. Shared by every evaluation in the process, for any installation:
 * entries are keyed by repository, and GitHub's repository names are case-insensitive (commit ids
 * and paths are not, and are kept as given).
 */
import { LRUCache } from "lru-cache";

/** An LRU holding at most `maxChars` characters of values and keys, as `sizeOf` counts a value. */
export function commitCache<V extends {}>(
  maxChars: number,
  sizeOf: (value: V) => number,
): LRUCache<string, V> {
  return new LRUCache<string, V>({
    maxSize: maxChars,
    sizeCalculation: (value, key) => Math.max(1, sizeOf(value) + key.length),
  });
}

/** The repository part of a cache key. */
export const repoKey = (target: { owner: string; repo: string }): string =>
  `${target.owner}/${target.repo}`.toLowerCase();
