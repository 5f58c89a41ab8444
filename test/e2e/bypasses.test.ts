/**
 * Bypass classes found by black-box runs, end to end: signed webhooks to the real server, GitHub
 * played by the stand-in (ids past 2^32 like GitHub's), and the check run read back as GitHub
 * would show it. Each test is an attacker's move followed by what a security team expects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { payloads, type Store, scenarios } from "../../tools/github-standin/index.js";
import { onlyRun, runsOn } from "./support.js";

let gate: Gate;
beforeAll(async () => {
  gate = await startGate();
}, 20_000);
afterAll(() => gate?.close());

const POLICY = ".github/agent-policy.yml";
let repos = 0;

function repoWith(store: Store, files: Record<string, string>) {
  scenarios.seedOrg(store);
  return store.addRepo({
    owner: scenarios.ORG,
    name: `bypass-${++repos}`,
    files: { "README.md": "# app\n", ...files },
    collaborators: { alice: "write", bob: "write", carol: "write", dave: "admin" },
  });
}

function devin(store: Store) {
  scenarios.addDevinApp(store);
  return {
    login: "devin-ai-integration[bot]",
    git: { name: "Devin AI", email: "158243242+devin-ai-integration[bot]@users.noreply.github.com" },
  };
}

const opened = (store: Store, repo: string, number: number, sender: string) => ({
  name: "pull_request",
  payload: payloads.pullRequest(store, repo, number, "opened", sender),
});

describe("one head commit shared by two PRs", () => {
  it("writes the strictest verdict on the shared head and names both PRs, whichever PR changed", async () => {
    const { store } = gate.standIn;
    const repo = repoWith(store, {
      [POLICY]:
        "version: 1\nrules:\n  - name: main-needs-two\n    if: { base: [main] }\n    require: { approvals: 2 }\n",
    });
    store.commitToBranch(repo.fullName, { branch: "sandbox", files: {}, message: "sandbox", author: "dave" });
    const agent = devin(store);
    const file = { filename: "src/app.ts", patch: "@@ -0,0 +1 @@\n+export const x = 1;" };
    const strict = store.addPullRequest(repo.fullName, {
      title: "Add x",
      author: agent.login,
      head: "devin/add-x",
      commits: [{ message: "Add x", author: agent.git }],
      files: [file],
    });
    await gate.deliver(opened(store, repo.fullName, strict.number, agent.login));
    await gate.settle();
    expect(onlyRun(gate, strict).conclusion).toBe("action_required");

    // The agent opens a second PR with the very same head against a base no rule covers.
    const lax = store.addPullRequest(repo.fullName, {
      title: "Add x (sandbox)",
      author: agent.login,
      head: "devin/add-x-copy",
      base: "sandbox",
      commits: [{ sha: strict.head.sha, message: "Add x", author: agent.git }],
      files: [file],
    });
    expect(lax.head.sha).toBe(strict.head.sha);
    await gate.deliver(opened(store, repo.fullName, lax.number, agent.login));
    await gate.settle();

    const run = onlyRun(gate, strict);
    expect(runsOn(gate, lax)).toEqual([run]);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toMatch(new RegExp(`^#${strict.number}: `));
    expect(run.output.summary).toMatch(/head of 2 open pull requests/);
    expect(run.output.summary).toContain(`| #${strict.number} | \`main\` | ✋ action_required`);
    expect(run.output.summary).toContain(`| #${lax.number} | \`sandbox\` | ✅ success`);

    // Approvals on the strict PR clear it; the run on the shared head follows.
    for (const author of ["bob", "carol"]) store.addReview(strict, { author, state: "APPROVED" });
    const review = strict.reviews.at(-1)?.id ?? 0;
    await gate.deliver({
      name: "pull_request_review",
      payload: payloads.pullRequestReview(store, repo.fullName, strict.number, review),
    });
    await gate.settle();
    expect(onlyRun(gate, strict).conclusion).toBe("success");
  });
});

describe("a required check re-run", () => {
  it("turns the gate back to in_progress while the newest run is queued, never its earlier success", async () => {
    const { store } = gate.standIn;
    const repo = repoWith(store, {
      [POLICY]:
        "version: 1\nrules:\n  - name: ci\n    require:\n      checks: [{ name: build, app: github-actions }]\n",
    });
    const pr = store.addPullRequest(repo.fullName, {
      title: "Docs",
      author: "alice",
      head: "alice/docs",
      files: [{ filename: "docs/a.md", patch: "@@ -0,0 +1 @@\n+hello" }],
    });
    store.addCheckRun({
      repo: repo.fullName,
      headSha: pr.head.sha,
      name: "build",
      app: "github-actions",
      conclusion: "success",
    });
    await gate.deliver(opened(store, repo.fullName, pr.number, "alice"));
    await gate.settle();
    expect(onlyRun(gate, pr).conclusion).toBe("success");

    const rerun = store.addCheckRun({
      repo: repo.fullName,
      headSha: pr.head.sha,
      name: "build",
      app: "github-actions",
      status: "queued",
    });
    expect(rerun.id).toBeGreaterThan(2 ** 32);
    await gate.deliver({
      name: "check_run",
      payload: payloads.checkRun(store, repo.fullName, rerun.id, "created", "github-actions[bot]"),
    });
    await gate.settle();
    const run = onlyRun(gate, pr);
    expect(run.status).toBe("in_progress");
    expect(run.conclusion).toBeNull();
    expect(run.output.summary).toMatch(/build.*still running/);
  });
});

describe("agent summoning by a bot", () => {
  it("fails the PR when a bot assigns an agent or asks it to review, on the assignment event itself", async () => {
    const { store } = gate.standIn;
    const repo = repoWith(store, {});
    store.addApp({ id: 900_777, slug: "triage-bot", name: "Triage", botId: 900_778 });
    devin(store);
    for (const step of ["assigned", "review_requested"] as const) {
      const pr = store.addPullRequest(repo.fullName, {
        title: `Fix typo (${step})`,
        author: "alice",
        head: `alice/typo-${step}`,
        files: [{ filename: "docs/a.md", patch: "@@ -0,0 +1 @@\n+hello" }],
      });
      await gate.deliver(opened(store, repo.fullName, pr.number, "alice"));
      await gate.settle();
      expect(onlyRun(gate, pr).conclusion).toBe("success");

      store.addTimelineEvent(pr, {
        kind: step,
        actor: "triage-bot[bot]",
        subject: "devin-ai-integration[bot]",
      });
      const extra =
        step === "assigned"
          ? { assignee: "devin-ai-integration[bot]" }
          : { requestedReviewer: "devin-ai-integration[bot]" };
      await gate.deliver({
        name: "pull_request",
        payload: payloads.pullRequest(store, repo.fullName, pr.number, step, "triage-bot[bot]", extra),
      });
      await gate.settle();
      const run = onlyRun(gate, pr);
      expect(run.conclusion, step).toBe("failure");
      expect(run.output.summary).toMatch(/agent escalation/);
      expect(run.output.summary).toMatch(step === "assigned" ? /assigned/ : /asked to review/);
    }
  });
});

describe("comments with 64-bit ids", () => {
  it("reads a commented PR (comment ids past 2^32) and still sees a command in a comment", async () => {
    const { store } = gate.standIn;
    const repo = repoWith(store, {});
    const agent = devin(store);
    const pr = store.addPullRequest(repo.fullName, {
      title: "Add y",
      author: agent.login,
      head: "devin/add-y",
      commits: [{ message: "Add y", author: agent.git }],
      files: [{ filename: "src/y.ts", patch: "@@ -0,0 +1 @@\n+export const y = 1;" }],
    });
    store.addComment(pr, { author: "bob", body: "Looks fine so far." });
    const command = store.addComment(pr, {
      author: agent.login,
      body: "/merge",
      viaAppId: scenarios.DEVIN_APP_ID,
    });
    expect(command.id).toBeGreaterThan(2 ** 32);
    await gate.deliver({
      name: "issue_comment",
      payload: payloads.issueComment(store, repo.fullName, pr.number, command.id),
    });
    await gate.settle();
    const run = onlyRun(gate, pr);
    expect(run.output.title).not.toMatch(/Could not read/);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/command comment/);
  });
});

describe("a tightened _extends base in the same repository", () => {
  it("re-evaluates open PRs when a push changes only the base file", async () => {
    const { store } = gate.standIn;
    const repo = repoWith(store, {
      [POLICY]: "version: 1\n_extends: bypass-base:.github/base.yml\n",
      ".github/base.yml": "version: 1\nrules: []\n",
    });
    // The base names this very repository.
    store.commitToBranch(repo.fullName, {
      files: { [POLICY]: `version: 1\n_extends: ${repo.name}:.github/base.yml\n` },
      message: "Extend the local base",
      author: "dave",
    });
    const pr = store.addPullRequest(repo.fullName, {
      title: "Docs",
      author: "alice",
      head: "alice/docs-2",
      files: [{ filename: "docs/a.md", patch: "@@ -0,0 +1 @@\n+hello" }],
    });
    await gate.deliver(opened(store, repo.fullName, pr.number, "alice"));
    await gate.settle();
    expect(onlyRun(gate, pr).conclusion).toBe("success");

    const pushed = store.commitToBranch(repo.fullName, {
      files: {
        ".github/base.yml": "version: 1\nrules:\n  - name: everyone\n    require: { approvals: 1 }\n",
      },
      message: "Tighten the base policy",
      author: "dave",
    });
    await gate.deliver({ name: "push", payload: payloads.push(store, pushed, "dave") });
    await gate.settle();
    const run = onlyRun(gate, pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toMatch(/everyone/);
  });
});

/** A PR by Devin changing `path`, with the whole file at its head, under a policy with no rules. */
function agentChange(store: Store, path: string, patch: string, head: string) {
  const repo = repoWith(store, { [POLICY]: "version: 1\nrules: []\n" });
  const agent = devin(store);
  const pr = store.addPullRequest(repo.fullName, {
    title: `Change ${path}`,
    author: agent.login,
    head: `devin/${repos}`,
    commits: [{ message: `Change ${path}`, author: agent.git }],
    files: [{ filename: path, patch }],
    headFiles: { [path]: head },
  });
  return { repo: repo.fullName, pr, sender: agent.login };
}

