import { describe, expect, it } from "vitest";
import {
  needsAppAttribution,
  needsCopilotRequester,
  needsRestTimeline,
} from "../../src/engine/attribution.js";
import type { Actor, Comment, TimelineEvent } from "../../src/facts/model.js";
import { bot, facts, HEAD, review, user } from "../support/facts.js";
import { pattern, testPolicy } from "../support/policy.js";

const policy = testPolicy();
const AT = "2026-03-01T10:00:00Z";
const label = (kind: "labeled" | "unlabeled", name: string, actor: Actor | null): TimelineEvent => ({
  kind,
  label: name,
  actor,
  viaApp: null,
  at: AT,
});
const comment = (author: Actor, body: string): Comment => ({
  id: "1",
  author,
  body,
  createdAt: AT,
  lastEditedAt: null,
  editor: null,
  viaApp: null,
});

describe("needsAppAttribution", () => {
  it("is false for a typical PR: ordinary labels, plain comments, automation's own steps", () => {
    const typical = facts({
      timeline: [
        label("labeled", "bug", user("maria")),
        label("labeled", "automerge", bot("renovate[bot]")),
        label("unlabeled", "hold", null),
      ],
      comments: [comment(user("maria"), "Looks good, thanks!"), comment(bot("helper[bot]"), "/merge")],
    });
    expect(needsAppAttribution(policy, typical)).toBe(false);
  });

  it("is true when a person added a protected label or touched a hold label", () => {
    expect(
      needsAppAttribution(policy, facts({ timeline: [label("labeled", "AutoMerge", user("maria"))] })),
    ).toBe(true);
    expect(
      needsAppAttribution(
        policy,
        facts({ timeline: [label("unlabeled", "do-not-merge/wip", user("maria"))] }),
      ),
    ).toBe(true);
    expect(needsAppAttribution(policy, facts({ timeline: [label("labeled", "hold", user("maria"))] }))).toBe(
      true,
    );
  });

  it("is true for a person's command comment, built-in or configured", () => {
    expect(needsAppAttribution(policy, facts({ comments: [comment(user("maria"), "bors r+")] }))).toBe(true);
    const custom = testPolicy({
      promotion: { ...policy.promotion, labels: ["ship-it"], commands: [pattern("^!release")] },
    });
    expect(needsAppAttribution(custom, facts({ comments: [comment(user("maria"), "!release now")] }))).toBe(
      true,
    );
    expect(
      needsAppAttribution(custom, facts({ timeline: [label("labeled", "ship-it", user("maria"))] })),
    ).toBe(true);
    expect(
      needsAppAttribution(policy, facts({ timeline: [label("labeled", "ship-it", user("maria"))] })),
    ).toBe(false);
  });

  it("is false once the App is already known", () => {
    const known = {
      ...label("labeled", "automerge", user("maria")),
      viaApp: { slug: "chat-bridge" },
    } as TimelineEvent;
    expect(needsAppAttribution(policy, facts({ timeline: [known] }))).toBe(false);
  });
});

describe("needsCopilotRequester", () => {
  const copilot: Actor = { login: "Copilot", type: "Bot", id: 198982749 };
  const OLDER = "2".repeat(40);
  const pr = (reviews: ReturnType<typeof review>[], author: Actor = copilot) => facts({ author, reviews });

  it("is false for a Copilot PR nobody approved, or only commented on", () => {
    expect(needsCopilotRequester(policy, pr([]))).toBe(false);
    expect(needsCopilotRequester(policy, pr([review("bob", { state: "COMMENTED" })]))).toBe(false);
    expect(needsRestTimeline(policy, pr([]))).toBe(false);
  });

  it("is true once a person approved the head: the requester's approval must not count", () => {
    expect(needsCopilotRequester(policy, pr([review("bob", { commitSha: HEAD })]))).toBe(true);
    expect(needsRestTimeline(policy, pr([review("bob")]))).toBe(true);
  });

  it("weighs an approval of an older commit only where it could still count or clear", () => {
    const older = [review("bob", { commitSha: OLDER })];
    expect(needsCopilotRequester(policy, pr(older))).toBe(false);
    const keepOnPush = testPolicy({ approvals: { ...policy.approvals, dismissOnPush: false } });
    expect(needsCopilotRequester(keepOnPush, pr(older))).toBe(true);
    // An agent's approval is cleared by any later human approval, of any commit.
    const automation = review("devin-ai-integration[bot]", { author: bot("devin-ai-integration[bot]") });
    expect(needsCopilotRequester(policy, pr([...older, automation]))).toBe(true);
  });

  it("is false for anyone else's PR, and for a User merely named Copilot", () => {
    const approved = [review("bob")];
    for (const author of [
      user("alice"),
      bot("devin-ai-integration[bot]"),
      { login: "Copilot", type: "User" } as Actor,
    ])
      expect(needsCopilotRequester(policy, pr(approved, author))).toBe(false);
  });
});
