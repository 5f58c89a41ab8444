import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redact } from "../../src/scan/index.js";

const PREFIXES = [
  "",
  "AKIA",
  "ghp_",
  "github_pat_",
  "sk-",
  "sk-ant-api03-",
  "sk_live_",
  "xoxb-",
  "glpat-",
  "npm_",
  "-----BEGIN ",
];
const body = fc.string({
  unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-=."),
  minLength: 0,
  maxLength: 200,
});

describe("redact", () => {
  it("keeps at most a 4-character public prefix and counts the rest", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), body, (prefix, rest) => {
        const secret = prefix + rest;
        const excerpt = redact(secret);
        const m = /^(.{0,4})…\[redacted (\d+) chars\]$/su.exec(excerpt);
        expect(m).not.toBeNull();
        const kept = m?.[1] ?? "";
        expect(secret.startsWith(kept)).toBe(true);
        expect(Number(m?.[2])).toBe(secret.length - kept.length);
        // The excerpt is exactly the kept prefix plus fixed text: no 5-character piece of the secret survives
        // outside that template.
        const outsideTemplate = excerpt.replace(/…\[redacted \d+ chars\]$/u, "");
        for (let i = 0; i + 5 <= secret.length; i++)
          expect(outsideTemplate).not.toContain(secret.slice(i, i + 5));
      }),
      { numRuns: 500 },
    );
  });

  it("shows no character of a value without a known public prefix", () => {
    expect(redact("hunter2-but-longer")).toBe("…[redacted 18 chars]");
    expect(redact("")).toBe("…[redacted 0 chars]");
  });

  it("keeps only the format prefix of known tokens", () => {
    expect(redact(`AKIA${"Q".repeat(4)}ZXCVBNMLKJHG`)).toBe("AKIA…[redacted 16 chars]");
    expect(redact("ghp_abc")).toBe("ghp_…[redacted 3 chars]");
    expect(redact("sk_live_abcdef")).toBe("sk_l…[redacted 10 chars]");
  });
});
