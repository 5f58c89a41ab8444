import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import type { Comment, PrFacts } from "../../src/facts/model.js";
import { bot, commit, facts, HEAD, user } from "../support/facts.js";
import { testPolicy } from "../support/policy.js";

const AFTER = "2026-03-01T11:00:00Z";

/** Devin's PR, which the default rules hold for one approval: an override is what passes it. */
function agentPr(comments: Comment[], extra: Partial<PrFacts> = {}): PrFacts {
  return facts({
    author: bot("devin-ai-integration[bot]"),
    body: "Requested by: @rita",
    commits: [commit({ author: { name: "Cole", email: "cole@example.com", login: "cole" } })],
    comments,
    overrideAfter: 0,
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
    // Comment 121 was there when the app first reported on this head (the newest it had seen: 500).
    const d = evaluate(
      policy,
      agentPr([say("oncall", "/agent-policy override hotfix")], { overrideAfter: 500 }),
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
      agentPr([say("oncall", "/agent-policy override hotfix")], { overrideAfter: null }),
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
      /^only those `overrides.from` names may override$/,
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

  it("holds only for the head it was accepted on, as this app's answer recorded it", () => {
    const comment = say("oncall", "/agent-policy override hotfix", { id: "9" });
    const same = evaluate(policy, agentPr([comment], { overrideRecords: { "9": HEAD } }));
    expect(same.verdict).toBe("success");
    const moved = evaluate(policy, agentPr([comment], { overrideRecords: { "9": "2".repeat(40) } }));
    expect(moved.override).toBeNull();
    expect(moved.overrideAnswers[0]?.reason).toMatch(/given for 2222222, and the head is now 1111111/);
    const refused = evaluate(policy, agentPr([comment], { overrideRecords: { "9": "refused" } }));
    expect(refused.override).toBeNull();
  });

  it("does not count a comment written before the last force push", () => {
    const pushed = {
      kind: "head_ref_force_pushed" as const,
      actor: user("cole"),
      at: "2026-03-01T11:30:00Z",
    };
    const d = evaluate(
      policy,
      agentPr([say("oncall", "/agent-policy override hotfix")], { timeline: [pushed] }),
    );
    expect(d.override).toBeNull();
  });

  it("is refused when the commits, timeline or comments were not all read: who may override cannot be told", () => {
    const f = agentPr([say("oncall", "/agent-policy override hotfix")]);
    const d = evaluate(policy, { ...f, counts: { ...f.counts, commits: { reported: 300, fetched: 250 } } });
    expect(d.override).toBeNull();
    expect(d.overrideAnswers[0]?.reason).toMatch(/could not read all of the PR's commits/);
  });

  it("does not cover a promotion step an agent takes after it", () => {
    const labeled = {
      kind: "labeled" as const,
      label: "automerge",
      actor: bot("devin-ai-integration[bot]"),
      viaApp: null,
      at: "2026-03-01T12:00:00Z",
    };
    const d = evaluate(
      policy,
      agentPr([say("oncall", "/agent-policy override hotfix")], {
        timeline: [labeled],
        labels: ["automerge"],
      }),
    );
    expect(d.override).toBeNull();
    expect(d.verdict).toBe("failure");
    expect(d.nextSteps[0]).toMatch(
      /override by @oncall does not cover what was done after it \(protected label added\)/,
    );
  });
});
