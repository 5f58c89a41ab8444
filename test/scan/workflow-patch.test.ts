// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions are literal workflow text here.
import { describe, expect, it } from "vitest";
import { scanFile } from "../../src/scan/index.js";
import { changed, newFile } from "./helpers.js";

// Without the whole file: what the patch shows is all there is.
const WF = ".github/workflows/ci.yml";
const hazards = (lines: string[]) =>
  scanFile(newFile(WF, lines))
    .findings.filter((f) => f.kind === "workflow_hazard")
    .map((f) => [f.rule, f.line]);

describe("the patch alone", () => {
  it("reads with: and steps written as flow mappings, quoted or not", () => {
    const head = "${{ github.event.pull_request.head.sha }}";
    const lines = [
      "on: pull_request_target",
      "jobs:",
      "  x:",
      "    steps:",
      "      - uses: actions/checkout@v4",
      `        with: { ref: ${head}, fetch-depth: 0 }`,
      `      - { uses: actions/checkout@v4, with: { ref: "${head}" } }`,
      "      - { name: test, run: 'echo ${{ github.event.pull_request.title }}' }",
      "      - { uses: actions/checkout@v4, with: { ref: '${{ github.event.pull_request.base.sha }}' } }",
    ];
    expect(hazards(lines)).toEqual([
      ["pr-target-checkout", 6],
      ["pr-target-checkout", 7],
      ["script-injection", 8],
    ]);
  });

  it("follows the env: definitions the patch shows, including flow and block ones", () => {
    const lines = [
      "on: pull_request_target",
      "env: { REF: '${{ github.event.pull_request.head.ref }}' }",
      "jobs:",
      "  x:",
      "    env:",
      "      TITLE: >-",
      "        ${{ github.event.pull_request.title }}",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "        with:",
      "          ref: ${{ env.REF }}",
      '      - run: echo "${{ env.TITLE }}" "$TITLE"',
      '      - run: git fetch origin "$REF"',
    ];
    expect(hazards(lines)).toEqual([
      ["pr-target-checkout", 11],
      ["script-injection", 12],
      ["pr-target-checkout", 13],
    ]);
  });

  it("counts an env definition the change adds for an old use", () => {
    const file = changed(WF, 10, [
      "     env:",
      "+      TITLE: ${{ github.event.issue.title }}",
      "     steps:",
      '       - run: echo "${{ env.TITLE }}"',
    ]);
    expect(scanFile(file).findings.map((f) => [f.rule, f.line])).toEqual([["script-injection", 13]]);
  });

  it("no longer takes an echo of the head SHA for a checkout", () => {
    expect(
      hazards([
        "on: pull_request_target",
        "jobs:",
        "  x:",
        "    steps:",
        "      - run: echo ${{ github.event.pull_request.head.sha }} ${{ github.event.pull_request.number }}",
      ]),
    ).toEqual([]);
  });

  it("reads expressions past the first few dozen on a line", () => {
    const line = `      - run: echo ${"${{ github.sha }} ".repeat(40)}\${{ github.event.issue.body }}`;
    expect(hazards(["on: issues", "jobs:", "  x:", "    steps:", line])).toEqual([["script-injection", 5]]);
  });
});
