/**
 * GitHub failing underneath the real server: every fault ends in a failed `agent-policy` check that
 * says why — never success. Each fault hits its own organisation (installation), so they run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { type FaultKind, payloads, type RequestInfo } from "../../tools/github-standin/index.js";
import { onlyRun } from "./support.js";

/** Long enough for Probot's two retries of a 5xx (1 s, then 4 s apart), short enough to keep the suite fast. */
const REQUEST_TIMEOUT_MS = 7_000;

/** Where each fault strikes: the one GraphQL read of the PR, or the REST file listing. */
const CASES: { org: string; kind: FaultKind; at: "read" | "files"; reason: RegExp }[] = [
  { org: "org-5xx", kind: "5xx", at: "read", reason: /reading org-5xx\/app#1: .*502/i },
  // The reset (60 s) is beyond the request budget: GitHub's answer is passed on at once, with the reset.
  {
    org: "org-rate",
    kind: "rate_limit",
    at: "files",
    reason:
      /Rate limited by GitHub until \d\d:\d\d UTC: could not read the changed files[\s\S]*changed files of org-rate\/app#1: HTTP 403/,
  },
  { org: "org-timeout", kind: "timeout", at: "read", reason: /reading org-timeout\/app#1: .*timed out/ },
  { org: "org-malformed", kind: "malformed", at: "files", reason: /changed files of org-malformed\/app#1/ },
];

const graphqlOwner = (req: RequestInfo) =>
  (req.body as { variables?: { owner?: unknown } } | null)?.variables?.owner;

let gate: Gate;
beforeAll(async () => {
  gate = await startGate({ app: { requestTimeoutMs: REQUEST_TIMEOUT_MS, evaluationTimeoutMs: 12_000 } });
  const { store, faults } = gate.standIn;
  for (const { org, kind, at } of CASES) {
    store.addUser({ login: org, type: "Organization" });
    store.addRepo({ owner: org, name: "app", collaborators: { bob: "write" } });
    const pr = store.addPullRequest(`${org}/app`, {
      title: "Add a retry helper",
      author: "devin-ai-integration[bot]",
      head: "devin/retry-helper",
      files: [
        { filename: "src/retry.ts", status: "added", patch: "@@ -0,0 +1 @@\n+export const retry = 3;" },
      ],
    });
    store.addReview(pr, { author: "bob", state: "APPROVED" });
    faults.add({
      kind,
      match: (req) =>
        at === "read"
          ? req.operationName === "AgentPolicyPullRequest" && graphqlOwner(req) === org
          : req.method === "GET" && req.path.endsWith(`/repos/${org}/app/pulls/1/files`),
    });
  }
  for (const { org } of CASES) {
    const payload = payloads.pullRequest(store, `${org}/app`, 1, "opened", "devin-ai-integration[bot]");
    expect((await gate.deliver({ name: "pull_request", payload })).status).toBe(200);
  }
  await gate.settle(40_000);
}, 50_000);
afterAll(() => gate?.close());

describe("GitHub faults fail the check closed, with the reason", () => {
  it.each(CASES)("$kind on the $at step → failure", ({ org, kind, reason }) => {
    const run = onlyRun(gate, { repo: `${org}/app`, number: 1 });
    expect(run.status).toBe("completed");
    expect(run.conclusion).toBe("failure");
    // The title says what failed (GitHub shows it above the summary, which does not repeat it), the summary why.
    expect(`${run.output.title}\n${run.output.summary}`).toMatch(reason);
    expect(run.output.summary).toMatch(/fails closed/);
    expect(gate.standIn.requests.entries).toContainEqual(expect.objectContaining({ fault: kind }));
  });

  it("never passes a PR it could not see, even though bob's approval would have sufficed", () => {
    const conclusions = gate.standIn.store.ownCheckRuns().map((r) => r.conclusion);
    expect(conclusions).toEqual(CASES.map(() => "failure"));
  });
});
