/**
 * Generic secrets: a random-looking literal assigned to a secret-like name, in any of the usual
 * syntaxes (`KEY=value`, `key: value`, `"key": "value"`, `key = "value"`, `key := "value"`).
 * Names are split into words so `passwordResetUrl` and `max_tokens` are not mistaken for secrets.
 *
 * Linear in the line, whatever it holds (`password=password=…` for megabytes included): names are
 * bounded; an unquoted value ends where the next assignment to a secret-like name starts, so unquoted
 * values never overlap, and quoted ones end at their own closing quote; the end of the run of
 * characters an unquoted value may hold is found once for all the values that start in it; and each
 * value is judged by cheap whole-value passes (typed runs, character classes, entropy) before any
 * pattern is tried. A file may still hold more assignments than anyone writes by hand: past
 * `MAX_GENERIC_CANDIDATES` the rule stops for that file and says so (`GenericAllowance`).
 */
import { shannonEntropy } from "./entropy.js";
import { hasTypedRun, isPlaceholderValue, namesPlaceholder } from "./placeholder.js";

export interface GenericSecret {
  rule: "generic-secret-assignment" | "aws-secret-access-key";
  key: string;
  start: number;
  end: number;
  value: string;
}

/** Cheap, case-insensitive prefilter: every secret-like name contains one of these. */
const KEYWORD = /pass|pwd|secret|token|credential|key|auth/gi;

const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "pwd",
  "pass",
  "passphrase",
  "secret",
  "token",
  "credential",
  "credentials",
  "apikey",
  "auth",
  "authkey",
  "privatekey",
  "accesskey",
  "secretkey",
  "apitoken",
  "authtoken",
  "accesstoken",
]);
/** Words that, before "key", make it a secret key ("api key", "signing key"). */
const KEY_QUALIFIERS = new Set([
  "api",
  "access",
  "private",
  "secret",
  "signing",
  "encryption",
  "encrypt",
  "master",
  "client",
  "session",
  "webhook",
  "license",
  "account",
  "app",
  "admin",
  "service",
  "storage",
  "auth",
  "subscription",
  "hmac",
  "jwt",
]);
/** A last word that makes the name describe something about a secret rather than hold it. */
const DESCRIPTIVE_LAST = new Set(
  (
    "id ids name names type types len length count size path file filename dir url uri endpoint host header field " +
    "param params prefix suffix env var ttl timeout expiry expires expiration version policy hash digest checksum sha " +
    "sha1 sha256 fingerprint regex pattern format label hint placeholder enabled required limit mode kind provider " +
    "store manager service usage rotation arn ref location source index storage method scheme strategy " +
    "class handler error message msg"
  ).split(" "),
);
const NON_SECRET_ANY = new Set([
  "public",
  "publishable",
  "pub",
  "max",
  "min",
  "num",
  "tokenizer",
  "csrf",
  "example",
]);

const isLower = (c: number) => c >= 97 && c <= 122;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The lower-case words of an identifier: split at non-alphanumerics, before an upper-case letter that
 * follows a lower-case letter or a digit (`apiKey`), and before the last capital of a run that starts
 * a word (`HTTPServer`). One pass (two regex replacements would backtrack on a long capital run).
 */
function words(identifier: string): string[] {
  const out: string[] = [];
  let word = "";
  for (let i = 0; i < identifier.length; i++) {
    const c = identifier.charCodeAt(i);
    if (!isLower(c) && !isUpper(c) && !isDigit(c)) {
      if (word !== "") out.push(word);
      word = "";
      continue;
    }
    if (isUpper(c) && word !== "") {
      const prev = identifier.charCodeAt(i - 1);
      if (isLower(prev) || isDigit(prev) || (isUpper(prev) && isLower(identifier.charCodeAt(i + 1)))) {
        out.push(word);
        word = "";
      }
    }
    word += isUpper(c) ? String.fromCharCode(c + 32) : identifier.charAt(i);
  }
  if (word !== "") out.push(word);
  return out;
}

/** What a name says about the value assigned to it. */
interface NameVerdict {
  secret: boolean;
  /** A password-like name: shorter values count. */
  password: boolean;
  /** An AWS secret access key's name. */
  aws: boolean;
}

/** Names repeat across lines and files; remember recent verdicts (bounded). */
const nameVerdicts = new Map<string, NameVerdict>();
const MAX_REMEMBERED = 4096;

/**
 * A copy of `text` that does not keep the string it was cut from alive (V8 may share a slice's
 * characters with its parent, here a line of up to megabytes), for what outlives the scan of a line.
 */
