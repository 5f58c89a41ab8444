/**
 * The decision: policy + facts about one PR → verdict with evidence. Pure and deterministic:
 * no I/O, no clock, no randomness, so it is tested exhaustively and the CLI, the app and the
 * benchmarks all run the very same code.
 */

import { LRUCache } from "lru-cache";
import { agentMentionHandles } from "../catalog/index.js";
import type { Actor, ChangedFile, PrFacts, TimelineKind } from "../facts/model.js";
import type { Policy, Rule } from "../policy/model.js";
import { scanFile } from "../scan/index.js";
import type { FileScan, Finding } from "../scan/model.js";
import { isWorkflowPath } from "../scan/workflow/hazards.js";
import { assessReviews } from "./approvals.js";
import { ownNameSpoofs, type SelfCertification } from "./checks.js";
import { classify } from "./classify.js";
import {
  type CategoryHit,
  CHECK_NAME,
  type Decision,
  type Identity,
  type PlannedAction,
  type RuleResult,
  type Verdict,
  type Violation,
} from "./decision.js";
import { compiled, firstMatch } from "./globs.js";
import { actorClass, identify } from "./identify.js";
import { assessOverrides, isOverrideComment, type OverrideInForce } from "./overrides.js";
import { detectPromotion } from "./promotion.js";
import { HOLD_LABELS, labelMatcher, PROTECTED_LABELS } from "./promotion-patterns.js";
import { describeKind, evaluateRule, ruleApplies } from "./rules.js";
import { scanWithinBudget } from "./scan-budget.js";

/** Guards every policy carries; named so a reader tells them from the policy's own rules. */
const GOVERNANCE_RULE = "governance guard (built-in)";
const SECRETS_RULE = "secret findings (built-in)";
const UNSCANNED_RULE = "unscanned files (built-in)";

export function evaluate(policy: Policy, facts: PrFacts): Decision {
  const errors = completenessErrors(facts);
  const identityResult = identify(policy, facts);
  const { contributors, ...identity } = identityResult;
  const classOf = (a: Actor | null) => actorClass(a, policy);

  const { scans, unscanned: overBudget } = scanWithinBudget(facts.files, {}, cachedScan);
  const findings = [...scans.values()]
    .flatMap((s) => s.findings)
    .filter((f) => policy.secrets.scan || f.kind !== "secret");
  const categories = classify(policy, facts.files, scans);

  const excluded = {
    requesters: new Set(identity.requesters.map((r) => r.login.toLowerCase())),
    contributors: new Set(contributors),
  };
  const assessment = assessReviews(policy, facts, (r) => classOf(r.author), excluded);

  const ctx = { facts, identity, categories };
  const author = facts.author.login.toLowerCase();
  const self: SelfCertification = {
    status: (c) => c !== null && (c.login.toLowerCase() === author || classOf(c) === "agent"),
    run: (app) => app !== null && classOf({ login: `${app.slug}[bot]`, type: "Bot" }) === "agent",
  };
  const rules: RuleResult[] = [];
  const violations: Violation[] = [
    ...ownNameSpoofs(facts, CHECK_NAME),
    ...scopeViolations(policy, facts, identity),
  ];
  for (const { rule, because } of builtinRules(policy, facts, identity, categories, findings, overBudget)) {
    const { result, spoofs } = evaluateRule(rule, because, facts, assessment.eligible, self);
    rules.push(result);
    violations.push(...spoofs);
  }
  for (const rule of policy.rules) {
    const because = ruleApplies(rule.if, ctx);
    if (!because) continue;
    const { result, spoofs } = evaluateRule(rule, because, facts, assessment.eligible, self);
    rules.push(result);
    violations.push(...spoofs);
  }

  const promotion = detectPromotion({
    policy,
    facts,
    classify: classOf,
    agentHandles: agentMentionHandles(),
    // Nobody with a stake in the PR clears its violations: its agents, requesters and (when excluded) contributors.
    prAgents: [
      ...identity.agents.flatMap((a) => (a.login ? [a.login.toLowerCase()] : [])),
      ...identity.requesters.map((r) => r.login.toLowerCase()),
      ...(policy.approvals.exclude.includes("contributors") ? contributors : []),
    ],
    authorKind: identity.kind,
  });
  violations.push(...promotion.violations);

  const blocking = policy.approvals.blockOnChangesRequested
    ? assessment.changesRequested.map(
        (a) =>
          `@${a.login} requested changes${a.review.commitSha ? ` on ${a.review.commitSha.slice(0, 7)}` : ""}`,
      )
    : [];
  // Low-severity findings are scanner notes (a line too long to scan in full), shown but not blocking.
  const blockingFindings = findings.filter(
    (f) =>
      (f.kind === "secret" && f.severity !== "low" && policy.secrets.onFinding === "fail") ||
      (f.kind === "workflow_hazard" && f.severity === "high" && identity.kind !== "human"),
  );
  const failsOnViolations = policy.promotion.actions.includes("fail") && violations.length > 0;
  const verdict = decideVerdict({
    errors,
    violations: failsOnViolations,
    findings: blockingFindings,
    rules,
    blocking,
  });
  const decision: Decision = {
    verdict,
    title: "",
    identity,
    categories,
    rules,
    reviews: assessment.reviews,
    violations,
    cleared: promotion.cleared,
    findings,
    blocking,
    errors,
    nextSteps: [],
    actions: [...promotion.actions, ...explanation(policy, violations.length, promotion.cleared.length)],
    override: null,
    overrideAnswers: [],
    mode: policy.mode,
    policySource: policy.source,
    headSha: facts.head.sha,
  };
  decision.title = titleFor(decision, blockingFindings, failsOnViolations);
  decision.nextSteps = nextSteps(decision, blockingFindings, failsOnViolations);
  const overrides = assessOverrides(policy, facts, excluded);
  decision.overrideAnswers = overrides.answers;
  if (overrides.inForce) {
    // It covers the head as it was when given, not a promotion step an agent takes after it.
    const since = Date.parse(overrides.inForce.at);
    const after = violations.filter((v) => v.at !== undefined && Date.parse(v.at) > since);
    if (after.length === 0) applyOverride(decision, overrides.inForce);
    else
      decision.nextSteps.unshift(
        `The override by @${overrides.inForce.by} does not cover what was done after it (${[...new Set(after.map((v) => v.kind.replaceAll("_", " ")))].join(", ")}); clear that, or override again.`,
      );
  }
  return decision;
}

