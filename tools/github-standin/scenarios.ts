/**
 * Realistic agent PRs for the demo and end-to-end tests, seeded into a store. Identities follow
 * shared/research/agent-identities.md. Each scenario names its repo and PR, the webhook that triggers the
 * gate, and what a correct gate decides under the built-in default policy.
 */
import { randomBytes } from "node:crypto";
import * as payloads from "./payloads.js";
import type { BranchProtectionSpec, PullRequestRecord, Store } from "./store.js";

export interface ScenarioEvent {
  name: string;
  payload: Record<string, unknown>;
}

export interface Scenario {
  key: string;
  title: string;
  repo: string;
  number: number;
  /** What a correct gate decides, in words, for the demo's output and the e2e test's assertions. */
  expected: string;
  /** The webhook that triggers the evaluation, rendered from the store at call time. */
  event(): ScenarioEvent;
}

export const ORG = "acme";

/** People of the example org: alice asks agents for work, bob/carol review, carol is on acme/security, dave is admin. */
export function seedOrg(store: Store): void {
  if (store.findAccount("alice")) return;
  const people: [string, string][] = [
    ["alice", "Alice Adams"],
    ["bob", "Bob Brown"],
    ["carol", "Carol Chen"],
    ["dave", "Dave Diaz"],
    ["erin", "Erin Evans"],
    ["frank", "Frank Fischer"],
  ];
  for (const [login, name] of people) store.addUser({ login, name, type: "User" });
  store.addUser({ login: ORG, type: "Organization" });
  store.addTeam({ org: ORG, slug: "security", name: "Security", members: { carol: "maintainer" } });
  if (!store.appBySlug("github-actions"))
    store.addApp({
      id: 15368,
      slug: "github-actions",
      name: "GitHub Actions",
      owner: "github",
      botId: 41898282,
    });
}

function addRepo(store: Store, name: string, files: Record<string, string> = {}) {
  seedOrg(store);
  return store.addRepo({
    owner: ORG,
    name,
    files: { "README.md": `# ${name}\n`, ...files },
    collaborators: {
      alice: "write",
      bob: "write",
      carol: "write",
      erin: "write",
      frank: "write",
      dave: "admin",
    },
  });
}

const noreply = (store: Store, login: string) =>
  `${store.account(login).id}+${login}@users.noreply.github.com`;

function reviewEvent(store: Store, pr: PullRequestRecord, reviewId: number): () => ScenarioEvent {
  return () => ({
    name: "pull_request_review",
    payload: payloads.pullRequestReview(store, pr.repo, pr.number, reviewId),
  });
}

/** (a) Copilot coding agent changes auth code; its requester approves (must not count) and one other human approves. */
export function copilotAuthChange(store: Store): Scenario {
  const repo = addRepo(store, "web", { "src/auth/session.ts": "export function isSessionValid() {}\n" });
  store.addUser({
    login: "Copilot",
    type: "Bot",
    id: 198982749,
    appSlug: "copilot-swe-agent",
    graphqlLogin: "copilot-swe-agent",
  });
  const agent = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
  const pr = store.addPullRequest(repo.fullName, {
    title: "Fix session expiry comparison in auth session",
    body: "Fixes #12.\n\nThe expiry check compared an ISO string with epoch milliseconds, so expired sessions stayed valid.",
    author: "Copilot",
    head: "copilot/fix-session-expiry",
    assignees: ["Copilot", "alice"],
    commits: [
      { message: "Initial plan", author: agent, verified: true },
      {
        message: `Compare session expiry in milliseconds\n\nCo-authored-by: alice <${noreply(store, "alice")}>`,
        author: agent,
        verified: true,
      },
    ],
    files: [
      {
        filename: "src/auth/session.ts",
        patch:
          "@@ -10,7 +10,9 @@ export function isSessionValid(session: Session, now: Date): boolean {\n   if (!session.token) {\n     return false;\n   }\n-  return session.expiresAt > now.getTime();\n+  // expiresAt is an ISO timestamp; compare in milliseconds.\n+  const expiresAt = Date.parse(session.expiresAt);\n+  return expiresAt > now.getTime();\n }",
      },
    ],
  });
  store.addTimelineEvent(pr, { kind: "assigned", actor: "alice", subject: "Copilot" });
  store.addTimelineEvent(pr, { kind: "copilot_work_started", actor: "alice" });
  store.addTimelineEvent(pr, { kind: "copilot_work_finished", actor: "Copilot" });
  store.addTimelineEvent(pr, { kind: "ready_for_review", actor: "Copilot" });
  store.addReview(pr, { author: "alice", state: "APPROVED", body: "Looks right to me." });
  const bob = store.addReview(pr, { author: "bob", state: "APPROVED" });
  return {
    key: "copilot-auth",
    title: "Copilot coding agent changes src/auth/session.ts",
    repo: repo.fullName,
    number: pr.number,
    expected:
      "action_required: an agent change to auth needs 2 independent approvals; alice requested the work, so only bob's counts",
    event: reviewEvent(store, pr, bob.id),
  };
}

