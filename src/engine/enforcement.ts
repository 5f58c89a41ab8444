/**
 * The enforcement self-check: does GitHub really hold merges into a branch on the `agent-policy`
 * check run of this app? A check nobody requires, one any source can satisfy, an app that may
 * bypass the rules, or reviews that outlive a push leave the gate advisory. Pure: the facts are
 * GitHub's REST answers (src/github/protection.ts reads them), trimmed to the fields used here.
 *
 * Texts put everything that came from GitHub (names, slugs, branches) in code spans, so the
 * report's escaping keeps it inert.
 */
import { CHECK_NAME } from "./decision.js";

/** A read that failed, with the reason; `permission` when GitHub refused for want of one. */
export interface Unreadable {
  unreadable: string;
  permission?: string;
}

/** `GET /repos/{o}/{r}/branches/{branch}/protection`; each key is absent when that feature is off. */
export interface BranchProtection {
  required_status_checks?: {
    contexts: string[];
    /** app_id null (or -1 in a PUT): any source. */
    checks: { context: string; app_id: number | null }[];
  };
  required_pull_request_reviews?: {
    dismiss_stale_reviews: boolean;
    require_last_push_approval?: boolean;
    bypass_pull_request_allowances?: { apps: { id: number; slug?: string; name: string }[] };
  };
  /** Off: repository administrators merge past every setting above. */
  enforce_admins?: { enabled: boolean };
}

interface RuleOrigin {
  ruleset_id: number;
  /** Repository | Organization | Enterprise */
  ruleset_source_type: string;
  /** "owner/repo", or the organization or enterprise. */
  ruleset_source: string;
}

/** The two rule types of `GET /repos/{o}/{r}/rules/branches/{branch}` that bear on the gate. */
export type BranchRule =
  | (RuleOrigin & {
      type: "required_status_checks";
      parameters: { required_status_checks: { context: string; integration_id?: number | null }[] };
    })
  | (RuleOrigin & {
      type: "pull_request";
      parameters: { dismiss_stale_reviews_on_push: boolean; require_last_push_approval: boolean };
    });

/** A ruleset's bypass actor; an `Integration`'s actor_id is the App's id. */
export interface BypassActor {
  actor_id: number | null;
  actor_type: string;
  /** always | pull_request | exempt */
  bypass_mode: string;
}

export type RulesetFacts =
  | {
      name: string;
      /** null: GitHub shows the list only to those with write access to the ruleset. */
      bypassActors: BypassActor[] | null;
      /** What the reader itself may do: always | pull_requests_only | exempt | never. */
      currentUserCanBypass?: string;
    }
  | Unreadable;

export interface EnforcementFacts {
  branch: string;
  appId: number;
  appSlug: string;
  /** null: "Branch not protected" (GitHub says so too when only rulesets protect it). */
  protection: BranchProtection | null | Unreadable;
  rules: BranchRule[] | Unreadable;
  /** By id, the rulesets of `rules` that were read. */
  rulesets: Record<number, RulesetFacts>;
}

export type EnforcementKind =
  | "not_required"
  | "not_pinned"
  | "bypass"
  | "stale_approvals"
  | "last_push"
  | "unreadable";

export interface EnforcementProblem {
  kind: EnforcementKind;
  problem: string;
  /** The exact setting to change. */
  fix: string;
}

const isUnreadable = (x: object | null): x is Unreadable => x !== null && "unreadable" in x;

/** A code span that no backtick or line break from GitHub can end early. */
const ticked = (s: string) => `\`${s.replace(/[`\r\n]/g, " ")}\``;

const CHECK = ticked(CHECK_NAME);
const PR_REVIEWS = "Require a pull request before merging";
const STALE = "Dismiss stale pull request approvals when new commits are pushed";
const LAST_PUSH = "Require approval of the most recent reviewable push";

/** What GitHub answered, with unreadable parts kept apart. */
interface Seen {
  f: EnforcementFacts;
  protection: BranchProtection | null;
  rules: BranchRule[];
  /** The rulesets behind `rules`, each once, in GitHub's order. */
  rulesetIds: number[];
}

