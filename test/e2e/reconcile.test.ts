/**
 * Reconciliation through the real server and the stand-in: webhooks the app never saw (lost in a
 * crash, sent while it was down) still end in a current check run, and PRs whose run is current
 * cost no write.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { type PullRequestRecord, payloads } from "../../tools/github-standin/index.js";
import { newestRun } from "./support.js";

const DEVIN = "devin-ai-integration[bot]";
const REPO = "recon/service";

let gate: Gate;
const pulls: Record<"unseen" | "current" | "changed", PullRequestRecord> = {} as never;

beforeAll(async () => {
  // Passes every 1.5 s: the first one, at start-up, finds nothing yet.
  gate = await startGate({ app: { reconcileIntervalMs: 1_500 } });
  const { store } = gate.standIn;
  store.addUser({ login: "recon", type: "Organization" });
  store.addRepo({ owner: "recon", name: "service", collaborators: { bob: "write" } });
  const open = (head: string) =>
    store.addPullRequest(REPO, {
      title: `Change on ${head}`,
      author: DEVIN,
      head,
      files: [{ filename: `src/${head}.ts`, status: "added", patch: "@@ -0,0 +1 @@\n+export const x = 1;" }],
    });
  pulls.current = open("devin/current");
  pulls.changed = open("devin/changed");
  store.addReview(pulls.current, { author: "bob", state: "APPROVED" });
  store.addReview(pulls.changed, { author: "bob", state: "APPROVED" });
  for (const pr of [pulls.current, pulls.changed]) {
    const payload = payloads.pullRequest(store, REPO, pr.number, "opened", DEVIN);
    expect((await gate.deliver({ name: "pull_request", payload })).status).toBe(200);
  }
  await gate.settle();
  expect(newestRun(store, { repo: REPO, number: pulls.changed.number })?.conclusion).toBe("success");

  // While nobody listens: a new PR is opened, and a bot adds `automerge` to a green one.
  pulls.unseen = open("devin/unseen");
  store.addTimelineEvent(pulls.changed, { kind: "labeled", actor: "renovate[bot]", label: "automerge" });
  pulls.changed.labels.push("automerge");
  auditBefore = gate.audit.length;
  // Evaluations of one installation take seconds here: Probot spaces its GraphQL calls (issue 8).
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const unseen = newestRun(store, { repo: REPO, number: pulls.unseen.number });
    const changed = newestRun(store, { repo: REPO, number: pulls.changed.number });
    if (unseen?.status === "completed" && changed?.conclusion === "failure") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await gate.settle();
}, 30_000);
afterAll(() => gate?.close());

/** Audit records before the app missed its webhooks: a pass may also have run while the PRs were opened. */
let auditBefore = 0;

it("evaluates a PR opened while no webhook reached the app", () => {
  const run = newestRun(gate.standIn.store, { repo: REPO, number: pulls.unseen.number });
  expect(run?.status).toBe("completed");
  expect(gate.audit).toContainEqual(
    expect.objectContaining({
      event: "decision",
      pr: pulls.unseen.number,
      delivery: expect.stringMatching(/^reconcile-/),
    }),
  );
});

it("re-evaluates a PR that changed after its run, and undoes what the webhook would have", () => {
  const run = newestRun(gate.standIn.store, { repo: REPO, number: pulls.changed.number });
  expect(run?.conclusion).toBe("failure");
  expect(run?.output.summary).toMatch(/protected label added/i);
  expect(pulls.changed.labels).not.toContain("automerge");
});

it("leaves a PR alone whose run is current", () => {
  expect(gate.audit.slice(auditBefore).filter((r) => r.pr === pulls.current.number)).toEqual([]);
});
