/**
 * Throttling ON (Probot's defaults, retries off): evaluations of different installations run side
 * by side. With Probot's event octokit all installations share one throttle key, and their 8 writes
 * and GraphQL calls would be spaced a second apart (≈7 s); per-installation keys leave only each
 * installation's own spacing between its GraphQL read and its check write (≈1 s).
 */
import nock from "nock";
import { ProbotOctokit } from "probot";
import { expect, it } from "vitest";
import { offline } from "../support/nock.js";
import { API, githubReads, testApp, tokenFor } from "./support/github.js";
import { OWNER, pullRequestEvent, REPO } from "./support/payloads.js";

offline();

it("completes four installations' evaluations, each with a write, concurrently", async () => {
  const t = await testApp({}, ProbotOctokit.defaults({ retry: { enabled: false } }));
  const installations = [11, 12, 13, 14];
  const done: number[] = [];
  const started = Date.now();
  for (const id of installations) {
    tokenFor(id);
    githubReads();
    nock(API)
      .post(`/repos/${OWNER}/${REPO}/check-runs`)
      .reply(201, () => {
        done.push(Date.now() - started);
        return { id };
      });
  }
  await Promise.all(
    installations.map((id) =>
      t.probot.receive({
        id: `d-${id}`,
        name: "pull_request",
        payload: pullRequestEvent("opened", { installation: id }),
      } as never),
    ),
  );
  await t.agent.idle();
  const total = Date.now() - started;

  expect(nock.pendingMocks()).toEqual([]);
  expect(t.audit.map((r) => r.installation).sort()).toEqual(installations);
  expect(Math.max(...done) - Math.min(...done)).toBeLessThan(400);
  expect(total).toBeLessThan(2_000);
}, 15_000);
