/**
 * A crash in the middle of a burst (issue 13): the real server runs as its own process (`node --import
 * tsx src/server/main.ts`, configured by environment like `npm start`) against the stand-in in this
 * process. Thirty agent PRs over three installations: most are opened and evaluated first (some
 * green); then a burst of signed webhooks — bob approves, Devin adds `automerge`, Devin pushes, new PRs
 * are opened — and the server is killed with SIGKILL once half of the burst was acknowledged. GitHub
 * changes on regardless and the rest of the burst finds nobody listening. A new server process is
 * started on the same port, and within a bounded time every open PR must end with a current, completed
 * `agent-policy` run on its head that reflects its newest state: what the dead server acknowledged but
 * never evaluated, and what it never received, is recovered by reconciliation at start-up.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type PullRequestRecord,
  payloads,
  type ScenarioEvent,
  type StandIn,
  scenarios,
  sendWebhook,
  startStandIn,
} from "../../tools/github-standin/index.js";
import { describeRun, freePort, newestRun, serverEnv } from "./support.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DEVIN = "devin-ai-integration[bot]";
const ORGS = ["crash-a", "crash-b", "crash-c"];
const REPOS = ["api", "web"];
const PER_REPO = 5;
/** Longest the first server may take to evaluate the PRs opened before the burst. */
const FIRST_WAVE_MS = 45_000;
/** Longest the restarted server may take to bring every PR up to date. */
const RECOVERY_MS = 90_000;

/**
 * What happens to each PR, and the verdict its newest state calls for under the built-in default
 * policy (an agent PR needs one independent approval of its head commit):
 * - approved: opened unapproved, then (in the burst) bob approves → success;
 * - labelled: opened with bob's approval (green), then Devin adds `automerge` → failure, label removed;
 * - pushed: opened with bob's approval (green), then Devin pushes → action_required on the new head;
 * - opened: opened unapproved, nothing else → action_required;
 * - late: opened only in the burst, unapproved → action_required.
 */
type Kind = "approved" | "labelled" | "pushed" | "opened" | "late";
const KINDS: Kind[] = ["approved", "labelled", "pushed", "opened", "late"];
const EXPECTED: Record<Kind, string> = {
  approved: "success",
  labelled: "failure",
  pushed: "action_required",
  opened: "action_required",
  late: "action_required",
};

interface Pr {
  kind: Kind;
  repo: string;
  number: number;
  record: PullRequestRecord;
}

let standIn: StandIn;
let child: ChildProcess | null = null;
let port = 0;
const secret = randomBytes(16).toString("hex");
const prs: Pr[] = [];
const burst = { sent: 0, acknowledged: 0, lost: 0, acknowledgedBeforeKill: 0, killAfter: 0 };
/** What GitHub showed when the server died: PRs with a run of this app on their head, and green ones. */
const atKill = { withRun: 0, green: 0 };
let recoveredInMs: number | null = null;
/** The last lines each server process wrote to stderr, for a failure message. */
const stderrTail: string[] = [];

/** The server as `npm start` runs it, configured by Probot's environment variables. */
function startServerProcess(): ChildProcess {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...serverEnv(standIn, secret, port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Audit records go to stdout: read them so the pipe never fills and blocks the server.
  proc.stdout?.on("data", () => {});
  proc.stderr?.on("data", (chunk: Buffer) => {
    stderrTail.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    stderrTail.splice(0, Math.max(0, stderrTail.length - 20));
  });
  return proc;
}

const webhookUrl = () => `http://127.0.0.1:${port}/api/github/webhooks`;

/** Until the server has no evaluation queued, running or waiting to retry (its /healthz says). */
async function waitForIdle(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
      queueDepth?: number;
    };
    if (health.queueDepth === 0) return;
    await sleep(100);
  }
}

