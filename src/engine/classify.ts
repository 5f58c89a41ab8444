/**
 * Which sensitive categories a PR touches, and through which files (old and new paths of renames
 * both count). Path matches are memoized per policy: a PR is evaluated again on every review,
 * label and check event, and its paths do not change between them.
 */
import type { ChangedFile } from "../facts/model.js";
import type { Policy } from "../policy/model.js";
import type { FileScan } from "../scan/model.js";
import type { CategoryHit } from "./decision.js";
import { type CompiledGlob, compiled, firstMatch } from "./globs.js";

const MEMO_MAX = 50_000;

interface PathClassifier {
  names: string[];
  globs: CompiledGlob[][];
  memo: Map<string, number[]>;
}

const classifiers = new WeakMap<Policy["categories"], PathClassifier>();

function classifierFor(categories: Policy["categories"]): PathClassifier {
  let c = classifiers.get(categories);
  if (!c) {
    const names = Object.keys(categories);
    c = { names, globs: names.map((n) => compiled(categories[n]?.paths ?? [])), memo: new Map() };
    classifiers.set(categories, c);
  }
  return c;
}

/** Indexes (into `names`) of the categories whose globs match the path. */
function categoriesOfPath(c: PathClassifier, path: string): number[] {
  let hit = c.memo.get(path);
  if (!hit) {
    hit = [];
    for (let i = 0; i < c.globs.length; i++)
      if (firstMatch(c.globs[i] as CompiledGlob[], path) >= 0) hit.push(i);
    if (c.memo.size >= MEMO_MAX) c.memo.clear();
    c.memo.set(path, hit);
  }
  return hit;
}

export function classify(
  policy: Policy,
  files: readonly ChangedFile[],
  scans: ReadonlyMap<string, FileScan>,
): CategoryHit[] {
  const c = classifierFor(policy.categories);
  const matched: string[][] = c.names.map(() => []);
  for (const f of files) {
    const hits = new Set(categoriesOfPath(c, f.path));
    if (f.previousPath !== undefined) for (const i of categoriesOfPath(c, f.previousPath)) hits.add(i);
    for (const name of scans.get(f.path)?.categories ?? []) {
      const i = c.names.indexOf(name);
      if (i >= 0) hits.add(i);
    }
    const shown = f.previousPath ? `${f.previousPath} → ${f.path}` : f.path;
    for (const i of hits) matched[i]?.push(shown);
  }
  return c.names.flatMap((name, i) => (matched[i]?.length ? [{ name, files: matched[i] as string[] }] : []));
}
