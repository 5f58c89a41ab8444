/**
 * The check run as GitHub shows it, without the noise of issue 10 (item 5): a plain-text title
 * not repeated below, each way to clear a violation said once, identical findings grouped,
 * approvals in words with a handful of names, no backslash in code, what the app undoes, few
 * sensitive-file notices, no evidence listed as strong and weak, and detail folded away.
 */
import { describe, expect, it } from "vitest";
import type { Decision } from "../../src/engine/decision.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { defaultPolicy } from "../../src/policy/index.js";
import {
  approvalsCell,
  cell,
  codeCell,
  esc,
  fewerNames,
  plainTitle,
  renderDecision,
  renderFailure,
} from "../../src/report/render.js";
import { facts, file, review } from "../support/facts.js";
import { claudeCoAuthored, largeAgentPr, promotionChain, repeatedSecret } from "./decisions.js";

/** The summary before the first collapsed block: what a reader sees without a click. */
const firstScreen = (summary: string) => summary.slice(0, summary.indexOf("<details>"));
const tableRows = (summary: string) => summary.split("\n").filter((l) => l.startsWith("| "));
const handles = (text: string) => text.match(/@[\w.-]+(?:\/[\w.-]+)?/g) ?? [];

describe("the title", () => {
  it("is plain text: code spans lose their backticks, as GitHub shows titles raw", () => {
    const out = renderDecision(promotionChain());
    expect(out.title).toMatch(/^Blocked: label automerge added by devin-ai-integration\[bot\]/);
    expect(out.title).not.toContain("`");
    expect(renderFailure("Unknown key `rulez`", []).title).toBe("Unknown key rulez");
    expect(plainTitle("Blocked: command `/deploy` by `bot`")).toBe("Blocked: command /deploy by bot");
  });

  it("names a handful of approvers, not a rule's forty", () => {
    const out = renderDecision(largeAgentPr());
    expect(out.title).toBe(
      "Needs approval from @sec-01, @sec-02, @sec-03, @sec-04, @acme/security and 36 more users (security-review) (an AI agent (GitHub Copilot coding agent))",
    );
  });
});

