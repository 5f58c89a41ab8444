// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions are literal workflow text here.
import { describe, expect, it } from "vitest";
import { contextTaint } from "../../src/scan/workflow/contexts.js";
import { expressions, references } from "../../src/scan/workflow/expressions.js";
import { flowPairs } from "../../src/scan/workflow/outline.js";

const paths = (body: string) => references(body).map((p) => p.join("."));
const flags = (path: string) => Object.keys(contextTaint(path.split("."), false)).sort();

describe("expressions", () => {
  it("reads every expression of a text, however many", () => {
    const text = `${"${{ a }} ".repeat(100)}\${{ github.event.issue.title }}`;
    expect(expressions(text)).toHaveLength(101);
    expect(expressions(text)[100]?.body.trim()).toBe("github.event.issue.title");
  });

  it("does not end an expression at a }} inside a string", () => {
    expect(expressions("${{ '}}' || github.event.issue.title }} x").map((e) => e.body)).toEqual([
      " '}}' || github.event.issue.title ",
    ]);
  });

  it("runs an unclosed expression to the end", () => {
    expect(expressions("echo ${{ github.head_ref").map((e) => e.body)).toEqual([" github.head_ref"]);
  });
});

describe("references", () => {
  it.each([
    ["github.event.issue.title", "github.event.issue.title"],
    ["github['event']['pull_request']['title']", "github.event.pull_request.title"],
    ['github["event"]["issue"].body', "github.event.issue.body"],
    ["github['event'].issue[\"body\"]", "github.event.issue.body"],
    ["GitHub.Event.Issue.Title", "github.event.issue.title"],
    ["github.event.commits[0].message", "github.event.commits.*.message"],
    ["github.event.commits.*.message", "github.event.commits.*.message"],
    ["github.event.pages[*].page_name", "github.event.pages.*.page_name"],
    ["toJSON(github.event.pull_request)", "github.event.pull_request"],
    ["format('{0}', github.head_ref)", "github.head_ref"],
    ["github.event[env.KEY].title", "github.event.*"],
  ])("reads %s as %s", (body, path) => {
    expect(paths(body)).toContain(path);
  });

  it("leaves out what comes out as a boolean or a hash", () => {
    expect(paths("contains(github.event.issue.title, 'x')")).toEqual([]);
    expect(paths("startsWith(format('{0}', github.head_ref), 'x')")).toEqual([]);
    expect(paths("github.event.issue.title == 'x'")).toEqual([]);
    expect(paths("'x' != github.head_ref")).toEqual([]);
    expect(paths("!github.event.issue.body")).toEqual([]);
    expect(paths("github.event.pull_request && 'pr' || 'push'")).toEqual([]);
    expect(paths("hashFiles(github.event.issue.title)")).toEqual([]);
  });

  it("keeps what an operator can pass through", () => {
    expect(paths("github.event.issue.title || 'none'")).toEqual(["github.event.issue.title"]);
    expect(paths("x == 'y' && github.head_ref || github.sha")).toEqual(["github.head_ref", "github.sha"]);
  });
});

describe("contexts", () => {
  it.each([
    "github.head_ref",
    "github.event.pull_request.head.repo.homepage",
    "github.event.pull_request.head.repo.description",
    "github.event.discussion.title",
    "github.event.head_commit.committer.email",
    "github.event.commits.*.author.name",
    "github.event.workflow_run.display_title",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.merge_group.head_ref",
    "github.event.changes.title.from",
    "github.event.pull_request",
    "github.event",
    "github",
    "github.event.*.body",
  ])("%s is untrusted", (path) => {
    expect(flags(path)).toContain("untrusted");
  });

  it.each([
    "github.event.pull_request.number",
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.repo.full_name",
    "github.event.pull_request.labels.*.name",
    "github.event.inputs.version",
    "github.event.release.body",
    "github.ref_name",
    "github.sha",
    "github.event_name",
  ])("%s is not", (path) => {
    expect(flags(path)).not.toContain("untrusted");
  });

  it("knows what names a pull request's head or a triggering run's", () => {
    expect(flags("github.event.pull_request.head.sha")).toEqual(["prHead"]);
    expect(flags("github.head_ref")).toEqual(["prHead", "untrusted"]);
    expect(flags("github.event.workflow_run.head_sha")).toEqual(["runHead"]);
    expect(flags("github.event.pull_request.base.sha")).toEqual([]);
  });
});

describe("flow mappings on one line", () => {
  it("lists nested pairs with the key that holds them, ${{ }} kept whole", () => {
    expect(
      flowPairs(
        "{ uses: actions/checkout@v4, with: { ref: ${{ github.event.pull_request.head.sha }} } }",
        null,
      ),
    ).toEqual([
      { key: "uses", value: "actions/checkout@v4", parent: null },
      { key: "ref", value: "${{ github.event.pull_request.head.sha }}", parent: "with" },
    ]);
    expect(flowPairs('{ ref: "${{ a }}, b", "repository": x }', "with")).toEqual([
      { key: "ref", value: '"${{ a }}, b"', parent: "with" },
      { key: "repository", value: "x", parent: "with" },
    ]);
  });

  it("reads nothing from values that are not flow mappings", () => {
    expect(flowPairs("echo {a,b}: c", "run")).toEqual([]);
    expect(flowPairs("[push, pull_request_target]", "on")).toEqual([]);
  });
});
