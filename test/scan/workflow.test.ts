// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions are literal workflow text here.
import { describe, expect, it } from "vitest";
import { scanFile } from "../../src/scan/index.js";
import { changed, newFile } from "./helpers.js";

const hazards = (path: string, lines: string[]) =>
  scanFile(newFile(path, lines))
    .findings.filter((f) => f.kind === "workflow_hazard")
    .map((f) => [f.rule, f.line, f.severity]);

const WF = ".github/workflows/ci.yml";

describe("pull_request_target running PR code", () => {
  const head = (ref: string) => [
    "on:",
    "  pull_request_target:",
    "jobs:",
    "  test:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - uses: actions/checkout@v4",
    "        with:",
    `          ref: ${ref}`,
    "      - run: npm test",
  ];

  it("flags a checkout of the PR head", () => {
    expect(hazards(WF, head("${{ github.event.pull_request.head.sha }}"))).toEqual([
      ["pr-target-checkout", 9, "high"],
    ]);
    expect(hazards(WF, head("refs/pull/${{ github.event.number }}/merge"))).toEqual([
      ["pr-target-checkout", 9, "high"],
    ]);
  });

  it("flags fetching the PR in a script", () => {
    const lines = [
      "on: [pull_request_target]",
      "jobs:",
      "  x:",
      "    steps:",
      "      - run: |",
      "          gh pr checkout ${{ github.event.pull_request.number }}",
      "          make",
    ];
    expect(hazards(WF, lines)).toEqual([["pr-target-checkout", 6, "high"]]);
  });

  it("does not flag a checkout of the base", () => {
    expect(hazards(WF, head("${{ github.event.pull_request.base.sha }}"))).toEqual([]);
    expect(hazards(WF, head("main"))).toEqual([]);
  });

  it("does not flag a head checkout under the unprivileged pull_request trigger", () => {
    const lines = head("${{ github.event.pull_request.head.sha }}");
    lines[1] = "  pull_request:";
    expect(hazards(WF, lines)).toEqual([]);
  });

  it("counts a hazard when the change adds only the trigger to an existing head checkout", () => {
    const file = changed(WF, 1, [
      " on:",
      "-  pull_request:",
      "+  pull_request_target:",
      " jobs:",
      "   test:",
      "     steps:",
      "       - uses: actions/checkout@v4",
      "         with:",
      "           ref: ${{ github.event.pull_request.head.sha }}",
    ]);
    expect(scanFile(file).findings.map((f) => [f.rule, f.line])).toEqual([["pr-target-checkout", 8]]);
  });

  it("does not count an old hazard the change does not touch", () => {
    const file = changed(WF, 1, [
      " on:",
      "   pull_request_target:",
      " jobs:",
      "   test:",
      "+    timeout-minutes: 10",
      "     steps:",
      "       - uses: actions/checkout@v4",
      "         with:",
      "           ref: ${{ github.event.pull_request.head.sha }}",
    ]);
    expect(scanFile(file).findings).toEqual([]);
  });
});

describe("workflow_run", () => {
  const base = [
    "on:",
    "  workflow_run:",
    "    workflows: [CI]",
    "    types: [completed]",
    "jobs:",
    "  deploy:",
    "    steps:",
  ];

  it("flags running the triggering run's code as high", () => {
    const lines = [
      ...base,
      "      - uses: actions/checkout@v4",
      "        with:",
      "          ref: ${{ github.event.workflow_run.head_sha }}",
    ];
    expect(hazards(WF, lines)).toEqual([["workflow-run-artifact", 10, "high"]]);
  });

  it("flags downloading its artifacts as medium", () => {
    const lines = [
      ...base,
      "      - uses: actions/download-artifact@v4",
      "        with:",
      "          run-id: ${{ github.event.workflow_run.id }}",
    ];
    expect(hazards(WF, lines)).toEqual([["workflow-run-artifact", 8, "medium"]]);
  });

  it("does not flag a workflow_run job that checks out the default branch", () => {
    expect(hazards(WF, [...base, "      - uses: actions/checkout@v4", "      - run: ./deploy.sh"])).toEqual(
      [],
    );
  });
});

describe("script injection", () => {
  const job = (...steps: string[]) => [
    "on: issues",
    "jobs:",
    "  triage:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    ...steps,
  ];

  it.each([
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.commits[0].message",
    "github.event.pages[0].page_name",
    "github.head_ref",
  ])("flags ${{ %s }} in a run: script", (context) => {
    expect(hazards(WF, job(`      - run: echo "\${{ ${context} }}"`))).toEqual([
      ["script-injection", 6, "high"],
    ]);
  });

  it("flags untrusted input inside a multi-line script and in github-script", () => {
    const lines = job(
      "      - name: Greet",
      "        run: |",
      '          if [ -n "x" ]; then',
      '            echo "Thanks for ${{ github.event.issue.title }}"',
      "          fi",
      "      - uses: actions/github-script@v7",
      "        with:",
      "          script: |",
      "            const body = `${{ github.event.comment.body }}`;",
    );
    expect(hazards(WF, lines)).toEqual([
      ["script-injection", 9, "high"],
      ["script-injection", 14, "high"],
    ]);
  });

  it("flags a script line when the patch does not show which key owns it", () => {
    const file = changed(WF, 40, [
      '           echo "building"',
      '+          echo "${{ github.event.pull_request.title }}"',
    ]);
    expect(scanFile(file).findings.map((f) => [f.rule, f.line])).toEqual([["script-injection", 41]]);
  });

  it("does not flag untrusted input passed through env:, if:, name: or a comment", () => {
    const lines = job(
      "      # never paste ${{ github.event.issue.title }} into run:",
      "      - name: Triage ${{ github.event.issue.title }}",
      "        if: contains(github.event.comment.body, '/deploy') && github.event.issue.title != ''",
      "        env:",
      "          TITLE: ${{ github.event.pull_request.title }}",
      '        run: echo "$TITLE"',
    );
    expect(hazards(WF, lines)).toEqual([]);
  });

  it("does not flag trusted contexts and workflow_dispatch inputs in scripts", () => {
    const lines = job(
      "      - run: |",
      "          echo ${{ github.event.pull_request.number }}",
      "          echo ${{ github.sha }} ${{ inputs.environment }} ${{ github.event.inputs.version }}",
      "          echo ${{ github.event.pull_request.base.ref }}",
    );
    expect(hazards(WF, lines)).toEqual([]);
  });

  it("covers run: steps of composite actions", () => {
    const lines = [
      "runs:",
      "  using: composite",
      "  steps:",
      "    - shell: bash",
      "      run: echo ${{ github.event.pull_request.title }}",
    ];
    expect(hazards("action.yml", lines)).toEqual([["script-injection", 5, "high"]]);
  });
});

