/**
 * `agent-policy explain` against the GitHub stand-in: a read-only dry run with a token prints the
 * check run the app would write, and writes nothing to GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explain } from "../../src/cli/explain.js";
import {
  installationToken,
  type Scenario,
  type StandIn,
  scenarios,
  startStandIn,
} from "../../tools/github-standin/index.js";

let gh: StandIn;
let copilot: Scenario;
let token: string;

beforeAll(async () => {
  gh = await startStandIn();
  copilot = scenarios.seedAllScenarios(gh.store).find((s) => s.key === "copilot-auth") as Scenario;
  // A token as a person or a CI job would hand to the CLI: here an installation token of the org.
  token = await installationToken(gh, gh.store.repo(copilot.repo).installationId ?? 0);
});
afterAll(() => gh?.close());

/** Scenarios name repositories as owner/name. */
function target(s: Scenario): { owner: string; repo: string } {
  const [owner = "", repo = ""] = s.repo.split("/");
  return { owner, repo };
}

describe("agent-policy explain", () => {
  it("prints the decision for a live PR and writes nothing", async () => {
    gh.requests.reset();
    const out = await explain({ ...target(copilot), number: copilot.number, token, apiUrl: gh.baseUrl });
    expect(out.code).toBe(1);
    expect(out.text).toMatch(/^agent-policy: action_required — Needs 1 more independent human approval/);
    expect(out.text).toMatch(/\*\*Requested by:\*\* @alice/);
    expect(gh.requests.apiCalls().filter((e) => e.method !== "GET" && e.route !== "POST /graphql")).toEqual(
      [],
    );
    expect(gh.store.ownCheckRuns()).toEqual([]);
  });

  it("explains why it could not decide when the PR does not exist", async () => {
    const out = await explain({ ...target(copilot), number: 9999, token, apiUrl: gh.baseUrl });
    expect(out.code).toBe(1);
    expect(out.text).toMatch(/^Could not read the pull request/);
  });

  it("names the agent behind a PR opened from a person's account, with the evidence", async () => {
    const { store } = gh;
    store.addUser({ login: "cursoragent", type: "User" });
    const pr = store.addPullRequest(copilot.repo, {
      title: "Improve sign-in",
      author: "maya",
      head: "improve-sign-in",
      files: [{ filename: "web/sign-in.tsx", status: "modified", patch: "@@ -1 +1 @@\n-a\n+b" }],
    });
    store.addCommit(pr, { message: "Implement two-step login", author: "cursoragent" });
    const out = await explain({ ...target(copilot), number: pr.number, token, apiUrl: gh.baseUrl });
    expect(out.text).toMatch(/^agent-policy: action_required — .*\(an AI agent \(Cursor agent\)\)/);
    expect(out.text).toMatch(/\*\*Agents and bots:\*\* Cursor agent \(`cursoragent`\)/);
    expect(out.text).toMatch(/commit `[0-9a-f]{7}` author `cursoragent` is Cursor agent \(AI coding agent\)/);
  });
});
