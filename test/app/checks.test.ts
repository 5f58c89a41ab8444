import nock from "nock";
import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { storedFingerprint, writeCheckRun } from "../../src/github/checks.js";
import type { Annotation, CheckRunOutput } from "../../src/report/render.js";
import { fingerprint } from "../../src/report/render.js";
import { offline } from "../support/nock.js";
import type { Json } from "./support/payloads.js";

const API = "https://api.github.com";
const SHA = "1111111111111111111111111111111111111111";
const target = {
  owner: "acme",
  repo: "app",
  number: 7,
  headSha: SHA,
  detailsUrl: "https://github.com/acme/app/pull/7",
};
const octokit = () =>
  new ProbotOctokit({ auth: "token t", retry: { enabled: false }, throttle: { enabled: false } });

function output(over: Partial<CheckRunOutput> = {}): CheckRunOutput {
  return {
    status: "completed",
    conclusion: "failure",
    title: "Blocked",
    summary: "Why",
    text: "",
    annotations: [],
    ...over,
  };
}

const annotation = (i: number): Annotation => ({
  path: `f${i}.ts`,
  start_line: 1,
  end_line: 1,
  annotation_level: "failure",
  title: "secret",
  message: "found",
});

offline();

describe("writeCheckRun", () => {
  it("sends annotations 50 at a time: the first batch with the create, the rest as updates", async () => {
    const sent: Json[] = [];
    nock(API)
      .post("/repos/acme/app/check-runs", (b) => sent.push(b) > 0)
      .reply(201, { id: 42 })
      .patch("/repos/acme/app/check-runs/42", (b) => sent.push(b) > 0)
      .twice()
      .reply(200, { id: 42 });
    const out = output({ annotations: Array.from({ length: 120 }, (_, i) => annotation(i)) });
    await expect(writeCheckRun(octokit(), target, null, out)).resolves.toMatchObject({ result: "created" });
    expect(sent.map((b) => b.output.annotations.length)).toEqual([50, 50, 20]);
    expect(sent[0]).toMatchObject({
      name: "agent-policy",
      head_sha: SHA,
      conclusion: "failure",
      external_id: "acme/app#7",
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("skips the write when the stored fingerprint matches, and updates in place when it does not", async () => {
    const out = output();
    const summary = `Why\n\n<!-- agent-policy:fp=${fingerprint(out)} -->`;
    expect(storedFingerprint(summary)).toBe(fingerprint(out));
    await expect(writeCheckRun(octokit(), target, { id: 42, summary }, out)).resolves.toEqual({
      result: "unchanged",
      id: 42,
    });

    let body: Json = {};
    nock(API)
      .patch("/repos/acme/app/check-runs/42", (b) => {
        body = b;
        return true;
      })
      .reply(200, { id: 42 });
    await expect(
      writeCheckRun(octokit(), target, { id: 42, summary }, output({ conclusion: "success" })),
    ).resolves.toEqual({ result: "updated", id: 42 });
    expect(body).toMatchObject({ status: "completed", conclusion: "success" });
  });

  it("reports a run that is waiting on checks as in progress, without a conclusion", async () => {
    let body: Json = {};
    nock(API)
      .post("/repos/acme/app/check-runs", (b) => {
        body = b;
        return true;
      })
      .reply(201, { id: 1 });
    await writeCheckRun(octokit(), target, null, output({ status: "in_progress", conclusion: null }));
    expect(body.status).toBe("in_progress");
    expect(body).not.toHaveProperty("conclusion");
  });

  it("keeps the summary within GitHub's 65,535 characters with the fingerprint", async () => {
    let body: Json = {};
    nock(API)
      .post("/repos/acme/app/check-runs", (b) => {
        body = b;
        return true;
      })
      .reply(201, { id: 1 });
    await writeCheckRun(octokit(), target, null, output({ summary: "x".repeat(70_000) }));
    expect(body.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(storedFingerprint(body.output.summary)).toMatch(/^[0-9a-f]+$/);
  });

  it("fails when GitHub's create answer carries no run id", async () => {
    nock(API).post("/repos/acme/app/check-runs").reply(201, "surprise");
    await expect(writeCheckRun(octokit(), target, null, output())).rejects.toThrow(/without a run id/);
  });
});
