/** A normalized Policy for tests, with SPEC §2 defaults, overridden where a test cares. */
import type { Policy, SafePattern } from "../../src/policy/model.js";

/** Tests only: a RegExp is fine here, the product compiles patterns for linear time. */
export function pattern(source: string): SafePattern {
  return { source, test: (text) => new RegExp(source, "i").test(text) };
}

export type PolicyOverrides = Omit<Partial<Policy>, "agents"> & {
  agents?: Partial<Omit<Policy["agents"], "markers">> & { markers?: Partial<Policy["agents"]["markers"]> };
};

export function testPolicy(overrides: PolicyOverrides = {}): Policy {
  const { agents = {}, ...rest } = overrides;
  const { markers = {}, ...agentRest } = agents;
  return {
    version: 1,
    mode: "enforce",
    agents: {
      builtin: true,
      accounts: [],
      assistedAs: "agent",
      ...agentRest,
      markers: { trailers: true, branchPrefixes: [], bodyPatterns: [], ...markers },
    },
    categories: {},
    rules: [],
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
    deployments: [],
    overrides: null,
    source: "test",
    ...rest,
  };
}
