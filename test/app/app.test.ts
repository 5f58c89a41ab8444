import nock from "nock";
import { describe, expect, it } from "vitest";
import { offline } from "../support/nock.js";
import {
  API,
  APP_ID,
  deliver,
  githubReads,
  isPrQuery,
  prData,
  restFiles,
  testApp,
  tokenFor,
} from "./support/github.js";
import { example, HEAD, type Json, OWNER, pullRequestEvent, REPO, REPO_ID } from "./support/payloads.js";

offline();

/** Runs one evaluation of an unchanged PR #2 and returns the check-run body GitHub received. */
async function firstCheck(): Promise<Json> {
  const t = await testApp();
  let body: Json = {};
  tokenFor(1);
  githubReads();
  nock(API)
    .post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => {
      body = b;
      return true;
    })
    .reply(201, { id: 555 });
  await deliver(t, "pull_request", pullRequestEvent("opened"));
  return body;
}

describe("pull_request.opened", () => {
  it("reads once by GraphQL, lists files once, and creates one check run on the head commit", async () => {
    const t = await testApp();
    let body: Json = {};
    tokenFor(1);
    const reads = githubReads();
    const write = nock(API)
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => {
        body = b;
        return true;
      })
      .reply(201, { id: 555 });
    await deliver(t, "pull_request", pullRequestEvent("opened"));

    expect(reads.isDone() && write.isDone()).toBe(true);
    expect(body).toMatchObject({
      name: "agent-policy",
      head_sha: HEAD,
      status: "completed",
      conclusion: "success",
      external_id: `${OWNER}/${REPO}#2`,
      details_url: `https://github.com/${OWNER}/${REPO}/pull/2`,
      actions: [{ label: "Re-evaluate", identifier: "reevaluate", description: "Evaluate this PR again" }],
    });
    expect(body.output.title).toEqual(expect.any(String));
    expect(body.output.summary).toMatch(/<!-- agent-policy:fp=[0-9a-f]+ -->$/);
    expect(t.audit).toEqual([
      expect.objectContaining({
        audit: "agent-policy",
        event: "decision",
        delivery: "delivery-1",
        installation: 1,
        repository: `${OWNER}/${REPO}`,
        pr: 2,
        headSha: HEAD,
        verdict: "success",
        authorKind: "human",
        check: "created",
        // PR query, file list, the base branch's protection and rules (read once per branch for ten
        // minutes, for the enforcement self-check), check create; the token is fetched and checked before.
        apiRequests: 5,
      }),
    ]);
  });

  it("writes nothing when the same state is evaluated again", async () => {
    const first = await firstCheck();
    nock.cleanAll();
    const t = await testApp();
    tokenFor(1);
    const reads = githubReads({ ownRun: { id: 555, summary: first.output.summary } });
    await deliver(t, "pull_request", pullRequestEvent("synchronize"));
    expect(reads.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    // PR query, file list, the new app's first read of the branch's protection and rules — and no write
    expect(t.audit[0]).toMatchObject({ event: "decision", check: "unchanged", apiRequests: 4 });
  });
});

describe("updates in place", () => {
  it("patches the existing run when a review changes the outcome", async () => {
    const t = await testApp();
    let patched: Json = {};
    tokenFor(1);
    githubReads({
      ownRun: { id: 555, summary: "old\n\n<!-- agent-policy:fp=0000 -->" },
      approvals: ["hubot"],
    });
    // GraphQL already says hubot can push, so no permission lookup is made.
    nock(API)
      .patch(`/repos/${OWNER}/${REPO}/check-runs/555`, (b) => {
        patched = b;
        return true;
      })
      .reply(200, { id: 555 });
    await deliver(t, "pull_request_review", example("pull_request_review", "submitted"));
    expect(nock.pendingMocks()).toEqual([]);
    expect(patched).toMatchObject({ status: "completed", conclusion: "success" });
    expect(patched.head_sha).toBeUndefined();
    expect(t.audit[0]).toMatchObject({ check: "updated" });
  });
});

