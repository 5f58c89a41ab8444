import { describe, expect, it } from "vitest";
import type { ActorClass } from "../../src/engine/identify.js";
import { detectPromotion, type PromotionInput } from "../../src/engine/promotion.js";
import type { Actor, Comment, PrFacts, TimelineEvent } from "../../src/facts/model.js";
import type { Policy, SafePattern } from "../../src/policy/model.js";
import { bot, commit, facts, HEAD, review, user } from "../support/facts.js";
import { testPolicy } from "../support/policy.js";

const AGENTS = new Set([
  "devin-ai-integration[bot]",
  "claude[bot]",
  "copilot",
  "chatgpt-codex-connector[bot]",
]);
const DEVIN = bot("devin-ai-integration[bot]");
const CLAUDE = bot("claude[bot]");
const COPILOT = bot("Copilot");
const APP = bot("agent-policy[bot]");
const MAINTAINER = user("maria");
const OUTSIDER = user("otto");

/** Test double for the catalog: listed logins are agents, other Bot accounts or `[bot]` logins are bots. */
function classify(actor: Actor | null): ActorClass {
  if (!actor || actor.type === "Unknown") return "unknown";
  if (AGENTS.has(actor.login.toLowerCase())) return "agent";
  if (actor.type === "Bot" || actor.login.endsWith("[bot]")) return "bot";
  return "human";
}

/** The defaults of SPEC §2 (the policy module is built elsewhere). */
/** The test policy with its promotion settings overridden. */
function policy(promotion: Partial<Policy["promotion"]> = {}): Policy {
  const base = testPolicy();
  return { ...base, promotion: { ...base.promotion, ...promotion } };
}

const pattern = (re: RegExp): SafePattern => ({ source: re.source, test: (text) => re.test(text) });

/** An agent PR requested by `rita`; maria has write access, otto's permission was not looked up. */
function run(overrides: Partial<PrFacts> = {}, extra: Partial<PromotionInput> = {}) {
  return detectPromotion({
    policy: policy(),
    facts: facts({
      author: DEVIN,
      people: { maria: { permission: "write" }, rita: { permission: "write" } },
      ...overrides,
    }),
    classify,
    agentHandles: ["copilot", "claude", "codex", "gemini-code-assist", "devin"],
    prAgents: ["devin-ai-integration[bot]", "rita"],
    authorKind: "agent",
    ...extra,
  });
}

const at = (minute: number): string => `2026-03-01T10:${String(minute).padStart(2, "0")}:00Z`;
const labeled = (
  label: string,
  actor: Actor | null,
  minute: number,
  viaApp: string | null = null,
): TimelineEvent => ({
  kind: "labeled",
  label,
  actor,
  viaApp: viaApp ? { slug: viaApp } : null,
  at: at(minute),
});
const unlabeled = (label: string, actor: Actor | null, minute: number): TimelineEvent => ({
  kind: "unlabeled",
  label,
  actor,
  viaApp: null,
  at: at(minute),
});
const comment = (author: Actor, body: string, extra: Partial<Comment> = {}): Comment => ({
  id: `c-${author.login}`,
  author,
  body,
  createdAt: at(5),
  lastEditedAt: null,
  editor: null,
  viaApp: null,
  ...extra,
});
const approvedHead = (login: string, minute: number) =>
  review(login, { submittedAt: at(minute), commitSha: HEAD });

