/**
 * Dangerous changes to GitHub Actions workflows and actions: privileged triggers that run PR code,
 * script injection, broad token permissions, and secrets reachable from label or comment triggers.
 * A hazard is reported only when at least one of its lines is added by the change.
 *
 * With the whole file at head, values are followed through the parsed YAML (env, outputs, jobs,
 * flow mappings, anchors); without it, or when it cannot be read safely or does not match the
 * patch, the lines the patch shows are read alone. Permissions are read from the patch either way:
 * each is one line.
 */

import type { PatchLine } from "../diff.js";
import { wholeFileHazards } from "./dataflow.js";
import { MAX_CONTENT_CHARS, readWorkflow, type Workflow } from "./document.js";
import { type OutlineLine, outline } from "./outline.js";
import { patchHazards } from "./patch-rules.js";
import { type Hazard, MESSAGES } from "./rules.js";

export type { Hazard } from "./rules.js";

const PERMISSION_SCOPES = new Set(
  (
    "actions attestations checks contents deployments discussions id-token issues models packages pages " +
    "pull-requests repository-projects security-events statuses"
  ).split(" "),
);

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

/** The file at head, when it is the file the patch was made against and can be read safely. */
function wholeFile(content: string | null | undefined, patchLines: readonly PatchLine[]): Workflow | null {
  if (content === undefined || content === null || content.length > MAX_CONTENT_CHARS) return null;
  const lines = content.split("\n");
  const matches = patchLines.every((pl) => lines[pl.line - 1]?.replace(/\r$/, "") === pl.text);
  return matches ? readWorkflow(content) : null;
}

/**
 * `unread` says why a workflow whose whole text was asked for (`content` not undefined) could not
 * be followed whole: values defined outside the hunks were then not followed, so a human must look.
 */
export function workflowHazards(
  patchLines: readonly PatchLine[],
  content?: string | null,
): { hazards: Hazard[]; unread: string | null } {
  const lines = outline(patchLines);
  const out: Hazard[] = [];
  permissionHazards(lines, out);
  const wf = wholeFile(content, patchLines);
  const added = new Set(patchLines.filter((l) => l.added).map((l) => l.line));
  out.push(...(wf ? wholeFileHazards(wf, added) : patchHazards(lines)));
  const unread =
    wf || content === undefined
      ? null
      : content === null || content.length > MAX_CONTENT_CHARS
        ? "the whole workflow could not be read (too large, or beyond this PR's budget for whole files), so values were followed only within the patch"
        : "the workflow could not be followed whole (not valid YAML, too deeply nested, too many aliases, or not the file the patch was made against), so values were followed only within the patch";
  return { hazards: out.sort((a, b) => a.line - b.line), unread };
}

/** Workflow files GitHub runs, and action definitions whose `run:` steps run inside them. */
export function isWorkflowPath(path: string): boolean {
  return /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path) || /(?:^|\/)action\.ya?ml$/i.test(path);
}
