/**
 * Promotion-chain guard (SPEC §5), pure: finds each step an agent, a bot or an unattributed
 * account took to make another automation merge, test or deploy this pull request, says who took
 * it and how we know, and plans how to undo it. The app performs the planned actions.
 *
 * Trust. An actor is untrusted when classified agent, bot or unknown (including no actor at all:
 * GitHub did not attribute the step). A label event or comment made through an App
 * (`performed_via_github_app`: a user's token used by an App) is untrusted whoever it names.
 * A "human with write" is an actor classified human whose write permission the facts prove
 * (`hasPermission(...) === true`); unknown permission is never enough.
 *
 * How a violation clears. Only a human with write ever clears one; an agent, a bot, an
 * unattributed account or a step through an App never does (an agent re-applying a label, a bot
 * approving later or withdrawing its own approval: the violation stands).
 * - Every violation: an APPROVED review of the current head commit, submitted after the
 *   violation, by a human with write who is neither the PR author nor one of the PR's agents or
 *   requesters (vouching for the code takes an independent person, as approvals do in SPEC §4).
 * - Protected label added: such a human later applies the same label themselves (not through an
 *   App); that also makes their label the latest word, so it is never reverted.
 * - Hold label removed: such a human later adds or removes the same hold label themselves.
 * - Approval by automation: such a human, not the author or a requester, approves after it (any commit).
 * - Auto-merge or merge queue by automation: such a human later enables auto-merge or enqueues.
 * - Command comments (and commands in review bodies), edited comments, escalations, dismissed reviews, removed review requests and
 *   confused deputies clear only through the head-commit approval.
 * A dismissed approval is no longer an approval: GitHub reports it as DISMISSED, so it raises
 * nothing (and a dismissal by automation is itself a violation).
 *
 * Undo. With `revert` in `promotion.actions`, a standing (not cleared) violation plans its undo
 * only while its step is still the latest on that label, auto-merge or queue entry, so a human's
 * later step is never fought, and each label, auto-merge or queue entry is undone at most once.
 */
import type {
  Actor,
  Comment,
  GitIdentity,
  PrFacts,
  Review,
  TimelineEvent,
  TimelineKind,
} from "../facts/model.js";
import type { Policy } from "../policy/model.js";
import type { PlannedAction, Violation } from "./decision.js";
import type { ActorClass } from "./identify.js";
import { hasPermission } from "./people.js";
import {
  findCommand,
  isGitHubCommitter,
  isHoldLabel,
  isOwnHandle,
  labelKey,
  labelMatcher,
  mentionedHandles,
  PROTECTED_LABELS,
  sameLabel,
} from "./promotion-patterns.js";

export interface PromotionInput {
  policy: Policy;
  facts: PrFacts;
  /** Classifies any actor (agent | bot | human | unknown for null/ghost). Injected so this module stays independent of the catalog. */
  classify: (actor: Actor | null) => ActorClass;
  /** Lowercased mention handles of catalogued agents ("copilot", "claude", "codex", ...). */
  agentHandles: readonly string[];
  /** Logins (lowercased) of agents/bots this PR is attributed to, and its requesters — from identification. */
  prAgents: readonly string[];
  authorKind: "agent" | "bot" | "human";
}

export interface PromotionResult {
  violations: Violation[];
  cleared: (Violation & { clearedBy: string })[];
  actions: PlannedAction[];
}

/** One violating step, before the uniform head-approval clearing is applied. */
interface Step {
  violation: Violation;
  /** The later human step, specific to this pattern, that cleared it. */
  clearedBy?: string;
  /** What undoes it while it is still the latest step on what it changed. */
  undo?: PlannedAction;
}

interface Context {
  input: PromotionInput;
  untrusted: (actor: Actor | null) => boolean;
  humanWithWrite: (actor: Actor | null) => boolean;
  /** APPROVED reviews by a human with write who is not the PR author, nor one of its agents or requesters; oldest first. */
  independentApprovals: Review[];
}

