/**
 * Reads what the enforcement self-check (engine/enforcement.ts) needs about a branch: its classic
 * protection, the active ruleset rules that apply to it, and the bypass lists of the rulesets
 * behind the status-check and pull-request rules. A read that fails or answers in an unexpected
 * shape becomes `unreadable` with the reason, never an error: the check-run summary says what could
 * not be seen, and the decision itself does not depend on it.
 */
import { LRUCache, type Perf } from "lru-cache";
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type {
  BranchProtection,
  BranchRule,
  EnforcementFacts,
  RulesetFacts,
  Unreadable,
} from "../engine/enforcement.js";
import { repoKey } from "./commit-cache.js";
import { asGatherError, faultOf, httpStatus } from "./gather-errors.js";
import { parseShape } from "./gather-shape.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface EnforcementTarget {
  owner: string;
  repo: string;
  branch: string;
  appId: number;
  appSlug: string;
}

/** Far more rules than a branch has in practice; more pages would make the read unbounded. */
const MAX_RULE_PAGES = 5;
/** Rulesets read for their bypass lists; the rest are reported as not read. */
export const MAX_RULESETS = 10;

const protectionShape = z.object({
  required_status_checks: z
    .object({
      contexts: z.array(z.string()),
      checks: z.array(z.object({ context: z.string(), app_id: z.number().int().nullable() })),
    })
    .optional(),
  required_pull_request_reviews: z
    .object({
      dismiss_stale_reviews: z.boolean(),
      require_last_push_approval: z.boolean().optional(),
      bypass_pull_request_allowances: z
        .object({
          apps: z.array(z.object({ id: z.number().int(), slug: z.string().optional(), name: z.string() })),
        })
        .optional(),
    })
    .optional(),
  enforce_admins: z.object({ enabled: z.boolean() }).optional(),
});

const ruleType = z.object({ type: z.string() }).loose();

/** The two rule types the self-check reads; GitHub's others are skipped unread. */
const ruleOrigin = z.object({
  ruleset_id: z.number().int(),
  ruleset_source_type: z.string(),
  ruleset_source: z.string(),
});
const gateRule = z.discriminatedUnion("type", [
  ruleOrigin.extend({
    type: z.literal("required_status_checks"),
    parameters: z.object({
      required_status_checks: z.array(
        z.object({ context: z.string(), integration_id: z.number().int().nullish() }),
      ),
    }),
  }),
  ruleOrigin.extend({
    type: z.literal("pull_request"),
    parameters: z.object({
      dismiss_stale_reviews_on_push: z.boolean(),
      require_last_push_approval: z.boolean(),
    }),
  }),
]);
const GATE_RULES = new Set<string>(gateRule.options.map((o) => o.shape.type.value));

const rulesetShape = z.object({
  name: z.string(),
  bypass_actors: z
    .array(
      z.object({
        actor_id: z
          .number()
          .int()
          .nullish()
          .transform((id) => id ?? null),
        actor_type: z.string(),
        // GitHub's default when a ruleset is made without one.
        bypass_mode: z.string().default("always"),
      }),
    )
    .optional(),
  current_user_can_bypass: z.string().optional(),
});

const errorBody = z.object({ response: z.object({ data: z.object({ message: z.string() }) }) });

/**
 * A failed read with the reason. Only branch protection needs a permission an app may lack
 * (rules and rulesets need Metadata, which every app and token has), so a refusal there (403,
 * not a rate limit) names it: that is what a person must change.
 */
function unreadable(err: unknown, doing: string, permission?: string): Unreadable {
  const refused = permission !== undefined && httpStatus(err) === 403 && faultOf(err)?.kind === "refused";
  return { unreadable: asGatherError(err, doing).reason, ...(refused ? { permission } : {}) };
}

async function readProtection(
  o: Octokit,
  t: EnforcementTarget,
): Promise<BranchProtection | null | Unreadable> {
  const doing = `reading the branch protection of ${t.owner}/${t.repo}@${t.branch}`;
  try {
    const res = await o.rest.repos.getBranchProtection({ owner: t.owner, repo: t.repo, branch: t.branch });
    return parseShape(protectionShape, res.data, doing);
  } catch (err) {
    // Only this 404 means "no classic protection"; another (no such branch, repository hidden) is a failed read.
    if (
      httpStatus(err) === 404 &&
      errorBody.safeParse(err).data?.response.data.message === "Branch not protected"
    )
      return null;
    return unreadable(err, doing, "Administration: read");
  }
}

