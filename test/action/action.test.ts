/**
 * The GitHub Action end to end, run as the runner runs it: `node <action>/<runs.main>` in the
 * workspace, inputs as INPUT_* variables (defaults from action.yml), GITHUB_STEP_SUMMARY a file.
 * The action folder is what its first run leaves behind: this repository's action files and lib/
 * compiled by the project's own build configuration.
 */
import { execFile } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { default?: string }>;
}
const actionYml = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as ActionYml;

let work: string;
let action: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "agent-policy-action-"));
  // Dependencies one folder up, as an installed package finds them: the action folder has none
  // of its own to replace, so its entry has nothing to install.
  symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"), "dir");
  action = join(work, "action-root");
  mkdirSync(action);
  for (const file of ["action.yml", "package.json"]) copyFileSync(join(ROOT, file), join(action, file));
  cpSync(join(ROOT, "action"), join(action, "action"), { recursive: true });
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  await run(process.execPath, [
    tsc,
    "-p",
    join(ROOT, "tsconfig.build.json"),
    "--outDir",
    join(action, "lib"),
  ]);
  if (!existsSync(join(action, "lib/cli/action.js"))) throw new Error("the build made no lib/cli/action.js");
}, 180_000);

// rm removes the node_modules link, never what it points to.
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A workspace with these files; the action's outcome there. */
async function runAction(files: Record<string, string>, inputs: Record<string, string>) {
  const workspace = await mkdtemp(join(tmpdir(), "agent-policy-workspace-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  const summaryFile = join(await mkdtemp(join(tmpdir(), "agent-policy-runner-")), "step_summary");
  writeFileSync(summaryFile, "");
  const defaults = Object.entries(actionYml.inputs).map(([name, input]) => [
    `INPUT_${name.toUpperCase()}`,
    // Expressions such as ${{ github.token }} are the runner's; here they are empty.
    (input.default ?? "").replace(/\$\{\{.*?\}\}/g, ""),
  ]);
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: "acme/app",
    GITHUB_STEP_SUMMARY: summaryFile,
    ...Object.fromEntries(defaults),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const entry = join(action, actionYml.runs.main);
  let code = 0;
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [entry], { cwd: workspace, env }));
  } catch (e) {
    ({ code, stdout } = e as { code: number; stdout: string });
  }
  return { code, stdout, summary: readFileSync(summaryFile, "utf8") };
}

const GOOD_POLICY = "rules:\n  - name: agents\n    if: { author: [agent] }\n    require: { approvals: 2 }\n";
const AGENT_PR = 'pr: { author: "devin-ai-integration[bot]", files: [{ path: src/a.ts }] }';

describe("the GitHub Action", () => {
  it("runs on Node 20 from an entry the repository holds", () => {
    expect(actionYml.runs.using).toBe("node20");
    expect(existsSync(join(ROOT, actionYml.runs.main))).toBe(true);
    expect(Object.keys(actionYml.inputs).sort()).toEqual(["base-dir", "policy", "scenarios", "token"]);
  });

  it("passes a valid policy and its scenarios, with a summary and no annotations", async () => {
    const result = await runAction(
      {
        ".github/agent-policy.yml": GOOD_POLICY,
        ".github/agent-policy-tests/agent.yml": [
          "name: an agent PR needs two approvals",
          "policy: ../agent-policy.yml",
          AGENT_PR,
          "expect: { verdict: action_required, rules: { agents: { met: false } } }",
        ].join("\n"),
      },
      { scenarios: ".github/agent-policy-tests" },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\.github\/agent-policy\.yml: valid \(1 rule\)$/m);
    expect(result.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(result.stdout).not.toMatch(/::error/);
    expect(result.summary).toContain("### ✅ .github/agent-policy.yml: valid (1 rule)");
    expect(result.summary).toContain("### ✅ Scenarios: 1 passed, 0 failed");
  });

  it("fails on a bad policy and a failing scenario, annotating each line at fault", async () => {
    const result = await runAction(
      {
        ".github/agent-policy.yml": "rules:\n  - name: agents\n    require: { approvals: two }\n",
        "policy-tests/wrong.yml": [
          'name: "wrong\\n::warning::injected"',
          AGENT_PR,
          "expect:",
          "  verdict: success",
        ].join("\n"),
      },
      { scenarios: "policy-tests" },
    );
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n");
    expect(lines).toContain(
      '::error file=.github/agent-policy.yml,line=3,col=27,title=agent-policy%3A invalid policy::rules[0].require.approvals: expected a number, got string "two"',
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::error file=policy-tests\/wrong\.yml,line=4,col=12,title=agent-policy%3A scenario failed%3A wrong%0A%3A%3Awarning%3A%3Ainjected::expect\.verdict: expected success, got action_required /,
      ),
    );
    // The scenario's name reaches the log, but only while workflow commands are stopped.
    const stop = lines.findIndex((l) => l.startsWith("::stop-commands::"));
    const token = lines[stop]?.slice("::stop-commands::".length);
    const resume = lines.indexOf(`::${token}::`);
    const injected = lines.findIndex((l) => l.startsWith("::warning::injected"));
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(injected).toBeGreaterThan(stop);
    expect(resume).toBeGreaterThan(injected);

    expect(result.summary).toContain("### ❌ Policy `.github/agent-policy.yml` is invalid");
    expect(result.summary).toContain(
      '- `.github/agent-policy.yml:3:27` `rules[0].require.approvals` expected a number, got string "two"',
    );
    expect(result.summary).toContain("### ❌ Scenarios: 0 passed, 1 failed");
    expect(result.summary).toContain("  - `policy-tests/wrong.yml:4:12` `expect.verdict` expected success");
  });

  it("says when there is no policy to check, and exits 2", async () => {
    const result = await runAction({}, {});
    expect(result.code).toBe(2);
    expect(result.stdout.split("\n")).toContain(
      "::error file=.github/agent-policy.yml,title=agent-policy%3A policy not checked::cannot read: no such file",
    );
    expect(result.summary).toContain("### ❌ Policy `.github/agent-policy.yml` could not be checked");
  });
});
