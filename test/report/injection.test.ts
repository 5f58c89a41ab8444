/**
 * Text from the PR never becomes HTML in the check run, however its backticks pair: the renderer's
 * notion of a code span can differ from Markdown's (a run of three opens a span one cannot close),
 * and the evaluate-mode notice names labels an agent chose.
 */
import { expect, it } from "vitest";
import type { Decision } from "../../src/engine/decision.js";
import { evaluateModeOutput } from "../../src/report/evaluate-mode.js";
import { type CheckRunOutput, cell, esc } from "../../src/report/render.js";

const HOSTILE = [
  "x ```</details><img src=https://evil.example/p.png>` y",
  "a `b` ``<script>`` c",
  "`<b>bold</b>`",
];

it.each(HOSTILE)("escapes %s so no tag survives, in text and in table cells", (text) => {
  for (const out of [esc(text), cell(text)]) expect(out).not.toMatch(/<(?!code>|\/code>)[a-z/!]/i);
});

it("names hostile labels inertly in the evaluate-mode notice", () => {
  const output: CheckRunOutput = {
    status: "completed",
    conclusion: "failure",
    title: "Blocked",
    summary: "…",
    text: "",
    annotations: [],
  };
  const label = "deploy`<img src=https://evil.example/p.png>`";
  const actions: Decision["actions"] = [{ kind: "remove_label", label, because: "agent" }];
  const notice = evaluateModeOutput(output, { actions }).summary;
  expect(notice).not.toMatch(/<img/i);
  expect(notice).toMatch(/remove the label `deploy ‹img src=https:\/\/evil\.example\/p\.png› `/);
});

it("never leaves a PR pending in evaluate mode: waiting for checks is reported, neutral", () => {
  const waiting: CheckRunOutput = {
    status: "in_progress",
    conclusion: null,
    title: "Waiting for required checks",
    summary: "…",
    text: "",
    annotations: [],
  };
  const out = evaluateModeOutput(waiting, { actions: [] });
  expect(out).toMatchObject({ status: "completed", conclusion: "neutral" });
  expect(out.title).toBe("Evaluate mode, would wait: Waiting for required checks");
});
