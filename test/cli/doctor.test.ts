import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commandHelp, parseCommandArgs, UsageError } from "../../src/cli/args.js";
import { doctor } from "../../src/cli/doctor.js";
import { offline } from "../support/nock.js";

offline();

const API = "https://ghe.example.com/api/v3";
const APP_ID = 4711;

let out = "";
let err = "";
beforeEach(() => {
  out = "";
  err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err += String(s);
    return true;
  });
  vi.stubEnv("GITHUB_TOKEN", "t0ken");
  vi.stubEnv("GH_TOKEN", "");
  vi.stubEnv("GITHUB_API_URL", API);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const run = (...args: string[]) => doctor.run(parseCommandArgs(doctor.spec, args));

const appBody = (id = APP_ID, slug = "agent-policy") => ({
  id,
  slug,
  node_id: "MDM6QXBwNDcxMQ==",
  owner: { login: "acme", id: 1, type: "Organization" },
  name: "Agent Policy",
  description: "",
  external_url: "https://example.com",
  html_url: `https://github.com/apps/${slug}`,
  created_at: "2024-01-01T00:00:00Z",
  updated_at: "2024-01-01T00:00:00Z",
  permissions: { checks: "write", metadata: "read" },
  events: ["pull_request"],
});

const rule = (type: string, parameters: Record<string, unknown>) => ({
  type,
  ruleset_source_type: "Repository",
  ruleset_source: "acme/app",
  ruleset_id: 1,
  parameters,
});
const pinnedChecks = rule("required_status_checks", {
  strict_required_status_checks_policy: false,
  required_status_checks: [{ context: "agent-policy", integration_id: APP_ID }],
});
const reviews = (dismiss: boolean) =>
  rule("pull_request", {
    dismiss_stale_reviews_on_push: dismiss,
    require_code_owner_review: false,
    require_last_push_approval: true,
    required_approving_review_count: 1,
    required_review_thread_resolution: false,
  });
const rulesetBody = (extra: Record<string, unknown>) => ({
  id: 1,
  name: "protect main",
  target: "branch",
  source_type: "Repository",
  source: "acme/app",
  enforcement: "active",
  rules: [],
  ...extra,
});

