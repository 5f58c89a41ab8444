/**
 * The engine's answer for one pull request: the verdict and every piece of evidence behind it.
 * The report renders it; the app enforces its planned actions; the audit log records it.
 */
import type { AuthorKind } from "../policy/model.js";
import type { Finding } from "../scan/model.js";
import type { OverrideAnswer, OverrideInForce } from "./overrides.js";

/** The check run's name. A commit status with this name can only be a forgery: the app never posts statuses. */
export const CHECK_NAME = "agent-policy";

export type Verdict = "success" | "in_progress" | "action_required" | "failure";

/** The strictest first: a check run that several PRs share carries the strictest of their verdicts. */
export const VERDICTS_STRICTEST_FIRST: readonly Verdict[] = [
  "failure",
  "action_required",
  "in_progress",
  "success",
];

export const strictness = (v: Verdict): number => VERDICTS_STRICTEST_FIRST.indexOf(v);

export interface Evidence {
  /** What kind of signal: "author account", "commit author", "trailer", "branch prefix", "body footer", ... */
  signal: string;
  detail: string;
}

export interface Identity {
  /** How the PR is treated by rules. */
  kind: AuthorKind;
  /** True when only weak markers made it an agent PR (agent-assisted human PR). */
  assisted: boolean;
  author: string;
  /** Catalogued or configured agents/bots involved, by display name and login. */
  agents: { name: string; login?: string; kind: "agent" | "bot"; owner?: string }[];
  /** Humans who asked for the work, with the evidence for each. */
  requesters: { login: string; evidence: string }[];
  strong: Evidence[];
  weak: Evidence[];
}

export interface CategoryHit {
  name: string;
  files: string[];
}

export interface ReviewAssessment {
  reviewer: string;
  state: string;
  counted: boolean;
  /** Why it counted or why not: "approved head abc1234", "is the requester", "review of an older commit". */
  reason: string;
}

export type CheckState = "met" | "pending" | "failed" | "missing" | "spoofed";

export interface CheckResult {
  name: string;
  app?: string;
  state: CheckState;
  detail: string;
}

export interface RuleResult {
  name: string;
  /** Why the rule applies, one line per matched condition. */
  because: string[];
  approvals: {
    required: number;
    /** Logins whose approval counted for this rule. */
    counted: string[];
    /** Eligible approvals this rule's `from` did not accept, with the reason. */
    notCounted: { login: string; reason: string }[];
    /** Who may give the missing approvals, in words. */
    eligible: string;
  };
  checks: CheckResult[];
  met: boolean;
}

export type ViolationKind =
  | "protected_label_added"
  | "hold_label_removed"
  | "command_comment"
  | "command_edited"
  | "automation_approval"
  | "auto_merge_by_automation"
  | "merge_queue_by_automation"
  | "agent_escalation"
  | "review_dismissed_by_automation"
  | "review_request_removed_by_automation"
  | "confused_deputy"
  | "spoofed_check"
  | "out_of_scope";

export interface Violation {
  kind: ViolationKind;
  /** Login of who took the step; null when GitHub did not attribute it (treated as untrusted). */
  actor: string | null;
  at?: string;
  /** What happened, with the evidence, in one sentence. */
  evidence: string;
  /** How a human clears it. */
  clears: string;
}

/** Undo steps the app should take; computed here so they are tested without GitHub. */
export type PlannedAction =
  | { kind: "remove_label"; label: string; because: string }
  | { kind: "restore_label"; label: string; because: string }
  | { kind: "disable_auto_merge"; because: string }
  | { kind: "dequeue"; because: string }
  | { kind: "comment"; because: string };

export interface Decision {
  verdict: Verdict;
  /** The verdict in one line. */
  title: string;
  identity: Identity;
  categories: CategoryHit[];
  rules: RuleResult[];
  reviews: ReviewAssessment[];
  violations: Violation[];
  /** Violations that a later human action cleared, kept for the record. */
  cleared: (Violation & { clearedBy: string })[];
  findings: Finding[];
  /** Human objections that hold the PR until resolved (changes requested). */
  blocking: string[];
  /** Reasons the app could not see everything or could not evaluate; any entry fails the decision. */
  errors: string[];
  /** What a human must do next, most important first. */
  nextSteps: string[];
  /** What enforcement would do; in evaluate mode it is reported and not done. */
  actions: PlannedAction[];
  /**
   * A break-glass override in force for this head: the verdict is success whatever the rest says
   * (kept below for the record), and nothing is undone.
   */
  override: (OverrideInForce & { without: { verdict: Verdict; title: string } }) | null;
  /** Every override comment with its answer, for the app to reply to each once. */
  overrideAnswers: OverrideAnswer[];
  /** The policy's mode: evaluate reports the verdict as a neutral check and enforces nothing. */
  mode: "enforce" | "evaluate";
  policySource: string;
  headSha: string;
}
