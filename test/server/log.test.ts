/** The server's loggers never write a credential, whether it sits in a named field, a message or an error. */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { expect, it } from "vitest";
import { createLogger, type LoggerOptions } from "../../src/server/log.js";

function capture(options: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ name: "test", level: "info", ...options }, stream), lines };
}

const githubToken = `ghp_${randomBytes(18).toString("hex")}`;
const awsKey = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;

it("censors credential fields by name, and secret-shaped text anywhere", () => {
  const { log, lines } = capture();
  log.info({ token: "plain-looking-value", nested: { privateKey: "-----BEGIN" } }, "fields");
  log.warn({ branch: `fix/${awsKey}` }, `a message quoting ${githubToken}`);
  log.error(new Error(`GitHub said: bad credentials ${githubToken}`));
  log.info({ payload: { body: "a webhook payload is never logged" } }, "payload");
  const text = lines.join("");
  for (const s of [githubToken, awsKey, "plain-looking-value", "-----BEGIN", "never logged"])
    expect(text).not.toContain(s);
  expect(text).toContain("[redacted]");
  expect(lines).toHaveLength(4);
});

it("keeps each string bounded, so no one value can make a log line huge", () => {
  const { log, lines } = capture();
  log.info({ title: "x".repeat(1_000_000) }, "y".repeat(1_000_000));
  expect(lines[0]?.length ?? 0).toBeLessThan(6_000);
});

it("censors credential fields in any case and at any depth, and survives hostile objects", () => {
  const { log, lines } = capture();
  log.info(
    {
      request: { headers: { Authorization: "Bearer opaque-value-1" } },
      a: { b: { c: { Password: "hunter2" } } },
    },
    "deep",
  );
  const shared = { x: "y".repeat(100) };
  let wide: Record<string, unknown> = { shared };
  for (let i = 0; i < 20; i++) wide = { a: wide, b: wide, shared };
  const started = Date.now();
  log.info({ wide }, "shared references");
  expect(Date.now() - started).toBeLessThan(500);
  const hostile = {
    get boom() {
      throw new Error("getter");
    },
  };
  expect(() => log.info({ hostile, big: 10n, sym: Symbol("s") }, "hostile")).not.toThrow();
  const text = lines.join("");
  expect(text).not.toContain("opaque-value-1");
  expect(text).not.toContain("hunter2");
  expect(lines).toHaveLength(3);
});

it("keeps an audit logger's lists whole, and says what another logger cut", () => {
  const findings = Array.from({ length: 120 }, (_, i) => ({ path: `f${i}` }));
  const audit = capture({ wholeArrays: true });
  const server = capture();
  audit.log.info({ findings }, "audit");
  server.log.info({ findings }, "server");
  expect(JSON.parse(audit.lines[0] as string).findings).toHaveLength(120);
  expect(JSON.parse(server.lines[0] as string).findings.at(-1)).toBe("… 70 more");
});
