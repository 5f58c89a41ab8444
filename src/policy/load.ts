/** Loading a policy: the entry file and its `_extends` bases, merged onto the built-in default. */
import { DEFAULT_POLICY_YAML } from "./default.js";
import type { PolicyError } from "./errors.js";
import { type Fetcher, type PolicyEntry, resolveChain } from "./extends.js";
import { mergePolicies } from "./merge.js";
import type { Policy } from "./model.js";
import { normalize } from "./normalize.js";
import { byPosition, type ParsedPolicy, parsePolicyFile } from "./parse.js";
import type { RawPolicy } from "./schema.js";
import { referenceIssues } from "./semantic.js";
import { depthIn, locate } from "./yaml-source.js";

/** `files`: every file the policy was composed from, most specific first (a change to any of them changes it). */
export type LoadResult = { ok: true; policy: Policy; files: string[] } | { ok: false; errors: PolicyError[] };

export const DEFAULT_POLICY_SOURCE = "built-in default policy";

let defaultFile: ParsedPolicy | undefined;

function builtinDefault(): ParsedPolicy {
  if (!defaultFile) {
    const parsed = parsePolicyFile(DEFAULT_POLICY_YAML, DEFAULT_POLICY_SOURCE);
    if (!parsed.ok) throw new Error(`the built-in default policy is invalid: ${parsed.errors[0]?.message}`);
    defaultFile = parsed.parsed;
  }
  return defaultFile;
}

/** Merge a chain (most specific first) onto the built-in default, check it as a whole, normalize it. */
function build(files: ParsedPolicy[], source: string): LoadResult {
  const layers = [builtinDefault(), ...[...files].reverse()];
  // A deep copy: merging shares nested values with the cached default, which callers must not reach.
  const merged = structuredClone(
    layers.reduce<unknown>((acc, f) => mergePolicies(acc, f.raw), {}),
  ) as RawPolicy;
  delete merged._extends;
  const issues = referenceIssues(merged);
  if (issues.length > 0) {
    // Blame the most specific file that holds the offending part of the policy.
    const located = issues.map((issue) => {
      const owner = [...files, builtinDefault()].reduce((best, f) =>
        depthIn(f.source, issue.path) > depthIn(best.source, issue.path) ? f : best,
      );
      return locate(owner.source, issue);
    });
    return { ok: false, errors: located.sort(byPosition) };
  }
  return { ok: true, policy: normalize(merged, source), files: files.map((f) => f.source.file) };
}

export async function loadPolicy(entry: PolicyEntry, fetch?: Fetcher): Promise<LoadResult> {
  const chain = await resolveChain(entry, fetch);
  if (!chain.ok) return chain;
  const bases = chain.files.slice(1).map((f) => f.source.file);
  return build(
    chain.files,
    bases.length > 0 ? `${entry.source} (extends ${bases.join(" → ")})` : entry.source,
  );
}

/** The policy that applies when neither the repository nor the organisation has a policy file. */
export function defaultPolicy(): Policy {
  const result = build([], DEFAULT_POLICY_SOURCE);
  if (!result.ok) throw new Error(`the built-in default policy is invalid: ${result.errors[0]?.message}`);
  return result.policy;
}