/** The events of some kinds (a member of TimelineEvent may carry several kinds, so Extract would not do). */
type EventOf<K extends TimelineKind> = TimelineEvent & { kind: K };
type LabelEvent = EventOf<"labeled" | "unlabeled">;

const HEAD_APPROVAL =
  "a human with write access who is not the author or a requester approves the head commit after it";
const ONLY_HEAD_APPROVAL = `Clears when ${HEAD_APPROVAL}.`;

/** User-controlled text (labels, comment lines) as one safe inline-code span: no Markdown, no mentions. */
function code(text: string): string {
  const flat = text.replace(/\s+/g, " ").replace(/`/g, "'").trim();
  return `\`${flat.length > 80 ? `${flat.slice(0, 79)}…` : flat}\``;
}

const short = (sha: string): string => sha.slice(0, 7);
const lower = (login: string): string => login.toLowerCase();

/** Whether `time` is strictly after `reference`; an unparseable time is never after anything (fail closed). */
function after(time: string, reference: string | undefined): boolean {
  const t = Date.parse(time);
  return reference === undefined ? !Number.isNaN(t) : t > Date.parse(reference);
}

function context(input: PromotionInput): Context {
  const { facts, classify } = input;
  const author = lower(facts.author.login);
  const involved = new Set(input.prAgents.map(lower));
  const humanWithWrite = (actor: Actor | null): actor is Actor =>
    actor !== null && classify(actor) === "human" && hasPermission(facts, actor.login, "write") === true;
  const independentApprovals = facts.reviews
    .filter(
      (r) =>
        r.state === "APPROVED" &&
        !Number.isNaN(Date.parse(r.submittedAt)) &&
        humanWithWrite(r.author) &&
        lower(r.author.login) !== author &&
        !involved.has(lower(r.author.login)),
    )
    .sort((a, b) => Date.parse(a.submittedAt) - Date.parse(b.submittedAt));
  return {
    input,
    untrusted: (actor) => actor === null || classify(actor) !== "human",
    humanWithWrite,
    independentApprovals,
  };
}

/** One sentence: what happened, who did it (as classified), when, and where the attribution comes from. */
function attributed(ctx: Context, what: string, actor: Actor | null, at: string, source: string): string {
  if (!actor)
    return `${what} at ${at} (${source}): GitHub did not attribute this step; treated as untrusted.`;
  const cls = ctx.input.classify(actor);
  const kind = cls === "unknown" ? "unknown kind of account, treated as untrusted" : cls;
  return `${what} by ${code(actor.login)} (${kind}) at ${at} (${source}).`;
}

const throughApp = (source: string, app: { slug: string } | null): string =>
  app ? `${source}, through the App ${code(app.slug)}: a user's token used by an App, untrusted` : source;

function ofKinds<K extends TimelineKind>(
  timeline: readonly TimelineEvent[],
  kinds: readonly K[],
): EventOf<K>[] {
  return timeline.filter((event): event is EventOf<K> => (kinds as readonly string[]).includes(event.kind));
}

/** For each item, the nearest later item that satisfies `pred`: one pass from the end, so long timelines stay linear. */
function nearestLater<T>(items: readonly T[], pred: (item: T) => boolean): (T | undefined)[] {
  const out: (T | undefined)[] = new Array(items.length);
  let next: T | undefined;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    out[i] = next;
    if (pred(item)) next = item;
  }
  return out;
}

