import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkHtml,
  checkOutput,
  loadMarkdown,
  MissingTool,
  ROOT,
  representativeCases,
  visibleText,
} from "../../scripts/render-check.js";
import type { CheckRunOutput } from "../../src/report/render.js";

const output = (o: Partial<CheckRunOutput>): CheckRunOutput => ({
  status: "completed",
  conclusion: "failure",
  title: "Blocked: label automerge added by bot",
  summary: "⛔ **Blocked** — 1 promotion-chain violation",
  text: "",
  annotations: [],
  ...o,
});

describe("render-check's checks on a run's fields", () => {
  it("pass a plain run", () => {
    expect(checkOutput(output({}))).toEqual([]);
  });

  it("flag Markdown in the title, the title repeated below, 'Clears: Clears', a `\\|` in code and a flood of notices", () => {
    expect(checkOutput(output({ title: "Blocked: label `automerge`" }))).toEqual([
      expect.stringMatching(/^title shows Markdown/),
    ]);
    // A glob is not Markdown.
    expect(checkOutput(output({ title: "may only change src/**, docs/**" }))).toEqual([]);
    expect(checkOutput(output({ summary: "⛔ **Blocked: label automerge added by bot**" }))).toEqual([
      "summary repeats the title as its first line",
    ]);
    expect(checkOutput(output({ summary: "x\n- a. _Clears:_ Clears when b" }))).toEqual([
      "summary says 'Clears: Clears when'",
    ]);
    expect(checkOutput(output({ summary: "x\n- `/deploy a \\| b`" }))).toEqual([
      "a code span holds `\\|`, whose backslash shows",
    ]);
    const notice = {
      path: "a",
      start_line: 1,
      end_line: 1,
      annotation_level: "notice" as const,
      title: "t",
      message: "m",
    };
    expect(checkOutput(output({ annotations: Array.from({ length: 11 }, () => notice) }))).toEqual([
      "11 notice annotations (more than 10)",
    ]);
  });

  it("find nothing to flag on any representative run: every example scenario, the noisy decisions, a failure", async () => {
    const cases = await representativeCases();
    expect(cases.filter((c) => c.name.startsWith("scenario-")).length).toBeGreaterThanOrEqual(50);
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "large-agent-pr",
        "promotion-chain",
        "repeated-secret",
        "claude-co-authored",
        "fail-closed",
      ]),
    );
    for (const c of cases) expect([c.name, checkOutput(c.output)]).toEqual([c.name, []]);
  });
});

describe("render-check's checks on the rendered page", () => {
  it("read the text as a browser shows it", () => {
    expect(visibleText("<td><code>a&#124;b</code> &amp; &lt;x&gt; &#x41;</td>")).toBe("a|b & <x> A");
  });

  it("flag a visible `\\|`, a stray backtick, a cell of more than 10 names, a table above the detail, a broken table", () => {
    expect(
      checkHtml("<p>ok</p><details><summary>x</summary><table><tr><td>@a</td></tr></table></details>"),
    ).toEqual([]);
    expect(checkHtml("<p><code>a \\| b</code></p>")).toEqual(["the page shows `\\|`"]);
    expect(checkHtml("<p>a `b</p>")).toEqual([expect.stringMatching(/literal backtick/)]);
    const names = Array.from({ length: 11 }, (_, i) => `@u${i}`).join(", ");
    expect(checkHtml(`<details><table><tr><td>${names}</td></tr></table></details>`)).toEqual([
      expect.stringMatching(/^a table cell lists 11 names/),
    ]);
    expect(checkHtml("<table><tr><td>x</td></tr></table><details></details>")).toEqual([
      "a table sits on the first screen, above the collapsed detail",
    ]);
    // The table of PRs sharing the head belongs on the first screen.
    expect(
      checkHtml("<table>\n<thead>\n<tr>\n<th>PR</th><th>base</th></tr></thead></table><details></details>"),
    ).toEqual([]);
    expect(checkHtml("<details><p>| a | b |</p></details>")).toEqual([
      "a table row did not render as a table",
    ]);
  });
});

describe("render-check's tools", () => {
  const projectHas = (name: string) => {
    try {
      createRequire(join(ROOT, "package.json")).resolve(name);
      return true;
    } catch {
      return false;
    }
  };

  it.skipIf(projectHas("marked") || projectHas("markdown-it"))(
    "fails with a message naming the renderer to install when there is none",
    async () => {
      const empty = await mkdtemp(join(tmpdir(), "render-check-"));
      const error = await loadMarkdown(join(empty, "node_modules")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingTool);
      expect((error as Error).message).toMatch(/neither `marked` nor `markdown-it` is installed/);
      expect((error as Error).message).toMatch(/RENDER_CHECK_MODULES/);
    },
  );
});
