// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions are literal workflow text here.
import { describe, expect, it } from "vitest";
import type { ChangedFile } from "../../src/facts/model.js";
import { scanFile } from "../../src/scan/index.js";
import { newFile } from "./helpers.js";

const WF = ".github/workflows/ci.yml";

/**
 * A change to an existing workflow whose whole head is `lines`: the patch shows only the lines
 * numbered in `added` (each its own hunk, no context), as a one-line edit deep in a file does.
 */
function edit(lines: readonly string[], added: readonly number[], content = true): ChangedFile {
  const patch = added.map((n) => `@@ -${n - 1},0 +${n},1 @@\n+${lines[n - 1]}`).join("\n");
  return {
    path: WF,
    status: "modified",
    additions: added.length,
    deletions: 0,
    patch,
    ...(content ? { content: lines.join("\n") } : {}),
  };
}

/** A new workflow: every line added, the whole file at hand. */
const created = (lines: readonly string[]): ChangedFile => ({
  ...newFile(WF, lines),
  content: lines.join("\n"),
});

const hazards = (file: ChangedFile) =>
  scanFile(file)
    .findings.filter((f) => f.kind === "workflow_hazard")
    .map((f) => [f.rule, f.line]);

const lineOf = (lines: readonly string[], text: string) => lines.findIndex((l) => l.includes(text)) + 1;