describe("agent-policy doctor", () => {
  it("finds the default branch and the app's id, and exits 0 when the gate is enforced", async () => {
    nock(API)
      .matchHeader("authorization", "token t0ken")
      .get("/apps/agent-policy")
      .reply(200, appBody())
      .get("/repos/acme/app")
      .reply(200, { id: 9, name: "app", full_name: "acme/app", default_branch: "trunk" })
      .get("/repos/acme/app/branches/trunk/protection")
      .reply(404, { message: "Branch not protected", status: "404" })
      .get("/repos/acme/app/rules/branches/trunk")
      .query(true)
      .reply(200, [pinnedChecks, reviews(true)])
      .get("/repos/acme/app/rulesets/1")
      .query(true)
      .reply(200, rulesetBody({ bypass_actors: [], current_user_can_bypass: "always" }));
    expect(await run("--repo", "acme/app")).toBe(0);
    expect(out).toBe(
      [
        "acme/app@trunk: is the `agent-policy` check run of agent-policy (app id 4711) enforced?",
        "",
        "No problems found.",
        "",
      ].join("\n"),
    );
    expect(err).toBe("");
    expect(nock.isDone()).toBe(true);
  });

  it("prints each problem with its fix and what it could not see, and exits 1", async () => {
    vi.stubEnv("GITHUB_TOKEN", "");
    vi.stubEnv("GH_TOKEN", "gh-t0ken");
    nock(API)
      .matchHeader("authorization", "token gh-t0ken")
      .get("/apps/acme-gate")
      .reply(200, appBody(99, "acme-gate"))
      .get("/repos/acme/app/branches/release%2F2/protection")
      .reply(403, { message: "Resource not accessible by personal access token", status: "403" })
      .get("/repos/acme/app/rules/branches/release%2F2")
      .query(true)
      .reply(200, [reviews(false)])
      .get("/repos/acme/app/rulesets/1")
      .query(true)
      .reply(200, rulesetBody({ current_user_can_bypass: "exempt" }));
    expect(await run("--repo", "acme/app", "--branch", "release/2", "--app-slug", "acme-gate")).toBe(1);
    const lines = out.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "acme/app@release/2: is the `agent-policy` check run of acme-gate (app id 99) enforced?",
      "",
      "2 problems:",
    ]);
    expect(lines[3]).toBe(
      "1. Ruleset `protect main` keeps approvals when new commits are pushed: a PR approved once can take more commits, from an agent too, and merge on the old approval.",
    );
    expect(lines[4]).toBe(
      "   Fix: Settings → Rules → Rulesets → `protect main` → Require a pull request before merging → Dismiss stale pull request approvals when new commits are pushed",
    );
    expect(lines[5]).toMatch(
      /^2\. The branch protection of `release\/2` could not be read, so whether it requires `agent-policy`.* is not known: GitHub request failed .*HTTP 403.*Resource not accessible by personal access token/,
    );
    expect(lines[6]).toMatch(/^ {3}Fix: Give the app the `Administration: read` repository permission/);
    expect(lines.slice(7)).toEqual([
      "",
      "Not known:",
      "- Ruleset `protect main` does not show its bypass list (GitHub shows it only with write access to the ruleset), so whether another app can bypass it is not known. This token itself can bypass it: `exempt`.",
      "",
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it("exits 2 with GitHub's reason when the app or the repository cannot be read", async () => {
    nock(API)
      .get("/apps/agent-policy")
      .reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/apps/apps" })
      .get("/repos/acme/app")
      .reply(200, { default_branch: "main" });
    expect(await run("--repo", "acme/app")).toBe(2);
    expect(err).toMatch(
      /^agent-policy doctor: GitHub request failed while reading the GitHub App agent-policy: HTTP 404, .*Not Found/,
    );
    expect(out).toBe("");

    err = "";
    nock(API)
      .get("/apps/agent-policy")
      .reply(200, appBody())
      .get("/repos/acme/app")
      .reply(200, { name: "app" });
    expect(await run("--repo", "acme/app")).toBe(2);
    expect(err).toMatch(/unexpected shape while reading acme\/app: default_branch/);
  });

  it("rejects a missing or malformed --repo, empty values and a missing token as usage errors", async () => {
    const cases: [string[], RegExp][] = [
      [[], /doctor needs --repo OWNER\/NAME$/],
      [["--repo", "acme"], /doctor needs --repo OWNER\/NAME, got acme/],
      [["--repo", "acme/app", "--branch="], /--branch and --app-slug cannot be empty/],
    ];
    for (const [args, message] of cases) await expect(run(...args), args.join(" ")).rejects.toThrow(message);
    vi.stubEnv("GITHUB_TOKEN", "");
    await expect(run("--repo", "acme/app")).rejects.toThrow(UsageError);
    await expect(run("--repo", "acme/app")).rejects.toThrow(/needs a token in GITHUB_TOKEN or GH_TOKEN/);
    expect(() => parseCommandArgs(doctor.spec, ["--repo", "acme/app", "extra"])).toThrow(
      /doctor takes no positional arguments/,
    );
  });

  it("documents its options, the token and the exit codes in its help", () => {
    const help = commandHelp(doctor.spec);
    expect(help).toMatch(
      /^Usage: agent-policy doctor --repo OWNER\/NAME \[--branch BRANCH\] \[--app-slug SLUG\]/,
    );
    for (const text of ["--branch BRANCH", "--app-slug SLUG", "$GITHUB_TOKEN or $GH_TOKEN", "Exit code 1"])
      expect(help).toContain(text);
  });
});