describe("protected labels", () => {
  it("reports an agent adding `automerge` and plans to remove it", () => {
    const result = run({ labels: ["automerge"], timeline: [labeled("automerge", DEVIN, 1)] });
    expect(result.violations).toEqual([
      {
        kind: "protected_label_added",
        actor: "devin-ai-integration[bot]",
        at: at(1),
        evidence: `label \`automerge\` added by \`devin-ai-integration[bot]\` (agent) at ${at(1)} (timeline actor).`,
        clears: expect.stringContaining("applies `automerge` again themselves"),
      },
    ]);
    expect(result.actions).toEqual([
      { kind: "remove_label", label: "automerge", because: result.violations[0]?.evidence },
    ]);
  });

  it("matches case-insensitively, `deploy*` as a prefix, and configured labels", () => {
    const result = detectPromotion({
      ...inputFor({
        labels: ["Deploy-Prod", "AutoMerge", "ship-it", "docs"],
        timeline: [
          labeled("Deploy-Prod", DEVIN, 1),
          labeled("AutoMerge", DEVIN, 2),
          labeled("ship-it", DEVIN, 3),
          labeled("docs", DEVIN, 4),
        ],
      }),
      policy: policy({ labels: ["ship-it"] }),
    });
    expect(result.violations.map((v) => v.evidence.split(" ")[1])).toEqual([
      "`Deploy-Prod`",
      "`AutoMerge`",
      "`ship-it`",
    ]);
    expect(result.actions.map((a) => ("label" in a ? a.label : a.kind))).toEqual([
      "Deploy-Prod",
      "AutoMerge",
      "ship-it",
    ]);
  });

  it("lets a human add a protected label", () => {
    expect(run({ labels: ["lgtm"], timeline: [labeled("lgtm", OUTSIDER, 1)] })).toEqual({
      violations: [],
      cleared: [],
      actions: [],
    });
  });

  it("treats a label added through an App as untrusted even when a human's name is on it", () => {
    const result = run({
      labels: ["ok-to-test"],
      timeline: [labeled("ok-to-test", MAINTAINER, 1, "some-ide")],
    });
    expect(result.violations[0]?.evidence).toBe(
      `label \`ok-to-test\` added by \`maria\` (human) at ${at(1)} (timeline actor, through the App \`some-ide\`: a user's token used by an App, untrusted).`,
    );
    expect(result.actions).toEqual([expect.objectContaining({ kind: "remove_label", label: "ok-to-test" })]);
  });

  it("treats a label GitHub did not attribute as untrusted", () => {
    const result = run({ labels: ["merge"], timeline: [labeled("merge", null, 1)] });
    expect(result.violations[0]).toMatchObject({
      kind: "protected_label_added",
      actor: null,
      evidence: `label \`merge\` added at ${at(1)} (timeline actor): GitHub did not attribute this step; treated as untrusted.`,
    });
  });

  it("does not let an agent clear its violation by re-applying the label after a revert", () => {
    const result = run({
      labels: ["automerge"],
      timeline: [
        labeled("automerge", DEVIN, 1),
        unlabeled("automerge", APP, 2),
        labeled("automerge", DEVIN, 3),
      ],
    });
    expect(result.violations.map((v) => v.at)).toEqual([at(1), at(3)]);
    expect(result.cleared).toEqual([]);
    expect(result.actions).toEqual([expect.objectContaining({ kind: "remove_label", label: "automerge" })]);
  });

  it("respects a human with write access who re-applies the label after a revert", () => {
    const result = run({
      labels: ["automerge"],
      timeline: [
        labeled("automerge", DEVIN, 1),
        unlabeled("automerge", APP, 2),
        labeled("automerge", MAINTAINER, 3),
      ],
    });
    expect(result.violations).toEqual([]);
    expect(result.cleared).toEqual([
      expect.objectContaining({
        kind: "protected_label_added",
        actor: "devin-ai-integration[bot]",
        clearedBy: `\`maria\` (write access) applied the label again at ${at(3)}`,
      }),
    ]);
    expect(result.actions).toEqual([]);
  });

  it("does not let a human without known write access clear it, and does not fight that human either", () => {
    const result = run({
      labels: ["automerge"],
      timeline: [
        labeled("automerge", DEVIN, 1),
        unlabeled("automerge", APP, 2),
        labeled("automerge", OUTSIDER, 3),
      ],
    });
    expect(result.violations).toHaveLength(1);
    expect(result.cleared).toEqual([]);
    expect(result.actions).toEqual([]);
  });

  it("is not cleared by a re-application through an App, which is itself untrusted", () => {
    const result = run({
      labels: ["automerge"],
      timeline: [
        labeled("automerge", DEVIN, 1),
        unlabeled("automerge", APP, 2),
        labeled("automerge", MAINTAINER, 3, "some-ide"),
      ],
    });
    expect(result.violations.map((v) => v.actor)).toEqual(["devin-ai-integration[bot]", "maria"]);
    expect(result.actions).toEqual([expect.objectContaining({ kind: "remove_label", label: "automerge" })]);
  });

  it("is not cleared by a human merely removing the label: that undoes the step but vouches for nothing", () => {
    const result = run({
      labels: [],
      timeline: [labeled("automerge", DEVIN, 1), unlabeled("automerge", MAINTAINER, 2)],
    });
    expect(result.violations.map((v) => v.kind)).toEqual(["protected_label_added"]);
    expect(result.cleared).toEqual([]);
  });

  it("plans nothing to undo once the label is already gone", () => {
    const result = run({
      labels: [],
      timeline: [labeled("automerge", DEVIN, 1), unlabeled("automerge", APP, 2)],
    });
    expect(result.violations).toHaveLength(1);
    expect(result.actions).toEqual([]);
  });
});

