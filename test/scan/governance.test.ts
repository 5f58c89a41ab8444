// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Actions expressions are literal file text here.
/**
 * Content that governs promotion puts a file in `governance` whatever its path: package.json's
 * `renovate` key (Renovate's configuration), and workflows or actions that approve or merge pull
 * requests. Look-alikes stay out.
 */
import { describe, expect, it } from "vitest";
import type { ChangedFile } from "../../src/facts/model.js";
import { approvesOrMerges, topLevelRanges } from "../../src/scan/governance.js";
import { scanFile } from "../../src/scan/index.js";
import { changed, newFile } from "./helpers.js";

const governed = (file: ChangedFile) => scanFile(file).categories.includes("governance");
const withContent = (file: ChangedFile, content: string): ChangedFile => ({ ...file, content });

// ------------------------------------------------------------------------------------------------
// package.json

/** A package.json with Renovate configured (lines numbered in the comments). */
const PACKAGE_JSON = [
  "{", // 1
  '  "name": "app",', // 2
  '  "version": "1.2.4",', // 3
  '  "scripts": { "test": "vitest" },', // 4
  '  "devDependencies": {', // 5
  '    "renovate": "^38.0.0",', // 6
  '    "vitest": "^4.0.0"', // 7
  "  },", // 8
  '  "renovate": {', // 9
  '    "extends": ["config:recommended"],', // 10
  '    "packageRules": [', // 11
  "      {", // 12
  '        "matchUpdateTypes": ["major", "minor", "patch"],', // 13
  '        "matchDepTypes": ["devDependencies"],', // 14
  '        "automerge": true', // 15
  "      }", // 16
  "    ]", // 17
  "  },", // 18
  '  "license": "MIT"', // 19
  "}", // 20
].join("\n");

const AUTOMERGE_DEEP = changed("package.json", 12, [
  "       {",
  '         "matchUpdateTypes": ["major", "minor", "patch"],',
  '-        "matchDepTypes": ["devDependencies"]',
  '+        "matchDepTypes": ["devDependencies"],',
  '+        "automerge": true',
  "       }",
]);
/** Widening which updates auto-merge: no line names the key or automerge, the head file shows it is inside. */
const WIDENED_UPDATE_TYPES = changed("package.json", 11, [
  '     "packageRules": [',
  "       {",
  '-        "matchUpdateTypes": ["minor", "patch"],',
  '+        "matchUpdateTypes": ["major", "minor", "patch"],',
  '         "matchDepTypes": ["devDependencies"],',
]);
const VERSION_BUMP = changed("package.json", 2, [
  '   "name": "app",',
  '-  "version": "1.2.3",',
  '+  "version": "1.2.4",',
  '   "scripts": { "test": "vitest" },',
]);
const RENOVATE_DEPENDENCY_BUMP = changed("package.json", 5, [
  '   "devDependencies": {',
  '-    "renovate": "^37.0.0",',
  '+    "renovate": "^38.0.0",',
  '     "vitest": "^4.0.0"',
]);
const KEY_ADDED = changed("package.json", 7, [
  '     "vitest": "^4.0.0"',
  "   },",
  '+  "renovate": {',
  '+    "extends": ["config:recommended"],',
  '+    "packageRules": [',
  "+      {",
  '+        "matchUpdateTypes": ["major", "minor", "patch"],',
  '+        "matchDepTypes": ["devDependencies"],',
  '+        "automerge": true',
  "+      }",
  "+    ]",
  "+  },",
  '   "license": "MIT"',
]);

