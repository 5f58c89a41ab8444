import { describe, expect, it } from "vitest";
import { scanWithinBudget } from "../../src/engine/scan-budget.js";
import type { ChangedFile } from "../../src/facts/model.js";
import { scanFile } from "../../src/scan/index.js";
import type { FileScan } from "../../src/scan/model.js";
import { newFile, noise } from "../scan/helpers.js";

/** `n` lines each carrying a distinct, realistic AWS access key id. */
const secretLines = (n: number, seed = 1): string[] =>
  Array.from(
    { length: n },
    (_, i) => `aws_key_${i} = "AKIA${noise(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed + i)}"`,
  );
const HAZARD = [
  "on: pull_request_target",
  "jobs:",
  "  build:",
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - uses: actions/checkout@v4",
  "        with:",
  "          ref: ${{ github.event.pull_request.head.sha }}",
];
const findingsOf = (scans: Map<string, FileScan>) => [...scans.values()].flatMap((s) => s.findings);

describe("scanWithinBudget", () => {
  it("scans files in order while their patches fit, and names every file that did not fit", () => {
    const small = newFile("a.ts", ["x"]);
    const big = newFile("big.ts", ["y".repeat(200)]);
    const later = newFile("b.ts", ["z"]);
    const size = (f: ChangedFile) => Buffer.byteLength(f.patch ?? "");
    const { scans, unscanned } = scanWithinBudget([small, big, later], {
      maxBytes: size(small) + size(later),
    });
    expect([...scans.keys()]).toEqual(["a.ts", "b.ts"]);
    expect(unscanned).toEqual(["big.ts"]);
  });

  it("leaves files without a patch to their own rule, and removed files out (they add no line)", () => {
    const gone: ChangedFile = { ...newFile("old.ts", secretLines(3)), status: "removed" };
    const huge: ChangedFile = {
      path: "huge.bin",
      status: "modified",
      additions: 9,
      deletions: 0,
      patch: null,
    };
    const { scans, unscanned } = scanWithinBudget([gone, huge, newFile("a.ts", ["x"])], { maxBytes: 64 });
    expect([...scans.keys()]).toEqual(["a.ts"]);
    expect(unscanned).toEqual([]);
  });

  it("keeps at most maxFindings per PR, the most severe first, and says how many it left out", () => {
    const files = [
      newFile(
        "notes.ts",
        Array.from({ length: 3 }, () => "x".repeat(20_000)),
      ),
      newFile("keys-1.ts", secretLines(4)),
      newFile("keys-2.ts", secretLines(4, 50)),
    ];
    const all = files.flatMap((f) => scanFile(f).findings);
    expect(all.map((f) => f.severity)).toEqual(["low", ...Array(8).fill("high")]);
    const { scans } = scanWithinBudget(files, { maxFindings: 5 });
    const kept = findingsOf(scans);
    expect(kept.map((f) => `${f.path}:${f.severity}`)).toEqual([
      "notes.ts:low",
      "keys-1.ts:high",
      "keys-1.ts:high",
      "keys-1.ts:high",
      "keys-1.ts:high",
      "keys-2.ts:high",
    ]);
    // The note sits at the first finding left out (the long-line note of notes.ts).
    expect(kept[0]).toMatchObject({
      rule: "scan-truncated",
      severity: "low",
      path: "notes.ts",
      message: expect.stringContaining("4 more findings in this pull request are not listed"),
    });
  });

  it("never leaves out the most severe finding of a kind, however many of another kind come first", () => {
    const files = [newFile("keys.ts", secretLines(30)), newFile(".github/workflows/ci.yml", HAZARD)];
    const kept = findingsOf(scanWithinBudget(files, { maxFindings: 10 }).scans);
    expect(kept.filter((f) => f.kind === "workflow_hazard").map((f) => f.rule)).toEqual([
      "pr-target-checkout",
    ]);
    expect(kept.filter((f) => f.kind === "secret" && f.severity === "high")).toHaveLength(9);
  });

  it("returns new scans and leaves the scanner's (cached) results as they were", () => {
    const cached = scanFile(newFile("keys.ts", secretLines(6)));
    const copy = structuredClone(cached);
    scanWithinBudget([newFile("keys.ts", secretLines(6))], { maxFindings: 2 }, () => cached);
    expect(cached).toEqual(copy);
  });

  it("bounds a 3,000-file PR of 1,000 secret-shaped lines each: seconds, not a minute, and few findings", () => {
    const patch = newFile("x", secretLines(1_000)).patch;
    const files = Array.from(
      { length: 3_000 },
      (_, i): ChangedFile => ({
        path: `src/gen/file-${i}.ts`,
        status: "added",
        additions: 1_000,
        deletions: 0,
        patch,
      }),
    );
    const started = performance.now();
    const { scans, unscanned } = scanWithinBudget(files);
    const ms = performance.now() - started;
    const scannedBytes = scans.size * Buffer.byteLength(patch ?? "");
    expect(scannedBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(scans.size + unscanned.length).toBe(3_000);
    expect(unscanned.length).toBeGreaterThan(2_700);
    expect(findingsOf(scans)).toHaveLength(501);
    expect(ms).toBeLessThan(10_000);
  }, 30_000);
});
