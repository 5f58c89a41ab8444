import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import type { Comment, PrFacts } from "../../src/facts/model.js";
import { bot, commit, facts, user } from "../support/facts.js";
import { testPolicy } from "../support/policy.js";

const REPORTED = "2026-03-01T10:00:00Z";
const AFTER = "2026-03-01T11:00:00Z";

/** Devin's PR, which the default rules hold for one approval: an override is what passes it. */
function agentPr(comments: Comment[], extra: Partial<PrFacts> = {}): PrFacts {
  return facts({
    author: bot("devin-ai-integration[bot]"),
    body: "Requested by: @rita",
    commits: [commit({ author: { name: "Cole", email: "cole@example.com", login: "cole" } })],
    comments,
    headReportedAt: REPORTED,
    people: { oncall: { permission: "admin" }, dana: { permission: "write" } },
    ...extra,
  });
}

function say(login: string, body: string, extra: Partial<Comment> = {}): Comment {
  return {
    id: String(100 + body.length),
    author: user(login),
    body,
    createdAt: AFTER,
    lastEditedAt: null,
    editor: null,
    viaApp: null,
    ...extra,
  };
}

const policy = testPolicy({
  rules: [{ name: "agent-review", if: { author: ["agent"] }, require: { approvals: 1, checks: [] } }],
  overrides: { from: { users: [], teams: [], permission: "admin" } },
});

describe("break-glass overrides", () => {
  it("passes the head for an eligible person, says who and why, keeps the real verdict and undoes nothing", () => {
    const d = evaluate(policy, agentPr([say("oncall", "/agent-policy override prod is down, INC-42")]));
    expect(d.verdict).toBe("success");
    expect(d.override).toMatchObject({
      by: "oncall",
      reason: "prod is down, INC-42",
      without: { verdict: "action_required" },
    });
    expect(d.title).toBe("Overridden by @oncall: prod is down, INC-42");
    expect(d.actions).toEqual([]);
    expect(d.nextSteps[0]).toMatch(/new push ends it/);
    expect(d.overrideAnswers).toEqual([expect.objectContaining({ login: "oncall", accepted: true })]);
  });

  it("ends with a new push: a comment from before this app reported on the head does not count", () => {
    const d = evaluate(
      policy,
      agentPr([say("oncall", "/agent-policy override hotfix", { createdAt: "2026-03-01T09:00:00Z" })]),
    );
    expect(d.verdict).not.toBe("success");
    expect(d.overrideAnswers[0]).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/before agent-policy reported on the current head/),
    });
  });

  it("does not count on a head this app has not reported on yet", () => {
    const d = evaluate(
      policy,
      agentPr([say("oncall", "/agent-policy override hotfix")], { headReportedAt: null }),
    );
    expect(d.override).toBeNull();
  });

  const refusals: [string, Comment, RegExp, Partial<PrFacts>?][] = [
    ["no reason", say("oncall", "/agent-policy override   "), /no reason was given/],
    [
      "the PR author",
      say("alice", "/agent-policy override mine"),
      /author can never override/,
      { author: user("alice"), body: "Generated with [Claude Code](https://claude.ai/code)" },
    ],
    [
      "the requester",
      say("rita", "/agent-policy override I asked for it"),
      /asked the agent/,
      { people: { rita: { permission: "admin" } } },
    ],
    [
      "a contributor",
      say("cole", "/agent-policy override I pushed a fix"),
      /contributor/,
      { people: { cole: { permission: "admin" } } },
    ],
    [
      "a bot",
      say("mergebot[bot]", "/agent-policy override automated", { author: bot("mergebot[bot]") }),
      /agents, bots/,
    ],
    ["an agent's machine user", say("cursoragent", "/agent-policy override done"), /agents, bots/],
    [
      "an App acting for a person",
      say("oncall", "/agent-policy override via app", { viaApp: { slug: "slack-bridge" } }),
      /through the App `slack-bridge`/,
    ],
    [
      "an edited comment",
      say("oncall", "/agent-policy override edited", { lastEditedAt: AFTER, editor: user("dana") }),
      /edited/,
    ],
    [
      "someone not in `from`",
      say("dana", "/agent-policy override trust me"),
      /only those `overrides.from` names may override \(not among anyone with admin permission\)/,
    ],
  ];
  for (const [who, comment, why, extra] of refusals) {
    it(`refuses ${who}, with the reason`, () => {
      const d = evaluate(policy, agentPr([comment], extra));
      expect(d.override).toBeNull();
      expect(d.verdict).not.toBe("success");
      expect(d.overrideAnswers).toEqual([
        expect.objectContaining({ accepted: false, reason: expect.stringMatching(why) }),
      ]);
    });
  }

  it("is off unless the policy names who may override", () => {
    const off = testPolicy({ rules: policy.rules });
    const d = evaluate(off, agentPr([say("oncall", "/agent-policy override prod is down")]));
    expect(d.override).toBeNull();
    expect(d.overrideAnswers[0]?.reason).toMatch(/overrides are off/);
  });

  it("takes the newest accepted override and ignores look-alike commands", () => {
    const d = evaluate(
      policy,
      agentPr([
        say("oncall", "/agent-policy override first", { id: "1", createdAt: "2026-03-01T11:00:00Z" }),
        say("oncall", "please /agent-policy override this", { id: "2" }),
        say("oncall", "/agent-policy overrides are great", { id: "3" }),
        say("oncall", "/agent-policy override second", { id: "4", createdAt: "2026-03-01T12:00:00Z" }),
      ]),
    );
    expect(d.override).toMatchObject({ reason: "second", commentId: "4" });
    expect(d.overrideAnswers.map((a) => a.commentId)).toEqual(["1", "4"]);
  });
});