const PREVIEW = [
  "name: Preview",
  "on:",
  "  pull_request_target:",
  "env:",
  "  BASE_REF: ${{ github.event.pull_request.base.sha }}",
  "  PREVIEW_REF: ${{ github.event.pull_request.head.sha }}",
  "jobs:",
  "  preview:",
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - uses: actions/checkout@v4",
  "        with:",
  "          ref: ${{ env.REF }}",
  "      - run: npm ci && npm run build",
];

describe("workflow hazards written another way", () => {
  it("fails an agent's one-line change that points a pull_request_target checkout at the head through env", async () => {
    const { store } = gate.standIn;
    const wf = ".github/workflows/preview.yml";
    for (const [ref, verdict] of [
      ["PREVIEW_REF", "failure"],
      ["BASE_REF", "success"],
    ] as const) {
      const head = `${PREVIEW.join("\n").replace("env.REF", `env.${ref}`)}\n`;
      const patch = `@@ -13,1 +13,1 @@\n-          ref: \${{ github.sha }}\n+          ref: \${{ env.${ref} }}`;
      const { repo, pr, sender } = agentChange(store, wf, patch, head);
      await gate.deliver(opened(store, repo, pr.number, sender));
      await gate.settle();
      const run = onlyRun(gate, pr);
      expect(run.conclusion, ref).toBe(verdict);
      if (verdict === "failure") {
        expect(run.output.summary).toMatch(/pr-target-checkout/);
        expect(run.output.annotations).toContainEqual(expect.objectContaining({ path: wf, start_line: 13 }));
      }
    }
  });
});

