/**
 * The five example agent PRs, end to end: signed webhooks to the real HTTP server, GitHub played by
 * the stand-in, and the check runs and enforcement read back as a user would see them on GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { payloads, type Scenario, scenarios } from "../../tools/github-standin/index.js";
import { everythingWritten, onlyRun, runsOn, writesTo } from "./support.js";

let gate: Gate;
let seeded: Record<string, Scenario>;

beforeAll(async () => {
  gate = await startGate();
  seeded = Object.fromEntries(scenarios.seedAllScenarios(gate.standIn.store).map((s) => [s.key, s]));
  for (const scenario of Object.values(seeded)) {
    expect((await gate.deliver(scenario.event())).status).toBe(200);
  }
  await gate.settle();
}, 40_000);
afterAll(() => gate?.close());

const scenario = (key: string) => seeded[key] as Scenario;

describe("the built-in default policy on the example PRs", () => {
  it("holds Copilot's auth change for a second independent approval: its requester's does not count", () => {
    const run = onlyRun(gate, scenario("copilot-auth"));
    expect(run).toMatchObject({ name: "agent-policy", status: "completed", conclusion: "action_required" });
    expect(run.output.title).toMatch(/1 more independent human approval/);
    const summary = run.output.summary ?? "";
    expect(summary).toMatch(/\*\*Author:\*\* @Copilot — AI agent/);
    expect(summary).toMatch(/\*\*Requested by:\*\* @alice/);
    expect(summary).toMatch(/agent-or-bot-sensitive .*1 of 2 required: @bob/);
    expect(summary).toMatch(/@alice \| approved \| ❌ does not count \| asked the agent for this work/);
    expect(summary).toMatch(/auth \| `src\/auth\/session\.ts`/);
    expect(run.output.annotations).toContainEqual(
      expect.objectContaining({ path: "src/auth/session.ts", annotation_level: "notice" }),
    );
    expect(run.actions.map((a) => a.label)).toContain("Re-evaluate");
  });

  it("passes Claude Code's docs change made under erin's account once bob approved", () => {
    const run = onlyRun(gate, scenario("claude-docs"));
    expect(run.conclusion).toBe("success");
    expect(run.output.title).toMatch(/All requirements met/);
    expect(run.output.summary).toMatch(/Claude Code/);
    expect(run.output.summary).toMatch(/\*\*Requested by:\*\* @erin/);
    expect(run.output.summary).toMatch(/@bob \| approved \| ✅ counts/);
  });

  it("passes Dependabot's bump with one approval, reported as a bot", () => {
    const run = onlyRun(gate, scenario("dependabot-bump"));
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toMatch(/\*\*Author:\*\* @dependabot\[bot\] — bot/);
    expect(run.output.summary).toMatch(/dependencies \| `package\.json`/);
  });

  it("blocks Devin's promotion chain and undoes it: label removed, auto-merge disabled", () => {
    const devin = scenario("devin-automerge");
    const run = onlyRun(gate, devin);
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toMatch(/^Blocked: label automerge added by devin-ai-integration\[bot\]/);
    expect(run.output.summary).toMatch(/protected label added/);
    expect(run.output.summary).toMatch(/auto-merge enabled by `devin-ai-integration\[bot\]`/);
    expect(run.output.summary).toMatch(/\*\*Requested by:\*\* @frank/);

    const pr = gate.standIn.store.pull(devin.repo, devin.number);
    expect(pr.labels).not.toContain("automerge");
    expect(pr.autoMerge).toBeNull();
    expect(pr.timeline).toContainEqual(
      expect.objectContaining({ kind: "unlabeled", label: "automerge", actor: "agent-policy[bot]" }),
    );
    expect(gate.standIn.store.mutations).toEqual([
      expect.objectContaining({ name: "disablePullRequestAutoMerge" }),
    ]);
    expect(gate.audit).toContainEqual(
      expect.objectContaining({ kind: "remove_label", target: "automerge", outcome: "done" }),
    );
    expect(gate.audit).toContainEqual(
      expect.objectContaining({ kind: "disable_auto_merge", outcome: "done" }),
    );
  });

  it("fails Jules's CI change with a committed AWS key, annotating both lines without repeating the key", () => {
    const jules = scenario("workflow-secret");
    const run = onlyRun(gate, jules);
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toMatch(/possible secrets/);
    expect(run.output.summary).toMatch(/pr-target-checkout/);
    const blocking = run.output.annotations.filter((a) => a.annotation_level === "failure");
    expect(blocking.map((a) => [a.path, a.start_line])).toEqual(
      expect.arrayContaining([
        ["config/prod.env", 2],
        ["config/prod.env", 3],
      ]),
    );
    expect(run.output.annotations).toContainEqual(
      expect.objectContaining({ path: ".github/workflows/ci.yml", start_line: 10 }),
    );
    const patch = gate.standIn.store.pull(jules.repo, jules.number).files[1]?.patch ?? "";
    const keyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(patch)?.[1];
    const secret = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(patch)?.[1];
    expect(keyId).toMatch(/^AKIA/);
    expect(secret).toHaveLength(40);
    const written = everythingWritten(gate);
    expect(written).not.toContain(keyId);
    expect(written).not.toContain(secret);
    expect(written).not.toContain((secret as string).slice(0, 20));
  });

  it("puts every check run on the PR's head commit, one per PR", () => {
    for (const s of Object.values(seeded)) expect(runsOn(gate, s)).toHaveLength(1);
    expect(gate.standIn.store.ownCheckRuns()).toHaveLength(5);
  });
});

describe("deliveries GitHub or an attacker might send", () => {
  it("treats a duplicate delivery as harmless: same single check run, nothing rewritten", async () => {
    const docs = scenario("claude-docs");
    const before = structuredClone(onlyRun(gate, docs));
    gate.standIn.requests.reset();
    const event = docs.event();
    const id = "3f9e1c2a-dup-delivery";
    expect((await gate.deliver(event, id)).status).toBe(200);
    expect((await gate.deliver(event, id)).status).toBe(200);
    await gate.settle();
    expect(onlyRun(gate, docs)).toEqual(before);
    expect(writesTo(gate, docs.repo)).toEqual([]);
  });

  it("refuses a webhook with a bad signature with 401 and writes nothing", async () => {
    const bump = scenario("dependabot-bump");
    gate.standIn.requests.reset();
    const response = await fetch(gate.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "forged-1",
        "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
      },
      body: JSON.stringify(
        payloads.pullRequest(gate.standIn.store, bump.repo, bump.number, "opened", "mallory"),
      ),
    });
    expect(response.status).toBe(401);
    await gate.settle();
    expect(gate.standIn.requests.entries).toEqual([]);
  });

  it("survives a correctly signed event for an installation GitHub does not know, and keeps serving", async () => {
    const bump = scenario("dependabot-bump");
    const payload = payloads.pullRequest(
      gate.standIn.store,
      bump.repo,
      bump.number,
      "opened",
      "dependabot[bot]",
    );
    payload.installation = { id: 987_654_321, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uOTg3NjU0MzIx" };
    gate.standIn.requests.reset();
    expect((await gate.deliver({ name: "pull_request", payload })).status).toBe(200);
    await gate.settle();
    expect(gate.standIn.requests.entries).toContainEqual(
      expect.objectContaining({ route: "POST /app/installations/{id}/access_tokens", status: 404 }),
    );
    expect(gate.audit).toContainEqual(
      expect.objectContaining({
        installation: 987_654_321,
        verdict: "failure",
        check: "failed",
        errors: [expect.stringMatching(/404/)],
      }),
    );
    expect(writesTo(gate, bump.repo)).toEqual([]);
    expect((await fetch(`${gate.server.url}/healthz`)).status).toBe(200);
    expect(gate.standIn.store.ownCheckRuns()).toHaveLength(5);
  });
});
