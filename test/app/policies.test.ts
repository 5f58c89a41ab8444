import { describe, expect, it } from "vitest";
import { PolicyCache } from "../../src/app/policies.js";

const ENTRY = { text: "_extends: app:.github/base.yml\n", source: "acme/app:.github/agent-policy.yml" };
const bases: Record<string, string> = {
  "acme/app:.github/base.yml": "_extends: policies:shared.yml\n",
  "acme/policies:shared.yml": "rules:\n  - name: two\n    require: { approvals: 2 }\n",
};
const fetch = async (ref: { owner: string; repo: string; path: string }) => {
  const source = `${ref.owner}/${ref.repo}:${ref.path}`;
  const text = bases[source];
  return text === undefined ? null : { text, source };
};

describe("PolicyCache: which pushes change a composed policy", () => {
  it("names the repository whose policy extends a changed file, here or in a shared repository", async () => {
    const cache = new PolicyCache();
    expect(cache.pushed("acme", "app", [".github/base.yml"])).toEqual({ repos: [], known: false });
    const loaded = await cache.resolve("k1", ENTRY, fetch, "acme/app");
    expect(loaded.ok && loaded.policy.rules.map((r) => r.name)).toEqual(["two"]);
    await Promise.resolve();

    expect(cache.pushed("acme", "app", ["README.md"])).toEqual({ repos: [], known: true });
    expect(cache.pushed("acme", "app", [".github/base.yml"])).toEqual({ repos: ["acme/app"], known: true });
    expect(cache.pushed("ACME", "Policies", ["shared.yml"])).toEqual({ repos: ["acme/app"], known: false });
  });

  it("drops the composition built on the old text, so the next evaluation reads the new base", async () => {
    const cache = new PolicyCache();
    await cache.resolve("k1", ENTRY, fetch, "acme/app");
    await Promise.resolve();
    bases["acme/policies:shared.yml"] = "rules:\n  - name: three\n    require: { approvals: 3 }\n";
    cache.pushed("acme", "policies", ["shared.yml"]);
    const again = await cache.resolve("k1", ENTRY, fetch, "acme/app");
    expect(again.ok && again.policy.rules.map((r) => r.name)).toEqual(["three"]);
  });
});