function seen(f: EnforcementFacts): Seen {
  const protection = isUnreadable(f.protection) ? null : f.protection;
  const rules = isUnreadable(f.rules) ? [] : f.rules;
  return { f, protection, rules, rulesetIds: [...new Set(rules.map((r) => r.ruleset_id))] };
}

const rulesetName = (f: EnforcementFacts, id: number): string => {
  const r = f.rulesets[id];
  return r && !isUnreadable(r) ? r.name : `#${id}`;
};

/** Where a ruleset is edited, by where it is defined. */
function rulesetPlace(f: EnforcementFacts, rule: RuleOrigin): string {
  const name = ticked(rulesetName(f, rule.ruleset_id));
  const source = ticked(rule.ruleset_source);
  if (rule.ruleset_source_type === "Repository") return `Settings → Rules → Rulesets → ${name}`;
  if (rule.ruleset_source_type === "Organization")
    return `the ${source} organization's Settings → Repository → Rulesets → ${name}`;
  return `the rulesets of ${source} (${rule.ruleset_source_type}) → ${name}`;
}

const classicPlace = (f: EnforcementFacts) =>
  `Settings → Branches → the branch protection rule for ${ticked(f.branch)}`;
const classicName = (f: EnforcementFacts) => `The branch protection of ${ticked(f.branch)}`;
const rulesetLabel = (f: EnforcementFacts, rule: RuleOrigin) =>
  `Ruleset ${ticked(rulesetName(f, rule.ruleset_id))}`;

const pinFix = (f: EnforcementFacts, place: string, classic: boolean) =>
  classic
    ? `${place} → Require status checks to pass before merging → ${CHECK}, and pick ${ticked(f.appSlug)} as the expected source`
    : `${place} → Require status checks to pass → ${CHECK}, source: ${ticked(f.appSlug)}`;

/** A requirement of the check, by who must post it (null: any source). */
interface Requirement {
  label: string;
  place: string;
  classic: boolean;
  appId: number | null;
}

/** -1 in a PUT, null in a GET: any source. */
const source = (id: number | null | undefined): number | null => (id === undefined || id === -1 ? null : id);

function requirements(s: Seen): Requirement[] {
  const { f } = s;
  const out: Requirement[] = [];
  const checks = s.protection?.required_status_checks;
  if (checks) {
    const ids = checks.checks.filter((c) => c.context === CHECK_NAME).map((c) => source(c.app_id));
    // In `contexts` alone, without a `checks` entry: the legacy form, from any source.
    if (ids.length === 0 && checks.contexts.includes(CHECK_NAME)) ids.push(null);
    for (const appId of ids)
      out.push({ label: classicName(f), place: classicPlace(f), classic: true, appId });
  }
  for (const rule of s.rules) {
    if (rule.type !== "required_status_checks") continue;
    for (const c of rule.parameters.required_status_checks) {
      if (c.context !== CHECK_NAME) continue;
      const [label, place] = [rulesetLabel(f, rule), rulesetPlace(f, rule)];
      out.push({ label, place, classic: false, appId: source(c.integration_id) });
    }
  }
  return out;
}

function notRequired(s: Seen): EnforcementProblem {
  const { f } = s;
  const repoRule = s.rules.find((r) => r.ruleset_source_type === "Repository");
  const fix = repoRule
    ? pinFix(f, rulesetPlace(f, repoRule), false)
    : s.protection
      ? pinFix(f, classicPlace(f), true)
      : `Settings → Rules → Rulesets → New branch ruleset targeting ${ticked(f.branch)}, enforcement Active → Require status checks to pass → ${CHECK}, source: ${ticked(f.appSlug)}`;
  return {
    kind: "not_required",
    problem: `Nothing on GitHub requires ${CHECK} before a PR merges into ${ticked(f.branch)}: a PR can be merged while it fails or before it has run.`,
    fix,
  };
}

