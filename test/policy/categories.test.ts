import { minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { BUILTIN_CATEGORIES, CATEGORY_EXAMPLES } from "../../src/policy/categories.js";
import { globProblem } from "../../src/policy/glob-check.js";
import { defaultPolicy, loadPolicy } from "../../src/policy/index.js";

/** The engine's matching options. */
const inCategory = (path: string, globs: readonly string[]) =>
  globs.some((g) => minimatch(path, g, { dot: true, nocase: true }));

describe("built-in categories", () => {
  it("has the seven categories of the spec, each with examples", () => {
    const names = ["auth", "secrets", "infra", "ci", "dependencies", "agent-config", "governance"];
    expect(Object.keys(BUILTIN_CATEGORIES)).toEqual(names);
    expect(Object.keys(CATEGORY_EXAMPLES)).toEqual(names);
  });

  it("uses only globs the policy validator accepts", () => {
    for (const globs of Object.values(BUILTIN_CATEGORIES)) {
      for (const g of globs) expect({ g, problem: globProblem(g) }).toEqual({ g, problem: undefined });
    }
  });

  for (const [name, { matches, ignores }] of Object.entries(CATEGORY_EXAMPLES)) {
    const globs = BUILTIN_CATEGORIES[name] as string[];
    it(`${name}: catches ${matches.length} sensitive paths`, () => {
      expect(matches.filter((p) => !inCategory(p, globs))).toEqual([]);
    });
    it(`${name}: leaves look-alikes alone`, () => {
      expect(ignores.filter((p) => inCategory(p, globs))).toEqual([]);
    });
  }

  it("ignores case, as the engine does", () => {
    expect(inCategory("SRC/Auth/Login.TS", BUILTIN_CATEGORIES.auth as string[])).toBe(true);
    expect(inCategory(".GITHUB/WORKFLOWS/CI.YML", BUILTIN_CATEGORIES.ci as string[])).toBe(true);
  });

  it("are all present in the loaded policy", () => {
    expect(defaultPolicy().categories).toEqual(
      Object.fromEntries(Object.entries(BUILTIN_CATEGORIES).map(([k, v]) => [k, { paths: v }])),
    );
  });

  it("a configured built-in name replaces its globs; a new name is added", async () => {
    const text = "categories:\n  ci: { paths: [Makefile] }\n  billing: { paths: ['services/billing/**'] }\n";
    const result = await loadPolicy({ text, source: "p.yml" });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.policy.categories.ci).toEqual({ paths: ["Makefile"] });
    expect(result.policy.categories.billing).toEqual({ paths: ["services/billing/**"] });
    expect(result.policy.categories.auth).toEqual({ paths: BUILTIN_CATEGORIES.auth });
  });
});
