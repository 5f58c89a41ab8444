/**
 * GitHub API requests per evaluation of a typical PR (100 files with patches, 100 commits, 100 reviews;
 * an agent PR, not Copilot), counted from the stand-in's request log with the real app server:
 *  - cold: the first event, with every cache empty;
 *  - steady: further events while nothing about the PR changed (SPEC §7: ≤ 3 requests, no write);
 *  - change: a reviewer who had only commented approves (≤ 3 requests, including the one check-run
 *    update); and an approval from someone new, whose permission is not cached yet (one lookup more).
 * App-authenticated calls (GET /app, installation-token exchanges) are listed separately: Probot
 * caches installation tokens for their hour, so they are not a per-evaluation cost.
 * Run: npx tsx bench/requests.ts
 */
import { type Gate, startGate } from "../demo/harness.js";
import { type LoggedRequest, payloads, type Store } from "../tools/github-standin/index.js";

const REPO = "acme/service";
const AGENT = "devin-ai-integration[bot]";
const REVIEWERS = ["bob", "carol", "erin", "frank", "gina", "hugo", "ivan", "judy", "kate", "liam"];
const STEADY_ROUNDS = 5;
const BUDGET = 3;

function seedTypicalPr(store: Store) {
  store.addUser({ login: "acme", type: "Organization" });
  store.addRepo({
    owner: "acme",
    name: "service",
    collaborators: Object.fromEntries([...REVIEWERS, "dave"].map((login) => [login, "write" as const])),
  });
  const bot = { name: "Devin AI", email: `158243242+${AGENT}@users.noreply.github.com` };
  const pr = store.addPullRequest(REPO, {
    title: "Move request handlers to the new router",
    body: "Ports every handler to the new router.\n\nRequested by: @alice",
    author: AGENT,
    head: "devin/1718031112-new-router",
    commits: Array.from({ length: 100 }, (_, i) => ({ message: `Port handler ${i}`, author: bot })),
    files: Array.from({ length: 100 }, (_, i) => ({
      filename: `src/handlers/handler${i}.ts`,
      patch: `@@ -1,3 +1,4 @@\n import { router } from "../router";\n-export const handler${i} = legacy(${i});\n+export const handler${i} = router.get("/h${i}", serve${i});\n+export const path${i} = "/h${i}";`,
    })),
  });
  // 98 reviews by 10 people, comments first; each one's latest approves the head, except the last
  // reviewer's, who has only commented. The two approvals measured below make it 100.
  const waiting = REVIEWERS.at(-1) as string;
  for (let i = 0; i < 98; i++) {
    const author = REVIEWERS[i % REVIEWERS.length] as string;
    store.addReview(pr, { author, state: i < 88 || author === waiting ? "COMMENTED" : "APPROVED" });
  }
  return pr;
}

interface Count {
  graphqlReads: number;
  restReads: number;
  writes: number;
  total: number;
  appAuth: number;
  routes: string[];
}

function count(entries: LoggedRequest[], mutations: number): Count {
  const api = entries.filter((e) => e.installationId !== null);
  const graphql = api.filter((e) => e.route === "POST /graphql").length;
  const restReads = api.filter((e) => e.method === "GET").length;
  const restWrites = api.length - graphql - restReads;
  return {
    graphqlReads: graphql - mutations,
    restReads,
    writes: restWrites + mutations,
    total: api.length,
    appAuth: entries.length - api.length,
    routes: entries.map((e) => `${e.route ?? e.path}${e.operationName ? ` (${e.operationName})` : ""}`),
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

async function main(): Promise<number> {
  const gate = await startGate();
  try {
    const { store } = gate.standIn;
    const pr = seedTypicalPr(store);
    const prEvent = (action: string, sender: string) => () => ({
      name: "pull_request",
      payload: payloads.pullRequest(store, REPO, pr.number, action, sender),
    });

    const rows: [string, Count][] = [];
    rows.push(["cold: opened, caches empty", await measure(gate, prEvent("opened", AGENT))]);
    const steady: Count[] = [];
    for (let i = 0; i < STEADY_ROUNDS; i++) steady.push(await measure(gate, prEvent("edited", "alice")));
    const worst = steady.reduce((a, b) => (b.total > a.total ? b : a));
    rows.push([`steady: edited, unchanged (worst of ${STEADY_ROUNDS})`, worst]);
    const approve = (login: string) => {
      const review = store.addReview(pr, { author: login, state: "APPROVED" });
      return () => ({
        name: "pull_request_review",
        payload: payloads.pullRequestReview(store, REPO, pr.number, review.id),
      });
    };
    rows.push([
      `change: ${REVIEWERS.at(-1)} approves`,
      await measure(gate, approve(REVIEWERS.at(-1) as string)),
    ]);
    rows.push(["change: a new reviewer approves", await measure(gate, approve("dave"))]);

    const facts = `${pr.files.length} files, ${pr.commits.length} commits, ${pr.reviews.length} reviews`;
    console.log(`GitHub requests per evaluation of a typical agent PR (${facts})\n`);
    const header = ["evaluation", "GraphQL reads", "REST reads", "writes", "total", "app auth (JWT)"];
    const table = rows.map(([name, c]) => [name, c.graphqlReads, c.restReads, c.writes, c.total, c.appAuth]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => String(r[i]).length)));
    const line = (cells: (string | number)[]) =>
      cells
        .map((c, i) => (i === 0 ? String(c).padEnd(widths[i] ?? 0) : String(c).padStart(widths[i] ?? 0)))
        .join("  ");
    console.log(line(header));
    for (const row of table) console.log(line(row));
    for (const [name, c] of rows) console.log(`\n${name}:\n  ${c.routes.join("\n  ")}`);

    const change = rows[2]?.[1] as Count;
    const problems = [
      worst.total > BUDGET ? `steady state made ${worst.total} requests (budget ${BUDGET})` : "",
      worst.writes > 0 ? `steady state wrote ${worst.writes} times (budget 0)` : "",
      change.total > BUDGET ? `a change made ${change.total} requests (budget ${BUDGET})` : "",
      change.writes !== 1 ? `a change made ${change.writes} writes (expected one check-run update)` : "",
    ].filter(Boolean);
    console.log(
      problems.length === 0
        ? `\n✔ within SPEC §7: ≤ ${BUDGET} requests per evaluation in steady state, no write when nothing changed`
        : `\n✘ ${problems.join("; ")}`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    await gate.close();
  }
}

process.exitCode = await main();
