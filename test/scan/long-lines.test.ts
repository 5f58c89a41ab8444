/**
 * Long lines (minified bundles, inlined data, one-line JSON) are scanned whole: a secret anywhere on
 * a line of megabytes is found, on the right line, with its excerpt redacted, and a clean line of
 * megabytes stays clean and fast. Nothing is cut, so there is no "scanned in part" note any more.
 */
import { describe, expect, it } from "vitest";
import { scanFile } from "../../src/scan/index.js";
import { redactText } from "../../src/scan/redact-text.js";
import { findSecrets } from "../../src/scan/secrets.js";
import { newFile, noise } from "./helpers.js";

const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const b64url = (s: string) => Buffer.from(s).toString("base64url");

/** Minified JavaScript that mentions keys, tokens and passwords without holding any. */
const MINIFIED =
  'function(e,t){var n=t.key||e.token;return n&&n.auth?e.password(n):void 0},o={apiKey:e.apiKey,secret:r.secret},a="sk-"+r,i=function(){return{type:"service",url:"https://api.example.com/v1"}};';
const minified = (length: number) => MINIFIED.repeat(Math.ceil(length / MINIFIED.length)).slice(0, length);

/** One spelling per kind of detector: provider formats, PEM, URL passwords, SAS, JWT, generic assignments. */
const SPELLINGS: [rule: string, text: string, secret: string][] = [
  ["github-token", `"ghp_${noise(36, undefined, 3)}"`, `ghp_${noise(36, undefined, 3)}`],
  [
    "aws-access-key-id",
    `"AKIA${noise(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 5)}"`,
    `AKIA${noise(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 5)}`,
  ],
  [
    "private-key",
    `"-----BEGIN RSA PRIVATE KEY-----\\nMIIEow${noise(60, B64, 9)}\\n-----END RSA PRIVATE KEY-----"`,
    "-----BEGIN RSA PRIVATE KEY-----",
  ],
  [
    "database-url-password",
    `"postgres://app:p${noise(18, undefined, 4)}@db.internal:5432/app"`,
    `p${noise(18, undefined, 4)}`,
  ],
  [
    "azure-sas-token",
    `"https://acct.blob.core.windows.net/c?sv=2022-11-02&se=2030-01-01T00%3A00%3A00Z&sp=r&sig=${noise(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6)}%3D"`,
    noise(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6),
  ],
  [
    "jwt",
    `"${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"sub":"svc","role":"admin"}')}.${noise(43, URLSAFE, 2).replace(/[-_]$/, "f")}"`,
    noise(43, URLSAFE, 2).replace(/[-_]$/, "f"),
  ],
  ["generic-secret-assignment", `{clientSecret:"${noise(32, undefined, 8)}"}`, noise(32, undefined, 8)],
  ["stripe-secret-key", `"sk_live_${noise(24, undefined, 12)}"`, `sk_live_${noise(24, undefined, 12)}`],
];

/** A minified line with `text` starting at `offset`, on line 2 of a bundle. */
function bundleWith(offset: number, text: string, tail = 4_096) {
  const line = `${minified(offset)}${text};${minified(tail)}`;
  return newFile("dist/app.min.js", ["/*! bundle */", line, "//# end"]);
}

