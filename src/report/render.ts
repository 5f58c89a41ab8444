/**
 * A decision rendered as the `agent-policy` check run: title, markdown summary and annotations.
 * Pure. Everything that came from the PR (paths, logins, labels, evidence) is escaped so it cannot
 * break the layout or inject markup, every text is redacted for secret shapes, and the output stays
 * within GitHub's limits (65,535 characters per field).
 */
import { createHash } from "node:crypto";
import type { Decision, RuleResult } from "../engine/decision.js";
import { redactText } from "../scan/redact-text.js";

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

export interface CheckRunOutput {
  status: "in_progress" | "completed";
  conclusion: "success" | "failure" | "action_required" | "neutral" | null;
  title: string;
  summary: string;
  text: string;
  annotations: Annotation[];
}

/** GitHub rejects longer summaries/texts; keep a margin for the fingerprint marker the app appends. */
export const MAX_FIELD = 65_000;
const MAX_TITLE = 200;
const MAX_ROWS = 50;
const MAX_ANNOTATIONS = 500;
const SENSITIVE_NOTICE = new Set(["auth", "secrets", "infra", "ci", "governance", "agent-config"]);

export const ICON: Record<Decision["verdict"], string> = {
  success: "✅",
  in_progress: "⏳",
  action_required: "✋",
  failure: "⛔",
};

export function renderDecision(d: Decision): CheckRunOutput {
  const title = oneLineTitle(safe(d.title));
  const summary = [
    `${ICON[d.verdict]} **${esc(d.title)}**`,
    "",
    ...section(
      "Next steps",
      d.nextSteps.map((s, i) => `${i + 1}. ${esc(s)}`),
    ),
    ...(d.errors.length > 0
      ? section(
          "Could not evaluate",
          d.errors.map((e) => `- ${esc(e)}`),
        )
      : []),
    ...identitySection(d),
    ...(d.violations.length > 0
      ? section(
          "Promotion-chain violations",
          limit(
            d.violations.map(
              (v) =>
                `- **${v.kind.replaceAll("_", " ")}** — ${esc(sentence(v.evidence))}. _Clears:_ ${esc(sentence(v.clears))}.`,
            ),
          ),
        )
      : []),
    ...(d.findings.length > 0
      ? section(
          "Findings in added lines",
          limit(
            d.findings.map(
              (f) =>
                `- ${f.severity.toUpperCase()} \`${esc(f.rule)}\` in ${code(f.path)}:${f.line} — ${esc(f.message)} (${code(f.excerpt)})`,
            ),
          ),
        )
      : []),
    ...(d.blocking.length > 0
      ? section(
          "Changes requested",
          d.blocking.map((b) => `- ${esc(b)}`),
        )
      : []),
    ...rulesSection(d.rules),
    ...reviewsSection(d),
    ...categoriesSection(d),
    ...(d.cleared.length > 0
      ? section(
          "Cleared",
          limit(
            d.cleared.map(
              (v) => `- ${v.kind.replaceAll("_", " ")}: ${esc(v.evidence)} — cleared by @${esc(v.clearedBy)}`,
            ),
          ),
        )
      : []),
    `<sub>Policy: ${esc(d.policySource)} · head ${d.headSha.slice(0, 7)}</sub>`,
  ].join("\n");
  return {
    status: d.verdict === "in_progress" ? "in_progress" : "completed",
    conclusion: d.verdict === "in_progress" ? null : d.verdict,
    title,
    summary: clip(safe(summary), MAX_FIELD),
    text: "",
    annotations: annotations(d),
  };
}

/** A fail-closed check for when there is no decision (invalid policy, API faults). */
export function renderFailure(headline: string, reasons: readonly string[]): CheckRunOutput {
  const summary = [
    `⛔ **${esc(headline)}**`,
    "",
    ...reasons.map((r) => `- ${esc(r)}`),
    "",
    "agent-policy fails closed: the PR stays blocked until it can be evaluated. Fix the cause, then use **Re-evaluate** or push.",
  ].join("\n");
  return {
    status: "completed",
    conclusion: "failure",
    title: oneLineTitle(safe(headline)),
    summary: clip(safe(summary), MAX_FIELD),
    text: "",
    annotations: [],
  };
}

/** Equal fingerprints mean equal check runs: the app skips the write. */
export function fingerprint(o: CheckRunOutput): string {
  return createHash("sha256")
    .update(JSON.stringify([o.status, o.conclusion, o.title, o.summary, o.text, o.annotations]))
    .digest("hex")
    .slice(0, 32);
}

function identitySection(d: Decision): string[] {
  const id = d.identity;
  const kind =
    id.kind === "agent" ? (id.assisted ? "agent-assisted (weak markers only)" : "AI agent") : id.kind;
  const lines = [`- **Author:** @${esc(id.author)} — ${kind}`];
  if (id.agents.length > 0) {
    lines.push(
      `- **Agents and bots:** ${id.agents.map((a) => `${esc(a.name)}${a.login ? ` (${code(a.login)})` : ""}${a.owner ? `, owner ${esc(a.owner)}` : ""}`).join("; ")}`,
    );
  }
  if (id.requesters.length > 0) {
    lines.push(
      `- **Requested by:** ${id.requesters.map((r) => `@${esc(r.login)} (${esc(r.evidence)})`).join("; ")}`,
    );
  }
  for (const e of limit(
    id.strong.map((e) => `- Strong evidence — ${esc(e.signal)}: ${esc(e.detail)}`),
    10,
  ))
    lines.push(e);
  for (const e of limit(
    id.weak.map((e) => `- Weak evidence — ${esc(e.signal)}: ${esc(e.detail)}`),
    10,
  ))
    lines.push(e);
  return section("Who", lines);
}

