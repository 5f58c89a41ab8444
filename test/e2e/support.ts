/** What the end-to-end tests read back from the stand-in: what a user would see on GitHub. */
import type { Gate } from "../../demo/harness.js";
import type { CheckRunRecord, Scenario } from "../../tools/github-standin/index.js";

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