describe("check_run and check_suite", () => {
  it("ignores our own check run completing (no loop, no request)", async () => {
    const t = await testApp();
    const run = example("check_run", "completed");
    run.check_run.app.id = APP_ID;
    await deliver(t, "check_run", run);
    expect(t.audit).toEqual([]);
    expect(await t.agent.metrics.value("agent_policy_github_requests_total")).toBe(0);
  });

  it("re-evaluates the PR of another app's completed run", async () => {
    const t = await testApp();
    const run = example("check_run", "completed");
    tokenFor(1);
    githubReads();
    nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 9 });
    await deliver(t, "check_run", run);
    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit[0]).toMatchObject({ pr: 2, check: "created" });
  });

  it("finds a fork PR (empty pull_requests) through the commit's pull requests", async () => {
    const t = await testApp();
    const suite = example("check_suite", "completed");
    suite.check_suite.pull_requests = [];
    suite.check_suite.head_sha = HEAD;
    suite.repository.owner.login = OWNER;
    suite.repository.name = REPO;
    tokenFor(1);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/commits/${HEAD}/pulls`)
      .query(true)
      .reply(200, [
        {
          number: 2,
          state: "open",
          head: { sha: HEAD },
          html_url: "u",
          base: { repo: { full_name: `${OWNER}/${REPO}` } },
        },
        {
          number: 3,
          state: "closed",
          head: { sha: HEAD },
          html_url: "u",
          base: { repo: { full_name: `${OWNER}/${REPO}` } },
        },
        {
          number: 4,
          state: "open",
          head: { sha: HEAD },
          html_url: "u",
          base: { repo: { full_name: "someone/else" } },
        },
      ]);
    githubReads();
    nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 9 });
    await deliver(t, "check_suite", suite);
    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit.map((r) => r.pr)).toEqual([2]);
  });
});

describe("Re-evaluate button", () => {
  function click() {
    const run = example("check_run", "requested_action");
    run.repository.owner.login = OWNER;
    run.repository.name = REPO;
    run.repository.id = REPO_ID;
    run.check_run.app.id = APP_ID;
    run.check_run.external_id = `${OWNER}/${REPO}#2`;
    run.requested_action = { identifier: "reevaluate" };
    run.sender.login = "mallory";
    return run;
  }

  it("is ignored, and audited, when the clicker cannot write to the repository", async () => {
    const t = await testApp();
    tokenFor(1);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/collaborators/mallory/permission`)
      .reply(200, { permission: "read", role_name: "read", user: { login: "mallory" } });
    await deliver(t, "check_run", click());
    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit).toEqual([
      expect.objectContaining({
        event: "action",
        kind: "reevaluate",
        target: "mallory",
        outcome: "skipped",
        reason: expect.stringContaining("read"),
      }),
    ]);
  });

  it("re-evaluates when the clicker has write permission", async () => {
    const t = await testApp();
    tokenFor(1);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/collaborators/mallory/permission`)
      .reply(200, { permission: "write", role_name: "write", user: { login: "mallory" } });
    githubReads();
    nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 9 });
    await deliver(t, "check_run", click());
    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit.map((r) => [r.event, r.outcome ?? r.check])).toEqual([
      ["action", "done"],
      ["decision", "created"],
    ]);
  });
});

