/**
 * What happens on a PR over time and under an organisation's own policy, end to end: a new review
 * updates the same check run in place, the explanatory comment stays one comment, a broken policy
 * file fails the check with its location, and an org-wide policy applies where a repo has none.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { payloads, type Scenario, scenarios } from "../../tools/github-standin/index.js";
import { appComments, onlyRun, writesTo } from "./support.js";

let gate: Gate;
beforeAll(async () => {
  gate = await startGate();
}, 20_000);
afterAll(() => gate?.close());

const POLICY = ".github/agent-policy.yml";

describe("a PR over time", () => {
  it("flips action_required to success when a second human approves, updating the same check run", async () => {
    const { store } = gate.standIn;
    const copilot = scenarios.copilotAuthChange(store);
    await gate.deliver(copilot.event());
    await gate.settle();
    const before = onlyRun(gate, copilot);
    expect(before.conclusion).toBe("action_required");

    const pr = store.pull(copilot.repo, copilot.number);
    const carol = store.addReview(pr, { author: "carol", state: "APPROVED" });
    gate.standIn.requests.reset();
    await gate.deliver({
      name: "pull_request_review",
      payload: payloads.pullRequestReview(store, copilot.repo, copilot.number, carol.id),
    });
    await gate.settle();

    const after = onlyRun(gate, copilot);
    expect(after.id).toBe(before.id);
    expect(after.conclusion).toBe("success");
    expect(after.output.summary).toMatch(/agent-or-bot-sensitive .*2 of 2 required: @bob, @carol/);
    expect(writesTo(gate, copilot.repo).map((w) => w.route)).toEqual([
      "PATCH /repos/{owner}/{repo}/check-runs/{id}",
    ]);
  });

  it("explains a promotion chain in one comment, edited in place as the PR changes", async () => {
    const { store } = gate.standIn;
    const devin = scenarios.devinAutomerge(store);
    store.commitToBranch(devin.repo, {
      files: { [POLICY]: "version: 1\npromotion:\n  actions: [fail, revert, comment]\n" },
      message: "Explain promotion blocks on the PR",
      author: "dave",
    });
    await gate.deliver(devin.event());
    await gate.settle();
    const [comment] = appComments(gate, devin);
    expect(appComments(gate, devin)).toHaveLength(1);
    expect(comment?.body).toMatch(/automerge/);
    expect(onlyRun(gate, devin).conclusion).toBe("failure");

    // Devin now asks another bot to merge: the same comment is updated, not a second one posted.
    const pr = store.pull(devin.repo, devin.number);
    const command = store.addComment(pr, {
      author: "devin-ai-integration[bot]",
      body: "/merge",
      viaAppId: scenarios.DEVIN_APP_ID,
    });
    const event = {
      name: "issue_comment",
      payload: payloads.issueComment(store, devin.repo, devin.number, command.id),
    };
    await gate.deliver(event);
    await gate.settle();
    expect(appComments(gate, devin)).toEqual([expect.objectContaining({ id: comment?.id })]);
    expect(appComments(gate, devin)[0]?.body).toMatch(/\/merge/);

    // The same event again: nothing changed, so nothing is written.
    gate.standIn.requests.reset();
    await gate.deliver(event);
    await gate.settle();
    expect(writesTo(gate, devin.repo)).toEqual([]);
    expect(appComments(gate, devin)).toHaveLength(1);
  }, 30_000); // Probot spaces comment writes of one installation 3 s apart
});

describe("commands in review bodies", () => {
  it("fails the check when a bot's plain COMMENTED review says `bors r+`", async () => {
    const { store } = gate.standIn;
    const pr = agentPr("queue", "acme");
    store.addReview(store.pull(pr.repo, pr.number), {
      author: "helper[bot]",
      state: "COMMENTED",
      body: "Checks look fine.\nbors r+",
    });
    await gate.deliver(pr.event());
    await gate.settle();
    const run = onlyRun(gate, pr);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/bors r\+.*in a review by .helper\[bot\]/);
  });
});

/** A one-file agent PR by Devin in `repo` (created if needed), and the webhook that opens it. */
function agentPr(repoName: string, owner: string, files: Record<string, string> = {}): Scenario {
  const { store } = gate.standIn;
  if (!store.findRepo(`${owner}/${repoName}`)) {
    store.addRepo({ owner, name: repoName, files, collaborators: { bob: "write", dave: "admin" } });
  }
  const fullName = `${owner}/${repoName}`;
  const pr = store.addPullRequest(fullName, {
    title: "Tidy the README",
    author: "devin-ai-integration[bot]",
    head: "devin/tidy-readme",
    files: [{ filename: "README.md", patch: "@@ -1 +1 @@\n-# old\n+# new" }],
  });
  return {
    key: fullName,
    title: pr.title,
    repo: fullName,
    number: pr.number,
    expected: "",
    event: () => ({
      name: "pull_request",
      payload: payloads.pullRequest(store, fullName, pr.number, "opened", "devin-ai-integration[bot]"),
    }),
  };
}

describe("the organisation's policy", () => {
  it("fails the check with file:line:column when the repository's policy file is invalid", async () => {
    const pr = agentPr("tools", "acme", {
      [POLICY]: "version: 1\nrules:\n  - name: all-agents\n    requires:\n      approvals: 1\n",
    });
    await gate.deliver(pr.event());
    await gate.settle();
    const run = onlyRun(gate, pr);
    expect(run.conclusion).toBe("failure");
    expect(`${run.output.title}\n${run.output.summary}`).toMatch(/\.github\/agent-policy\.yml:4:5/);
    expect(run.output.summary).toMatch(/requires/);
  });

  it("applies the policy in the org's .github repository to a repository that has none", async () => {
    const { store } = gate.standIn;
    store.addUser({ login: "globex", type: "Organization" });
    store.addRepo({
      owner: "globex",
      name: ".github",
      files: {
        [POLICY]:
          "version: 1\nrules:\n  - name: two-agent-reviews\n    if: { author: [agent] }\n    require: { approvals: 2 }\n",
      },
    });
    const pr = agentPr("site", "globex");
    const { number } = pr;
    store.addReview(store.pull(pr.repo, number), { author: "bob", state: "APPROVED" });
    await gate.deliver(pr.event());
    await gate.settle();
    const run = onlyRun(gate, pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toMatch(/two-agent-reviews .*1 of 2 required: @bob/);
    expect(run.output.summary).toMatch(/globex\/\.github/);
    expect(run.output.summary).not.toMatch(/built-in default policy/);
  });
});
