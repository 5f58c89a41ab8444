/**
 * Checks the schema cannot express: globs and regular expressions that would misbehave, duplicate
 * names, empty approver lists, and references between parts of the policy.
 */
import { BUILTIN_CATEGORIES } from "./categories.js";
import type { Issue, PathSegment } from "./errors.js";
import { globProblem } from "./glob-check.js";
import { patternProblem } from "./pattern.js";
import { parseExtends } from "./policy-ref.js";
import type { RawApprovers, RawPolicy } from "./schema.js";
import { closest } from "./suggest.js";

function globs(list: readonly string[] | undefined, path: PathSegment[], out: Issue[]): void {
  list?.forEach((glob, i) => {
    const problem = globProblem(glob);
    if (problem) out.push({ path: [...path, i], message: `glob \`${glob}\`: ${problem}` });
  });
}

function patterns(list: readonly string[] | undefined, path: PathSegment[], out: Issue[]): void {
  list?.forEach((source, i) => {
    const problem = patternProblem(source);
    if (problem) out.push({ path: [...path, i], message: `pattern \`${source}\`: ${problem}` });
  });
}

function approvers(from: RawApprovers | undefined, path: PathSegment[], out: Issue[]): void {
  if (from && !from.users?.length && !from.teams?.length && !from.permission) {
    out.push({ path, message: "`from` names nobody: give users, teams or permission, or remove `from`" });
  }
}

/** Names listed twice (case-insensitively), reported at each repeat. */
function duplicates(
  names: (string | undefined)[],
  path: (i: number) => PathSegment[],
  what: string,
  out: Issue[],
): void {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === undefined) return;
    const key = name.toLowerCase();
    if (seen.has(key)) out.push({ path: path(i), message: `${what} \`${name}\` is listed more than once` });
    seen.add(key);
  });
}

/** Everything that can be checked within one file. */
export function localIssues(raw: RawPolicy): Issue[] {
  const out: Issue[] = [];
  if (raw._extends !== undefined) {
    const ref = parseExtends(raw._extends);
    if (typeof ref === "string") out.push({ path: ["_extends"], message: ref });
  }
  const accounts = raw.agents?.accounts ?? [];
  accounts.forEach((a, i) => {
    globs(a.scope?.paths, ["agents", "accounts", i, "scope", "paths"], out);
    globs(a.scope?.branches, ["agents", "accounts", i, "scope", "branches"], out);
  });
  duplicates(
    accounts.map((a) => a.login),
    (i) => ["agents", "accounts", i, "login"],
    "account",
    out,
  );
  patterns(raw.agents?.markers?.body_patterns, ["agents", "markers", "body_patterns"], out);
  for (const [name, category] of Object.entries(raw.categories ?? {}))
    globs(category.paths, ["categories", name, "paths"], out);
  const rules = raw.rules ?? [];
  rules.forEach((rule, i) => {
    globs(rule.if?.paths, ["rules", i, "if", "paths"], out);
    globs(rule.if?.base, ["rules", i, "if", "base"], out);
    approvers(rule.require?.from, ["rules", i, "require", "from"], out);
  });
  duplicates(
    rules.map((r) => r.name),
    (i) => ["rules", i, "name"],
    "rule name",
    out,
  );
  patterns(raw.promotion?.commands, ["promotion", "commands"], out);
  approvers(raw.promotion?.governance?.from, ["promotion", "governance", "from"], out);
  raw.deployments?.forEach((gate, i) => {
    globs(gate.environments, ["deployments", i, "environments"], out);
  });
  approvers(raw.overrides?.from, ["overrides", "from"], out);
  return out;
}

/** Checks across files of an `_extends` chain: run on the merged policy. */
export function referenceIssues(merged: RawPolicy): Issue[] {
  const known = [...new Set([...Object.keys(BUILTIN_CATEGORIES), ...Object.keys(merged.categories ?? {})])];
  const lowerKnown = new Set(known.map((k) => k.toLowerCase()));
  const out: Issue[] = [];
  merged.rules?.forEach((rule, i) => {
    rule.if?.categories?.forEach((name, j) => {
      if (lowerKnown.has(name.toLowerCase())) return;
      const guess = closest(name, known);
      out.push({
        path: ["rules", i, "if", "categories", j],
        message: `unknown category \`${name}\`${guess ? `; did you mean \`${guess}\`?` : ""} (known: ${known.join(", ")})`,
      });
    });
  });
  return out;
}
