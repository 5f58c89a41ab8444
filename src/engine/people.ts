/** Permission questions about people, answered only from the facts (unknown is never "enough"). */
import type { Permission, PrFacts } from "../facts/model.js";

const RANK: Record<Permission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function permissionAtLeast(have: Permission, need: Permission): boolean {
  return RANK[have] >= RANK[need];
}

/**
 * Whether `login` holds at least `need` on the repository. `undefined` means the facts do not say,
 * which callers must treat as "no" and report as unknown. A review's push flag proves write, never more.
 */
export function hasPermission(facts: PrFacts, login: string, need: Permission): boolean | undefined {
  const known = facts.people[login]?.permission;
  if (known !== undefined) return permissionAtLeast(known, need);
  if (
    RANK[need] <= RANK.write &&
    facts.reviews.some((r) => r.author.login === login && r.authorCanPush === true)
  ) {
    return true;
  }
  return undefined;
}

/** Whether `login` is an active member of team "org/slug"; undefined when not looked up. */
export function inTeam(facts: PrFacts, login: string, team: string): boolean | undefined {
  return facts.people[login]?.teams?.[team.toLowerCase()];
}
