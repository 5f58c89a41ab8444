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
import { findSecrets } from "./secrets.js";
import { isWorkflowPath, workflowHazards } from "./workflow/hazards.js";

export { redact } from "./redact.js";

/** Characters of one line that are scanned; longer lines are cut and the cut is reported. */
export const MAX_LINE_CHARS = 16_384;
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
  let firstCut = 0;
  let cuts = 0;
  const lines: PatchLine[] = parsed.lines.map((l) => {
    if (l.text.length <= MAX_LINE_CHARS) return l;
    if (l.added && cuts++ === 0) firstCut = l.line;
    return { ...l, text: l.text.slice(0, MAX_LINE_CHARS) };
  });

  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l?.added) continue;
    const next = lines[i + 1]?.hunk === l.hunk ? lines[i + 1]?.text : undefined;
    for (const hit of findSecrets(l.text, next)) {
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
  }

  if (isWorkflowPath(file.path)) {
    for (const h of workflowHazards(lines)) {
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

  if (cuts > 0) {
    findings.push(
      note(
        file.path,
        firstCut,
        "scan-truncated",
        `${cuts} added line(s) are longer than ${MAX_LINE_CHARS} characters; only their first ${MAX_LINE_CHARS} characters were scanned.`,
      ),
    );
  }
  findings.sort((a, b) => a.line - b.line);
  if (findings.length > MAX_FINDINGS) {
    const kept = findings.slice(0, MAX_FINDINGS);
    kept.push(
      note(
        file.path,
        kept[kept.length - 1]?.line ?? 1,
        "scan-truncated",
        `${findings.length - MAX_FINDINGS} more findings in this file are not listed.`,
      ),
    );
    return { findings: kept, categories: contentCategories(lines) };
  }
  return { findings, categories: contentCategories(lines) };
}

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
