import { describe, expect, it } from "vitest";
import type { CheckRunOutput } from "../../src/report/render.js";
import { sharedHeadOutput, strictest } from "../../src/report/shared-head.js";

const output = (conclusion: CheckRunOutput["conclusion"], title: string): CheckRunOutput => ({
  status: conclusion === null ? "in_progress" : "completed",
  conclusion,
  title,
  summary: `**${title}**\n\ndetails of ${title}`,
  text: "",
  annotations: [],
});

describe("a check run shared by several PRs", () => {
  it("carries the strictest verdict, the lowest number among equals, whatever order the PRs come in", () => {
    const prs = [
      { number: 9, base: "sandbox", output: output("success", "All requirements met") },
      { number: 4, base: "main", output: output("action_required", "Needs 2 approvals") },
      { number: 2, base: "next", output: output(null, "Waiting on CodeQL") },
      { number: 3, base: "release", output: output("action_required", "Needs a maintainer") },
    ];
    expect(strictest(prs).number).toBe(3);
    expect(strictest([...prs].reverse()).number).toBe(3);
    expect(strictest([...prs, { number: 11, base: "x", output: output("failure", "Secret") }]).number).toBe(
      11,
    );
  });

  it("titles the run with the PR it details and lists every PR with its base and verdict", () => {
    const out = sharedHeadOutput([
      { number: 12, base: "sandbox|x", output: output("success", "All requirements met") },
      { number: 7, base: "main", output: output("action_required", "Needs 2 approvals") },
    ]);
    expect(out.conclusion).toBe("action_required");
    expect(out.title).toBe("#7: Needs 2 approvals");
    const [headline, , intro, , header, , first, second] = out.summary.split("\n");
    expect(headline).toBe("**Needs 2 approvals**");
    expect(intro).toMatch(/head of 2 open pull requests.*details below are those of #7/);
    expect(header).toBe("| PR | base | verdict |");
    expect(first).toBe("| #7 | `main` | ✋ action_required — Needs 2 approvals |");
    // A pipe in a code span would end the cell, and an escaped one shows its backslash: an entity in <code>.
    expect(second).toBe("| #12 | <code>sandbox&#124;x</code> | ✅ success — All requirements met |");
    expect(out.summary).toMatch(/details of Needs 2 approvals$/);
  });

  it("leaves a PR that is alone on its head as it is", () => {
    const alone = output("success", "All requirements met");
    expect(sharedHeadOutput([{ number: 1, base: "main", output: alone }])).toBe(alone);
  });
});
