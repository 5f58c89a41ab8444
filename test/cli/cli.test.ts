import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/commands.js";
import { renderScenarioJsonSchema } from "../../src/facts/scenario.js";
import { DEFAULT_POLICY_YAML } from "../../src/policy/index.js";

let out = "";
let err = "";
const cwd = process.cwd();
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
  // What GitHub Actions sets would change where bases are read from.
  for (const name of ["GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL"]) vi.stubEnv(name, "");
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.chdir(cwd);
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Writes each file under a new temporary folder and returns the folder. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "agent-policy-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function tmp(name: string, text: string): Promise<string> {
  return join(await tree({ [name]: text }), name);
}

const SCENARIO = (policy: string) =>
  `name: a person's PR\npolicy: ${policy}\npr: { author: alice, files: [{ path: a.ts }] }\nexpect: { verdict: success }\n`;

describe("the command line", () => {
  it("explains its usage, prints its version and rejects unknown commands", async () => {
    expect(await main(["--help"])).toBe(0);
    for (const command of ["init", "validate", "test", "explain"])
      expect(out).toMatch(new RegExp(`^  ${command} `, "m"));
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    out = "";
    expect(await main(["--version"])).toBe(0);
    expect(out).toBe(`${version}\n`);
    expect(await main(["frobnicate"])).toBe(2);
    expect(err).toMatch(/unknown command: frobnicate\nUsage: agent-policy COMMAND/);
    expect(await main(["valdiate"])).toBe(2);
    expect(err).toMatch(/unknown command: valdiate; did you mean `validate`\?/);
    expect(await main([])).toBe(2);
    expect(err).toMatch(/no command given/);
  });

  it("gives each command its own help instead of treating --help as a file", async () => {
    expect(await main(["validate", "--help"])).toBe(0);
    expect(out).toMatch(/^Usage: agent-policy validate \[FILE\] \[options\]/);
    expect(out).toMatch(/--base-dir DIR/);
    expect(err).toBe("");
    out = "";
    expect(await main(["help", "test"])).toBe(0);
    expect(out).toMatch(/^Usage: agent-policy test \[FILE\|DIR \.\.\.\]/);
    // After `--`, a name is a file even when it looks like an option.
    expect(await main(["validate", "--", "--help"])).toBe(2);
    expect(err).toMatch(/^--help: cannot read: no such file$/m);
  });

  it("rejects unknown options, missing values and extra arguments with the usage line and exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["validate", "--nope"], /agent-policy validate: unknown option --nope\nUsage: agent-policy validate /],
      [["validate", "a.yml", "b.yml"], /agent-policy validate: unexpected argument b\.yml\n/],
      [["validate", "--repo"], /--repo needs a value \(OWNER\/NAME\)/],
      [["validate", "--repo", "--token", "t"], /--repo needs a value/],
      [["validate", "--repo", "acme"], /--repo must be OWNER\/NAME, got acme/],
      [["init", "--force=yes"], /--force takes no value\nUsage: agent-policy init /],
      [["init", "a.yml", "b.yml"], /unexpected argument b\.yml/],
      [["explain", "--repo", "acme/app", "--pr", "1", "extra"], /takes no positional arguments/],
      [["--version", "now"], /unexpected argument now/],
      [["--verbose"], /agent-policy: unknown option --verbose/],
    ];
    for (const [args, message] of cases) {
      err = "";
      expect(await main(args), args.join(" ")).toBe(2);
      expect(err, args.join(" ")).toMatch(message);
    }
  });

  it("refuses explain without a repository, a PR or a token", async () => {
    expect(await main(["explain", "--repo", "acme", "--pr", "1"])).toBe(2);
    expect(err).toMatch(/explain needs --repo OWNER\/NAME and --pr N/);
    expect(await main(["explain", "--repo", "acme/app", "--pr", "1"])).toBe(2);
    expect(err).toMatch(/needs a token/);
  });
});

