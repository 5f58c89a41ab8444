import { describe, expect, it } from "vitest";
import { formatPolicyError, loadPolicy, parsePolicyText } from "../../src/policy/index.js";

/** Every error of loading `text` as p.yml, formatted as a person sees them. */
async function errorsOf(text: string): Promise<string[]> {
  const result = await loadPolicy({ text, source: "p.yml" });
  if (result.ok) throw new Error("expected the policy to be rejected");
  return result.errors.map(formatPolicyError);
}

describe("YAML problems", () => {
  it("reports invalid YAML with its position", async () => {
    expect(await errorsOf("rules:\n  - name: a\n    require: { approvals: 1\n")).toEqual([
      expect.stringMatching(/^p\.yml:4:1: invalid YAML: /),
    ]);
  });

  it("reports a duplicate key at the repeat", async () => {
    expect(await errorsOf("version: 1\nsecrets:\n  scan: true\n  scan: false\n")).toEqual([
      "p.yml:4:3: duplicate key: each key may appear only once in a mapping",
    ]);
  });

  it("rejects a top level that is not a mapping", async () => {
    expect(await errorsOf("# policy\n- version: 1\n")).toEqual([
      "p.yml:2:1: the policy must be a mapping of keys (version, agents, rules, ...), got a list",
    ]);
    expect(await errorsOf("just text\n")).toEqual([
      "p.yml:1:1: the policy must be a mapping of keys (version, agents, rules, ...), got a string",
    ]);
  });

  it("rejects several documents in one file", async () => {
    expect(await errorsOf("version: 1\n---\nversion: 1\n")).toEqual([
      "p.yml:2:1: the policy must be a single YAML document (remove the `---` separator)",
    ]);
  });

  it("rejects custom tags", async () => {
    expect(await errorsOf("version: !!js/function 1\n")).toEqual([
      expect.stringMatching(/^p\.yml:1:10: .*custom YAML tags are not allowed$/),
    ]);
  });

  it("stops an alias bomb at the first alias past the limit", async () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 40; i++) lines.push(`k${i}: *a`);
    expect(await errorsOf(`${lines.join("\n")}\n`)).toEqual([
      "p.yml:34:6: too many YAML aliases (more than 32)",
    ]);
  });

  it("stops a nested alias expansion", async () => {
    const text = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: [*c, *c, *c, *c, *c]",
    ].join("\n");
    const errors = await errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^p\.yml:1:1: cannot read YAML: Excessive alias count/);
  });

  it("reports an alias without an anchor", async () => {
    expect(await errorsOf("version: 1\nrules: *missing\n")).toEqual([
      "p.yml:2:8: unknown YAML alias `*missing` (define the anchor before using it)",
    ]);
  });

  it("rejects absurd nesting instead of overflowing the stack", async () => {
    const errors = await errorsOf(`rules: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    expect(errors).toEqual([expect.stringMatching(/^p\.yml:1:\d+: the policy is nested too deeply$/)]);
    const block = Array.from({ length: 100 }, (_, i) => `${" ".repeat(i)}a:`).join("\n");
    expect(await errorsOf(`${block} 1\n`)).toEqual([
      "p.yml:65:65: the policy is nested more than 64 levels deep",
    ]);
  });

  it("rejects a `__proto__` key, which would otherwise vanish silently", async () => {
    expect(await errorsOf("categories:\n  __proto__: { paths: [x] }\n")).toEqual([
      "p.yml:2:3: `__proto__` is not allowed as a key",
    ]);
  });

  it("lists at most 50 errors and counts the rest", async () => {
    const errors = await errorsOf(Array.from({ length: 80 }, (_, i) => `k${i}: 1`).join("\n"));
    expect(errors).toHaveLength(51);
    expect(errors.at(-1)).toBe("p.yml:0:0: and 30 more errors");
  });

  it("rejects files too large to be a policy", async () => {
    expect(await errorsOf(`# ${"x".repeat(300 * 1024)}\n`)).toEqual([
      "p.yml:0:0: the policy file is larger than 256 KiB",
    ]);
  });

  it("accepts an empty file as the defaults", async () => {
    const result = await loadPolicy({ text: "# nothing here yet\n", source: "p.yml" });
    expect(result.ok && result.policy.rules.map((r) => r.name)).toEqual([
      "agent-or-bot-review",
      "agent-or-bot-sensitive",
    ]);
  });
});

