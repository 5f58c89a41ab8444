/**
 * A decision rendered as the `agent-policy` check run: title, markdown summary and annotations.
 * Pure. Everything that came from the PR (paths, logins, labels, evidence) is escaped so it cannot
 * break the layout or inject markup, every text is redacted for secret shapes, and the output stays
 * within GitHub's limits (65,535 characters per field).
 *
 * Layout, as GitHub shows it under the run's title: the verdict in a few words, what agent-policy is
 * undoing, the next steps, and who made the PR and who asked for it. Everything else (violations
 * with their evidence, findings, rules, reviews, sensitive files, identification evidence) sits
 * below in collapsed `<details>` blocks. The title is plain text: GitHub shows it raw.
 */
import { createHash } from "node:crypto";
import type { Decision, PlannedAction, RuleResult, Violation } from "../engine/decision.js";
import type { Finding } from "../scan/model.js";
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
/** Names shown in one place (a table cell, a next step) before "and N more". */
export const MAX_NAMES = 5;
/** Names in each list of an approvals cell (who approved, who may, who did not count). */
const CELL_NAMES = 3;
/** Locations shown for a group of identical findings before "and N more". */
const MAX_LOCATIONS = 5;
/** Files named in one sensitive-category annotation before "and N more". */
const MAX_NOTICE_FILES = 5;
const SENSITIVE_NOTICE = new Set(["auth", "secrets", "infra", "ci", "governance", "agent-config"]);

export const ICON: Record<Decision["verdict"], string> = {
  success: "✅",
  in_progress: "⏳",
  action_required: "✋",
  failure: "⛔",
};

const VERDICT_WORD: Record<Decision["verdict"], string> = {
  success: "Passing",
  in_progress: "Waiting",
  action_required: "Action required",
  failure: "Blocked",
};

export function renderDecision(d: Decision, footer = ""): CheckRunOutput {
  const summary = [
    verdictLine(d),
    "",
    ...overrideLines(d),
    // Evaluate mode does not enforce: its notice says what enforce mode would have done.
    ...(d.mode === "evaluate" ? [] : undoingLines(d.actions)),
    ...section(
      "Next steps",
      d.nextSteps.map((s, i) => `${i + 1}. ${esc(fewerNames(s))}`),
    ),
    ...(d.errors.length > 0
      ? section(
          "Could not evaluate",
          d.errors.map((e) => `- ${esc(e)}`),
        )
      : []),
    ...(d.blocking.length > 0
      ? section(
          "Changes requested",
          d.blocking.map((b) => `- ${esc(b)}`),
        )
      : []),
    ...whoSection(d),
    ...violationsDetails(d.violations),
    ...findingsDetails(d.findings),
    ...rulesDetails(d.rules),
    ...reviewsDetails(d),
    ...categoriesDetails(d),
    ...evidenceDetails(d),
    ...clearedDetails(d.cleared),
    ...(footer ? [footer, ""] : []),
    `<sub>Policy: ${esc(d.policySource)} · head ${d.headSha.slice(0, 7)}</sub>`,
  ].join("\n");
  return {
    status: d.verdict === "in_progress" ? "in_progress" : "completed",
    conclusion: d.verdict === "in_progress" ? null : d.verdict,
    title: plainTitle(d.title),
    summary: clip(safe(summary), MAX_FIELD),
    text: "",
    annotations: annotations(d),
  };
}

