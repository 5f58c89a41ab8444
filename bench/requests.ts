/**
 * GitHub API requests per evaluation of a typical PR, for each kind of author — GitHub's Copilot
 * coding agent, Devin, Claude Code working under a person's account, and a person — counted from
 * the stand-in's request log with the real app server. Each kind gets its own app server, so
 * every cold row starts with empty caches. The PR: 100 files with patches, 100 commits and 100
 * reviews at the end (SPEC §7's typical PR: every list fits one page). Copilot's PR is the one
 * exception: once a person approved it, its REST timeline is read too (who started Copilot's work
 * is only there), and GitHub pages that by 100 items of commits, reviews, comments and events
 * together, so the typical Copilot PR has 40 commits and 50 reviews (one timeline page); the same
 * PR with 100 commits and 100 reviews is measured as well, outside the budget.
 *  - cold: the PR is opened (review comments only, no approval yet), every cache empty;
 *  - change: a reviewer approves (one check-run update);
 *  - steady: further events while nothing about the PR changed (no write);
 *  - change: a reviewer who had only commented approves; someone new approves (permission not
 *    cached yet); a push (a new head: the file list is read again, the approvals are now of an
 *    older commit).
 * Budget: at most 3 requests per evaluation, 2 in steady state with no write, and at most one
 * write per change. App-authenticated calls (GET /app, installation-token exchanges) are listed
 * separately: Probot caches installation tokens for their hour, so they are not a per-evaluation cost.
 * So are the enforcement self-check's reads of the base branch's protection and rules: one of each
 * per branch every ten minutes (the repository here protects its branch as a well-run one does).
 * Run: npx tsx bench/requests.ts
 */
import { type Gate, startGate } from "../demo/harness.js";
import { type LoggedRequest, payloads, type Store, scenarios } from "../tools/github-standin/index.js";
import type { PullRequestRecord } from "../tools/github-standin/model.js";

const REVIEWERS = ["bob", "carol", "erin", "frank", "gina", "hugo", "ivan", "judy", "kate", "liam"];
const NEWCOMER = "dave";
const STEADY_ROUNDS = 5;
const BUDGET = { evaluation: 3, steady: 2 } as const;
/** Approvals measured one by one after the cold row; the rest of the reviews are comments. */
const APPROVALS = 3;

type Identity = string | { name: string; email: string };
type Commits = (author: Identity, trailer?: string) => { message: string; author: Identity }[];

/** The PR's size at the end (after the measured push and approvals). */
interface Shape {
  commits: number;
  reviews: number;
}
const TYPICAL: Shape = { commits: 100, reviews: 100 };

interface Profile {
  name: string;
  shape: Shape;
  /** Measured and shown, but not held to the budget. */
  unbudgeted?: string;
  /** Who sends the `edited` events of the steady rounds. */
  editor: string;
  /** The identity of the pushed commit. */
  pusher: Identity;
  /** Seeds the PR in `repo` with these files and (all but the pushed one) commits; returns it. */
  seed(store: Store, repo: string, files: typeof FILES, commits: Commits): PullRequestRecord;
}

const FILES = Array.from({ length: 100 }, (_, i) => ({
  filename: `src/handlers/handler${i}.ts`,
  patch: `@@ -1,3 +1,4 @@\n import { router } from "../router";\n-export const handler${i} = legacy(${i});\n+export const handler${i} = router.get("/h${i}", serve${i});\n+export const path${i} = "/h${i}";`,
}));

const noreply = (store: Store, login: string) =>
  `${store.account(login).id}+${login}@users.noreply.github.com`;
const COPILOT = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
const DEVIN = { name: "Devin AI", email: "158243242+devin-ai-integration[bot]@users.noreply.github.com" };
const CLAUDE_FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)";
const TITLE = "Move request handlers to the new router";

function copilotProfile(name: string, shape: Shape, unbudgeted?: string): Profile {
  return {
    name,
    shape,
    ...(unbudgeted ? { unbudgeted } : {}),
    editor: "alice",
    pusher: COPILOT,
    seed(store, repo, files, commits) {
      if (!store.findAccount("Copilot"))
        store.addUser({
          login: "Copilot",
          type: "Bot",
          id: 198982749,
          appSlug: "copilot-swe-agent",
          graphqlLogin: "copilot-swe-agent",
        });
      const pr = store.addPullRequest(repo, {
        title: TITLE,
        body: "Ports every handler to the new router.\n\nFixes #12.",
        author: "Copilot",
        head: "copilot/move-handlers-to-router",
        assignees: ["Copilot", "alice"],
        commits: commits(COPILOT, `Co-authored-by: alice <${noreply(store, "alice")}>`),
        files,
      });
      store.addTimelineEvent(pr, { kind: "assigned", actor: "alice", subject: "Copilot" });
      store.addTimelineEvent(pr, { kind: "copilot_work_started", actor: "alice" });
      store.addTimelineEvent(pr, { kind: "copilot_work_finished", actor: "Copilot" });
      return pr;
    },
  };
}