describe("hold labels", () => {
  it("reports a bot removing `do-not-merge/hold` and plans to restore it", () => {
    const result = run({
      labels: [],
      timeline: [
        labeled("do-not-merge/hold", MAINTAINER, 1),
        unlabeled("do-not-merge/hold", bot("helper[bot]"), 2),
      ],
    });
    expect(result.violations).toEqual([
      expect.objectContaining({
        kind: "hold_label_removed",
        actor: "helper[bot]",
        evidence: `hold label \`do-not-merge/hold\` removed by \`helper[bot]\` (bot) at ${at(2)} (timeline actor).`,
      }),
    ]);
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: "restore_label", label: "do-not-merge/hold" }),
    ]);
  });

  it("is cleared when a human with write access lifts the restored hold themselves", () => {
    const result = run({
      labels: [],
      timeline: [unlabeled("hold", DEVIN, 1), labeled("hold", APP, 2), unlabeled("hold", MAINTAINER, 3)],
    });
    expect(result.violations).toEqual([]);
    expect(result.cleared[0]?.clearedBy).toBe(`\`maria\` (write access) removed the hold label at ${at(3)}`);
    expect(result.actions).toEqual([]);
  });

  it("lets a human remove a hold label", () => {
    expect(run({ timeline: [unlabeled("wip", OUTSIDER, 1)] }).violations).toEqual([]);
  });
});

describe("command comments", () => {
  it("reports an agent commenting `/deploy production`", () => {
    const result = run({ comments: [comment(CLAUDE, "Done.\n/deploy production")] });
    expect(result.violations).toEqual([
      {
        kind: "command_comment",
        actor: "claude[bot]",
        at: at(5),
        evidence: `command \`/deploy production\` commented by \`claude[bot]\` (agent) at ${at(5)} (comment author).`,
        clears: expect.stringContaining("approves the head commit after it"),
      },
    ]);
    expect(result.actions).toEqual([]);
  });

  it.each([
    ["bors r+", bot("helper[bot]")],
    ["@dependabot squash and merge", bot("github-actions[bot]")],
    ["@mergifyio queue", bot("renovate[bot]")],
    ["/test all", DEVIN],
    ["/LGTM", DEVIN],
  ])("reports `%s` by automation", (body, author) => {
    expect(run({ comments: [comment(author, body)] }).violations.map((v) => v.kind)).toEqual([
      "command_comment",
    ]);
  });

  it("reports a configured command pattern", () => {
    const result = detectPromotion({
      ...inputFor({ comments: [comment(bot("helper[bot]"), "please run\n!release now")] }),
      policy: policy({ commands: [pattern(/^!release\b/)] }),
    });
    expect(result.violations[0]?.evidence).toContain(
      "command `!release now` commented by `helper[bot]` (bot)",
    );
  });

  it("lets humans use commands", () => {
    expect(
      run({ comments: [comment(MAINTAINER, "/merge"), comment(OUTSIDER, "bors r+")] }).violations,
    ).toEqual([]);
  });

  it("does not treat quoted commands, commands in code, or look-alikes as commands", () => {
    const body = [
      "To ship, a maintainer types:",
      "```",
      "/merge",
      "```",
      "> /deploy prod",
      "Use `/retest` if flaky; /testing is not a command.",
      "~~~~",
      "bors r+",
      "~~~~",
    ].join("\n");
    expect(run({ comments: [comment(CLAUDE, body)] }).violations).toEqual([]);
  });

  it("still sees a command after a fence that never closes", () => {
    const result = run({ comments: [comment(CLAUDE, "```\n/merge")] });
    expect(result.violations.map((v) => v.kind)).toEqual(["command_comment"]);
  });

  it("treats a human's command written through an App as untrusted", () => {
    const result = run({ comments: [comment(MAINTAINER, "/approve", { viaApp: { slug: "chat-bridge" } })] });
    expect(result.violations[0]?.evidence).toBe(
      `command \`/approve\` commented by \`maria\` (human) at ${at(5)} (comment author, through the App \`chat-bridge\`: a user's token used by an App, untrusted).`,
    );
  });

  it("treats a command by an account GitHub calls a ghost as untrusted", () => {
    const ghost: Actor = { login: "ghost", type: "Unknown" };
    expect(run({ comments: [comment(ghost, "/ok-to-test")] }).violations[0]?.evidence).toContain(
      "by `ghost` (unknown kind of account, treated as untrusted)",
    );
  });
});

