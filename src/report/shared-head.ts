/**
 * One head commit, several open PRs. A check run belongs to the commit, so whatever is written on it
 * is what every PR with that head shows, and what each PR's required check accepts. The run must
 * therefore carry the strictest verdict among them, say so, and name each PR: otherwise a second PR
 * with the same head against a laxer base turns the strict PR green. Pure.
 */
import { strictness, type Verdict } from "../engine/decision.js";
import { type CheckRunOutput, cell, clip, codeCell, ICON, MAX_FIELD, oneLineTitle, safe } from "./render.js";

/** One PR with this head and the check run its own evaluation would write. */
export interface HeadPr {
  number: number;
  base: string;
  output: CheckRunOutput;
}

/** Neutral (evaluate mode) blocks nothing, as success does. */
const verdictOf = (o: CheckRunOutput): Verdict =>
  o.conclusion === "neutral" ? "success" : (o.conclusion ?? "in_progress");

/** The strictest PR; among equals the lowest number, so every PR's evaluation writes the same run. */
export function strictest(prs: readonly HeadPr[]): HeadPr {
  const [first] = [...prs].sort(
    (a, b) => strictness(verdictOf(a.output)) - strictness(verdictOf(b.output)) || a.number - b.number,
  );
  if (!first) throw new Error("strictest() needs at least one pull request");
  return first;
}

/** The strictest PR's check run, titled with its number and preceded by a table of every PR with this head. */
export function sharedHeadOutput(prs: readonly HeadPr[]): CheckRunOutput {
  const shown = strictest(prs);
  if (prs.length < 2) return shown.output;
  const rows = [...prs]
    .sort((a, b) => a.number - b.number)
    .map((p) => {
      const v = verdictOf(p.output);
      return `| #${p.number} | ${codeCell(p.base)} | ${ICON[v]} ${v} — ${cell(p.output.title)} |`;
    });
  const table = [
    `**This commit is the head of ${prs.length} open pull requests.** A check run belongs to the commit, so this one carries the strictest of their verdicts; the details below are those of #${shown.number}.`,
    "",
    "| PR | base | verdict |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
  const [headline = "", ...body] = shown.output.summary.split("\n");
  return {
    ...shown.output,
    title: oneLineTitle(`#${shown.number}: ${shown.output.title}`),
    summary: clip(safe([headline, "", table, ...body].join("\n")), MAX_FIELD),
  };
}