/** A fail-closed check for when there is no decision (invalid policy, API faults). */
export function renderFailure(headline: string, reasons: readonly string[]): CheckRunOutput {
  const summary = [
    `${ICON.failure} **${VERDICT_WORD.failure}**: agent-policy could not evaluate this PR.`,
    "",
    ...reasons.map((r) => `- ${esc(r)}`),
    "",
    "agent-policy fails closed: the PR stays blocked until it can be evaluated. Fix the cause, then use **Re-evaluate** or push.",
  ].join("\n");
  return {
    status: "completed",
    conclusion: "failure",
    title: plainTitle(headline),
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

/** The verdict in a few words and the counts behind it; the title (shown just above) says why. */
function verdictLine(d: Decision): string {
  const facts: string[] = [];
  if (d.errors.length > 0) facts.push("could not be evaluated in full");
  if (d.violations.length > 0) facts.push(plural(d.violations.length, "promotion-chain violation"));
  if (d.findings.length > 0) facts.push(plural(d.findings.length, "finding"));
  const met = d.rules.filter((r) => r.met).length;
  facts.push(d.rules.length === 0 ? "no rule applies" : `${met} of ${plural(d.rules.length, "rule")} met`);
  return `${ICON[d.verdict]} **${VERDICT_WORD[d.verdict]}** — ${facts.join(", ")}`;
}

/** A break-glass override in force: who, when and why, and what the verdict is without it. */
function overrideLines(d: Decision): string[] {
  const o = d.override;
  if (!o) return [];
  return [
    `> **Overridden** by @${esc(o.by)} at ${esc(o.at)}: ${esc(o.reason)}`,
    ">",
    `> Without the override: ${ICON[o.without.verdict]} **${VERDICT_WORD[o.without.verdict]}**, ${esc(o.without.title)}. It holds for ${d.headSha.slice(0, 7)} only; a new push ends it.`,
    "",
  ];
}

/** What the app undoes on the PR, from the decision's planned actions (the explanation comment is not an undo). */
function undoingLines(actions: readonly PlannedAction[]): string[] {
  const undo = actions.flatMap((a): string[] => {
    if (a.kind === "remove_label") return [`removing label ${code(a.label)}`];
    if (a.kind === "restore_label") return [`restoring label ${code(a.label)}`];
    if (a.kind === "disable_auto_merge") return ["disabling auto-merge"];
    if (a.kind === "dequeue") return ["taking the PR out of the merge queue"];
    return [];
  });
  if (undo.length === 0) return [];
  return [`**Undoing:** ${[...new Set(undo)].join("; ")}.`, ""];
}

function whoSection(d: Decision): string[] {
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
      `- **Requested by:** ${andMore(
        id.requesters.map((r) => `@${esc(r.login)} (${esc(r.evidence)})`),
        MAX_NAMES,
        "; ",
      )}`,
    );
  }
  return section("Who", lines);
}

/**
 * One entry per kind of violation and way to clear it: the evidence of each, and how it clears once
 * (the engine's `clears` is a sentence of its own, "Clears when …").
 */
function violationsDetails(violations: readonly Violation[]): string[] {
  if (violations.length === 0) return [];
  const groups = groupBy(violations, (v) => `${v.kind}\u0000${v.clears}`);
  const lines = groups.flatMap((group) => {
    const [first] = group;
    if (!first) return [];
    const kind = first.kind.replaceAll("_", " ");
    const clears = capitalised(esc(stop(first.clears)));
    if (group.length === 1) return [`- **${kind}** — ${esc(stop(first.evidence))}<br>${clears}`];
    return [
      `- **${kind}** — ${group.length} times. ${clears}`,
      ...limit(
        group.map((v) => `  - ${esc(stop(v.evidence))}`),
        MAX_ROWS,
        "  - ",
      ),
    ];
  });
  return details(`Promotion-chain violations (${violations.length})`, lines);
}

/** Identical findings (same rule, severity and message) once, with a count and where they are. */
function findingsDetails(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const groups = groupBy(findings, (f) => `${f.kind}\u0000${f.rule}\u0000${f.severity}\u0000${f.message}`);
  const lines = groups.flatMap((group) => {
    const [f] = group;
    if (!f) return [];
    const head = `- **${f.severity.toUpperCase()}** ${code(f.rule)}`;
    if (group.length === 1)
      return [`${head} in ${code(f.path)}:${f.line} — ${esc(f.message)} (${code(f.excerpt)})`];
    return [`${head} — ${group.length} × in ${locations(group)} — ${esc(f.message)}`];
  });
  return details(`Findings in added lines (${findings.length})`, limit(lines));
}

