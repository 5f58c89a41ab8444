import { describe, expect, it } from "vitest";
import { EnforcementCache, enforcementKey, readEnforcementFacts } from "../../src/github/protection.js";
import { offline } from "../support/nock.js";
import { API, github, octokit } from "./gather-fixtures.js";

offline();

const APP = 4711;
const TARGET = { owner: "acme", repo: "app", branch: "main", appId: APP, appSlug: "agent-policy" };
const PROTECTION = "/repos/acme/app/branches/main/protection";
const RULES = "/repos/acme/app/rules/branches/main";
const ruleset = (id: number) => `/repos/acme/app/rulesets/${id}`;

/** GitHub's answer for a branch with classic protection (the docs' example, trimmed to what varies). */
const protectionBody = {
  url: `${API}${PROTECTION}`,
  required_status_checks: {
    url: `${API}${PROTECTION}/required_status_checks`,
    strict: true,
    contexts: ["agent-policy", "ci"],
    contexts_url: `${API}${PROTECTION}/required_status_checks/contexts`,
    checks: [
      { context: "agent-policy", app_id: null },
      { context: "ci", app_id: 15368 },
    ],
  },
  enforce_admins: { url: `${API}${PROTECTION}/enforce_admins`, enabled: true },
  required_pull_request_reviews: {
    url: `${API}${PROTECTION}/required_pull_request_reviews`,
    dismiss_stale_reviews: false,
    require_code_owner_reviews: true,
    required_approving_review_count: 2,
    require_last_push_approval: true,
    bypass_pull_request_allowances: {
      users: [{ login: "octocat", id: 1, type: "User" }],
      teams: [],
      apps: [{ id: 29110, slug: "dependabot", node_id: "MDM6QXBwMjkxMTA=", name: "Dependabot", owner: null }],
    },
  },
  required_linear_history: { enabled: true },
  allow_force_pushes: { enabled: false },
  allow_deletions: { enabled: false },
  required_conversation_resolution: { enabled: false },
  lock_branch: { enabled: false },
  allow_fork_syncing: { enabled: false },
};

const rule = (type: string, id: number, parameters?: unknown) => ({
  type,
  ruleset_source_type: id > 100 ? "Organization" : "Repository",
  ruleset_source: id > 100 ? "acme" : "acme/app",
  ruleset_id: id,
  ...(parameters !== undefined ? { parameters } : {}),
});
const checks = (id: number, integration_id?: number) =>
  rule("required_status_checks", id, {
    strict_required_status_checks_policy: true,
    do_not_enforce_on_create: false,
    required_status_checks: [{ context: "agent-policy", ...(integration_id ? { integration_id } : {}) }],
  });
const pullRequest = (id: number) =>
  rule("pull_request", id, {
    dismiss_stale_reviews_on_push: true,
    require_code_owner_review: false,
    require_last_push_approval: false,
    required_approving_review_count: 1,
    required_review_thread_resolution: false,
    allowed_merge_methods: ["merge", "squash", "rebase"],
  });

const rulesetBody = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  target: "branch",
  source_type: id > 100 ? "Organization" : "Repository",
  source: id > 100 ? "acme" : "acme/app",
  enforcement: "active",
  conditions: { ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
  rules: [{ type: "deletion" }],
  node_id: "RRS_lACqUmVwb3NpdG9yec5RJ0F2zgABrQ8",
  _links: { self: { href: `${API}${ruleset(id)}` } },
  created_at: "2024-05-01T10:00:00.000Z",
  updated_at: "2024-05-01T10:00:00.000Z",
  ...extra,
});

