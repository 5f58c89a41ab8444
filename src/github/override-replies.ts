/**
 * Answers each `/agent-policy override` comment once, in the PR conversation: accepted for which
 * head, or refused and why. The answer is found again by its marker on this app's own comments,
 * so a re-evaluation never answers twice.
 */
import type { ProbotOctokit } from "probot";
import type { ActionRecord } from "../audit/log.js";
import type { OverrideAnswer } from "../engine/overrides.js";
import type { Comment } from "../facts/model.js";
import type { PrTarget } from "./gather.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Answers posted in one evaluation at most: a flood of commands gets the rest on later evaluations. */
const MAX_ANSWERS = 5;

/** `<!-- agent-policy:override COMMENT_ID HEAD_SHA|refused -->`: what was answered, and for which head. */
const MARKER = /^<!-- agent-policy:override ([0-9]{1,20}) ([0-9a-f]{40}|refused) -->/;
const marker = (commentId: string, record: string) => `<!-- agent-policy:override ${commentId} ${record} -->`;

/** This app's answers so far, from its own comments, by comment id: the head an override holds for, or "refused". */
export function overrideRecords(ownComments: readonly Comment[]): Record<string, string> {
  const records: Record<string, string> = {};
  for (const c of ownComments) {
    const m = MARKER.exec(c.body);
    if (m?.[1] && m[2]) records[m[1]] ??= m[2];
  }
  return records;
}

/** The override comments this app has not answered yet. */
export function unanswered(
  answers: readonly OverrideAnswer[],
  records: Readonly<Record<string, string>>,
): OverrideAnswer[] {
  return answers.filter((a) => records[a.commentId] === undefined);
}

export function answerBody(answer: OverrideAnswer, headSha: string): string {
  // An accepted reason is the person's own text: shown inert, in a code span it cannot leave.
  const text = answer.accepted
    ? `**Override accepted** for ${headSha.slice(0, 7)}: @${answer.login} takes responsibility for this head (\`${answer.reason.replace(/[`\r\n]/g, " ")}\`). The agent-policy check passes for this commit only; a new push ends the override. This is recorded in the audit log.`
    : `**Override refused** for @${answer.login}: ${answer.reason.replace(/[\r\n]/g, " ")}.`;
  return `${marker(answer.commentId, answer.accepted ? headSha : "refused")}\n${text}`;
}

/** Posts the missing answers; one audit record per answer, whether or not it could be posted. */
export async function answerOverrides(
  octokit: Octokit,
  target: PrTarget,
  answers: readonly OverrideAnswer[],
  headSha: string,
): Promise<ActionRecord[]> {
  const records: ActionRecord[] = [];
  for (const answer of answers.slice(0, MAX_ANSWERS)) {
    const record: ActionRecord = {
      kind: answer.accepted ? "override_accepted" : "override_refused",
      target: answer.login,
      outcome: "done",
      reason: `${answer.accepted ? `override of ${headSha.slice(0, 7)}: ` : ""}${answer.reason} (comment ${answer.commentId})`,
    };
    try {
      await octokit.rest.issues.createComment({
        owner: target.owner,
        repo: target.repo,
        issue_number: target.number,
        body: answerBody(answer, headSha),
      });
    } catch (error) {
      record.outcome = "failed";
      record.reason += `; the answer could not be posted: ${error instanceof Error ? error.message : String(error)}`;
    }
    records.push(record);
  }
  return records;
}
