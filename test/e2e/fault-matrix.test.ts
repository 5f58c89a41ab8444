/**
 * The fault matrix (issue 13): every GitHub call the app makes to evaluate and enforce × every way
 * GitHub or the network fails × {once, persistent}, through the real server and the stand-in.
 *
 * The calls are not listed by hand: a normal evaluation of a representative agent PR is run first and
 * the distinct calls it made are read from the stand-in's request log (method and route template, or
 * the GraphQL operation). That PR is Devin's, approved by bob, and Devin added the `automerge` label —
 * so its correct verdict is failure and the app must remove the label. Each call then gets every fault
 * kind that applies to it (tools/github-standin/faults.ts), on two PRs like it:
 * - fresh: the PR is evaluated for the first time with the fault in place;
 * - stale-green: the PR first passes (a green run on its head), then Devin adds `automerge` with the
 *   fault in place — the old green must never stand.
 *
 * Asserted: no PR ends green, nor turns green again once it showed red (0 false greens: the newest
 * `agent-policy` run of this app on the head, and any commit status of that name); after a `once` fault
 * the PR ends exactly as without faults — the same verdict and title, the label removed (the app retries
 * in the background); after a persistent fault the newest run is not success and names the fault, unless
 * the PR ended exactly as without it; the label is removed even when the check-run write failed.
 *
 * Every case has its own organisation (its own installation, so its own token and throttle), so all
 * cases run at once. `GET /app` is one call per server, not per installation: its cases get a server
 * (and a GitHub) each. Hanging token requests go last, with a bystander PR of another installation that
 * must not wait for them. FAULT_MATRIX_ONLY=<regex> runs only the cases whose name matches, e.g.
 * `FAULT_MATRIX_ONLY="stale persistent .* @ PATCH" npx vitest run test/e2e/fault-matrix.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import type { AgentPolicyOptions } from "../../src/app/index.js";
import {
  type ActiveFault,
  type FaultKind,
  faultKindsFor,
  onCall,
  type PullRequestRecord,
  payloads,
  type ScenarioEvent,
  Store,
  scenarios,
  TOKEN_CALL,
} from "../../tools/github-standin/index.js";
import { CHECK, describeRun, newestRun, showsGreen } from "./support.js";

const DEVIN = "devin-ai-integration[bot]";
const LABEL = "automerge";
/**
 * Budgets as short as they can be while Probot's own two retries of a 5xx (1 s, then 4 s apart) still
 * fit in one call, so a call that keeps failing ends with GitHub's answer rather than the time budget.
 */
const APP: AgentPolicyOptions = {
  requestTimeoutMs: 7_000,
  evaluationTimeoutMs: 15_000,
  retryBaseMs: 300,
  // The cases spend their time waiting on GitHub (held calls, Probot's retries): let them wait together.
  concurrency: 64,
  maxRetries: 1,
  // Reconciliation is the crash test's subject; here every evaluation is one an event asked for.
  reconcileIntervalMs: 0,
};
/** Seconds the rate-limit answers ask the app to wait. */
const WAIT_S = 1;
/** Longest the matrix may take to come to rest after its events; then the phase of hanging token requests. */
const DEADLINE_MS = 75_000;
const TOKEN_DEADLINE_MS = 25_000;
/** No request reached GitHub for this long: the app has nothing left to do (a held call lasts `requestTimeoutMs`). */
const QUIET_MS = (APP.requestTimeoutMs ?? 0) + 4_000;
const APP_CALL = "GET /app";
/** FAULT_MATRIX_ONLY=<regex>: only the cases whose name matches (see above). */
const ONLY = process.env.FAULT_MATRIX_ONLY ? new RegExp(process.env.FAULT_MATRIX_ONLY) : null;
const CHECK_WRITES = new Set([
  "POST /repos/{owner}/{repo}/check-runs",
  "PATCH /repos/{owner}/{repo}/check-runs/{id}",
]);
/** Calls after whose persistent failure no run can exist: no token at all, or no way to create one. */
const NO_RUN_POSSIBLE = new Set([TOKEN_CALL, "POST /repos/{owner}/{repo}/check-runs"]);