/** `a.ts` (lines 3, 9), `b.ts`:7 and 4 more files. */
function locations(group: readonly Finding[]): string {
  const byPath = groupBy(group, (f) => f.path);
  const shown = byPath.slice(0, MAX_LOCATIONS).map((fs) => {
    const lines = [...new Set(fs.map((f) => f.line))];
    const path = code(fs[0]?.path ?? "");
    if (lines.length === 1) return `${path}:${lines[0]}`;
    return `${path} (lines ${andMore(
      lines.map((l) => String(l)),
      MAX_LOCATIONS,
    )})`;
  });
  const rest = byPath.length - shown.length;
  return `${shown.join(", ")}${rest > 0 ? ` and ${plural(rest, "more file")}` : ""}`;
}

function rulesDetails(rules: readonly RuleResult[]): string[] {
  if (rules.length === 0) return section("Rules", ["No rule applies to this PR."]);
  const rows = rules.map(
    (r) =>
      `| ${r.met ? "✅" : "❌"} ${cell(r.name)} | ${cell(r.because.join("; "))} | ${approvalsCell(r)} | ${
        r.checks.length === 0 ? "—" : r.checks.map((c) => `${cell(c.name)}: ${c.state}`).join("<br>")
      } |`,
  );
  const met = rules.filter((r) => r.met).length;
  return details(`Rules: ${met} of ${plural(rules.length, "rule")} met`, [
    "| Rule | Applies because | Approvals | Checks |",
    "| --- | --- | --- | --- |",
    ...limitRows(rows, 4),
  ]);
}

/**
 * "1 of 2 required: @bob", who may give them, and whose approvals did not count and why: a few
 * names each, so a cell never lists a rule's forty reviewers.
 */
export function approvalsCell(r: RuleResult): string {
  const { required, counted, notCounted, eligible } = r.approvals;
  if (required === 0 && counted.length === 0 && notCounted.length === 0) return "none required";
  const names = (logins: readonly string[]) => logins.map((l) => `@${cell(l)}`);
  const parts = [
    `${counted.length} of ${required} required${counted.length > 0 ? `: ${andMore(names(counted), CELL_NAMES)}` : ""}`,
  ];
  if (required > 0) parts.push(`from ${cell(fewerNames(eligible, CELL_NAMES))}`);
  if (notCounted.length > 0) {
    // The usual reason repeats the line above it ("not among <from>").
    const why = (reason: string) =>
      required > 0 && reason === `not among ${eligible}`
        ? "not among those"
        : cell(fewerNames(reason, CELL_NAMES));
    let budget = CELL_NAMES;
    let hidden = 0;
    const shown: string[] = [];
    for (const group of groupBy(notCounted, (n) => n.reason)) {
      if (budget === 0) {
        hidden += group.length;
        continue;
      }
      const some = group.slice(0, budget);
      budget -= some.length;
      const more = group.length - some.length;
      shown.push(
        `${names(some.map((n) => n.login)).join(", ")}${more > 0 ? ` and ${more} more` : ""} (${why(group[0]?.reason ?? "")})`,
      );
    }
    if (hidden > 0) shown.push(`and ${hidden} more for other reasons`);
    parts.push(`not counted: ${shown.join("; ")}`);
  }
  return parts.join("<br>");
}

function reviewsDetails(d: Decision): string[] {
  if (d.reviews.length === 0) return [];
  const rows = d.reviews.map(
    (r) =>
      `| @${cell(r.reviewer)} | ${r.state.toLowerCase().replaceAll("_", " ")} | ${r.counted ? "✅ counts" : "❌ does not count"} | ${cell(fewerNames(r.reason))} |`,
  );
  const counted = d.reviews.filter((r) => r.counted).length;
  return details(`Reviews: ${counted} of ${d.reviews.length} counted`, [
    "| Reviewer | Latest review | Counted | Why |",
    "| --- | --- | --- | --- |",
    ...limitRows(rows, 4),
  ]);
}