const PROFILES: Profile[] = [
  copilotProfile("Copilot", { commits: 40, reviews: 50 }),
  {
    name: "Devin",
    shape: TYPICAL,
    editor: "alice",
    pusher: DEVIN,
    seed: (store, repo, files, commits) =>
      store.addPullRequest(repo, {
        title: TITLE,
        body: "Ports every handler to the new router.\n\nRequested by: @alice",
        author: "devin-ai-integration[bot]",
        head: "devin/1718031112-new-router",
        commits: commits(DEVIN),
        files,
      }),
  },
  {
    name: "Claude Code (as maria)",
    shape: TYPICAL,
    editor: "maria",
    pusher: "maria",
    seed: (store, repo, files, commits) =>
      store.addPullRequest(repo, {
        title: TITLE,
        body: `## Summary\n- Ports every handler to the new router\n\n${CLAUDE_FOOTER}`,
        author: "maria",
        head: "claude/move-handlers-to-router",
        commits: commits("maria", `${CLAUDE_FOOTER}\n\nCo-Authored-By: Claude <noreply@anthropic.com>`),
        files,
      }),
  },
  {
    name: "human",
    shape: TYPICAL,
    editor: "maria",
    pusher: "maria",
    seed: (store, repo, files, commits) =>
      store.addPullRequest(repo, {
        title: TITLE,
        body: "Ports every handler to the new router.",
        author: "maria",
        head: "maria/new-router",
        commits: commits("maria"),
        files,
      }),
  },
  copilotProfile(
    "Copilot, long timeline",
    TYPICAL,
    "100 commits and 100 reviews make 3 pages of REST timeline",
  ),
];

interface Count {
  graphqlReads: number;
  restReads: number;
  writes: number;
  total: number;
  /** The enforcement self-check's reads (outside the budget). */
  selfCheck: number;
  appAuth: number;
  routes: string[];
}

/** The self-check's reads: per base branch every ten minutes, not per evaluation. */
const SELF_CHECK = /\/branches\/\{branch\}\/protection$|\/rules\/branches\/\{branch\}$/;

function count(entries: LoggedRequest[], mutations: number): Count {
  const installation = entries.filter((e) => e.installationId !== null);
  const api = installation.filter((e) => !SELF_CHECK.test(e.route ?? ""));
  const graphql = api.filter((e) => e.route === "POST /graphql").length;
  const restReads = api.filter((e) => e.method === "GET").length;
  const restWrites = api.length - graphql - restReads;
  return {
    graphqlReads: graphql - mutations,
    restReads,
    writes: restWrites + mutations,
    total: api.length,
    selfCheck: installation.length - api.length,
    appAuth: entries.length - installation.length,
    routes: api.map((e) => `${e.route ?? e.path}${e.operationName ? ` (${e.operationName})` : ""}`),
  };
}

async function measure(gate: Gate, event: () => { name: string; payload: Record<string, unknown> }) {
  const { requests, store } = gate.standIn;
  requests.reset();
  const mutationsBefore = store.mutations.length;
  const answer = await gate.deliver(event());
  if (answer.status !== 200) throw new Error(`the app answered ${answer.status}`);
  await gate.settle();
  return count(requests.entries, store.mutations.length - mutationsBefore);
}

type Row = { profile: Profile; evaluation: string; kind: "cold" | "steady" | "change"; count: Count };

