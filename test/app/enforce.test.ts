/** The engine's planned undo steps, performed on GitHub: idempotent, audited, one comment per PR. */
import nock from "nock";
import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import type { Decision, PlannedAction } from "../../src/engine/decision.js";
import { performActions } from "../../src/github/enforce.js";
import { offline } from "../support/nock.js";
import { API, deliver, type FakePr, githubReads, testApp, tokenFor } from "./support/github.js";
import { HEAD, OWNER, pullRequestEvent, REPO } from "./support/payloads.js";

const POLICY = "version: 1\npromotion:\n  actions: [fail, revert, comment]\n";
const RENOVATE = { login: "renovate[bot]", type: "Bot" as const };
const ISSUE = `/repos/${OWNER}/${REPO}/issues/2`;

offline();

async function evaluate(pr: FakePr) {
  const t = await testApp();
  tokenFor(1);
  githubReads({ policy: POLICY, ...pr });
  nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 9 });
  return t;
}

it("removes a label and disables auto-merge that a bot used, and explains once in a comment", async () => {
  const t = await evaluate({
    labels: ["automerge"],
    labeled: [{ label: "automerge", by: RENOVATE }],
    autoMergeBy: RENOVATE,
  });
  let comment = "";
  let mutation = "";
  nock(API)
    .delete(`${ISSUE}/labels/automerge`)
    .reply(200, [])
    .post("/graphql", (b) => b.query.includes("pullRequest(number:$number){ id }"))
    .reply(200, { data: { repository: { pullRequest: { id: "PR_kwDOA" } } } })
    .post("/graphql", (b) => {
      mutation = `${b.query} ${JSON.stringify(b.variables)}`;
      return b.query.includes("disablePullRequestAutoMerge");
    })
    .reply(200, { data: { disablePullRequestAutoMerge: { clientMutationId: null } } })
    .post(`${ISSUE}/comments`, (b) => {
      comment = b.body;
      return true;
    })
    .reply(201, { id: 77 });
  await deliver(t, "pull_request", pullRequestEvent("labeled"));

  expect(nock.pendingMocks()).toEqual([]);
  expect(mutation).toContain("PR_kwDOA");
  expect(comment.startsWith("<!-- agent-policy -->")).toBe(true);
  expect(comment).toContain("renovate[bot]");
  const actions = t.audit.filter((r) => r.event === "action");
  expect(actions.map((a) => [a.kind, a.target, a.outcome])).toEqual([
    ["remove_label", "automerge", "done"],
    ["disable_auto_merge", "auto-merge", "done"],
    ["comment", "77", "done"],
  ]);
  expect(
    actions.every((a) => a.repository === `${OWNER}/${REPO}` && a.pr === 2 && typeof a.reason === "string"),
  ).toBe(true);
  expect(t.audit.find((r) => r.event === "decision")).toMatchObject({
    verdict: "failure",
    violations: expect.arrayContaining([{ kind: "protected_label_added", actor: "renovate[bot]" }]),
  });
});

it("treats a label that is already gone as done, and updates its one comment in place, then leaves it alone", async () => {
  // The label is still listed, but someone removed it meanwhile: GitHub answers 404.
  const stale = { id: 77, body: "<!-- agent-policy -->\nold explanation" };
  const t = await evaluate({
    labels: ["automerge"],
    labeled: [{ label: "automerge", by: RENOVATE }],
    ownComment: stale,
  });
  let updated = "";
  nock(API)
    .delete(`${ISSUE}/labels/automerge`)
    .reply(404, { message: "Label does not exist" })
    .patch(`/repos/${OWNER}/${REPO}/issues/comments/77`, (b) => {
      updated = b.body;
      return true;
    })
    .reply(200, { id: 77 });
  await deliver(t, "pull_request", pullRequestEvent("labeled"));
  expect(nock.pendingMocks()).toEqual([]);
  expect(t.audit.filter((r) => r.event === "action").map((a) => [a.kind, a.outcome])).toEqual([
    ["remove_label", "skipped"],
    ["comment", "done"],
  ]);

  // Same state, comment now current: no comment write at all (no new comment per event).
  nock.cleanAll();
  const again = await evaluate({
    labels: ["automerge"],
    labeled: [{ label: "automerge", by: RENOVATE }],
    ownComment: { id: 77, body: updated },
  });
  nock(API).delete(`${ISSUE}/labels/automerge`).reply(404, { message: "Label does not exist" });
  await deliver(again, "pull_request", pullRequestEvent("labeled"));
  expect(nock.pendingMocks()).toEqual([]);
  expect(again.audit.filter((r) => r.event === "action").map((a) => [a.kind, a.outcome])).toEqual([
    ["remove_label", "skipped"],
    ["comment", "skipped"],
  ]);
});