describe("the summary", () => {
  it("does not repeat the title as its first line: it opens with the verdict in a word and its counts", () => {
    for (const d of [promotionChain(), repeatedSecret(), largeAgentPr(), claudeCoAuthored()]) {
      const out = renderDecision(d);
      const [first = ""] = out.summary.split("\n");
      expect(first).not.toContain(d.title);
      expect(first).not.toContain(out.title);
    }
    expect(renderDecision(promotionChain()).summary.split("\n")[0]).toBe(
      "⛔ **Blocked** — 4 promotion-chain violations, 1 of 1 rule met",
    );
    const failed = renderFailure("GitHub unavailable: could not read the pull request", ["HTTP 502"]);
    expect(failed.summary.split("\n")[0]).not.toContain(failed.title);
  });

  it("keeps the first screen to the verdict, what is undone, the next steps and who; detail is folded", () => {
    const out = renderDecision(promotionChain());
    const screen = firstScreen(out.summary);
    expect(screen.match(/^### .*/gm)).toEqual(["### Next steps", "### Who"]);
    expect(screen).not.toMatch(/^\|/m);
    expect(screen).not.toContain("Clears when");
    expect(out.summary).toMatch(/<details><summary>Promotion-chain violations \(4\)<\/summary>\n\n/);
    expect(out.summary).toMatch(/<details><summary>Rules: 1 of 1 rule met<\/summary>\n\n\| Rule \|/);
    expect(out.summary).toMatch(/<details><summary>Reviews: 1 of 1 counted<\/summary>/);
    const secret = renderDecision(repeatedSecret()).summary;
    expect(firstScreen(secret)).not.toContain("aws-access-key-id");
    expect(secret).toMatch(/<details><summary>Findings in added lines \(3\)<\/summary>/);
  });
});

describe("promotion-chain violations", () => {
  it("say how each kind clears once, in the engine's own sentence, never 'Clears: Clears when'", () => {
    const { summary } = renderDecision(promotionChain());
    expect(summary).not.toMatch(/Clears:/);
    expect(summary.match(/Clears when/g)).toHaveLength(3);
    const commands = summary.split("\n").filter((l) => l.includes("command comment"));
    expect(commands).toEqual([
      "- **command comment** — 2 times. Clears when a human with write access who is not the author or a requester approves the head commit after it.",
    ]);
    expect(summary).toMatch(/^ {2}- command `\/deploy production \| tee deploy\.log` commented by/m);
    expect(summary).toMatch(/^ {2}- command `\/deploy staging` commented by/m);
    expect(summary).toMatch(
      /^- \*\*protected label added\*\* — label `automerge` added by `devin-ai-integration\[bot\]` \(agent\) at \S+ \(timeline actor\)\.<br>Clears when a human with write access applies `automerge` again/m,
    );
  });

  it("are followed by what the app undoes on the PR, from the decision's planned actions", () => {
    const d = promotionChain();
    const out = renderDecision(d);
    expect(firstScreen(out.summary)).toContain(
      "**Undoing:** removing label `automerge`; disabling auto-merge.\n\n### Next steps",
    );
    const more: Decision = {
      ...d,
      actions: [
        { kind: "restore_label", label: "do-not-merge", because: "x" },
        { kind: "dequeue", because: "x" },
        { kind: "comment", because: "x" },
      ],
    };
    expect(renderDecision(more).summary).toContain(
      "**Undoing:** restoring label `do-not-merge`; taking the PR out of the merge queue.",
    );
    // Evaluate mode enforces nothing: its own notice says what enforce mode would have done.
    expect(renderDecision({ ...d, mode: "evaluate" }).summary).not.toContain("Undoing");
    expect(renderDecision({ ...d, actions: [{ kind: "comment", because: "x" }] }).summary).not.toContain(
      "Undoing",
    );
  });
});

describe("findings", () => {
  it("group identical ones with a count and where they are", () => {
    const { summary } = renderDecision(repeatedSecret());
    const lines = summary.split("\n").filter((l) => l.includes("aws-access-key-id"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^- \*\*HIGH\*\* `aws-access-key-id` — 3 × in `src\/a\.ts`:2, `src\/b\.ts`:2, `src\/c\.ts`:2 — AWS access key ID/,
    );
  });

  it("name the lines of one file together and cut a long list of files", () => {
    const d = repeatedSecret();
    const [f] = d.findings;
    if (!f) throw new Error("expected a finding");
    const many: Decision = {
      ...d,
      findings: [
        { ...f, path: "src/a.ts", line: 3 },
        { ...f, path: "src/a.ts", line: 9 },
        ...Array.from({ length: 8 }, (_, i) => ({ ...f, path: `src/f${i}.ts` })),
      ],
    };
    expect(renderDecision(many).summary).toContain(
      "— 10 × in `src/a.ts` (lines 3, 9), `src/f0.ts`:2, `src/f1.ts`:2, `src/f2.ts`:2, `src/f3.ts`:2 and 4 more files —",
    );
  });
});

describe("approvals", () => {
  it("read '40 of 1 required' with a handful of names and 'and N more', never '40/1' or forty names in a cell", () => {
    const { summary } = renderDecision(largeAgentPr());
    expect(summary).not.toMatch(/\d+\/\d+/);
    expect(summary).toMatch(
      /\| ✅ agent-or-bot-review \| .* \| 40 of 1 required: @dev-1, @dev-2, @dev-3 and 37 more<br>from any independent human with write permission \|/,
    );
    expect(summary).toMatch(
      /\| ❌ security-review \| .* \| 0 of 1 required<br>from @sec-01, @sec-02, @acme\/security and 38 more users<br>not counted: @dev-1, @dev-2, @dev-3 and 37 more \(not among those\) \|/,
    );
    for (const row of tableRows(summary))
      for (const c of row.split(/(?<!\\)\|/)) expect(handles(c).length).toBeLessThanOrEqual(10);
  });

  it("name at most a few who did not count, whatever their reasons", () => {
    const text = approvalsCell({
      name: "r",
      because: [],
      approvals: {
        required: 2,
        counted: ["a"],
        notCounted: [
          { login: "b", reason: "not among @x, @y" },
          { login: "c", reason: "lacks write permission" },
          { login: "d", reason: "lacks write permission" },
          { login: "e", reason: "write permission unknown" },
        ],
        eligible: "@x, @y",
      },
      checks: [],
      met: false,
    });
    expect(text).toBe(
      "1 of 2 required: @a<br>from @x, @y<br>not counted: @b (not among those); @c, @d (lacks write permission); and 1 more for other reasons",
    );
  });

  it("say 'none required' for a rule without approvals", () => {
    expect(
      approvalsCell({
        name: "r",
        because: [],
        approvals: { required: 0, counted: [], notCounted: [], eligible: "x" },
        checks: [],
        met: true,
      }),
    ).toBe("none required");
  });
});

describe("who may approve", () => {
  it("is named in the next step: the rule's users and teams, a handful of them, or its permission", () => {
    const out = renderDecision(largeAgentPr());
    expect(firstScreen(out.summary)).toContain(
      "1. security-review: 1 more approval of the head commit from @sec-01, @sec-02, @sec-03, @sec-04, @acme/security and 36 more users, not the author or the requester.",
    );
    const d = evaluate(
      {
        ...defaultPolicy(),
        rules: [
          {
            name: "admins",
            require: { approvals: 1, from: { users: [], teams: [], permission: "admin" }, checks: [] },
          },
        ],
      },
      facts({ reviews: [review("bob")] }),
    );
    expect(firstScreen(renderDecision(d).summary)).toContain(
      "1. admins: 1 more approval of the head commit from anyone with admin permission, not the author or the requester.",
    );
  });

  it("keeps teams before users when cutting a list, and leaves short lists alone", () => {
    expect(fewerNames("from @a, @b, @c", 2)).toBe("from @a, @b and 1 more user");
    expect(fewerNames("from @a, @b, @c, @o/t1", 3)).toBe("from @a, @b, @o/t1 and 1 more user");
    expect(fewerNames("from @a, @o/t1, @o/t2, @o/t3", 2)).toBe(
      "from @o/t1, @o/t2 and 1 more user and 1 more team",
    );
    expect(fewerNames("from @a, @b, anyone with admin permission")).toBe(
      "from @a, @b, anyone with admin permission",
    );
  });
});

describe("code spans", () => {
  it("show no backslash: a pipe stays as it is outside tables", () => {
    expect(esc("command `/deploy prod | tee log` by x|y")).toBe("command `/deploy prod | tee log` by x\\|y");
    const { summary } = renderDecision(promotionChain());
    expect(summary).toContain("`/deploy production | tee deploy.log`");
    expect(summary).not.toMatch(/`[^`\n]*\\\|[^`\n]*`/);
  });

  it("in a table cell become <code> with the pipe as an entity", () => {
    expect(cell("approved `a|b` and `c`")).toBe("approved <code>a&#124;b</code> and `c`");
    expect(codeCell("src/auth/a|b.ts")).toBe("<code>src&#47;auth&#47;a&#124;b&#46;ts</code>");
    expect(codeCell("src/auth/a.ts")).toBe("`src/auth/a.ts`");
    expect(cell("<b>x</b> `<b>|*y*`")).toBe("&lt;b&gt;x&lt;/b&gt; <code>&#60;b&#62;&#124;&#42;y&#42;</code>");
    const d = evaluate(defaultPolicy(), facts({ files: [file("src/auth/a|b.ts")] }));
    const { summary } = renderDecision(d);
    expect(summary).toContain("| auth | <code>src&#47;auth&#47;a&#124;b&#46;ts</code> |");
    expect(summary).not.toContain("\\|");
  });
});

describe("annotations", () => {
  it("note sensitive files once per category, naming how many and a few of the rest", () => {
    const out = renderDecision(largeAgentPr());
    const notices = out.annotations.filter((a) => a.annotation_level === "notice");
    expect(notices).toEqual([
      {
        path: "src/auth/module-0/handler.ts",
        start_line: 1,
        end_line: 1,
        annotation_level: "notice",
        title: "Sensitive files (120): auth",
        message:
          "This file and 119 other files (src/auth/module-1/handler.ts, src/auth/module-2/handler.ts, src/auth/module-3/handler.ts, src/auth/module-4/handler.ts, src/auth/module-5/handler.ts and 114 more) are in the auth category, so the rules for auth changes apply to this PR.",
      },
    ]);
  });

  it("stay at most one per sensitive category however many files there are", () => {
    const files = ["src/auth", ".github/workflows", "infra", "secrets"].flatMap((dir) =>
      Array.from({ length: 40 }, (_, i) => file(`${dir}/f${i}.${dir.includes("workflows") ? "yml" : "ts"}`)),
    );
    const out = renderDecision(evaluate(defaultPolicy(), facts({ files })));
    const notices = out.annotations.filter((a) => a.annotation_level === "notice");
    expect(notices.length).toBeGreaterThan(1);
    expect(notices.length).toBeLessThanOrEqual(10);
    expect(new Set(notices.map((a) => a.title)).size).toBe(notices.length);
  });
});

describe("identification evidence", () => {
  it("never lists an agent co-author's trailer as weak evidence beside the co-author as strong", () => {
    const d = claudeCoAuthored();
    expect(d.identity.strong).toEqual([expect.objectContaining({ signal: "commit co-author" })]);
    expect(d.identity.weak).toEqual([]);
    const { summary } = renderDecision(d);
    expect(summary).toContain("Strong evidence — commit co-author");
    expect(summary).not.toContain("Weak evidence");
  });

  it("still lists such a trailer as weak evidence when GitHub reported no co-author for it", () => {
    const trailerOnly = evaluate(
      defaultPolicy(),
      facts({
        commits: [
          {
            sha: "1111111111111111111111111111111111111111",
            message: "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>",
            author: { name: "Alice", email: "alice@example.com", login: "alice" },
            committer: { name: "Alice", email: "alice@example.com", login: "alice" },
            coAuthors: [],
            verified: false,
          },
        ],
      }),
    );
    expect(trailerOnly.identity.weak).toEqual([expect.objectContaining({ signal: "trailer" })]);
  });
});

describe("tables", () => {
  it("end a long table with an 'and N more' row of the table, not a stray line", () => {
    const reviews = Array.from({ length: 60 }, (_, i) => review(`reviewer-${i}`));
    const { summary } = renderDecision(
      evaluate(defaultPolicy(), facts({ author: { login: "Copilot", type: "Bot" }, reviews })),
    );
    expect(summary).toContain("| @reviewer-49 |");
    expect(summary).not.toContain("| @reviewer-50 |");
    expect(summary).toContain("| … and 10 more | | | |");
  });
});
