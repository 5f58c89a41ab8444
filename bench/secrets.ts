/**
 * Secrets detector benchmark: our scanner vs secretlint's recommended preset on the labelled corpus.
 * Both see the same added lines of every entry; findings are scored by line. Prints figures only.
 *
 *   npx tsx bench/secrets.ts
 */
import { performance } from "node:perf_hooks";
import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { scanFile } from "../src/scan/index.js";
import type { CorpusEntry } from "../test/corpus/generate.js";
import { addedLines, loadCorpus, type Score, score } from "../test/corpus/score.js";

interface Run {
  name: string;
  score: Score;
  seconds: number;
  passes: number;
}

const entries = loadCorpus();
const added = new Map(entries.map((e) => [e.id, addedLines(e)]));
const addedBytes = entries.reduce(
  (n, e) => n + (added.get(e.id) ?? []).reduce((m, l) => m + Buffer.byteLength(l.text) + 1, 0),
  0,
);

function ours(e: CorpusEntry): number[] {
  const scan = scanFile({ path: e.path, status: "modified", additions: 0, deletions: 0, patch: e.patch });
  return scan.findings.filter((f) => f.kind === "secret" && f.severity !== "low").map((f) => f.line);
}

async function secretlint(e: CorpusEntry): Promise<number[]> {
  const lines = added.get(e.id) ?? [];
  const result = await lintSource({
    source: {
      filePath: `/corpus/${e.path}`,
      content: lines.map((l) => l.text).join("\n"),
      contentType: "text",
    },
    options: { config: { rules: [{ id: recommended.meta.id, rule: recommended }] }, maskSecrets: true },
  });
  return result.messages.flatMap((m) => {
    const line = lines[m.loc.start.line - 1]?.line;
    return line === undefined ? [] : [line];
  });
}

function runOurs(): Run {
  const reported = new Map(entries.map((e) => [e.id, ours(e)]));
  // Repeat until the timing covers at least two seconds, so it is stable.
  let passes = 0;
  const start = performance.now();
  while (performance.now() - start < 2000 || passes < 3) {
    for (const e of entries) ours(e);
    passes++;
  }
  return {
    name: "agent-policy",
    score: score(entries, reported),
    seconds: (performance.now() - start) / 1000,
    passes,
  };
}

async function runSecretlint(): Promise<Run> {
  for (const e of entries.slice(0, 50)) await secretlint(e); // warm up
  const reported = new Map<string, number[]>();
  const start = performance.now();
  for (const e of entries) reported.set(e.id, await secretlint(e));
  return {
    name: "secretlint recommended",
    score: score(entries, reported),
    seconds: (performance.now() - start) / 1000,
    passes: 1,
  };
}

const mbps = (r: Run) => (addedBytes * r.passes) / 1e6 / r.seconds;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const a = runOurs();
const b = await runSecretlint();
const secrets = entries.reduce((n, e) => n + e.secrets.length, 0);
console.log(
  `corpus: ${entries.length} files, ${secrets} labelled secrets, ${entries.filter((e) => e.secrets.length === 0).length} files without one, ${(addedBytes / 1e6).toFixed(2)} MB of added lines\n`,
);
const rows = [a, b].map((r) => ({
  detector: r.name,
  recall: pct(r.score.recall),
  precision: pct(r.score.precision),
  tp: r.score.truePositives,
  fp: r.score.falsePositives,
  fn: r.score.falseNegatives,
  "MB/s": mbps(r).toFixed(2),
}));
console.table(rows);
console.log(`throughput ratio (agent-policy / secretlint): ${(mbps(a) / mbps(b)).toFixed(1)}x`);