describe("readEnforcementFacts", () => {
  it("reads the protection, the rules and the rulesets behind the two rule types that matter", async () => {
    const { scope, requests } = github();
    scope
      .get(PROTECTION)
      .reply(200, protectionBody)
      .get(RULES)
      .query({ per_page: "100" })
      .reply(200, [
        rule("deletion", 3),
        rule("commit_message_pattern", 4, { operator: "starts_with", pattern: "issue" }),
        checks(1, APP),
        pullRequest(1),
        pullRequest(101),
      ])
      .get(ruleset(1))
      .query({ includes_parents: "true" })
      .reply(
        200,
        rulesetBody(1, "protect main", {
          bypass_actors: [
            { actor_id: 1, actor_type: "OrganizationAdmin", bypass_mode: "always" },
            { actor_id: 77, actor_type: "Integration", bypass_mode: "exempt" },
            { actor_type: "DeployKey" },
          ],
          current_user_can_bypass: "never",
        }),
      )
      .get(ruleset(101))
      .query({ includes_parents: "true" })
      .reply(200, rulesetBody(101, "org gate", { current_user_can_bypass: "never" }));

    expect(await readEnforcementFacts(octokit(), TARGET)).toEqual({
      branch: "main",
      appId: APP,
      appSlug: "agent-policy",
      protection: {
        required_status_checks: {
          contexts: ["agent-policy", "ci"],
          checks: [
            { context: "agent-policy", app_id: null },
            { context: "ci", app_id: 15368 },
          ],
        },
        required_pull_request_reviews: {
          dismiss_stale_reviews: false,
          require_last_push_approval: true,
          bypass_pull_request_allowances: { apps: [{ id: 29110, slug: "dependabot", name: "Dependabot" }] },
        },
        enforce_admins: { enabled: true },
      },
      rules: [
        {
          type: "required_status_checks",
          ruleset_id: 1,
          ruleset_source_type: "Repository",
          ruleset_source: "acme/app",
          parameters: { required_status_checks: [{ context: "agent-policy", integration_id: APP }] },
        },
        {
          type: "pull_request",
          ruleset_id: 1,
          ruleset_source_type: "Repository",
          ruleset_source: "acme/app",
          parameters: { dismiss_stale_reviews_on_push: true, require_last_push_approval: false },
        },
        {
          type: "pull_request",
          ruleset_id: 101,
          ruleset_source_type: "Organization",
          ruleset_source: "acme",
          parameters: { dismiss_stale_reviews_on_push: true, require_last_push_approval: false },
        },
      ],
      rulesets: {
        1: {
          name: "protect main",
          bypassActors: [
            { actor_id: 1, actor_type: "OrganizationAdmin", bypass_mode: "always" },
            { actor_id: 77, actor_type: "Integration", bypass_mode: "exempt" },
            { actor_id: null, actor_type: "DeployKey", bypass_mode: "always" },
          ],
          currentUserCanBypass: "never",
        },
        101: { name: "org gate", bypassActors: null, currentUserCanBypass: "never" },
      },
    });
    expect(requests).toHaveLength(4);
  });

  it("takes 404 Branch not protected for no protection, and any other 404 for a failed read", async () => {
    const { scope } = github();
    scope
      .get(PROTECTION)
      .reply(404, {
        message: "Branch not protected",
        documentation_url: "https://docs.github.com/rest/branches/branch-protection#get-branch-protection",
        status: "404",
      })
      .get(RULES)
      .query(true)
      .reply(200, []);
    const unprotected = await readEnforcementFacts(octokit(), TARGET);
    expect(unprotected).toMatchObject({ protection: null, rules: [], rulesets: {} });

    scope
      .get(PROTECTION)
      .reply(404, { message: "Branch not found", documentation_url: "https://docs.github.com/rest" })
      .get(RULES)
      .query(true)
      .reply(200, []);
    const { protection } = await readEnforcementFacts(octokit(), TARGET);
    expect(protection).toEqual({ unreadable: expect.stringMatching(/HTTP 404.*Branch not found/) });
  });

  it("names Administration: read when GitHub refuses the protection, but not for a rate limit", async () => {
    const { scope } = github();
    scope
      .get(PROTECTION)
      .reply(403, {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest/branches/branch-protection#get-branch-protection",
        status: "403",
      })
      .get(RULES)
      .query(true)
      .reply(200, []);
    const refused = await readEnforcementFacts(octokit(), TARGET);
    expect(refused.protection).toEqual({
      unreadable: expect.stringMatching(
        /^GitHub request failed while reading the branch protection of acme\/app@main: HTTP 403, .*Resource not accessible by integration/,
      ),
      permission: "Administration: read",
    });

    scope
      .get(PROTECTION)
      .reply(
        403,
        { message: "API rate limit exceeded for installation ID 1." },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1900000000" },
      )
      .get(RULES)
      .query(true)
      .reply(200, []);
    const limited = await readEnforcementFacts(octokit(), TARGET);
    expect(limited.protection).toEqual({ unreadable: expect.stringContaining("API rate limit exceeded") });
  });

  it("turns a malformed answer into a failed read with where it was wrong, and reads no ruleset then", async () => {
    const { scope, requests } = github();
    scope
      .get(PROTECTION)
      .reply(200, { required_status_checks: { contexts: ["agent-policy"] } })
      .get(RULES)
      .query(true)
      .reply(200, [rule("required_status_checks", 1, { required_status_checks: [{ context: 7 }] })]);
    const f = await readEnforcementFacts(octokit(), TARGET);
    expect(f.protection).toEqual({
      unreadable: expect.stringContaining(
        "unexpected shape while reading the branch protection of acme/app@main: required_status_checks.checks",
      ),
    });
    expect(f.rules).toEqual({
      unreadable: expect.stringContaining("unexpected shape while reading the rules for acme/app@main"),
    });
    expect(f.rulesets).toEqual({});
    expect(requests).toHaveLength(2);

    scope.get(PROTECTION).reply(200, "<html>oops</html>").get(RULES).query(true).reply(200, { rules: [] });
    const g = await readEnforcementFacts(octokit(), TARGET);
    expect(g.protection).toHaveProperty("unreadable");
    expect(g.rules).toHaveProperty("unreadable");
  });

  it("keeps a failed ruleset read as unreadable, and the others", async () => {
    const { scope } = github();
    scope
      .get(PROTECTION)
      .reply(404, { message: "Branch not protected" })
      .get(RULES)
      .query(true)
      .reply(200, [checks(1), pullRequest(2)])
      .get(ruleset(1))
      .query(true)
      .reply(404, { message: "Not Found" })
      .get(ruleset(2))
      .query(true)
      .reply(200, rulesetBody(2, "reviews", { bypass_actors: [] }));
    const f = await readEnforcementFacts(octokit(), TARGET);
    expect(f.rulesets).toEqual({
      1: { unreadable: expect.stringMatching(/reading ruleset 1 of acme\/app: HTTP 404/) },
      2: { name: "reviews", bypassActors: [] },
    });
  });

  it("follows the rules' pages, and gives up past five rather than miss a requirement", async () => {
    const { scope, requests } = github();
    const next = (page: number) => ({
      link: `<${API}${RULES}?per_page=100&page=${page}>; rel="next", <${API}${RULES}?per_page=100&page=9>; rel="last"`,
    });
    scope.get(PROTECTION).reply(404, { message: "Branch not protected" });
    scope
      .get(RULES)
      .query({ per_page: "100" })
      .reply(200, [rule("deletion", 3)], next(2));
    scope
      .get(RULES)
      .query({ per_page: "100", page: "2" })
      .reply(200, [checks(1, APP)]);
    scope
      .get(ruleset(1))
      .query(true)
      .reply(200, rulesetBody(1, "gate", { bypass_actors: [] }));
    const f = await readEnforcementFacts(octokit(), TARGET);
    expect(f.rules).toEqual([expect.objectContaining({ type: "required_status_checks", ruleset_id: 1 })]);
    expect(requests).toHaveLength(4);

    scope.get(PROTECTION).reply(404, { message: "Branch not protected" });
    scope
      .get(RULES)
      .query({ per_page: "100" })
      .reply(200, [rule("deletion", 3)], next(2));
    for (const page of [2, 3, 4, 5])
      scope
        .get(RULES)
        .query({ per_page: "100", page: String(page) })
        .reply(200, [rule("deletion", 3)], next(page + 1));
    const long = await readEnforcementFacts(octokit(), TARGET);
    expect(long.rules).toEqual({ unreadable: "more than 500 rules apply; only the first were read" });
    expect(requests).toHaveLength(4 + 6);
  });

  it("reads at most ten rulesets, each once", async () => {
    const { scope, requests } = github();
    const ids = Array.from({ length: 12 }, (_, i) => i + 1);
    scope
      .get(PROTECTION)
      .reply(404, { message: "Branch not protected" })
      .get(RULES)
      .query(true)
      .reply(200, [...ids.map((id) => pullRequest(id)), checks(1)]);
    for (const id of ids.slice(0, 10))
      scope
        .get(ruleset(id))
        .query(true)
        .reply(200, rulesetBody(id, `r${id}`));
    const f = await readEnforcementFacts(octokit(), TARGET);
    expect(Object.keys(f.rulesets)).toEqual(ids.slice(0, 10).map(String));
    expect(requests).toHaveLength(12);
  });

  it("encodes a branch name with a slash as one path segment", async () => {
    const { scope } = github();
    scope
      .get("/repos/acme/app/branches/release%2F1.0/protection")
      .reply(404, { message: "Branch not protected" })
      .get("/repos/acme/app/rules/branches/release%2F1.0")
      .query(true)
      .reply(200, []);
    const f = await readEnforcementFacts(octokit(), { ...TARGET, branch: "release/1.0" });
    expect(f).toMatchObject({ branch: "release/1.0", protection: null, rules: [] });
  });
});