async function readRules(o: Octokit, t: EnforcementTarget): Promise<BranchRule[] | Unreadable> {
  const doing = `reading the rules for ${t.owner}/${t.repo}@${t.branch}`;
  const rules: BranchRule[] = [];
  try {
    let pages = 0;
    const params = { owner: t.owner, repo: t.repo, branch: t.branch, per_page: 100 };
    for await (const res of o.paginate.iterator(o.rest.repos.getBranchRules, params)) {
      for (const item of parseShape(z.array(ruleType), res.data, doing))
        if (GATE_RULES.has(item.type)) rules.push(parseShape(gateRule, item, doing));
      if (++pages >= MAX_RULE_PAGES && /rel="next"/.test(res.headers.link ?? "")) {
        // A requirement may be on a page not read: saying "not required" could be wrong.
        return { unreadable: `more than ${MAX_RULE_PAGES * 100} rules apply; only the first were read` };
      }
    }
  } catch (err) {
    return unreadable(err, doing);
  }
  return rules;
}

async function readRuleset(o: Octokit, t: EnforcementTarget, id: number): Promise<RulesetFacts> {
  const doing = `reading ruleset ${id} of ${t.owner}/${t.repo}`;
  try {
    // includes_parents: without it GitHub answers 404 for an organization's ruleset.
    const params = { owner: t.owner, repo: t.repo, ruleset_id: id, includes_parents: true };
    const r = parseShape(rulesetShape, (await o.rest.repos.getRepoRuleset(params)).data, doing);
    return {
      name: r.name,
      bypassActors: r.bypass_actors ?? null,
      ...(r.current_user_can_bypass !== undefined ? { currentUserCanBypass: r.current_user_can_bypass } : {}),
    };
  } catch (err) {
    return unreadable(err, doing);
  }
}

/** Everything the self-check needs about `t.branch`, in at most 2 + MAX_RULESETS reads (plus rule pages). */
export async function readEnforcementFacts(
  octokit: Octokit,
  t: EnforcementTarget,
): Promise<EnforcementFacts> {
  const [protection, rules] = await Promise.all([readProtection(octokit, t), readRules(octokit, t)]);
  const ids = Array.isArray(rules) ? [...new Set(rules.map((r) => r.ruleset_id))].slice(0, MAX_RULESETS) : [];
  const rulesets = Object.fromEntries(
    await Promise.all(ids.map(async (id) => [id, await readRuleset(octokit, t, id)] as const)),
  );
  return { branch: t.branch, appId: t.appId, appSlug: t.appSlug, protection, rules, rulesets };
}

/** The cache key of a branch; GitHub's owner and repository names are case-insensitive, branches are not. */
export const enforcementKey = (owner: string, repo: string, branch: string): string =>
  `${repoKey({ owner, repo })}@${branch}`;

/**
 * Enforcement facts by branch for a while (settings change rarely, and every evaluation of every PR
 * would otherwise read them again). Concurrent loads of one key share one read; `invalidate` drops
 * what a settings webhook made stale, and a load in flight then is not kept.
 */
export class EnforcementCache<V extends {} = EnforcementFacts> {
  private readonly values: LRUCache<string, V>;
  private readonly loading = new Map<string, Promise<V>>();

  constructor(options: { ttlMs?: number; max?: number; perf?: Perf } = {}) {
    this.values = new LRUCache<string, V>({
      max: options.max ?? 1000,
      ttl: options.ttlMs ?? 10 * 60 * 1000,
      ...(options.perf ? { perf: options.perf } : {}),
    });
  }

  /** `keep`: whether a loaded value may be kept for the TTL (a read that failed for now may not). */
  get(key: string, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const kept = this.values.get(key);
    if (kept !== undefined) return Promise.resolve(kept);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    // Deferred, so a load that throws at once rejects like one that fails later.
    const promise = Promise.resolve()
      .then(load)
      .then((value) => {
        // Invalidated meanwhile: this answer may predate the change, so it is not kept.
        if (this.loading.get(key) === promise && keep(value)) this.values.set(key, value);
        return value;
      });
    const settle = () => {
      if (this.loading.get(key) === promise) this.loading.delete(key);
    };
    promise.then(settle, settle);
    this.loading.set(key, promise);
    return promise;
  }

  /** Drops one repository's branches, or (no `repo`: an organization's rulesets changed) the whole owner's. */
  invalidate(owner: string, repo?: string): void {
    const prefix = repo === undefined ? `${owner.toLowerCase()}/` : `${repoKey({ owner, repo })}@`;
    for (const key of [...this.values.keys()]) if (key.startsWith(prefix)) this.values.delete(key);
    for (const key of [...this.loading.keys()]) if (key.startsWith(prefix)) this.loading.delete(key);
  }
}