/** Protected labels added and hold labels removed by untrusted actors or through an App. */
function labelSteps(ctx: Context): Step[] {
  const { facts, policy } = ctx.input;
  const isProtected = labelMatcher([...PROTECTED_LABELS, ...policy.promotion.labels]);
  const events = ofKinds(facts.timeline, ["labeled", "unlabeled"] as const);
  // Per event: the nearest later human-with-write step on the same label, and whether it is the latest on it.
  const trusted = (e: LabelEvent) => !e.viaApp && ctx.humanWithWrite(e.actor);
  const laterOf: { relabel?: LabelEvent; human?: LabelEvent; last: boolean }[] = [];
  const byLabel = new Map<string, number[]>();
  events.forEach((e, pos) => {
    const group = byLabel.get(labelKey(e.label));
    if (group) group.push(pos);
    else byLabel.set(labelKey(e.label), [pos]);
  });
  for (const positions of byLabel.values()) {
    const group = positions.map((pos) => events[pos] as LabelEvent);
    const relabel = nearestLater(group, (e) => e.kind === "labeled" && trusted(e));
    const human = nearestLater(group, trusted);
    positions.forEach((pos, i) => {
      laterOf[pos] = { relabel: relabel[i], human: human[i], last: i === positions.length - 1 };
    });
  }
  const steps: Step[] = [];
  events.forEach((event, pos) => {
    const added = event.kind === "labeled";
    if (added ? !isProtected(event.label) : !isHoldLabel(event.label)) return;
    if (!ctx.untrusted(event.actor) && !event.viaApp) return;
    const later = laterOf[pos];
    const clearer = added ? later?.relabel : later?.human;
    const onNow = facts.labels.find((l) => sameLabel(l, event.label));
    const source = throughApp("timeline actor", event.viaApp);
    const label = code(event.label);
    const evidence = added
      ? attributed(ctx, `label ${label} added`, event.actor, event.at, source)
      : attributed(ctx, `hold label ${label} removed`, event.actor, event.at, source);
    const violation: Violation = {
      kind: added ? "protected_label_added" : "hold_label_removed",
      actor: event.actor?.login ?? null,
      at: event.at,
      evidence,
      clears: added
        ? `Clears when a human with write access applies ${label} again themselves (not through an App), or when ${HEAD_APPROVAL}.`
        : `Clears when a human with write access adds or removes ${label} themselves, or when ${HEAD_APPROVAL}.`,
    };
    const step: Step = { violation };
    if (clearer?.actor) {
      const did = added
        ? "applied the label again"
        : `${clearer.kind === "labeled" ? "re-added" : "removed"} the hold label`;
      step.clearedBy = `${code(clearer.actor.login)} (write access) ${did} at ${clearer.at}`;
    }
    if (later?.last && added && onNow !== undefined) {
      step.undo = { kind: "remove_label", label: onNow, because: evidence };
    }
    if (later?.last && !added && onNow === undefined) {
      step.undo = { kind: "restore_label", label: event.label, because: evidence };
    }
    steps.push(step);
  });
  return steps;
}

/** Where a text that bots read was written: how evidence names it. */
interface Place {
  /** Follows "command `…`": "commented", "in a review". */
  command: string;
  /** Precedes "mentioning agent": "comment", "review". */
  noun: string;
  source: string;
}
const IN_COMMENT: Place = { command: "commented", noun: "comment", source: "comment author" };
const IN_REVIEW: Place = { command: "in a review", noun: "review", source: "review author" };

/**
 * Command comments, edited comments and agent mentions in the PR conversation. A submitted
 * review's body is read the same way (Prow and bors obey `/lgtm` and `bors r+` in reviews), as a
 * comment written when the review was submitted, never edited and not through an App. A pending
 * review is visible to its author alone, so no bot has read it.
 */
function commentSteps(ctx: Context): Step[] {
  const { comments, reviews } = ctx.input.facts;
  const reviewBodies = reviews
    .filter((r) => r.state !== "PENDING" && r.body !== "")
    .map(
      (r): Comment => ({
        id: r.id,
        author: r.author,
        body: r.body,
        createdAt: r.submittedAt,
        lastEditedAt: null,
        editor: null,
        viaApp: null,
      }),
    );
  return [
    ...comments.flatMap((c) => [...commandSteps(ctx, c, IN_COMMENT), ...mentionSteps(ctx, c, IN_COMMENT)]),
    ...reviewBodies.flatMap((r) => [...commandSteps(ctx, r, IN_REVIEW), ...mentionSteps(ctx, r, IN_REVIEW)]),
  ];
}