/** A person took responsibility for this head: it passes, nothing is undone, the rest stays on record. */
function applyOverride(decision: Decision, by: OverrideInForce): void {
  decision.override = { ...by, without: { verdict: decision.verdict, title: decision.title } };
  decision.verdict = "success";
  decision.title = `Overridden by @${by.by}: ${by.reason.length > 80 ? `${by.reason.slice(0, 79)}…` : by.reason}`;
  decision.actions = [];
  decision.nextSteps = [
    `This override holds for ${decision.headSha.slice(0, 7)} only: a new push ends it and the policy applies again.`,
  ];
}

/**
 * Whose repository permission and team memberships the decision depends on, so the app looks up
 * only those: reviewers whose push access GraphQL did not already prove, or for whom something
 * more than write may be asked (a rule's `from`, the governance guard), and the humans behind
 * promotion steps (a human's own later step clears an automation's).
 */
export function lookupsNeeded(policy: Policy, facts: PrFacts): { logins: string[]; teams: string[] } {
  const classOf = (a: Actor | null) => actorClass(a, policy);
  const teams = new Set<string>(policy.promotion.governance.from.teams);
  for (const rule of policy.rules) for (const t of rule.require.from?.teams ?? []) teams.add(t);
  const beyondWrite =
    teams.size > 0 ||
    policy.rules.some((r) => r.require.from?.permission && !WRITE_OR_LESS.has(r.require.from.permission)) ||
    policy.secrets.onFinding === "require_approval" ||
    // By content too: a package.json `renovate` edit or an auto-merge workflow is governance.
    classify(policy, facts.files, scanWithinBudget(facts.files, {}, cachedScan).scans).some(
      (c) => c.name === "governance" || c.name === "agent-config",
    );
  const logins = new Set<string>();
  for (const r of facts.reviews) {
    if (classOf(r.author) === "human" && (beyondWrite || r.authorCanPush !== true))
      logins.add(r.author.login);
  }
  const promoting = labelMatcher([...PROTECTED_LABELS, ...HOLD_LABELS, ...policy.promotion.labels]);
  for (const e of facts.timeline) {
    if (!e.actor || classOf(e.actor) !== "human") continue;
    const step =
      e.kind === "labeled" || e.kind === "unlabeled" ? promoting(e.label) : PROMOTION_STEPS.has(e.kind);
    if (step) logins.add(e.actor.login);
  }
  // Whether an override's author is among `overrides.from` may turn on a permission or a team.
  if (policy.overrides) {
    for (const t of policy.overrides.from.teams) teams.add(t);
    for (const c of facts.comments)
      if (typeof c?.body === "string" && isOverrideComment(c.body) && classOf(c.author) === "human")
        logins.add(c.author.login);
  }
  logins.delete(facts.author.login);
  return { logins: [...logins].slice(0, 50), teams: [...teams] };
}