function categoriesDetails(d: Decision): string[] {
  if (d.categories.length === 0) return [];
  const rows = d.categories.map((c) => `| ${cell(c.name)} | ${andMore(c.files.map(codeCell), 10)} |`);
  const names = d.categories.map((c) => `${c.name} (${plural(c.files.length, "file")})`).join(", ");
  return details(`Sensitive changes: ${esc(names)}`, [
    "| Category | Files |",
    "| --- | --- |",
    ...limitRows(rows, 2),
  ]);
}

function evidenceDetails(d: Decision): string[] {
  const { strong, weak } = d.identity;
  if (strong.length + weak.length === 0) return [];
  const lines = [
    ...limit(
      strong.map((e) => `- Strong evidence — ${esc(e.signal)}: ${esc(e.detail)}`),
      10,
    ),
    ...limit(
      weak.map((e) => `- Weak evidence — ${esc(e.signal)}: ${esc(e.detail)}`),
      10,
    ),
  ];
  return details(`How the author was identified: ${strong.length} strong, ${weak.length} weak`, lines);
}

function clearedDetails(cleared: Decision["cleared"]): string[] {
  if (cleared.length === 0) return [];
  return details(
    `Cleared (${cleared.length})`,
    limit(
      cleared.map(
        (v) => `- ${v.kind.replaceAll("_", " ")}: ${esc(v.evidence)} — cleared by ${esc(v.clearedBy)}`,
      ),
    ),
  );
}

/**
 * Findings on their lines; sensitive files once per category (on its first file, naming the rest),
 * not once per file: a large PR would otherwise get hundreds of notices.
 */
function annotations(d: Decision): Annotation[] {
  const notices: Annotation[] = [];
  for (const c of d.categories) {
    if (!SENSITIVE_NOTICE.has(c.name)) continue;
    const paths = c.files.map((entry) => (entry.includes(" → ") ? (entry.split(" → ")[1] as string) : entry));
    const [path, ...rest] = paths;
    if (path === undefined) continue;
    const others =
      rest.length === 0
        ? "This file is"
        : `This file and ${plural(rest.length, "other file")} (${andMore(rest, MAX_NOTICE_FILES)}) are`;
    notices.push({
      path,
      start_line: 1,
      end_line: 1,
      annotation_level: "notice",
      title: clip(safe(`Sensitive file${rest.length > 0 ? `s (${paths.length})` : ""}: ${c.name}`), 255),
      message: clip(
        safe(`${others} in the ${c.name} category, so the rules for ${c.name} changes apply to this PR.`),
        4_000,
      ),
    });
  }
  const findings: Annotation[] = d.findings.map((f) => ({
    path: f.path,
    start_line: Math.max(1, f.line),
    end_line: Math.max(1, f.line),
    annotation_level: f.severity === "high" || f.kind === "secret" ? "failure" : "warning",
    title: clip(safe(`${f.kind === "secret" ? "Possible secret" : "Workflow hazard"}: ${f.rule}`), 255),
    message: clip(safe(`${f.message} (${f.excerpt})`), 4_000),
  }));
  return [...findings.slice(0, MAX_ANNOTATIONS - notices.length), ...notices];
}

function section(heading: string, lines: readonly string[]): string[] {
  return [`### ${heading}`, ...lines, ""];
}

/** A collapsed block; GitHub renders Markdown inside it only after a blank line. */
function details(summary: string, lines: readonly string[]): string[] {
  return [`<details><summary>${summary}</summary>`, "", ...lines, "", "</details>", ""];
}

function limit(lines: readonly string[], max = MAX_ROWS, prefix = ""): string[] {
  return lines.length <= max
    ? [...lines]
    : [...lines.slice(0, max), `${prefix}… and ${lines.length - max} more`];
}

/** Table rows; the "and N more" is a row of its own (a line without pipes would still be read as a row). */
function limitRows(rows: readonly string[], columns: number): string[] {
  return rows.length <= MAX_ROWS
    ? [...rows]
    : [...rows.slice(0, MAX_ROWS), `| … and ${rows.length - MAX_ROWS} more |${" |".repeat(columns - 1)}`];
}