it("audits a failed action without failing the evaluation", async () => {
  const t = await evaluate({ labels: ["automerge"], labeled: [{ label: "automerge", by: RENOVATE }] });
  nock(API)
    .delete(`${ISSUE}/labels/automerge`)
    .reply(403, { message: "Resource not accessible by integration" })
    .post(`${ISSUE}/comments`)
    .reply(201, { id: 78 });
  await deliver(t, "pull_request", pullRequestEvent("labeled"));
  const failed = t.audit.find((r) => r.event === "action" && r.kind === "remove_label");
  expect(failed).toMatchObject({ outcome: "failed", reason: expect.stringContaining("403"), level: 50 });
  expect(t.audit.find((r) => r.event === "decision")).toMatchObject({ verdict: "failure", check: "created" });
});

describe("performActions", () => {
  const decision = (actions: PlannedAction[]): Decision => ({
    verdict: "failure",
    title: "Blocked",
    identity: {
      kind: "agent",
      assisted: false,
      author: "bot",
      agents: [],
      requesters: [],
      strong: [],
      weak: [],
    },
    categories: [],
    rules: [],
    reviews: [],
    violations: [],
    cleared: [],
    findings: [],
    blocking: [],
    errors: [],
    nextSteps: [],
    actions,
    override: null,
    overrideAnswers: [],
    mode: "enforce",
    policySource: "built-in default",
    headSha: HEAD,
  });
  const octokit = () =>
    new ProbotOctokit({ auth: "token t", retry: { enabled: false }, throttle: { enabled: false } });
  const target = { owner: OWNER, repo: REPO, number: 2 };
  const state = (actions: PlannedAction[], labels: string[] = []) => ({
    decision: decision(actions),
    labels,
    autoMergeOn: false,
    ownComment: null,
    checkUrl: "u",
  });

  it("takes a PR out of the merge queue and puts back a removed hold label", async () => {
    nock(API)
      .post("/graphql", (b) => b.query.includes("pullRequest(number:$number){ id }"))
      .reply(200, { data: { repository: { pullRequest: { id: "PR_1" } } } })
      .post("/graphql", (b) => b.query.includes("dequeuePullRequest") && b.variables.id === "PR_1")
      .reply(200, { data: { dequeuePullRequest: { clientMutationId: null } } })
      .post(`${ISSUE}/labels`, { labels: ["do-not-merge"] })
      // GitHub answers with the issue's labels, the added one among them.
      .reply(200, [{ id: 1, name: "do-not-merge" }]);
    const results = await performActions(
      octokit(),
      target,
      state([
        { kind: "dequeue", because: "queued by a bot" },
        { kind: "restore_label", label: "do-not-merge", because: "removed by a bot" },
        { kind: "restore_label", label: "do-not-merge", because: "removed by a bot twice" },
      ]),
    );
    expect(nock.pendingMocks()).toEqual([]);
    expect(results.map((r) => [r.kind, r.target, r.outcome])).toEqual([
      ["dequeue", "merge-queue", "done"],
      ["restore_label", "do-not-merge", "done"],
    ]);
  });

  it("skips what is already undone and reports GraphQL errors as failed with the reason", async () => {
    nock(API)
      .post("/graphql")
      .reply(200, {
        data: null,
        errors: [{ type: "NOT_FOUND", message: "Could not resolve to a PullRequest" }],
      });
    const results = await performActions(
      octokit(),
      target,
      state(
        [
          { kind: "disable_auto_merge", because: "enabled by a bot" },
          { kind: "restore_label", label: "hold", because: "removed by a bot" },
          { kind: "dequeue", because: "queued by a bot" },
        ],
        ["HOLD"],
      ),
    );
    expect(results.map((r) => [r.kind, r.outcome])).toEqual([
      ["disable_auto_merge", "skipped"],
      ["restore_label", "skipped"],
      ["dequeue", "failed"],
    ]);
    expect(results[2]?.reason).toMatch(/Could not resolve/);
  });
});

describe("the explanation comment's text", () => {
  it("never @-mentions an agent or a person, so it cannot hand work to an agent", async () => {
    const { commentBody } = await import("../../src/github/enforce.js");
    const { evaluate } = await import("../../src/engine/evaluate.js");
    const { loadPolicy } = await import("../../src/policy/index.js");
    const loaded = await loadPolicy({ text: "promotion:\n  actions: [fail, comment]\n", source: "t.yml" });
    if (!loaded.ok) throw new Error("policy");
    const claude = { login: "claude[bot]", type: "Bot" as const };
    const d = evaluate(loaded.policy, {
      ...(await import("../support/facts.js")).facts({
        author: claude,
        comments: [
          {
            id: "1",
            author: claude,
            body: "@copilot please merge this",
            createdAt: "2026-01-01T00:00:00Z",
            lastEditedAt: null,
            editor: null,
            viaApp: null,
          },
        ],
      }),
    });
    const body = commentBody(d, "https://github.com/acme/app/pull/7/checks");
    expect(d.violations.map((v) => v.kind)).toContain("agent_escalation");
    expect(body).toContain("agent escalation by `claude[bot]`");
    expect(body).not.toMatch(/@[A-Za-z0-9]/);
  });
});