describe("token permissions and secrets", () => {
  it("flags permissions: write-all as high and added write scopes as medium", () => {
    const lines = [
      "on: push",
      "permissions: write-all",
      "jobs:",
      "  release:",
      "    permissions:",
      "      contents: write",
      "      pull-requests: write",
      "      id-token: write",
      "      issues: read",
    ];
    expect(hazards(WF, lines)).toEqual([
      ["write-all-permissions", 2, "high"],
      ["write-permission-added", 6, "medium"],
      ["write-permission-added", 7, "medium"],
      ["id-token-write", 8, "medium"],
    ]);
  });

  it("reads permissions written as a flow mapping", () => {
    expect(
      hazards(WF, ["on: push", "permissions: { contents: write, id-token: write, issues: read }"]),
    ).toEqual([
      ["write-permission-added", 2, "medium"],
      ["id-token-write", 2, "medium"],
    ]);
  });

  it("does not flag read-only permissions, or write scopes already there", () => {
    expect(
      hazards(WF, [
        "on: push",
        "permissions: read-all",
        "jobs:",
        "  a:",
        "    permissions:",
        "      contents: read",
      ]),
    ).toEqual([]);
    const file = changed(WF, 5, ["   permissions:", "     contents: write", "+    issues: read"]);
    expect(scanFile(file).findings).toEqual([]);
  });

  it("flags secrets: inherit", () => {
    const lines = [
      "on: push",
      "jobs:",
      "  call:",
      "    uses: acme/shared/.github/workflows/deploy.yml@main",
      "    secrets: inherit",
    ];
    expect(hazards(WF, lines)).toEqual([["secrets-inherit", 5, "medium"]]);
  });

  it("flags comment- or label-triggered workflows that use secrets", () => {
    const comment = [
      "on:",
      "  issue_comment:",
      "    types: [created]",
      "jobs:",
      "  bench:",
      "    steps:",
      "      - run: ./bench --token ${{ secrets.BENCH_TOKEN }}",
    ];
    expect(hazards(WF, comment)).toEqual([["label-or-comment-trigger-with-secrets", 7, "high"]]);
    const label = [
      "on:",
      "  pull_request:",
      "    types:",
      "      - labeled",
      "jobs:",
      "  e2e:",
      "    env:",
      "      API_KEY: ${{ secrets['E2E_API_KEY'] }}",
    ];
    expect(hazards(WF, label)).toEqual([["label-or-comment-trigger-with-secrets", 8, "high"]]);
  });

  it("does not flag label or comment triggers that use only the workflow token", () => {
    const lines = [
      "on:",
      "  issue_comment:",
      "jobs:",
      "  react:",
      "    steps:",
      "      - run: gh issue comment 1 --body hi",
      "        env:",
      "          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    ];
    expect(hazards(WF, lines)).toEqual([]);
  });

  it("does not flag secrets under ordinary triggers", () => {
    const lines = [
      "on:",
      "  push:",
      "    branches: [main]",
      "jobs:",
      "  deploy:",
      "    steps:",
      "      - run: ./deploy ${{ secrets.DEPLOY_KEY }}",
    ];
    expect(hazards(WF, lines)).toEqual([]);
  });
});

describe("scope", () => {
  it("only analyses workflow and action files", () => {
    expect(
      hazards("docs/ci.yml", ["permissions: write-all", "run: echo ${{ github.event.issue.title }}"]),
    ).toEqual([]);
  });

  it("keeps secrets out of hazard excerpts", () => {
    const token = "ghp_Zk3p9QmX7vB2nT8wR4yL6hJ1aC5dE0fG2hK4";
    const lines = [
      "on: issue_comment",
      "jobs:",
      "  a:",
      "    steps:",
      `      - run: curl -H "token ${token}" -d "\${{ secrets.KEY }}"`,
    ];
    const scan = scanFile(newFile(WF, lines));
    expect(scan.findings.map((f) => f.rule).sort()).toEqual([
      "github-token",
      "label-or-comment-trigger-with-secrets",
    ]);
    expect(scan.findings.find((f) => f.kind === "workflow_hazard")?.excerpt).toContain(
      "ghp_…[redacted 36 chars]",
    );
    expect(JSON.stringify(scan)).not.toContain(token.slice(4));
  });
});