describe("pull_request_target checking out the PR head through another value", () => {
  const checkout = (ref: string) => [
    "      - uses: actions/checkout@v4",
    "        with:",
    `          ref: ${ref}`,
    "      - run: npm ci && npm test",
  ];
  const head = "${{ github.event.pull_request.head.sha }}";

  const envAt = (level: "workflow" | "job" | "step") => [
    "on: pull_request_target",
    ...(level === "workflow" ? ["env:", `  HEAD: ${head}`] : []),
    "jobs:",
    "  test:",
    "    runs-on: ubuntu-latest",
    ...(level === "job" ? ["    env:", `      HEAD: ${head}`] : []),
    "    steps:",
    "      - uses: actions/checkout@v4",
    ...(level === "step" ? ["        env:", `          HEAD: ${head}`] : []),
    "        with:",
    "          ref: ${{ env.HEAD }}",
    "      - run: npm ci && npm test",
  ];

  it.each(["workflow", "job", "step"] as const)("follows env at the %s level", (level) => {
    const lines = envAt(level);
    const ref = lineOf(lines, "ref:");
    const def = lineOf(lines, "HEAD:");
    // The change adds only the ref line, only the definition, or only the trigger: each is the hazard.
    for (const added of [ref, def, 1])
      expect(hazards(edit(lines, [added]))).toEqual([["pr-target-checkout", ref]]);
    // A line of the file that is no part of it does not make it new.
    expect(hazards(edit(lines, [lineOf(lines, "runs-on")]))).toEqual([]);
    const finding = scanFile(edit(lines, [ref])).findings[0];
    expect(finding?.message).toContain("github.event.pull_request.head.sha reaches it through env.HEAD");
  });

  it("without the whole file, sees only what the patch shows", () => {
    const lines = envAt("job");
    expect(hazards(edit(lines, [lineOf(lines, "ref:")], false))).toEqual([]);
    expect(hazards(newFile(WF, lines))).toEqual([["pr-target-checkout", lineOf(lines, "ref:")]]);
  });

  it.each([
    ["a script writing $GITHUB_OUTPUT", "sha", [`        run: echo "sha=${head}" >> "$GITHUB_OUTPUT"`]],
    [
      "a script writing an env value to $GITHUB_OUTPUT",
      "sha",
      ["        env:", `          SHA: ${head}`, '        run: echo "sha=$SHA" >> $GITHUB_OUTPUT'],
    ],
    [
      "the PR looked up with gh",
      "sha",
      [
        "        run: |",
        '          sha=$(gh pr view "$N" --json headRefOid -q .headRefOid)',
        '          echo "sha=$sha" >> "$GITHUB_OUTPUT"',
      ],
    ],
    [
      "github-script returning it",
      "result",
      [
        "        uses: actions/github-script@v7",
        "        with:",
        "          result-encoding: string",
        "          script: return context.payload.pull_request.head.sha",
      ],
    ],
    [
      "an action given it",
      "ref",
      ["        uses: acme/resolve-ref@v1", "        with:", `          sha: ${head}`],
    ],
    ["the legacy set-output command", "sha", [`        run: echo "::set-output name=sha::${head}"`]],
  ])("follows a step output from %s", (_what, output, producer) => {
    const lines = [
      "on: pull_request_target",
      "jobs:",
      "  test:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - id: pr",
      ...producer,
      ...checkout(`\${{ steps.pr.outputs.${output} }}`),
    ];
    const ref = lineOf(lines, "ref:");
    expect(hazards(edit(lines, [ref]))).toEqual([["pr-target-checkout", ref]]);
    expect(hazards(edit(lines, [lineOf(lines, "runs-on")]))).toEqual([]);
  });

  it("follows $GITHUB_ENV and a job output read through needs", () => {
    const lines = [
      "on:",
      "  pull_request_target:",
      "    types: [opened, synchronize]",
      "jobs:",
      "  meta:",
      "    runs-on: ubuntu-latest",
      "    outputs:",
      "      sha: ${{ steps.pr.outputs.sha }}",
      "    steps:",
      `      - run: echo "HEAD_SHA=${head}" >> "$GITHUB_ENV"`,
      "      - id: pr",
      '        run: echo "sha=${{ env.HEAD_SHA }}" >> "$GITHUB_OUTPUT"',
      "  test:",
      "    needs: meta",
      "    runs-on: ubuntu-latest",
      "    steps:",
      ...checkout("${{ needs.meta.outputs.sha }}"),
    ];
    const ref = lineOf(lines, "ref:");
    expect(hazards(edit(lines, [ref]))).toEqual([["pr-target-checkout", ref]]);
    expect(hazards(edit(lines, [8]))).toEqual([["pr-target-checkout", ref]]);
    expect(scanFile(edit(lines, [ref])).findings[0]?.message).toContain("through needs.meta.outputs.sha");
  });

  it("reads steps and with: written as flow mappings, and anchors", () => {
    const flow = [
      "on: [push, pull_request_target]",
      "jobs:",
      "  test:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      `      - { uses: actions/checkout@v4, with: { ref: "${head}", fetch-depth: 0 } }`,
      "      - { run: npm test }",
    ];
    expect(hazards(edit(flow, [6]))).toEqual([["pr-target-checkout", 6]]);
    const anchored = [
      "on: pull_request_target",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    env: &pr",
      `      HEAD: ${head}`,
      "    steps:",
      "      - run: echo a",
      "  b:",
      "    runs-on: ubuntu-latest",
      "    env: *pr",
      "    steps:",
      ...checkout("${{ env.HEAD }}"),
    ];
    const ref = lineOf(anchored, "ref:");
    expect(hazards(edit(anchored, [ref]))).toEqual([["pr-target-checkout", ref]]);
  });

  it("sees a script fetching the head through env or a shell variable", () => {
    const lines = [
      "on: pull_request_target",
      "jobs:",
      "  test:",
      "    runs-on: ubuntu-latest",
      "    env:",
      `      PR_SHA: ${head}`,
      "    steps:",
      "      - run: |",
      '          git fetch origin "$PR_SHA"',
      "          BRANCH=${{ github.event.pull_request.head.ref }}",
      '          git switch "$BRANCH"',
      '          git checkout "$GITHUB_HEAD_REF"',
      "          git fetch origin pull/${{ github.event.number }}/head:pr",
      "          make",
    ];
    expect(hazards(created(lines))).toEqual([
      ["pr-target-checkout", 9],
      ["script-injection", 10],
      ["pr-target-checkout", 11],
      ["pr-target-checkout", 12],
      ["pr-target-checkout", 13],
    ]);
  });

  it("counts a reusable workflow called with the PR head", () => {
    const lines = [
      "on: pull_request_target",
      "jobs:",
      "  call:",
      "    uses: ./.github/workflows/build.yml",
      "    with:",
      `      ref: ${head}`,
    ];
    expect(hazards(created(lines))).toEqual([["pr-target-checkout", 6]]);
  });
});

describe("workflow_run running the triggering run's code through another value", () => {
  it("follows env and outputs to the checkout", () => {
    const lines = [
      "on:",
      "  workflow_run:",
      "    workflows: [CI]",
      "    types: [completed]",
      "env:",
      "  RUN_SHA: ${{ github.event.workflow_run.head_sha }}",
      "jobs:",
      "  deploy:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "        with:",
      "          ref: ${{ env.RUN_SHA }}",
      "      - uses: actions/download-artifact@v4",
    ];
    expect(hazards(edit(lines, [13]))).toEqual([["workflow-run-artifact", 13]]);
    expect(hazards(edit(lines, [2]))).toEqual([
      ["workflow-run-artifact", 13],
      ["workflow-run-artifact", 14],
    ]);
  });
});

