/**
 * Evaluate mode (`mode: evaluate`), the first step of a rollout: the would-be verdict is posted as
 * a neutral check — never blocking, even where `agent-policy` is already required — with the full
 * explanation and what enforce mode would have done, which the app then does not do.
 */
import type { Decision, PlannedAction } from "../engine/decision.js";
import type { CheckRunOutput } from "./render.js";

const WOULD: Record<string, string> = {
  success: "would pass",
  failure: "would fail",
  action_required: "would need action",
};

function describe(action: PlannedAction): string {
  switch (action.kind) {
    case "remove_label":
      return `remove the label \`${action.label}\``;
    case "restore_label":
      return `restore the label \`${action.label}\``;
    case "disable_auto_merge":
      return "disable auto-merge";
    case "dequeue":
      return "take the PR out of the merge queue";
    case "comment":
      return "comment with the explanation";
  }
}

export function evaluateModeOutput(
  output: CheckRunOutput,
  decision: Pick<Decision, "actions">,
): CheckRunOutput {
  if (output.status !== "completed" || output.conclusion === null) return output;
  const would = WOULD[output.conclusion] ?? `would be ${output.conclusion}`;
  const undo =
    decision.actions.length === 0
      ? ""
      : ` In enforce mode it would also ${decision.actions.map(describe).join(", ")}; nothing was done.`;
  const notice = `> **Evaluate mode** (\`mode: evaluate\`): this check reports and does not enforce — the PR ${would}.${undo} Set \`mode: enforce\` to gate merges.\n\n`;
  return {
    ...output,
    conclusion: "neutral",
    title: `Evaluate mode, ${would}: ${output.title}`.slice(0, 200),
    summary: notice + output.summary,
  };
}
