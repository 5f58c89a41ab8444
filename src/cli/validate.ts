/** `agent-policy validate`: load a policy file with its `_extends` bases and report every error in it. */
import { readFile } from "node:fs/promises";
import type { Policy } from "../policy/index.js";
import type { PolicyLoader } from "./bases.js";
import { count, errorMessage, fileProblem, type Problem } from "./problems.js";

export type PolicyCheck =
  | { file: string; ok: true; policy: Policy; files: string[] }
  /** code 1: the policy is invalid; 2: it could not be checked (unreadable file or base). */
  | { file: string; ok: false; code: 1 | 2; problems: Problem[] };

export async function checkPolicyFile(file: string, load: PolicyLoader): Promise<PolicyCheck> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : errorMessage(e);
    return { file, ok: false, code: 2, problems: [fileProblem(file, `cannot read: ${why}`)] };
  }
  try {
    const result = await load(file, text);
    if (!result.ok) return { file, ok: false, code: 1, problems: result.errors };
    return { file, ok: true, policy: result.policy, files: result.files };
  } catch (e) {
    // A base that cannot be read here, or GitHub failing: the policy is not known to be wrong.
    return { file, ok: false, code: 2, problems: [fileProblem(file, errorMessage(e))] };
  }
}

/** One line for a valid policy, naming the bases it extends. */
export function describeValid(check: PolicyCheck & { ok: true }): string {
  const bases = check.files.slice(1);
  return `${check.file}: valid (${count(check.policy.rules.length, "rule")}${bases.length > 0 ? `; extends ${bases.join(" → ")}` : ""})`;
}
