/**
 * Every GitHub fault at every step of an evaluation ends in a failed check that names the reason,
 * or — when the check itself cannot be written — in an audit record with the error and a retry.
 * Never success for a PR that was not decided.
 */
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API, deliver, isPrQuery, prData, restFiles, testApp, tokenFor } from "./support/github.js";
import { HEAD, type Json, OWNER, pullRequestEvent, REPO } from "./support/payloads.js";

type Interceptor = ReturnType<nock.Scope["get"]>;

const TIMEOUT_MS = 300;

const FAULTS: Record<string, { apply: (i: Interceptor) => nock.Scope; reason: RegExp }> = {
  "a 5xx": { apply: (i) => i.reply(502, { message: "Bad Gateway" }), reason: /502|bad gateway/i },
  "a 403 rate limit": {
    apply: (i) =>
      i.reply(
        403,
        { message: "API rate limit exceeded for installation." },
        {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
        },
      ),
    reason: /rate limit|403/i,
  },
  "a 404": { apply: (i) => i.reply(404, { message: "Not Found" }), reason: /404|not found/i },
  "a timeout": { apply: (i) => i.delay(TIMEOUT_MS * 4).reply(200, {}), reason: /timed out/i },
  "malformed JSON": {
    apply: (i) => i.reply(200, "{ this is not json", { "content-type": "application/json; charset=utf-8" }),
    reason: /unexpected|malformed|unreadable|shape|json|answer/i,
  },
};

const PERMISSION = `/repos/${OWNER}/${REPO}/collaborators/hubot/permission`;
const FILES = `/repos/${OWNER}/${REPO}/pulls/2/files`;
const CHECKS = `/repos/${OWNER}/${REPO}/check-runs`;

/** Mocks every step before `step` as healthy, `step` with `fault`, and returns the check bodies GitHub receives. */
function github(step: "read" | "files" | "people" | "check", fault: (i: Interceptor) => nock.Scope): Json[] {
  const bodies: Json[] = [];
  const capture = (b: Json) => {
    bodies.push(b);
    return true;
  };
  const api = nock(API);
  // GraphQL can't vouch for hubot's push access, so the app must look the permission up (the people step).
  const pr = { approvals: ["hubot"], approverCanPush: false };
  if (step === "read") {
    fault(api.post("/graphql", isPrQuery));
    // The read failed, so the app looks for its own run on the head commit from the event before writing.
    api
      .get(`/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] });
    api.post(CHECKS, capture).reply(201, { id: 1 });
    return bodies;
  }
  api.post("/graphql", isPrQuery).reply(200, { data: prData(pr) });
  if (step === "files") {
    fault(api.get(FILES).query(true));
  } else {
    api.get(FILES).query(true).reply(200, restFiles(pr));
  }
  if (step === "people") fault(api.get(PERMISSION));
  else if (step === "check") api.get(PERMISSION).reply(200, { permission: "write", role_name: "write" });
  if (step === "check") {
    // The decision's write fails; no run of ours is on the head, so nothing old can stand.
    fault(api.post(CHECKS, capture));
  } else {
    api.post(CHECKS, capture).reply(201, { id: 1 });
  }
  return bodies;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.abortPendingRequests();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe.each(Object.entries(FAULTS))("%s", (name, fault) => {
  // A 404 on a permission lookup is an answer, not a fault: that person has no access to the repository.
  const steps = name === "a 404" ? (["read", "files"] as const) : (["read", "files", "people"] as const);
  it.each(steps)("at the %s step fails the check with the reason", async (step) => {
    const t = await testApp({ requestTimeoutMs: TIMEOUT_MS });
    tokenFor(1);
    const bodies = github(step, fault.apply);
    await deliver(t, "pull_request", pullRequestEvent("opened"));

    expect(bodies).toHaveLength(1);
    const [body] = bodies as [Json];
    expect(body).toMatchObject({ head_sha: HEAD, status: "completed", conclusion: "failure" });
    expect(body.output.summary).toMatch(fault.reason);
    expect(t.audit).toEqual([
      expect.objectContaining({ event: "decision", verdict: "failure", check: "created" }),
    ]);
    expect(t.audit[0]?.errors.join(" ")).toMatch(fault.reason);
  });

  it("at the check write keeps the real verdict in the audit record, with the error, for a retry", async () => {
    const t = await testApp({ requestTimeoutMs: TIMEOUT_MS });
    tokenFor(1);
    const bodies = github("check", fault.apply);
    await deliver(t, "pull_request", pullRequestEvent("opened"));

    // One attempt at the verdict itself: a fail-closed run in its place would hide what was decided.
    expect(bodies).toEqual([expect.objectContaining({ conclusion: "success" })]);
    expect(t.audit).toEqual([
      expect.objectContaining({
        event: "decision",
        verdict: "success",
        check: "failed",
        checkError: expect.stringMatching(fault.reason),
      }),
    ]);
    expect(await t.agent.metrics.value("agent_policy_errors_total", { stage: "check" })).toBe(1);
    expect(
      await t.agent.metrics.value("agent_policy_check_write_failures_total", { outcome: "failed" }),
    ).toBe(1);
    expect(await t.agent.metrics.value("agent_policy_retries_total", { outcome: "gave_up" })).toBe(1);
  });
});

describe("an installation token that cannot be had", () => {
  it("is audited as a failure with the reason, and never leaks the App's credentials", async () => {
    const t = await testApp({ requestTimeoutMs: TIMEOUT_MS });
    nock(API).post("/app/installations/1/access_tokens").reply(500, { message: "boom" });
    await deliver(t, "pull_request", pullRequestEvent("opened"));
    // Without a token nothing can be written either: the audit record is all that is left.
    expect(t.audit).toEqual([
      expect.objectContaining({
        verdict: "failure",
        check: "failed",
        errors: [expect.stringMatching(/500.*boom/)],
      }),
    ]);
    expect(JSON.stringify(t.audit)).not.toMatch(/eyJ[\w-]{20,}/); // no JWT, even from a mock's error text
  });
});