describe("package.json: a change to the renovate key is governance", () => {
  it("with the head file: automerge added deep in the block", () => {
    expect(governed(withContent(AUTOMERGE_DEEP, PACKAGE_JSON))).toBe(true);
  });

  it("with the head file: any edit inside the block, even one naming neither the key nor automerge", () => {
    expect(governed(withContent(WIDENED_UPDATE_TYPES, PACKAGE_JSON))).toBe(true);
  });

  it("with the head file: a removed line inside the block", () => {
    const head = PACKAGE_JSON.replace('    "extends": ["config:recommended"],\n', "");
    const removal = changed("package.json", 9, [
      '   "renovate": {',
      '-    "extends": ["config:recommended"],',
      '-    "dependencyDashboardApproval": true,',
      '     "packageRules": [',
    ]);
    expect(governed(withContent(removal, head))).toBe(true);
  });

  it("the key added, with and without the head file", () => {
    expect(governed(withContent(KEY_ADDED, PACKAGE_JSON))).toBe(true);
    expect(governed(KEY_ADDED)).toBe(true);
  });

  it("the key removed, with and without the head file", () => {
    const head = ["{", '  "name": "app",', '  "license": "MIT"', "}"].join("\n");
    const removal = changed("package.json", 2, [
      '   "name": "app",',
      '-  "renovate": { "extends": ["config:recommended"], "automerge": false },',
      '   "license": "MIT"',
    ]);
    expect(governed(withContent(removal, head))).toBe(true);
    expect(governed(removal)).toBe(true);
  });

  it("a new package.json that configures Renovate", () => {
    const file = newFile("package.json", PACKAGE_JSON.split("\n"));
    expect(governed(withContent(file, PACKAGE_JSON))).toBe(true);
    expect(governed(file)).toBe(true);
  });

  it("reads keys as JSON does: an escaped key is still renovate", () => {
    const head = PACKAGE_JSON.replace('"renovate": {', '"renov\\u0061te": {');
    expect(governed(withContent(AUTOMERGE_DEEP, head))).toBe(true);
    const escaped = changed("package.json", 8, [
      "   },",
      '+  "renov\\u0061te": { "automerge": true },',
      '   "license": "MIT"',
    ]);
    expect(governed(escaped)).toBe(true);
  });

  it("a one-line package.json whose only line changes", () => {
    const head = '{"name":"app","version":"1.0.1","renovate":{"automerge":true}}';
    const edit = changed("package.json", 1, [
      `-${head.replace("1.0.1", "1.0.0").replace("true", "false")}`,
      `+${head}`,
    ]);
    expect(governed(withContent(edit, head))).toBe(true);
  });

  it("in any package.json of a monorepo", () => {
    expect(
      governed(withContent({ ...AUTOMERGE_DEEP, path: "packages/web/package.json" }, PACKAGE_JSON)),
    ).toBe(true);
  });

  it("without the head file: a hunk whose own lines show the change is inside the block", () => {
    const edit = changed("package.json", 9, [
      '   "renovate": {',
      '     "extends": ["config:recommended"],',
      '-    "schedule": ["before 6am"],',
      '+    "schedule": ["at any time"],',
      '     "packageRules": [',
    ]);
    expect(governed(edit)).toBe(true);
  });

  it("without the head file: a changed line setting an auto-merge option, wherever it is", () => {
    expect(governed(AUTOMERGE_DEEP)).toBe(true);
    const platform = changed("package.json", 20, ['     "x": 1,', '+    "platformAutomerge": true', "   }"]);
    expect(governed(platform)).toBe(true);
  });

  it("falls back to the patch when the head file is not readable JSON", () => {
    expect(governed(withContent(AUTOMERGE_DEEP, '{ "name": "app", "renovate": { "automerge'))).toBe(true);
    expect(governed(withContent(VERSION_BUMP, '{ "name": "app", "renovate": { "automerge'))).toBe(false);
  });
});

describe("package.json: look-alikes stay out of governance", () => {
  it("a version bump, with the renovate key elsewhere untouched", () => {
    expect(governed(withContent(VERSION_BUMP, PACKAGE_JSON))).toBe(false);
    expect(governed(VERSION_BUMP)).toBe(false);
  });

  it("a bump of the renovate package itself (a dependency named renovate)", () => {
    expect(governed(withContent(RENOVATE_DEPENDENCY_BUMP, PACKAGE_JSON))).toBe(false);
    expect(governed(RENOVATE_DEPENDENCY_BUMP)).toBe(false);
  });

  it("an edit right after the block, which the hunk shows closed", () => {
    const head = PACKAGE_JSON.replace('"license": "MIT"', '"license": "Apache-2.0"');
    const edit = changed("package.json", 17, [
      "     ]",
      "   },",
      '-  "license": "MIT"',
      '+  "license": "Apache-2.0"',
      " }",
    ]);
    expect(governed(withContent(edit, head))).toBe(false);
    const inline = changed("package.json", 9, [
      '   "renovate": { "extends": ["config:recommended"] },',
      '-  "license": "MIT"',
      '+  "license": "Apache-2.0"',
    ]);
    expect(governed(inline)).toBe(false);
  });

  it("a renovate key in a file that is not package.json", () => {
    expect(governed(newFile("src/config.json", ['{ "renovate": { "automerge": true } }']))).toBe(false);
  });
});

