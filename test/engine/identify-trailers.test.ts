import { describe, expect, it } from "vitest";
import {
  clipText,
  MAX_TRAILERS,
  noreplyLogin,
  parseIdentity,
  parseTrailers,
} from "../../src/engine/trailers.js";

describe("parseTrailers", () => {
  it("reads the final paragraph's Key: value lines", () => {
    const msg =
      "Fix login\n\nExplain why.\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\nCo-authored-by: Amp <amp@ampcode.com>\n";
    expect(parseTrailers(msg)).toEqual([
      { key: "Amp-Thread-ID", value: "https://ampcode.com/threads/T-1" },
      { key: "Co-authored-by", value: "Amp <amp@ampcode.com>" },
    ]);
  });

  it("tolerates CRLF and CR line endings", () => {
    expect(parseTrailers("Subject\r\n\r\nCo-Authored-By: Claude <noreply@anthropic.com>\r\n")).toEqual([
      { key: "Co-Authored-By", value: "Claude <noreply@anthropic.com>" },
    ]);
    expect(parseTrailers("Subject\r\rReplit-Commit-Author: Agent\r")).toEqual([
      { key: "Replit-Commit-Author", value: "Agent" },
    ]);
  });

  it("never reads the subject line as a trailer", () => {
    expect(parseTrailers("fix: handle empty input")).toEqual([]);
    expect(parseTrailers("feat: x\nScope: y")).toEqual([]);
  });

  it("ignores Key: value lines in the middle of the body unless they are attribution trailers", () => {
    const msg = [
      "Squashed",
      "",
      "* first change",
      "Note: not a trailer",
      "Co-authored-by: Bob <2+bob@users.noreply.github.com>",
      "",
      "* second change",
      "",
      "Signed-off-by: Alice <alice@example.com>",
    ].join("\n");
    expect(parseTrailers(msg).map((t) => t.key)).toEqual(["Co-authored-by", "Signed-off-by"]);
  });

  it("joins folded continuation lines of a trailer", () => {
    expect(parseTrailers("S\n\nGenerated-by: a very\n  long tool name")).toEqual([
      { key: "Generated-by", value: "a very long tool name" },
    ]);
  });

  it("returns nothing for empty, blank or non-string messages", () => {
    expect(parseTrailers("")).toEqual([]);
    expect(parseTrailers("\n\n\n")).toEqual([]);
    expect(parseTrailers(undefined as unknown as string)).toEqual([]);
  });

  it("caps hostile messages: 10k trailers and a 1 MB line parse quickly into a bounded list", () => {
    const many = `S\n\n${Array.from({ length: 10_000 }, (_, i) => `X-${i}: v`).join("\n")}`;
    const trailers = parseTrailers(many);
    expect(trailers.length).toBeLessThanOrEqual(MAX_TRAILERS);
    expect(trailers.at(-1)).toEqual({ key: "X-9999", value: "v" });
    const long = `S\n\nCo-authored-by: ${"a".repeat(1_000_000)}`;
    const [t] = parseTrailers(long);
    expect(t?.value.length).toBeLessThanOrEqual(1000);
  });

  it("still sees trailers at the end of a message longer than the cap", () => {
    const msg = `S\n\n${"x".repeat(500_000)}\n\nCo-Authored-By: Claude <noreply@anthropic.com>`;
    expect(parseTrailers(msg)).toEqual([{ key: "Co-Authored-By", value: "Claude <noreply@anthropic.com>" }]);
  });
});

describe("parseIdentity", () => {
  it("splits Name <email>", () => {
    expect(parseIdentity("Claude Opus 4.5 <noreply@anthropic.com>")).toEqual({
      name: "Claude Opus 4.5",
      email: "noreply@anthropic.com",
    });
    expect(parseIdentity("aider (gpt-4o) <aider@aider.chat>")).toEqual({
      name: "aider (gpt-4o)",
      email: "aider@aider.chat",
    });
  });

  it("accepts a bare email and rejects values without one", () => {
    expect(parseIdentity("bob@example.com")).toEqual({ name: "", email: "bob@example.com" });
    expect(parseIdentity("Agent")).toBeNull();
    expect(parseIdentity("Name <not an email>")).toBeNull();
    expect(parseIdentity("Name <>")).toBeNull();
  });
});

describe("noreplyLogin", () => {
  it("maps GitHub noreply emails to the login", () => {
    expect(noreplyLogin("123+alice@users.noreply.github.com")).toBe("alice");
    expect(noreplyLogin("alice-b@users.noreply.github.com")).toBe("alice-b");
    expect(noreplyLogin("198982749+Copilot@users.noreply.github.com")).toBe("Copilot");
    expect(noreplyLogin("29139614+renovate[bot]@users.noreply.github.com")).toBe("renovate[bot]");
    expect(noreplyLogin("49699333+Dependabot[bot]@USERS.NOREPLY.GITHUB.COM")).toBe("Dependabot[bot]");
  });

  it("rejects other emails and impossible logins", () => {
    expect(noreplyLogin("alice@example.com")).toBeNull();
    expect(noreplyLogin("noreply@github.com")).toBeNull();
    expect(noreplyLogin("-alice@users.noreply.github.com")).toBeNull();
    expect(noreplyLogin(`${"a".repeat(40)}@users.noreply.github.com`)).toBeNull();
    expect(noreplyLogin("a@b@users.noreply.github.com")).toBeNull();
    expect(noreplyLogin(`${"1".repeat(5000)}+x@users.noreply.github.com`)).toBeNull();
  });
});

describe("clipText", () => {
  it("keeps short text and the head and tail of long text", () => {
    expect(clipText("abc", 10)).toBe("abc");
    const clipped = clipText(`HEAD${"x".repeat(100)}TAIL`, 20);
    expect(clipped.startsWith("HEAD")).toBe(true);
    expect(clipped.endsWith("TAIL")).toBe(true);
    expect(clipped.length).toBeLessThanOrEqual(21);
  });
});
