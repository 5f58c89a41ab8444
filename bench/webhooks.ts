/**
 * Webhook throughput and latency of the real app server against the GitHub stand-in, on loopback:
 * 500 signed webhooks across 50 agent PRs in 10 organisations (installations), 10 in flight at once.
 * Each PR gets `opened`, then alternately a new review (a state change) and an `edited` event that
 * changes nothing. Prints
 *  - acknowledgement: webhooks per second and request → response latency;
 *  - evaluation: webhook → the evaluation that covers it finished (the check run then shows the PR as
 *    of that webhook), for all webhooks and for those that changed the PR, from the app's audit
 *    records: an evaluation records the newest delivery coalesced into it;
 *  - how bursts coalesced: evaluations run and check-run writes per webhook.
 * Probot throttles each installation to one GraphQL call or write per second (GitHub's guidance for
 * apps), which bounds how fast one organisation's PRs can be evaluated; spreading the PRs over 10
 * installations shows the app's own overhead rather than that limit alone.
 * Run: npx tsx bench/webhooks.ts
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type Gate, startGate } from "../demo/harness.js";
import { payloads, type ScenarioEvent, type Store } from "../tools/github-standin/index.js";

const ORGS = 10;
const PRS = 50;
const WEBHOOKS = 500;
const CONCURRENCY = 10;
const AGENT = "devin-ai-integration[bot]";
const REVIEWERS = ["bob", "carol", "erin", "frank", "gina"];

interface Pr {
  repo: string;
  number: number;
}

interface Sent {
  pr: Pr;
  /** Its place in the PR's sequence of webhooks. */
  step: number;
  delivery: string;
  changes: boolean;
  /** Epoch ms just before the request was sent (the audit log's clock). */
  at: number;
  ackMs: number;
}

interface DecisionRecord {
  event?: unknown;
  delivery?: unknown;
  repository?: unknown;
  pr?: unknown;
  time?: unknown;
  durationMs?: unknown;
  check?: unknown;
  errors?: unknown;
}

function seed(store: Store): Pr[] {
  const prs: Pr[] = [];
  for (let o = 0; o < ORGS; o++) {
    const owner = `org${o}`;
    store.addUser({ login: owner, type: "Organization" });
    store.addRepo({
      owner,
      name: "service",
      collaborators: Object.fromEntries(REVIEWERS.map((login) => [login, "write" as const])),
    });
  }
  for (let i = 0; i < PRS; i++) {
    const repo = `org${i % ORGS}/service`;
    const pr = store.addPullRequest(repo, {
      title: `Refactor module ${i}`,
      body: "Requested by: @alice",
      author: AGENT,
      head: `devin/refactor-${i}`,
      files: Array.from({ length: 10 }, (_, f) => ({
        filename: `src/module${i}/file${f}.ts`,
        patch: `@@ -1,2 +1,2 @@\n import { x } from "./x";\n-export const v${f} = x(${f});\n+export const v${f} = x(${f} + 1);`,
      })),
    });
    prs.push({ repo, number: pr.number });
  }
  return prs;
}

