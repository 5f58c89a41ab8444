import { describe, expect, it } from "vitest";
import { type DeploymentFacts, type PrOutcome, reviewDeployment } from "../../src/engine/deployment.js";
import { evaluate } from "../../src/engine/evaluate.js";
import type { PrFacts } from "../../src/facts/model.js";
import type { DeploymentGate } from "../../src/policy/model.js";
import { bot, facts, HEAD, review, user } from "../support/facts.js";
import { testPolicy } from "../support/policy.js";

const MERGE = "2222222222222222222222222222222222222222";
const gate = (extra: Partial<DeploymentGate> = {}): DeploymentGate => ({
  environments: ["production", "prod-*"],
  prs: "agents",
  actors: ["human"],
  ...extra,
});
const policy = (gates: DeploymentGate[] = [gate()]) =>
  testPolicy({
    rules: [
      { name: "agent-review", if: { author: ["agent", "bot"] }, require: { approvals: 1, checks: [] } },
    ],
    deployments: gates,
  });

const devin = (extra: Partial<PrFacts> = {}) =>
  facts({ author: bot("devin-ai-integration[bot]"), state: "merged", ...extra });
const merged = (
  number: number,
  f: PrFacts,
  p = policy(),
  via: "deployed" | "since" = "deployed",
): PrOutcome => ({
  number,
  ok: true,
  via,
  state: f.state,
  mergeCommit: f.state === "merged" ? MERGE : null,
  decision: evaluate(p, f),
});

function deploy(prs: PrOutcome[], extra: Partial<DeploymentFacts> = {}, environment = "production") {
  return reviewDeployment({
    request: {
      environment,
      sha: MERGE,
      event: "push",
      deploymentId: null,
      starters: [{ role: "sender", actor: user("dana") }],
    },
    prs,
    policy: policy(),
    problems: [],
    since: null,
    ...extra,
  });
}

