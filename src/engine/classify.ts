/** Which sensitive categories a PR touches, and through which files (old and new paths of renames both count). */
import type { ChangedFile } from "../facts/model.js";
import type { Policy } from "../policy/model.js";
import type { FileScan } from "../scan/model.js";
import type { CategoryHit } from "./decision.js";
import { compiled, firstMatch } from "./globs.js";

export function classify(policy: Policy, files: readonly ChangedFile[], scans: ReadonlyMap<string, FileScan>): CategoryHit[] {
  const hits: CategoryHit[] = [];
  for (const [name, { paths }] of Object.entries(policy.categories)) {
    const globs = compiled(paths);
    const matched: string[] = [];
    for (const f of files) {
      const byPath =
        firstMatch(globs, f.path) >= 0 || (f.previousPath !== undefined && firstMatch(globs, f.previousPath) >= 0);
      const byContent = scans.get(f.path)?.categories.includes(name) ?? false;
      if (byPath || byContent) matched.push(f.previousPath ? `${f.previousPath} → ${f.path}` : f.path);
    }
    if (matched.length > 0) hits.push({ name, files: matched });
  }
  return hits;
}