describe("schema problems", () => {
  it("points at an unknown key and suggests the closest allowed one", async () => {
    expect(await errorsOf("rules:\n  - name: x\n    require:\n      aproval: 2\n")).toEqual([
      "p.yml:4:7: unknown key `aproval` in `rules[0].require`; did you mean `approvals`?",
    ]);
  });

  it("names the top level for unknown top-level keys, and suggests nothing for a wild guess", async () => {
    expect(await errorsOf("verison: 1\nfoo: bar\n")).toEqual([
      "p.yml:1:1: unknown key `verison` at the top level; did you mean `version`?",
      "p.yml:2:1: unknown key `foo` at the top level",
    ]);
  });

  it("says what type was expected and what was found", async () => {
    expect(await errorsOf("rules:\n  - name: x\n    require:\n      approvals: two\n")).toEqual([
      'p.yml:4:18: expected a number, got string "two"',
    ]);
    expect(await errorsOf("secrets:\n  scan: yes\n")).toEqual([
      'p.yml:2:9: expected true or false, got string "yes"',
    ]);
    expect(await errorsOf("rules:\n  name: x\n")).toEqual(["p.yml:2:3: expected a list, got a mapping"]);
  });

  it("rejects values outside an enumeration, with a suggestion", async () => {
    expect(await errorsOf("approvals:\n  exclude: [author, bot]\n")).toEqual([
      "p.yml:2:21: expected one of `author`, `requester`, `contributors`, `bots`, got `bot`; did you mean `bots`?",
    ]);
    expect(await errorsOf("rules:\n  - name: x\n    if: { author: [robot] }\n")).toEqual([
      "p.yml:3:20: expected one of `agent`, `bot`, `human`, got `robot`",
    ]);
  });

  it("bounds approvals to whole numbers from 0 to 50", async () => {
    const rule = (n: string) => `rules:\n  - name: x\n    require: { approvals: ${n} }\n`;
    expect(await errorsOf(rule("-1"))).toEqual(["p.yml:3:27: must be at least 0, got `-1`"]);
    expect(await errorsOf(rule("51"))).toEqual(["p.yml:3:27: must be at most 50, got `51`"]);
    expect(await errorsOf(rule("1.5"))).toEqual(["p.yml:3:27: expected a whole number, got number 1.5"]);
  });

  it("requires version 1", async () => {
    expect(await errorsOf("version: 2\n")).toEqual(["p.yml:1:10: must be `1`, got `2`"]);
  });

  it("requires a rule name and reports the rule", async () => {
    expect(await errorsOf("rules:\n  - require: { approvals: 1 }\n")).toEqual([
      "p.yml:2:5: missing required key `name`",
    ]);
    expect(await errorsOf('rules:\n  - name: ""\n')).toEqual(["p.yml:2:11: must not be empty"]);
  });

  it("checks logins and team references", async () => {
    const text = [
      "rules:",
      "  - name: x",
      "    require:",
      "      from:",
      '        users: ["@alice", "renovate[bot]", "bad user"]',
      '        teams: ["@acme/security", "acme/security", "security"]',
    ].join("\n");
    expect(await errorsOf(text)).toEqual([
      "p.yml:5:17: `@alice` is not a GitHub login (letters, digits and hyphens, optionally ending in [bot]; no @)",
      "p.yml:5:44: `bad user` is not a GitHub login (letters, digits and hyphens, optionally ending in [bot]; no @)",
      "p.yml:6:17: `@acme/security` is not a team reference; write it as `org/team-slug` (no @)",
      "p.yml:6:52: `security` is not a team reference; write it as `org/team-slug` (no @)",
    ]);
  });

  it("reports the part of a check that is wrong", async () => {
    const text =
      "rules:\n  - name: x\n    require:\n      checks: [CodeQL, 7, { name: scan, ap: github-actions }]\n";
    expect(await errorsOf(text)).toEqual([
      "p.yml:4:24: expected a string or a mapping, got number 7",
      "p.yml:4:41: unknown key `ap` in `rules[0].require.checks[2]`; did you mean `app`?",
    ]);
  });

  it("points at a badly named category key", async () => {
    expect(await errorsOf("categories:\n  Billing Code: { paths: [a] }\n")).toEqual([
      "p.yml:2:3: `Billing Code` is not a category name (lowercase letters, digits, - and _)",
    ]);
  });

  it("requires at least one promotion action and a governance approval", async () => {
    expect(await errorsOf("promotion:\n  actions: []\n  governance: { approvals: 0 }\n")).toEqual([
      "p.yml:2:12: must list at least 1 item(s)",
      "p.yml:3:28: must be at least 1, got `0`",
    ]);
  });
});

