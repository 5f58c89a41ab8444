/**
 * Scoring of a detector against the labelled corpus, per finding by line: a reported line is a true
 * positive when a labelled secret is on it, a false positive otherwise; a labelled line not reported is missed.
 */
import { readFileSync } from "node:fs";
import { parsePatch } from "../../src/scan/diff.js";
import { CORPUS_PATH, type CorpusEntry } from "./generate.js";

export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  recall: number;
  precision: number;
}

export function loadCorpus(path: string = CORPUS_PATH): CorpusEntry[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as CorpusEntry);
}

/** The lines an entry adds, with their new-file line numbers. */
export function addedLines(entry: CorpusEntry): { line: number; text: string }[] {
  return parsePatch(entry.patch).lines.filter((l) => l.added);
}

export interface Miss {
  id: string;
  line: number;
  kind: "missed" | "false-positive";
}

/** Scores reported lines per entry (`reported` maps entry id → lines reported). */
export function score(
  entries: readonly CorpusEntry[],
  reported: ReadonlyMap<string, Iterable<number>>,
  misses?: Miss[],
): Score {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const e of entries) {
    const truth = new Set(e.secrets.map((s) => s.line));
    const seen = new Set(reported.get(e.id) ?? []);
    for (const line of seen) {
      if (truth.has(line)) tp++;
      else {
        fp++;
        misses?.push({ id: e.id, line, kind: "false-positive" });
      }
    }
    for (const line of truth) {
      if (!seen.has(line)) {
        fn++;
        misses?.push({ id: e.id, line, kind: "missed" });
      }
    }
  }
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
  };
}
