/**
 * What the command line reports: a problem at a place in a file — a policy error or a scenario
 * failure alike — so the terminal, the job summary and the annotations all say the same thing.
 */
import { isAbsolute, relative } from "node:path";
import type { PolicyError } from "../policy/index.js";

/** `line` and `column` are 0 when the problem has no place in the file. */
export type Problem = PolicyError;

/** A problem with the file as a whole (it cannot be read, it does not exist). */
export function fileProblem(file: string, message: string): Problem {
  return { file, line: 0, column: 0, message };
}

/** `file:line:column: key.path: message`, as compilers print it, so editors and terminals link it. */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return `${where}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A path as the user would write it: relative to the current folder when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** `1 rule`, `2 rules`. */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;
