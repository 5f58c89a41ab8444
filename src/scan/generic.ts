/**
 * Generic secrets: a random-looking literal assigned to a secret-like name, in any of the usual
 * syntaxes (`KEY=value`, `key: value`, `"key": "value"`, `key = "value"`, `key := "value"`).
 * Names are split into words so `passwordResetUrl` and `max_tokens` are not mistaken for secrets.
 */
import { shannonEntropy } from "./entropy.js";
import { isPlaceholderValue } from "./placeholder.js";

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

function words(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
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

function judge(name: string): NameVerdict {
  const known = nameVerdicts.get(name);
  if (known !== undefined) return known;
  if (nameVerdicts.size >= MAX_REMEMBERED) nameVerdicts.clear();
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

/** Parses what follows a secret-like name: operator and literal value, or null when it is not an assignment. */
function valueAfter(line: string, from: number): { start: number; value: string; quoted: boolean } | null {
  let p = from;
  if (line[p] === "\\") p++;
  if (line[p] === '"' || line[p] === "'") p++;
  if (line[p] === "]") p++;
  while (p < line.length && p - from < 12 && (line[p] === " " || line[p] === "\t")) p++;
  TYPE_ANNOTATION.lastIndex = p;
  if (TYPE_ANNOTATION.exec(line)) p = TYPE_ANNOTATION.lastIndex;
  OPERATOR.lastIndex = p;
  if (!OPERATOR.exec(line)) return null;
  p = OPERATOR.lastIndex;
  WRAPPER.lastIndex = p;
  if (WRAPPER.exec(line) && /^\\?["'`]/.test(line.slice(WRAPPER.lastIndex, WRAPPER.lastIndex + 2))) {
    p = WRAPPER.lastIndex;
  }
  const escaped = line[p] === "\\";
  const quote = line[escaped ? p + 1 : p];
  if (quote === '"' || quote === "'" || quote === "`") {
    const start = p + (escaped ? 2 : 1);
    const close = line.indexOf(escaped ? `\\${quote}` : quote, start);
    if (close < 0 || close - start > MAX_VALUE) return null;
    return { start, value: line.slice(start, close), quoted: true };
  }
  UNQUOTED.lastIndex = p;
  const m = UNQUOTED.exec(line);
  if (!m) return null;
  // `token = getToken()` and `key = os.environ["KEY"]` are expressions, not literals.
  if (line[UNQUOTED.lastIndex] === "(" || line[UNQUOTED.lastIndex] === "[") return null;
  return { start: p, value: m[0], quoted: false };
}

function charClasses(value: string): number {
  return (
    Number(/[a-z]/.test(value)) +
    Number(/[A-Z]/.test(value)) +
    Number(/[0-9]/.test(value)) +
    Number(/[^A-Za-z0-9]/.test(value))
  );
}

function looksSecret(value: string, quoted: boolean, password: boolean): boolean {
  if (value.length < (password ? 8 : 16) || /\s/.test(value) || isPlaceholderValue(value)) return false;
  if (/^(?:true|false|null|none|nil|undefined)$/i.test(value)) return false;
  // References, not literals: ENV_NAMES, dotted.paths, URLs, file paths.
  const dotted = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value);
  if (/^[A-Z][A-Z0-9_]*$/.test(value) || (dotted && (!/[0-9]/.test(value) || shannonEntropy(value) < 3.5)))
    return false;
  if (
    value.includes("://") ||
    /^(?:\.{0,2}\/|~\/)/.test(value) ||
    /\.(?:pem|key|json|txt|crt|p12|pfx|env|ya?ml)$/i.test(value)
  )
    return false;
  // Unquoted letters-only words are identifiers (`token: accessToken`), not literals.
  if (!quoted && (/^[A-Za-z_$]+$/.test(value) || !/[A-Za-z]/.test(value))) return false;
  const bits = shannonEntropy(value);
  if (password) return bits >= 2.8 && charClasses(value) >= 2;
  if (/^[0-9a-f]+$/i.test(value)) return value.length >= 24 && bits >= 3;
  return bits >= 3.5;
}

/** Generic secrets on one line; spans in `taken` (already reported by a specific rule) are skipped. */
export function findGenericSecrets(line: string, taken: readonly [number, number][]): GenericSecret[] {
  const out: GenericSecret[] = [];
  KEYWORD.lastIndex = 0;
  let m: RegExpExecArray | null = KEYWORD.exec(line);
  while (m) {
    let s = m.index;
    let e = m.index + m[0].length;
    while (s > 0 && m.index - s < MAX_NAME && isIdentChar(line.charCodeAt(s - 1))) s--;
    while (e < line.length && e - m.index < MAX_NAME && isIdentChar(line.charCodeAt(e))) e++;
    KEYWORD.lastIndex = Math.max(e, m.index + 1);
    const name = operatorFollows(line, e) ? line.slice(s, e).replace(/^[-.]+|[-.]+$/g, "") : "";
    const verdict = name === "" ? null : judge(name);
    if (verdict?.secret) {
      const v = valueAfter(line, e);
      if (v && !taken.some(([a, b]) => v.start < b && a < v.start + v.value.length)) {
        const aws = verdict.aws && /^[A-Za-z0-9/+=]{40}$/.test(v.value);
        if (aws ? !isPlaceholderValue(v.value) : looksSecret(v.value, v.quoted, verdict.password)) {
          out.push({
            rule: aws ? "aws-secret-access-key" : "generic-secret-assignment",
            key: name,
            start: v.start,
            end: v.start + v.value.length,
            value: v.value,
          });
        }
      }
    }
    m = KEYWORD.exec(line);
  }
  return out;
}
