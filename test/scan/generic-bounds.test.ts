/**
 * Added text built to make the generic rule (a random-looking value assigned to a secret-like name)
 * slow: it finishes, and each file is either scanned fully, its findings capped, or left to a human
 * as not fully scanned. Never a silent pass. Timings are printed by `npx tsx bench/hostile-scan.ts`,
 * not asserted here.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import { scanWithinBudget } from "../../src/engine/scan-budget.js";
import type { ChangedFile } from "../../src/facts/model.js";
import { defaultPolicy } from "../../src/policy/index.js";
import { MAX_FINDINGS, scanFile } from "../../src/scan/index.js";
import { findSecrets, genericAllowance, MAX_GENERIC_CANDIDATES } from "../../src/scan/secrets.js";
import { facts, review } from "../support/facts.js";
import { newFile, noise } from "./helpers.js";

const MiB = 1024 * 1024;
const TIMEOUT = 60_000;

/** Lines made by `line(i)` until a new file holding them reaches `bytes` of patch. */
function fill(bytes: number, line: (i: number) => string): string[] {
  const lines: string[] = [];
  let size = 40;
  for (let i = 0; ; i++) {
    const l = line(i);
    if (size + l.length + 2 > bytes) return lines;
    lines.push(l);
    size += l.length + 2;
  }
}

const rules = (file: ChangedFile) => scanFile(file).findings.map((f) => f.rule);

describe("the generic rule on adversarial input", () => {
  it(
    "8 MiB of password=password=… on one line: known formats are still found to its end, and the file is left to a human",
    () => {
      const token = `ghp_${noise(36, undefined, 5)}`;
      const unit = "password=";
      const line = `${unit.repeat(Math.floor((8 * MiB - 200) / unit.length))}"${token}"`;
      const file = newFile(".env", [line]);
      expect(Buffer.byteLength(file.patch ?? "")).toBeLessThanOrEqual(8 * MiB);

      const scan = scanFile(file);
      expect(scan.findings.map((f) => [f.rule, f.severity, f.line])).toEqual([
        ["github-token", "high", 1],
        ["scan-incomplete", "low", 1],
      ]);
      expect(scan.findings[1]?.message).toMatch(
        /not fully scanned.*more than 200,000.*A human must review it/,
      );
      expect(scan.incomplete).toMatch(/secret-like names/);
      expect(JSON.stringify(scan)).not.toContain(token.slice(4));

      // The engine's budgeted scan names the file, so the "unscanned files" guard asks for a human.
      expect(scanWithinBudget([file]).unscanned).toEqual([".env"]);
    },
    TIMEOUT,
  );

  it(
    "8 MiB of 1 KB lines of password=password=…: left to a human from the line where the rule stopped",
    () => {
      const lines = fill(8 * MiB, () => "password=".repeat(111));
      const scan = scanFile(newFile("conf/app.env", lines));
      // 110 assignments a line: the last name has no value after it.
      const stopped = Math.ceil(MAX_GENERIC_CANDIDATES / 110);
      expect(scan.findings.map((f) => [f.rule, f.line])).toEqual([["scan-incomplete", stopped]]);
      expect(scan.incomplete).toBeDefined();
    },
    TIMEOUT,
  );

  it(
    '8 MiB of token: "aaaa…" lines: scanned fully, nothing found, nothing left to a human',
    () => {
      for (const line of [
        () => `token: "${"a".repeat(32)}"`,
        (i: number) => `token: "${`${"a".repeat(32)}${i}`.slice(-32)}"`,
      ]) {
        const file = newFile("config.yml", fill(8 * MiB, line));
        const scan = scanFile(file);
        expect(scan).toEqual({ findings: [], categories: [] });
        expect(scanWithinBudget([file]).unscanned).toEqual([]);
      }
    },
    TIMEOUT,
  );

  it(
    "api_key=<random 40> on 200,000 lines: scanned fully, every one counted, the first 200 listed",
    () => {
      const lines = Array.from({ length: 200_000 }, (_, i) => `api_key=${noise(40, undefined, i + 1)}`);
      const scan = scanFile(newFile("keys.env", lines));
      expect(scan.incomplete).toBeUndefined();
      expect(scan.findings).toHaveLength(MAX_FINDINGS + 1);
      expect(scan.findings.slice(0, MAX_FINDINGS).every((f) => f.rule === "generic-secret-assignment")).toBe(
        true,
      );
      expect(scan.findings.slice(0, MAX_FINDINGS).map((f) => f.line)).toEqual(
        Array.from({ length: MAX_FINDINGS }, (_, i) => i + 1),
      );
      // A few generated values read as typed sequences (placeholders); all the others are counted.
      expect(scan.findings[MAX_FINDINGS]).toMatchObject({
        rule: "scan-truncated",
        message: expect.stringMatching(/^199\d\d\d more findings in this file are not listed\.$/),
      });
      expect(JSON.stringify(scan)).not.toContain(lines[0]?.slice(12, 40));
    },
    TIMEOUT,
  );

  it(
    "one assignment past the allowance leaves the file to a human, from the line it stopped at",
    () => {
      const lines = Array.from(
        { length: MAX_GENERIC_CANDIDATES + 1 },
        (_, i) => `pwd=${noise(10, undefined, i + 1)}`,
      );
      const scan = scanFile(newFile("many.env", lines));
      expect(scan.incomplete).toBeDefined();
      expect(scan.findings.at(-1)).toMatchObject({
        rule: "scan-incomplete",
        severity: "low",
        line: MAX_GENERIC_CANDIDATES + 1,
      });
      // The note survives the per-file cap on findings.
      expect(scan.findings.map((f) => f.rule).slice(-2)).toEqual(["scan-truncated", "scan-incomplete"]);
    },
    TIMEOUT,
  );

  it(
    "3,000 small files of pwd=pwd=…: each under the allowance, each scanned fully",
    () => {
      const files = Array.from({ length: 3_000 }, (_, i) => newFile(`f/${i}.env`, ["pwd=".repeat(680)]));
      const { scans, unscanned } = scanWithinBudget(files);
      expect(unscanned).toEqual([]);
      expect(scans.size).toBe(3_000);
      expect([...scans.values()].every((s) => s.findings.length === 0)).toBe(true);
    },
    TIMEOUT,
  );

  it(
    "a PR with a file past the allowance needs one independent human approval, and passes with it",
    () => {
      const file = newFile(".env", ["pwd=".repeat(MAX_GENERIC_CANDIDATES + 10)]);
      const pr = facts({ files: [file] });
      const held = evaluate(defaultPolicy(), pr);
      expect(held.verdict).toBe("action_required");
      expect(held.rules).toEqual([
        expect.objectContaining({
          name: "unscanned files (built-in)",
          approvals: expect.objectContaining({ required: 1 }),
        }),
      ]);
      expect(held.findings.map((f) => f.rule)).toEqual(["scan-incomplete"]);
      expect(evaluate(defaultPolicy(), facts({ files: [file], reviews: [review("bob")] })).verdict).toBe(
        "success",
      );
    },
    TIMEOUT,
  );
});

