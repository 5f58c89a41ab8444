/**
 * Writes that do not land: a verdict must never be left behind an old green, enforcement must not
 * wait on the check run, and what did not land is tried again in the background. Tokens GitHub
 * answered badly are fetched again instead of poisoning the installation.
 */
import nock from "nock";
import { describe, expect, it } from "vitest";
import { offline } from "../support/nock.js";
import { API, deliver, githubReads, type TestApp, testApp, testToken, tokenFor } from "./support/github.js";
import { type Json, OWNER, pullRequestEvent, REPO } from "./support/payloads.js";

offline();

const POLICY = "version: 1\npromotion:\n  actions: [fail, revert]\n";
const RENOVATE = { login: "renovate[bot]", type: "Bot" as const };
const CHECKS = `/repos/${OWNER}/${REPO}/check-runs`;
/** A bot added `automerge`: the verdict is failure, and the app removes the label. */
const AUTOMERGED = { policy: POLICY, labels: ["automerge"], labeled: [{ label: "automerge", by: RENOVATE }] };
const GREEN_RUN = { id: 555, summary: "All good.\n\n<!-- agent-policy:fp=00 -->" };

/** Resolves once `done()` holds (background retries run on timers after `deliver` returns). */
async function until(t: TestApp, done: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error("timed out waiting for the background retry");
    await new Promise((r) => setTimeout(r, 10));
  }
  await t.agent.idle();
}