describe("merge_group", () => {
  it("posts the PR's verdict on the merge group's head commit", async () => {
    const t = await testApp();
    const group = example("merge_group", "checks_requested");
    group.repository.owner.login = OWNER;
    group.repository.name = REPO;
    group.merge_group.head_ref = `refs/heads/gh-readonly-queue/main/pr-2-${HEAD}`;
    const groupSha = group.merge_group.head_sha;
    let body: Json = {};
    tokenFor(1);
    githubReads();
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/commits/${groupSha}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => {
        body = b;
        return true;
      })
      .reply(201, { id: 10 });
    await deliver(t, "merge_group", group);
    expect(nock.pendingMocks()).toEqual([]);
    expect(body).toMatchObject({
      head_sha: groupSha,
      conclusion: "success",
      external_id: `${OWNER}/${REPO}#2`,
    });
    expect(t.audit[0]).toMatchObject({ pr: 2, headSha: groupSha });
  });

  it("keeps the merge group's evaluation when a pull_request event for the same PR arrives while it waits", async () => {
    const t = await testApp();
    const group = example("merge_group", "checks_requested");
    group.repository.owner.login = OWNER;
    group.repository.name = REPO;
    group.merge_group.head_ref = `refs/heads/gh-readonly-queue/main/pr-2-${HEAD}`;
    const groupSha = group.merge_group.head_sha;
    const posted: string[] = [];
    tokenFor(1);
    githubReads();
    githubReads();
    githubReads();
    nock(API)
      .persist()
      .get(`/repos/${OWNER}/${REPO}/commits/${groupSha}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (b: Json) => {
        posted.push(b.head_sha);
        return true;
      })
      .reply(201, { id: 10 });
    // PR #2 is being evaluated; GitHub then sends merge_group.checks_requested and pull_request.enqueued together.
    const receive = (id: string, name: string, payload: unknown) =>
      void t.probot.receive({ id, name, payload } as never);
    receive("1", "pull_request", pullRequestEvent("labeled"));
    receive("2", "merge_group", group);
    receive("3", "pull_request", { ...pullRequestEvent("synchronize"), action: "enqueued" });
    await new Promise((r) => setTimeout(r, 50));
    await t.agent.idle();
    nock.cleanAll();
    expect(posted).toContain(groupSha);
    expect(posted).toContain(HEAD);
  });

  it("fails the merge group's check when its PR cannot be told", async () => {
    const t = await testApp();
    const group = example("merge_group", "checks_requested");
    group.merge_group.head_ref = "refs/heads/not-a-queue-ref";
    let body: Json = {};
    const { login } = group.repository.owner;
    const { name } = group.repository;
    tokenFor(1);
    nock(API)
      .get(`/repos/${login}/${name}/commits/${group.merge_group.head_sha}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`/repos/${login}/${name}/check-runs`, (b) => {
        body = b;
        return true;
      })
      .reply(201, { id: 10 });
    await deliver(t, "merge_group", group);
    expect(body).toMatchObject({ head_sha: group.merge_group.head_sha, conclusion: "failure" });
    expect(body.output.summary).toContain("not-a-queue-ref");
    expect(t.audit[0]).toMatchObject({ pr: null, verdict: "failure", check: "created" });
  });
});

describe("App attribution", () => {
  const MARIA = { login: "maria", type: "User" as const };
  /** One evaluation of PR #2 whose `automerge` label maria added, per GraphQL; the REST timeline names `app`. */
  async function labelledBy(app: { slug: string; id: number } | null) {
    const t = await testApp();
    let body: Json = {};
    tokenFor(1);
    githubReads({ labels: ["automerge"], labeled: [{ label: "automerge", by: MARIA }] });
    const timeline = nock(API)
      .get(`/repos/${OWNER}/${REPO}/issues/2/timeline`)
      .query(true)
      .reply(200, [
        {
          event: "labeled",
          id: 1,
          created_at: "2026-01-02T00:00:00Z",
          actor: { login: "maria", type: "User", id: 5 },
          performed_via_github_app: app,
          label: { name: "automerge" },
        },
      ]);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/collaborators/maria/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => {
        body = b;
        return true;
      })
      .reply(201, { id: 3 });
    await deliver(t, "pull_request", pullRequestEvent("labeled"));
    expect(timeline.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    return body;
  }

  it("reads the REST timeline when a person added a protected label, and trusts their own step", async () => {
    expect((await labelledBy(null)).conclusion).toBe("success");
  });

  it("fails a protected label a person's token applied through an App", async () => {
    const body = await labelledBy({ slug: "chat-bridge", id: 9 });
    expect(body.conclusion).toBe("failure");
    expect(body.output.summary).toContain("chat-bridge");
  });
});

describe("push to the default branch", () => {
  it("re-evaluates the open PRs when the policy file changed", async () => {
    const t = await testApp();
    const push = example("push");
    push.repository.owner.login = OWNER;
    push.repository.name = REPO;
    push.ref = `refs/heads/${push.repository.default_branch}`;
    push.forced = false;
    push.deleted = false;
    push.commits = [{ added: [], removed: [], modified: [".github/agent-policy.yml"] }];
    const pull = (number: number) => ({
      number,
      state: "open",
      head: { sha: HEAD },
      html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}`,
      base: { repo: { full_name: `${OWNER}/${REPO}` } },
    });
    tokenFor(1);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls`)
      .query({ state: "open", per_page: 100 })
      .reply(200, [pull(2), pull(5)]);
    githubReads({ number: 2 });
    githubReads({ number: 5 });
    nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).twice().reply(201, { id: 9 });
    await deliver(t, "push", push);
    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit.map((r) => r.pr).sort()).toEqual([2, 5]);
  });
});

