/**
 * The audit trail: one JSON record per decision and one per action the app takes (schema in
 * docs/audit-log.md). Records carry identifiers, logins, names and reasons only — never PR bodies,
 * patches, comment text or secrets — so the log can be shipped anywhere.
 */

import type { Logger } from "pino";
import { CATALOG_VERSION } from "../catalog/index.js";
import type { Decision } from "../engine/decision.js";

/** Which delivery and which pull request a record is about. */
export interface AuditScope {
  delivery: string;
  installation: number;
  /** "owner/name" */
  repository: string;
  /** Null only for a merge group whose pull request could not be told. */
  pr: number | null;
  /** The commit the check run is posted on (the merge group's head for merge queues). */
  headSha: string | null;
  /** Every open PR with this head, when several share it: the run carries the strictest verdict of them. */
  sharedHead?: number[];
}

/** `replaced`: updating our run failed, so a new run with the verdict was created in its place. */
export type CheckWrite = "created" | "updated" | "unchanged" | "replaced" | "failed";

export interface DecisionOutcome {
  /** The engine's decision, or null when the app failed closed before it could decide. */
  decision: Decision | null;
  verdict: Decision["verdict"];
  /** Why the app failed closed (API faults, invalid policy, truncated data); empty when it decided. */
  errors: string[];
  policySource: string | null;
  /** The default-branch commit the policy was read at, when it came from a file. */
  policyCommit?: string | null;
  check: CheckWrite;
  checkError?: string;
  durationMs: number;
  apiRequests: number;
}

export type ActionOutcome = "done" | "skipped" | "failed";

export interface ActionRecord {
  kind: string;
  /** What the action touched: a label name, a comment id, "auto-merge", "merge-queue", a login. */
  target: string;
  outcome: ActionOutcome;
  reason: string;
}

export interface AuditLog {
  decision(scope: AuditScope, outcome: DecisionOutcome): void;
  action(scope: AuditScope, record: ActionRecord): void;
}

export function createAuditLog(logger: Logger): AuditLog {
  return {
    decision(scope, o) {
      const d = o.decision;
      const record = {
        audit: "agent-policy",
        event: "decision",
        ...scope,
        verdict: o.verdict,
        // evaluate: the verdict was reported as a neutral check and nothing was enforced.
        mode: d?.mode ?? null,
        authorKind: d?.identity.kind ?? null,
        assisted: d?.identity.assisted ?? null,
        author: d?.identity.author ?? null,
        agents: d?.identity.agents.map((a) => a.login ?? a.name) ?? [],
        requesters: d?.identity.requesters.map((r) => r.login) ?? [],
        categories: d?.categories.map((c) => c.name) ?? [],
        rules: d?.rules.map((r) => ({ name: r.name, met: r.met })) ?? [],
        violations: d?.violations.map((v) => ({ kind: v.kind, actor: v.actor })) ?? [],
        // Break-glass: who passed this head, when and why, and the verdict it replaced.
        override: d?.override
          ? {
              by: d.override.by,
              at: d.override.at,
              reason: d.override.reason,
              without: d.override.without.verdict,
            }
          : null,
        approvalsCounted: d ? [...new Set(d.rules.flatMap((r) => r.approvals.counted))].sort() : [],
        findings: d?.findings.map((f) => ({ rule: f.rule, path: f.path, line: f.line })) ?? [],
        errors: o.errors,
        policySource: o.policySource,
        policyCommit: o.policyCommit ?? null,
        catalogVersion: CATALOG_VERSION,
        check: o.check,
        ...(o.checkError ? { checkError: o.checkError } : {}),
        durationMs: o.durationMs,
        apiRequests: o.apiRequests,
      };
      if (o.check === "failed") logger.error(record, "agent-policy decision (check run not written)");
      else logger.info(record, "agent-policy decision");
    },
    action(scope, r) {
      const record = { audit: "agent-policy", event: "action", ...scope, ...r };
      if (r.outcome === "failed") logger.error(record, "agent-policy action failed");
      else logger.info(record, "agent-policy action");
    },
  };
}
