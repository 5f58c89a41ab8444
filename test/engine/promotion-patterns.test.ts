import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  findCommand,
  isHoldLabel,
  isOwnHandle,
  labelMatcher,
  linesOutsideCode,
  mentionedHandles,
  PROTECTED_LABELS,
} from "../../src/engine/promotion-patterns.js";

describe("label patterns", () => {
  const isProtected = labelMatcher(PROTECTED_LABELS);

  it("matches whole names case-insensitively, with `*` as a prefix", () => {
    expect(
      ["automerge", "MERGE", "merge  queue", "deploy", "deploy/prod", "Amazon Q development agent"].every(
        isProtected,
      ),
    ).toBe(true);
    expect(["merged", "automerge-later", "needs-deploy", "docs"].some(isProtected)).toBe(false);
  });

  it("knows the hold labels", () => {
    expect(["do-not-merge", "do-not-merge/hold", "HOLD", "wip", "needs-ok-to-test"].every(isHoldLabel)).toBe(
      true,
    );
    expect(["holding", "wipe"].some(isHoldLabel)).toBe(false);
  });
});

describe("commands", () => {
  it("reports the command and the line that carries it", () => {
    expect(findCommand("Thanks!\n  @Dependabot   rebase  \n", [])).toEqual({
      command: "@dependabot rebase",
      line: "@Dependabot   rebase",
    });
    expect(findCommand("bors r=maria", [])?.command).toBe("bors r=*");
    expect(findCommand("/hold", [])).toBeUndefined();
    expect(findCommand("/hold cancel", [])?.command).toBe("/hold cancel");
  });

  it("skips fenced code only when the fence closes", () => {
    expect(linesOutsideCode("a\n```ts\n/merge\n```\nb")).toEqual(["a", "b"]);
    expect(linesOutsideCode("a\n````\n```\n/merge\n````\nb")).toEqual(["a", "b"]);
    expect(linesOutsideCode("a\n```\n/merge")).toEqual(["a", "```", "/merge"]);
  });
});

describe("mentions", () => {
  it("finds catalogued handles once each, outside code, words and e-mail addresses", () => {
    const body = "@Copilot and (@claude), again @copilot; not me@codex.dev, not `@devin`, not @claudette";
    expect(mentionedHandles(body, ["copilot", "claude", "codex", "devin"])).toEqual(["copilot", "claude"]);
  });

  it("recognises an account's own handle", () => {
    expect(isOwnHandle("copilot-swe-agent[bot]", "copilot")).toBe(true);
    expect(isOwnHandle("gemini-code-assist[bot]", "gemini-code-assist")).toBe(true);
    expect(isOwnHandle("coderabbitai[bot]", "copilot")).toBe(false);
  });
});

describe("hostile input", () => {
  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (body) => {
        findCommand(body, []);
        mentionedHandles(body, ["copilot"]);
      }),
    );
  });

  it("stays fast on a megabyte of adversarial text", () => {
    const body = `${"@a-".repeat(200_000)}\n${"`".repeat(100_000)}\n${"```\n".repeat(50_000)}${"> /merge \t".repeat(50_000)}`;
    const start = performance.now();
    findCommand(body, []);
    mentionedHandles(body, ["copilot"]);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