describe("edited comments", () => {
  it("reports a command comment edited after the fact, naming an editor who is not the author", () => {
    const result = run({
      comments: [comment(OUTSIDER, "/lgtm", { lastEditedAt: at(9), editor: user("mallory") })],
    });
    expect(result.violations).toEqual([
      expect.objectContaining({
        kind: "command_edited",
        actor: "mallory",
        at: at(9),
        evidence: `comment now reading \`/lgtm\`, written by \`otto\` (human) at ${at(5)}, was edited (its original text cannot be known) by \`mallory\` (human) at ${at(9)} (last editor, not the author).`,
      }),
    ]);
  });

  it("lets an agent update its own progress comment when no command is in it", () => {
    const result = run({
      comments: [comment(CLAUDE, "Working on it… done.", { lastEditedAt: at(8), editor: CLAUDE })],
    });
    expect(result.violations).toEqual([]);
  });

  it("reports a comment someone else rewrote, since its original text may have been a command", () => {
    const result = run({
      comments: [
        comment(CLAUDE, "Working on it…", {
          lastEditedAt: at(8),
          editor: { login: "devin-ai-integration[bot]", type: "Bot" },
        }),
      ],
    });
    expect(result.violations).toEqual([
      expect.objectContaining({ kind: "command_edited", actor: "devin-ai-integration[bot]" }),
    ]);
    expect(result.violations[0]?.evidence).toContain("a command in it cannot be ruled out");
  });

  it("says so when GitHub does not report the editor", () => {
    const result = run({ comments: [comment(OUTSIDER, "/retest", { lastEditedAt: at(8) })] });
    expect(result.violations[0]).toMatchObject({ actor: null });
    expect(result.violations[0]?.evidence).toContain(
      "GitHub did not attribute this step; treated as untrusted.",
    );
  });

  it("ignores a human's edited comment that carries no command", () => {
    expect(
      run({ comments: [comment(OUTSIDER, "typo fixed", { lastEditedAt: at(8), editor: OUTSIDER })] })
        .violations,
    ).toEqual([]);
  });
});

describe("approvals by automation", () => {
  it("reports an approving review by a bot", () => {
    const result = run({
      reviews: [review("helper[bot]", { author: bot("helper[bot]"), submittedAt: at(3) })],
    });
    expect(result.violations).toEqual([
      expect.objectContaining({
        kind: "automation_approval",
        actor: "helper[bot]",
        evidence: `approving review of \`1111111\` submitted by \`helper[bot]\` (bot) at ${at(3)} (review author).`,
      }),
    ]);
  });

  it("is not cleared by another bot approving after it", () => {
    const result = run({
      reviews: [
        review("helper[bot]", { author: bot("helper[bot]"), submittedAt: at(3) }),
        review("other[bot]", { author: bot("other[bot]"), submittedAt: at(4) }),
      ],
    });
    expect(result.violations).toHaveLength(2);
    expect(result.cleared).toEqual([]);
  });

  it("is cleared by a human with write access approving after it", () => {
    const result = run({
      reviews: [
        review("helper[bot]", { author: bot("helper[bot]"), submittedAt: at(3) }),
        approvedHead("maria", 4),
      ],
    });
    expect(result.violations).toEqual([]);
    expect(result.cleared[0]?.clearedBy).toBe(`\`maria\` (write access) approved at ${at(4)}`);
  });

  it("is not cleared by the requester, nor by a human whose write access is unknown", () => {
    const result = run({
      reviews: [
        review("helper[bot]", { author: bot("helper[bot]"), submittedAt: at(3) }),
        approvedHead("rita", 4),
        approvedHead("otto", 5),
      ].map((r) => (r.author.login === "otto" ? { ...r, authorCanPush: undefined } : r)),
    });
    expect(result.violations.map((v) => v.kind)).toEqual(["automation_approval"]);
  });
});

