/**
 * The policy after loading, validation, `_extends` composition and defaults:
 * every field present, every glob and regular expression already checked.
 * The engine only ever sees this shape.
 */
import type { Permission } from "../facts/model.js";

export type AuthorKind = "agent" | "bot" | "human";

/** A user-supplied pattern, compiled for linear-time matching (no catastrophic backtracking). */
export interface SafePattern {
  source: string;
  test(text: string): boolean;
}

export interface AccountScope {
  paths: string[];
  branches: string[];
}

export interface AccountConfig {
  login: string;
  kind: "agent" | "bot";
  owner?: string;
  scope?: AccountScope;
}

export interface Approvers {
  users: string[];
  /** "org/slug" */
  teams: string[];
  permission?: Permission;
}

export interface RequiredCheck {
  name: string;
  /** Slug of the App that must post it; a same-named check from elsewhere is reported as spoofed. */
  app?: string;
}

export interface RuleCondition {
  author?: AuthorKind[];
  agents?: string[];
  categories?: string[];
  paths?: string[];
  base?: string[];
  labels?: string[];
}

export interface Rule {
  name: string;
  /** Absent: the rule always applies. */
  if?: RuleCondition;
  require: {
    approvals: number;
    from?: Approvers;
    checks: RequiredCheck[];
  };
}

/** What a deployment to the environments matching `environments` requires. */
export interface DeploymentGate {
  /** Globs, matched case-insensitively against the environment's name. */
  environments: string[];
  /** agents: the agent and bot PRs that brought the commit must meet the policy; all: every PR. */
  prs: "agents" | "all";
  /** Who may start such a deployment. */
  actors: AuthorKind[];
}

export type ExclusionKind = "author" | "requester" | "contributors" | "bots";
export type PromotionAction = "fail" | "revert" | "comment";

export interface Policy {
  version: 1;
  /** evaluate: report the would-be verdict as a neutral check and enforce nothing (a rollout's first step). */
  mode: "enforce" | "evaluate";
  agents: {
    builtin: boolean;
    accounts: AccountConfig[];
    markers: {
      trailers: boolean;
      branchPrefixes: string[];
      bodyPatterns: SafePattern[];
    };
    assistedAs: "agent" | "human";
  };
  /** Built-in categories merged with configured ones (a configured built-in replaces its globs). */
  categories: Record<string, { paths: string[] }>;
  rules: Rule[];
  approvals: {
    dismissOnPush: boolean;
    exclude: ExclusionKind[];
    blockOnChangesRequested: boolean;
  };
  promotion: {
    labels: string[];
    commands: SafePattern[];
    actions: PromotionAction[];
    /** Who may approve an agent PR that changes governance or agent-config files. */
    governance: { approvals: number; from: Approvers };
  };
  secrets: {
    scan: boolean;
    onFinding: "fail" | "require_approval";
  };
  /** Deployment protection, in order: the first gate matching an environment applies; none: rejected. */
  deployments: DeploymentGate[];
  /** Break-glass: who may pass the current head with `/agent-policy override <reason>`; null: off. */
  overrides: { from: Approvers } | null;
  /** Where the policy came from, for the report ("built-in default", "acme/.github:.github/agent-policy.yml"). */
  source: string;
}
