/**
 * Which rules apply to a PR and whether each is met. Inside one `if` every key must match (AND);
 * the values of one key are alternatives (OR); a rule without `if` always applies.
 */
import type { PrFacts } from "../facts/model.js";
import type { Rule, RuleCondition } from "../policy/model.js";
import type { Approval } from "./approvals.js";
import { describeApprovers, meetsFrom } from "./approvals.js";
import { evaluateCheck, type SelfCertification } from "./checks.js";
import type { CategoryHit, Identity, RuleResult, Violation } from "./decision.js";
import { compiled, firstMatch } from "./globs.js";

export interface MatchContext {
  facts: PrFacts;
  identity: Identity;
  categories: readonly CategoryHit[];
}

/** The reasons the rule applies, one per condition, or null when it does not. */
export function ruleApplies(cond: RuleCondition | undefined, ctx: MatchContext): string[] | null {
  if (!cond) return ["applies to every pull request"];
  const because: string[] = [];
  const check = (values: readonly string[] | undefined, found: () => string | null): boolean => {
    if (!values || values.length === 0) return true;
    const hit = found();
    if (hit) because.push(hit);
    return hit !== null;
  };
  const lower = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));
  const ok =
    check(cond.author, () =>
      cond.author?.includes(ctx.identity.kind) ? `author is ${describeKind(ctx.identity)}` : null,
    ) &&
    check(cond.agents, () => {
      const wanted = lower(cond.agents ?? []);
      const agent = ctx.identity.agents.find(
        (a) => (a.login && wanted.has(a.login.toLowerCase())) || wanted.has(a.name.toLowerCase()),
      );
      return agent ? `involves ${agent.name}` : null;
    }) &&
    check(cond.categories, () => {
      const wanted = lower(cond.categories ?? []);
      const hit = ctx.categories.find((c) => wanted.has(c.name.toLowerCase()));
      return hit
        ? `touches ${hit.name} (${hit.files[0]}${hit.files.length > 1 ? ` and ${hit.files.length - 1} more` : ""})`
        : null;
    }) &&
    check(cond.paths, () => {
      const globs = compiled(cond.paths ?? []);
      const f = ctx.facts.files.find(
        (x) =>
          firstMatch(globs, x.path) >= 0 ||
          (x.previousPath !== undefined && firstMatch(globs, x.previousPath) >= 0),
      );
      return f ? `changes ${f.path}` : null;
    }) &&
    check(cond.base, () =>
      firstMatch(compiled(cond.base ?? []), ctx.facts.base.ref) >= 0 ? `targets ${ctx.facts.base.ref}` : null,
    ) &&
    check(cond.labels, () => {
      const wanted = lower(cond.labels ?? []);
      const label = ctx.facts.labels.find((l) => wanted.has(l.toLowerCase()));
      return label ? `has label ${label}` : null;
    });
  return ok ? because : null;
}

export function describeKind(identity: Identity): string {
  if (identity.kind === "human") return "a human";
  const who = identity.agents[0]?.name;
  const kind = identity.kind === "agent" ? (identity.assisted ? "agent-assisted" : "an AI agent") : "a bot";
  return who ? `${kind} (${who})` : kind;
}

export function evaluateRule(
  rule: Rule,
  because: string[],
  facts: PrFacts,
  eligible: readonly Approval[],
  self: SelfCertification,
): { result: RuleResult; spoofs: Violation[] } {
  const counted: string[] = [];
  const notCounted: { login: string; reason: string }[] = [];
  for (const a of eligible) {
    const ok = meetsFrom(facts, a.login, rule.require.from);
    if (ok === true) counted.push(a.login);
    else notCounted.push({ login: a.login, reason: ok });
  }
  const checks = rule.require.checks.map((c) => evaluateCheck(c, facts, self));
  const result: RuleResult = {
    name: rule.name,
    because,
    approvals: {
      required: rule.require.approvals,
      counted,
      notCounted,
      eligible: describeApprovers(rule.require.from),
    },
    checks: checks.map((c) => c.result),
    met: counted.length >= rule.require.approvals && checks.every((c) => c.result.state === "met"),
  };
  return { result, spoofs: checks.flatMap((c) => c.spoofs) };
}