export function detached(text: string): string {
  return ` ${text}`.slice(1);
}

/** The last name judged: a run of one name (`pwd=pwd=…`, a column of `password:`) skips the lookup. */
let lastName = "";
let lastVerdict: NameVerdict | undefined;

function judge(found: string): NameVerdict {
  if (found === lastName && lastVerdict !== undefined) return lastVerdict;
  lastVerdict = judgeAnew(found);
  lastName = detached(found);
  return lastVerdict;
}

function judgeAnew(found: string): NameVerdict {
  const known = nameVerdicts.get(found);
  if (known !== undefined) return known;
  if (nameVerdicts.size >= MAX_REMEMBERED) nameVerdicts.clear();
  const name = detached(found);
  const ws = words(name);
  const verdict = {
    secret: judgeName(ws),
    password: ws.some((w) => w.startsWith("pass") || w === "pwd"),
    aws: /secret_?access_?key/i.test(name.replace(/[-.]/g, "_")),
  };
  nameVerdicts.set(name, verdict);
  return verdict;
}

function judgeName(ws: readonly string[]): boolean {
  if (ws.length === 0) return false;
  if (DESCRIPTIVE_LAST.has(ws[ws.length - 1] ?? "") || ws.some((w) => NON_SECRET_ANY.has(w))) return false;
  return ws.some(
    (w, i) => SECRET_WORDS.has(w) || (w === "key" && i > 0 && KEY_QUALIFIERS.has(ws[i - 1] ?? "")),
  );
}

const isIdentChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;

