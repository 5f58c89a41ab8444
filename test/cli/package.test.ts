/**
 * The package another repository installs: `npm pack` (whose prepack builds lib/) on a copy of
 * this repository, installed from the tarball into a fresh project, and `agent-policy` run there
 * through npx, with nothing of this repository's node_modules in reach.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
/** Not part of a checkout, or rebuilt by the pack itself. */
const NOT_COPIED = new Set(["node_modules", "lib", ".git", "coverage"]);

/** The environment of another repository's CI: nothing that points back at GitHub Actions here. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GITHUB_")));

let work: string;
let project: string;

async function agentPolicy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // `--`: without it npx would take `--version` for its own and print npm's.
    const { stdout, stderr } = await run("npx", ["--no", "--", "agent-policy", ...args], {
      cwd: project,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "agent-policy-pack-"));
  // The copy finds the dev dependencies (tsc) one folder up, so packing never touches this checkout.
  const copy = join(work, "repo");
  cpSync(ROOT, copy, {
    recursive: true,
    filter: (src) => !(NOT_COPIED.has(basename(src)) && resolve(src, "..") === ROOT),
  });
  symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"), "dir");
  const tarballs = join(work, "tarballs");
  mkdirSync(tarballs);
  await run("npm", ["pack", "--pack-destination", tarballs], { cwd: copy, env });
  const [tarball] = readdirSync(tarballs);
  if (!tarball) throw new Error("npm pack made no tarball");

  project = await mkdtemp(join(tmpdir(), "agent-policy-consumer-"));
  writeFileSync(join(project, "package.json"), '{ "name": "consumer", "private": true }\n');
  await run("npm", ["install", join(tarballs, tarball), "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: project,
    env,
  });
  mkdirSync(join(project, ".github/agent-policy-tests"), { recursive: true });
  writeFileSync(
    join(project, "good.yml"),
    "rules:\n  - name: agents\n    if: { author: [agent] }\n    require: { approvals: 2 }\n",
  );
  writeFileSync(join(project, "bad.yml"), "rules:\n  - name: agents\n    require: { approvals: two }\n");
  writeFileSync(
    join(project, ".github/agent-policy-tests/agent.yml"),
    [
      "name: an agent PR needs two approvals",
      "policy: ../../good.yml",
      'pr: { author: "devin-ai-integration[bot]", files: [{ path: src/a.ts }] }',
      "expect: { verdict: action_required, rules: { agents: { met: false } } }",
    ].join("\n"),
  );
}, 180_000);

// rm removes the node_modules link, never what it points to.
afterAll(() => {
  for (const dir of [work, project]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the packed agent-policy, installed in another project", () => {
  it("puts agent-policy on the PATH of npx and prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await agentPolicy("--version")).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("validates a good policy and rejects a bad one with its position", async () => {
    expect(await agentPolicy("validate", "good.yml")).toMatchObject({
      code: 0,
      stdout: "good.yml: valid (1 rule)\n",
    });
    expect(await agentPolicy("validate", "bad.yml")).toMatchObject({
      code: 1,
      stderr: 'bad.yml:3:27: rules[0].require.approvals: expected a number, got string "two"\n',
    });
  });

  it("runs the scenarios of the default folder", async () => {
    const result = await agentPolicy("test");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe("✓ an agent PR needs two approvals\n\n1 passed, 0 failed\n");
  });

  it("ships the compiled code and the schemas, not the sources", () => {
    const installed = join(project, "node_modules/agent-policy");
    expect(readdirSync(installed).sort()).toEqual(["README.md", "app.yml", "lib", "package.json", "schema"]);
    expect(readFileSync(join(installed, "lib/cli/main.js"), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});
