import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AppPermissions,
  DEFAULT_APP_PERMISSIONS,
  payloads,
  type Repo,
  type RulesetRecord,
  type StandIn,
  startStandIn,
} from "../../tools/github-standin/index.js";
import { type Client, installationClient, installationToken } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions, not by static types.
type Answer = any;

let standIn: StandIn;
let repo: Repo;
let gh: Client;
let token: string;
let repoRuleset: RulesetRecord;
let evaluateRuleset: RulesetRecord;
let orgRuleset: RulesetRecord;
let otherOrgRuleset: RulesetRecord;

beforeAll(async () => {
  standIn = await startStandIn();
  const { store } = standIn;
  store.addInstallation({
    account: "initech",
    permissions: { ...DEFAULT_APP_PERMISSIONS, administration: "write" },
  });
  repo = store.addRepo({ owner: "initech", name: "api", collaborators: { maya: "admin" } });
  store.addTeam({ org: "initech", slug: "release-managers", members: ["maya"] });
  store.commitToBranch(repo.fullName, {
    branch: "release/1.0",
    files: { VERSION: "1.0\n" },
    message: "Release 1.0",
    author: "maya",
  });
  gh = await installationClient(standIn, repo.installationId ?? 0);
  token = await installationToken(standIn, repo.installationId ?? 0);

  repoRuleset = store.addRuleset(repo.fullName, {
    name: "main and releases",
    enforcement: "active",
    bypass_actors: [
      { actor_id: standIn.appId, actor_type: "Integration", bypass_mode: "pull_request" },
      { actor_id: 5, actor_type: "RepositoryRole" },
    ],
    conditions: {
      ref_name: { include: ["~DEFAULT_BRANCH", "refs/heads/release/*"], exclude: ["refs/heads/release/old"] },
    },
    rules: [
      { type: "deletion" },
      {
        type: "pull_request",
        parameters: {
          dismiss_stale_reviews_on_push: true,
          require_code_owner_review: false,
          require_last_push_approval: true,
          required_approving_review_count: 2,
          required_review_thread_resolution: false,
        },
      },
    ],
  });
  evaluateRuleset = store.addRuleset(repo.fullName, {
    name: "trying out",
    enforcement: "evaluate",
    conditions: { ref_name: { include: ["~ALL"], exclude: [] } },
    rules: [{ type: "required_signatures" }],
  });
  store.addRuleset(repo.fullName, {
    name: "switched off",
    enforcement: "disabled",
    conditions: { ref_name: { include: ["~ALL"], exclude: [] } },
    rules: [{ type: "non_fast_forward" }],
  });
  orgRuleset = store.addRuleset(
    { org: "initech" },
    {
      name: "org checks",
      enforcement: "active",
      bypass_actors: [{ actor_type: "OrganizationAdmin", bypass_mode: "always" }],
      conditions: {
        repository_name: { include: ["a*"], exclude: ["archive-*"] },
        ref_name: { include: ["~ALL"], exclude: ["refs/heads/scratch/**"] },
      },
      rules: [
        {
          type: "required_status_checks",
          parameters: {
            strict_required_status_checks_policy: true,
            required_status_checks: [{ context: "agent-policy", integration_id: standIn.appId }],
          },
        },
      ],
    },
  );
  otherOrgRuleset = store.addRuleset(
    { org: "initech" },
    {
      name: "web only",
      enforcement: "active",
      conditions: { repository_name: { include: ["web"] }, ref_name: { include: ["~ALL"] } },
      rules: [{ type: "creation" }],
    },
  );
});
afterAll(() => standIn.close());

