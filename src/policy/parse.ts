/** One policy file's text to its validated raw form, or every error in it with its position. */
import { MAX_ERRORS, type PolicyError } from "./errors.js";
import { check } from "./issues.js";
import { policyFileSchema, type RawPolicy } from "./schema.js";
import { localIssues } from "./semantic.js";
import { locate, parseYaml, type YamlSource } from "./yaml-source.js";

export interface ParsedPolicy {
  source: YamlSource;
  raw: RawPolicy;
}

export type ParseResult = { ok: true; parsed: ParsedPolicy } | { ok: false; errors: PolicyError[] };

export const byPosition = (a: PolicyError, b: PolicyError): number => a.line - b.line || a.column - b.column;

export function parsePolicyFile(text: string, file: string): ParseResult {
  const yaml = parseYaml(text, file);
  if (!yaml.ok) return yaml;
  const { source } = yaml;
  const result = check(policyFileSchema, source.value);
  const issues = result.ok ? localIssues(result.value) : result.issues;
  if (!result.ok || issues.length > 0) {
    const errors = issues
      .slice(0, MAX_ERRORS)
      .map((i) => locate(source, i))
      .sort(byPosition);
    if (issues.length > MAX_ERRORS) {
      errors.push({ file, line: 0, column: 0, message: `and ${issues.length - MAX_ERRORS} more errors` });
    }
    return { ok: false, errors };
  }
  return { ok: true, parsed: { source, raw: result.value } };
}
