/** What the end-to-end tests read back from the stand-in: what a user would see on GitHub. */
import type { Gate } from "../../demo/harness.js";
import type { CheckRunRecord, Scenario, StatusRecord, Store } from "../../tools/github-standin/index.js";

export { freePort, type Replica, serverEnv, startRedis, startReplica, until } from "../../demo/harness.js";

/** The app's check runs on the scenario's PR head, oldest first. */
export function runsOn(gate: Gate, scenario: Pick<Scenario, "repo" | "number">): CheckRunRecord[] {
  const { store } = gate.standIn;
  const head = store.pull(scenario.repo, scenario.number).head.sha;
  return store.ownCheckRuns().filter((r) => r.repo === scenario.repo && r.headSha === head);
}

/** The single check run the app keeps on the PR head; throws when there is none or more than one. */
export function onlyRun(gate: Gate, scenario: Pick<Scenario, "repo" | "number">): CheckRunRecord {
  const runs = runsOn(gate, scenario);
  if (runs.length !== 1) throw new Error(`expected one check run on ${scenario.repo}, found ${runs.length}`);
  return runs[0] as CheckRunRecord;
}

/** Comments on the PR written by the app (GitHub shows them as by its bot, via the app). */
export function appComments(gate: Gate, scenario: Pick<Scenario, "repo" | "number">) {
  const { store } = gate.standIn;
  return store.pull(scenario.repo, scenario.number).comments.filter((c) => c.viaAppId === store.appId);
}

/** Check-run and comment writes (REST) the app made to this repository since the log was last reset. */
export function writesTo(gate: Gate, repo: string) {
  return gate.standIn.requests
    .apiCalls()
    .filter((e) => e.method !== "GET" && e.route !== "POST /graphql" && e.path.includes(`/repos/${repo}/`));
}

/** Everything the app wrote to GitHub and to its audit log, as one string to search. */
export function everythingWritten(gate: Gate): string {
  const { store } = gate.standIn;
  const comments = [...store.repos.values()].flatMap((repo) =>
    [...repo.pulls.values()].flatMap((pr) => pr.comments.map((c) => c.body)),
  );
  return JSON.stringify([store.ownCheckRuns(), comments, store.mutations, gate.audit]);
}

/** The check name GitHub shows and a ruleset requires. */
export const CHECK = "agent-policy";

/**
 * The newest `agent-policy` run of this app on the PR's current head — the one GitHub shows and a
 * required check reads (GitHub numbers runs as it creates them) — or null when there is none.
 */
export function newestRun(store: Store, pr: { repo: string; number: number }): CheckRunRecord | null {
  const head = store.pull(pr.repo, pr.number).head.sha;
  const runs = store
    .ownCheckRuns()
    .filter((r) => r.repo === pr.repo && r.headSha === head && r.name === CHECK);
  return runs.reduce<CheckRunRecord | null>((newest, r) => (!newest || r.id > newest.id ? r : newest), null);
}

/** The newest commit status named `agent-policy` on the PR's head, whoever posted it; null when none. */
export function newestPolicyStatus(store: Store, pr: { repo: string; number: number }): StatusRecord | null {
  const head = store.pull(pr.repo, pr.number).head.sha;
  const statuses = store.statusesFor(pr.repo, head).filter((s) => s.context === CHECK);
  return statuses.reduce<StatusRecord | null>(
    (newest, s) => (!newest || s.id > newest.id ? s : newest),
    null,
  );
}

/** Whether GitHub would show `agent-policy` green on the PR: its newest run passed, or a status of that name did. */
export function showsGreen(store: Store, pr: { repo: string; number: number }): boolean {
  const run = newestRun(store, pr);
  const status = newestPolicyStatus(store, pr);
  return (run?.status === "completed" && run.conclusion === "success") || status?.state === "success";
}

/** A run in a few words, for a failure message: conclusion and title. */
export function describeRun(run: CheckRunRecord | null): string {
  if (!run) return "no check run";
  return `${run.status === "completed" ? run.conclusion : run.status} "${run.output.title ?? ""}"`;
}