describe("long lines are scanned whole", () => {
  // 16,384 was the old cut: a secret just before it, straddling it and past it; then far beyond.
  const OFFSETS = [0, 16_370, 16_384, 65_530, 100_000, 1_000_000];

  for (const [rule, text, secret] of SPELLINGS) {
    it.each(OFFSETS)(`finds ${rule} starting at character %i of a long line`, (offset) => {
      const scan = scanFile(bundleWith(offset, text));
      const secrets = scan.findings.filter((f) => f.kind === "secret");
      expect(secrets.map((f) => [f.rule, f.line])).toEqual([[rule, 2]]);
      expect(secrets[0]?.excerpt).toMatch(/\[redacted \d+ chars\]$/);
      expect(JSON.stringify(scan)).not.toContain(secret.slice(5, 30));
      expect(scan.findings.some((f) => f.rule === "scan-truncated")).toBe(false);
    });
  }

  it("finds a secret straddling every position around the old 16 KiB cut", () => {
    const token = `ghp_${noise(36, undefined, 21)}`;
    for (let start = 16_384 - token.length - 2; start <= 16_384 + 2; start++) {
      const line = `${minified(start - 1)}"${token}"${minified(100)}`;
      expect(findSecrets(line).map((h) => [h.rule, h.start])).toEqual([["github-token", start]]);
    }
  });

  it("reports several secrets on one long line, all on that line, in order, none repeated", () => {
    const a = `ghp_${noise(36, undefined, 31)}`;
    const b = `AKIA${noise(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32)}`;
    const c = `npm_${noise(36, undefined, 33)}`;
    const d = `xoxb-${noise(12, "0123456789", 34)}-${noise(13, "0123456789", 35)}-${noise(24, undefined, 36)}`;
    const line = [
      minified(10_000),
      `"${a}"`,
      minified(300_000),
      `"${b}"`,
      minified(600_000),
      `"${c}"`,
      minified(600_000),
      `"${d}"`,
    ].join(";");
    const scan = scanFile(newFile("public/vendor.js", ["// vendor", "'use strict';", line, "export {};"]));
    expect(scan.findings.map((f) => [f.rule, f.line])).toEqual([
      ["github-token", 3],
      ["aws-access-key-id", 3],
      ["npm-token", 3],
      ["slack-token", 3],
    ]);
    const out = JSON.stringify(scan);
    for (const s of [a, b, c, d]) expect(out).not.toContain(s.slice(5, 20));
  });

  it("finds thousands of tokens on one line in linear time, and lists at most the per-file cap", () => {
    const line = Array.from({ length: 20_000 }, (_, i) => `"ghp_${noise(36, undefined, i + 1)}"`).join(",");
    const started = performance.now();
    const scan = scanFile(newFile("tokens.json", [line]));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(scan.findings).toHaveLength(201);
    expect(scan.findings.slice(0, 200).every((f) => f.rule === "github-token" && f.line === 1)).toBe(true);
    // Every random token is found: none is taken for a placeholder because a word appears in it by chance.
    expect(scan.findings[200]).toMatchObject({
      rule: "scan-truncated",
      message: expect.stringMatching(/^19800 more findings/),
    });
  });

  it("keeps the specific rule where hits overlap on a long line (a JWT inside a bearer header)", () => {
    const jwt = `${b64url('{"alg":"RS256"}')}.${b64url('{"sub":"x","iat":1}')}.${noise(40, URLSAFE, 5).replace(/[-_]$/, "g")}`;
    const line = `${minified(50_000)}headers:{Authorization:"Bearer ${jwt}"}${minified(50_000)}`;
    expect(findSecrets(line).map((h) => h.rule)).toEqual(["jwt"]);
  });

  it("looks for a SAS token's sv= and se= near it, not anywhere on a long line", () => {
    const sig = noise(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 40);
    const far = `csv=1;use=2;${minified(100_000)}"https://x.example/?sig=${sig}"`;
    expect(findSecrets(far)).toEqual([]);
  });

  it("redacts secrets anywhere on a long line it prints", () => {
    const token = `ghp_${noise(36, undefined, 41)}`;
    const printed = redactText(`${"x".repeat(10_000)} ${token}`);
    expect(printed).not.toContain(token.slice(4));
  });
});

describe("long clean lines stay clean and fast", () => {
  const CLEAN: [what: string, line: string][] = [
    ["2 MB of minified JavaScript", minified(2_000_000)],
    ["a 2 MB base64 image data URI", `background:url(data:image/png;base64,${noise(2_000_000, B64)})`],
    [
      "a source map inlined as a base64 data URI",
      `//# sourceMappingURL=data:application/json;base64,${Buffer.from(`{"version":3,"sources":["a.ts"],"mappings":"${noise(1_500_000, B64)}"}`).toString("base64")}`,
    ],
    [
      "a one-line lockfile of integrity hashes",
      Array.from(
        { length: 12_000 },
        (_, i) =>
          `"node_modules/p${i}":{"version":"1.0.${i}","resolved":"https://registry.npmjs.org/p${i}/-/p${i}-1.0.${i}.tgz","integrity":"sha512-${noise(86, B64, i)}=="}`,
      ).join(","),
    ],
    ["a 2 MB hex blob", `const wasm="${noise(2_000_000, HEX)}";`],
  ];

  it.each(CLEAN)("%s: no finding, in well under a second or two", (_what, line) => {
    const started = performance.now();
    const scan = scanFile(newFile("dist/bundle.js", ["/* generated */", line]));
    const ms = performance.now() - started;
    expect(scan.findings).toEqual([]);
    // Typically 30–80 ms on a laptop; generous for slow CI machines.
    expect(ms).toBeLessThan(3_000);
  });
});

describe("long lines built to be slow stay linear", () => {
  const EVIL: [what: string, line: string][] = [
    [
      "a SAS-shaped query repeated for 2 MB",
      "sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&sv=1&se=2&".repeat(42_000),
    ],
    ["one 200 KB dotenv name", `${"TOKEN".repeat(40_000)}=x`],
    ["PEM headers with nothing after them", "-----BEGIN PRIVATE KEY----- ".repeat(70_000)],
    ["unclosed quotes after secret names", 'key="\\"token=\'`'.repeat(120_000)],
    ["URL markers with user-info shapes", "https://a:b".repeat(180_000)],
  ];

  it.each(EVIL)("%s", (_what, line) => {
    const started = performance.now();
    scanFile(newFile(".env.example", [line, line]));
    expect(performance.now() - started).toBeLessThan(6_000);
  });
});