/** The `step`-th event for a PR, after changing the store the way GitHub would have changed first. */
function nextEvent(store: Store, pr: Pr, step: number): { event: ScenarioEvent; changes: boolean } {
  if (step === 0) {
    return {
      event: {
        name: "pull_request",
        payload: payloads.pullRequest(store, pr.repo, pr.number, "opened", AGENT),
      },
      changes: true,
    };
  }
  if (step % 2 === 1) {
    const record = store.pull(pr.repo, pr.number);
    const author = REVIEWERS[(step >> 1) % REVIEWERS.length] as string;
    const review = store.addReview(record, { author, state: step % 4 === 1 ? "APPROVED" : "COMMENTED" });
    return {
      event: {
        name: "pull_request_review",
        payload: payloads.pullRequestReview(store, pr.repo, pr.number, review.id),
      },
      changes: true,
    };
  }
  return {
    event: {
      name: "pull_request",
      payload: payloads.pullRequest(store, pr.repo, pr.number, "edited", "alice"),
    },
    changes: false,
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const stats = (values: number[]) =>
  `p50 ${ms(percentile(values, 50))}  p99 ${ms(percentile(values, 99))}  max ${ms(Math.max(...values))}  (n=${values.length})`;

async function deliverAll(gate: Gate, prs: Pr[]): Promise<{ sent: Sent[]; seconds: number }> {
  const sent: Sent[] = [];
  let next = 0;
  const started = performance.now();
  // Webhook k goes to PR k mod 50 as its step ⌊k / 50⌋: with 10 in flight, a PR's previous
  // webhook has always been answered before its next one is prepared.
  const worker = async () => {
    while (next < WEBHOOKS) {
      const k = next++;
      const pr = prs[k % prs.length] as Pr;
      const step = Math.floor(k / prs.length);
      const { event, changes } = nextEvent(gate.standIn.store, pr, step);
      const delivery = randomUUID();
      const at = Date.now();
      const t0 = performance.now();
      const answer = await gate.deliver(event, delivery);
      const ackMs = performance.now() - t0;
      if (answer.status !== 200) throw new Error(`webhook ${k} answered ${answer.status}: ${answer.body}`);
      sent.push({ pr, step, delivery, changes, at, ackMs });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { sent, seconds: (performance.now() - started) / 1000 };
}

/**
 * Milliseconds from sending `s` until the evaluation that covers it finished: the first one of its PR
 * that carries its delivery or a later one of the same PR (a burst coalesces into its newest event,
 * and that evaluation reads the PR after every webhook of the burst).
 */
function latency(s: Sent, decisions: DecisionRecord[], stepOf: Map<string, number>): number | null {
  for (const d of decisions) {
    const step = stepOf.get(String(d.delivery));
    if (d.repository !== s.pr.repo || d.pr !== s.pr.number || step === undefined || step < s.step) continue;
    return Number(d.time) - s.at;
  }
  return null;
}

async function main(): Promise<number> {
  const gate = await startGate();
  try {
    const prs = seed(gate.standIn.store);
    const started = performance.now();
    const { sent, seconds } = await deliverAll(gate, prs);
    await gate.settle(120_000);
    const total = (performance.now() - started) / 1000;

    const decisions = (gate.audit as DecisionRecord[])
      .filter((r) => r.event === "decision")
      .sort((a, b) => Number(a.time) - Number(b.time));
    const failed = decisions.filter((d) => Array.isArray(d.errors) && d.errors.length > 0);
    const writes = decisions.filter((d) => d.check === "created" || d.check === "updated").length;
    const stepOf = new Map(sent.map((s) => [s.delivery, s.step]));
    const covered = sent.map((s) => ({ s, ms: latency(s, decisions, stepOf) }));
    const missing = covered.filter((c) => c.ms === null).length;
    const all = covered.flatMap((c) => (c.ms === null ? [] : [c.ms]));
    const changed = covered.flatMap((c) => (c.ms === null || !c.s.changes ? [] : [c.ms]));
    const runs = gate.standIn.store.ownCheckRuns();

    console.log(
      `Webhooks against the real server and the GitHub stand-in: ${WEBHOOKS} webhooks, ${PRS} PRs, ${ORGS} installations, ${CONCURRENCY} in flight\n`,
    );
    console.log(
      `acknowledged:     ${(WEBHOOKS / seconds).toFixed(0)} webhooks/s (${seconds.toFixed(2)} s for all)`,
    );
    console.log(`request→response: ${stats(sent.map((s) => s.ackMs))}`);
    console.log(`webhook→evaluated:          ${stats(all)}`);
    console.log(`webhook→check run current:  ${stats(changed)}  (webhooks that changed the PR)`);
    console.log(
      `processed:        all ${WEBHOOKS} in ${total.toFixed(1)} s = ${(WEBHOOKS / total).toFixed(1)} webhooks/s end to end`,
    );
    console.log(
      `coalescing:       ${decisions.length} evaluations for ${WEBHOOKS} webhooks; ${writes} check-run writes; ${gate.standIn.requests.entries.length} GitHub requests`,
    );
    console.log(
      `outcome:          ${runs.length} check runs on ${PRS} PRs; ${failed.length} evaluations with errors; ${missing} webhooks no evaluation covered`,
    );
    return failed.length === 0 && missing === 0 && runs.length === PRS ? 0 : 1;
  } finally {
    await gate.close();
  }
}

process.exitCode = await main();