describe("topLevelRanges", () => {
  it("finds the lines of a top-level member, not of nested ones, and reads strings with braces", () => {
    expect(topLevelRanges(PACKAGE_JSON, "renovate")).toEqual([{ start: 9, end: 18 }]);
    expect(topLevelRanges('{"a": {"renovate": 1}, "b": "{\\"renovate\\": {"}', "renovate")).toEqual([]);
    expect(topLevelRanges('{\n"renovate": "x",\n"renovate": {\n}\n}', "renovate")).toEqual([
      { start: 2, end: 2 },
      { start: 3, end: 4 },
    ]);
  });

  it("is null for text it cannot read to the end as one JSON object", () => {
    expect(topLevelRanges('{"a": "unterminated', "renovate")).toBeNull();
    expect(topLevelRanges("[1, 2]", "renovate")).toBeNull();
    expect(topLevelRanges('{"a": 1}}', "renovate")).toBeNull();
  });

  it("is linear: a 5 MB package.json is read in well under a second", () => {
    const big = `{"dependencies": {${Array.from({ length: 120_000 }, (_, i) => `"p${i}": "^1.0.${i}"`).join(",\n")}},\n"renovate": {"automerge": true}\n}`;
    const started = performance.now();
    expect(topLevelRanges(big, "renovate")?.length).toBe(1);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

// ------------------------------------------------------------------------------------------------
// Workflows and actions

/** Each spelling of approving or merging a pull request, as an added workflow line. */
const PROMOTING: string[] = [
  "      - uses: hmarr/auto-approve-action@v4",
  "      - uses: juliangruber/approve-pull-request-action@v2",
  "      - uses: pascalgn/automerge-action@v0.16.4",
  "      - uses: peter-evans/enable-pull-request-automerge@v3",
  "      - uses: fastify/github-action-merge-dependabot@v3",
  "      - uses: ahmadnassri/action-dependabot-auto-merge@v2",
  "      - uses: ridedott/merge-me-action@v2",
  "      - uses: alexwilson/enable-github-automerge-action@2.0.0",
  '      - uses: "KeisukeYamashita/auto-pull-request-merge@v1"',
  "      - uses: ./.github/actions/auto-approve",
  "    steps: [{uses: actions/checkout@v4}, {uses: hmarr/auto-approve-action@v4}]",
  '        run: gh pr merge --auto --squash "$PR_URL"',
  '        run: gh pr merge "$PR_URL" --admin --merge',
  '        run: gh pr review --approve "$PR_URL"',
  '        run: gh pr review "$PR_URL" -a',
  '            --approve "$PR_URL"',
  "        run: gh api -X PUT repos/${{ github.repository }}/pulls/${{ github.event.number }}/merge",
  '        run: curl -X PUT -H "Authorization: Bearer $T" https://api.github.com/repos/o/r/pulls/$N/merge',
  "        run: gh api repos/o/r/pulls/$N/reviews -f event=APPROVE",
  "              event: 'APPROVE',",
  '          body: \'{"event": "APPROVE"}\'',
  "            await github.rest.pulls.merge({ owner, repo, pull_number })",
  "            mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id}) { clientMutationId } }",
  "            addPullRequestReview(input: {pullRequestId: $id, event: APPROVE}) { clientMutationId }",
  "            mergePullRequest(input: {pullRequestId: $id, mergeMethod: SQUASH}) { clientMutationId }",
];

/** Workflow lines that look related but neither approve nor merge. */
const LOOK_ALIKES: string[] = [
  "      - uses: actions/checkout@v4",
  "      - uses: actions/upload-artifact/merge@v4",
  "      - uses: dependabot/fetch-metadata@v2",
  "      - uses: peter-evans/create-pull-request@v6",
  "        run: gh pr view --json title",
  '        run: gh pr review --comment -b "Looks fine"',
  '        run: gh pr comment "$PR" --body "thanks"',
  "        run: terraform apply -auto-approve",
  "        run: git merge --ff-only origin/main",
  "    if: github.event.review.state == 'approved'",
  "  pull_request_review:",
  "              event: 'COMMENT',",
  "  merge_group:",
];

describe("workflows that approve or merge pull requests are governance", () => {
  it.each(PROMOTING)("an added line: %s", (line) => {
    expect(governed(newFile(".github/workflows/bot.yml", ["on: pull_request_target", "jobs:", line]))).toBe(
      true,
    );
  });

  it("in a composite action's action.yml as well", () => {
    const action = [
      "runs:",
      "  using: composite",
      "  steps:",
      '    - run: gh pr review --approve "$PR"',
      "      shell: bash",
    ];
    expect(governed(newFile("tools/approve/action.yml", action))).toBe(true);
  });

  it("with the head file: any change to such a workflow, such as widening its if:", () => {
    const head = [
      "on: pull_request_target",
      "jobs:",
      "  merge:",
      "    if: true",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: pascalgn/automerge-action@v0.16.4",
    ].join("\n");
    const widened = changed(".github/workflows/automerge.yml", 3, [
      "   merge:",
      "-    if: github.actor == 'dependabot[bot]'",
      "+    if: true",
      "     runs-on: ubuntu-latest",
    ]);
    expect(governed(withContent(widened, head))).toBe(true);
  });

  it("with the head file: a change that only removes a line (the guard) of such a workflow", () => {
    const head = [
      "on: pull_request_target",
      "jobs:",
      "  approve:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: hmarr/auto-approve-action@v4",
    ].join("\n");
    const unguarded = changed(".github/workflows/approve.yml", 3, [
      "   approve:",
      "-    if: github.actor == 'dependabot[bot]'",
      "     runs-on: ubuntu-latest",
    ]);
    expect(governed(withContent(unguarded, head))).toBe(true);
  });

  it("without the head file: a change in a hunk that shows the approving step", () => {
    const unguarded = changed(".github/workflows/approve.yml", 3, [
      "   approve:",
      "-    if: github.actor == 'dependabot[bot]'",
      "     runs-on: ubuntu-latest",
      "     steps:",
      "       - uses: hmarr/auto-approve-action@v4",
    ]);
    expect(governed(unguarded)).toBe(true);
  });
});

describe("workflow look-alikes stay out of governance", () => {
  it.each(LOOK_ALIKES)("an added line: %s", (line) => {
    expect(governed(newFile(".github/workflows/ci.yml", ["on: pull_request", "jobs:", line]))).toBe(false);
  });

  it("deleting an auto-merge step (the new file no longer merges)", () => {
    const removal = changed(".github/workflows/automerge.yml", 6, [
      "     steps:",
      "-      - uses: pascalgn/automerge-action@v0.16.4",
      "-        env: { GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' }",
    ]);
    expect(governed(removal)).toBe(false);
  });

  it("with the head file: a change to a workflow that neither approves nor merges", () => {
    const head = [
      "on: push",
      "jobs:",
      "  test:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: npm test",
    ].join("\n");
    const edit = changed(".github/workflows/ci.yml", 5, [
      "     steps:",
      "-      - run: npm ci",
      "+      - run: npm test",
    ]);
    expect(governed(withContent(edit, head))).toBe(false);
  });

  it("the same text outside a workflow (docs, scripts) is left to its own category", () => {
    expect(
      governed(
        newFile("docs/automerge.md", [
          "Run `gh pr merge --auto` to merge.",
          "uses: hmarr/auto-approve-action",
        ]),
      ),
    ).toBe(false);
  });
});

describe("approvesOrMerges", () => {
  it("is linear on long lines built to backtrack", () => {
    const evil = [
      "gh pr review ".repeat(200_000),
      "uses: a/".repeat(200_000),
      "/pulls/".repeat(300_000),
      "event: ".repeat(300_000),
    ];
    const started = performance.now();
    for (const line of evil) approvesOrMerges(line);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe("package.json read whole, in linear time", () => {
  it("a package.json of thousands of duplicate renovate keys and a large diff is judged in well under a second", () => {
    const members = Array.from({ length: 20_000 }, (_, i) => `  "renovate": { "x${i}": 1 },`);
    const head = ["{", ...members, '  "name": "app"', "}"].join("\n");
    const diff = changed(
      "package.json",
      20_002,
      Array.from({ length: 20_000 }, (_, i) => `-  "old${i}": 1,`).concat(['   "name": "app"']),
    );
    const started = performance.now();
    expect(governed(withContent(diff, head))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