/** What a run must say to name the fault it could not get past. */
const NAMES_FAULT: Record<FaultKind, RegExp> = {
  "500": /\b500\b/,
  "502": /\b502\b/,
  "5xx": /\b5\d\d\b/,
  not_found: /\b404\b|not found/i,
  // Probot waits a primary limit out (three times); the request budget may end the wait first.
  rate_limit: /rate limit|timed out/i,
  secondary_rate_limit: /secondary rate limit|rate limit/i,
  rate_limit_429: /\b429\b|rate limit/i,
  timeout: /timed out|timeout/i,
  reset: /ECONNRESET|reset|socket|other side closed|network|fetch failed/i,
  // An answer that is not what the call returns, said in any of the ways a person understands.
  malformed: /malformed|JSON|pars(e|ing)|unreadable|invalid|unexpected (shape|answer)|did not return/i,
  wrong_shape: /malformed|shape|unexpected|invalid|did not return|without/i,
  graphql_internal: /INTERNAL|Something went wrong/i,
  graphql_untyped: /Something went wrong/i,
  graphql_partial: /Something went wrong|partial/i,
  graphql_rate_limited: /RATE_LIMITED|rate limit|timed out/i,
  token_missing: /token/i,
  token_not_string: /token/i,
};

type Scenario = "fresh" | "stale";
type Mode = "once" | "persistent";

interface Pr {
  repo: string;
  number: number;
  record: PullRequestRecord;
  installation: number;
}

interface Case {
  name: string;
  scenario: Scenario;
  call: string;
  kind: FaultKind;
  mode: Mode;
  gate: Gate;
  pr: Pr;
  fault?: ActiveFault;
  /** stale-green: the PR had a green run before the fault (else the case tests nothing). */
  wasGreen?: boolean;
  delivered?: number;
  /** The app wrote a non-green verdict at some point, and whether it later showed green again. */
  sawRed: boolean;
  flippedBackGreen: boolean;
}

interface Expected {
  conclusion: string | null;
  title: string | null;
}

function seedPr(gate: Gate, owner: string, withLabel: boolean): Pr {
  const { store } = gate.standIn;
  scenarios.addDevinApp(store);
  const repo = store.addRepo({
    owner,
    name: "service",
    files: { "README.md": "# service\n" },
    collaborators: { bob: "write" },
  });
  const record = store.addPullRequest(repo.fullName, {
    title: "Retry failed webhooks with backoff",
    author: DEVIN,
    head: "devin/retry-webhooks",
    files: [
      {
        filename: "src/retry.ts",
        status: "added",
        patch: "@@ -0,0 +1,2 @@\n+export const attempts = 3;\n+export const backoffMs = 250;",
      },
    ],
  });
  store.addReview(record, { author: "bob", state: "APPROVED" });
  const pr = {
    repo: repo.fullName,
    number: record.number,
    record,
    installation: repo.installationId as number,
  };
  if (withLabel) addLabel(gate, pr);
  return pr;
}

/** Devin adds `automerge` (through its App): the timeline event GitHub records and the label. */
function addLabel(gate: Gate, pr: Pr): void {
  gate.standIn.store.addTimelineEvent(pr.record, {
    kind: "labeled",
    actor: DEVIN,
    label: LABEL,
    viaAppId: scenarios.DEVIN_APP_ID,
  });
  pr.record.labels.push(LABEL);
}

const labeled = (gate: Gate, pr: Pr): ScenarioEvent => ({
  name: "pull_request",
  payload: payloads.pullRequest(gate.standIn.store, pr.repo, pr.number, "labeled", DEVIN, { label: LABEL }),
});

const opened = (gate: Gate, pr: Pr): ScenarioEvent => ({
  name: "pull_request",
  payload: payloads.pullRequest(gate.standIn.store, pr.repo, pr.number, "opened", DEVIN),
});