describe("semantic problems", () => {
  it("rejects unusable globs with the reason", async () => {
    const text = [
      "categories:",
      "  billing:",
      '    paths: ["", "/services/billing/**", "src/{a,b", "src/[ab", "{1..99}/x", "services/billing/**"]',
    ].join("\n");
    expect(await errorsOf(text)).toEqual([
      "p.yml:3:13: glob ``: a glob must not be empty",
      "p.yml:3:17: glob `/services/billing/**`: paths are relative to the repository root; drop the leading `/`",
      "p.yml:3:41: glob `src/{a,b`: has an unclosed `{`",
      "p.yml:3:53: glob `src/[ab`: has an unclosed `[`",
      "p.yml:3:64: glob `{1..99}/x`: brace ranges such as `{1..9}` are not supported; list the alternatives",
    ]);
  });

  it("rejects duplicate rule names, whatever their case", async () => {
    expect(await errorsOf("rules:\n  - name: sensitive\n  - name: Sensitive\n")).toEqual([
      "p.yml:3:11: rule name `Sensitive` is listed more than once",
    ]);
  });

  it("rejects an account listed twice", async () => {
    const text =
      "agents:\n  accounts:\n    - { login: ci-bot, kind: bot }\n    - { login: CI-bot, kind: agent }\n";
    expect(await errorsOf(text)).toEqual(["p.yml:4:16: account `CI-bot` is listed more than once"]);
  });

  it("rejects an approver list that names nobody", async () => {
    expect(await errorsOf("promotion:\n  governance:\n    from: {}\n")).toEqual([
      "p.yml:3:11: `from` names nobody: give users, teams or permission, or remove `from`",
    ]);
  });

  it("rejects rules that reference an unknown category, with a suggestion", async () => {
    const errors = await errorsOf("rules:\n  - name: x\n    if: { categories: [auht, billing] }\n");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /^p\.yml:3:24: unknown category `auht`; did you mean `auth`\? \(known: auth, secrets, /,
    );
    expect(errors[1]).toMatch(/^p\.yml:3:30: unknown category `billing` \(known: /);
  });

  it("accepts configured categories in rules", async () => {
    const text =
      "categories:\n  billing: { paths: [services/billing/**] }\nrules:\n  - name: x\n    if: { categories: [billing] }\n";
    expect((await loadPolicy({ text, source: "p.yml" })).ok).toBe(true);
  });

  it("rejects regular expressions RE2 cannot run in linear time", async () => {
    const text =
      "agents:\n  markers:\n    body_patterns: ['(?=agent)', 'ok']\npromotion:\n  commands: ['(ship)\\s+\\1']\n";
    expect(await errorsOf(text)).toEqual([
      "p.yml:3:21: pattern `(?=agent)`: not a supported regular expression (invalid or unsupported Perl syntax: `(?=`); patterns use RE2 syntax, without lookaround or backreferences",
      "p.yml:5:14: pattern `(ship)\\s+\\1`: not a supported regular expression (invalid escape sequence: `\\1`); patterns use RE2 syntax, without lookaround or backreferences",
    ]);
  });

  it("rejects a malformed _extends", async () => {
    expect(await errorsOf("_extends: acme/.github:../x.yml\n")).toEqual([
      "p.yml:1:11: the policy path `../x.yml` must be relative to the repository root, without . or .. segments",
    ]);
    expect(await errorsOf("_extends: acme/.github:policy.json\n")).toEqual([
      "p.yml:1:11: the policy path `policy.json` must end in .yml or .yaml",
    ]);
  });
});

describe("parsePolicyText", () => {
  it("returns the raw file as written", () => {
    const result = parsePolicyText("version: 1\nsecrets: { on_finding: require_approval }\n", "p.yml");
    expect(result).toEqual({ ok: true, raw: { version: 1, secrets: { on_finding: "require_approval" } } });
  });

  it("returns errors with positions", () => {
    expect(parsePolicyText("secrets: { on_finding: warn }\n", "x/p.yml")).toEqual({
      ok: false,
      errors: [
        {
          file: "x/p.yml",
          line: 1,
          column: 24,
          path: "secrets.on_finding",
          message: "expected one of `fail`, `require_approval`, got `warn`",
        },
      ],
    });
  });
});
