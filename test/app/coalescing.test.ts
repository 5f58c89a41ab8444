/**
 * Coalescing without a debounce (issue 8): the first event of an idle PR is evaluated at once; the
 * events that arrive while the installation's next write is not yet due are read by one evaluation,
 * which writes once, when the write may go.
 */
import nock from "nock";
import { expect, it } from "vitest";
import { offline } from "../support/nock.js";
import { API, isPrQuery, prData, restFiles, testApp, tokenFor } from "./support/github.js";
import { OWNER, pullRequestEvent, REPO } from "./support/payloads.js";

offline();

const SPACING = 600;

it("evaluates an idle PR's first event at once, then reads a burst once and writes it once", async () => {
  const t = await testApp({ writeSpacingMs: SPACING });
  tokenFor(1);
  const reads: number[] = [];
  const writes: number[] = [];
  nock(API)
    .persist()
    .post("/graphql", isPrQuery)
    .reply(200, () => {
      reads.push(Date.now());
      return { data: prData({ labels: reads.length > 1 ? ["ready"] : [] }) };
    })
    .get(`/repos/${OWNER}/${REPO}/pulls/2/files`)
    .query(true)
    .reply(200, restFiles())
    .post(`/repos/${OWNER}/${REPO}/check-runs`)
    .reply(201, () => {
      writes.push(Date.now());
      return { id: 7 };
    })
    .patch(`/repos/${OWNER}/${REPO}/check-runs/7`)
    .reply(200, () => {
      writes.push(Date.now());
      return { id: 7 };
    });

  const receive = (id: string, action: string) =>
    t.probot.receive({ id, name: "pull_request", payload: pullRequestEvent(action) } as never);
  await receive("first", "opened");
  // The first evaluation waits for nothing: no debounce, no pacing.
  for (let i = 0; i < 300 && writes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(writes).toHaveLength(1);
  for (const reason of ["read_lead", "write_spacing", "write_concurrency", "read_concurrency"])
    expect(await t.agent.metrics.value("agent_policy_throttle_waits_total", { reason })).toBe(0);

  for (let i = 0; i < 5; i++) await receive(`burst-${i}`, i % 2 ? "labeled" : "synchronize");
  await t.agent.idle();

  // One more read, taken just before the write was due, and one write carrying the newest delivery.
  expect(reads).toHaveLength(2);
  expect(writes).toHaveLength(2);
  expect((writes[1] as number) - (writes[0] as number)).toBeGreaterThanOrEqual(SPACING - 5);
  const decisions = t.audit.filter((r) => r.event === "decision");
  expect(decisions.map((d) => d.delivery)).toEqual(["first", "burst-4"]);
  expect(await t.agent.metrics.render()).toMatch(/agent_policy_check_current_seconds_count 2/);
  expect(await t.agent.metrics.value("agent_policy_throttle_waits_total", { reason: "read_lead" })).toBe(1);
});
