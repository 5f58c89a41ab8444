/**
 * The enforcement self-check (issue 9), end to end: the check run ends by saying when GitHub does
 * not really hold merges on it (not required, required from any source, Apps that bypass, approvals
 * that outlive a push), without failing the PR; fixing the setting takes it away after GitHub's
 * `branch_protection_rule` event; `agent-policy doctor` says the same for a repository.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { runDoctor } from "../../src/cli/doctor.js";
import { payloads, type Repo, scenarios } from "../../tools/github-standin/index.js";
import { installationToken } from "../standin/support.js";
import { newestRun } from "./support.js";

const SECTION = "### Is this gate enforced?";
let gate: Gate;
beforeAll(async () => {
  gate = await startGate({ app: { appSlug: "agent-policy" } });
  gate.standIn.store.addApp({ id: 990003, slug: "renovate", name: "Renovate" });
}, 20_000);
afterAll(() => gate?.close());

/** A person's small PR in `repo`, evaluated; returns its check-run summary. */
async function summaryOf(repo: Repo, title: string): Promise<string> {
  const { store } = gate.standIn;
  const pr = store.addPullRequest(repo.fullName, {
    title,
    author: "alice",
    head: title.toLowerCase().replace(/\W+/g, "-"),
    files: [{ filename: "README.md", status: "modified", patch: "@@ -1 +1 @@\n-a\n+b" }],
  });
  const payload = payloads.pullRequest(store, repo.fullName, pr.number, "opened", "alice");
  expect((await gate.deliver({ name: "pull_request", payload })).status).toBe(200);
  await gate.settle();
  const run = newestRun(store, { repo: repo.fullName, number: pr.number });
  expect(run?.conclusion).toBe("success"); // the self-check never fails a PR
  return run?.output.summary ?? "";
}

describe("the enforcement self-check", () => {
  it("says when nothing requires agent-policy, with the setting to change", async () => {
    const repo = gate.standIn.store.addRepo({ owner: "lax", name: "open", files: { "README.md": "a\n" } });
    const summary = await summaryOf(repo, "Unprotected");
    const section = summary.slice(summary.indexOf(SECTION));
    expect(summary).toContain(SECTION);
    expect(section).toMatch(/Nothing on GitHub requires `agent-policy` before a PR merges into `main`/);
    expect(section).toMatch(/\*\*Fix:\*\* .*Require status checks to pass/);
  });

  it("names each weak setting of classic protection, and drops them once fixed", async () => {
    const { store } = gate.standIn;
    const repo = store.addRepo({ owner: "lax", name: "classic", files: { "README.md": "a\n" } });
    store.protectBranch(repo.fullName, "main", {
      required_status_checks: { strict: true, checks: [{ context: "agent-policy", app_id: null }] },
      required_pull_request_reviews: {
        dismiss_stale_reviews: false,
        require_last_push_approval: false,
        required_approving_review_count: 1,
        bypass_pull_request_allowances: { apps: ["renovate"] },
      },
      enforce_admins: true,
      restrictions: null,
    });
    const section = (await summaryOf(repo, "Weak")).split(SECTION)[1] ?? "";
    expect(section).toMatch(/any source/i);
    expect(section).toMatch(/lets the app `renovate` bypass its required pull request reviews/);
    expect(section).toMatch(/keeps approvals when new commits are pushed/);
    expect(section).toMatch(/does not require approval of the most recent push/);

    const fixed = store.protectBranch(
      repo.fullName,
      "main",
      scenarios.enforcedProtection(gate.standIn.appId),
    );
    const event = payloads.branchProtectionRule(store, fixed, "edited", "maya");
    expect((await gate.deliver({ name: "branch_protection_rule", payload: event })).status).toBe(200);
    expect(await summaryOf(repo, "Fixed")).not.toContain(SECTION);
  });

  it("reads rulesets too: a pinned required check passes, a pull request rule keeping stale approvals is named", async () => {
    const { store } = gate.standIn;
    const repo = store.addRepo({ owner: "lax", name: "rules", files: { "README.md": "a\n" } });
    store.addRuleset(repo.fullName, {
      name: "main guard",
      target: "branch",
      enforcement: "active",
      conditions: { ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
      rules: [
        {
          type: "required_status_checks",
          parameters: {
            strict_required_status_checks_policy: true,
            required_status_checks: [{ context: "agent-policy", integration_id: gate.standIn.appId }],
          },
        },
        {
          type: "pull_request",
          parameters: {
            dismiss_stale_reviews_on_push: false,
            require_last_push_approval: true,
            required_approving_review_count: 1,
            require_code_owner_review: false,
            required_review_thread_resolution: false,
          },
        },
      ],
    });
    const section = (await summaryOf(repo, "Ruleset")).split(SECTION)[1] ?? "";
    expect(section).toMatch(/`main guard`.* keeps approvals when new commits are pushed/);
    expect(section).not.toMatch(/requires|any source|most recent push/);
  });

  it("agent-policy doctor prints the same for a repository and exits 1", async () => {
    const { store } = gate.standIn;
    const repo = store.addRepo({ owner: "lax", name: "doctor", files: { "README.md": "a\n" } });
    const token = await installationToken(gate.standIn, repo.installationId ?? 0);
    const { text, code } = await runDoctor({
      owner: "lax",
      repo: "doctor",
      appSlug: "agent-policy",
      token,
      apiUrl: gate.standIn.baseUrl,
    });
    expect(code).toBe(1);
    expect(text).toMatch(/Nothing on GitHub requires `agent-policy` before a PR merges into `main`/);
  });
});