const WRITE_OR_LESS = new Set(["none", "read", "triage", "write"]);
const PROMOTION_STEPS = new Set<TimelineKind>([
  "auto_merge_enabled",
  "auto_merge_disabled",
  "added_to_merge_queue",
  "removed_from_merge_queue",
]);

/**
 * Whether the decision needs file patches (the REST file listing). Always, when files changed:
 * secrets and workflow hazards are found in them, content puts files in categories whatever
 * their path (a Kubernetes Secret, a PEM key), and only the listing names a renamed file's old path.
 */
export function needsPatches(facts: PrFacts): boolean {
  return facts.files.length > 0;
}

/**
 * The changed files the decision needs whole at the head commit (after patches are known): every
 * workflow and action, and package.json where the governance guard applies (agent and bot PRs),
 * since a `renovate` key anywhere in it governs promotion. A file without a patch stays unscanned.
 */
export function wholeFilesNeeded(policy: Policy, facts: PrFacts): string[] {
  const isPackageJson = (path: string) => /(?:^|\/)package\.json$/i.test(path);
  const wanted = facts.files.filter(
    (f) =>
      f.status !== "removed" &&
      f.patch !== null &&
      f.content === undefined &&
      (isWorkflowPath(f.path) || isPackageJson(f.path)),
  );
  if (wanted.length === 0) return [];
  const gated = identify(policy, facts).kind !== "human";
  return wanted.filter((f) => isWorkflowPath(f.path) || gated).map((f) => f.path);
}

function completenessErrors(facts: PrFacts): string[] {
  const errors: string[] = [];
  const names: Record<keyof PrFacts["counts"], string> = {
    files: "changed files",
    commits: "commits",
    reviews: "reviews",
    comments: "comments",
    timeline: "timeline events",
    labels: "labels",
    checks: "checks and statuses",
  };
  for (const [key, label] of Object.entries(names) as [keyof PrFacts["counts"], string][]) {
    const { reported, fetched } = facts.counts[key];
    if (fetched < reported) {
      const cap =
        key === "files"
          ? " (GitHub lists at most 3,000 files)"
          : key === "commits"
            ? " (GitHub lists at most 250 commits)"
            : "";
      errors.push(
        `Only ${fetched} of ${reported} ${label} could be read${cap}; the PR cannot be judged on part of its content. Split it into smaller PRs.`,
      );
    }
  }
  const last = facts.commits[facts.commits.length - 1];
  if (last && last.sha !== facts.head.sha) {
    errors.push(
      `The head commit ${facts.head.sha.slice(0, 7)} is not the last commit read (${last.sha.slice(0, 7)}): the branch moved while it was read. It will be evaluated again.`,
    );
  }
  errors.push(...facts.gaps);
  return errors;
}

/**
 * Scan results by file content. Scanning is pure, and a PR is re-evaluated on every event with the
 * same patches, so results are reused; the cache is bounded by the size of the patches it keys on.
 */
const scanCache = new LRUCache<string, FileScan>({
  maxSize: 64 * 1024 * 1024,
  sizeCalculation: (_v, k) => k.length + 1,
});

function cachedScan(f: ChangedFile): FileScan {
  const key = `${f.path}\u0000${f.status}\u0000${f.patch}\u0000${f.content === undefined ? "\u0001" : (f.content ?? "\u0002")}`;
  let scan = scanCache.get(key);
  if (!scan) {
    scan = scanFile(f);
    scanCache.set(key, scan);
  }
  return scan;
}

function unscannedFiles(policy: Policy, facts: PrFacts): string[] {
  if (!policy.secrets.scan) return [];
  // GitHub reports 0 additions for binary files; a file with added lines but no diff was too large to show.
  return facts.files
    .filter((f) => f.patch === null && f.additions > 0 && f.status !== "removed")
    .map((f) => f.path);
}

