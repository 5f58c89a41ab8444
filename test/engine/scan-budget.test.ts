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
    // A patch that is not a unified diff yields one low-severity note.
    const notes: ChangedFile = {
      path: "notes.ts",
      status: "modified",
      additions: 1,
      deletions: 0,
      patch: "GIT binary patch\nliteral 12\nxyz",
    };
    const files = [notes, newFile("keys-1.ts", secretLines(4)), newFile("keys-2.ts", secretLines(4, 50))];
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
    // The note sits at the first finding left out (the scan-incomplete note of notes.ts).
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

  it("scans a patch of one 8 MiB line whole, and finds the secret at its very end", () => {
    const chunk = "function(e,t){var n=t.key||e.token;return n&&n.auth?e.password(n):void 0},";
    const token = `ghp_${noise(36, undefined, 77)}`;
    const line = `${chunk.repeat(Math.floor((8 * 1024 * 1024 - 200) / chunk.length))}"${token}"`;
    const file = newFile("dist/bundle.min.js", [line]);
    expect(Buffer.byteLength(file.patch ?? "")).toBeLessThanOrEqual(8 * 1024 * 1024);
    const started = performance.now();
    const { scans, unscanned } = scanWithinBudget([file]);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(unscanned).toEqual([]);
    expect(findingsOf(scans).map((f) => [f.rule, f.line])).toEqual([["github-token", 1]]);
  }, 30_000);

  it("reads head-file contents within a budget of their own; a content that does not fit is left out, the patch still scanned", () => {
    const withContent = (path: string, size: number): ChangedFile => ({
      ...newFile(path, ["x"]),
      content: "y".repeat(size),
    });
    const seen: { path: string; content: boolean }[] = [];
    const scan = (f: ChangedFile): FileScan => {
      seen.push({ path: f.path, content: typeof f.content === "string" });
      return { findings: [], categories: [] };
    };
    const files = [
      withContent("a/package.json", 600),
      withContent("b/package.json", 600),
      withContent("c/package.json", 300),
    ];
    const { scans, unscanned } = scanWithinBudget(files, { maxContentBytes: 1_000 }, scan);
    expect(seen).toEqual([
      { path: "a/package.json", content: true },
      { path: "b/package.json", content: false },
      { path: "c/package.json", content: true },
    ]);
    expect([...scans.keys()]).toHaveLength(3);
    expect(unscanned).toEqual([]);
    expect(files[1]?.content).toHaveLength(600); // the caller's file is left as it was
  });

  it("counts a file its scan could not read fully, such as a workflow left out of that budget, as unscanned", () => {
    const workflow: ChangedFile = {
      ...newFile(".github/workflows/ci.yml", ["on: pull_request_target"]),
      content: `on: pull_request_target\n${"#".repeat(2_000)}\n`,
    };
    const { unscanned } = scanWithinBudget([workflow], { maxContentBytes: 1_000 });
    expect(unscanned).toEqual([".github/workflows/ci.yml"]);
    expect(scanWithinBudget([workflow]).unscanned).toEqual([]);
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
