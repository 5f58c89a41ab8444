import { describe, expect, it } from "vitest";
import { type Fetcher, formatPolicyError, loadPolicy, type PolicyRef } from "../../src/policy/index.js";

/** A fetcher over a table of `owner/repo:path` → text, recording what was asked for. */
function table(files: Record<string, string>): Fetcher & { asked: string[] } {
  const asked: string[] = [];
  const fetch = async (ref: PolicyRef) => {
    const name = `${ref.owner}/${ref.repo}:${ref.path}`;
    asked.push(name);
    const text = files[name];
    return text === undefined ? null : { text, source: name };
  };
  return Object.assign(fetch, { asked });
}

const ENTRY = "acme/api:.github/agent-policy.yml";
const ORG = "acme/.github:.github/agent-policy.yml";

async function load(text: string, fetch: Fetcher) {
  return loadPolicy({ text, source: ENTRY }, fetch);
}

async function errorsOf(text: string, fetch: Fetcher): Promise<string[]> {
  const result = await load(text, fetch);
  if (result.ok) throw new Error("expected the policy to be rejected");
  return result.errors.map(formatPolicyError);
}

describe("_extends", () => {
  it("resolves `repo` against the owner of the extending file, with the default path", async () => {
    const fetch = table({ [ORG]: "secrets: { on_finding: require_approval }\n" });
    const result = await load("_extends: .github\n", fetch);
    expect(fetch.asked).toEqual([ORG]);
    expect(result.ok && result.policy.secrets.onFinding).toBe("require_approval");
    expect(result.ok && result.policy.source).toBe(`${ENTRY} (extends ${ORG})`);
  });

  it("follows `owner/repo:path` across owners and along a chain", async () => {
    const fetch = table({
      "acme/policies:base/agents.yml": "_extends: shared/baseline\nagents: { assisted_as: human }\n",
      "shared/baseline:.github/agent-policy.yml": "_extends: core\napprovals: { dismiss_on_push: false }\n",
      "shared/core:.github/agent-policy.yml": "secrets: { scan: false }\n",
    });
    const result = await load("_extends: acme/policies:base/agents.yml\n", fetch);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.policy.agents.assistedAs).toBe("human");
    expect(result.policy.approvals.dismissOnPush).toBe(false);
    expect(result.policy.secrets.scan).toBe(false);
    expect(fetch.asked).toEqual([
      "acme/policies:base/agents.yml",
      "shared/baseline:.github/agent-policy.yml",
      "shared/core:.github/agent-policy.yml",
    ]);
  });

  it("lets the extending file win: scalars override, mappings merge", async () => {
    const fetch = table({
      [ORG]: "approvals: { dismiss_on_push: false, block_on_changes_requested: false }\n",
    });
    const result = await load("_extends: .github\napprovals: { dismiss_on_push: true }\n", fetch);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.policy.approvals).toEqual({
      dismissOnPush: true,
      blockOnChangesRequested: false,
      exclude: ["author", "requester", "contributors", "bots"],
    });
  });

  it("replaces the base's lists instead of concatenating them", async () => {
    const fetch = table({
      [ORG]: [
        "approvals: { exclude: [author, requester, contributors, bots] }",
        "rules:",
        "  - { name: base, require: { approvals: 3 } }",
        "promotion: { labels: [ship-it, deploy-now] }",
      ].join("\n"),
    });
    const result = await load("_extends: .github\nrules: []\npromotion: { labels: [release] }\n", fetch);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.policy.rules).toEqual([]);
    expect(result.policy.promotion.labels).toEqual(["release"]);
    expect(result.policy.approvals.exclude).toEqual(["author", "requester", "contributors", "bots"]);
  });

  it("replaces governance approvers whole, so a base cannot widen who may approve", async () => {
    const fetch = table({ [ORG]: "promotion: { governance: { from: { teams: [acme/security] } } }\n" });
    const result = await load("_extends: .github\n", fetch);
    expect(result.ok && result.policy.promotion.governance).toEqual({
      approvals: 1,
      from: { users: [], teams: ["acme/security"] },
    });
  });

  it("checks category references across the chain and blames the file holding the rule", async () => {
    const fetch = table({ [ORG]: "categories:\n  billing: { paths: ['billing/**'] }\n" });
    const ok = await load(
      "_extends: .github\nrules:\n  - { name: b, if: { categories: [billing] } }\n",
      fetch,
    );
    expect(ok.ok).toBe(true);
    const errors = await errorsOf(
      "_extends: .github\nrules:\n  - { name: b, if: { categories: [biling] } }\n",
      fetch,
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /^acme\/api:\.github\/agent-policy\.yml:3:35: unknown category `biling`; did you mean `billing`\?/,
      ),
    ]);
  });

  it("reports errors in a base file with that file's name and position", async () => {
    const fetch = table({ [ORG]: "version: 1\nsecrets:\n  scna: true\n" });
    expect(await errorsOf("_extends: .github\n", fetch)).toEqual([
      `${ORG}:3:3: unknown key \`scna\` in \`secrets\`; did you mean \`scan\`?`,
    ]);
  });

  it("names a missing base at the _extends that asked for it", async () => {
    expect(await errorsOf("version: 1\n_extends: acme/nope\n", table({}))).toEqual([
      `${ENTRY}:2:11: the base policy acme/nope:.github/agent-policy.yml does not exist`,
    ]);
  });

  it("lets a fault reading the base propagate, so it is reported as GitHub's fault and not cached as an invalid policy", async () => {
    const fetch: Fetcher = async () => {
      throw new Error("HTTP 500");
    };
    await expect(load("_extends: .github\n", fetch)).rejects.toThrow("HTTP 500");
  });

  it("detects a cycle, including one back to the entry file", async () => {
    const fetch = table({
      [ORG]: "_extends: api\n",
      "acme/other:.github/agent-policy.yml": "_extends: acme/other\n",
    });
    expect(await errorsOf("_extends: .github\n", fetch)).toEqual([
      `${ORG}:1:11: \`_extends\` makes a cycle: acme/api:.github/agent-policy.yml → acme/.github:.github/agent-policy.yml → acme/api:.github/agent-policy.yml`,
    ]);
    expect(await errorsOf("_extends: acme/other\n", fetch)).toEqual([
      "acme/other:.github/agent-policy.yml:1:11: `_extends` makes a cycle: acme/api:.github/agent-policy.yml → acme/other:.github/agent-policy.yml → acme/other:.github/agent-policy.yml",
    ]);
  });

  it("follows at most five bases", async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 6; i++) files[`acme/p${i}:.github/agent-policy.yml`] = `_extends: p${i + 1}\n`;
    files["acme/p6:.github/agent-policy.yml"] = "version: 1\n";
    expect((await load("_extends: p2\n", table(files))).ok).toBe(true);
    const errors = await errorsOf("_extends: p1\n", table(files));
    expect(errors).toEqual([
      "acme/p5:.github/agent-policy.yml:1:11: `_extends` chain is longer than 5 bases; flatten it",
    ]);
  });

  it("needs an owner when the entry file is not in a known repository", async () => {
    const result = await loadPolicy({ text: "_extends: .github\n", source: "policy.yml" }, table({}));
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      "policy.yml:1:11: `_extends: .github` names no owner and policy.yml is not in a known repository; write `owner/.github`",
    ]);
  });

  it("refuses _extends when no fetcher is given (the CLI validating a local file)", async () => {
    const result = await loadPolicy({ text: "_extends: acme/.github\n", source: "policy.yml" });
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      "policy.yml:1:11: cannot follow `_extends: acme/.github` here: base policies are only read from GitHub",
    ]);
  });
});