/** Delivers like GitHub; a connection the server dropped while idle is retried once, as a new one. */
async function deliver(gate: Gate, event: ScenarioEvent): Promise<number> {
  try {
    return (await gate.deliver(event)).status;
  } catch {
    await sleep(100);
    return (await gate.deliver(event)).status;
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inBatches<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The distinct calls of the log entries from `from` on that concern one installation (and the app itself). */
function callsFor(gate: Gate, installation: number, from: number): string[] {
  const calls = gate.standIn.requests.entries
    .slice(from)
    .filter(
      (e) =>
        e.installationId === installation ||
        e.path.includes(`/app/installations/${installation}/`) ||
        e.call === APP_CALL,
    )
    .flatMap((e) => (e.call ? [e.call] : []));
  return [...new Set(calls)];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let main: Gate;
const appGates: Gate[] = [];
const cases: Case[] = [];
/** A PR of another installation, evaluated while token requests hang: it must not wait for them. */
let bystander: { gate: Gate; pr: Pr; delivered?: number; tookMs?: number } | null = null;
const controlCalls: Record<Scenario, string[]> = { fresh: [], stale: [] };
const expected: Record<Scenario, Expected> = {
  fresh: { conclusion: null, title: null },
  stale: { conclusion: null, title: null },
};
const control: { staleFirst: string; freshLabels: string[]; staleLabels: string[] } = {
  staleFirst: "",
  freshLabels: [],
  staleLabels: [],
};
const phaseMs: number[] = [];
let elapsedMs = 0;

function textOf(c: Case): string {
  const run = newestRun(c.gate.standIn.store, c.pr);
  return `${run?.output.title ?? ""}\n${run?.output.summary ?? ""}`;
}

const labelGone = (pr: Pr) => !pr.record.labels.includes(LABEL);

/** The PR ended exactly as it does without faults: the same verdict and title, and the label removed. */
function endsCorrect(gate: Gate, pr: Pr, scenario: Scenario): boolean {
  const run = newestRun(gate.standIn.store, pr);
  const want = expected[scenario];
  return (
    run?.status === "completed" &&
    run.conclusion === want.conclusion &&
    run.output.title === want.title &&
    labelGone(pr)
  );
}

const correct = (c: Case) => endsCorrect(c.gate, c.pr, c.scenario);

function persistentOk(c: Case): boolean {
  if (showsGreen(c.gate.standIn.store, c.pr)) return false;
  if (CHECK_WRITES.has(c.call) && !labelGone(c.pr)) return false;
  if (correct(c)) return true;
  const run = newestRun(c.gate.standIn.store, c.pr);
  if (!run) return NO_RUN_POSSIBLE.has(c.call);
  return NAMES_FAULT[c.kind].test(textOf(c));
}

const settled = (c: Case) => (c.mode === "once" ? correct(c) : persistentOk(c));

/** Samples every case: a PR that showed a non-green verdict must never show green again. */
function sample(of: readonly Case[]): void {
  for (const c of of) {
    if (c.delivered === undefined) continue;
    const green = showsGreen(c.gate.standIn.store, c.pr);
    const run = newestRun(c.gate.standIn.store, c.pr);
    if (run && !green) c.sawRed = true;
    if (green && c.sawRed) c.flippedBackGreen = true;
  }
}

/** Requests GitHub has seen so far, all stand-ins together: when it stops growing, nothing is happening. */
const traffic = () => [main, ...appGates].reduce((n, g) => n + g.standIn.requests.entries.length, 0);

/**
 * Puts each case's fault in place, delivers its event, then waits until every case has come to rest,
 * GitHub has seen no request for `QUIET_MS` (the app has nothing left to retry), or the deadline.
 */
async function runPhase(
  phase: readonly Case[],
  deadlineMs: number,
  alsoDone: () => boolean = () => true,
): Promise<void> {
  const started = Date.now();
  for (const c of phase) {
    c.fault = c.gate.standIn.faults.add({
      kind: c.kind,
      match: c.call === APP_CALL ? onCall(APP_CALL) : onCall(c.call, c.pr.installation),
      waitS: WAIT_S,
      ...(c.mode === "once" ? { times: 1 } : {}),
    });
  }
  await inBatches(phase, 8, async (c) => {
    c.delivered = await deliver(c.gate, labeled(c.gate, c.pr));
  });
  let seen = traffic();
  let quietSince = Date.now();
  while (Date.now() - started < deadlineMs) {
    await sleep(250);
    sample(phase);
    if (phase.every(settled) && alsoDone()) break;
    const now = traffic();
    if (now !== seen) {
      seen = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > QUIET_MS) break;
  }
  // A last look a moment later: nothing that came to rest may turn green afterwards.
  await sleep(1_000);
  sample(phase);
  phaseMs.push(Date.now() - started);
}

/**
 * A token request that hangs: its cases run last, on their own, so that if it holds up other
 * installations' token requests, only the bystander shows it and not every other case.
 */
const holdsTokens = (c: Case) => c.call === TOKEN_CALL && c.kind === "timeout";

beforeAll(
  async () => {
    const started = Date.now();
    main = await startGate({ app: APP });

    // 1. The control: a normal evaluation of each scenario, and the calls it made.
    const freshCtl = seedPr(main, "ctl-fresh", true);
    let mark = main.standIn.requests.entries.length;
    expect(await deliver(main, labeled(main, freshCtl))).toBe(200);
    await main.settle(30_000);
    controlCalls.fresh = callsFor(main, freshCtl.installation, mark);
    const freshRun = newestRun(main.standIn.store, freshCtl);
    expected.fresh = { conclusion: freshRun?.conclusion ?? null, title: freshRun?.output.title ?? null };
    control.freshLabels = [...freshCtl.record.labels];

    const staleCtl = seedPr(main, "ctl-stale", false);
    expect(await deliver(main, opened(main, staleCtl))).toBe(200);
    await main.settle(30_000);
    control.staleFirst = describeRun(newestRun(main.standIn.store, staleCtl));
    addLabel(main, staleCtl);
    mark = main.standIn.requests.entries.length;
    expect(await deliver(main, labeled(main, staleCtl))).toBe(200);
    await main.settle(30_000);
    controlCalls.stale = callsFor(main, staleCtl.installation, mark);
    const staleRun = newestRun(main.standIn.store, staleCtl);
    expected.stale = { conclusion: staleRun?.conclusion ?? null, title: staleRun?.output.title ?? null };
    control.staleLabels = [...staleCtl.record.labels];

    // 2. The matrix: every call of each scenario × every fault kind it can suffer × once/persistent.
    let n = 0;
    for (const scenario of ["fresh", "stale"] as const) {
      for (const call of controlCalls[scenario]) {
        for (const kind of faultKindsFor(call)) {
          for (const mode of ["once", "persistent"] as const) {
            n += 1;
            const name = `${scenario} ${mode} ${kind} @ ${call}`;
            if (ONLY && !ONLY.test(name)) continue;
            let gate = main;
            if (call === APP_CALL) {
              // Its own GitHub, with ids apart from the others' (Octokit keys throttling by installation id).
              const store = new Store({ firstId: 1_000_000 * (appGates.length + 1) });
              gate = await startGate({ app: APP, standIn: { store } });
              appGates.push(gate);
            }
            cases.push({
              name,
              scenario,
              call,
              kind,
              mode,
              gate,
              pr: seedPr(gate, `fm-${n}`, scenario === "fresh"),
              sawRed: false,
              flippedBackGreen: false,
            });
          }
        }
      }
    }

    // 3. stale-green: every such PR passes first, with no fault in place.
    const stale = cases.filter((c) => c.scenario === "stale");
    await inBatches(stale, 8, async (c) => {
      await deliver(c.gate, opened(c.gate, c.pr));
    });
    await Promise.all([main, ...appGates].map((g) => g.settle(60_000)));
    for (const c of stale) {
      c.wasGreen = showsGreen(c.gate.standIn.store, c.pr);
      addLabel(c.gate, c.pr);
    }

    // 4. The faults and the events that must turn every PR red; the app is left to come to rest.
    await runPhase(
      cases.filter((c) => !holdsTokens(c)),
      DEADLINE_MS,
    );

    // 5. Token requests that hang, on their own: first the one that hangs once; then the one that
    // keeps hanging, while a PR of an installation without faults must be evaluated as if nothing were
    // wrong (one installation's token must not hold up the others').
    await runPhase(
      cases.filter((c) => holdsTokens(c) && c.mode === "once"),
      TOKEN_DEADLINE_MS,
    );
    const pr = seedPr(main, "fm-bystander", true);
    const one: NonNullable<typeof bystander> = { gate: main, pr };
    bystander = one;
    const phase = runPhase(
      cases.filter((c) => holdsTokens(c) && c.mode === "persistent"),
      TOKEN_DEADLINE_MS,
      () => endsCorrect(main, pr, "fresh"),
    );
    await sleep(1_000);
    const sent = Date.now();
    one.delivered = await deliver(main, labeled(main, pr));
    while (!endsCorrect(main, pr, "fresh") && Date.now() - sent < TOKEN_DEADLINE_MS) await sleep(100);
    one.tookMs = Date.now() - sent;
    await phase;
    elapsedMs = Date.now() - started;
  },
  DEADLINE_MS + 2 * TOKEN_DEADLINE_MS + 90_000,
);

afterAll(async () => {
  if (cases.length > 0) {
    const falseGreens = cases.filter((c) => showsGreen(c.gate.standIn.store, c.pr) || c.flippedBackGreen);
    const noRun = cases.filter((c) => newestRun(c.gate.standIn.store, c.pr) === null);
    const onceWrong = cases.filter((c) => c.mode === "once" && !correct(c));
    const persistentBad = cases.filter((c) => c.mode === "persistent" && !persistentOk(c));
    console.log(
      `fault matrix: ${cases.length} cases (${controlCalls.fresh.length} fresh + ${controlCalls.stale.length} stale-green calls × fault kinds × once/persistent), ` +
        `${falseGreens.length} false greens, ${noRun.length} PRs without a check run, ` +
        `${onceWrong.length} once-faults not recovered, ${persistentBad.length} persistent faults not named; ` +
        `the bystander took ${((bystander?.tookMs ?? 0) / 1000).toFixed(1)} s beside a hanging token request; ` +
        `${(elapsedMs / 1000).toFixed(1)} s (phases after the faults: ${phaseMs.map((ms) => (ms / 1000).toFixed(1)).join(" s + ")} s)`,
    );
  }
  await Promise.all([main, ...appGates].filter(Boolean).map((g) => g.close()));
});

/** One line per failing case, for the assertion message. */
function report(failing: Case[], why: (c: Case) => string): string[] {
  return failing.map((c) => `${c.name}: ${why(c)}`);
}

const runOf = (c: Case) => describeRun(newestRun(c.gate.standIn.store, c.pr));
const firstLine = (c: Case) =>
  (newestRun(c.gate.standIn.store, c.pr)?.output.summary ?? "")
    .split("\n")
    .find((l) => /fail|error|could not|timed out|HTTP/i.test(l))
    ?.slice(0, 200) ?? "";

describe("the control: a normal evaluation, without faults", () => {
  it("fails Devin's self-added automerge, removes the label, and turns a green run red", () => {
    expect(expected.fresh).toEqual({
      conclusion: "failure",
      title: expect.stringMatching(/^Blocked: label automerge/),
    });
    expect(expected.stale).toEqual(expected.fresh);
    expect(control.staleFirst).toMatch(/^success/);
    expect(control.freshLabels).toEqual([]);
    expect(control.staleLabels).toEqual([]);
  });

  it("makes the calls the matrix strikes: the read, the check-run create and update, the label removal", () => {
    expect(controlCalls.fresh).toEqual(
      expect.arrayContaining([
        TOKEN_CALL,
        "POST /graphql AgentPolicyPullRequest",
        "POST /repos/{owner}/{repo}/check-runs",
        "DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}",
      ]),
    );
    expect(controlCalls.stale).toEqual(
      expect.arrayContaining([
        "PATCH /repos/{owner}/{repo}/check-runs/{id}",
        "DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}",
      ]),
    );
  });
});

describe("every call × every fault kind × once/persistent", () => {
  it("sets every case up: delivered, stale-green PRs green first, and every fault struck", () => {
    expect(cases.length).toBeGreaterThanOrEqual(ONLY ? 1 : 100);
    const broken = cases.filter(
      (c) => c.delivered !== 200 || (c.scenario === "stale" && !c.wasGreen) || (c.fault?.hits ?? 0) === 0,
    );
    expect(
      report(
        broken,
        (c) => `delivered ${c.delivered}, was green ${c.wasGreen}, fault struck ${c.fault?.hits} times`,
      ),
    ).toEqual([]);
  });

  it(`never leaves a PR green on ${CHECK} when its verdict is failure (0 false greens)`, () => {
    const greens = cases.filter((c) => showsGreen(c.gate.standIn.store, c.pr) || c.flippedBackGreen);
    expect(
      report(greens, (c) => (c.flippedBackGreen ? `turned green again: ${runOf(c)}` : `ends ${runOf(c)}`)),
    ).toEqual([]);
  });

  it("after a fault that strikes once, ends with the verdict it has without faults (retrying in the background)", () => {
    const wrong = cases.filter((c) => c.mode === "once" && !correct(c));
    expect(
      report(wrong, (c) => `ends ${runOf(c)}${labelGone(c.pr) ? "" : ", label still on"} ${firstLine(c)}`),
    ).toEqual([]);
  });

  it("after a persistent fault, the newest run is not success and names the fault", () => {
    const bad = cases.filter((c) => c.mode === "persistent" && !persistentOk(c));
    expect(
      report(bad, (c) => `ends ${runOf(c)}${labelGone(c.pr) ? "" : ", label still on"} ${firstLine(c)}`),
    ).toEqual([]);
  });

  it("removes the label even when the check-run write failed", () => {
    const missing = cases.filter((c) => CHECK_WRITES.has(c.call) && !labelGone(c.pr));
    expect(report(missing, (c) => `label still on; run ${runOf(c)}`)).toEqual([]);
  });

  it("evaluates another installation's PR as if nothing failed while token requests hang", () => {
    if (!bystander) return;
    const { gate, pr, delivered, tookMs } = bystander;
    expect({
      delivered,
      run: describeRun(newestRun(gate.standIn.store, pr)),
      labelGone: labelGone(pr),
      // Well within one held token request's timeout: the other installation's requests never queue behind it.
      fast: (tookMs ?? Number.POSITIVE_INFINITY) < (APP.requestTimeoutMs ?? 0) / 2,
    }).toEqual({
      delivered: 200,
      run: `failure "${expected.fresh.title}"`,
      labelGone: true,
      fast: true,
    });
  });
});
