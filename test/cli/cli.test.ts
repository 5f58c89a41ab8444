import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/commands.js";
import { renderScenarioJsonSchema } from "../../src/facts/scenario.js";

let out = "";
let err = "";
beforeEach(() => {
  out = "";
  err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err += String(s);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

async function tmp(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "agent-policy-"));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe("agent-policy validate", () => {
  it("accepts the example policy", async () => {
    expect(await main(["validate", "examples/agent-policy.yml"])).toBe(0);
    expect(out).toMatch(/valid \(4 rules\)/);
  });

  it("prints file:line:column with a suggestion and exits 1", async () => {
    const file = await tmp("p.yml", "rules:\n  - name: x\n    require: { aproval: 2 }\n");
    expect(await main(["validate", file])).toBe(1);
    expect(err).toContain(`${file}:3:16: unknown key \`aproval\``);
    expect(err).toMatch(/did you mean `approvals`/);
  });

  it("says so when the file cannot be read", async () => {
    expect(await main(["validate", "/nonexistent/policy.yml"])).toBe(2);
    expect(err).toMatch(/cannot read/);
  });
});

describe("agent-policy test", () => {
  it("passes every example scenario", async () => {
    expect(await main(["test", "examples/"])).toBe(0);
    expect(out).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it("reports what differed and exits 1", async () => {
    const file = await tmp(
      "s.yml",
      [
        "name: wrong expectation",
        "pr:",
        "  author: devin-ai-integration[bot]",
        "  files: [{ path: src/a.ts }]",
        "expect:",
        "  verdict: success",
        "  violations: [protected_label_added]",
      ].join("\n"),
    );
    expect(await main(["test", file])).toBe(1);
    expect(out).toMatch(/✗ wrong expectation/);
    expect(out).toMatch(/verdict: expected success, got action_required/);
    expect(out).toMatch(/violations: expected \[protected_label_added\], got \[\]/);
    expect(out).toMatch(/^0 passed, 1 failed$/m);
  });

  it("reports an invalid scenario instead of crashing", async () => {
    const file = await tmp(
      "s.yml",
      "name: x\npr: { author: a, files: [] , bogus: 1 }\nexpect: { verdict: maybe }\n",
    );
    expect(await main(["test", file])).toBe(1);
    expect(out).toMatch(/invalid scenario at pr/);
  });

  it("reports an invalid policy referenced by a scenario", async () => {
    const policy = await tmp("p.yml", "rules: 7\n");
    const file = join(policy, "..", "s.yml");
    await writeFile(
      file,
      `name: x\npolicy: p.yml\npr: { author: a, files: [{ path: a }] }\nexpect: { verdict: success }\n`,
    );
    expect(await main(["test", file])).toBe(1);
    expect(out).toMatch(/invalid policy:\n.*p\.yml:1:8/);
  });
});

describe("the command line", () => {
  it("explains its usage and rejects unknown commands", async () => {
    expect(await main(["--help"])).toBe(0);
    expect(out).toMatch(/agent-policy validate/);
    expect(await main(["frobnicate"])).toBe(2);
    expect(err).toMatch(/unknown command: frobnicate/);
  });

  it("refuses explain without a repository, a PR or a token", async () => {
    expect(await main(["explain", "--repo", "acme", "--pr", "1"])).toBe(2);
    const token = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    expect(await main(["explain", "--repo", "acme/app", "--pr", "1"])).toBe(2);
    expect(err).toMatch(/needs a token/);
    if (token !== undefined) process.env.GITHUB_TOKEN = token;
  });
});

describe("the scenario JSON Schema", () => {
  it("is exactly what scripts/gen-schema.ts generates", () => {
    expect(readFileSync("schema/scenario.schema.json", "utf8")).toBe(renderScenarioJsonSchema());
  });
});
