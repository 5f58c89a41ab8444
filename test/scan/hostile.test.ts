import { describe, expect, it } from "vitest";
import type { ChangedFile } from "../../src/facts/model.js";
import { scanFile } from "../../src/scan/index.js";
import { newFile, noise } from "./helpers.js";

const file = (patch: string | null): ChangedFile => ({
  path: "x.txt",
  status: "modified",
  additions: 0,
  deletions: 0,
  patch,
});

describe("hostile input", () => {
  it("returns nothing for a file without a patch", () => {
    expect(scanFile(file(null))).toEqual({ findings: [], categories: [] });
  });

  it("scans a 5 MB patch and still finds what it holds", { timeout: 30_000 }, () => {
    const line = `const v${noise(20)} = "${noise(60, "abcdef0123456789 ")}"; // password token secret key auth`;
    const lines = Array.from({ length: Math.ceil(5e6 / line.length) }, () => line);
    lines.push(`TOKEN="ghp_${noise(36)}"`);
    const scan = scanFile(newFile(".github/workflows/big.yml", lines));
    expect(scan.findings.map((f) => [f.rule, f.line])).toEqual([["github-token", lines.length]]);
  });

  it("scans a 1 MB line whole: a secret at its end is found like one at its start, and nothing is cut", () => {
    const early = `ghp_${noise(36)}`;
    const late = `npm_${noise(36)}`;
    const line = `x = "${early}" ${"a=b; ".repeat(200_000)} "${late}"`;
    const scan = scanFile(newFile("bundle.min.js", ["ok", line]));
    expect(scan.findings.map((f) => [f.rule, f.line, f.severity])).toEqual([
      ["github-token", 2, "high"],
      ["npm-token", 2, "high"],
    ]);
    expect(JSON.stringify(scan)).not.toContain(late.slice(4, 20));
  });

  it("survives binary garbage and lone surrogates", () => {
    let garbage = "";
    for (let i = 0; i < 200_000; i++) garbage += String.fromCharCode((i * 7919) % 65536);
    const scan = scanFile(file(`@@ -1,1 +1,2 @@\n ${garbage}\n+${garbage}\uD800\uDFFF\uDC00`));
    expect(Array.isArray(scan.findings)).toBe(true);
    expect(JSON.stringify(scan)).not.toContain(garbage.slice(0, 50));
  });

  it("reports a patch that is not a unified diff instead of passing it silently", () => {
    const scan = scanFile(file(`GIT binary patch\nliteral 1234\n${noise(500)}`));
    expect(scan.findings.map((f) => [f.rule, f.severity])).toEqual([["scan-incomplete", "low"]]);
  });

  it("tolerates malformed hunk headers and hunks that claim more lines than they have", () => {
    const token = `ghp_${noise(36)}`;
    const scan = scanFile(file(`@@ -1,999999 +1,999999 @@\n+${token}\n@@ garbage @@\n+x`));
    expect(scan.findings.map((f) => [f.rule, f.line])).toEqual([["github-token", 1]]);
  });

  it("stays linear on inputs built to make regexes backtrack", { timeout: 30_000 }, () => {
    const evil = [
      `sk-${"a".repeat(500_000)}`,
      `${"password=".repeat(100_000)}`,
      `eyJ${"a".repeat(300_000)}.eyJ${"b".repeat(300_000)}`,
      `postgres://${":".repeat(300_000)}@`,
      `-----BEGIN ${"A ".repeat(300_000)}`,
      "${{ ".repeat(200_000),
      `${"  ".repeat(100_000)}run: |`,
    ];
    const started = Date.now();
    scanFile(newFile(".github/workflows/evil.yml", evil));
    // Generous: linear scanning of ~5 MB takes well under this even on a slow CI machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("bounds the number of findings per file", () => {
    const lines = Array.from({ length: 500 }, (_, i) => `K${i}=ghp_${noise(36, undefined, i + 1)}`);
    const findings = scanFile(newFile("leak.env", lines)).findings;
    expect(findings.length).toBe(201);
    expect(findings[200]?.rule).toBe("scan-truncated");
  });
});