function commandSteps(ctx: Context, comment: Comment, place: Place): Step[] {
  const { policy, classify } = ctx.input;
  const hit = findCommand(comment.body, policy.promotion.commands);
  const steps: Step[] = [];
  if (hit && (ctx.untrusted(comment.author) || comment.viaApp)) {
    steps.push({
      violation: {
        kind: "command_comment",
        actor: comment.author.login,
        at: comment.createdAt,
        evidence: attributed(
          ctx,
          `command ${code(hit.line)} ${place.command}`,
          comment.author,
          comment.createdAt,
          throughApp(place.source, comment.viaApp),
        ),
        clears: ONLY_HEAD_APPROVAL,
      },
    });
  }
  const authorClass = classify(comment.author);
  const editedByOther =
    comment.editor !== null && lower(comment.editor.login) !== lower(comment.author.login);
  // The original text of an edited comment is unknowable: one that reads as a command now, or that
  // someone other than its author rewrote, may have fired something. Agents routinely rewrite their
  // own progress comments, so an agent's own edit without a command is not flagged on its own.
  if (comment.lastEditedAt && (hit || authorClass === "unknown" || editedByOther)) {
    const written = `written by ${code(comment.author.login)} (${authorClass}) at ${comment.createdAt}`;
    const what = hit
      ? `comment now reading ${code(hit.line)}, ${written}, was edited (its original text cannot be known)`
      : `comment ${written} was edited (its original text cannot be known, so a command in it cannot be ruled out)`;
    const editorIsAuthor =
      comment.editor !== null && lower(comment.editor.login) === lower(comment.author.login);
    const source = comment.editor && !editorIsAuthor ? "last editor, not the author" : "last editor";
    steps.push({
      violation: {
        kind: "command_edited",
        actor: comment.editor?.login ?? null,
        at: comment.lastEditedAt,
        evidence: attributed(ctx, what, comment.editor, comment.lastEditedAt, source),
        clears: ONLY_HEAD_APPROVAL,
      },
    });
  }
  return steps;
}

/** An agent or bot @-mentioning another catalogued agent hands the work on to it. */
function mentionSteps(ctx: Context, comment: Comment, place: Place): Step[] {
  if (!ctx.untrusted(comment.author)) return [];
  const handles = mentionedHandles(comment.body, ctx.input.agentHandles).filter(
    (h) => !isOwnHandle(comment.author.login, h),
  );
  if (handles.length === 0) return [];
  const named = handles.map((h) => code(`@${h}`)).join(", ");
  return [
    {
      violation: {
        kind: "agent_escalation",
        actor: comment.author.login,
        at: comment.createdAt,
        evidence: attributed(
          ctx,
          `${place.noun} mentioning agent ${named}`,
          comment.author,
          comment.createdAt,
          place.source,
        ),
        clears: ONLY_HEAD_APPROVAL,
      },
    },
  ];
}

/** Approving reviews by agents, bots or unattributed accounts: they never count and are reported. */
function approvalSteps(ctx: Context): Step[] {
  const { reviews } = ctx.input.facts;
  return reviews
    .filter((r) => r.state === "APPROVED" && ctx.untrusted(r.author))
    .map((r) => {
      const of = r.commitSha ? ` of ${code(short(r.commitSha))}` : "";
      const step: Step = {
        violation: {
          kind: "automation_approval",
          actor: r.author.login,
          at: r.submittedAt,
          evidence: attributed(
            ctx,
            `approving review${of} submitted`,
            r.author,
            r.submittedAt,
            "review author",
          ),
          clears:
            "Never counts as an approval. Clears when a human with write access who is not the author or a requester approves after it.",
        },
      };
      const human = ctx.independentApprovals.find((o) => after(o.submittedAt, r.submittedAt));
      if (human)
        step.clearedBy = `${code(human.author.login)} (write access) approved at ${human.submittedAt}`;
      return step;
    });
}

const sameActor = (a: Actor | null, b: Actor | null): boolean =>
  (a ? lower(a.login) : null) === (b ? lower(b.login) : null);