async function call(path: string, as = token) {
  const response = await fetch(`${standIn.baseUrl}${path}`, { headers: { authorization: `token ${as}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer };
}

/** A token of the same installation narrowed to fewer permissions, as `POST …/access_tokens` allows. */
async function narrowedToken(permissions: AppPermissions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const appJwt = jwt.sign({ iat: now - 30, exp: now + 540, iss: standIn.appId }, standIn.privateKey ?? "", {
    algorithm: "RS256",
  });
  const response = await fetch(`${standIn.baseUrl}/app/installations/${repo.installationId}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${appJwt}`, "content-type": "application/json" },
    body: JSON.stringify({ permissions }),
  });
  return ((await response.json()) as { token: string }).token;
}

describe("GET …/branches/{branch}/protection", () => {
  it("returns GitHub's shape: toggles as { enabled }, checks with app_id, allowances as objects", async () => {
    const { store } = standIn;
    store.protectBranch(repo.fullName, "main", {
      required_status_checks: {
        strict: true,
        checks: [{ context: "agent-policy", app_id: standIn.appId }, { context: "ci" }],
      },
      enforce_admins: true,
      required_pull_request_reviews: {
        dismiss_stale_reviews: true,
        require_code_owner_reviews: true,
        required_approving_review_count: 2,
        require_last_push_approval: true,
        bypass_pull_request_allowances: {
          users: ["maya"],
          teams: ["release-managers"],
          apps: ["agent-policy"],
        },
      },
      restrictions: null,
      required_linear_history: true,
    });
    const { data } = await gh.rest.repos.getBranchProtection({
      owner: "initech",
      repo: "api",
      branch: "main",
    });
    const url = `${standIn.baseUrl}/repos/initech/api/branches/main/protection`;
    expect(data).toMatchObject({
      url,
      required_status_checks: {
        url: `${url}/required_status_checks`,
        strict: true,
        contexts: ["agent-policy", "ci"],
        contexts_url: `${url}/required_status_checks/contexts`,
        checks: [
          { context: "agent-policy", app_id: standIn.appId },
          { context: "ci", app_id: null },
        ],
      },
      required_pull_request_reviews: {
        url: `${url}/required_pull_request_reviews`,
        dismiss_stale_reviews: true,
        require_code_owner_reviews: true,
        required_approving_review_count: 2,
        require_last_push_approval: true,
        bypass_pull_request_allowances: {
          users: [{ login: "maya", type: "User" }],
          teams: [{ slug: "release-managers" }],
          apps: [{ slug: "agent-policy", id: standIn.appId }],
        },
      },
      enforce_admins: { url: `${url}/enforce_admins`, enabled: true },
      required_signatures: { url: `${url}/required_signatures`, enabled: false },
      required_linear_history: { enabled: true },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
      required_conversation_resolution: { enabled: false },
      lock_branch: { enabled: false },
      allow_fork_syncing: { enabled: false },
    });
    expect(data).not.toHaveProperty("restrictions");
  });

  it("takes the legacy contexts list, and a wildcard rule protects matching branches", async () => {
    const { store } = standIn;
    store.protectBranch(repo.fullName, "release/*", {
      required_status_checks: { strict: false, contexts: ["build"] },
    });
    // Octokit sends the slash encoded; GitHub also takes it as is.
    const { data } = await gh.rest.repos.getBranchProtection({
      owner: "initech",
      repo: "api",
      branch: "release/1.0",
    });
    expect(data.required_status_checks).toMatchObject({
      contexts: ["build"],
      checks: [{ context: "build", app_id: null }],
    });
    expect(data).not.toHaveProperty("required_pull_request_reviews");
    expect(data.url).toBe(`${standIn.baseUrl}/repos/initech/api/branches/release%2F1.0/protection`);
    const raw = await call("/repos/initech/api/branches/release/1.0/protection");
    expect(raw.status).toBe(200);
  });

  it("404 Branch not protected (also when only a ruleset protects it) and Branch not found", async () => {
    standIn.store.commitToBranch(repo.fullName, {
      branch: "dev",
      files: { a: "a" },
      message: "dev",
      author: "maya",
    });
    const unprotected = await call("/repos/initech/api/branches/dev/protection");
    expect(unprotected).toMatchObject({
      status: 404,
      body: { message: "Branch not protected", status: "404" },
    });
    const missing = await call("/repos/initech/api/branches/nope/protection");
    expect(missing).toMatchObject({ status: 404, body: { message: "Branch not found" } });
  });

  it("needs administration:read: 403 Resource not accessible by integration", async () => {
    const narrow = await narrowedToken({ metadata: "read", contents: "read" });
    const response = await call("/repos/initech/api/branches/main/protection", narrow);
    expect(response).toMatchObject({
      status: 403,
      body: { message: "Resource not accessible by integration" },
    });
    const read = await narrowedToken({ administration: "read" });
    expect((await call("/repos/initech/api/branches/main/protection", read)).status).toBe(200);
  });

  it("a second protectBranch replaces the settings, keeping the rule's id", () => {
    const { store } = standIn;
    const first = store.protectBranch(repo.fullName, "hotfix", { enforce_admins: true });
    const second = store.protectBranch(repo.fullName, "hotfix", { enforce_admins: { enabled: false } });
    expect(second.id).toBe(first.id);
    expect(store.branchProtectionFor(repo.fullName, "hotfix")?.enforceAdmins).toBe(false);
    expect(store.unprotectBranch(repo.fullName, "hotfix")?.id).toBe(first.id);
    expect(store.branchProtectionFor(repo.fullName, "hotfix")).toBeUndefined();
  });
});

describe("GET …/rules/branches/{branch}", () => {
  it("lists the rules of active rulesets only, repository and organization, with their source", async () => {
    const { data } = await gh.rest.repos.getBranchRules({ owner: "initech", repo: "api", branch: "main" });
    expect(data).toEqual([
      {
        type: "deletion",
        ruleset_source_type: "Repository",
        ruleset_source: "initech/api",
        ruleset_id: repoRuleset.id,
      },
      {
        type: "pull_request",
        ruleset_source_type: "Repository",
        ruleset_source: "initech/api",
        ruleset_id: repoRuleset.id,
        parameters: {
          dismiss_stale_reviews_on_push: true,
          require_code_owner_review: false,
          require_last_push_approval: true,
          required_approving_review_count: 2,
          required_review_thread_resolution: false,
        },
      },
      {
        type: "required_status_checks",
        ruleset_source_type: "Organization",
        ruleset_source: "initech",
        ruleset_id: orgRuleset.id,
        parameters: {
          strict_required_status_checks_policy: true,
          required_status_checks: [{ context: "agent-policy", integration_id: standIn.appId }],
        },
      },
    ]);
    expect(data.some((r) => r.ruleset_id === evaluateRuleset.id)).toBe(false);
    expect(data.some((r) => r.ruleset_id === otherOrgRuleset.id)).toBe(false);
  });

  it("matches ref patterns like GitHub: * stops at /, exclusions win, the branch need not exist", async () => {
    const types = async (branch: string) =>
      (await gh.rest.repos.getBranchRules({ owner: "initech", repo: "api", branch })).data.map(
        (r) => `${r.ruleset_source_type}:${r.type}`,
      );
    expect(await types("release/2.0")).toEqual([
      "Repository:deletion",
      "Repository:pull_request",
      "Organization:required_status_checks",
    ]);
    expect(await types("release/2.0/hotfix")).toEqual(["Organization:required_status_checks"]);
    expect(await types("release/old")).toEqual(["Organization:required_status_checks"]);
    expect(await types("scratch/a/b")).toEqual([]);
    expect(await types("feature/never-pushed")).toEqual(["Organization:required_status_checks"]);
  });

  it("paginates like the other lists", async () => {
    const page = await call("/repos/initech/api/rules/branches/main?per_page=2");
    expect(page.body).toHaveLength(2);
    const base = `${standIn.baseUrl}/repositories/${repo.id}/rules/branches/main`;
    expect(page.headers.get("link")).toBe(
      `<${base}?per_page=2&page=2>; rel="next", <${base}?per_page=2&page=2>; rel="last"`,
    );
  });

  it("needs only metadata:read", async () => {
    const narrow = await narrowedToken({ metadata: "read" });
    expect((await call("/repos/initech/api/rules/branches/main", narrow)).status).toBe(200);
  });
});

describe("GET …/rulesets/{id} and …/rulesets", () => {
  it("shows bypass_actors only with write access to the ruleset; current_user_can_bypass always", async () => {
    const { data } = await gh.rest.repos.getRepoRuleset({
      owner: "initech",
      repo: "api",
      ruleset_id: repoRuleset.id,
    });
    expect(data).toMatchObject({
      id: repoRuleset.id,
      name: "main and releases",
      target: "branch",
      source_type: "Repository",
      source: "initech/api",
      enforcement: "active",
      bypass_actors: [
        { actor_id: standIn.appId, actor_type: "Integration", bypass_mode: "pull_request" },
        { actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" },
      ],
      current_user_can_bypass: "pull_requests_only",
      conditions: {
        ref_name: {
          include: ["~DEFAULT_BRANCH", "refs/heads/release/*"],
          exclude: ["refs/heads/release/old"],
        },
      },
      rules: [{ type: "deletion" }, { type: "pull_request" }],
      _links: {
        self: { href: `${standIn.baseUrl}/repos/initech/api/rulesets/${repoRuleset.id}` },
        html: { href: `${standIn.url}/initech/api/rules/${repoRuleset.id}` },
      },
    });
    expect(data.rules?.[0]).not.toHaveProperty("parameters");
    const readOnly = await narrowedToken({ metadata: "read", administration: "read" });
    const hidden = await call(`/repos/initech/api/rulesets/${repoRuleset.id}`, readOnly);
    expect(hidden.status).toBe(200);
    expect(hidden.body).not.toHaveProperty("bypass_actors");
    expect(hidden.body.current_user_can_bypass).toBe("pull_requests_only");
  });

  it("returns an organization ruleset that applies to the repo, unless includes_parents=false", async () => {
    const org = await call(`/repos/initech/api/rulesets/${orgRuleset.id}`);
    expect(org.status).toBe(200);
    expect(org.body).toMatchObject({
      source_type: "Organization",
      source: "initech",
      current_user_can_bypass: "never",
      conditions: { repository_name: { include: ["a*"], exclude: ["archive-*"], protected: false } },
      _links: { html: { href: `${standIn.url}/organizations/initech/settings/rules/${orgRuleset.id}` } },
    });
    // administration:write is the repository's; an organization ruleset needs organization_administration:write.
    expect(org.body).not.toHaveProperty("bypass_actors");
    const own = await call(`/repos/initech/api/rulesets/${orgRuleset.id}?includes_parents=false`);
    expect(own).toMatchObject({ status: 404, body: { message: "Not Found" } });
    expect((await call(`/repos/initech/api/rulesets/${otherOrgRuleset.id}`)).status).toBe(404);
    expect((await call("/repos/initech/api/rulesets/999999")).status).toBe(404);
    expect((await call("/repos/initech/api/rulesets/abc")).status).toBe(404);
  });

  it("lists the repository's rulesets and its parents' in summary form, whatever their enforcement", async () => {
    const all = await gh.rest.repos.getRepoRulesets({ owner: "initech", repo: "api" });
    expect(all.data.map((r) => [r.name, r.source_type, r.enforcement])).toEqual([
      ["main and releases", "Repository", "active"],
      ["trying out", "Repository", "evaluate"],
      ["switched off", "Repository", "disabled"],
      ["org checks", "Organization", "active"],
    ]);
    expect(all.data[0]).not.toHaveProperty("rules");
    expect(all.data[0]).not.toHaveProperty("bypass_actors");
    const own = await call("/repos/initech/api/rulesets?includes_parents=false");
    expect(own.body.map((r: Answer) => r.source_type)).toEqual(["Repository", "Repository", "Repository"]);
    expect((await call("/repos/initech/api/rulesets?targets=tag")).body).toEqual([]);
  });
});

describe("webhook payloads", () => {
  it("branch_protection_rule renders GitHub's flat rule with enforcement levels", () => {
    const { store } = standIn;
    const rule = store.protectBranch(repo.fullName, "main", {
      required_status_checks: { strict: true, contexts: ["agent-policy"] },
      required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
      enforce_admins: false,
    });
    const created: Answer = payloads.branchProtectionRule(store, rule, "created", "maya");
    expect(created).toMatchObject({
      action: "created",
      rule: {
        id: rule.id,
        repository_id: repo.id,
        name: "main",
        pull_request_reviews_enforcement_level: "non_admins",
        required_approving_review_count: 1,
        dismiss_stale_reviews_on_push: true,
        required_status_checks: ["agent-policy"],
        required_status_checks_enforcement_level: "non_admins",
        strict_required_status_checks_policy: true,
        admin_enforced: false,
        allow_force_pushes_enforcement_level: "off",
        authorized_actors_only: false,
      },
      repository: { full_name: "initech/api" },
      organization: { login: "initech" },
      installation: { id: repo.installationId },
      sender: { login: "maya" },
    });
    expect(created).not.toHaveProperty("changes");
    const edited: Answer = payloads.branchProtectionRule(store, rule, "edited", "maya", {
      admin_enforced: { from: true },
    });
    expect(edited.changes).toEqual({ admin_enforced: { from: true } });
  });

  it("repository_ruleset renders the whole ruleset, without repository for an organization one", () => {
    const { store } = standIn;
    const created: Answer = payloads.repositoryRuleset(store, repoRuleset, "created", "maya");
    expect(created).toMatchObject({
      action: "created",
      repository_ruleset: { id: repoRuleset.id, source_type: "Repository", bypass_actors: expect.any(Array) },
      repository: { full_name: "initech/api" },
      organization: { login: "initech" },
      installation: { id: repo.installationId },
      sender: { login: "maya" },
    });
    const edited: Answer = payloads.repositoryRuleset(store, repoRuleset, "edited", "maya", {
      enforcement: { from: "evaluate" },
    });
    expect(edited.changes).toEqual({ enforcement: { from: "evaluate" } });
    const removed = store.removeRuleset(otherOrgRuleset.id);
    expect(removed).toBe(otherOrgRuleset);
    const deleted: Answer = payloads.repositoryRuleset(store, otherOrgRuleset, "deleted", "maya");
    expect(deleted).toMatchObject({
      action: "deleted",
      repository_ruleset: { id: otherOrgRuleset.id, source_type: "Organization", source: "initech" },
      organization: { login: "initech" },
      installation: { id: repo.installationId },
    });
    expect(deleted).not.toHaveProperty("repository");
  });
});
