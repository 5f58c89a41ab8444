import { describe, expect, it } from "vitest";
import {
  DEFAULT_POLICY_SOURCE,
  DEFAULT_POLICY_YAML,
  defaultPolicy,
  loadPolicy,
} from "../../src/policy/index.js";

describe("the built-in default policy", () => {
  it("loads through the same loader as a user's file", async () => {
    const loaded = await loadPolicy({ text: DEFAULT_POLICY_YAML, source: "copied.yml" });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    expect({ ...loaded.policy, source: DEFAULT_POLICY_SOURCE }).toEqual(defaultPolicy());
  });

  it("says where it came from", () => {
    expect(defaultPolicy().source).toBe("built-in default policy");
  });

  it("needs one approval on every agent or bot PR, two when it touches auth, secrets, infra or ci", () => {
    expect(defaultPolicy().rules).toEqual([
      {
        name: "agent-or-bot-review",
        if: { author: ["agent", "bot"] },
        require: { approvals: 1, checks: [] },
      },
      {
        name: "agent-or-bot-sensitive",
        if: { author: ["agent", "bot"], categories: ["auth", "secrets", "infra", "ci"] },
        require: { approvals: 2, checks: [] },
      },
    ]);
  });

  it("gates nothing for human PRs through the rules", () => {
    expect(
      defaultPolicy().rules.every((r) => r.if?.author !== undefined && !r.if.author.includes("human")),
    ).toBe(true);
  });

  it("has the documented defaults for everything else", () => {
    const { rules, categories, source, ...rest } = defaultPolicy();
    expect(rest).toEqual({
      version: 1,
      mode: "enforce",
      agents: {
        builtin: true,
        accounts: [],
        markers: { trailers: true, branchPrefixes: [], bodyPatterns: [] },
        assistedAs: "agent",
      },
      approvals: {
        dismissOnPush: true,
        exclude: ["author", "requester", "contributors", "bots"],
        blockOnChangesRequested: true,
      },
      promotion: {
        labels: [],
        commands: [],
        actions: ["fail", "revert"],
        governance: { approvals: 1, from: { users: [], teams: [], permission: "admin" } },
      },
      secrets: { scan: true, onFinding: "fail" },
      // No environment is gated and nobody may override until a policy says so.
      deployments: [],
      overrides: null,
    });
  });

  it("is what a file that leaves keys out falls back to, while `rules: []` turns the rules off", async () => {
    const partial = await loadPolicy({
      text: "secrets: { on_finding: require_approval }\n",
      source: "p.yml",
    });
    if (!partial.ok) throw new Error(JSON.stringify(partial.errors));
    expect(partial.policy.rules).toEqual(defaultPolicy().rules);
    expect(partial.policy.secrets).toEqual({ scan: true, onFinding: "require_approval" });
    const none = await loadPolicy({ text: "rules: []\n", source: "p.yml" });
    expect(none.ok && none.policy.rules).toEqual([]);
  });

  it("returns a fresh copy each time, so one caller cannot change another's policy", () => {
    const a = defaultPolicy();
    a.rules.length = 0;
    a.approvals.exclude.length = 0;
    a.promotion.actions.push("comment");
    const b = defaultPolicy();
    expect(b.rules).toHaveLength(2);
    expect(b.approvals.exclude).toHaveLength(4);
    expect(b.promotion.actions).toEqual(["fail", "revert"]);
  });
});
