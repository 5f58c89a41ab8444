/**
 * Git trailers (`Key: value` lines) from commit messages, and the GitHub logins hidden in noreply emails.
 * Messages are untrusted: input and output are bounded, every pattern runs in linear time, nothing throws.
 */

export interface Trailer {
  /** As written (`Co-Authored-By`); compare case-insensitively. */
  key: string;
  value: string;
}

export interface TrailerIdentity {
  name: string;
  email: string;
}

/** Characters of a message (or PR body) looked at; longer text keeps its head and its tail, where trailers and footers sit. */
export const MAX_TEXT_CHARS = 64 * 1024;
export const MAX_TRAILERS = 1000;

/** A GitHub login: letters, digits and single inner hyphens, at most 39 characters (checked separately). */
export const LOGIN_PATTERN = "[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}";
const MAX_LOGIN = 39;

/** Keys recognised on any line: squash merges and agents put them mid-message. Other keys count only in the final paragraph. */
const ANYWHERE_KEYS = new Set(["co-authored-by", "signed-off-by", "generated-by", "assisted-by"]);

// A bounded key, then ":" and a non-empty value. No two parts can match the same characters, so no backtracking blow-up.
const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]{0,99})[ \t]*:[ \t]*(\S[\s\S]*)$/;
const NOREPLY = new RegExp(
  `^(?:\\d{1,20}\\+)?(${LOGIN_PATTERN})(\\[bot\\])?@users\\.noreply\\.github\\.com$`,
  "i",
);
const MAX_VALUE = 1000;
const MAX_EMAIL = 254;

/** Text cut to `max` characters, keeping the first and last halves so both a subject and a footer survive. */
export function clipText(text: string, max: number = MAX_TEXT_CHARS): string {
  if (typeof text !== "string") return "";
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n${text.slice(text.length - half)}`;
}

export function parseTrailers(message: string): Trailer[] {
  const lines = clipText(message).split(/\r\n|\r|\n/);
  const finalStart = finalParagraphStart(lines);
  const out: Trailer[] = [];
  let last: Trailer | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const inFinal = i >= finalStart;
    // Git folds long trailer values onto indented continuation lines.
    if (inFinal && last && /^[ \t]/.test(line) && line.trim() !== "") {
      last.value = `${last.value} ${line.trim()}`.slice(0, MAX_VALUE);
      continue;
    }
    last = null;
    const m = TRAILER_LINE.exec(line.trim());
    if (!m?.[1] || !m[2]) continue;
    if (!inFinal && !ANYWHERE_KEYS.has(m[1].toLowerCase())) continue;
    last = { key: m[1], value: m[2].trimEnd().slice(0, MAX_VALUE) };
    out.push(last);
  }
  // Like the text, keep both ends: an agent's trailer usually comes last, after any list of co-authors.
  if (out.length <= MAX_TRAILERS) return out;
  const half = MAX_TRAILERS / 2;
  return [...out.slice(0, half), ...out.slice(out.length - half)];
}

/**
 * Index of the first line of the final paragraph, or lines.length when the message has only one
 * paragraph: the subject is never a trailer block ("fix: typo" is not a `fix` trailer).
 */
function finalParagraphStart(lines: readonly string[]): number {
  let end = lines.length - 1;
  while (end >= 0 && (lines[end] ?? "").trim() === "") end--;
  let start = end;
  while (start > 0 && (lines[start - 1] ?? "").trim() !== "") start--;
  return start <= 0 ? lines.length : start;
}

/**
 * `Name <email>`, a bare email, or `Name email` without the angle brackets (an editor or a
 * renderer that dropped them; `mailto:` too); null when the value names no email.
 */
export function parseIdentity(value: string): TrailerIdentity | null {
  if (typeof value !== "string") return null;
  const open = value.lastIndexOf("<");
  const close = open >= 0 ? value.indexOf(">", open) : -1;
  let name: string;
  let email: string;
  if (close > open) {
    name = value.slice(0, open).trim();
    email = value.slice(open + 1, close).trim();
  } else {
    // The last word is the email: "Claude noreply@anthropic.com", "Claude mailto:noreply@anthropic.com".
    const trimmed = value.trim();
    const space = Math.max(trimmed.lastIndexOf(" "), trimmed.lastIndexOf("\t"));
    name = space >= 0 ? trimmed.slice(0, space).trim() : "";
    email = (space >= 0 ? trimmed.slice(space + 1) : trimmed).replace(/^mailto:/i, "");
  }
  email = email.replace(/^mailto:/i, "");
  if (email.length === 0 || email.length > MAX_EMAIL || /\s/.test(email)) return null;
  const at = email.indexOf("@");
  if (at <= 0 || at === email.length - 1) return null;
  return { name, email };
}

/**
 * The login in a GitHub noreply email (`123+login@users.noreply.github.com`, `login@users.noreply.github.com`,
 * `123+app[bot]@…`), spelled as in the email; null for any other email.
 */
/** The account id in a GitHub noreply email (`123+login@users.noreply.github.com`); null when it has none. */
export function noreplyId(email: string): number | null {
  if (typeof email !== "string" || email.length > MAX_EMAIL || !NOREPLY.test(email)) return null;
  const plus = email.indexOf("+");
  const id = plus > 0 ? Number(email.slice(0, plus)) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function noreplyLogin(email: string): string | null {
  if (typeof email !== "string" || email.length > MAX_EMAIL) return null;
  const m = NOREPLY.exec(email);
  if (!m?.[1] || m[1].length > MAX_LOGIN) return null;
  return m[1] + (m[2] ?? "");
}
