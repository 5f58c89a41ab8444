/**
 * Content scanning of one changed file: secrets on the lines the change adds, dangerous workflow
 * changes, and categories the content puts the file in. Pure, synchronous, bounded, and it never
 * throws: a file it cannot read fully is reported, not passed.
 */
import type { ChangedFile } from "../facts/model.js";
import { contentCategories } from "./content.js";
import { type PatchLine, parsePatch } from "./diff.js";
import type { FileScan, Finding } from "./model.js";
import { redact } from "./redact.js";
import { redactText } from "./redact-text.js";
import { findSecrets, genericAllowance, MAX_GENERIC_CANDIDATES } from "./secrets.js";
import { isWorkflowPath, workflowHazards } from "./workflow/hazards.js";

export { redact } from "./redact.js";

/** Findings kept per file; a file with more is reported as such rather than flooding the report. */
export const MAX_FINDINGS = 200;

/** A hazard's fragment of workflow text, shortened and with any secret in it redacted. */
function scrub(text: string): string {
  return redactText(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

function note(path: string, line: number, rule: string, message: string): Finding {
  return { kind: "secret", rule, path, line, severity: "low", message, excerpt: "" };
}

function scan(file: ChangedFile): FileScan {
  if (file.patch === null || file.patch === undefined) return { findings: [], categories: [] };
  const parsed = parsePatch(String(file.patch));
  const findings: Finding[] = [];
  if (parsed.unparsed) {
    findings.push(
      note(
        file.path,
        1,
        "scan-incomplete",
        "The patch could not be read as a unified diff, so its content was not scanned.",
      ),
    );
  }
  // Lines are scanned whole, however long: every detector is linear in the line (see secrets.ts), and
  // the PR's scanning budget (engine/scan-budget.ts) bounds the total.
  const lines: readonly PatchLine[] = parsed.lines;

  // The generic rule stops past its allowance for the file; the file then needs a human (fail closed).
  const allowance = genericAllowance();
  let genericStopped = 0;
  // Secret findings past the cap are only counted: they come in line order, so none of them could be listed.
  let unlisted = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l?.added) continue;
    const next = lines[i + 1]?.hunk === l.hunk ? lines[i + 1]?.text : undefined;
    for (const hit of findSecrets(l.text, next, allowance)) {
      if (findings.length >= MAX_FINDINGS) {
        unlisted++;
        continue;
      }
      findings.push({
        kind: "secret",
        rule: hit.rule,
        path: file.path,
        line: l.line,
        severity: hit.severity,
        message: hit.message,
        excerpt: redact(hit.secret),
      });
    }
    if (allowance.exhausted && genericStopped === 0) genericStopped = l.line;
  }

  let incomplete: string | undefined;
  if (isWorkflowPath(file.path)) {
    const { hazards, unread } = workflowHazards(lines, file.content);
    if (unread) incomplete = unread;
    for (const h of hazards) {
      findings.push({
        kind: "workflow_hazard",
        rule: h.rule,
        path: file.path,
        line: h.line,
        severity: h.severity,
        message: h.message,
        excerpt: scrub(h.fragment),
      });
    }
  }

  // Kept after any cut below, so whoever reads the findings learns why a human must look.
  const stopped: Finding[] = [];
  if (genericStopped > 0) {
    const why = `It assigns more than ${MAX_GENERIC_CANDIDATES.toLocaleString("en-US")} values to secret-like names, so from line ${genericStopped} on the rule for random-looking values assigned to secret-like names was not run (known token formats were still looked for on every line). A human must review it.`;
    incomplete = incomplete === undefined ? why : `${incomplete} ${why}`;
    stopped.push(
      note(
        file.path,
        genericStopped,
        "scan-incomplete",
        `This file was not fully scanned for secrets. ${why}`,
      ),
    );
  }
  findings.sort((a, b) => a.line - b.line);
  if (findings.length + unlisted > MAX_FINDINGS) {
    const kept = findings.slice(0, MAX_FINDINGS);
    kept.push(
      note(
        file.path,
        kept[kept.length - 1]?.line ?? 1,
        "scan-truncated",
        `${findings.length + unlisted - MAX_FINDINGS} more findings in this file are not listed.`,
      ),
      ...stopped,
    );
    return withIncomplete({ findings: kept, categories: contentCategories(lines, file) }, incomplete);
  }
  findings.push(...stopped);
  return withIncomplete({ findings, categories: contentCategories(lines, file) }, incomplete);
}

const withIncomplete = (scan: FileScan, incomplete: string | undefined): FileScan =>
  incomplete === undefined ? scan : { ...scan, incomplete };

/** Scans one changed file. Never throws; an internal failure becomes a high-severity finding (fail closed). */
export function scanFile(file: ChangedFile): FileScan {
  try {
    return scan(file);
  } catch {
    return {
      findings: [
        {
          kind: "secret",
          rule: "scan-error",
          path: String(file?.path ?? ""),
          line: 1,
          severity: "high",
          message:
            "Content scanning failed on this file, so it could not be checked for secrets; a human must review it.",
          excerpt: "",
        },
      ],
      categories: [],
    };
  }
}
