/** Errors in a policy file, each pointing at the file, line and column a person should fix. */

export interface PolicyError {
  file: string;
  /** 1-based; 0 when the error has no place in a file. */
  line: number;
  /** 1-based; 0 when the error has no place in a file. */
  column: number;
  /** The key path the error concerns, e.g. `rules[2].require.approvals`; absent for the file as a whole. */
  path?: string;
  message: string;
}

/** Past this many, more errors only bury the first ones (and locating each costs time). */
export const MAX_ERRORS = 50;

export function formatPolicyError(e: PolicyError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

/** Where in the parsed document a problem is: the value at `path`, or the key that names it. */
export type PathSegment = string | number;

export interface Issue {
  path: PathSegment[];
  message: string;
  /** Point at the mapping key rather than its value (unknown keys, bad names). */
  at?: "key";
}

/** `rules[0].require`, or "the top level" for the root. */
export function describePath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "the top level";
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out;
}