describe("agent-policy init", () => {
  it("writes the built-in default policy to .github/agent-policy.yml, which validates", async () => {
    process.chdir(await tree({}));
    expect(await main(["init"])).toBe(0);
    expect(out).toMatch(/\.github\/agent-policy\.yml: wrote the built-in default policy \(valid, 2 rules\)/);
    expect(await readFile(".github/agent-policy.yml", "utf8")).toBe(DEFAULT_POLICY_YAML);
    expect(await main(["validate"])).toBe(0);
  });

  it("refuses to overwrite a policy unless --force", async () => {
    const file = await tmp("policy.yml", "rules: []\n");
    expect(await main(["init", file])).toBe(1);
    expect(err).toMatch(/policy\.yml already exists; pass --force to overwrite it/);
    expect(await readFile(file, "utf8")).toBe("rules: []\n");
    expect(await main(["init", file, "--force"])).toBe(0);
    expect(await readFile(file, "utf8")).toBe(DEFAULT_POLICY_YAML);
  });
});

describe("agent-policy validate", () => {
  it("accepts the example policy", async () => {
    expect(await main(["validate", "examples/agent-policy.yml"])).toBe(0);
    expect(out).toMatch(/valid \(4 rules\)/);
  });

  it("prints file:line:column, the key path and what was expected, and exits 1", async () => {
    const file = await tmp(
      "p.yml",
      [
        "rules:",
        "  - name: a",
        "    require: { approvals: 1 }",
        "  - name: b",
        "    require: { aproval: 2 }",
        "  - name: c",
        "    require: { approvals: two }",
      ].join("\n"),
    );
    expect(await main(["validate", file])).toBe(1);
    expect(err).toContain(
      `${file}:5:16: rules[1].require.aproval: unknown key \`aproval\` in \`rules[1].require\`; did you mean \`approvals\`?`,
    );
    expect(err).toContain(`${file}:7:27: rules[2].require.approvals: expected a number, got string "two"`);
  });

  it("says so when the file cannot be read", async () => {
    expect(await main(["validate", "/nonexistent/policy.yml"])).toBe(2);
    expect(err).toBe("/nonexistent/policy.yml: cannot read: no such file\n");
  });
});

describe("agent-policy validate with `_extends`", () => {
  /** A checkout of acme/api whose policy extends a base in the same repository. */
  const api = (base: string) =>
    tree({
      ".git/HEAD": "ref: refs/heads/main\n",
      ".github/agent-policy.yml": "_extends: acme/api:.github/base.yml\nsecrets: { scan: true }\n",
      ".github/base.yml": base,
    });

  it("reads a base in the policy's own repository from the working tree", async () => {
    process.chdir(await api("approvals: { dismiss_on_push: false }\n"));
    expect(await main(["validate", "--repo", "acme/api"])).toBe(0);
    expect(out).toBe(".github/agent-policy.yml: valid (2 rules; extends .github/base.yml)\n");
  });

  it("blames an error in the base at its own line", async () => {
    process.chdir(await api("approvals:\n  dismiss_on_push: maybe\n"));
    vi.stubEnv("GITHUB_REPOSITORY", "acme/api");
    expect(await main(["validate"])).toBe(1);
    expect(err).toBe(
      '.github/base.yml:2:20: approvals.dismiss_on_push: expected true or false, got string "maybe"\n',
    );
  });

  it("reads bases of other repositories from checkouts under --base-dir", async () => {
    const dir = await tree({
      "api/.git/HEAD": "",
      "api/.github/agent-policy.yml": "_extends: .github\n",
      "checkouts/.github/.github/agent-policy.yml": "_extends: shared/baseline\nrules: []\n",
      "checkouts/shared/baseline/.github/agent-policy.yml": "secrets: { scan: false }\n",
    });
    process.chdir(join(dir, "api"));
    expect(await main(["validate", "--repo", "acme/api", "--base-dir", "../checkouts"])).toBe(0);
    expect(out).toBe(
      ".github/agent-policy.yml: valid (0 rules; extends ../checkouts/.github/.github/agent-policy.yml → ../checkouts/shared/baseline/.github/agent-policy.yml)\n",
    );
  });

  it("says which base it cannot read, and how it could, without calling the policy invalid", async () => {
    const file = await tmp("p.yml", "_extends: acme/.github\n");
    expect(await main(["validate", file])).toBe(2);
    expect(err).toBe(
      `${file}: cannot read the base policy acme/.github:.github/agent-policy.yml: there is no token to read it from GitHub (pass --base-dir with a checkout of it, or --token / GITHUB_TOKEN)\n`,
    );
  });

  it("points at `_extends: repo` when no repository is named for the policy", async () => {
    const file = await tmp("p.yml", "_extends: .github\n");
    expect(await main(["validate", file])).toBe(1);
    expect(err).toMatch(/p\.yml:1:11: _extends: `_extends: \.github` names no owner/);
  });
});