describe("auto-merge and merge queue", () => {
  it("reports an agent enabling auto-merge and plans to disable it", () => {
    const result = run({
      timeline: [{ kind: "auto_merge_enabled", actor: DEVIN, at: at(2) }],
      autoMerge: { enabledBy: DEVIN, at: at(2) },
    });
    expect(result.violations).toEqual([
      expect.objectContaining({
        kind: "auto_merge_by_automation",
        actor: "devin-ai-integration[bot]",
        evidence: `auto-merge enabled by \`devin-ai-integration[bot]\` (agent) at ${at(2)} (timeline actor).`,
      }),
    ]);
    expect(result.actions).toEqual([expect.objectContaining({ kind: "disable_auto_merge" })]);
  });

  it("falls back to the PR's auto-merge state when the timeline lacks the event", () => {
    const result = run({ autoMerge: { enabledBy: null, at: at(2) } });
    expect(result.violations[0]?.evidence).toBe(
      `auto-merge enabled at ${at(2)} (auto_merge.enabled_by): GitHub did not attribute this step; treated as untrusted.`,
    );
    expect(result.actions).toEqual([expect.objectContaining({ kind: "disable_auto_merge" })]);
  });

  it("respects a human with write access who enables auto-merge again", () => {
    const result = run({
      timeline: [
        { kind: "auto_merge_enabled", actor: DEVIN, at: at(2) },
        { kind: "auto_merge_disabled", actor: APP, at: at(3) },
        { kind: "auto_merge_enabled", actor: MAINTAINER, at: at(4) },
      ],
      autoMerge: { enabledBy: MAINTAINER, at: at(4) },
    });
    expect(result.violations).toEqual([]);
    expect(result.cleared[0]?.clearedBy).toBe(`\`maria\` (write access) enabled auto-merge at ${at(4)}`);
    expect(result.actions).toEqual([]);
  });

  it("reports a bot adding the PR to the merge queue and plans to dequeue it while it is queued", () => {
    const queued = run({
      timeline: [{ kind: "added_to_merge_queue", actor: bot("helper[bot]"), at: at(2) }],
    });
    expect(queued.violations).toEqual([
      expect.objectContaining({ kind: "merge_queue_by_automation", actor: "helper[bot]" }),
    ]);
    expect(queued.actions).toEqual([expect.objectContaining({ kind: "dequeue" })]);
    const dequeued = run({
      timeline: [
        { kind: "added_to_merge_queue", actor: bot("helper[bot]"), at: at(2) },
        { kind: "removed_from_merge_queue", actor: APP, at: at(3) },
      ],
    });
    expect(dequeued.violations).toHaveLength(1);
    expect(dequeued.actions).toEqual([]);
  });
});

describe("review bodies", () => {
  it("reports a command in an agent's COMMENTED review as in a comment", () => {
    const result = run({
      reviews: [
        review("claude[bot]", {
          author: CLAUDE,
          state: "COMMENTED",
          body: "LGTM.\nbors r+",
          submittedAt: at(4),
        }),
      ],
    });
    expect(result.violations).toEqual([
      {
        kind: "command_comment",
        actor: "claude[bot]",
        at: at(4),
        evidence: `command \`bors r+\` in a review by \`claude[bot]\` (agent) at ${at(4)} (review author).`,
        clears: expect.stringContaining("approves the head commit after it"),
      },
    ]);
  });

  it("reports an agent's review mentioning another agent, and lets humans and quoted commands be", () => {
    const result = run({
      reviews: [
        review("coderabbitai[bot]", {
          author: bot("coderabbitai[bot]"),
          state: "COMMENTED",
          body: "@copilot fix these",
        }),
        review("otto", { state: "COMMENTED", body: "/lgtm" }),
        review("helper[bot]", { author: bot("helper[bot]"), state: "COMMENTED", body: "> /lgtm\nnot yet" }),
      ],
    });
    expect(result.violations.map((v) => `${v.kind} ${v.actor}`)).toEqual([
      "agent_escalation coderabbitai[bot]",
    ]);
    expect(result.violations[0]?.evidence).toContain("review mentioning agent `@copilot`");
  });

  it("ignores a pending review, which no bot can see", () => {
    const result = run({
      reviews: [review("claude[bot]", { author: CLAUDE, state: "PENDING", body: "/merge" })],
    });
    expect(result.violations).toEqual([]);
  });
});