describe("a check-run update that keeps failing", () => {
  it("is replaced by a new run with the verdict, and the label is removed all the same", async () => {
    const t = await testApp();
    tokenFor(1);
    githubReads({ ...AUTOMERGED, ownRun: GREEN_RUN });
    const created: Json[] = [];
    nock(API)
      .patch(`${CHECKS}/555`)
      .reply(502, { message: "Bad Gateway" })
      .post(CHECKS, (b) => created.push(b) > 0)
      .reply(201, { id: 556 })
      .delete(`/repos/${OWNER}/${REPO}/issues/2/labels/automerge`)
      .reply(200, []);
    await deliver(t, "pull_request", pullRequestEvent("labeled"));

    expect(nock.pendingMocks()).toEqual([]);
    const [replacement] = created;
    expect(replacement).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(replacement?.output.summary).toMatch(
      /could not update its earlier run on this commit \(`HTTP 502/,
    );
    expect(t.audit.find((r) => r.event === "decision")).toMatchObject({
      verdict: "failure",
      check: "replaced",
      checkError: expect.stringMatching(/502/),
    });
    expect(t.audit.find((r) => r.event === "action")).toMatchObject({
      kind: "remove_label",
      outcome: "done",
    });
    expect(
      await t.agent.metrics.value("agent_policy_check_write_failures_total", { outcome: "replaced" }),
    ).toBe(1);
  });

  it("still removes the label when no write lands at all", async () => {
    const t = await testApp();
    tokenFor(1);
    githubReads({ ...AUTOMERGED, ownRun: GREEN_RUN });
    nock(API)
      .patch(`${CHECKS}/555`)
      .reply(502, { message: "Bad Gateway" })
      .post(CHECKS)
      .reply(502, { message: "Bad Gateway" })
      .delete(`/repos/${OWNER}/${REPO}/issues/2/labels/automerge`)
      .reply(200, []);
    await deliver(t, "pull_request", pullRequestEvent("labeled"));

    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit.find((r) => r.event === "decision")).toMatchObject({
      verdict: "failure",
      check: "failed",
    });
    expect(t.audit.find((r) => r.event === "action")).toMatchObject({
      kind: "remove_label",
      outcome: "done",
    });
  });
});

describe("a write that fails once", () => {
  it("lands on the background retry, evaluating the PR afresh", async () => {
    const t = await testApp({ maxRetries: 2, retryBaseMs: 10 });
    tokenFor(1);
    githubReads();
    nock(API).post(CHECKS).reply(503, { message: "Service Unavailable" });
    githubReads();
    nock(API).post(CHECKS).reply(201, { id: 9 });
    await deliver(t, "pull_request", pullRequestEvent("opened"));
    await until(t, () => t.audit.filter((r) => r.event === "decision").length === 2);

    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit.map((r) => [r.verdict, r.check])).toEqual([
      ["success", "failed"],
      ["success", "created"],
    ]);
    expect(await t.agent.metrics.value("agent_policy_retries_total", { outcome: "scheduled" })).toBe(1);
  });

  it("is retried after a read GitHub failed, so a red 'GitHub unavailable' heals itself", async () => {
    const t = await testApp({ maxRetries: 2, retryBaseMs: 10 });
    tokenFor(1);
    const created: Json[] = [];
    nock(API)
      .post("/graphql")
      .reply(502, { message: "Bad Gateway" })
      .get(/\/check-runs/)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(CHECKS, (b) => created.push(b) > 0)
      .reply(201, { id: 9 });
    githubReads({ ownRun: { id: 9, summary: "x" } });
    nock(API).patch(`${CHECKS}/9`).reply(200, { id: 9 });
    await deliver(t, "pull_request", pullRequestEvent("opened"));
    await until(t, () => t.audit.filter((r) => r.event === "decision").length === 2);

    const [failed] = created;
    expect(failed).toMatchObject({ conclusion: "failure" });
    expect(failed?.output.title).toBe("GitHub unavailable: could not read the pull request");
    expect(t.audit.map((r) => [r.verdict, r.check])).toEqual([
      ["failure", "created"],
      ["success", "updated"],
    ]);
  });
});

describe("installation tokens", () => {
  it("fetches a malformed token answer again instead of using it for the next hour", async () => {
    const t = await testApp();
    nock(API)
      .post("/app/installations/1/access_tokens")
      .reply(201, { expires_at: "2099-01-01T00:00:00Z", permissions: {} })
      .post("/app/installations/1/access_tokens")
      .reply(201, { token: testToken(1), expires_at: "2099-01-01T00:00:00Z", permissions: {} });
    githubReads();
    nock(API).post(CHECKS).reply(201, { id: 9 });
    await deliver(t, "pull_request", pullRequestEvent("opened"));

    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit).toEqual([expect.objectContaining({ verdict: "success", check: "created" })]);
    expect(await t.agent.metrics.value("agent_policy_token_refreshes_total", { why: "new" })).toBe(1);
  });

  it("gives up after one more malformed answer, with the reason, and asks again on the next event", async () => {
    const t = await testApp();
    const malformed = { token: 12345, expires_at: "soon", permissions: {} };
    nock(API)
      .post("/app/installations/1/access_tokens")
      .twice()
      .reply(201, malformed)
      .post("/app/installations/1/access_tokens")
      .reply(201, { token: testToken(1), expires_at: "2099-01-01T00:00:00Z", permissions: {} });
    await deliver(t, "pull_request", pullRequestEvent("opened"), "d1");
    expect(t.audit).toEqual([
      expect.objectContaining({
        verdict: "failure",
        check: "failed",
        errors: [expect.stringMatching(/malformed token/)],
      }),
    ]);

    githubReads();
    nock(API).post(CHECKS).reply(201, { id: 9 });
    await deliver(t, "pull_request", pullRequestEvent("synchronize"), "d2");
    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit.at(-1)).toMatchObject({ delivery: "d2", verdict: "success", check: "created" });
  });

  it("fetches the token again once when GitHub refuses it, and repeats the call with the new one", async () => {
    const t = await testApp();
    const fresh = `ghs_${"f".repeat(36)}`;
    nock(API)
      .post("/app/installations/1/access_tokens")
      .reply(201, { token: testToken(1), expires_at: "2099-01-01T00:00:00Z", permissions: {} })
      .post("/graphql")
      .matchHeader("authorization", `token ${testToken(1)}`)
      .reply(401, { message: "Bad credentials" })
      .post("/app/installations/1/access_tokens")
      .reply(201, { token: fresh, expires_at: "2099-01-01T00:00:00Z", permissions: {} });
    githubReads(undefined, nock(API).matchHeader("authorization", `token ${fresh}`));
    nock(API).post(CHECKS).matchHeader("authorization", `token ${fresh}`).reply(201, { id: 9 });
    await deliver(t, "pull_request", pullRequestEvent("opened"));

    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit).toEqual([expect.objectContaining({ verdict: "success", check: "created" })]);
    expect(await t.agent.metrics.value("agent_policy_token_refreshes_total", { why: "refused" })).toBe(1);
  });
});

describe("answers that do not show the write happened", () => {
  it("counts an unreadable answer to a check-run update as not written, and replaces the run", async () => {
    const t = await testApp();
    tokenFor(1);
    githubReads({ ...AUTOMERGED, ownRun: GREEN_RUN });
    const created: Json[] = [];
    nock(API)
      .patch(`${CHECKS}/555`)
      .reply(200, '{"id": 555, "status": "compl', { "content-type": "application/json; charset=utf-8" })
      .post(CHECKS, (b) => created.push(b) > 0)
      .reply(201, { id: 556 })
      .delete(`/repos/${OWNER}/${REPO}/issues/2/labels/automerge`)
      .reply(200, "[{", { "content-type": "application/json; charset=utf-8" });
    await deliver(t, "pull_request", pullRequestEvent("labeled"));

    expect(nock.pendingMocks()).toEqual([]);
    expect(created).toEqual([expect.objectContaining({ conclusion: "failure" })]);
    expect(t.audit.find((r) => r.event === "decision")).toMatchObject({ check: "replaced" });
    // A label removal GitHub did not confirm is a failed action, retried rather than taken as done.
    expect(t.audit.find((r) => r.event === "action")).toMatchObject({
      kind: "remove_label",
      outcome: "failed",
      reason: expect.stringMatching(/did not show it done/),
    });
  });
});