const TYPE_ANNOTATION = /:[ \t]{0,4}[A-Za-z][\w<>[\]|.]{0,40}[ \t]{0,4}(?==[^=])/y;
const OPERATOR = /(?::=|=>|\?\?=|\|\|=|=(?![=~>])|:(?![:/]))[ \t]{0,8}/y;
const WRAPPER = /(?:[A-Za-z_][\w.:]{0,40}\([ \t]{0,4}|[bBrRuUf](?=["'`]))/y;
const QUOTE_NEXT = /\\?["'`]/y;
/** The characters an unquoted value may hold, as many as there are. */
const UNQUOTED_RUN = /[^\s"'`,;()[\]{}#<>]*/y;
const UNQUOTED = /[^\s"'`,;()[\]{}#<>]{1,512}/y;

const MAX_NAME = 64;
const MAX_VALUE = 512;

/** Cheap look-ahead: an assignment operator can follow the name (past a closing quote or bracket). */
function operatorFollows(line: string, from: number): boolean {
  let p = from;
  const limit = Math.min(line.length, from + 16);
  while (p < limit) {
    const c = line[p];
    if (c === ":" || c === "=" || c === "?" || c === "|") return true;
    if (c !== " " && c !== "\t" && c !== '"' && c !== "'" && c !== "\\" && c !== "]") return false;
    p++;
  }
  return false;
}

/**
 * The last run of unquoted-value characters found on the line, [start, end): a value starting inside
 * it ends at `end` (or `MAX_VALUE` on), so the run is read once, not once per value that starts in it.
 */
interface Run {
  start: number;
  end: number;
}

/** Where the unquoted value starting at `p` ends (`p` itself when none can start there). */
function unquotedEnd(line: string, p: number, run: Run): number {
  if (p >= run.start && p < run.end) return Math.min(run.end, p + MAX_VALUE);
  if (p < run.start) {
    // Values are met left to right; should one start before the last run, read it the bounded way.
    UNQUOTED.lastIndex = p;
    return UNQUOTED.test(line) ? UNQUOTED.lastIndex : p;
  }
  UNQUOTED_RUN.lastIndex = p;
  UNQUOTED_RUN.test(line);
  run.start = p;
  run.end = UNQUOTED_RUN.lastIndex;
  return Math.min(run.end, p + MAX_VALUE);
}

interface Value {
  start: number;
  value: string;
  quoted: boolean;
}

/** Parses what follows a secret-like name: operator and literal value, or null when it is not an assignment. */
function valueAfter(line: string, from: number, run: Run): Value | null {
  let p = from;
  if (line[p] === "\\") p++;
  if (line[p] === '"' || line[p] === "'") p++;
  if (line[p] === "]") p++;
  while (p < line.length && p - from < 12 && (line[p] === " " || line[p] === "\t")) p++;
  if (line[p] === ":") {
    TYPE_ANNOTATION.lastIndex = p;
    if (TYPE_ANNOTATION.test(line)) p = TYPE_ANNOTATION.lastIndex;
  }
  OPERATOR.lastIndex = p;
  if (!OPERATOR.test(line)) return null;
  p = OPERATOR.lastIndex;
  WRAPPER.lastIndex = p;
  const first = line.charCodeAt(p);
  if ((isLower(first) || isUpper(first) || first === 95) && WRAPPER.test(line)) {
    QUOTE_NEXT.lastIndex = WRAPPER.lastIndex;
    if (QUOTE_NEXT.test(line)) p = WRAPPER.lastIndex;
  }
  const escaped = line[p] === "\\";
  const quote = line[escaped ? p + 1 : p];
  if (quote === '"' || quote === "'" || quote === "`") {
    const start = p + (escaped ? 2 : 1);
    const closer = escaped ? `\\${quote}` : quote;
    // The closing quote is looked for only as far as a value may reach, never to the end of a long line.
    const close = line.slice(start, start + MAX_VALUE + closer.length).indexOf(closer);
    if (close < 0) return null;
    return { start, value: line.slice(start, start + close), quoted: true };
  }
  const end = unquotedEnd(line, p, run);
  if (end === p) return null;
  // `token = getToken()` and `key = os.environ["KEY"]` are expressions, not literals.
  if (line[end] === "(" || line[end] === "[") return null;
  return { start: p, value: line.slice(p, end), quoted: false };
}

const isSpace = (c: number) =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

const NOT_A_LITERAL = /^(?:true|false|null|none|nil|undefined)$/i;
const DOTTED = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const PATH_START = /^(?:\.{0,2}\/|~\/)/;
const FILE_NAME = /\.(?:pem|key|json|txt|crt|p12|pfx|env|ya?ml)$/i;

/**
 * Whether a value assigned to a secret-like name looks like a real secret. The cheap tests run first
 * (length; a typed run, which one pass finds and stops at; character classes; entropy), then what the
 * text says (placeholders, references, paths), only for the few values random enough to be secrets.
 */
function looksSecret(value: string, quoted: boolean, password: boolean): boolean {
  const n = value.length;
  if (n < (password ? 8 : 16) || hasTypedRun(value)) return false;
  let lower = false;
  let upper = false;
  let digit = false;
  let other = false;
  let hex = true;
  let letters = true; // only [A-Za-z_$]
  let constant = isUpper(value.charCodeAt(0)); // [A-Z][A-Z0-9_]*: an ENV_NAME
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (isSpace(c)) return false;
    const lo = isLower(c);
    const up = isUpper(c);
    const dg = isDigit(c);
    lower ||= lo;
    upper ||= up;
    digit ||= dg;
    other ||= !lo && !up && !dg;
    hex &&= dg || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    letters &&= lo || up || c === 95 || c === 36;
    constant &&= up || dg || c === 95;
  }
  if (constant) return false;
  // Unquoted letters-only words are identifiers (`token: accessToken`), not literals.
  if (!quoted && (letters || !(lower || upper))) return false;
  const bits = shannonEntropy(value);
  if (bits < 3) return false;
  if (password) {
    if (Number(lower) + Number(upper) + Number(digit) + Number(other) < 2) return false;
  } else if (hex ? n < 24 : bits < 3.5) return false;
  if (namesPlaceholder(value) || NOT_A_LITERAL.test(value)) return false;
  // References, not literals: dotted.paths, URLs, file paths.
  if (DOTTED.test(value) && (!digit || bits < 3.5)) return false;
  return !(value.includes("://") || PATH_START.test(value) || FILE_NAME.test(value));
}

/** True when [start, end) overlaps a span of `taken` (sorted, disjoint), looking from index `from` on. */
function overlaps(taken: readonly [number, number][], from: number, start: number, end: number): boolean {
  for (let i = from; i < taken.length; i++) {
    const [a, b] = taken[i] as [number, number];
    if (a >= end) return false;
    if (b > start) return true;
  }
  return false;
}

/** Assignments to secret-like names the generic rule examines in one file, at most. */
export const MAX_GENERIC_CANDIDATES = 200_000;

/**
 * What the generic rule may still examine in one file, shared by the calls for its lines: assignments
 * of a value to a secret-like name. A hand-written file holds a few thousand at most (a 20,000-line
 * `.env` holds 20,000); one with more than `MAX_GENERIC_CANDIDATES` was generated, maybe to be slow.
 * Once the allowance is used up the rule stops for the rest of the file and `exhausted` is set, so
 * the caller reports the file as not fully scanned; the other rules still read every line.
 */
export interface GenericAllowance {
  left: number;
  exhausted: boolean;
}

export function genericAllowance(max: number = MAX_GENERIC_CANDIDATES): GenericAllowance {
  return { left: max, exhausted: false };
}

/** An assignment to a secret-like name, its value not judged yet. */
interface Candidate {
  key: string;
  verdict: NameVerdict;
  v: Value;
}

/** The name on [s, e) without leading or trailing dots and dashes (`--password`, `.token`). */
function trimmedName(line: string, s: number, e: number): string {
  let a = s;
  let b = e;
  while (a < b && (line.charCodeAt(a) === 45 || line.charCodeAt(a) === 46)) a++;
  while (b > a && (line.charCodeAt(b - 1) === 45 || line.charCodeAt(b - 1) === 46)) b--;
  return line.slice(a, b);
}

const AWS_SECRET_SHAPE = /^[A-Za-z0-9/+=]{40}$/;

const NONE: readonly GenericSecret[] = Object.freeze([]);
/** The run of `unquotedEnd`, one line at a time (scanning is synchronous). */
const RUN: Run = { start: 0, end: 0 };

/** Judges a candidate whose unquoted value may not reach past `limit` (where the next one's name starts). */
function judgeValue({ key, verdict, v }: Candidate, limit: number): GenericSecret | null {
  const { start, quoted } = v;
  let value = v.value;
  if (!quoted && limit >= start && limit < start + value.length) value = value.slice(0, limit - start);
  const aws = verdict.aws && value.length === 40 && AWS_SECRET_SHAPE.test(value);
  if (aws ? isPlaceholderValue(value) : !looksSecret(value, quoted, verdict.password)) return null;
  return {
    rule: aws ? "aws-secret-access-key" : "generic-secret-assignment",
    key,
    start,
    end: start + value.length,
    value,
  };
}

/**
 * Generic secrets on one line; spans in `taken` (already reported by a specific rule; sorted by start
 * and disjoint) are skipped. `allowance` is the file's (see `GenericAllowance`); without one, the
 * line is examined whole.
 *
 * Each candidate is judged once the next one is found, since an unquoted value ends where the next
 * assignment's name starts: in `password=abc&token=…` the password is `abc&`, and in 8 MB of
 * `password=password=…` every value is empty, rather than each one the 512 characters after it.
 */
export function findGenericSecrets(
  line: string,
  taken: readonly [number, number][],
  allowance?: GenericAllowance,
): readonly GenericSecret[] {
  if (allowance?.exhausted) return NONE;
  let out: GenericSecret[] | null = null;
  let past = 0;
  let pending: Candidate | null = null;
  RUN.start = 0;
  RUN.end = 0;
  KEYWORD.lastIndex = 0;
  let m: RegExpExecArray | null = KEYWORD.exec(line);
  while (m !== null || pending !== null) {
    // The next candidate, if any, bounds the pending one's unquoted value; at the end, the line does.
    let next: Candidate | null = null;
    let s = line.length;
    if (m !== null) {
      s = m.index;
      let e = m.index + m[0].length;
      while (s > 0 && m.index - s < MAX_NAME && isIdentChar(line.charCodeAt(s - 1))) s--;
      while (e < line.length && e - m.index < MAX_NAME && isIdentChar(line.charCodeAt(e))) e++;
      KEYWORD.lastIndex = Math.max(e, m.index + 1);
      const key = operatorFollows(line, e) ? trimmedName(line, s, e) : "";
      const verdict = key === "" ? null : judge(key);
      const v = verdict?.secret ? valueAfter(line, e, RUN) : null;
      m = KEYWORD.exec(line);
      if (verdict === null || v === null) continue;
      if (allowance) {
        if (allowance.left === 0) {
          allowance.exhausted = true;
          m = null;
        } else allowance.left--;
      }
      if (allowance?.exhausted !== true) next = { key, verdict, v };
    }
    if (pending !== null) {
      // A value starts after its name, so spans ending before it can never overlap it.
      const from = pending.v.start;
      if (past > 0 && (taken[past - 1] as [number, number])[1] > from) past = 0;
      while (past < taken.length && (taken[past] as [number, number])[1] <= from) past++;
      const hit = judgeValue(pending, s);
      if (hit && !overlaps(taken, past, hit.start, hit.end)) {
        out ??= [];
        out.push(hit);
      }
    }
    pending = next;
  }
  return out ?? NONE;
}