/** (b) Claude Code under a human account, docs only, one independent approval. */
export function claudeCodeDocs(store: Store): Scenario {
  const repo = addRepo(store, "docs", { "docs/install.md": "# Install\n\nRun the installer.\n" });
  const footer = "🤖 Generated with [Claude Code](https://claude.com/claude-code)";
  const pr = store.addPullRequest(repo.fullName, {
    title: "docs: clarify installation steps",
    body: `## Summary\n- Spell out the prerequisites and the install command\n- Link the troubleshooting page\n\n${footer}`,
    author: "erin",
    head: "claude/clarify-install-docs-7c1f2a",
    commits: [
      {
        message: `docs: clarify installation steps\n\n${footer}\n\nCo-Authored-By: Claude <noreply@anthropic.com>`,
        author: "erin",
      },
    ],
    files: [
      {
        filename: "docs/install.md",
        patch:
          "@@ -1,3 +1,6 @@\n # Install\n \n-Run the installer.\n+You need Node 20 or later.\n+\n+Run `npm install -g acme-cli`, then `acme init`.\n+See [troubleshooting](troubleshooting.md) if it fails.",
      },
      {
        filename: "README.md",
        patch: "@@ -1 +1,3 @@\n # docs\n+\n+Start with [the install guide](docs/install.md).",
      },
    ],
  });
  const bob = store.addReview(pr, { author: "bob", state: "APPROVED" });
  return {
    key: "claude-docs",
    title: "Claude Code (agent-assisted, human account) edits docs",
    repo: repo.fullName,
    number: pr.number,
    expected: "success: agent-assisted docs change with one independent approval (bob)",
    event: reviewEvent(store, pr, bob.id),
  };
}