interface Applicable {
  rule: Rule;
  because: string[];
}

/** The guards every policy carries, on top of its own rules. */
function builtinRules(
  policy: Policy,
  facts: PrFacts,
  identity: Identity,
  categories: readonly CategoryHit[],
  findings: readonly Finding[],
  overBudget: readonly string[],
): Applicable[] {
  const out: Applicable[] = [];
  const gov = policy.promotion.governance;
  const governed = categories.filter((c) => c.name === "governance" || c.name === "agent-config");
  if (identity.kind !== "human" && governed.length > 0) {
    out.push({
      rule: { name: GOVERNANCE_RULE, require: { approvals: gov.approvals, from: gov.from, checks: [] } },
      because: [
        `${describeKind(identity)} changes files that govern automation: ${governed
          .flatMap((c) => c.files)
          .slice(0, 5)
          .join(", ")}`,
      ],
    });
  }
  const secrets = findings.filter((f) => f.kind === "secret" && f.severity !== "low");
  if (secrets.length > 0 && policy.secrets.onFinding === "require_approval") {
    out.push({
      rule: { name: SECRETS_RULE, require: { approvals: 1, from: gov.from, checks: [] } },
      because: [`${secrets.length} possible secret${secrets.length > 1 ? "s" : ""} in added lines`],
    });
  }
  const unscanned = [...unscannedFiles(policy, facts), ...overBudget];
  if (unscanned.length > 0) {
    out.push({
      rule: { name: UNSCANNED_RULE, require: { approvals: 1, checks: [] } },
      because: [
        `${unscanned.length} file${unscanned.length > 1 ? "s" : ""} had no diff from GitHub (too large to show), fell beyond the scanning budget of this PR, held too many secret-shaped assignments to check, or could not be read whole (a workflow too large or malformed to follow), so ${unscanned.length > 1 ? "they were" : "it was"} not fully scanned: ${unscanned.slice(0, 5).join(", ")}`,
      ],
    });
  }
  return out;
}

/** A configured identity may only change the paths and target the branches its scope allows. */
function scopeViolations(policy: Policy, facts: PrFacts, identity: Identity): Violation[] {
  const out: Violation[] = [];
  for (const account of policy.agents.accounts) {
    if (!account.scope) continue;
    const login = account.login.toLowerCase();
    if (!identity.agents.some((a) => a.login?.toLowerCase() === login)) continue;
    const clears =
      "clears when a human with write permission approves the head commit after reviewing the out-of-scope change";
    if (
      account.scope.branches.length > 0 &&
      firstMatch(compiled(account.scope.branches), facts.base.ref) < 0
    ) {
      out.push({
        kind: "out_of_scope",
        actor: account.login,
        evidence: `\`${account.login}\` may only target ${account.scope.branches.join(", ")}, but this PR targets \`${facts.base.ref}\``,
        clears,
      });
    }
    if (account.scope.paths.length > 0) {
      const allowed = compiled(account.scope.paths);
      const outside = facts.files.filter(
        (f) =>
          firstMatch(allowed, f.path) < 0 ||
          (f.previousPath !== undefined && firstMatch(allowed, f.previousPath) < 0),
      );
      if (outside.length > 0) {
        out.push({
          kind: "out_of_scope",
          actor: account.login,
          evidence: `\`${account.login}\` may only change ${account.scope.paths.join(", ")}, but this PR changes ${outside
            .slice(0, 5)
            .map((f) => f.path)
            .join(", ")}${outside.length > 5 ? ` and ${outside.length - 5} more` : ""}`,
          clears,
        });
      }
    }
  }
  return out;
}

/**
 * One explanation comment on the PR while there is anything to explain, kept (and updated to say
 * so) once violations have cleared, so a stale warning is never left behind.
 */
function explanation(policy: Policy, open: number, cleared: number): PlannedAction[] {
  if (!policy.promotion.actions.includes("comment") || open + cleared === 0) return [];
  const because =
    open > 0
      ? `${plural(open, "promotion-chain violation")} to explain on the pull request`
      : `${plural(cleared, "promotion-chain violation")} cleared since the last explanation`;
  return [{ kind: "comment", because }];
}

