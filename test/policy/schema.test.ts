import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import { renderJsonSchema } from "../../src/policy/json-schema.js";

describe("the JSON Schema for editors", () => {
  const committed = readFileSync(new URL("../../schema/agent-policy.schema.json", import.meta.url), "utf8");

  it("is exactly what scripts/gen-schema.ts generates from the zod schema", () => {
    expect(committed).toBe(renderJsonSchema());
  });

  it("rejects unknown keys and carries help text for editors", () => {
    const schema = JSON.parse(committed);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.title).toBe("agent-policy");
    const require = schema.properties.rules.items.properties.require;
    expect(require.additionalProperties).toBe(false);
    expect(require.properties.approvals).toMatchObject({ type: "integer", minimum: 0, maximum: 50 });
    expect(require.properties.approvals.description).toMatch(/approvals/);
    expect(
      schema.properties.promotion.properties.governance.properties.from.properties.permission.enum,
    ).toEqual(["read", "triage", "write", "maintain", "admin"]);
  });
});

describe("normalized rules", () => {
  it("turns checks into { name, app? }, keeps `if` absent when absent, and camelCases the rest", async () => {
    const text = [
      "version: 1",
      "agents:",
      "  accounts:",
      "    - login: acme-codegen[bot]",
      "      kind: agent",
      '      owner: "@acme/platform"',
      "      scope: { paths: [docs/**] }",
      "  markers: { branch_prefixes: [ai/] }",
      "rules:",
      "  - name: every-pr",
      "    require:",
      "      checks: [CodeQL, { name: security-scan, app: github-actions }]",
      "  - name: sensitive",
      "    if: { author: [agent], categories: [auth] }",
      "    require:",
      "      approvals: 2",
      "      from: { teams: [acme/security], permission: write }",
    ].join("\n");
    const result = await loadPolicy({ text, source: "p.yml" });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.policy.rules).toEqual([
      {
        name: "every-pr",
        require: {
          approvals: 0,
          checks: [{ name: "CodeQL" }, { name: "security-scan", app: "github-actions" }],
        },
      },
      {
        name: "sensitive",
        if: { author: ["agent"], categories: ["auth"] },
        require: {
          approvals: 2,
          from: { users: [], teams: ["acme/security"], permission: "write" },
          checks: [],
        },
      },
    ]);
    expect(result.policy.rules[0]).not.toHaveProperty("if");
    expect(result.policy.agents.accounts).toEqual([
      {
        login: "acme-codegen[bot]",
        kind: "agent",
        owner: "@acme/platform",
        scope: { paths: ["docs/**"], branches: ["**"] },
      },
    ]);
    expect(result.policy.agents.markers.branchPrefixes).toEqual(["ai/"]);
  });
});
