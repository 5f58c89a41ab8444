/**
 * Dangerous changes to GitHub Actions workflows and actions: privileged triggers that run PR code,
 * script injection, broad token permissions, and secrets reachable from label or comment triggers.
 * A hazard is reported only when at least one of its lines is added by the change.
 */

import type { PatchLine } from "../diff.js";
import type { Severity } from "../model.js";
import { type OutlineLine, outline } from "./outline.js";

export interface Hazard {
  rule: string;
  severity: Severity;
  line: number;
  message: string;
  /** The fragment that shows the hazard (scrubbed of secrets by the caller). */
  fragment: string;
}

const EVENTS = new Set(
  (
    "branch_protection_rule check_run check_suite create delete deployment deployment_status discussion " +
    "discussion_comment fork gollum issue_comment issues label merge_group milestone page_build public pull_request " +
    "pull_request_review pull_request_review_comment pull_request_target push registry_package release " +
    "repository_dispatch schedule status watch workflow_call workflow_dispatch workflow_run"
  ).split(" "),
);
const COMMENT_EVENTS = new Set([
  "issue_comment",
  "pull_request_review_comment",
  "pull_request_review",
  "discussion_comment",
]);
const PERMISSION_SCOPES = new Set(
  (
    "actions attestations checks contents deployments discussions id-token issues models packages pages " +
    "pull-requests repository-projects security-events statuses"
  ).split(" "),
);

/** Contexts whose text anyone who opens an issue or PR, comments, or names a branch controls. */
const UNTRUSTED =
  /github\.(?:head_ref|event\.(?:issue\.(?:title|body)|pull_request\.(?:title|body|head\.(?:ref|label|repo\.default_branch))|comment\.body|review\.body|review_comment\.body|discussion\.(?:title|body)|head_commit\.(?:message|author)|commits(?:\[\d+\]|\.\*)\.(?:message|author)|pages(?:\[\d+\]|\.\*)\.page_name|workflow_run\.(?:head_branch|head_commit\.(?:message|author))))\b|toJSON\(\s*github\.event\s*\)/;
const PR_HEAD =
  /github\.event\.pull_request\.head\.(?:sha|ref|repo\.full_name)|github\.head_ref|github\.event\.pull_request\.merge_commit_sha|refs\/pull\/|gh pr checkout/;
const RUN_HEAD =
  /github\.event\.workflow_run\.(?:head_sha|head_branch|head_repository\.full_name|head_commit\.id)|gh pr checkout/;
const ARTIFACT_DOWNLOAD =
  /actions\/download-artifact|dawidd6\/action-download-artifact|downloadArtifact|gh run download/;