function rulesSection(rules: readonly RuleResult[]): string[] {
  if (rules.length === 0) return section("Rules", ["No rule applies to this PR."]);
  const rows = rules.map((r) => {
    const approvals =
      r.approvals.required === 0
        ? "—"
        : `${r.approvals.counted.length}/${r.approvals.required}${r.approvals.counted.length > 0 ? ` (${r.approvals.counted.map((l) => `@${esc(l)}`).join(", ")})` : ""} from ${esc(r.approvals.eligible)}`;
    const notCounted = r.approvals.notCounted.map((n) => `@${esc(n.login)}: ${esc(n.reason)}`).join("; ");
    const checks =
      r.checks.length === 0 ? "—" : r.checks.map((c) => `${esc(c.name)}: ${c.state}`).join("<br>");
    return `| ${r.met ? "✅" : "❌"} ${esc(r.name)} | ${esc(r.because.join("; "))} | ${approvals}${notCounted ? `<br>not counted: ${notCounted}` : ""} | ${checks} |`;
  });
  return section("Rules", [
    "| Rule | Applies because | Approvals | Checks |",
    "| --- | --- | --- | --- |",
    ...limit(rows),
  ]);
}

function reviewsSection(d: Decision): string[] {
  if (d.reviews.length === 0) return [];
  const rows = d.reviews.map(
    (r) =>
      `| @${esc(r.reviewer)} | ${r.state.toLowerCase().replaceAll("_", " ")} | ${r.counted ? "✅ counts" : "❌ does not count"} | ${esc(r.reason)} |`,
  );
  return section("Reviews", [
    "| Reviewer | Latest review | Counted | Why |",
    "| --- | --- | --- | --- |",
    ...limit(rows),
  ]);
}

function categoriesSection(d: Decision): string[] {
  if (d.categories.length === 0) return [];
  const rows = d.categories.map(
    (c) =>
      `| ${esc(c.name)} | ${c.files.slice(0, 10).map(code).join(", ")}${c.files.length > 10 ? ` and ${c.files.length - 10} more` : ""} |`,
  );
  return section("Sensitive changes", ["| Category | Files |", "| --- | --- |", ...limit(rows)]);
}

function annotations(d: Decision): Annotation[] {
  const out: Annotation[] = d.findings.map((f) => ({
    path: f.path,
    start_line: Math.max(1, f.line),
    end_line: Math.max(1, f.line),
    annotation_level: f.severity === "high" || f.kind === "secret" ? "failure" : "warning",
    title: clip(safe(`${f.kind === "secret" ? "Possible secret" : "Workflow hazard"}: ${f.rule}`), 255),
    message: clip(safe(`${f.message} (${f.excerpt})`), 4_000),
  }));
  for (const c of d.categories) {
    if (!SENSITIVE_NOTICE.has(c.name)) continue;
    for (const entry of c.files) {
      const path = entry.includes(" → ") ? (entry.split(" → ")[1] as string) : entry;
      out.push({
        path,
        start_line: 1,
        end_line: 1,
        annotation_level: "notice",
        title: clip(safe(`Sensitive file: ${c.name}`), 255),
        message: `This file is in the ${c.name} category, so the rules for ${c.name} changes apply to this PR.`,
      });
    }
  }
  return out.slice(0, MAX_ANNOTATIONS);
}

function section(heading: string, lines: readonly string[]): string[] {
  return [`### ${heading}`, ...lines, ""];
}

function limit(lines: readonly string[], max = MAX_ROWS): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max), `… and ${lines.length - max} more`];
}

/** Escape text from the PR for inline markdown and table cells: no HTML, no pipes, one line. */
/** Evidence texts are sentences of their own; drop the final stop where the report adds one. */
function sentence(s: string): string {
  return s.replace(/\.+\s*$/, "");
}

/**
 * Escape text from the PR for inline markdown and table cells: one line, no pipes; outside code
 * spans also no HTML and no link (`[text](url)` loses its `](`). Inside a code span markdown is inert, and entities
 * would show literally, so only pipes (which still end a table cell) are escaped there.
 */
export function esc(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part.replace(/\|/g, "\\|")
        : part
            .replace(/&/g, "&amp;")
            .replace(/</g, "&lt;")
            .replace(/>/g, "&gt;")
            .replace(/\|/g, "\\|")
            .replace(/\]\(/g, "]\\("),
    )
    .join("");
}

export function code(s: string): string {
  return `\`${s.replace(/[`\r\n|]/g, " ")}\``;
}

/** Redact anything secret-shaped wherever it came from (a command comment, a branch name, a path). */
export function safe(s: string): string {
  return redactText(s);
}

/** The title is the one line a user sees in the PR's checks list: never wrapped, cut with an ellipsis. */
export function oneLineTitle(s: string): string {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length <= MAX_TITLE ? line : `${line.slice(0, MAX_TITLE - 1)}…`;
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 40)}\n\n… (truncated to fit GitHub's limit)`;
}