describe("agent escalation", () => {
  it("reports an agent @-mentioning another agent", () => {
    const result = run({
      comments: [comment(bot("coderabbitai[bot]"), "@copilot please apply these fixes.")],
    });
    expect(result.violations).toEqual([
      expect.objectContaining({
        kind: "agent_escalation",
        actor: "coderabbitai[bot]",
        evidence: `comment mentioning agent \`@copilot\` by \`coderabbitai[bot]\` (bot) at ${at(5)} (comment author).`,
      }),
    ]);
  });

  it("ignores self-mentions, e-mail addresses, code and humans' mentions", () => {
    const result = run({
      comments: [
        comment(
          CLAUDE,
          "Reply to @claude for more. Contact ops@codex.example.com; run `@copilot fix`.\n```\n@devin go\n```",
        ),
        comment(bot("chatgpt-codex-connector[bot]"), "@codex review is done"),
        comment(MAINTAINER, "@copilot please fix the tests"),
      ],
    });
    expect(result.violations).toEqual([]);
  });

  it("reports an agent assigning the PR to another agent, but not a human doing it", () => {
    const result = run({
      timeline: [
        { kind: "assigned", actor: CLAUDE, assignee: COPILOT, at: at(2) },
        { kind: "assigned", actor: MAINTAINER, assignee: COPILOT, at: at(3) },
      ],
    });
    expect(result.violations).toEqual([
      expect.objectContaining({
        kind: "agent_escalation",
        actor: "claude[bot]",
        evidence: `agent \`Copilot\` assigned by \`claude[bot]\` (agent) at ${at(2)} (timeline actor).`,
      }),
    ]);
  });
});

describe("agents summoned by a review request", () => {
  it("reports automation asking an agent to review, never a person asking or a team being asked", () => {
    const triage = bot("triage-bot[bot]");
    const result = run({
      timeline: [
        { kind: "review_requested", actor: triage, reviewer: DEVIN, at: at(2) },
        { kind: "review_requested", actor: CLAUDE, reviewer: COPILOT, at: at(3) },
        { kind: "review_requested", actor: null, reviewer: CLAUDE, at: at(4) },
        { kind: "review_requested", actor: MAINTAINER, reviewer: DEVIN, at: at(5) },
        { kind: "review_requested", actor: triage, reviewer: null, at: at(6) },
        { kind: "review_requested", actor: triage, reviewer: OUTSIDER, at: at(7) },
      ],
    });
    expect(result.violations.map((v) => [v.kind, v.actor])).toEqual([
      ["agent_escalation", "triage-bot[bot]"],
      ["agent_escalation", "claude[bot]"],
      ["agent_escalation", null],
    ]);
    expect(result.violations[0]?.evidence).toMatch(
      /agent `devin-ai-integration\[bot\]` asked to review by `triage-bot\[bot\]`/,
    );
  });
});

describe("gates removed by automation", () => {
  it("reports an agent dismissing a review and removing a review request", () => {
    const result = run({
      timeline: [
        { kind: "review_dismissed", actor: DEVIN, reviewer: "maria", at: at(2) },
        { kind: "review_request_removed", actor: DEVIN, reviewer: "security-lead", at: at(3) },
        { kind: "review_request_removed", actor: MAINTAINER, reviewer: "otto", at: at(4) },
      ],
    });
    expect(result.violations.map((v) => [v.kind, v.evidence])).toEqual([
      [
        "review_dismissed_by_automation",
        `review by \`maria\` dismissed by \`devin-ai-integration[bot]\` (agent) at ${at(2)} (timeline actor).`,
      ],
      [
        "review_request_removed_by_automation",
        `review request for \`security-lead\` removed by \`devin-ai-integration[bot]\` (agent) at ${at(3)} (timeline actor).`,
      ],
    ]);
  });
});

