/**
 * The enforcement self-check as the last section of the check-run summary: what keeps GitHub from
 * holding merges on this check, each with the setting that fixes it. Nothing when there is nothing.
 */
import type { EnforcementProblem } from "../engine/enforcement.js";
import { esc } from "./render.js";

export function renderEnforcement(problems: readonly EnforcementProblem[]): string {
  if (problems.length === 0) return "";
  // The texts hold names from GitHub (rulesets, apps, branches): escaped like any text from a PR.
  const bullets = problems.map((p) => `- ${esc(p.problem)} **Fix:** ${esc(p.fix)}`);
  return ["### Is this gate enforced?", "", ...bullets].join("\n");
}
