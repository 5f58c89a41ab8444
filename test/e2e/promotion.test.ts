/**
 * The promotion-chain guard (SPEC §5, issue #4), end to end: one realistic case per pattern sent as
 * a signed webhook to the real server, GitHub played by the stand-in, and read back as a user sees
 * it — the check run's verdict, the evidence line in its summary, what the app undid on the PR and
 * the audit record of it. Then who can clear a violation: never an agent or a bot, a human with
 * write access can.
 *
 * Every case lives under its own owner, so it has its own installation: GitHub throttles writes per
 * installation, and the cases can be delivered at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import {
  type PullRequestRecord,
  type PullRequestSpec,
  payloads,
  type ScenarioEvent,
  type Store,
  scenarios,
} from "../../tools/github-standin/index.js";
import { appComments, onlyRun } from "./support.js";

const POLICY = ".github/agent-policy.yml";
const DEVIN = "devin-ai-integration[bot]";
const ACTIONS = "agent-policy[bot]";
const EXPLAIN = "version: 1\npromotion:\n  actions: [fail, revert, comment]\n";

let gate: Gate;
beforeAll(async () => {
  gate = await startGate();
  const { store } = gate.standIn;
  scenarios.seedOrg(store);
  scenarios.addDevinApp(store);
  store.addApp({ id: 900_003, slug: "claude", name: "Claude", owner: "anthropics", botId: 209825114 });
  store.addApp({ id: 29110, slug: "dependabot", name: "Dependabot", owner: "github", botId: 49699333 });
  store.addApp({ id: 900_004, slug: "ci-helper", name: "CI Helper", owner: "mallory" });
}, 20_000);
afterAll(() => gate?.close());

interface Pr {
  repo: string;
  number: number;
  record: PullRequestRecord;
  installation: number;
}

/** A PR in a repository of its own owner (its own installation): bob, carol write; dave admin. */
function openPr(
  owner: string,
  spec: Partial<PullRequestSpec> & { repoFiles?: Record<string, string> } = {},
): Pr {
  const { store } = gate.standIn;
  const { repoFiles, ...pull } = spec;
  const repo = store.addRepo({
    owner,
    name: "service",
    files: { "README.md": "# service\n", ...repoFiles },
    collaborators: { alice: "write", bob: "write", carol: "write", dave: "admin", frank: "write" },
  });
  const author = pull.author ?? DEVIN;
  const record = store.addPullRequest(repo.fullName, {
    title: "Retry failed webhooks with backoff",
    head: "devin/retry-webhooks",
    files: [
      {
        filename: "src/retry.ts",
        status: "added",
        patch: "@@ -0,0 +1,2 @@\n+export const attempts = 3;\n+export const backoffMs = 250;",
      },
    ],
    ...pull,
    author,
  });
  return { repo: repo.fullName, number: record.number, record, installation: repo.installationId as number };
}

const prEvent = (pr: Pr, action: string, sender: string, label?: string): ScenarioEvent => ({
  name: "pull_request",
  payload: payloads.pullRequest(
    gate.standIn.store,
    pr.repo,
    pr.number,
    action,
    sender,
    label ? { label } : {},
  ),
});

const commentEvent = (pr: Pr, id: number, action = "created", previousBody?: string): ScenarioEvent => ({
  name: "issue_comment",
  payload: payloads.issueComment(gate.standIn.store, pr.repo, pr.number, id, action, undefined, previousBody),
});

const reviewEvent = (pr: Pr, id: number, action = "submitted", sender?: string): ScenarioEvent => ({
  name: "pull_request_review",
  payload: payloads.pullRequestReview(gate.standIn.store, pr.repo, pr.number, id, action, sender),
});

/** `actor` labels the PR: the timeline event GitHub records, the label on the PR, and the webhook. */
function labelBy(pr: Pr, actor: string, label: string, viaAppId?: number): ScenarioEvent {
  gate.standIn.store.label(pr.record, actor, label, viaAppId ?? null);
  return prEvent(pr, "labeled", actor, label);
}

async function deliver(event: ScenarioEvent): Promise<void> {
  expect((await gate.deliver(event)).status).toBe(200);
  await gate.settle();
}

/**
 * The summary entry of one violation kind (`- **protected label added** — …`), with the evidence
 * nested under it when the kind occurred more than once (`- **…** — 2 times. Clears when …`).
 */