describe("script injection through another value", () => {
  const title = "${{ github.event.issue.title }}";
  const job = (...steps: string[]) => [
    "on: issues",
    "jobs:",
    "  triage:",
    "    runs-on: ubuntu-latest",
    ...steps,
  ];

  it.each([
    ["workflow", ["on: issues", "env:", `  TITLE: ${title}`, "jobs:", "  triage:", "    steps:"]],
    ["job", ["on: issues", "jobs:", "  triage:", "    env:", `      TITLE: ${title}`, "    steps:"]],
  ])("follows ${{ env.X }} defined at the %s level", (_level, head) => {
    const lines = [...head, '      - run: echo "${{ env.TITLE }}"'];
    const run = lines.length;
    expect(hazards(edit(lines, [run]))).toEqual([["script-injection", run]]);
    expect(hazards(edit(lines, [lineOf(lines, "TITLE:")]))).toEqual([["script-injection", run]]);
  });

  it("follows step env, step outputs and job outputs into run: and github-script", () => {
    const lines = [
      "on: issue_comment",
      "jobs:",
      "  read:",
      "    runs-on: ubuntu-latest",
      "    outputs:",
      "      body: ${{ steps.c.outputs.body }}",
      "    steps:",
      "      - id: c",
      "        env:",
      "          BODY: ${{ github.event.comment.body }}",
      '        run: echo "body=$BODY" >> "$GITHUB_OUTPUT"',
      "      - id: s",
      "        uses: actions/github-script@v7",
      "        with:",
      "          script: core.setOutput('title', context.payload.issue.title)",
      '      - run: echo "${{ steps.s.outputs.title }}"',
      "      - env:",
      "          T: ${{ github.event.issue.title }}",
      '        run: echo ${{ env.T }} "$T"',
      "  use:",
      "    needs: read",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/github-script@v7",
      "        with:",
      "          script: console.log(`${{ needs.read.outputs.body }}`)",
    ];
    expect(hazards(created(lines))).toEqual([
      ["script-injection", 16],
      ["script-injection", 19],
      ["script-injection", 26],
    ]);
  });

  it.each([
    "github.event['pull_request']['title']",
    "github['event'][\"issue\"].body",
    "github.event[\"comment\"]['body']",
    "toJSON(github.event.pull_request)",
    "toJSON(github.event.issue)",
    "toJSON(github.event)",
    "toJSON(github)",
    "github.event.*.body",
    "github.event.workflow_run.head_commit.message",
    "github.event.head_commit.committer.name",
    "github.event.pull_request.head.repo.homepage",
    "github.event.discussion.body",
  ])("flags ${{ %s }} with and without the whole file", (expr) => {
    const lines = job("    steps:", `      - run: echo '\${{ ${expr} }}'`);
    expect(hazards(created(lines))).toEqual([["script-injection", 6]]);
    expect(hazards(newFile(WF, lines))).toEqual([["script-injection", 6]]);
  });

  it("covers the steps of a composite action", () => {
    const lines = [
      "runs:",
      "  using: composite",
      "  steps:",
      "    - shell: bash",
      "      env:",
      "        BRANCH: ${{ github.head_ref }}",
      '      run: echo "${{ env.BRANCH }}" "$BRANCH" "${{ inputs.name }}"',
    ];
    expect(hazards({ ...newFile("action.yml", lines), content: lines.join("\n") })).toEqual([
      ["script-injection", 7],
    ]);
  });

  it("reads values YAML unescapes, which the patch text hides", () => {
    const lines = job("    steps:", '      - run: "echo \\x24{{ github.event.issue.title }}"');
    expect(hazards(created(lines))).toEqual([["script-injection", 6]]);
  });

  it("does not count an old injection the change does not touch", () => {
    const lines = job("    timeout-minutes: 5", "    steps:", `      - run: echo "${title}"`);
    expect(hazards(edit(lines, [5]))).toEqual([]);
  });
});