describe("agent-policy validate reading `_extends` from GitHub", () => {
  const API = "https://api.github.com";
  const BASE = "/repos/acme/.github/contents/.github%2Fagent-policy.yml";
  beforeEach(() => nock.disableNetConnect());

  it("reads the base with the token, as the app does", async () => {
    nock(API)
      .get(BASE)
      .matchHeader("authorization", "token t0ken")
      .matchHeader("accept", "application/vnd.github.v3.raw")
      .reply(200, "approvals: { dismiss_on_push: false }\n", { "content-type": "text/plain; charset=utf-8" });
    const file = await tmp("p.yml", "_extends: acme/.github\n");
    expect(await main(["validate", file, "--token", "t0ken"])).toBe(0);
    expect(out).toBe(`${file}: valid (2 rules; extends acme/.github:.github/agent-policy.yml)\n`);
    expect(nock.isDone()).toBe(true);
  });

  it("takes the token and API from the environment and blames the base's errors on it", async () => {
    vi.stubEnv("GITHUB_TOKEN", "env-token");
    vi.stubEnv("GITHUB_API_URL", "https://ghe.example.com/api/v3");
    nock("https://ghe.example.com")
      .get(`/api/v3${BASE}`)
      .matchHeader("authorization", "token env-token")
      .reply(200, "version: 2\n", { "content-type": "text/plain; charset=utf-8" });
    const file = await tmp("p.yml", "_extends: acme/.github\n");
    expect(await main(["validate", file])).toBe(1);
    expect(err).toBe("acme/.github:.github/agent-policy.yml:1:10: version: must be `1`, got `2`\n");
  });

  it("says when GitHub has no such base for this token, or answers with a folder", async () => {
    const file = await tmp("p.yml", "_extends: acme/.github\n");
    nock(API)
      .get(BASE)
      .reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    expect(await main(["validate", file, "--token", "t"])).toBe(2);
    expect(err).toMatch(
      /GitHub has no base policy acme\/\.github:\.github\/agent-policy\.yml that this token can read/,
    );
    err = "";
    nock(API)
      .get(BASE)
      .reply(200, [
        {
          type: "file",
          name: "agent-policy.yml",
          path: ".github/agent-policy.yml/agent-policy.yml",
          sha: "3d21ec53a331a6f037a91c368710b99387d012c1",
          size: 12,
          url: `${API}${BASE}/agent-policy.yml`,
        },
      ]);
    expect(await main(["validate", file, "--token", "t"])).toBe(2);
    expect(err).toMatch(/acme\/\.github:\.github\/agent-policy\.yml is not a file/);
  });
});

