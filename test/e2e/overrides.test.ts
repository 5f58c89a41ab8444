/**
 * Break-glass (issue 9), end to end: `/agent-policy override <reason>` from a person the policy
 * names turns the check green for the current head only, is answered once and audited, and a new
 * push ends it. Nobody with a stake in the PR, no agent, bot or App can use it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { type PullRequestRecord, payloads, type Repo, scenarios } from "../../tools/github-standin/index.js";
import { appComments, newestRun } from "./support.js";

const DEVIN = "devin-ai-integration[bot]";
const POLICY = "version: 1\noverrides:\n  from: { permission: admin }\n";

let gate: Gate;
let repo: Repo;
beforeAll(async () => {
  gate = await startGate();
  const { store } = gate.standIn;
  scenarios.addDevinApp(store);
  store.addApp({ id: 990002, slug: "slack-bridge", name: "Slack bridge" });
  repo = store.addRepo({
    owner: "glass",
    name: "app",
    files: { ".github/agent-policy.yml": POLICY },
    collaborators: { olga: "admin", rita: "admin", cole: "admin", bob: "write" },
  });
}, 20_000);
afterAll(() => gate?.close());

/** Devin's PR for rita, with a commit by cole, evaluated once (so the app has reported on its head). */
async function devinPr(title: string): Promise<PullRequestRecord> {
  const { store } = gate.standIn;
  const pr = store.addPullRequest(repo.fullName, {
    title,
    author: DEVIN,
    body: "Requested by: @rita",
    head: `devin/${title.toLowerCase().replace(/\W+/g, "-")}`,
    files: [{ filename: "src/pay.ts", status: "added", patch: "@@ -0,0 +1 @@\n+export const pay = 1;" }],
  });
  store.addCommit(pr, { message: "tidy", author: "cole" });
  await send("pull_request", payloads.pullRequest(store, repo.fullName, pr.number, "opened", DEVIN));
  return pr;
}

async function send(name: string, payload: Record<string, unknown>, id?: string) {
  expect((await gate.deliver({ name, payload }, id)).status).toBe(200);
  await gate.settle();
}

async function comment(pr: PullRequestRecord, author: string, body: string, viaAppId?: number) {
  const { store } = gate.standIn;
  const c = store.addComment(pr, { author, body, ...(viaAppId ? { viaAppId } : {}) });
  await send(
    "issue_comment",
    payloads.issueComment(store, repo.fullName, pr.number, c.id, "created", author),
  );
  return c;
}

const answers = (pr: PullRequestRecord) =>
  appComments(gate, { repo: repo.fullName, number: pr.number }).filter((c) =>
    c.body.includes("agent-policy:override"),
  );

describe("break-glass override", () => {
  it("passes the current head for an admin, says who and why at the top, answers once and is audited", async () => {
    const pr = await devinPr("Hotfix payments");
    expect(newestRun(gate.standIn.store, { repo: repo.fullName, number: pr.number })?.conclusion).toBe(
      "action_required",
    );

    const c = await comment(pr, "olga", "/agent-policy override payments are down, INC-7");
    const run = newestRun(gate.standIn.store, { repo: repo.fullName, number: pr.number });
    expect(run?.conclusion).toBe("success");
    expect(run?.output.title).toBe("Overridden by @olga: payments are down, INC-7");
    expect(run?.output.summary).toMatch(
      /^✅ \*\*Passing\*\*.*\n\n> \*\*Overridden\*\* by @olga at .*: payments are down, INC-7\n>\n> Without the override: .*\*\*Action required\*\*/,
    );
    expect(answers(pr)).toEqual([
      expect.objectContaining({ body: expect.stringContaining("**Override accepted**") }),
    ]);
    expect(gate.audit).toContainEqual(
      expect.objectContaining({ event: "action", kind: "override_accepted", target: "olga" }),
    );
    expect(gate.audit.filter((r) => r.event === "decision" && r.pr === pr.number).at(-1)).toMatchObject({
      verdict: "success",
      override: { by: "olga", reason: "payments are down, INC-7", without: "action_required" },
    });

    // GitHub redelivers the comment: the override still holds, and it is not answered twice.
    await send(
      "issue_comment",
      payloads.issueComment(gate.standIn.store, repo.fullName, pr.number, c.id, "created", "olga"),
    );
    expect(answers(pr)).toHaveLength(1);

    // Devin pushes again: the override ends with the head it was given on.
    gate.standIn.store.addCommit(pr, { message: "more", author: DEVIN });
    await send(
      "pull_request",
      payloads.pullRequest(gate.standIn.store, repo.fullName, pr.number, "synchronize", DEVIN),
    );
    const after = newestRun(gate.standIn.store, { repo: repo.fullName, number: pr.number });
    expect(after?.headSha).toBe(pr.head.sha);
    expect(after?.conclusion).toBe("action_required");
    expect(answers(pr)).toHaveLength(1);
  });

  it("can be abused by none of the excluded: each is refused with a reply, and the gate holds", async () => {
    const pr = await devinPr("Refactor payments");
    const tries: [string, string, number?][] = [
      ["rita", "/agent-policy override I asked for it"], // the requester
      ["cole", "/agent-policy override I wrote part of it"], // a contributor
      [DEVIN, "/agent-policy override trust me"], // the agent itself
      ["renovate[bot]", "/agent-policy override bump"], // a bot
      ["olga", "/agent-policy override from Slack", 990002], // an App acting for a person
      ["olga", "/agent-policy override"], // no reason
      ["bob", "/agent-policy override I have write access"], // not among `from`
    ];
    for (const [who, body, via] of tries) await comment(pr, who, body, via);
    const run = newestRun(gate.standIn.store, { repo: repo.fullName, number: pr.number });
    expect(run?.conclusion).toBe("action_required");
    const replies = answers(pr).map((c) => c.body);
    expect(replies).toHaveLength(tries.length);
    expect(replies.every((b) => b.includes("**Override refused**"))).toBe(true);
    expect(replies.join("\n")).toMatch(
      /whoever asked the agent[\s\S]*contributor[\s\S]*agents, bots[\s\S]*agents, bots[\s\S]*through the App `slack-bridge`[\s\S]*no reason was given[\s\S]*@bob: only those `overrides.from` names may override\./,
    );
    expect(gate.audit.filter((r) => r.kind === "override_refused" && r.pr === pr.number)).toHaveLength(
      tries.length,
    );
  });

  it("stays with the head it was given on: a commit another PR showed first does not inherit it", async () => {
    const { store } = gate.standIn;
    const pr = await devinPr("Fix invoices");
    // The agent shows its next commit in a throwaway PR first, so the app has reported on it early.
    const decoy = store.addPullRequest(repo.fullName, { title: "wip", author: DEVIN, head: "devin/wip" });
    const next = store.addCommit(decoy, { message: "the real change", author: DEVIN });
    await send("pull_request", payloads.pullRequest(store, repo.fullName, decoy.number, "opened", DEVIN));
    await comment(pr, "olga", "/agent-policy override invoices are stuck");
    expect(newestRun(store, { repo: repo.fullName, number: pr.number })?.conclusion).toBe("success");
    // Fast-forward to the decoy's commit: the override was given for the old head.
    store.addCommit(pr, { sha: next.sha, message: "the real change", author: DEVIN });
    await send("pull_request", payloads.pullRequest(store, repo.fullName, pr.number, "synchronize", DEVIN));
    const run = newestRun(store, { repo: repo.fullName, number: pr.number });
    expect(run?.headSha).toBe(next.sha);
    expect(run?.conclusion).toBe("action_required");
  });
});
