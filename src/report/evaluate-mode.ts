/**
 * Evaluate mode (`mode: evaluate`), the first step of a rollout: the would-be verdict is posted as
 * a neutral check — never blocking, even where `agent-policy` is already required — with the full
 * explanation and what enforce mode would have done, which the app then does not do.
 */
import type { Decision, PlannedAction } from "../engine/decision.js";
import { type CheckRunOutput, code, esc } from "./render.js";

const WOULD: Record<string, string> = {
  success: "would pass",
  failure: "would fail",
  action_required: "would need action",
  in_progress: "would wait",
};

function describe(action: PlannedAction): string {
  switch (action.kind) {
    case "remove_label":
      return `remove the label ${esc(code(action.label))}`;
    case "restore_label":
      return `restore the label ${esc(code(action.label))}`;
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
  // Waiting for required checks would hold the PR as a pending check: evaluate mode never holds one.
  const verdict =
    output.status === "completed" && output.conclusion !== null ? output.conclusion : "in_progress";
  const would = WOULD[verdict] ?? `would be ${verdict}`;
  const undo =
    decision.actions.length === 0
      ? ""
      : ` In enforce mode it would also ${decision.actions.map(describe).join(", ")}; nothing was done.`;
  const notice = `> **Evaluate mode** (\`mode: evaluate\`): this check reports and does not enforce — the PR ${would}.${undo} Set \`mode: enforce\` to gate merges.\n\n`;
  return {
    ...output,
    status: "completed",
    conclusion: "neutral",
    title: `Evaluate mode, ${would}: ${output.title}`.slice(0, 200),
    summary: notice + output.summary,
  };
}