describe("deployment review", () => {
  it("approves a commit whose agent PR met the policy on its merged head, and says what it checked", () => {
    const r = deploy([merged(12, devin({ reviews: [review("dana")] }))]);
    expect(r).toMatchObject({ state: "approved", reasons: [] });
    expect(r.checked).toEqual([
      "the deployment's sender @dana is a person, which may deploy here",
      "no earlier successful deployment here: the deployed commit's pull requests were reviewed",
      `PR #12 (Devin) met the policy on ${HEAD.slice(0, 7)}`,
    ]);
  });

  it("rejects a commit whose agent PR was merged without the approvals, naming the PR and agent", () => {
    const r = deploy([merged(12, devin())]);
    expect(r.state).toBe("rejected");
    expect(r.reasons[0]).toMatch(/^PR #12 \(Devin\) does not meet the policy on 1111111/);
  });

  it("passes a person's PR without re-judging it, unless the gate says all PRs", () => {
    const human = merged(3, facts({ state: "merged" }));
    expect(deploy([human]).state).toBe("approved");
    // Everyone's PRs need a review here, and with `prs: all` the person's unreviewed PR holds the deployment.
    const strict = testPolicy({
      rules: [{ name: "everyone-reviewed", require: { approvals: 1, checks: [] } }],
      deployments: [gate({ prs: "all" })],
    });
    const r = deploy([merged(3, facts({ state: "merged" }), strict)], { policy: strict });
    expect(r.reasons[0]).toMatch(/^PR #3 \(human\) does not meet the policy/);
  });

  it("rejects a deployment started by an agent or bot unless the gate allows it", () => {
    const ok = merged(12, devin({ reviews: [review("dana")] }));
    const byBot = reviewDeployment({
      request: {
        environment: "prod-eu",
        sha: MERGE,
        event: "workflow_dispatch",
        deploymentId: null,
        starters: [
          { role: "creator", actor: bot("release-bot[bot]") },
          { role: "sender", actor: bot("devin-ai-integration[bot]") },
        ],
      },
      prs: [ok],
      policy: policy(),
      problems: [],
      since: null,
    });
    expect(byBot.state).toBe("rejected");
    expect(byBot.reasons).toEqual([
      expect.stringMatching(
        /creator @release-bot\[bot\] is a bot; deployments to "prod-eu" may be started by a person only/,
      ),
      expect.stringMatching(/sender @devin-ai-integration\[bot\] is an AI agent/),
    ]);
    const allowed = policy([gate({ actors: ["human", "bot", "agent"] })]);
    expect(
      reviewDeployment({
        request: {
          environment: "prod-eu",
          sha: MERGE,
          event: "push",
          deploymentId: null,
          starters: [{ role: "sender", actor: bot("release-bot[bot]") }],
        },
        prs: [ok],
        policy: allowed,
        problems: [],
        since: null,
      }).state,
    ).toBe("approved");
  });

  it("rejects an environment the policy does not name, and every environment when it names none", () => {
    const ok = merged(12, devin({ reviews: [review("dana")] }));
    expect(deploy([ok], {}, "staging").reasons[0]).toMatch(
      /Environment "staging" is not named in the policy's `deployments` section/,
    );
    expect(deploy([ok], { policy: policy([]) }).state).toBe("rejected");
  });

  it("rejects a commit no pull request brought, one it could not look up, and a PR it could not evaluate", () => {
    expect(deploy([]).reasons[0]).toMatch(/No pull request brought commit 2222222/);
    expect(deploy([], { policy: null, problems: ["Could not find the pull requests: 502"] })).toMatchObject({
      state: "rejected",
      reasons: ["Could not find the pull requests: 502"],
    });
    const r = deploy(
      [
        {
          number: 9,
          ok: false,
          via: "deployed",
          headline: "Invalid agent-policy configuration",
          reasons: ["bad key"],
        },
      ],
      { policy: null },
    );
    expect(r.state).toBe("rejected");
    expect(r.reasons[0]).toBe("PR #9 could not be evaluated (Invalid agent-policy configuration: bad key).");
  });

  it("rejects a closed unmerged PR's commit and an open PR whose head is not the deployed commit", () => {
    const closed = merged(5, devin({ state: "closed", reviews: [review("dana")] }));
    expect(deploy([closed]).reasons[0]).toMatch(/closed without being merged/);
    const open = merged(6, devin({ state: "open", reviews: [review("dana")] }));
    expect(deploy([open]).reasons[0]).toMatch(
      /still open and its head is 1111111, not the deployed commit 2222222/,
    );
  });

  it("does not trust a starter GitHub could not name", () => {
    const r = reviewDeployment({
      request: {
        environment: "production",
        sha: MERGE,
        event: "push",
        deploymentId: null,
        starters: [{ role: "sender", actor: null }],
      },
      prs: [merged(12, devin({ reviews: [review("dana")] }))],
      policy: policy(),
      problems: [],
      since: null,
    });
    expect(r.reasons).toEqual([expect.stringMatching(/sender is unknown to GitHub/)]);
  });

  it("rejects an unreviewed agent merge shipped under a person's later merge since the last deployment", () => {
    const person = merged(5, facts({ state: "merged" }));
    const agent = merged(4, devin(), policy(), "since");
    const r = deploy([person, agent], { since: "3".repeat(40) });
    expect(r.state).toBe("rejected");
    expect(r.reasons).toEqual([expect.stringMatching(/^PR #4 \(Devin\) does not meet the policy/)]);
    expect(
      deploy([person, merged(4, devin({ reviews: [review("dana")] }), policy(), "since")], {
        since: "3".repeat(40),
      }).state,
    ).toBe("approved");
  });

  it("rejects a commit inside a merged PR that is neither its reviewed head nor its merge commit", () => {
    const pr = {
      ...(merged(12, devin({ reviews: [review("dana")] })) as Extract<PrOutcome, { ok: true }>),
      mergeCommit: "4".repeat(40),
    };
    expect(deploy([pr]).reasons[0]).toMatch(
      /^Commit 2222222 is inside PR #12, which was reviewed on 1111111 and merged as 4444444/,
    );
    const unmergedSince = merged(7, devin({ state: "open", reviews: [review("dana")] }), policy(), "since");
    expect(deploy([merged(12, devin({ reviews: [review("dana")] })), unmergedSince]).reasons[0]).toMatch(
      /PR #7 was not merged, yet a commit of it is in this deployment/,
    );
  });
});
