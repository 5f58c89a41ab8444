/**
 * Two replicas behind one webhook stream act as one app (issue 8). Two real server processes share
 * Redis and the stand-in; each PR's events are split between them and sent at once, so both hold
 * events for the same PR at the same moment. Devin opens each PR and adds `automerge` (the policy
 * fails, reverts and comments); two of the PRs share one head commit. Asserted, from what GitHub
 * saw and from both replicas' audit records:
 * - no PR is evaluated by both replicas at once, and the bursts coalesced (fewer evaluations than events);
 * - one check run per head commit, its verdict the right one; one label removal and one comment per PR;
 * - the two replicas together kept each installation's writes a second apart.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type PullRequestRecord,
  payloads,
  type ScenarioEvent,
  type StandIn,
  scenarios,
  sendWebhook,
  startStandIn,
} from "../../tools/github-standin/index.js";
import { type Replica, serverEnv, startRedis, startReplica, until } from "./support.js";

const DEVIN = "devin-ai-integration[bot]";
const POLICY = "version: 1\npromotion:\n  actions: [fail, revert, comment]\n";
const ORGS = ["north", "south"];
const PRS_PER_ORG = 3;
const secret = randomBytes(16).toString("hex");

let standIn: StandIn;
let redis: { url: string; stop(): void };
let replicas: Replica[] = [];
const prs: { repo: string; record: PullRequestRecord }[] = [];
let sent = 0;

/** Devin's events on a PR as GitHub would send them, the store changed first. */
function burst(repo: string, record: PullRequestRecord): ScenarioEvent[] {
  const { store } = standIn;
  const pr = (action: string, sender: string, label?: string): ScenarioEvent => ({
    name: "pull_request",
    payload: payloads.pullRequest(store, repo, record.number, action, sender, label ? { label } : {}),
  });
  const opened = pr("opened", DEVIN);
  store.label(record, DEVIN, "automerge", scenarios.DEVIN_APP_ID);
  const labeled = pr("labeled", DEVIN, "automerge");
  const review = store.addReview(record, { author: "bob", state: "COMMENTED" });
  return [
    opened,
    labeled,
    pr("edited", DEVIN),
    {
      name: "pull_request_review",
      payload: payloads.pullRequestReview(store, repo, record.number, review.id),
    },
    pr("synchronize", DEVIN),
    pr("edited", DEVIN),
  ];
}

beforeAll(async () => {
  redis = await startRedis();
  standIn = await startStandIn();
  const { store } = standIn;
  scenarios.addDevinApp(store);
  for (const owner of ORGS) {
    store.addUser({ login: owner, type: "Organization" });
    const repo = store.addRepo({
      owner,
      name: "service",
      files: { ".github/agent-policy.yml": POLICY },
      collaborators: { bob: "write" },
    });
    store.commitToBranch(repo.fullName, { branch: "sandbox", files: {}, message: "sandbox", author: "bob" });
    for (let i = 0; i < PRS_PER_ORG; i++) {
      const file = {
        filename: `src/change${i}.ts`,
        status: "added" as const,
        patch: `@@ -0,0 +1 @@\n+export const c = ${i};`,
      };
      const first = prs.find((p) => p.repo === repo.fullName);
      // The last PR of the first organisation reuses its first PR's head commit.
      const shared = owner === ORGS[0] && i === PRS_PER_ORG - 1 && first;
      const record = store.addPullRequest(repo.fullName, {
        title: `Change ${i}`,
        author: DEVIN,
        head: `devin/change-${i}`,
        ...(shared
          ? { base: "sandbox", commits: [{ sha: first.record.head.sha, message: "Change", author: DEVIN }] }
          : {}),
        files: [file],
      });
      prs.push({ repo: repo.fullName, record });
    }
  }
  const env = {
    ...serverEnv(standIn, secret, 0),
    REDIS_URL: redis.url,
    RECONCILE_INTERVAL_MS: "0",
    REPLICA_TTL_MS: "3000",
  };
  replicas = await Promise.all([startReplica(env), startReplica(env)]);

  // Every PR's burst at once, its events dealt to the two replicas in turn.
  await Promise.all(
    prs.flatMap(({ repo, record }) =>
      burst(repo, record).map(async (event, i) => {
        const replica = replicas[i % 2] as Replica;
        const res = await sendWebhook({ url: `${replica.url}/api/github/webhooks`, secret, ...event });
        expect(res.status).toBe(200);
        sent++;
      }),
    ),
  );
  const shared = new Redis(redis.url);
  try {
    await until(
      "both replicas are idle and nothing is left in Redis",
      async () => {
        const depths = await Promise.all(
          replicas.map(
            async (r) =>
              ((await (await fetch(`${r.url}/healthz`)).json()) as { queueDepth: number }).queueDepth,
          ),
        );
        return (
          depths.every((d) => d === 0) &&
          (await shared.hlen("agent-policy:next")) + (await shared.hlen("agent-policy:run")) === 0
        );
      },
      60_000,
    );
  } finally {
    shared.disconnect();
  }
}, 120_000);

afterAll(async () => {
  for (const r of replicas) r.process.kill("SIGKILL");
  await standIn?.close();
  redis?.stop();
});

type Decision = Record<string, unknown> & { replica: number };
const decisions = (): Decision[] =>
  replicas.flatMap((r, i) =>
    r.audit.filter((a) => a.event === "decision").map((a) => ({ ...a, replica: i })),
  );

it("never evaluates one PR on both replicas at once, and coalesces the bursts", () => {
  const all = decisions();
  expect(new Set(all.map((d) => d.replica))).toEqual(new Set([0, 1]));
  expect(all.length).toBeLessThan(sent);
  for (const { repo, record } of prs) {
    const spans = all
      .filter((d) => d.repository === repo && d.pr === record.number)
      .map((d) => ({ start: Number(d.time) - Number(d.durationMs), end: Number(d.time) }))
      .sort((a, b) => a.start - b.start);
    expect(spans.length).toBeGreaterThan(0);
    for (let i = 1; i < spans.length; i++)
      expect((spans[i] as { start: number }).start).toBeGreaterThanOrEqual(
        (spans[i - 1] as { end: number }).end,
      );
  }
});

it("writes one check run per head, with the verdict, and undoes and comments once per PR", () => {
  const { store, requests } = standIn;
  const runs = store.ownCheckRuns();
  const heads = new Set(prs.map((p) => p.record.head.sha));
  expect(heads.size).toBe(prs.length - 1);
  expect(runs.map((r) => r.headSha).sort()).toEqual([...heads].sort());
  for (const run of runs) expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
  for (const { repo, record } of prs) {
    expect(record.labels).not.toContain("automerge");
    const path = (suffix: string) => `/api/v3/repos/${repo}/issues/${record.number}/${suffix}`;
    expect(
      requests.entries.filter((e) => e.method === "DELETE" && e.path === path("labels/automerge")),
    ).toHaveLength(1);
    expect(requests.entries.filter((e) => e.method === "POST" && e.path === path("comments"))).toHaveLength(
      1,
    );
  }
});

it("keeps each installation's writes at least a second apart across both replicas", () => {
  const closest = standIn.requests.closestWrites();
  expect(closest.size).toBe(ORGS.length);
  for (const gap of closest.values()) expect(gap).toBeGreaterThanOrEqual(1_000);
});