/** (c) Dependabot bumps a dependency; CI "test" from GitHub Actions passes; one approval. */
export function dependabotBump(store: Store): Scenario {
  const repo = addRepo(store, "api", {
    "package.json": '{\n  "dependencies": {\n    "express": "^4.19.2"\n  }\n}\n',
  });
  if (!store.appBySlug("dependabot"))
    store.addApp({ id: 29110, slug: "dependabot", name: "Dependabot", owner: "github", botId: 49699333 });
  const bot = { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com" };
  const pr = store.addPullRequest(repo.fullName, {
    title: "Bump express from 4.19.2 to 4.21.2",
    body: "Bumps [express](https://github.com/expressjs/express) from 4.19.2 to 4.21.2.\n\nDependabot will resolve any conflicts with this PR as long as you don't alter it yourself.",
    author: "dependabot[bot]",
    head: "dependabot/npm_and_yarn/express-4.21.2",
    labels: ["dependencies"],
    commits: [
      {
        message:
          "Bump express from 4.19.2 to 4.21.2\n\nBumps [express](https://github.com/expressjs/express) from 4.19.2 to 4.21.2.\n\n---\nupdated-dependencies:\n- dependency-name: express\n  dependency-version: 4.21.2\n  dependency-type: direct:production\n...\n\nSigned-off-by: dependabot[bot] <support@github.com>",
        author: bot,
        committer: { name: "GitHub", email: "noreply@github.com" },
        verified: true,
      },
    ],
    files: [
      {
        filename: "package.json",
        patch:
          '@@ -1,5 +1,5 @@\n {\n   "dependencies": {\n-    "express": "^4.19.2"\n+    "express": "^4.21.2"\n   }\n }',
      },
      {
        filename: "package-lock.json",
        patch:
          '@@ -12,9 +12,9 @@\n     "node_modules/express": {\n-      "version": "4.19.2",\n-      "resolved": "https://registry.npmjs.org/express/-/express-4.19.2.tgz",\n+      "version": "4.21.2",\n+      "resolved": "https://registry.npmjs.org/express/-/express-4.21.2.tgz",\n       "license": "MIT",',
      },
    ],
  });
  store.addReview(pr, { author: "bob", state: "APPROVED" });
  const test = store.addCheckRun({
    repo: repo.fullName,
    headSha: pr.head.sha,
    name: "test",
    app: "github-actions",
    conclusion: "success",
  });
  return {
    key: "dependabot-bump",
    title: "Dependabot bumps express; CI test passes",
    repo: repo.fullName,
    number: pr.number,
    expected: "success: a bot dependency bump with one independent approval",
    event: () => ({
      name: "check_run",
      payload: payloads.checkRun(store, repo.fullName, test.id, "completed", "github-actions[bot]"),
    }),
  };
}

/** Stand-in app id for Devin's GitHub App (its bot user id is public; its app id is not in our sources). */
export const DEVIN_APP_ID = 900001;

/** Devin's GitHub App (`devin-ai-integration[bot]`, bot id 158243242), once per store. */
export function addDevinApp(store: Store): void {
  if (store.apps.has(DEVIN_APP_ID)) return;
  store.addApp({
    id: DEVIN_APP_ID,
    slug: "devin-ai-integration",
    name: "Devin",
    owner: "CognitionAI",
    botId: 158243242,
  });
}

/** (d) Devin labels its own PR `automerge` and enables auto-merge: a promotion chain. */
export function devinAutomerge(store: Store): Scenario {
  const repo = addRepo(store, "payments", { "src/payments/client.ts": "export const client = {};\n" });
  const devin = "devin-ai-integration[bot]";
  addDevinApp(store);
  const bot = { name: "Devin AI", email: `158243242+${devin}@users.noreply.github.com` };
  const pr = store.addPullRequest(repo.fullName, {
    title: "Retry failed payment webhooks with backoff",
    body: "Retries failed payment webhook deliveries with exponential backoff.\n\nLink to Devin run: https://app.devin.ai/sessions/4f1c0d2e9b8a4c6f\nRequested by: @frank",
    author: devin,
    head: "devin/1718031112-retry-payment-webhooks",
    commits: [{ message: "Retry failed payment webhooks with backoff", author: bot }],
    files: [
      {
        filename: "src/payments/retry.ts",
        status: "added",
        patch:
          "@@ -0,0 +1,5 @@\n+export async function withRetry<T>(run: () => Promise<T>, attempts = 3): Promise<T> {\n+  for (let i = 1; ; i++) {\n+    try { return await run(); } catch (e) { if (i >= attempts) throw e; }\n+  }\n+}",
      },
    ],
  });
  store.addTimelineEvent(pr, { kind: "labeled", actor: devin, label: "automerge", viaAppId: DEVIN_APP_ID });
  pr.labels.push("automerge");
  const enabled = store.addTimelineEvent(pr, {
    kind: "auto_merge_enabled",
    actor: devin,
    viaAppId: DEVIN_APP_ID,
  });
  pr.autoMerge = { enabledBy: devin, enabledAt: enabled.createdAt, mergeMethod: "SQUASH" };
  return {
    key: "devin-automerge",
    title: "Devin adds the automerge label and enables auto-merge on its own PR",
    repo: repo.fullName,
    number: pr.number,
    expected:
      "failure: promotion chain (agent added protected label `automerge`, agent enabled auto-merge); revert removes the label and disables auto-merge",
    event: () => ({
      name: "pull_request",
      payload: payloads.pullRequest(store, repo.fullName, pr.number, "labeled", devin, {
        label: "automerge",
      }),
    }),
  };
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

function randomFrom(alphabet: string, length: number): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

/** A fake AWS key pair in the real formats, made at runtime so no credential-shaped literal is ever committed. */
export function fakeAwsKeys(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: `AKIA${randomFrom(BASE32, 16)}`, secretAccessKey: randomFrom(SECRET_ALPHABET, 40) };
}

/**
 * Branch protection as a well-run repository sets it for this app: `agent-policy` required from
 * the App, stale approvals dismissed, the last push approved by someone else, admins included.
 */
export function enforcedProtection(appId: number): BranchProtectionSpec {
  return {
    required_status_checks: { strict: true, checks: [{ context: "agent-policy", app_id: appId }] },
    required_pull_request_reviews: {
      dismiss_stale_reviews: true,
      require_last_push_approval: true,
      required_approving_review_count: 1,
    },
    enforce_admins: true,
    restrictions: null,
  };
}

export const JULES_APP_ID = 900002;

/** The workflow line that makes pull_request_target dangerous: it checks out the untrusted PR head. */
const HEAD_CHECKOUT = `          ref: \${{ github.event.pull_request.head.sha }}`;

/** (e) An agent adds `pull_request_target` + checkout of the PR head to CI, and commits an AWS key. */
export function workflowAndSecret(store: Store): Scenario {
  const ci =
    "name: ci\non:\n  pull_request:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n";
  const repo = addRepo(store, "infra", { ".github/workflows/ci.yml": ci });
  const jules = "google-labs-jules[bot]";
  if (!store.appBySlug("google-labs-jules")) {
    store.addApp({
      id: JULES_APP_ID,
      slug: "google-labs-jules",
      name: "Jules",
      owner: "google-labs-code",
      botId: 161369871,
    });
  }
  const keys = fakeAwsKeys();
  const env = `AWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${keys.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${keys.secretAccessKey}\n`;
  const newCi = ci
    .replace("  pull_request:\n", "  pull_request_target:\n")
    .replace(
      "      - uses: actions/checkout@v4\n",
      `      - uses: actions/checkout@v4\n        with:\n${HEAD_CHECKOUT}\n`,
    );
  const bot = { name: jules, email: `161369871+${jules}@users.noreply.github.com` };
  const pr = store.addPullRequest(repo.fullName, {
    title: "Speed up CI for external contributions",
    body: "Runs CI with repository secrets for fork PRs so integration tests pass.\n\n*PR created automatically by Jules for task [8812345](https://jules.google.com/task/8812345) started by @alice*",
    author: jules,
    head: "jules-8812345-ci-for-forks",
    commits: [{ message: "Run CI for forks with secrets", author: bot }],
    files: [
      {
        filename: ".github/workflows/ci.yml",
        patch: `@@ -1,9 +1,11 @@\n name: ci\n on:\n-  pull_request:\n+  pull_request_target:\n jobs:\n   test:\n     runs-on: ubuntu-latest\n     steps:\n       - uses: actions/checkout@v4\n+        with:\n+${HEAD_CHECKOUT}\n       - run: npm test`,
      },
      {
        filename: "config/prod.env",
        status: "added",
        patch: `@@ -0,0 +1,3 @@\n${env
          .trimEnd()
          .split("\n")
          .map((line) => `+${line}`)
          .join("\n")}`,
      },
    ],
    headFiles: { ".github/workflows/ci.yml": newCi, "config/prod.env": env },
  });
  return {
    key: "workflow-secret",
    title: "Jules switches CI to pull_request_target with a head checkout and commits an AWS key",
    repo: repo.fullName,
    number: pr.number,
    expected:
      "failure: a secret in config/prod.env, and an agent CI change (pull_request_target + head checkout) without two independent approvals",
    event: () => ({
      name: "pull_request",
      payload: payloads.pullRequest(store, repo.fullName, pr.number, "opened", jules),
    }),
  };
}

/** Seeds all five scenarios into one store (one repository each, all in the `acme` org). */
export function seedAllScenarios(store: Store): Scenario[] {
  return [copilotAuthChange, claudeCodeDocs, dependabotBump, devinAutomerge, workflowAndSecret].map((seed) =>
    seed(store),
  );
}
