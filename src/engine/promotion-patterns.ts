/**
 * The built-in promotion-chain patterns, as data so the README can list them, and the matchers
 * over them. Labels and commands use one small syntax: case-insensitive, runs of whitespace are
 * equal, and a trailing `*` matches any continuation (`deploy*` covers `deploy-prod`); without it a
 * command must be followed by whitespace or the end of the line (`/test all`, not `/testing`).
 */
import type { SafePattern } from "../policy/model.js";

/** Labels that make a merge bot, a CI trigger, a deploy job or a coding agent act on the PR. */
export const PROTECTED_LABELS: readonly string[] = [
  "automerge",
  "merge",
  "ready-to-merge",
  "merge-queue",
  "mergequeue",
  "merge queue",
  "lgtm",
  "approved",
  "ok-to-test",
  "safe-to-test",
  "safe to test",
  "run-ci",
  "deploy*",
  "skip-review",
  "skip_line",
  "hotfix",
  "fix-me",
  "Amazon Q development agent",
];

/** Labels that hold a PR back; removing one promotes it. */
export const HOLD_LABELS: readonly string[] = ["do-not-merge*", "hold", "wip", "needs-ok-to-test"];

/** Comment commands that merge bots, CI triggers and deploy jobs obey (Prow, bors, Mergify, Dependabot, rustbot, Amazon Q). */
export const COMMANDS: readonly string[] = [
  "/merge",
  "/deploy*",
  "/approve",
  "/lgtm",
  "/ok-to-test",
  "/retest",
  "/test",
  "/ship",
  "/hold cancel",
  "/unhold",
  "/remove-hold",
  "/override",
  "bors r+",
  "bors r=*",
  "bors merge",
  "bors try",
  "@bors r+",
  "@bors r=*",
  "@bors try",
  "@mergifyio",
  "@dependabot merge",
  "@dependabot squash and merge",
  "@dependabot recreate",
  "@dependabot rebase",
  "@rustbot",
  "/q dev",
  "/retest-required",
  "/automerge",
  "bors d+",
  "bors d=*",
  "bors delegate+",
  "bors delegate=*",
  "bors retry",
  "@bors d+",
  "@bors delegate+",
  "@bors retry",
  "/azp run*",
  "/gcbrun",
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Compiles one entry of the pattern syntax above; `boundary` is what must follow an exact entry. */
function compile(entry: string, boundary: string): RegExp {
  const trimmed = entry.trim();
  const prefix = trimmed.endsWith("*");
  const words = (prefix ? trimmed.slice(0, -1) : trimmed).split(/\s+/).map(escapeRegExp);
  return new RegExp(`^${words.join("\\s+")}${prefix ? "" : boundary}`, "i");
}

/** Bots match labels loosely (`auto-merge`, `auto_merge`, `Auto Merge`), so separators never tell labels apart here. */
const squash = (label: string): string => label.replace(/[\s_-]+/g, "").toLowerCase();

const compileLabel = (entry: string): RegExp =>
  compile(squash(entry.trim().replace(/\*$/, "")) + (entry.trim().endsWith("*") ? "*" : ""), "$");

/** Whether a label name matches one of the label patterns (built-in or configured). */
export function labelMatcher(patterns: readonly string[]): (label: string) => boolean {
  const compiled = patterns.map(compileLabel);
  return (label) => {
    const name = squash(label);
    return compiled.some((re) => re.test(name));
  };
}

export const isHoldLabel = labelMatcher(HOLD_LABELS);

/** Label names compare like GitHub compares them: case-insensitive. */
export const labelKey = (label: string): string => label.trim().toLowerCase();
export const sameLabel = (a: string, b: string): boolean => labelKey(a) === labelKey(b);

const BUILTIN_COMMANDS = COMMANDS.map((command) => ({ command, pattern: compile(command, "(?:\\s|$)") }));

/** A backtick fence's info string cannot hold a backtick (CommonMark): "```x```" is inline code, not a fence. */
const FENCE_OPEN = /^ {0,3}(`{3,}(?![^`]*`)|~{3,})/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})\s*$/;

/**
 * The lines of a Markdown body outside fenced code blocks. A fence that never closes hides
 * nothing: bots that read raw lines would still see what follows it, so neither do we skip it.
 */
export function linesOutsideCode(body: string): string[] {
  const lines = body.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let fence: { marker: string; start: number } | undefined;
  lines.forEach((line, index) => {
    if (!fence) {
      const open = FENCE_OPEN.exec(line)?.[1];
      if (open) fence = { marker: open, start: index };
      else out.push(line);
      return;
    }
    const close = FENCE_CLOSE.exec(line)?.[1];
    if (close && close[0] === fence.marker[0] && close.length >= fence.marker.length) fence = undefined;
  });
  if (fence) out.push(...lines.slice(fence.start));
  return out;
}

export interface CommandHit {
  /** The command as listed (built-in) or the configured pattern's source. */
  command: string;
  /** The line that carries it, trimmed. */
  line: string;
}

/**
 * The first command in a comment: a trimmed line outside code blocks and quotes (`> `) that starts
 * with a built-in command or matches a configured pattern. Quoting a command is not a command.
 */
export function findCommand(body: string, configured: readonly SafePattern[]): CommandHit | undefined {
  for (const raw of linesOutsideCode(body)) {
    const line = raw.trim();
    if (line === "" || line.startsWith(">")) continue;
    const builtin = BUILTIN_COMMANDS.find((c) => c.pattern.test(line));
    if (builtin) return { command: builtin.command, line };
    const custom = configured.find((p) => p.test(line));
    if (custom) return { command: custom.source, line };
  }
  return undefined;
}

const INLINE_CODE = /`[^`\n]*`/g;
/** `@handle` not inside a word, an e-mail address, a path or a URL. */
const MENTION = /(?<![\w.+\-/@`])@([a-z0-9][a-z0-9-]*)/gi;

/** Catalogued agent handles @-mentioned in a body (lowercased, once each), ignoring code. */
export function mentionedHandles(body: string, handles: readonly string[]): string[] {
  const known = new Set(handles.map((h) => h.toLowerCase()));
  const text = linesOutsideCode(body).join("\n").replace(INLINE_CODE, " ");
  const found = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const handle = (match[1] ?? "").toLowerCase().replace(/-+$/, "");
    if (known.has(handle)) found.add(handle);
  }
  return [...found];
}

/**
 * Whether a handle names the account itself (`claude` for `claude[bot]`, `copilot` for
 * `copilot-swe-agent[bot]`, `codex` for `chatgpt-codex-connector[bot]`): an agent talking about
 * itself is not escalating to another agent.
 */
export function isOwnHandle(login: string, handle: string): boolean {
  const base = login.toLowerCase().replace(/\[bot\]$/, "");
  return base === handle || base.split("-").includes(handle);
}

/** GitHub's own committer for web edits, API commits and merges: not a different account. */
export function isGitHubCommitter(identity: { login: string | null; email: string }): boolean {
  return (
    identity.login?.toLowerCase() === "web-flow" || identity.email.toLowerCase() === "noreply@github.com"
  );
}