describe("bursts", () => {
  it("coalesces 20 events for one PR into at most two reads, the last of the newest state", async () => {
    const t = await testApp();
    const newest = "2222222222222222222222222222222222222222";
    let reads = 0;
    const bodies: Json[] = [];
    tokenFor(1);
    nock(API)
      .post("/graphql", isPrQuery)
      .times(2)
      .reply(200, () => {
        reads++;
        // The first read may see the old head; any later read sees the newest push.
        return { data: prData({ head: reads === 1 ? HEAD : newest }) };
      })
      .get(`/repos/${OWNER}/${REPO}/pulls/2/files`)
      .query(true)
      .times(2)
      .reply(200, restFiles())
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => {
        bodies.push(b);
        return true;
      })
      .times(2)
      .reply(201, { id: 9 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.probot.receive({
          id: `d-${i}`,
          name: "pull_request",
          payload: pullRequestEvent("synchronize"),
        } as never),
      ),
    );
    await t.agent.idle();
    expect(reads).toBeLessThanOrEqual(2);
    expect(bodies.at(-1)?.head_sha).toBe(reads === 2 ? newest : HEAD);
    expect(t.audit.at(-1)?.delivery).toBe("d-19");
    expect(
      await t.agent.metrics.value("agent_policy_webhooks_received_total", { event: "pull_request" }),
    ).toBe(20);
  });
});

describe("bad events", () => {
  it("never crashes on payloads missing fields", async () => {
    const t = await testApp();
    for (const [name, payload] of [
      ["pull_request", { action: "opened" }],
      ["pull_request", { action: "opened", installation: { id: 1 }, repository: null }],
      ["check_run", { action: "completed", check_run: {} }],
      ["merge_group", { action: "checks_requested", merge_group: null }],
      ["push", {}],
      ["status", { sha: "nope" }],
    ] as const) {
      await expect(deliver(t, name, payload)).resolves.toBeUndefined();
    }
    expect(t.audit).toEqual([]);
    expect(await t.agent.metrics.value("agent_policy_github_requests_total")).toBe(0);
  });
});

describe("the policy", () => {
  it("fails the check with file:line:column when the policy is invalid", async () => {
    const t = await testApp();
    let body: Json = {};
    tokenFor(1);
    nock(API)
      .post("/graphql", isPrQuery)
      .reply(200, { data: prData({ policy: "version: 1\nrulez: []\n" }) })
      .post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => {
        body = b;
        return true;
      })
      .reply(201, { id: 1 });
    await deliver(t, "pull_request", pullRequestEvent("opened"));
    expect(body).toMatchObject({
      conclusion: "failure",
      output: { title: "Invalid agent-policy configuration" },
    });
    expect(body.output.summary).toMatch(/Codertocat\/Hello-World:\.github\/agent-policy\.yml:2:\d+: .*rulez/);
    expect(t.audit[0]).toMatchObject({ verdict: "failure", errors: [expect.stringMatching(/:2:\d+: /)] });
  });

  it("is loaded once per policy commit: an `_extends` base is not fetched again for the next event", async () => {
    const t = await testApp();
    const policy = "version: 1\n_extends: Codertocat/policies:base.yml\n";
    tokenFor(1);
    const base = nock(API)
      .get("/repos/Codertocat/policies/contents/base.yml")
      .once()
      .reply(200, "version: 1\nsecrets:\n  scan: true\n");
    for (const delivery of ["d-1", "d-2"]) {
      githubReads({ policy });
      nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 1 });
      await deliver(t, "pull_request", pullRequestEvent("synchronize"), delivery);
    }
    expect(base.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit.map((r) => [r.verdict, r.policySource])).toEqual([
      ["success", expect.stringContaining("agent-policy.yml")],
      ["success", expect.stringContaining("agent-policy.yml")],
    ]);
  });
});

describe("the App's own identity", () => {
  it("asks GitHub for the App's slug once when it is not configured", async () => {
    const t = await testApp({ appSlug: undefined });
    const app = nock(API).get("/app").once().reply(200, { id: APP_ID, slug: "agent-policy" });
    tokenFor(1);
    for (const delivery of ["d-1", "d-2"]) {
      githubReads();
      nock(API).post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 1 });
      await deliver(t, "pull_request", pullRequestEvent("synchronize"), delivery);
    }
    expect(app.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    expect(t.audit.map((r) => r.check)).toEqual(["created", "created"]);
  });
});