function decideVerdict(s: {
  errors: readonly string[];
  violations: boolean;
  findings: readonly Finding[];
  rules: readonly RuleResult[];
  blocking: readonly string[];
}): Verdict {
  if (s.errors.length > 0 || s.violations || s.findings.length > 0) return "failure";
  if (s.rules.some((r) => r.checks.some((c) => c.state === "failed" || c.state === "spoofed")))
    return "failure";
  if (s.blocking.length > 0 || s.rules.some((r) => r.approvals.counted.length < r.approvals.required))
    return "action_required";
  if (s.rules.some((r) => r.checks.some((c) => c.state !== "met"))) return "in_progress";
  return "success";
}

function missingApprovals(rules: readonly RuleResult[]): number {
  return Math.max(0, ...rules.map((r) => r.approvals.required - r.approvals.counted.length));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function titleFor(d: Decision, findings: readonly Finding[], failsOnViolations: boolean): string {
  const who = d.identity.kind === "human" ? "" : ` (${describeKind(d.identity)})`;
  if (d.errors.length > 0) return `Cannot verify this PR: ${d.errors[0]?.split(";")[0]}`;
  if (findings.length > 0) {
    const secrets = findings.filter((f) => f.kind === "secret").length;
    return secrets > 0
      ? `Blocked: ${plural(secrets, "possible secret")} in added lines`
      : `Blocked: ${plural(findings.length, "dangerous workflow change")}${who}`;
  }
  if (failsOnViolations) {
    // The evidence up to its timestamp: what happened and who did it, which is what fits in a title.
    const first = d.violations[0];
    const what = (first?.evidence ?? "").split(";")[0]?.replace(/ at \d{4}-\d\d-\d\dT\S*.*$/, "") ?? "";
    const actor = first?.actor && !what.includes(`\`${first.actor}\``) ? ` — by \`${first.actor}\`` : "";
    return `Blocked: ${what}${actor}${d.violations.length > 1 ? ` (+${d.violations.length - 1} more)` : ""}`;
  }
  const failed = d.rules.flatMap((r) => r.checks).find((c) => c.state === "failed" || c.state === "spoofed");
  if (failed)
    return `Blocked: required check ${failed.name} ${failed.state === "spoofed" ? "was spoofed" : failed.detail}`;
  if (d.blocking.length > 0) return `Waiting: ${d.blocking[0]}`;
  const missing = missingApprovals(d.rules);
  if (missing > 0) {
    const narrow = d.rules.find(
      (r) =>
        r.approvals.counted.length < r.approvals.required &&
        !r.approvals.eligible.startsWith("any independent"),
    );
    return narrow
      ? `Needs approval from ${narrow.approvals.eligible} (${narrow.name})${who}`
      : `Needs ${plural(missing, "more independent human approval")}${who}`;
  }
  if (d.verdict === "in_progress") return "Waiting for required checks";
  if (d.rules.length === 0) return `No requirements apply${who}`;
  return `All requirements met${who}`;
}

function nextSteps(d: Decision, findings: readonly Finding[], failsOnViolations: boolean): string[] {
  const steps: string[] = [];
  if (d.errors.length > 0)
    steps.push(
      "Fix what stopped the evaluation (below); the check will run again on the next event or on Re-evaluate.",
    );
  if (findings.some((f) => f.kind === "secret"))
    steps.push("Remove the secret from the branch history, rotate it (treat it as leaked), and push again.");
  if (findings.some((f) => f.kind === "workflow_hazard"))
    steps.push("Make the flagged workflow changes safe (see annotations), or have a human author them.");
  if (failsOnViolations) {
    steps.push(
      "A human with write permission must review the promotion step(s) below and approve the head commit to clear them; an agent or bot cannot.",
    );
  }
  for (const r of d.rules) {
    const missing = r.approvals.required - r.approvals.counted.length;
    if (missing > 0)
      steps.push(
        `${r.name}: ${plural(missing, "more approval")} of the head commit from ${r.approvals.eligible}, not the author or the requester.`,
      );
    for (const c of r.checks)
      if (c.state !== "met")
        steps.push(
          `${r.name}: required check ${c.name}${c.app ? ` (from ${c.app})` : ""} is ${c.state}: ${c.detail}.`,
        );
  }
  for (const b of d.blocking) steps.push(`Resolve the requested changes: ${b}.`);
  if (steps.length === 0) steps.push("Nothing: this PR meets the policy.");
  return steps;
}