function violationLine(summary: string | null, kind: string): string | undefined {
  const heading = `- **${kind.replaceAll("_", " ")}** — `;
  const lines = (summary ?? "").split("\n");
  const at = lines.findIndex((line) => line.startsWith(heading));
  if (at < 0) return undefined;
  const end = lines.findIndex((line, i) => i > at && !line.startsWith("  - "));
  return lines.slice(at, end < 0 ? undefined : end).join("\n");
}

/** Audit records about one PR. */
const auditOf = (pr: Pr) => gate.audit.filter((r) => r.repository === pr.repo && r.pr === pr.number);
const actionsOf = (pr: Pr) => auditOf(pr).filter((r) => r.event === "action");
const lastDecision = (pr: Pr) =>
  auditOf(pr)
    .filter((r) => r.event === "decision")
    .at(-1);
const mutationsOf = (pr: Pr) =>
  gate.standIn.store.mutations.filter((m) => m.installationId === pr.installation);

interface PatternCase {
  name: string;
  /** Seeds the PR in the stand-in and returns the webhook GitHub would send for the step. */
  seed(store: Store): { pr: Pr; event: ScenarioEvent };
  kind: string;
  title: RegExp;
  /** The evidence on the violation's summary line. */
  evidence: RegExp;
  /** What the user sees changed on the PR, and the audit record of the enforcement. */
  effect(pr: Pr): void;
}

const noUndo = (pr: Pr) => {
  expect(actionsOf(pr)).toEqual([]);
  expect(mutationsOf(pr)).toEqual([]);
};

const EDITED = "a human's command comment edited by an agent";