describe("the generic rule on realistic input", () => {
  it("a 20,000-line .env is scanned fully: its secrets are counted, the first 200 listed", () => {
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      i % 2 === 0 ? `SERVICE_${i}_API_KEY=${noise(32, undefined, i + 1)}` : `SERVICE_${i}_TIMEOUT_MS=${i}`,
    );
    const scan = scanFile(newFile("deploy/prod.env", lines));
    expect(scan.incomplete).toBeUndefined();
    expect(scan.findings[MAX_FINDINGS]).toMatchObject({
      rule: "scan-truncated",
      message: expect.stringMatching(/^9\d\d\d more findings/),
    });
    expect(rules(newFile("deploy/prod.env", lines)).includes("scan-incomplete")).toBe(false);
  });

  it("a value ends where the next assignment to a secret-like name starts", () => {
    const token = noise(32, undefined, 9);
    expect(findSecrets(`password=x&token=${token}`).map((h) => [h.rule, h.secret])).toEqual([
      ["generic-secret-assignment", token],
    ]);
    const pass = `Kq7${noise(13, undefined, 4)}`;
    expect(findSecrets(`user=bob&password=${pass}&grant_type=password`).map((h) => h.secret)).toEqual([
      `${pass}&grant_type=password`,
    ]);
    // Base64 padding and an `=` inside a value are not assignments.
    const padded = `${noise(30, undefined, 12)}==`;
    expect(findSecrets(`API_KEY=${padded}`).map((h) => h.secret)).toEqual([padded]);
    expect(findSecrets("password=password=password=password=").map((h) => h.rule)).toEqual([]);
  });

  it("stops the generic rule, and only it, once a file's allowance is used up", () => {
    const allowance = genericAllowance(2);
    const line = `a_token="${noise(24, undefined, 1)}" b_token="${noise(24, undefined, 2)}" c_token="${noise(24, undefined, 3)}"`;
    expect(findSecrets(line, undefined, allowance).map((h) => h.rule)).toEqual([
      "generic-secret-assignment",
      "generic-secret-assignment",
    ]);
    expect(allowance.exhausted).toBe(true);
    const npm = `npm_${noise(36, undefined, 4)}`;
    expect(findSecrets(`${line} t="${npm}"`, undefined, allowance).map((h) => h.rule)).toEqual(["npm-token"]);
    expect(genericAllowance(3)).toEqual({ left: 3, exhausted: false });
  });
});