const SECRET_USE =
  /\bsecrets(?:\.(?!GITHUB_TOKEN\b)[A-Za-z_][A-Za-z0-9_]*|\[\s*['"](?!GITHUB_TOKEN['"])[^'"]+['"]\s*\])/;
const SCRIPT_KEYS = new Set(["run", "script"]);

interface Trigger {
  event: string;
  index: number;
  /** Activity types with the line each was read from. */
  types: { type: string; index: number }[];
}

const words = (value: string) => value.match(/[a-z_]+/g) ?? [];

function triggers(lines: readonly OutlineLine[]): Trigger[] {
  const found: Trigger[] = [];
  const byIndex = new Map<number, Trigger>();
  const add = (event: string, index: number) => {
    if (!EVENTS.has(event)) return;
    const t = { event, index, types: [] };
    found.push(t);
    byIndex.set(index, t);
  };
  lines.forEach((l, i) => {
    if (l.scalarOf !== null || l.comment || l.blank) return;
    const parent = l.parent === null ? undefined : lines[l.parent];
    if ((l.key === "on" || l.key === "true") && l.indent === 0 && !l.dash) {
      for (const w of words(l.value)) add(w, i);
    } else if (parent && (parent.key === "on" || parent.key === "true") && parent.indent === 0) {
      add(l.key ?? l.value, i);
    } else if (!parent && l.key !== null && l.indent > 0 && l.indent <= 4 && EVENTS.has(l.key)) {
      // The hunk starts inside the `on:` block, which the patch does not show.
      add(l.key, i);
    } else if (l.parent !== null && l.key === "types" && byIndex.has(l.parent)) {
      byIndex.get(l.parent)?.types.push(...words(l.value).map((type) => ({ type, index: i })));
    } else if (parent && parent.key === "types" && parent.parent !== null && byIndex.has(parent.parent)) {
      byIndex.get(parent.parent)?.types.push(...words(l.value).map((type) => ({ type, index: i })));
    }
  });
  return found;
}

/** The key that owns a line's text: its block scalar's key, its own key, or its parent's; null when unseen. */
function owner(lines: readonly OutlineLine[], i: number): number | null {
  const l = lines[i];
  if (!l) return null;
  if (l.scalarOf !== null) return l.scalarOf;
  if (l.key !== null) return i;
  return l.parent;
}

const inScript = (lines: readonly OutlineLine[], i: number) => {
  const o = owner(lines, i);
  return o !== null && SCRIPT_KEYS.has(lines[o]?.key ?? "");
};

/** `${{ … }}` expressions of a line (at most a few dozen: a line cannot hide work behind thousands). */
function expressions(text: string): string[] {
  const out: string[] = [];
  let at = text.indexOf("${{");
  while (at >= 0 && out.length < 32) {
    const end = text.indexOf("}}", at + 3);
    if (end < 0) break;
    out.push(text.slice(at, end + 2));
    at = text.indexOf("${{", end + 2);
  }
  return out;
}

const anyAdded = (lines: readonly OutlineLine[], idx: readonly (number | null)[]) =>
  idx.some((i) => i !== null && lines[i]?.added === true);

const MESSAGES = {
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

function permissionHazards(lines: readonly OutlineLine[], out: Hazard[]): void {
  for (const l of lines) {
    if (!l.added || l.key === null || l.scalarOf !== null) continue;
    const parentKey = l.parent === null ? null : (lines[l.parent]?.key ?? null);
    const grant = (scope: string, fragment: string) => {
      if (scope === "id-token") {
        out.push({
          rule: "id-token-write",
          severity: "medium",
          line: l.line,
          message: MESSAGES["id-token-write"],
          fragment,
        });
      } else {
        out.push({
          rule: "write-permission-added",
          severity: "medium",
          line: l.line,
          message: `This change gives the workflow token ${scope}: write. Make sure the job needs it and that untrusted input cannot drive it.`,
          fragment,
        });
      }
    };
    if (l.key === "permissions") {
      if (l.value === "write-all") {
        out.push({
          rule: "write-all-permissions",
          severity: "high",
          line: l.line,
          message: MESSAGES["write-all-permissions"],
          fragment: "permissions: write-all",
        });
      }
      for (const m of l.value.matchAll(/([a-z-]+)\s*:\s*write\b/g)) {
        const scope = m[1] ?? "";
        if (PERMISSION_SCOPES.has(scope)) grant(scope, `${scope}: write`);
      }
    } else if (
      PERMISSION_SCOPES.has(l.key) &&
      l.value === "write" &&
      (parentKey === null || parentKey === "permissions")
    ) {
      grant(l.key, `${l.key}: write`);
    } else if (l.key === "secrets" && l.value === "inherit") {
      out.push({
        rule: "secrets-inherit",
        severity: "medium",
        line: l.line,
        message: MESSAGES["secrets-inherit"],
        fragment: "secrets: inherit",
      });
    }
  }
}

function injectionHazards(lines: readonly OutlineLine[], out: Hazard[]): void {
  lines.forEach((l, i) => {
    if (l.comment || l.blank) return;
    const bad = expressions(l.text).find((e) => UNTRUSTED.test(e));
    if (!bad) return;
    const o = owner(lines, i);
    // Unseen owner: the line may be a script; fail closed. Seen owner: only scripts are injectable.
    const script = o === null || SCRIPT_KEYS.has(lines[o]?.key ?? "");
    if (script && anyAdded(lines, [i, o])) {
      out.push({
        rule: "script-injection",
        severity: "high",
        line: l.line,
        message: MESSAGES["script-injection"],
        fragment: bad,
      });
    }
  });
}

function checkoutLines(lines: readonly OutlineLine[], head: RegExp): number[] {
  const found: number[] = [];
  lines.forEach((l, i) => {
    if (l.comment || l.blank || !head.test(l.text)) return;
    const parentKey = l.parent === null ? null : (lines[l.parent]?.key ?? null);
    const checkoutInput =
      (l.key === "ref" || l.key === "repository") && (parentKey === "with" || parentKey === null);
    if (checkoutInput || (inScript(lines, i) && /checkout|fetch|pull|switch|clone/.test(l.text)))
      found.push(i);
  });
  return found;
}

function privilegedTriggerHazards(
  lines: readonly OutlineLine[],
  on: readonly Trigger[],
  out: Hazard[],
): void {
  const target = on.filter((t) => t.event === "pull_request_target");
  const run = on.filter((t) => t.event === "workflow_run");
  // Whether the change adds the trigger itself, computed once so the work stays linear.
  const targetAdded = anyAdded(
    lines,
    target.map((t) => t.index),
  );
  const runAdded = anyAdded(
    lines,
    run.map((t) => t.index),
  );
  if (target.length > 0) {
    for (const c of checkoutLines(lines, PR_HEAD)) {
      if (targetAdded || lines[c]?.added) {
        const l = lines[c];
        if (l)
          out.push({
            rule: "pr-target-checkout",
            severity: "high",
            line: l.line,
            message: MESSAGES["pr-target-checkout"],
            fragment: l.text.trim(),
          });
      }
    }
  }
  if (run.length > 0) {
    for (const c of checkoutLines(lines, RUN_HEAD)) {
      const l = lines[c];
      if (l && (runAdded || l.added)) {
        out.push({
          rule: "workflow-run-artifact",
          severity: "high",
          line: l.line,
          message: MESSAGES["workflow-run-checkout"],
          fragment: l.text.trim(),
        });
      }
    }
    for (const l of lines) {
      if (l.comment || l.blank || !ARTIFACT_DOWNLOAD.test(l.text)) continue;
      if (runAdded || l.added) {
        out.push({
          rule: "workflow-run-artifact",
          severity: "medium",
          line: l.line,
          message: MESSAGES["workflow-run-download"],
          fragment: l.text.trim(),
        });
      }
    }
  }
}

function gatedSecretHazards(lines: readonly OutlineLine[], on: readonly Trigger[], out: Hazard[]): void {
  const gates = on.flatMap((t) =>
    COMMENT_EVENTS.has(t.event)
      ? [{ what: `${t.event} events`, index: t.index }]
      : t.types
          .filter((x) => x.type === "labeled")
          .map((x) => ({ what: `labels on ${t.event}`, index: x.index })),
  );
  if (gates.length === 0) return;
  const uses = lines.flatMap((l, i) =>
    !l.comment && !l.blank && (SECRET_USE.test(l.text) || (l.key === "secrets" && l.value === "inherit"))
      ? [i]
      : [],
  );
  if (uses.length === 0 || !anyAdded(lines, [...uses, ...gates.map((g) => g.index)])) return;
  const at =
    uses.find((i) => lines[i]?.added) ?? gates.find((g) => lines[g.index]?.added)?.index ?? uses[0] ?? 0;
  const l = lines[at];
  if (!l) return;
  const what = [...new Set(gates.map((g) => g.what))].join(" and ");
  out.push({
    rule: "label-or-comment-trigger-with-secrets",
    severity: "high",
    line: l.line,
    message: `This workflow runs on ${what} and uses secrets: anyone who can comment, or any agent or bot that can add a label, can make it run with those secrets, possibly on a PR's code. Check the actor's permission in the job and keep secrets out of jobs such triggers start.`,
    fragment: l.text.trim(),
  });
}

export function workflowHazards(patchLines: readonly PatchLine[]): Hazard[] {
  const lines = outline(patchLines);
  const on = triggers(lines);
  const out: Hazard[] = [];
  privilegedTriggerHazards(lines, on, out);
  injectionHazards(lines, out);
  permissionHazards(lines, out);
  gatedSecretHazards(lines, on, out);
  return out.sort((a, b) => a.line - b.line);
}

/** Workflow files GitHub runs, and action definitions whose `run:` steps run inside them. */
export function isWorkflowPath(path: string): boolean {
  return /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path) || /(?:^|\/)action\.ya?ml$/i.test(path);
}