describe("agent-policy test", () => {
  it("passes every example scenario", async () => {
    expect(await main(["test", "examples/"])).toBe(0);
    expect(out).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it("reports what differed at the line of the expectation and exits 1", async () => {
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
        "  rules: { nope: { met: true } }",
      ].join("\n"),
    );
    expect(await main(["test", file])).toBe(1);
    expect(out).toMatch(/✗ wrong expectation/);
    expect(out).toContain(`    ${file}:6:12: expect.verdict: expected success, got action_required`);
    expect(out).toContain(`    ${file}:7:15: expect.violations: expected [protected_label_added], got []`);
    expect(out).toContain(
      `    ${file}:8:18: expect.rules.nope: the rule did not apply (applied: [agent-or-bot-review])`,
    );
    expect(out).toMatch(/^0 passed, 1 failed$/m);
  });

  it("reports an invalid scenario with line, column and key path instead of crashing", async () => {
    const file = await tmp(
      "s.yml",
      "name: x\npr: { author: a, files: [{ path: a }], bogus: 1 }\nexpect: { verdict: maybe }\n",
    );
    expect(await main(["test", file])).toBe(1);
    expect(out).toContain(`${file}:2:40: pr.bogus: unknown key \`bogus\` in \`pr\``);
    expect(out).toContain(
      `${file}:3:20: expect.verdict: expected one of \`success\`, \`in_progress\`, \`action_required\`, \`failure\`, got \`maybe\``,
    );
    // Events are a union of mappings: the error is in the one whose key is there, or at the stray key.
    const events = await tmp(
      "s.yml",
      "name: x\npr:\n  author: a\n  files: [{ path: a }]\n  events:\n    - { labeled: 1, by: b }\n    - { nonsense: true }\nexpect: { verdict: success }\n",
    );
    expect(await main(["test", events])).toBe(1);
    expect(out).toContain(`${events}:6:18: pr.events[0].labeled: expected a string, got number 1\n`);
    expect(out).toContain(
      `${events}:7:9: pr.events[1].nonsense: unknown key \`nonsense\` in \`pr.events[1]\`\n`,
    );
    const yaml = await tmp("s.yml", "name: x\npr: [\nexpect: 1\n");
    expect(await main(["test", yaml])).toBe(1);
    expect(out).toMatch(new RegExp(`${yaml}:\\d+:\\d+: invalid YAML: `));
  });

  it("reports an invalid or missing policy at the scenario's `policy` line, then the policy's errors", async () => {
    const dir = await tree({
      "p.yml": "rules: 7\n",
      "bad.yml": SCENARIO("p.yml"),
      "missing.yml": SCENARIO("nowhere.yml"),
    });
    expect(await main(["test", dir])).toBe(1);
    expect(out).toContain(
      `    ${dir}/bad.yml:2:9: policy: the policy ${dir}/p.yml is invalid\n    ${dir}/p.yml:1:8: rules: expected a list, got number 7\n`,
    );
    expect(out).toContain(
      `    ${dir}/missing.yml:2:9: policy: ${dir}/nowhere.yml: cannot read: no such file\n`,
    );
  });

  it("follows a scenario policy's `_extends` as validate does", async () => {
    const dir = await tree({
      "repo/.git/HEAD": "",
      "repo/.github/agent-policy.yml": "_extends: org-policies\n",
      "repo/.github/agent-policy-tests/s.yml": SCENARIO("../agent-policy.yml"),
      "checkouts/org-policies/.github/agent-policy.yml": "rules: []\n",
    });
    process.chdir(join(dir, "repo"));
    expect(await main(["test", "--repo", "acme/repo", "--base-dir", "../checkouts"])).toBe(0);
    expect(out).toMatch(/✓ a person's PR\n\n1 passed, 0 failed/);
    expect(await main(["test"])).toBe(1);
    expect(out).toMatch(/_extends: `_extends: org-policies` names no owner/);
  });

  it("says what is missing when there is no scenario folder, or a path does not exist", async () => {
    process.chdir(await tree({}));
    expect(await main(["test"])).toBe(2);
    expect(err).toMatch(
      /no scenarios to run: give scenario files or folders, or put them in \.github\/agent-policy-tests \(it does not exist\)\nUsage: agent-policy test /,
    );
    expect(err).not.toMatch(/ENOENT/);
    err = "";
    expect(await main(["test", "nowhere/"])).toBe(2);
    expect(err).toBe("nowhere/: no such file or folder\n");
    await writeFile("notes.yml", "just: notes\n");
    expect(await main(["test", "notes.yml"])).toBe(2);
    expect(err).toMatch(/notes\.yml: no scenario files here/);
  });
});

describe("the scenario JSON Schema", () => {
  it("is exactly what scripts/gen-schema.ts generates", () => {
    expect(readFileSync("schema/scenario.schema.json", "utf8")).toBe(renderScenarioJsonSchema());
  });
});
