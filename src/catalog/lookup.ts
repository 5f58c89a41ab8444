/**
 * O(1) lookups into the catalog, built once at load. Keys are lowercase: GitHub logins, emails,
 * trailer keys and mentions are all case-insensitive.
 */
import type { Actor } from "../facts/model.js";
import { CATALOG, type CatalogEntry } from "./agents.js";

export interface Tagged<T> {
  value: T;
  entry: CatalogEntry;
}

export interface CatalogIndex {
  /** App logins as catalogued (`copilot-swe-agent[bot]`, `copilot`). Use `catalogAccount` to apply the type rule. */
  byLogin: ReadonlyMap<string, CatalogEntry>;
  byMachineUser: ReadonlyMap<string, CatalogEntry>;
  byId: ReadonlyMap<number, CatalogEntry>;
  byAppSlug: ReadonlyMap<string, CatalogEntry>;
  byEmail: ReadonlyMap<string, CatalogEntry>;
  byTrailerName: ReadonlyMap<string, CatalogEntry>;
  byTrailerKey: ReadonlyMap<string, CatalogEntry>;
  /** `key: value`, lowercase, single-spaced. */
  byTrailerValue: ReadonlyMap<string, CatalogEntry>;
  byPlatformLabel: ReadonlyMap<string, CatalogEntry>;
  /** Mention handles without the `@`. */
  byMention: ReadonlyMap<string, CatalogEntry>;
  nameSuffixes: readonly Tagged<string>[];
  trailerNamePrefixes: readonly Tagged<string>[];
  branchPrefixes: readonly Tagged<string>[];
  bodyPatterns: readonly Tagged<string>[];
}

/** First entry wins on a duplicate key; the catalog's integrity test keeps keys unique. */
export function buildIndex(entries: readonly CatalogEntry[]): CatalogIndex {
  const maps = {
    byLogin: new Map<string, CatalogEntry>(),
    byMachineUser: new Map<string, CatalogEntry>(),
    byId: new Map<number, CatalogEntry>(),
    byAppSlug: new Map<string, CatalogEntry>(),
    byEmail: new Map<string, CatalogEntry>(),
    byTrailerName: new Map<string, CatalogEntry>(),
    byTrailerKey: new Map<string, CatalogEntry>(),
    byTrailerValue: new Map<string, CatalogEntry>(),
    byPlatformLabel: new Map<string, CatalogEntry>(),
    byMention: new Map<string, CatalogEntry>(),
  };
  const put = <K>(map: Map<K, CatalogEntry>, keys: readonly K[], e: CatalogEntry, lower: (k: K) => K) => {
    for (const k of keys) if (!map.has(lower(k))) map.set(lower(k), e);
  };
  const lc = (s: string) => s.toLowerCase();
  const nameSuffixes: Tagged<string>[] = [];
  const trailerNamePrefixes: Tagged<string>[] = [];
  const branchPrefixes: Tagged<string>[] = [];
  const bodyPatterns: Tagged<string>[] = [];
  for (const e of entries) {
    put(maps.byLogin, e.logins, e, lc);
    put(maps.byMachineUser, e.machineUsers, e, lc);
    put(maps.byId, e.ids, e, (n) => n);
    put(maps.byAppSlug, e.appSlugs, e, lc);
    put(maps.byEmail, e.commitEmails, e, lc);
    put(maps.byTrailerName, e.trailerNames, e, lc);
    put(maps.byTrailerKey, e.trailerKeys, e, lc);
    put(maps.byTrailerValue, e.trailerValues, e, lc);
    put(maps.byPlatformLabel, e.platformLabels, e, lc);
    put(maps.byMention, e.mentionHandles, e, lc);
    for (const value of e.nameSuffixes) nameSuffixes.push({ value: lc(value), entry: e });
    for (const value of e.trailerNamePrefixes) trailerNamePrefixes.push({ value: lc(value), entry: e });
    for (const value of e.branchPrefixes) branchPrefixes.push({ value: lc(value), entry: e });
    for (const value of e.bodyPatterns) bodyPatterns.push({ value: lc(value), entry: e });
  }
  return { ...maps, nameSuffixes, trailerNamePrefixes, branchPrefixes, bodyPatterns };
}

export const CATALOG_INDEX: CatalogIndex = buildIndex(CATALOG);

/**
 * The catalogued account behind a login, applying the anti-spoofing rule:
 * - an account id is GitHub's own and cannot be forged, so it matches alone;
 * - a `[bot]` login cannot be registered by a user, so it matches whatever type is reported;
 * - an App login without the suffix (`Copilot`), or an App slug as GraphQL reports App authors
 *   (`copilot-swe-agent`, `dependabot`), matches only when GitHub says the account is a Bot:
 *   a User that merely took the name ("copilot-swe-agent", type User) is not the App;
 * - catalogued machine users are ordinary User accounts and match by login.
 * `type` is null when the login was not reported as an account (a git identity resolved by GitHub).
 */
export function catalogAccount(
  login: string,
  type: Actor["type"] | null,
  id?: number,
  index: CatalogIndex = CATALOG_INDEX,
): CatalogEntry | undefined {
  if (id !== undefined) {
    const byId = index.byId.get(id);
    if (byId) return byId;
  }
  const lower = login.toLowerCase();
  const machine = index.byMachineUser.get(lower);
  if (machine) return machine;
  if (lower.endsWith("[bot]")) return index.byLogin.get(lower);
  if (type !== "Bot") return undefined;
  return index.byLogin.get(lower) ?? index.byAppSlug.get(lower) ?? index.byLogin.get(`${lower}[bot]`);
}
