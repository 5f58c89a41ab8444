/**
 * Secret detection on one line of text: provider formats first, then credentials in URLs, then
 * generic secret-looking assignments. Every hit carries the span of the secret part only, so callers
 * can redact exactly that.
 *
 * A line is scanned whole, however long (a minified bundle is one line of megabytes), in time linear
 * in its length: one pass finds every trigger; each trigger's pattern is sticky and bounded, and
 * everything else a rule looks at is within a bounded distance of the trigger (`NEAR`, the PEM body
 * right after the header); kept hits are sorted and disjoint, so a new hit is compared only with the
 * few kept ones near its end of the list. Nothing is cut, so nothing on a line goes unscanned. The
 * generic rule is linear too (generic.ts), and stops, saying so, past an allowance per file.
 */
import { shannonEntropy } from "./entropy.js";
import { detached, findGenericSecrets, type GenericAllowance } from "./generic.js";
import type { Severity } from "./model.js";
import { isPlaceholderToken } from "./placeholder.js";
import { redact } from "./redact.js";
import { NEAR, TOKEN_RULES, type TokenRule } from "./rules.js";
import { urlCredentialAt } from "./url-credentials.js";

export { type GenericAllowance, genericAllowance, MAX_GENERIC_CANDIDATES } from "./generic.js";

export interface SecretHit {
  rule: string;
  severity: Severity;
  message: string;
  /** The secret part (never shown; redact it). */
  secret: string;
  start: number;
  end: number;
}

const URL_MARKER = "://";

const BY_TRIGGER = new Map<string, TokenRule[]>();
for (const rule of TOKEN_RULES) {
  for (const t of rule.triggers) BY_TRIGGER.set(t, [...(BY_TRIGGER.get(t) ?? []), rule]);
}
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** One pass over the line finds every place a rule could start. */
const TRIGGER = new RegExp(
  [...BY_TRIGGER.keys(), URL_MARKER]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|"),
  "g",
);

const isAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

const ESCAPED_NEWLINES = /(?:\\r)?(?:\\n)+/y;
const SPACES = /\s*/y;
const PEM_BODY = /[A-Za-z0-9+/=]{40}|Proc-Type:/y;

/** Where the whitespace starting at `from` ends (`\s` is the set `trimStart` removes). */
function skipSpaces(text: string, from: number): number {
  SPACES.lastIndex = from;
  SPACES.exec(text);
  return SPACES.lastIndex;
}

/**
 * A PEM header is a key only when key material follows it (not "...", not "<your key>"): on the same
 * line after `from` (past literal "\n" escapes and spaces), or else at the start of the next line.
 * Reads only what follows the header up to the material, never the rest of the line.
 */
function pemHasBody(line: string, from: number, next: string | undefined): boolean {
  let p = from;
  ESCAPED_NEWLINES.lastIndex = p;
  if (ESCAPED_NEWLINES.exec(line)) p = ESCAPED_NEWLINES.lastIndex;
  p = skipSpaces(line, p);
  if (p < line.length) {
    PEM_BODY.lastIndex = p;
    return PEM_BODY.test(line);
  }
  if (next === undefined) return true;
  let q = skipSpaces(next, 0);
  if (next[q] === '"' || next[q] === "'") q++;
  PEM_BODY.lastIndex = q;
  return PEM_BODY.test(next);
}

function tokenHit(rule: TokenRule, line: string, start: number, next: string | undefined): SecretHit | null {
  if (start < 0 || (start > 0 && isAlnum(line.charCodeAt(start - 1)))) return null;
  rule.pattern.lastIndex = start;
  const m = rule.pattern.exec(line);
  if (!m) return null;
  const whole = m[0];
  const group = m[1] ?? m[2];
  const secret = group ?? whole;
  const at = group === undefined ? start : start + whole.lastIndexOf(group);
  if (rule.accept && !rule.accept(secret, line.slice(Math.max(0, at - NEAR), at + secret.length + NEAR)))
    return null;
  if (rule.id === "private-key") {
    if (!pemHasBody(line, start + whole.length, next)) return null;
  } else {
    const prefix = rule.triggers.find((t) => secret.startsWith(t)) ?? "";
    if (isPlaceholderToken(secret, secret.slice(prefix.length))) return null;
    // The jwt.io sample is recognised by its signature.
    if (rule.id === "jwt" && isPlaceholderToken(secret.slice(secret.lastIndexOf(".") + 1))) return null;
  }
  const message =
    rule.id === "private-key"
      ? `A private key (${whole.slice(11, -5).trim()}) is added in plain text. Remove it, treat it as compromised, and load keys from a secret store.`
      : `${rule.what.charAt(0).toUpperCase()}${rule.what.slice(1)} added in plain text. Revoke it, remove it from the change, and load it from a secret store (for example an Actions secret).`;
  return { rule: rule.id, severity: rule.severity, message, secret, start: at, end: at + secret.length };
}