describe("a secret deep in a long line", () => {
  it("finds a key after 100 KB of one minified line, and passes the same line without it", async () => {
    const { store } = gate.standIn;
    const { accessKeyId } = scenarios.fakeAwsKeys();
    const minified = `var a=${"[1,2,3],".repeat(14_000)}0;`;
    for (const [line, verdict] of [
      [`${minified}var k="${accessKeyId}";`, "failure"],
      [minified, "success"],
    ] as const) {
      const { repo, pr, sender } = agentChange(store, "dist/app.min.js", `@@ -0,0 +1 @@\n+${line}`, line);
      await gate.deliver(opened(store, repo, pr.number, sender));
      await gate.settle();
      const run = onlyRun(gate, pr);
      expect(run.conclusion).toBe(verdict);
      if (verdict === "failure") {
        expect(run.output.summary).toMatch(/aws-access-key-id/);
        expect(JSON.stringify(run)).not.toContain(accessKeyId);
      }
    }
  });
});

describe("merge-bot configuration edited by an agent", () => {
  it("holds Renovate automerge, in renovate.json or deep in package.json, for the governance approvers", async () => {
    const { store } = gate.standIn;
    const pkg = [
      "{",
      '  "name": "app",',
      '  "renovate": {',
      '    "extends": ["config:recommended"],',
      '    "packageRules": [',
      '      { "matchUpdateTypes": ["minor"], "groupName": "minor" },',
      '      { "matchUpdateTypes": ["patch"], "groupName": "patch" },',
      '      { "matchDepTypes": ["devDependencies"], "automerge": true }',
      "    ]",
      "  }",
      "}",
    ];
    const cases = [
      [
        "renovate.json",
        '@@ -1,3 +1,4 @@\n {\n+  "automerge": true,\n   "extends": ["config:recommended"]\n }',
        '{\n  "automerge": true,\n  "extends": ["config:recommended"]\n}\n',
      ],
      [
        "package.json",
        '@@ -7,2 +7,3 @@\n       { "matchUpdateTypes": ["patch"], "groupName": "patch" },\n+      { "matchDepTypes": ["devDependencies"], "automerge": true }\n     ]',
        `${pkg.join("\n")}\n`,
      ],
    ] as const;
    for (const [path, patch, head] of cases) {
      const { repo, pr, sender } = agentChange(store, path, patch, head);
      await gate.deliver(opened(store, repo, pr.number, sender));
      await gate.settle();
      const run = onlyRun(gate, pr);
      expect(run.conclusion, path).toBe("action_required");
      expect(run.output.summary).toMatch(/governance guard/);
      expect(run.output.summary).toMatch(new RegExp(`governance \\| \`${path.replace(".", "\\.")}\``));

      // An approval with write access is not enough; a repository admin's is.
      store.addReview(pr, { author: "bob", state: "APPROVED" });
      const admin = store.addReview(pr, { author: "dave", state: "APPROVED" });
      await gate.deliver({
        name: "pull_request_review",
        payload: payloads.pullRequestReview(store, repo, pr.number, admin.id),
      });
      await gate.settle();
      expect(onlyRun(gate, pr).conclusion, path).toBe("success");
    }
  });
});