describe("look-alikes that stay clean", () => {
  const target = (...steps: string[]) => [
    "on: pull_request_target",
    "env:",
    "  BASE: ${{ github.event.pull_request.base.sha }}",
    "  TITLE: ${{ github.event.pull_request.title }}",
    "  SHA: ${{ github.event.pull_request.head.sha }}",
    "jobs:",
    "  x:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    ...steps,
  ];

  it.each([
    ["a checkout of the base", ["      - uses: actions/checkout@v4"]],
    [
      "a checkout of base.sha",
      ["      - uses: actions/checkout@v4", "        with:", "          ref: ${{ env.BASE }}"],
    ],
    ["the title used as a shell variable", ['      - run: echo "$TITLE" && gh pr edit --title "$TITLE"']],
    [
      "numbers and SHAs in run:",
      ['      - run: echo "${{ github.event.pull_request.number }} $SHA ${{ env.SHA }}"'],
    ],
    [
      "label names dumped as JSON",
      ["      - run: echo '${{ toJSON(github.event.pull_request.labels.*.name) }}'"],
    ],
    [
      "checks on untrusted text",
      [
        "      - if: contains(github.event.pull_request.title, '[skip]')",
        "        run: echo ${{ startsWith(github.head_ref, 'agent/') }} ${{ github.head_ref == 'main' }}",
      ],
    ],
    [
      "workflow_dispatch and workflow_call inputs",
      ["      - run: echo ${{ inputs.env }} ${{ github.event.inputs.version }}"],
    ],
    [
      "a safe output",
      [
        "      - id: n",
        '        run: echo "n=${{ github.event.pull_request.number }}" >> "$GITHUB_OUTPUT"',
        "      - run: echo ${{ steps.n.outputs.n }}",
      ],
    ],
  ])("%s", (_what, steps) => {
    const lines = target(...steps);
    expect(hazards(created(lines))).toEqual([]);
    expect(hazards(newFile(WF, lines))).toEqual([]);
  });

  it("a head checkout under the unprivileged pull_request trigger", () => {
    const lines = [
      "on: pull_request",
      "env:",
      "  HEAD: ${{ github.event.pull_request.head.sha }}",
      "jobs:",
      "  x:",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "        with: { ref: '${{ env.HEAD }}' }",
    ];
    expect(hazards(created(lines))).toEqual([]);
  });
});

describe("the whole file, when it cannot be trusted or read", () => {
  const lines = [
    "on: pull_request_target",
    "jobs:",
    "  x:",
    "    steps:",
    "      - uses: actions/checkout@v4",
    "        with:",
    "          ref: ${{ github.event.pull_request.head.sha }}",
  ];

  it("falls back to the patch when the file does not match it", () => {
    const file = { ...newFile(WF, lines), content: lines.slice(0, 5).join("\n") };
    expect(hazards(file)).toEqual([["pr-target-checkout", 7]]);
  });

  it("falls back to the patch when the file is not valid YAML", () => {
    const flow = [...lines.slice(0, 5), "        with: { ref: ${{ github.event.pull_request.head.sha }} }"];
    expect(hazards({ ...newFile(WF, flow), content: flow.join("\n") })).toEqual([["pr-target-checkout", 6]]);
  });

  it("ends values that read each other", () => {
    const cyclic = [
      "on: pull_request_target",
      "env:",
      "  A: ${{ env.B }}",
      "  B: ${{ env.A }} ${{ github.event.pull_request.head.sha }}",
      "jobs:",
      "  x:",
      "    outputs:",
      "      o: ${{ needs.y.outputs.o }}",
      "    needs: y",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "        with:",
      "          ref: ${{ env.A }}",
      "  y:",
      "    needs: x",
      "    outputs:",
      "      o: ${{ needs.x.outputs.o }}",
      "    steps: []",
    ];
    expect(hazards(created(cyclic))).toEqual([["pr-target-checkout", 13]]);
  });

  it("survives an alias bomb, a 5 MB file and deep nesting, and leaves them to a human", {
    timeout: 30_000,
  }, () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    bomb.push(
      "on: pull_request_target",
      "jobs:",
      "  x:",
      "    steps:",
      "      - run: echo ${{ github.head_ref }}",
    );
    const huge = [...lines, ...Array.from({ length: 120_000 }, (_, i) => `# ${"x".repeat(36)} ${i}`)];
    const deep = [...lines, `z: ${"[".repeat(50_000)}${"]".repeat(50_000)}`];
    expect(hazards(created(bomb))).toEqual([["script-injection", 14]]);
    expect(hazards(created(huge))).toEqual([["pr-target-checkout", 7]]);
    expect(hazards(created(deep))).toEqual([["pr-target-checkout", 7]]);
    // Read from the patch alone, values defined outside it were not followed: not fully scanned.
    for (const hostile of [bomb, huge, deep]) expect(scanFile(created(hostile)).incomplete).toBeDefined();
  });

  it("counts a workflow whose whole text GitHub did not give as not fully scanned; without asking, it is not", () => {
    const file = edit(lines, [7]);
    expect(scanFile(file).incomplete).toBeUndefined();
    expect(scanFile({ ...file, content: null }).incomplete).toMatch(/could not be read/);
    const { content: _, ...patchOnly } = file;
    expect(scanFile(patchOnly).incomplete).toBeUndefined();
  });
});