const cases: PatternCase[] = [
  {
    name: "protected label `automerge` added by an agent: label removed",
    seed: () => {
      const pr = openPr("promo-label");
      return { pr, event: labelBy(pr, DEVIN, "automerge", scenarios.DEVIN_APP_ID) };
    },
    kind: "protected_label_added",
    title: /^Blocked: label automerge added by devin-ai-integration\[bot\]/,
    evidence: /label `automerge` added by `devin-ai-integration\[bot\]` \(agent\)/,
    effect: (pr) => {
      expect(pr.record.labels).not.toContain("automerge");
      expect(pr.record.timeline.at(-1)).toMatchObject({
        kind: "unlabeled",
        label: "automerge",
        actor: ACTIONS,
      });
      expect(actionsOf(pr)).toEqual([
        expect.objectContaining({ kind: "remove_label", target: "automerge", outcome: "done" }),
      ]);
    },
  },
  {
    name: "hold label `do-not-merge` removed by a bot: label restored",
    seed: (store) => {
      const pr = openPr("promo-hold");
      store.addTimelineEvent(pr.record, { kind: "labeled", actor: "alice", label: "do-not-merge" });
      store.addTimelineEvent(pr.record, {
        kind: "unlabeled",
        actor: "github-actions[bot]",
        label: "do-not-merge",
        viaAppId: 15368,
      });
      return { pr, event: prEvent(pr, "unlabeled", "github-actions[bot]", "do-not-merge") };
    },
    kind: "hold_label_removed",
    title: /^Blocked: hold label do-not-merge removed by github-actions\[bot\]/,
    evidence: /hold label `do-not-merge` removed by `github-actions\[bot\]` \(bot\)/,
    effect: (pr) => {
      expect(pr.record.labels).toEqual(["do-not-merge"]);
      expect(pr.record.timeline.at(-1)).toMatchObject({
        kind: "labeled",
        label: "do-not-merge",
        actor: ACTIONS,
      });
      expect(actionsOf(pr)).toEqual([
        expect.objectContaining({ kind: "restore_label", target: "do-not-merge", outcome: "done" }),
      ]);
    },
  },
  {
    name: "command comment `/deploy production` by claude[bot]",
    seed: (store) => {
      const pr = openPr("promo-command", { author: "claude[bot]", head: "claude/issue-41-retry" });
      const comment = store.addComment(pr.record, {
        author: "claude[bot]",
        body: "Tests pass on my side.\n\n/deploy production",
        viaAppId: 900_003,
      });
      return { pr, event: commentEvent(pr, comment.id) };
    },
    kind: "command_comment",
    title: /^Blocked: command \/deploy production commented by claude\[bot\]/,
    evidence: /command `\/deploy production` commented by `claude\[bot\]` \(agent\)/,
    effect: noUndo,
  },
  {
    name: EDITED,
    seed: (store) => {
      const pr = openPr("promo-edited");
      const comment = store.addComment(pr.record, { author: "bob", body: "/deploy staging" });
      store.editComment(comment, "/deploy production", DEVIN);
      return { pr, event: commentEvent(pr, comment.id, "edited", "/deploy staging") };
    },
    kind: "command_edited",
    title: /^Blocked: comment now reading \/deploy production, written by bob/,
    evidence:
      /comment now reading `\/deploy production`, written by `bob` \(human\).*was edited .*by `devin-ai-integration\[bot\]` \(agent\).*last editor, not the author/,
    effect: noUndo,
  },
  {
    name: "approval by github-actions[bot], which does not count toward the rule",
    seed: (store) => {
      const pr = openPr("promo-approval");
      const review = store.addReview(pr.record, {
        author: "github-actions[bot]",
        state: "APPROVED",
        body: "LGTM",
      });
      return { pr, event: reviewEvent(pr, review.id) };
    },
    kind: "automation_approval",
    title: /^Blocked: approving review of [0-9a-f]{7} submitted by github-actions\[bot\]/,
    evidence: /approving review of `[0-9a-f]{7}` submitted by `github-actions\[bot\]` \(bot\)/,
    effect: (pr) => {
      const summary = onlyRun(gate, pr).output.summary;
      expect(summary).toMatch(/@github-actions\[bot\] \| approved \| ❌ does not count/);
      expect(summary).toMatch(/agent-or-bot-review \| .* \| 0 of 1 required<br>from/);
      expect(lastDecision(pr)).toMatchObject({ approvalsCounted: [] });
      noUndo(pr);
    },
  },
  {
    name: "auto-merge enabled by an agent: auto-merge disabled",
    seed: (store) => {
      const pr = openPr("promo-automerge");
      const enabled = store.addTimelineEvent(pr.record, {
        kind: "auto_merge_enabled",
        actor: DEVIN,
        viaAppId: scenarios.DEVIN_APP_ID,
      });
      pr.record.autoMerge = { enabledBy: DEVIN, enabledAt: enabled.createdAt, mergeMethod: "SQUASH" };
      return { pr, event: prEvent(pr, "auto_merge_enabled", DEVIN) };
    },
    kind: "auto_merge_by_automation",
    title: /^Blocked: auto-merge enabled by devin-ai-integration\[bot\]/,
    evidence: /auto-merge enabled by `devin-ai-integration\[bot\]` \(agent\)/,
    effect: (pr) => {
      expect(pr.record.autoMerge).toBeNull();
      expect(mutationsOf(pr)).toEqual([expect.objectContaining({ name: "disablePullRequestAutoMerge" })]);
      expect(pr.record.timeline.at(-1)).toMatchObject({ kind: "auto_merge_disabled", actor: ACTIONS });
      expect(actionsOf(pr)).toEqual([
        expect.objectContaining({ kind: "disable_auto_merge", target: "auto-merge", outcome: "done" }),
      ]);
    },
  },
  {
    name: "merge queue entered by an agent: dequeued",
    seed: (store) => {
      const pr = openPr("promo-queue");
      store.addTimelineEvent(pr.record, { kind: "added_to_merge_queue", actor: DEVIN });
      pr.record.inMergeQueue = true;
      return { pr, event: prEvent(pr, "enqueued", DEVIN) };
    },
    kind: "merge_queue_by_automation",
    title: /^Blocked: pull request added to the merge queue by devin-ai-integration\[bot\]/,
    evidence: /pull request added to the merge queue by `devin-ai-integration\[bot\]` \(agent\)/,
    effect: (pr) => {
      expect(pr.record.inMergeQueue).toBe(false);
      expect(mutationsOf(pr)).toEqual([expect.objectContaining({ name: "dequeuePullRequest" })]);
      expect(pr.record.timeline.at(-1)).toMatchObject({ kind: "removed_from_merge_queue", actor: ACTIONS });
      expect(actionsOf(pr)).toEqual([
        expect.objectContaining({ kind: "dequeue", target: "merge-queue", outcome: "done" }),
      ]);
    },
  },
  {
    name: "an agent hands the work on by mentioning @copilot",
    seed: (store) => {
      const pr = openPr("promo-escalation");
      const comment = store.addComment(pr.record, {
        author: DEVIN,
        body: "I could not fix the flaky test. @copilot please take over and get this merged.",
        viaAppId: scenarios.DEVIN_APP_ID,
      });
      return { pr, event: commentEvent(pr, comment.id) };
    },
    kind: "agent_escalation",
    title: /^Blocked: comment mentioning agent @copilot by devin-ai-integration\[bot\]/,
    evidence: /comment mentioning agent `@copilot` by `devin-ai-integration\[bot\]` \(agent\)/,
    effect: noUndo,
  },
  {
    name: "bob's approval dismissed by an agent",
    seed: (store) => {
      const pr = openPr("promo-dismissed");
      const review = store.addReview(pr.record, { author: "bob", state: "DISMISSED" });
      store.addTimelineEvent(pr.record, {
        kind: "review_dismissed",
        actor: DEVIN,
        subject: "bob",
        reviewId: review.id,
        dismissalMessage: "Outdated after the rebase",
      });
      return { pr, event: reviewEvent(pr, review.id, "dismissed", DEVIN) };
    },
    kind: "review_dismissed_by_automation",
    title: /^Blocked: review by bob dismissed by devin-ai-integration\[bot\]/,
    evidence: /review by `bob` dismissed by `devin-ai-integration\[bot\]` \(agent\)/,
    effect: noUndo,
  },
  {
    name: "confused deputy: a dependabot[bot] PR carrying mallory's commit",
    seed: () => {
      const bot = { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com" };
      const pr = openPr("promo-deputy", {
        author: "dependabot[bot]",
        title: "Bump express from 4.19.2 to 4.21.2",
        head: "dependabot/npm_and_yarn/express-4.21.2",
        commits: [
          { message: "Bump express from 4.19.2 to 4.21.2", author: bot, verified: true },
          { message: "Fix lockfile", author: "mallory" },
        ],
      });
      return { pr, event: prEvent(pr, "synchronize", "dependabot[bot]") };
    },
    kind: "confused_deputy",
    title:
      /^Blocked: bot pull request by dependabot\[bot\] carries commit [0-9a-f]{7} whose author is mallory/,
    evidence:
      /bot pull request by `dependabot\[bot\]` carries commit `[0-9a-f]{7}` whose author is `mallory` \(commit author\)/,
    effect: noUndo,
  },
  {
    name: "required CodeQL check posted by another app: spoofed",
    seed: (store) => {
      const pr = openPr("promo-spoof", {
        repoFiles: {
          [POLICY]:
            "version: 1\nrules:\n  - name: agent-codeql\n    if: { author: [agent] }\n    require:\n      approvals: 1\n      checks:\n        - { name: CodeQL, app: github-actions }\n",
        },
      });
      store.addReview(pr.record, { author: "bob", state: "APPROVED" });
      const run = store.addCheckRun({
        repo: pr.repo,
        headSha: pr.record.head.sha,
        name: "CodeQL",
        app: "ci-helper",
        conclusion: "success",
      });
      return {
        pr,
        event: {
          name: "check_run",
          payload: payloads.checkRun(store, pr.repo, run.id, "completed", "ci-helper[bot]"),
        },
      };
    },
    kind: "spoofed_check",
    title:
      /^Blocked: check run CodeQL was posted by app ci-helper, but the policy requires it from app github-actions/,
    evidence:
      /check run `CodeQL` was posted by app `ci-helper`, but the policy requires it from app `github-actions`; it does not count/,
    effect: (pr) => {
      expect(onlyRun(gate, pr).output.summary).toMatch(/CodeQL: spoofed/);
      noUndo(pr);
    },
  },
];

/** The table's PRs by case name, once seeded. */
const seeded = new Map<string, Pr>();

describe("one promotion-chain pattern per case, under the built-in default policy", () => {
  beforeAll(async () => {
    const steps = cases.map((c) => {
      const { pr, event } = c.seed(gate.standIn.store);
      seeded.set(c.name, pr);
      return event;
    });
    const answers = await Promise.all(steps.map((event) => gate.deliver(event)));
    expect(answers.map((a) => a.status)).toEqual(steps.map(() => 200));
    await gate.settle();
  }, 20_000);

  it.each(cases)("$name", (c) => {
    const pr = seeded.get(c.name) as Pr;
    const run = onlyRun(gate, pr);
    expect(run).toMatchObject({ name: "agent-policy", status: "completed", conclusion: "failure" });
    expect(run.output.title).toMatch(c.title);
    expect(violationLine(run.output.summary, c.kind)).toMatch(c.evidence);
    expect(lastDecision(pr)).toMatchObject({
      verdict: "failure",
      check: "created",
      violations: expect.arrayContaining([expect.objectContaining({ kind: c.kind })]),
    });
    c.effect(pr);
  });
});

describe("check run titles", () => {
  // The title is the one line a user sees in the PR's checks list.
  it("stay one line and name who edited a command comment", () => {
    const run = onlyRun(gate, seeded.get(EDITED) as Pr);
    expect(run.output.title).not.toContain("\n");
    expect(run.output.title).toMatch(/by devin-ai-integration\[bot\]/);
    // Titles are plain text: GitHub shows them raw.
    expect(run.output.title).not.toContain("`");
  });
});

// Each PR below has its own installation, so their evaluations and GitHub's write throttling do
// not wait on each other: the cases run side by side.
describe.concurrent("a PR over time", () => {
  describe("agent PRs that change governance files", () => {
    it("need a repository admin's approval: a write approval leaves it action_required, an admin's passes", async () => {
      const { store } = gate.standIn;
      const pr = openPr("promo-governance", {
        title: "Relax the agent policy for docs",
        files: [
          {
            filename: POLICY,
            status: "added",
            patch: "@@ -0,0 +1,3 @@\n+version: 1\n+promotion:\n+  actions: [comment]",
          },
        ],
      });
      const bob = store.addReview(pr.record, { author: "bob", state: "APPROVED" });
      await deliver(reviewEvent(pr, bob.id));
      const before = onlyRun(gate, pr);
      expect(before.conclusion).toBe("action_required");
      expect(before.output.title).toBe(
        "Needs approval from anyone with admin permission (governance guard (built-in)) (an AI agent (Devin))",
      );
      const summary = before.output.summary ?? "";
      expect(summary).toMatch(
        /^1\. governance guard \(built-in\): 1 more approval of the head commit from anyone with admin permission/m,
      );
      expect(summary).toMatch(
        /\| ❌ governance guard \(built-in\) \| an AI agent \(Devin\) changes files that govern automation: \.github\/agent-policy\.yml \| 0 of 1 required<br>from anyone with admin permission<br>not counted: @bob \(not among those\)/,
      );
      expect(summary).toMatch(/\| ✅ agent-or-bot-review \| .* \| 1 of 1 required: @bob/);

      const dave = store.addReview(pr.record, { author: "dave", state: "APPROVED" });
      await deliver(reviewEvent(pr, dave.id));
      const after = onlyRun(gate, pr);
      expect(after.id).toBe(before.id);
      expect(after.conclusion).toBe("success");
      expect(after.output.summary).toMatch(/✅ governance guard \(built-in\) .*@dave/);
      expect(lastDecision(pr)).toMatchObject({ verdict: "success", check: "updated" });
    });
  });

  describe("who can clear a violation", () => {
    it("never the agent re-applying its label or a bot approving; a human with write approving the head can", async () => {
      const { store } = gate.standIn;
      const pr = openPr("promo-clear");
      await deliver(labelBy(pr, DEVIN, "automerge", scenarios.DEVIN_APP_ID));
      const first = onlyRun(gate, pr);
      expect(first.conclusion).toBe("failure");
      expect(pr.record.labels).not.toContain("automerge");

      // The agent puts the label back: still a violation, and undone again.
      await deliver(labelBy(pr, DEVIN, "automerge", scenarios.DEVIN_APP_ID));
      expect(onlyRun(gate, pr).conclusion).toBe("failure");
      expect(pr.record.labels).not.toContain("automerge");
      expect(actionsOf(pr).filter((a) => a.kind === "remove_label" && a.outcome === "done")).toHaveLength(2);

      // A bot approves: that neither counts nor clears anything.
      const botReview = store.addReview(pr.record, { author: "github-actions[bot]", state: "APPROVED" });
      await deliver(reviewEvent(pr, botReview.id));
      const blocked = onlyRun(gate, pr);
      expect(blocked.conclusion).toBe("failure");
      expect(violationLine(blocked.output.summary, "protected_label_added")).toMatch(/devin-ai-integration/);
      expect(violationLine(blocked.output.summary, "automation_approval")).toMatch(/github-actions\[bot\]/);
      expect(blocked.output.summary).not.toMatch(/<summary>Cleared|## Cleared|\*\*Cleared\*\*/);

      // bob, with write access, approves the head commit afterwards: every violation is cleared.
      const bob = store.addReview(pr.record, { author: "bob", state: "APPROVED" });
      await deliver(reviewEvent(pr, bob.id));
      const cleared = onlyRun(gate, pr);
      expect(cleared.id).toBe(first.id);
      expect(cleared.conclusion).toBe("success");
      const summary = cleared.output.summary ?? "";
      expect(violationLine(summary, "protected_label_added")).toBeUndefined();
      expect(summary).toMatch(
        /- protected label added: label `automerge` added by `devin-ai-integration\[bot\]` .* — cleared by `bob` \(write access\) approved head/,
      );
      expect(summary).toMatch(/- automation approval: .*`github-actions\[bot\]`.* — cleared by `bob`/);
      expect(lastDecision(pr)).toMatchObject({ verdict: "success", violations: [] });
    });

    it("respects a human with write access re-applying the label after the revert", async () => {
      const pr = openPr("promo-relabel");
      await deliver(labelBy(pr, DEVIN, "automerge", scenarios.DEVIN_APP_ID));
      expect(pr.record.labels).not.toContain("automerge");
      expect(actionsOf(pr)).toHaveLength(1);

      await deliver(labelBy(pr, "carol", "automerge"));
      expect(pr.record.labels).toContain("automerge");
      expect(pr.record.timeline.at(-1)).toMatchObject({ kind: "labeled", actor: "carol" });
      expect(actionsOf(pr)).toHaveLength(1);
      const run = onlyRun(gate, pr);
      expect(run.conclusion).toBe("action_required");
      expect(run.output.summary).not.toMatch(/Promotion-chain violations/);
      expect(run.output.summary).toMatch(
        /- protected label added: .*`devin-ai-integration\[bot\]`.* — cleared by `carol` \(write access\) applied the label again/,
      );
      expect(lastDecision(pr)).toMatchObject({ verdict: "action_required", violations: [] });
    });
  });

  describe("the explanation comment (promotion.actions: [fail, revert, comment])", () => {
    it("is one app comment, updated in place on the next event, with no @-mention", async () => {
      const { store } = gate.standIn;
      const pr = openPr("promo-explain", { repoFiles: { [POLICY]: EXPLAIN } });
      await deliver(labelBy(pr, DEVIN, "automerge", scenarios.DEVIN_APP_ID));
      expect(onlyRun(gate, pr).conclusion).toBe("failure");
      expect(pr.record.labels).not.toContain("automerge");
      const [comment] = appComments(gate, pr);
      expect(appComments(gate, pr)).toHaveLength(1);
      expect(comment?.author).toBe(ACTIONS);
      expect(comment?.body).toMatch(/protected label added by `devin-ai-integration\[bot\]`/);
      expect(comment?.body).toMatch(/Undone: remove label `automerge`/);
      expect(actionsOf(pr)).toContainEqual(expect.objectContaining({ kind: "comment", outcome: "done" }));

      // Devin now hands the PR to Copilot: the same comment is rewritten, not a second one posted.
      const handOff = store.addComment(pr.record, {
        author: DEVIN,
        body: "@copilot please finish the flaky test fix.\n/merge",
        viaAppId: scenarios.DEVIN_APP_ID,
      });
      await deliver(commentEvent(pr, handOff.id));
      const comments = appComments(gate, pr);
      expect(comments).toEqual([expect.objectContaining({ id: comment?.id, editor: ACTIONS })]);
      const body = comments[0]?.body ?? "";
      expect(body).toMatch(/agent escalation by `devin-ai-integration\[bot\]`/);
      expect(body).toMatch(/command comment by `devin-ai-integration\[bot\]`/);
      expect(body).toMatch(/copilot/);
      expect(body).not.toMatch(/@[A-Za-z0-9]/);
    }, 20_000);
  });
});