async function measureProfile(profile: Profile, index: number): Promise<{ rows: Row[]; size: string }> {
  const gate = await startGate();
  try {
    const { store } = gate.standIn;
    store.addUser({ login: "acme", type: "Organization" });
    const name = `service-${index}`;
    const repo = `acme/${name}`;
    store.addRepo({
      owner: "acme",
      name,
      collaborators: Object.fromEntries(
        [...REVIEWERS, NEWCOMER, "alice", "maria"].map((login) => [login, "write" as const]),
      ),
    });
    store.protectBranch(repo, "main", scenarios.enforcedProtection(gate.standIn.appId));
    // All commits but the one pushed below.
    const commits: Commits = (author, trailer) =>
      Array.from({ length: profile.shape.commits - 1 }, (_, i) => ({
        message: `Port handler ${i}${trailer ? `\n\n${trailer}` : ""}`,
        author,
      }));
    const pr = profile.seed(store, repo, FILES, commits);
    // Review comments by the 10 reviewers; the approvals come later, one at a time.
    for (let i = 0; i < profile.shape.reviews - APPROVALS; i++)
      store.addReview(pr, { author: REVIEWERS[i % REVIEWERS.length] as string, state: "COMMENTED" });

    const prEvent = (action: string, sender: string) => () => ({
      name: "pull_request",
      payload: payloads.pullRequest(store, repo, pr.number, action, sender),
    });
    const approve = (login: string) => {
      const review = store.addReview(pr, { author: login, state: "APPROVED" });
      return () => ({
        name: "pull_request_review",
        payload: payloads.pullRequestReview(store, repo, pr.number, review.id),
      });
    };
    const rows: Row[] = [];
    const row = (evaluation: string, kind: Row["kind"], count: Count) =>
      rows.push({ profile, evaluation, kind, count });

    row("cold: opened, caches empty", "cold", await measure(gate, prEvent("opened", pr.author)));
    row("change: bob approves", "change", await measure(gate, approve("bob")));
    const steady: Count[] = [];
    for (let i = 0; i < STEADY_ROUNDS; i++)
      steady.push(await measure(gate, prEvent("edited", profile.editor)));
    const worst = steady.reduce((a, b) => (b.total > a.total ? b : a));
    row(`steady: edited, unchanged (worst of ${STEADY_ROUNDS})`, "steady", worst);
    const waiting = REVIEWERS.at(-1) as string;
    row(`change: ${waiting} approves`, "change", await measure(gate, approve(waiting)));
    row(`change: ${NEWCOMER} (new) approves`, "change", await measure(gate, approve(NEWCOMER)));
    store.addCommit(pr, { message: "Port the last handler", author: profile.pusher });
    row("change: a push (new head)", "change", await measure(gate, prEvent("synchronize", pr.author)));
    const size = `${pr.files.length} files, ${pr.commits.length} commits, ${pr.reviews.length} reviews`;
    return { rows, size };
  } finally {
    await gate.close();
  }
}

function problemsOf(row: Row): string[] {
  if (row.profile.unbudgeted) return [];
  const { total, writes } = row.count;
  const where = `${row.profile.name}, ${row.evaluation}`;
  const limit = row.kind === "steady" ? BUDGET.steady : BUDGET.evaluation;
  return [
    total > limit ? `${where}: ${total} requests (budget ${limit})` : "",
    row.kind === "steady" && writes > 0 ? `${where}: ${writes} writes in steady state (budget 0)` : "",
    row.kind !== "steady" && writes > 1 ? `${where}: ${writes} writes (budget 1)` : "",
  ].filter(Boolean);
}

async function main(): Promise<number> {
  const rows: Row[] = [];
  const sizes: string[] = [];
  for (const [i, profile] of PROFILES.entries()) {
    const measured = await measureProfile(profile, i + 1);
    rows.push(...measured.rows);
    sizes.push(
      `  ${profile.name}: ${measured.size}${profile.unbudgeted ? ` (not budgeted: ${profile.unbudgeted})` : ""}`,
    );
  }

  console.log("GitHub requests per evaluation of a typical PR, by author. The PRs, at the end:");
  console.log(`${sizes.join("\n")}\n`);
  const header = [
    "author",
    "evaluation",
    "GraphQL reads",
    "REST reads",
    "writes",
    "total",
    "self-check",
    "app auth (JWT)",
  ];
  const table = rows.map((r) => [
    r.profile.unbudgeted ? `${r.profile.name} *` : r.profile.name,
    r.evaluation,
    r.count.graphqlReads,
    r.count.restReads,
    r.count.writes,
    r.count.total,
    r.count.selfCheck,
    r.count.appAuth,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) =>
    cells
      .map((c, i) => (i < 2 ? String(c).padEnd(widths[i] ?? 0) : String(c).padStart(widths[i] ?? 0)))
      .join("  ");
  console.log(line(header));
  for (const row of table) console.log(line(row));
  console.log("* not budgeted (see above)");
  console.log("\nRequests of each evaluation (app auth left out):");
  for (const r of rows)
    console.log(`  ${r.profile.name}, ${r.evaluation}: ${r.count.routes.join(", ") || "none"}`);

  const problems = rows.flatMap(problemsOf);
  console.log(
    problems.length === 0
      ? `\n✔ within budget: ≤ ${BUDGET.evaluation} requests per evaluation, ≤ ${BUDGET.steady} and no write when nothing changed, for every kind of author`
      : `\n✘ ${problems.join("; ")}`,
  );
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main();