/** A name is shown in messages only when it reads like a name, not like a pasted token. */
function displayName(name: string): string {
  return name.length <= 40 && (name.length < 20 || shannonEntropy(name) < 4) ? name : redact(name);
}

const NOTHING_TAKEN: readonly [number, number][] = Object.freeze([]);

/** Generic findings' messages by name: a file that assigns to one name a thousand times builds its message once. */
const genericMessages = new Map<string, string>();

function genericMessage(found: string, aws: boolean): string {
  let message = genericMessages.get(`${aws ? "1" : "0"}${found}`);
  if (message === undefined) {
    const key = detached(found);
    const id = `${aws ? "1" : "0"}${key}`;
    message = aws
      ? `An AWS secret access key is assigned to "${displayName(key)}". Revoke the key pair, remove it, and use a role or a secret store.`
      : `A random-looking value is assigned to "${displayName(key)}", which names a secret. If it is a real credential, revoke it and load it from a secret store; if it is a fake, make that obvious (e.g. "test-…").`;
    if (genericMessages.size >= 1024) genericMessages.clear();
    genericMessages.set(id, message);
  }
  return message;
}

/**
 * Adds a hit to `hits`, which stay sorted by start and pairwise disjoint. Where hits overlap, the
 * earlier-listed (more specific) rule wins, and among equals the one found first: the new hit replaces
 * the kept ones it overlaps only when it ranks above all of them.
 *
 * The overlapped hits are a run just before the kept hits that start after the new one ends, found
 * from the end of the list. Triggers are met in line order and a hit starts within a bounded distance
 * of its trigger, so only the last few kept hits are ever looked at or moved: linear over a line.
 */
function addHit(hits: SecretHit[], ranks: number[], hit: SecretHit, rank: number): void {
  let after = hits.length;
  while (after > 0 && (hits[after - 1] as SecretHit).start >= hit.end) after--;
  let first = after;
  while (first > 0 && (hits[first - 1] as SecretHit).end > hit.start) first--;
  for (let i = first; i < after; i++) if ((ranks[i] as number) <= rank) return;
  hits.splice(first, after - first, hit);
  ranks.splice(first, after - first, rank);
}

/**
 * Secrets on one line. `next` is the following line of the file when known (for PEM bodies).
 * `allowance` is what the generic rule may still examine in the file the line belongs to (see
 * `GenericAllowance`); the provider formats and URL credentials are looked for whatever is left of it.
 */
export function findSecrets(line: string, next?: string, allowance?: GenericAllowance): SecretHit[] {
  const hits: SecretHit[] = [];
  const ranks: number[] = [];
  TRIGGER.lastIndex = 0;
  let m: RegExpExecArray | null = TRIGGER.exec(line);
  while (m) {
    const at = m.index;
    if (m[0] === URL_MARKER) {
      const cred = urlCredentialAt(line, at);
      if (cred) {
        const message =
          cred.rule === "database-url-password"
            ? `A ${cred.scheme} connection URL with a password is added. Move the password to a secret store and inject it at runtime.`
            : `A ${cred.scheme} URL with an embedded password is added. Remove the credentials from the URL and use a secret store.`;
        const hit = {
          rule: cred.rule,
          severity: "high" as const,
          message,
          secret: cred.password,
          start: cred.start,
          end: cred.end,
        };
        addHit(hits, ranks, hit, TOKEN_RULES.length);
      }
    } else {
      for (const rule of BY_TRIGGER.get(m[0]) ?? []) {
        const hit = tokenHit(rule, line, at - (rule.back ?? 0), next);
        if (hit) {
          addHit(hits, ranks, hit, TOKEN_RULES.indexOf(rule));
          break;
        }
      }
    }
    m = TRIGGER.exec(line);
  }
  const taken = hits.length === 0 ? NOTHING_TAKEN : hits.map((h): [number, number] => [h.start, h.end]);
  for (const g of findGenericSecrets(line, taken, allowance)) {
    const aws = g.rule === "aws-secret-access-key";
    hits.push({
      rule: g.rule,
      severity: aws ? "high" : "medium",
      message: genericMessage(g.key, aws),
      secret: g.value,
      start: g.start,
      end: g.end,
    });
  }
  return hits.sort((a, b) => a.start - b.start);
}