/** Auto-merge enabled by automation, per the timeline and per the PR's current auto-merge state. */
function autoMergeSteps(ctx: Context): Step[] {
  const { facts } = ctx.input;
  const events = ofKinds(facts.timeline, ["auto_merge_enabled"] as const);
  const latest = events.at(-1);
  const current = facts.autoMerge;
  const onByAutomation = current !== null && ctx.untrusted(current.enabledBy);
  const clears = `Clears when a human with write access enables auto-merge themselves after it, or when ${HEAD_APPROVAL}.`;
  const clearers = nearestLater(events, (e) => ctx.humanWithWrite(e.actor));
  const steps: Step[] = [];
  events.forEach((event, pos) => {
    if (!ctx.untrusted(event.actor)) return;
    const evidence = attributed(ctx, "auto-merge enabled", event.actor, event.at, "timeline actor");
    const step: Step = {
      violation: {
        kind: "auto_merge_by_automation",
        actor: event.actor?.login ?? null,
        at: event.at,
        evidence,
        clears,
      },
    };
    const clearer = clearers[pos];
    if (clearer?.actor) {
      step.clearedBy = `${code(clearer.actor.login)} (write access) enabled auto-merge at ${clearer.at}`;
    }
    if (onByAutomation && pos === events.length - 1 && current && sameActor(current.enabledBy, event.actor)) {
      step.undo = { kind: "disable_auto_merge", because: evidence };
    }
    steps.push(step);
  });
  // The timeline may lack the enabling event (truncated, or not yet indexed): the PR's own state still tells.
  if (onByAutomation && current && !(latest && sameActor(latest.actor, current.enabledBy))) {
    const evidence = attributed(
      ctx,
      "auto-merge enabled",
      current.enabledBy,
      current.at,
      "auto_merge.enabled_by",
    );
    steps.push({
      violation: {
        kind: "auto_merge_by_automation",
        actor: current.enabledBy?.login ?? null,
        at: current.at,
        evidence,
        clears,
      },
      undo: { kind: "disable_auto_merge", because: evidence },
    });
  }
  return steps;
}

/** The PR added to the merge queue by automation. */
function mergeQueueSteps(ctx: Context): Step[] {
  const events = ofKinds(ctx.input.facts.timeline, [
    "added_to_merge_queue",
    "removed_from_merge_queue",
  ] as const);
  const clearers = nearestLater(
    events,
    (e) => e.kind === "added_to_merge_queue" && ctx.humanWithWrite(e.actor),
  );
  const steps: Step[] = [];
  events.forEach((event, pos) => {
    if (event.kind !== "added_to_merge_queue" || !ctx.untrusted(event.actor)) return;
    const evidence = attributed(
      ctx,
      "pull request added to the merge queue",
      event.actor,
      event.at,
      "timeline actor",
    );
    const step: Step = {
      violation: {
        kind: "merge_queue_by_automation",
        actor: event.actor?.login ?? null,
        at: event.at,
        evidence,
        clears: `Clears when a human with write access adds it to the merge queue themselves after it, or when ${HEAD_APPROVAL}.`,
      },
    };
    const clearer = clearers[pos];
    if (clearer?.actor) {
      step.clearedBy = `${code(clearer.actor.login)} (write access) added it to the merge queue at ${clearer.at}`;
    }
    if (pos === events.length - 1) step.undo = { kind: "dequeue", because: evidence };
    steps.push(step);
  });
  return steps;
}

/** Review dismissals, removed review requests, and agents assigned or asked to review by automation. */
function gateSteps(ctx: Context): Step[] {
  const { classify, facts } = ctx.input;
  const steps: Step[] = [];
  for (const event of facts.timeline) {
    if (!ctx.untrusted(event.actor)) continue;
    const add = (kind: Violation["kind"], what: string) =>
      steps.push({
        violation: {
          kind,
          actor: event.actor?.login ?? null,
          at: event.at,
          evidence: attributed(ctx, what, event.actor, event.at, "timeline actor"),
          clears: ONLY_HEAD_APPROVAL,
        },
      });
    if (event.kind === "review_dismissed") {
      add(
        "review_dismissed_by_automation",
        `review by ${event.reviewer ? code(event.reviewer) : "an unnamed reviewer"} dismissed`,
      );
    } else if (event.kind === "review_request_removed") {
      add(
        "review_request_removed_by_automation",
        `review request for ${event.reviewer ? code(event.reviewer) : "an unnamed reviewer"} removed`,
      );
    } else if (event.kind === "assigned" && classify(event.assignee) === "agent") {
      add("agent_escalation", `agent ${code(event.assignee.login)} assigned`);
    } else if (event.kind === "review_requested" && event.reviewer && classify(event.reviewer) === "agent") {
      add("agent_escalation", `agent ${code(event.reviewer.login)} asked to review`);
    }
  }
  return steps;
}

