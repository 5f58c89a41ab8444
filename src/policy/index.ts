/** The policy module: load, validate and compose `.github/agent-policy.yml` into a `Policy`. */
import type { PolicyError } from "./errors.js";
import { parsePolicyFile } from "./parse.js";
import type { RawPolicy } from "./schema.js";

export { BUILTIN_CATEGORIES } from "./categories.js";
export { DEFAULT_POLICY_YAML } from "./default.js";
export { formatPolicyError, type PolicyError } from "./errors.js";
export { type Fetcher, MAX_EXTENDS_DEPTH, type PolicyEntry } from "./extends.js";
export { DEFAULT_POLICY_SOURCE, defaultPolicy, type LoadResult, loadPolicy } from "./load.js";
export type { Policy, SafePattern } from "./model.js";
export { compilePattern } from "./pattern.js";
export { DEFAULT_POLICY_PATH, type PolicyRef } from "./policy-ref.js";
export type { RawPolicy } from "./schema.js";

/** Validate one file on its own (no `_extends` resolution, no cross-file references). */
export function parsePolicyText(
  text: string,
  file: string,
): { ok: true; raw: RawPolicy } | { ok: false; errors: PolicyError[] } {
  const result = parsePolicyFile(text, file);
  return result.ok ? { ok: true, raw: result.parsed.raw } : result;
}
