/**
 * Report-only rollout (`mode: evaluate`, issue 10), end to end through the real server and the
 * stand-in: the would-be verdict is posted as a neutral check with the full explanation, and
 * nothing is enforced or undone — in a repository's own policy or through the organisation's.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { CATALOG_VERSION } from "../../src/catalog/index.js";
import { type PullRequestRecord, payloads, scenarios } from "../../tools/github-standin/index.js";
import { appComments, onlyRun } from "./support.js";

const DEVIN = "devin-ai-integration[bot]";
const POLICY = ".github/agent-policy.yml";
const EVALUATE = "version: 1\nmode: evaluate\npromotion:\n  actions: [fail, revert, comment]\n";

let gate: Gate;
beforeAll(async () => {
  gate = await startGate();
  scenarios.addDevinApp(gate.standIn.store);
}, 20_000);
afterAll(() => gate?.close());

/** Devin opens a PR in `owner/service` and adds `automerge` to it. */
async function devinLabels(owner: string, files: Record<string, string>, orgFiles?: Record<string, string>) {
  const { store } = gate.standIn;
  store.addUser({ login: owner, type: "Organization" });
  if (orgFiles) store.addRepo({ owner, name: ".github", files: orgFiles });
  const repo = store.addRepo({ owner, name: "service", files, collaborators: { bob: "write" } });
  const record: PullRequestRecord = store.addPullRequest(repo.fullName, {
    title: "Retry webhooks",
    author: DEVIN,
    head: "devin/retry",
    files: [{ filename: "src/retry.ts", status: "added", patch: "@@ -0,0 +1 @@\n+export const n = 3;" }],
  });
  store.label(record, DEVIN, "automerge", scenarios.DEVIN_APP_ID);
  const payload = payloads.pullRequest(store, repo.fullName, record.number, "labeled", DEVIN, {
    label: "automerge",
  });
  expect((await gate.deliver({ name: "pull_request", payload })).status).toBe(200);
  await gate.settle();
  return { repo: repo.fullName, number: record.number, record };
}

it("posts the would-be failure as a neutral check, explains it, and undoes nothing", async () => {
  const pr = await devinLabels("eval-repo", { [POLICY]: EVALUATE });
  const run = onlyRun(gate, pr);
  expect(run.conclusion).toBe("neutral");
  expect(run.output.title).toMatch(/^Evaluate mode, would fail: /);
  expect(run.output.summary).toMatch(/\*\*Evaluate mode\*\*/);
  expect(run.output.summary).toMatch(
    /would also remove the label `automerge`, comment with the explanation; nothing was done/,
  );
  // The full explanation is still there.
  expect(run.output.summary).toMatch(/automerge/);
  expect(pr.record.labels).toContain("automerge");
  expect(appComments(gate, pr)).toEqual([]);
  const decision = gate.audit.find((r) => r.event === "decision" && r.repository === pr.repo);
  // The record says which policy commit and which agent catalog decided.
  expect(decision).toMatchObject({
    verdict: "failure",
    mode: "evaluate",
    policyCommit: expect.stringMatching(/^eval-repo\/service@[0-9a-f]{40}$/),
    catalogVersion: CATALOG_VERSION,
  });
  expect(gate.audit.filter((r) => r.event === "action" && r.repository === pr.repo)).toEqual([]);
});

it("takes evaluate mode from the organisation's policy, and enforce mode takes it back", async () => {
  const pr = await devinLabels("eval-org", {}, { [POLICY]: EVALUATE });
  expect(onlyRun(gate, pr).conclusion).toBe("neutral");
  expect(gate.audit.find((r) => r.event === "decision" && r.repository === pr.repo)).toMatchObject({
    policyCommit: expect.stringMatching(/^eval-org\/\.github@[0-9a-f]{40}$/),
  });
  expect(pr.record.labels).toContain("automerge");

  const enforced = await devinLabels(
    "eval-override",
    { [POLICY]: "_extends: .github\nmode: enforce\n" },
    { [POLICY]: EVALUATE },
  );
  expect(onlyRun(gate, enforced).conclusion).toBe("failure");
  expect(enforced.record.labels).not.toContain("automerge");
});
