/** What the workflow hazard rules report, shared by the patch reading and the whole-file reading. */
import type { Severity } from "../model.js";
import type { Origin, Taint } from "./taint.js";

export interface Hazard {
  rule: string;
  severity: Severity;
  line: number;
  message: string;
  /** The fragment that shows the hazard (scrubbed of secrets by the caller). */
  fragment: string;
}

export const COMMENT_EVENTS = new Set([
  "issue_comment",
  "pull_request_review_comment",
  "pull_request_review",
  "discussion_comment",
]);

export const ARTIFACT_DOWNLOAD =
  /actions\/download-artifact|dawidd6\/action-download-artifact|downloadArtifact|gh run download/;
export const SECRET_USE =
  /\bsecrets(?:\.(?!GITHUB_TOKEN\b)[A-Za-z_][A-Za-z0-9_]*|\[\s*['"](?!GITHUB_TOKEN['"])[^'"]+['"]\s*\])/;
/** A script line that brings code into the workspace (as words: `pull_request` is not `pull`). */
export const FETCH = /\b(?:checkout|fetch|pull|switch|clone)\b/;

export const MESSAGES = {
  "pr-target-checkout":
    "This pull_request_target workflow checks out the pull request's head. That code runs with this repository's secrets and a write token, so whoever opens a PR can take them. Check out the base only, or move the work to an unprivileged pull_request workflow.",
  "workflow-run-checkout":
    "This workflow_run workflow checks out the code of the run that triggered it, which may come from a fork or an agent branch, and runs it with this repository's privileges. Check out a trusted ref instead.",
  "workflow-run-download":
    "This workflow_run workflow downloads artifacts made by the run that triggered it, which PR code controls. Treat them as untrusted data: never execute them or write them where later steps execute files.",
  "script-injection":
    'Untrusted text is pasted straight into a script: whoever writes that title, body, comment or branch name can run commands in this job. Pass it through env: and use it as "$VAR" instead.',
  "write-all-permissions":
    "permissions: write-all gives the workflow token write access to code, releases, packages and settings. Grant only the scopes each job needs.",
  "id-token-write":
    "id-token: write lets the job mint OIDC tokens that cloud providers trust for deployment. Make sure only trusted triggers and refs can reach this job.",
  "secrets-inherit":
    "secrets: inherit hands every secret of this repository to the called workflow. Pass only the secrets it needs.",
} as const;

/** A message that also says how the value got there when it went through env, an output or a job. */
export function explained(message: string, origin: Origin | undefined): string {
  return origin?.via ? `${message} Here ${origin.source} reaches it through ${origin.via}.` : message;
}

export interface Located {
  line: number;
  added: boolean;
  /** The text shown as the fragment. */
  text: string;
}

/** Secrets reachable from comment or label triggers (`what`), when a line of either is added. */
export function gatedSecretsHazard(
  gates: readonly (Located & { what: string })[],
  uses: readonly Located[],
): Hazard | null {
  if (gates.length === 0 || uses.length === 0) return null;
  const at = uses.find((u) => u.added) ?? gates.find((g) => g.added);
  if (!at) return null;
  const what = [...new Set(gates.map((g) => g.what))].join(" and ");
  return {
    rule: "label-or-comment-trigger-with-secrets",
    severity: "high",
    line: at.line,
    message: `This workflow runs on ${what} and uses secrets: anyone who can comment, or any agent or bot that can add a label, can make it run with those secrets, possibly on a PR's code. Check the actor's permission in the job and keep secrets out of jobs such triggers start.`,
    fragment: at.text.trim(),
  };
}

/** A privileged trigger of the workflow: whether it has it, and whether the change adds it. */
export interface PrivilegedTrigger {
  on: boolean;
  added: boolean;
}

/**
 * Checking out `t` where `line` says so: the PR's code under `pull_request_target`, the triggering
 * run's code under `workflow_run`. Counted when the line, the trigger or any line on the value's way
 * is added by the change.
 */
export function privilegedCheckout(
  t: Taint | null | undefined,
  triggers: { target: PrivilegedTrigger; run: PrivilegedTrigger },
  at: { line: number; added: boolean; fragment: string },
): Hazard[] {
  const out: Hazard[] = [];
  const pr = t?.prHead;
  if (triggers.target.on && pr && (at.added || triggers.target.added || pr.touched))
    out.push({
      rule: "pr-target-checkout",
      severity: "high",
      line: at.line,
      message: explained(MESSAGES["pr-target-checkout"], pr),
      fragment: at.fragment,
    });
  const run = t?.runHead;
  if (triggers.run.on && run && (at.added || triggers.run.added || run.touched))
    out.push({
      rule: "workflow-run-artifact",
      severity: "high",
      line: at.line,
      message: explained(MESSAGES["workflow-run-checkout"], run),
      fragment: at.fragment,
    });
  return out;
}

/** Downloading the triggering run's artifacts under `workflow_run`, when the line or the trigger is added. */
export function artifactDownload(
  run: PrivilegedTrigger,
  at: { line: number; added: boolean; fragment: string },
): Hazard[] {
  if (!run.on || !(at.added || run.added)) return [];
  return [
    {
      rule: "workflow-run-artifact",
      severity: "medium",
      line: at.line,
      message: MESSAGES["workflow-run-download"],
      fragment: at.fragment,
    },
  ];
}