function unpinned(f: EnforcementFacts, r: Requirement): EnforcementProblem {
  const problem =
    r.appId === null
      ? `${r.label} requires ${CHECK} from any source: a commit status or another app's check named ${CHECK} satisfies it, even a workflow job the PR itself adds.`
      : `${r.label} requires ${CHECK} from the app with id ${r.appId}, not from ${ticked(f.appSlug)} (id ${f.appId}): this app's check run does not satisfy it, and that app's does.`;
  return { kind: "not_pinned", problem, fix: pinFix(f, r.place, r.classic) };
}

function checkProblems(s: Seen): EnforcementProblem[] {
  const reqs = requirements(s);
  if (reqs.length === 0) {
    // Unread settings may require it: the unreadable problem says so instead.
    const blind = isUnreadable(s.f.protection) || isUnreadable(s.f.rules);
    return blind ? [] : [notRequired(s)];
  }
  // Every requirement must hold, so one pinned to this app makes its check run binding.
  if (reqs.some((r) => r.appId === s.f.appId)) return [];
  return reqs.map((r) => unpinned(s.f, r));
}

const BYPASS_MODE: Record<string, string> = {
  always: "can bypass it at any time (bypass mode `always`): it can push or merge past its rules",
  pull_request:
    "can bypass it when merging a pull request (bypass mode `pull_request`): it can merge past its rules",
  exempt:
    "is exempt from it (bypass mode `exempt`): its rules never run for that app, and GitHub records no bypass in the audit log",
};

function bypassProblems(s: Seen): EnforcementProblem[] {
  const { f } = s;
  const out: EnforcementProblem[] = [];
  if (s.protection?.enforce_admins?.enabled === false)
    out.push({
      kind: "bypass",
      problem: `${classicName(f)} does not apply to administrators: an admin, or an agent with an admin's token, can merge past it.`,
      fix: `${classicPlace(f)} → Do not allow bypassing the above settings`,
    });
  for (const app of s.protection?.required_pull_request_reviews?.bypass_pull_request_allowances?.apps ?? []) {
    if (app.id === f.appId || app.slug === f.appSlug) continue;
    const name = ticked(app.slug ?? app.name);
    out.push({
      kind: "bypass",
      problem: `${classicName(f)} lets the app ${name} bypass its required pull request reviews: it can merge without approvals.`,
      fix: `${classicPlace(f)} → ${PR_REVIEWS} → Allow specified actors to bypass required pull requests → remove ${name}`,
    });
  }
  for (const id of s.rulesetIds) {
    const ruleset = f.rulesets[id];
    const rule = s.rules.find((r) => r.ruleset_id === id);
    if (!ruleset || isUnreadable(ruleset) || !ruleset.bypassActors || !rule) continue;
    for (const actor of ruleset.bypassActors) {
      if (actor.actor_type !== "Integration" || actor.actor_id === f.appId) continue;
      const app = actor.actor_id === null ? "a GitHub App" : `the GitHub App with id ${actor.actor_id}`;
      const mode =
        BYPASS_MODE[actor.bypass_mode] ?? `can bypass it (bypass mode ${ticked(actor.bypass_mode)})`;
      out.push({
        kind: "bypass",
        problem: `${rulesetLabel(f, rule)} has ${app} on its bypass list, which ${mode}.`,
        fix: `${rulesetPlace(f, rule)} → Bypass list → remove ${app}`,
      });
    }
  }
  return out;
}

/** A review requirement, classic or ruleset, with the two settings that keep approvals honest. */
interface Reviews {
  label: string;
  place: string;
  dismissStale: boolean;
  lastPush: boolean;
}

function reviewRequirements(s: Seen): Reviews[] {
  const { f } = s;
  const out: Reviews[] = [];
  const classic = s.protection?.required_pull_request_reviews;
  if (classic) {
    out.push({
      label: classicName(f),
      place: classicPlace(f),
      dismissStale: classic.dismiss_stale_reviews,
      lastPush: classic.require_last_push_approval === true,
    });
  }
  for (const rule of s.rules) {
    if (rule.type !== "pull_request") continue;
    out.push({
      label: rulesetLabel(f, rule),
      place: rulesetPlace(f, rule),
      dismissStale: rule.parameters.dismiss_stale_reviews_on_push,
      lastPush: rule.parameters.require_last_push_approval,
    });
  }
  return out;
}