/** A bot's PR carrying someone else's commits, or coming from a fork: the bot's name vouches for code it did not write. */
function confusedDeputySteps(ctx: Context): Step[] {
  const { facts, authorKind } = ctx.input;
  if (authorKind !== "bot") return [];
  const author = lower(facts.author.login);
  const pr = `bot pull request by ${code(facts.author.login)}`;
  const steps: Step[] = [];
  const seen = new Set<string>();
  const foreign = (commitSha: string, role: "author" | "committer", id: GitIdentity) => {
    if (id.login !== null && lower(id.login) === author) return;
    if (role === "committer" && isGitHubCommitter(id)) return;
    const who = id.login
      ? code(id.login)
      : `${code(`${id.name} <${id.email}>`)}, not linked to a GitHub account`;
    const key = id.login ? lower(id.login) : `${id.name} <${id.email}>`.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    steps.push({
      violation: {
        kind: "confused_deputy",
        actor: id.login,
        evidence: `${pr} carries commit ${code(short(commitSha))} whose ${role} is ${who} (commit ${role}): code from another account under the bot's name.`,
        clears: ONLY_HEAD_APPROVAL,
      },
    });
  };
  for (const c of facts.commits) {
    foreign(c.sha, "author", c.author);
    foreign(c.sha, "committer", c.committer);
  }
  const base = `${facts.repo.owner}/${facts.repo.name}`;
  if (lower(facts.head.repoFullName) !== lower(base)) {
    steps.push({
      violation: {
        kind: "confused_deputy",
        actor: facts.head.repoFullName.split("/")[0] || null,
        evidence: `${pr} comes from ${facts.head.repoFullName ? `the fork ${code(facts.head.repoFullName)}` : "a head repository GitHub no longer reports (deleted fork)"}, not from ${code(base)} (head repository): a bot's pull request never comes from a fork.`,
        clears: ONLY_HEAD_APPROVAL,
      },
    });
  }
  return steps;
}

/** The uniform clearing: an independent human's approval of the head commit after the violation. */
function headApprovalAfter(ctx: Context, at: string | undefined): string | undefined {
  const { facts } = ctx.input;
  const review = ctx.independentApprovals.find(
    (r) => r.commitSha === facts.head.sha && after(r.submittedAt, at),
  );
  return review
    ? `${code(review.author.login)} (write access) approved head ${code(short(facts.head.sha))} at ${review.submittedAt}`
    : undefined;
}

export function detectPromotion(input: PromotionInput): PromotionResult {
  const ctx = context(input);
  const steps = [
    ...labelSteps(ctx),
    ...commentSteps(ctx),
    ...approvalSteps(ctx),
    ...autoMergeSteps(ctx),
    ...mergeQueueSteps(ctx),
    ...gateSteps(ctx),
    ...confusedDeputySteps(ctx),
  ];
  const violations: Violation[] = [];
  const cleared: (Violation & { clearedBy: string })[] = [];
  const undo: PlannedAction[] = [];
  for (const step of steps) {
    const clearedBy = step.clearedBy ?? headApprovalAfter(ctx, step.violation.at);
    if (clearedBy) {
      cleared.push({ ...step.violation, clearedBy });
      continue;
    }
    violations.push(step.violation);
    if (step.undo) undo.push(step.undo);
  }
  // The explanation comment is planned by the engine, which sees every violation, not only these.
  const actions = input.policy.promotion.actions.includes("revert") ? [...undo] : [];
  return { violations, cleared, actions };
}
