import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scanFile } from "../../src/scan/index.js";
import { CORPUS_PATH, generateCorpus, serializeCorpus } from "../corpus/generate.js";
import { loadCorpus, score } from "../corpus/score.js";

describe("labelled secrets corpus", () => {
  it("is exactly what the generator writes (regenerate with `npx tsx test/corpus/generate.ts`)", () => {
    expect(readFileSync(CORPUS_PATH, "utf8")).toBe(serializeCorpus(generateCorpus()));
  });

  it("holds at least 200 secrets across providers and 2,000 files without one", () => {
    const entries = loadCorpus();
    const secrets = entries.flatMap((e) => e.secrets);
    expect(secrets.length).toBeGreaterThanOrEqual(200);
    expect(new Set(secrets.map((s) => s.rule)).size).toBeGreaterThanOrEqual(30);
    expect(entries.filter((e) => e.secrets.length === 0).length).toBeGreaterThanOrEqual(2000);
  });

  it("is detected with recall and precision of at least 95%", () => {
    const entries = loadCorpus();
    const reported = new Map(
      entries.map((e) => [
        e.id,
        scanFile({ path: e.path, status: "modified", additions: 0, deletions: 0, patch: e.patch })
          .findings.filter((f) => f.kind === "secret" && f.severity !== "low")
          .map((f) => f.line),
      ]),
    );
    const s = score(entries, reported);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
  });
});