/** "a, b, c, d, e and 35 more". */
export function andMore(items: readonly string[], max = MAX_NAMES, sep = ", "): string {
  return items.length <= max
    ? items.join(sep)
    : `${items.slice(0, max).join(sep)} and ${items.length - max} more`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

const HANDLE = String.raw`@[\w.-]+(?:/[\w.-]+)?(?:\[bot\])?`;
const HANDLE_RUN = new RegExp(`${HANDLE}(?:, ${HANDLE})+`, "g");

/**
 * A long run of `@user, @org/team, …` (a rule's `from`) cut to `max` names, teams first so none
 * hides among the users left out: "@a, @b, @c, @d, @acme/security and 36 more users".
 */
export function fewerNames(s: string, max = MAX_NAMES): string {
  return s.replace(HANDLE_RUN, (run) => {
    const names = run.split(", ");
    if (names.length <= max) return run;
    const isTeam = (n: string) => n.includes("/");
    const keep = new Set([...names.filter(isTeam), ...names.filter((n) => !isTeam(n))].slice(0, max));
    const users = names.filter((n) => !isTeam(n) && !keep.has(n)).length;
    const teams = names.filter((n) => isTeam(n) && !keep.has(n)).length;
    const rest = [
      ...(users > 0 ? [plural(users, "more user")] : []),
      ...(teams > 0 ? [plural(teams, "more team")] : []),
    ];
    return `${names.filter((n) => keep.has(n)).join(", ")} and ${rest.join(" and ")}`;
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Evidence and clearing texts are sentences of their own: one final stop, whether or not they had it. */
function stop(s: string): string {
  return `${s.replace(/\.+\s*$/, "")}.`;
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const CODE_SPAN = /(`[^`]*`)/;

/** Outside code spans: no HTML, no pipes, no links (`[text](url)` loses its `](`). */
function escText(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\]\(/g, "]\\(");
}

/**
 * What looks like a code span, made harmless even if Markdown pairs the backticks differently (a run
 * of three opens a span one backtick cannot close): no angle bracket can start HTML there. Inside a
 * real code span an entity or a backslash would show literally, so look-alikes stand in.
 */
function inertCode(span: string): string {
  return span.replace(/</g, "‹").replace(/>/g, "›");
}

/**
 * Escape text from the PR for inline markdown outside tables: one line; outside code spans no HTML,
 * no pipes and no link; inside them no angle brackets (see {@link inertCode}).
 */
export function esc(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .split(CODE_SPAN)
    .map((part, i) => (i % 2 === 1 ? inertCode(part) : escText(part)))
    .join("");
}

/**
 * Escape text from the PR for a table cell: as {@link esc}, and a code span holding a pipe (which
 * would end the cell) becomes HTML `<code>` with the pipe as an entity, since an escaped pipe in a
 * code span shows its backslash in some renderers.
 */
export function cell(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .split(CODE_SPAN)
    .map((part, i) =>
      i % 2 === 0 ? escText(part) : part.includes("|") ? htmlCode(part.slice(1, -1)) : inertCode(part),
    )
    .join("");
}

/** Inline code outside tables: no backticks or line breaks from the text. */
export function code(s: string): string {
  return `\`${s.replace(/[`\r\n]/g, " ")}\``;
}

/** Inline code in a table cell: a code span, or `<code>` with entities when the text holds a pipe. */
export function codeCell(s: string): string {
  const flat = s.replace(/[`\r\n]/g, " ");
  return flat.includes("|") ? htmlCode(flat) : `\`${flat}\``;
}

/** `<code>` whose ASCII punctuation are numeric entities: no markup, pipe, emphasis or link survives. */
function htmlCode(s: string): string {
  return `<code>${s.replace(/[!-/:-@[-`{-~]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</code>`;
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

/** A title as GitHub shows it, raw: no Markdown (code spans lose their backticks), few names, one line, redacted. */
export function plainTitle(s: string): string {
  return oneLineTitle(fewerNames(safe(s).replace(/`/g, "")));
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 40)}\n\n… (truncated to fit GitHub's limit)`;
}