function reviewProblems(s: Seen): EnforcementProblem[] {
  const reviews = reviewRequirements(s);
  return [
    ...reviews
      .filter((r) => !r.dismissStale)
      .map((r) => ({
        kind: "stale_approvals" as const,
        problem: `${r.label} keeps approvals when new commits are pushed: a PR approved once can take more commits, from an agent too, and merge on the old approval.`,
        fix: `${r.place} → ${PR_REVIEWS} → ${STALE}`,
      })),
    ...reviews
      .filter((r) => !r.lastPush)
      .map((r) => ({
        kind: "last_push" as const,
        problem: `${r.label} does not require approval of the most recent push: whoever pushed last can be the one whose approval lets it merge.`,
        fix: `${r.place} → ${PR_REVIEWS} → ${LAST_PUSH}`,
      })),
  ];
}

function unreadableFix(u: Unreadable): string {
  return u.permission
    ? `Give the app the ${ticked(u.permission)} repository permission (GitHub App settings → Permissions & events → Repository permissions; each installation must accept the change), or, for \`agent-policy doctor\`, use a token that has it`
    : "No branch setting to change: it is read again on the next evaluation, or run `agent-policy doctor` again";
}

function unreadableProblems(s: Seen): EnforcementProblem[] {
  const { f } = s;
  const out: EnforcementProblem[] = [];
  const add = (u: Unreadable, what: string, hides: string) =>
    out.push({
      kind: "unreadable",
      problem: `${what} could not be read, so ${hides} is not known: ${u.unreadable.replace(/\.$/, "")}.`,
      fix: unreadableFix(u),
    });
  if (isUnreadable(f.protection))
    add(
      f.protection,
      classicName(f),
      `whether it requires ${CHECK}, from which app, and which apps may bypass its reviews`,
    );
  if (isUnreadable(f.rules))
    add(f.rules, `The ruleset rules for ${ticked(f.branch)}`, `whether they require ${CHECK} or reviews`);
  for (const id of s.rulesetIds) {
    const ruleset = f.rulesets[id];
    if (ruleset && isUnreadable(ruleset)) add(ruleset, `Ruleset ${ticked(`#${id}`)}`, "who may bypass it");
  }
  return out;
}

/** What keeps the check from gating merges into `input.branch`, in a fixed order, each once. */
/** Whether a read failed for a passing reason (not a missing permission): worth reading again soon. */
export function unreadForNow(f: EnforcementFacts): boolean {
  const parts = [f.protection, f.rules, ...Object.values(f.rulesets)];
  return parts.some((p) => isUnreadable(p) && !p.permission);
}

export function enforcementProblems(input: EnforcementFacts): EnforcementProblem[] {
  const s = seen(input);
  const all = [...checkProblems(s), ...bypassProblems(s), ...reviewProblems(s), ...unreadableProblems(s)];
  const keys = new Set<string>();
  return all.filter((p) => {
    const key = `${p.kind}\n${p.problem}\n${p.fix}`;
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  });
}

/** What could not be seen without being a failed read: hidden or unread bypass lists. */
export function enforcementUnknowns(input: EnforcementFacts): string[] {
  const s = seen(input);
  const out: string[] = [];
  for (const id of s.rulesetIds) {
    const ruleset = input.rulesets[id];
    if (!ruleset) {
      out.push(`Ruleset ${ticked(`#${id}`)} was not read, so who may bypass it is not known.`);
    } else if (!isUnreadable(ruleset) && ruleset.bypassActors === null) {
      const self =
        ruleset.currentUserCanBypass && ruleset.currentUserCanBypass !== "never"
          ? ` This token itself can bypass it: ${ticked(ruleset.currentUserCanBypass)}.`
          : "";
      out.push(
        `Ruleset ${ticked(ruleset.name)} does not show its bypass list (GitHub shows it only with write access to the ruleset), so whether another app can bypass it is not known.${self}`,
      );
    }
  }
  return out;
}