async function waitForHealth(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (child?.exitCode !== null && child?.exitCode !== undefined)
      throw new Error(`the server exited with ${child.exitCode}: ${stderrTail.join("\n")}`);
    if (Date.now() > deadline) throw new Error(`the server did not answer /healthz within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function kill(proc: ChildProcess | null): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGKILL");
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function seed(): void {
  const { store } = standIn;
  scenarios.addDevinApp(store);
  let i = 0;
  for (const owner of ORGS) {
    for (const name of REPOS) {
      const repo = store.addRepo({ owner, name, collaborators: { bob: "write" } });
      for (let n = 1; n <= PER_REPO; n++) {
        const kind = KINDS[i++ % KINDS.length] as Kind;
        const record = store.addPullRequest(repo.fullName, {
          title: `Retry failed webhooks (${kind})`,
          author: DEVIN,
          head: `devin/retry-${n}`,
          files: [
            {
              filename: `src/retry-${n}.ts`,
              status: "added",
              patch: `@@ -0,0 +1 @@\n+export const attempts = ${n};`,
            },
          ],
        });
        if (kind === "labelled" || kind === "pushed")
          store.addReview(record, { author: "bob", state: "APPROVED" });
        prs.push({ kind, repo: repo.fullName, number: record.number, record });
      }
    }
  }
}

/** The PRs one organisation after another in turn, so every installation has work at once. */
function interleaved(list: readonly Pr[]): Pr[] {
  const byOrg = ORGS.map((org) => list.filter((pr) => pr.repo.startsWith(`${org}/`)));
  const out: Pr[] = [];
  for (let i = 0; out.length < list.length; i++) {
    for (const ofOrg of byOrg) if (ofOrg[i]) out.push(ofOrg[i] as Pr);
  }
  return out;
}

/** The PR's next step on GitHub, done now, and the webhook GitHub sends for it. */
function nextStep(pr: Pr): ScenarioEvent | null {
  const { store } = standIn;
  switch (pr.kind) {
    case "approved": {
      const review = store.addReview(pr.record, { author: "bob", state: "APPROVED" });
      return {
        name: "pull_request_review",
        payload: payloads.pullRequestReview(store, pr.repo, pr.number, review.id),
      };
    }
    case "labelled":
      store.addTimelineEvent(pr.record, {
        kind: "labeled",
        actor: DEVIN,
        label: "automerge",
        viaAppId: scenarios.DEVIN_APP_ID,
      });
      pr.record.labels.push("automerge");
      return {
        name: "pull_request",
        payload: payloads.pullRequest(store, pr.repo, pr.number, "labeled", DEVIN, { label: "automerge" }),
      };
    case "pushed": {
      const before = pr.record.head.sha;
      store.addCommit(pr.record, { message: "Handle the last attempt", author: DEVIN });
      store.addFile(pr.record, {
        filename: "src/retry-last.ts",
        status: "added",
        patch: "@@ -0,0 +1 @@\n+export const last = true;",
      });
      return {
        name: "pull_request",
        payload: payloads.pullRequest(store, pr.repo, pr.number, "synchronize", DEVIN, { before }),
      };
    }
    case "late":
      return opened(pr);
    case "opened":
      return null;
  }
}

const opened = (pr: Pr): ScenarioEvent => ({
  name: "pull_request",
  payload: payloads.pullRequest(standIn.store, pr.repo, pr.number, "opened", DEVIN),
});

/** Sends webhooks in order, a few at a time; kills the server once `killAfter` of them were acknowledged. */
async function sendBurst(steps: (() => ScenarioEvent | null)[], killAfter: number): Promise<void> {
  let next = 0;
  let killing: Promise<void> | null = null;
  const worker = async () => {
    while (next < steps.length) {
      const event = (steps[next++] as () => ScenarioEvent | null)();
      if (!event) continue;
      burst.sent += 1;
      try {
        const answer = await sendWebhook({ url: webhookUrl(), secret, ...event });
        if (answer.status === 200) burst.acknowledged += 1;
        else burst.lost += 1;
      } catch {
        burst.lost += 1; // nobody listening: GitHub records a failed delivery and moves on
      }
      if (burst.acknowledged >= killAfter && !killing) {
        burst.acknowledgedBeforeKill = burst.acknowledged;
        atKill.withRun = prs.filter((pr) => newestRun(standIn.store, pr) !== null).length;
        atKill.green = prs.filter((pr) => newestRun(standIn.store, pr)?.conclusion === "success").length;
        killing = kill(child);
        await killing;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  await killing;
}

/** Whether the PR's newest run is completed, on its current head, with the verdict its newest state calls for. */
function current(pr: Pr): boolean {
  const run = newestRun(standIn.store, pr);
  if (run?.status !== "completed" || run.conclusion !== EXPECTED[pr.kind]) return false;
  return pr.kind !== "labelled" || !pr.record.labels.includes("automerge");
}

beforeAll(
  async () => {
    standIn = await startStandIn();
    port = await freePort();
    child = startServerProcess();
    await waitForHealth(30_000);

    seed();
    // The first wave: every PR but the late ones is opened, and the server evaluates them.
    for (const pr of interleaved(prs.filter((p) => p.kind !== "late"))) {
      expect((await sendWebhook({ url: webhookUrl(), secret, ...opened(pr) })).status).toBe(200);
    }
    await waitForIdle(FIRST_WAVE_MS);

    // The burst: each PR's next step, and the late PRs opened; SIGKILL once half of it was acknowledged.
    burst.killAfter = Math.floor(prs.filter((pr) => pr.kind !== "opened").length / 2);
    await sendBurst(
      interleaved(prs).map((pr) => () => nextStep(pr)),
      burst.killAfter,
    );

    child = startServerProcess();
    const restarted = Date.now();
    await waitForHealth(30_000);
    const deadline = restarted + RECOVERY_MS;
    while (Date.now() < deadline) {
      if (prs.every(current)) {
        recoveredInMs = Date.now() - restarted;
        break;
      }
      await sleep(250);
    }
  },
  FIRST_WAVE_MS + RECOVERY_MS + 90_000,
);

afterAll(async () => {
  await kill(child);
  await standIn?.close();
});

it("was killed in the middle of the burst: PRs evaluated (some green), webhooks acknowledged, others never received", () => {
  expect(atKill.withRun).toBeGreaterThan(0);
  expect(atKill.green).toBeGreaterThan(0);
  expect(burst.acknowledgedBeforeKill).toBeGreaterThanOrEqual(burst.killAfter);
  expect(burst.lost).toBeGreaterThan(0);
  expect(burst.acknowledged + burst.lost).toBe(burst.sent);
});

it("brings every open PR to a current, completed check run on its head after the restart", () => {
  const behind = prs
    .filter((pr) => !current(pr))
    .map((pr) => {
      const labelled =
        pr.kind === "labelled" && pr.record.labels.includes("automerge") ? ", `automerge` still on" : "";
      return `${pr.repo}#${pr.number} (${pr.kind}): wants ${EXPECTED[pr.kind]}, has ${describeRun(newestRun(standIn.store, pr))}${labelled}`;
    });
  console.log(
    `crash: ${prs.length} PRs (${atKill.withRun} with a run, ${atKill.green} green when the server died), ` +
      `a burst of ${burst.sent} webhooks: ${burst.acknowledgedBeforeKill} acknowledged before SIGKILL, ${burst.lost} lost; after the restart ${prs.length - behind.length}/${prs.length} current` +
      (recoveredInMs === null
        ? ` (not all within ${RECOVERY_MS / 1000} s)`
        : ` in ${(recoveredInMs / 1000).toFixed(1)} s`),
  );
  expect(behind, `PRs without a current agent-policy run ${RECOVERY_MS / 1000} s after the restart`).toEqual(
    [],
  );
});
