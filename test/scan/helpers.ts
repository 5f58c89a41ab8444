/** Builders for changed files in scan tests. */
import type { ChangedFile } from "../../src/facts/model.js";

/** A new file: every line added, numbered from 1. */
export function newFile(path: string, lines: readonly string[]): ChangedFile {
  const patch = `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}`;
  return { path, status: "added", additions: lines.length, deletions: 0, patch };
}

/** A change to an existing file: one hunk starting at `start`, lines given with their diff marks. */
export function changed(path: string, start: number, marked: readonly string[]): ChangedFile {
  const oldCount = marked.filter((l) => !l.startsWith("+")).length;
  const newCount = marked.filter((l) => !l.startsWith("-")).length;
  const patch = `@@ -${start},${oldCount} +${start},${newCount} @@\n${marked.join("\n")}`;
  return { path, status: "modified", additions: 0, deletions: 0, patch };
}

/** Deterministic random-looking text (a fixed LCG), so fixtures are not typed sequences. */
export function noise(
  n: number,
  alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  seed = 7,
): string {
  let x = seed >>> 0;
  let s = "";
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    s += alphabet.charAt((x >>> 16) % alphabet.length);
  }
  return s;
}
