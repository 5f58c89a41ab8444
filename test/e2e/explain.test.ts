/**
 * `agent-policy explain` against the GitHub stand-in: a read-only dry run with a token prints the
 * check run the app would write, and writes nothing to GitHub.
 */
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explain } from "../../src/cli/explain.js";
import { type Scenario, type StandIn, scenarios, startStandIn } from "../../tools/github-standin/index.js";

let gh: StandIn;
let copilot: Scenario;
let token: string;

beforeAll(async () => {
  gh = await startStandIn();
  copilot = scenarios.seedAllScenarios(gh.store).find((s) => s.key === "copilot-auth") as Scenario;
  // A token as a person or a CI job would hand to the CLI: here an installation token of the org.
  const now = Math.floor(Date.now() / 1000);
  const appJwt = jwt.sign({ iat: now - 30, exp: now + 300, iss: String(gh.appId) }, gh.privateKey as string, {
    algorithm: "RS256",
  });
  const installation = gh.store.repo(copilot.repo).installationId;
  const res = await fetch(`${gh.baseUrl}/app/installations/${installation}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${appJwt}`, accept: "application/vnd.github+json" },
  });
  token = ((await res.json()) as { token: string }).token;
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
});
