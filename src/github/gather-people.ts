/**
 * Repository permissions and team memberships of the people a decision depends on, through REST,
 * behind bounded caches that expire. Only these slow-changing answers are cached: reviews, the head
 * commit and everything else about the PR are read fresh for every evaluation.
 */
import { LRUCache } from "lru-cache";
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { Permission, Person } from "../facts/model.js";
import { asGatherError, GatherError, httpStatus } from "./gather-errors.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface PeopleCaches {
  /** "owner/repo#login" (lower case) → repository permission. */
  permissions: LRUCache<string, Permission>;
  /** "org/slug#login" (lower case) → active member. */
  teams: LRUCache<string, boolean>;
}

/** Bounded (default 5,000 answers each) and expiring (default 5 minutes); `now` is the clock, in ms. */
export function createPeopleCaches(
  opts: { max?: number; ttlMs?: number; now?: () => number } = {},
): PeopleCaches {
  const options = {
    max: opts.max ?? 5_000,
    ttl: opts.ttlMs ?? 5 * 60_000,
    // An injected clock is read on every check rather than through lru-cache's 1 ms debounce.
    ...(opts.now ? { perf: { now: opts.now }, ttlResolution: 0 } : {}),
  };
  return { permissions: new LRUCache(options), teams: new LRUCache(options) };
}

const LEVELS = new Set<Permission>(["none", "read", "triage", "write", "maintain", "admin"]);

const permissionAnswer = z.object({ permission: z.string(), role_name: z.string().optional() });
const membershipAnswer = z.object({ state: z.string() });

/**
 * `role_name` carries triage and maintain, which `permission` folds into read and write; a custom
 * role name falls back to the base `permission`.
 */
function levelOf(answer: z.infer<typeof permissionAnswer>): Permission | null {
  const role = answer.role_name?.toLowerCase();
  if (role && LEVELS.has(role as Permission)) return role as Permission;
  const base = answer.permission.toLowerCase();
  return LEVELS.has(base as Permission) ? (base as Permission) : null;
}

async function permissionOf(
  octokit: Octokit,
  owner: string,
  repo: string,
  login: string,
): Promise<Permission> {
  const where = `reading the permission of @${login} on ${owner}/${repo}`;
  try {
    const res = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login });
    const parsed = permissionAnswer.safeParse(res.data);
    const level = parsed.success ? levelOf(parsed.data) : null;
    if (!level)
      throw new GatherError(`GitHub gave an unreadable answer while ${where}`, { kind: "malformed" });
    return level;
  } catch (err) {
    // 404: no such account (or a bot GitHub does not list): it holds no permission.
    if (httpStatus(err) === 404) return "none";
    throw asGatherError(err, where);
  }
}

async function activeMember(octokit: Octokit, org: string, slug: string, login: string): Promise<boolean> {
  const where = `reading whether @${login} is in team ${org}/${slug}`;
  try {
    const res = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
    const parsed = membershipAnswer.safeParse(res.data);
    if (!parsed.success)
      throw new GatherError(`GitHub gave an unreadable answer while ${where}`, { kind: "malformed" });
    // A pending invitation is not membership.
    return parsed.data.state === "active";
  } catch (err) {
    if (httpStatus(err) === 404) return false;
    throw asGatherError(err, where);
  }
}

function splitTeam(team: string): { org: string; slug: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(team);
  if (!match?.[1] || !match[2]) throw new GatherError(`Team "${team}" is not of the form org/team-slug`);
  return { org: match[1], slug: match[2] };
}

async function cached<V extends {}>(
  cache: LRUCache<string, V>,
  key: string,
  read: () => Promise<V>,
): Promise<V> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = await read();
  cache.set(key, value);
  return value;
}

/** At most this many lookups in flight per call, so a long reviewer list does not burst GitHub. */
const CONCURRENCY = 8;

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY)
    await Promise.all(items.slice(i, i + CONCURRENCY).map(run));
}

/**
 * Permission on the target repository and membership of each team, for each login. Teams are
 * "org/slug"; answers are recorded under the lower-cased team name, as `inTeam` looks them up.
 */
export async function lookupPeople(
  octokit: Octokit,
  target: { owner: string; repo: string },
  logins: string[],
  teams: string[],
  caches: PeopleCaches,
): Promise<Record<string, Person>> {
  const parsedTeams = [...new Set(teams.map((t) => t.toLowerCase()))].map((t) => ({
    name: t,
    ...splitTeam(t),
  }));
  const repoKey = `${target.owner}/${target.repo}`.toLowerCase();
  const people: Record<string, Person> = {};
  await inBatches([...new Set(logins)], async (login) => {
    const key = login.toLowerCase();
    const permission = await cached(caches.permissions, `${repoKey}#${key}`, () =>
      permissionOf(octokit, target.owner, target.repo, login),
    );
    const memberships: Record<string, boolean> = {};
    for (const team of parsedTeams) {
      memberships[team.name] = await cached(caches.teams, `${team.name}#${key}`, () =>
        activeMember(octokit, team.org, team.slug, login),
      );
    }
    people[login] = parsedTeams.length > 0 ? { permission, teams: memberships } : { permission };
  });
  return people;
}