describe("confused deputy", () => {
  const dependabot = bot("dependabot[bot]");
  const asDependabot = {
    name: "dependabot[bot]",
    email: "49699333+dependabot[bot]@users.noreply.github.com",
    login: "dependabot[bot]",
  };
  const webFlow = { name: "GitHub", email: "noreply@github.com", login: "web-flow" };

  it("accepts a bot PR whose commits are the bot's, committed by GitHub", () => {
    const result = run(
      { author: dependabot, commits: [commit({ author: asDependabot, committer: webFlow })] },
      { authorKind: "bot" },
    );
    expect(result.violations).toEqual([]);
  });

  it("reports a bot PR carrying a commit by someone else", () => {
    const result = run(
      {
        author: dependabot,
        commits: [
          commit({ author: asDependabot, committer: webFlow }),
          commit({
            sha: "2222222222",
            author: { name: "Eve", email: "eve@evil.example", login: "eve" },
            committer: webFlow,
          }),
        ],
      },
      { authorKind: "bot" },
    );
    expect(result.violations).toEqual([
      expect.objectContaining({
        kind: "confused_deputy",
        actor: "eve",
        evidence:
          "bot pull request by `dependabot[bot]` carries commit `2222222` whose author is `eve` (commit author): code from another account under the bot's name.",
      }),
    ]);
  });

  it("reports a bot PR from a fork", () => {
    const result = run(
      {
        author: dependabot,
        commits: [commit({ author: asDependabot, committer: webFlow })],
        head: { ref: "dependabot/npm/x", sha: HEAD, repoFullName: "eve/app" },
      },
      { authorKind: "bot" },
    );
    expect(result.violations).toEqual([expect.objectContaining({ kind: "confused_deputy", actor: "eve" })]);
  });
});

describe("clearing by a human approval of the head commit", () => {
  const steps = {
    labels: ["automerge"],
    timeline: [labeled("automerge", DEVIN, 1)],
    comments: [comment(CLAUDE, "/deploy staging")],
  };

  it("clears every violation when a human with write access approves the head after them", () => {
    const result = run({ ...steps, reviews: [approvedHead("maria", 30)] });
    expect(result.violations).toEqual([]);
    expect(result.cleared.map((c) => [c.kind, c.clearedBy])).toEqual([
      ["protected_label_added", `\`maria\` (write access) approved head \`1111111\` at ${at(30)}`],
      ["command_comment", `\`maria\` (write access) approved head \`1111111\` at ${at(30)}`],
    ]);
    expect(result.actions).toEqual([]);
  });

  it("does not clear with an approval of an older commit, one given before, or one by the author or requester", () => {
    const result = run({
      ...steps,
      reviews: [
        review("maria", { commitSha: "0ld", submittedAt: at(30) }),
        review("maria", { id: "early", submittedAt: at(0) }),
        approvedHead("rita", 31),
      ],
    });
    expect(result.violations.map((v) => v.kind)).toEqual(["protected_label_added", "command_comment"]);
    expect(result.cleared).toEqual([]);
  });

  it("never clears through an agent or bot approving the head", () => {
    const result = run({
      ...steps,
      reviews: [review("claude[bot]", { author: CLAUDE, submittedAt: at(30) })],
    });
    expect(result.violations.map((v) => v.kind)).toEqual([
      "protected_label_added",
      "command_comment",
      "automation_approval",
    ]);
  });

  it("treats an unparseable review time as not after anything", () => {
    const result = run({ ...steps, reviews: [review("maria", { submittedAt: "yesterday" })] });
    expect(result.cleared).toEqual([]);
  });
});

describe("planned actions", () => {
  it("plans no undo without `revert`, and nothing when there is no violation", () => {
    const facts = { labels: ["automerge"], timeline: [labeled("automerge", DEVIN, 1)] };
    const failOnly = detectPromotion({ ...inputFor(facts), policy: policy({ actions: ["fail"] }) });
    expect(failOnly.violations).toHaveLength(1);
    expect(failOnly.actions).toEqual([]);
    const quiet = detectPromotion({
      ...inputFor({}),
      policy: policy({ actions: ["fail", "revert", "comment"] }),
    });
    expect(quiet.actions).toEqual([]);
  });
});

function inputFor(overrides: Partial<PrFacts>): PromotionInput {
  return {
    policy: policy(),
    facts: facts({ author: DEVIN, people: { maria: { permission: "write" } }, ...overrides }),
    classify,
    agentHandles: ["copilot", "claude", "codex", "devin"],
    prAgents: ["devin-ai-integration[bot]", "rita"],
    authorKind: "agent",
  };
}
