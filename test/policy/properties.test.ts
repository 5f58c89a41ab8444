import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Fetcher, loadPolicy, parsePolicyText } from "../../src/policy/index.js";
import { mergePolicies } from "../../src/policy/merge.js";

const label = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== "");

describe("properties", () => {
  it("a list in the extending file replaces the base's, whatever both hold", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(label, { maxLength: 8 }),
        fc.array(label, { maxLength: 8 }),
        async (base, child) => {
          const fetch: Fetcher = async (ref) => ({
            text: stringify({ promotion: { labels: base } }),
            source: `${ref.owner}/${ref.repo}:${ref.path}`,
          });
          const text = stringify({ _extends: "acme/.github", promotion: { labels: child } });
          const result = await loadPolicy({ text, source: "acme/api:.github/agent-policy.yml" }, fetch);
          expect(result.ok && result.policy.promotion.labels).toEqual(child);
        },
      ),
    );
  });

  it("merging keeps the child's list at any depth", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string()),
        fc.array(fc.string()),
        fc.array(fc.string(), { minLength: 1, maxLength: 4 }),
        (base, child, keys) => {
          const nest = (v: unknown) => keys.reduceRight<unknown>((acc, k) => ({ [k]: acc }), v);
          const merged = mergePolicies(nest(base), nest(child));
          expect(merged).toEqual(nest(child));
        },
      ),
    );
  });

  it("never throws on arbitrary text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
        const result = await loadPolicy({ text, source: "p.yml" });
        expect(typeof result.ok).toBe("boolean");
        if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
      }),
    );
  });

  it("never throws on YAML-looking text built from policy words", async () => {
    const token = fc.constantFrom(
      "version",
      "rules",
      "name",
      "if",
      "require",
      "approvals",
      "from",
      "checks",
      "agents",
      "markers",
      "categories",
      "paths",
      "promotion",
      "governance",
      "secrets",
      ":",
      " ",
      "\n",
      "  ",
      "- ",
      "[",
      "]",
      "{",
      "}",
      ",",
      "1",
      "-1",
      "&a",
      "*a",
      "!!str",
      "'",
      '"',
      "#",
      "---",
      "null",
      "true",
      "auth",
      "(?=x)",
      "{a,b",
      "/x",
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 60 }), async (parts) => {
        const result = await loadPolicy({ text: parts.join(""), source: "p.yml" });
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on arbitrary JSON-ish values, and reports every failure with a position", async () => {
    const key = fc.constantFrom(
      "version",
      "_extends",
      "agents",
      "categories",
      "rules",
      "approvals",
      "promotion",
      "secrets",
      "name",
      "require",
      "if",
      "from",
      "users",
      "teams",
      "checks",
      "paths",
      "markers",
      "body_patterns",
      "exclude",
      "governance",
      "x",
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -5, max: 100 }),
        fc.double({ noNaN: true }),
        fc.string({ maxLength: 12 }),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(key, tie("value"), { maxKeys: 5 }),
      ),
    }));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 6 }), async (doc) => {
        const text = stringify(doc);
        const parsed = parsePolicyText(text, "p.yml");
        const loaded = await loadPolicy({ text, source: "p.yml" });
        if (!parsed.ok) expect(loaded.ok).toBe(false);
        if (!loaded.ok) {
          for (const e of loaded.errors) expect(e.line > 0 || e.message.includes("larger than")).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