describe("EnforcementCache", () => {
  /** A clock for the cache's TTL; lru-cache reuses a reading for 1 ms of real time, so advancing waits that out. */
  const clock = () => {
    let now = 1_000_000;
    const advance = async (ms: number) => {
      now += ms;
      await new Promise((r) => setTimeout(r, 5));
    };
    return { perf: { now: () => now }, advance };
  };

  it("keys branches with the repository case-insensitive and the branch as given", () => {
    expect(enforcementKey("Acme", "App", "Main")).toBe("acme/app@Main");
  });

  it("shares one load among concurrent reads and keeps the answer for ten minutes", async () => {
    const { perf, advance } = clock();
    const cache = new EnforcementCache<{ n: number }>({ perf });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const [a, b] = await Promise.all([cache.get("acme/app@main", load), cache.get("acme/app@main", load)]);
    expect([a, b, loads]).toEqual([{ n: 1 }, { n: 1 }, 1]);
    await advance(9 * 60 * 1000);
    expect(await cache.get("acme/app@main", load)).toEqual({ n: 1 });
    await advance(2 * 60 * 1000);
    expect(await cache.get("acme/app@main", load)).toEqual({ n: 2 });
  });

  it("does not keep a failed load", async () => {
    const cache = new EnforcementCache<{ n: number }>();
    await expect(cache.get("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(
      cache.get("k", () => {
        throw new Error("at once");
      }),
    ).rejects.toThrow("at once");
    expect(await cache.get("k", async () => ({ n: 3 }))).toEqual({ n: 3 });
  });

  it("does not keep what `keep` refuses (a read that failed for now), and leaves other branches kept", async () => {
    const cache = new EnforcementCache<{ n: number }>();
    await cache.get("acme/app@dev", async () => ({ n: 1 }));
    let loads = 0;
    const load = async () => ({ n: ++loads });
    await cache.get("acme/app@main", load, () => false);
    expect(await cache.get("acme/app@main", load)).toEqual({ n: 2 });
    expect(await cache.get("acme/app@dev", async () => ({ n: 9 }))).toEqual({ n: 1 });
  });

  it("drops one repository's branches, or a whole owner's, and does not keep a load that was in flight", async () => {
    const cache = new EnforcementCache<{ v: string }>();
    const keys = ["acme/app@main", "acme/app@dev", "acme/lib@main", "acme-two/app@main"];
    for (const key of keys) await cache.get(key, async () => ({ v: "old" }));
    const fresh = async () => ({ v: "new" });
    const now = async () => Promise.all(keys.map((k) => cache.get(k, fresh).then((x) => x.v)));

    cache.invalidate("ACME", "App");
    expect(await now()).toEqual(["new", "new", "old", "old"]);
    cache.invalidate("Acme");
    expect(await now()).toEqual(["new", "new", "new", "old"]);

    let release: (v: { v: string }) => void = () => {};
    const gate = new Promise<{ v: string }>((r) => {
      release = r;
    });
    const pending = cache.get("acme/lib@x", () => gate);
    cache.invalidate("acme", "lib");
    release({ v: "before the change" });
    expect(await pending).toEqual({ v: "before the change" });
    expect(await cache.get("acme/lib@x", fresh)).toEqual({ v: "new" });
  });
});
