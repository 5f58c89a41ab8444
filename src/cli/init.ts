/** `agent-policy init`: start a repository's policy from the built-in default, never over an existing one. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { DEFAULT_POLICY_YAML, loadPolicy } from "../policy/index.js";
import { errorMessage } from "./problems.js";

export type InitResult = { ok: true; rules: number } | { ok: false; code: 1 | 2; message: string };

export async function writeDefaultPolicy(file: string, force: boolean): Promise<InitResult> {
  // Loaded as the written file would be, so what `init` writes is what `validate` accepts.
  const loaded = await loadPolicy({ text: DEFAULT_POLICY_YAML, source: file });
  if (!loaded.ok) throw new Error(`the built-in default policy is invalid: ${loaded.errors[0]?.message}`);
  const cannot = (e: unknown): InitResult => {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      code: 2,
      message: `cannot write ${file}: ${code === "EISDIR" ? "it is a folder" : errorMessage(e)}`,
    };
  };
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (e) {
    return cannot(e);
  }
  try {
    // `wx` refuses an existing file in the same call that creates it: no window to lose one.
    await writeFile(file, DEFAULT_POLICY_YAML, { flag: force ? "w" : "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") return cannot(e);
    return { ok: false, code: 1, message: `${file} already exists; pass --force to overwrite it` };
  }
  return { ok: true, rules: loaded.policy.rules.length };
}
