/**
 * Secret detection on one line of text: provider formats first, then credentials in URLs, then
 * generic secret-looking assignments. Every hit carries the span of the secret part only, so callers
 * can redact exactly that.
 */
import { shannonEntropy } from "./entropy.js";
import { findGenericSecrets } from "./generic.js";
import type { Severity } from "./model.js";
import { isPlaceholderToken } from "./placeholder.js";
import { redact } from "./redact.js";
import { TOKEN_RULES, type TokenRule } from "./rules.js";
import { urlCredentialAt } from "./url-credentials.js";

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

/** A PEM header is a key only when key material follows it (not "...", not "<your key>"). */
function pemHasBody(rest: string, next: string | undefined): boolean {
  const inline = rest.replace(/^(?:\\r)?(?:\\n)+/, "").trimStart();
  if (inline.length > 0) return /^[A-Za-z0-9+/=]{40}|^Proc-Type:/.test(inline);
  if (next === undefined) return true;
  return /^[A-Za-z0-9+/=]{40}|^Proc-Type:/.test(next.trimStart().replace(/^["']/, ""));
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
  if (rule.accept && !rule.accept(secret, line)) return null;
  if (rule.id === "private-key") {
    if (!pemHasBody(line.slice(start + whole.length), next)) return null;
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

/** Keeps the earlier-listed (more specific) hit where two overlap. */
function addHit(hits: SecretHit[], ranks: number[], hit: SecretHit, rank: number): void {
  const clash = hits.findIndex((h) => hit.start < h.end && h.start < hit.end);
  if (clash < 0) {
    hits.push(hit);
    ranks.push(rank);
  } else if (rank < (ranks[clash] ?? Number.POSITIVE_INFINITY)) {
    hits[clash] = hit;
    ranks[clash] = rank;
  }
}

/** Secrets on one line. `next` is the following line of the file when known (for PEM bodies). */
export function findSecrets(line: string, next?: string): SecretHit[] {
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
  const taken = hits.map((h): [number, number] => [h.start, h.end]);
  for (const g of findGenericSecrets(line, taken)) {
    const aws = g.rule === "aws-secret-access-key";
    hits.push({
      rule: g.rule,
      severity: aws ? "high" : "medium",
      message: aws
        ? `An AWS secret access key is assigned to "${displayName(g.key)}". Revoke the key pair, remove it, and use a role or a secret store.`
        : `A random-looking value is assigned to "${displayName(g.key)}", which names a secret. If it is a real credential, revoke it and load it from a secret store; if it is a fake, make that obvious (e.g. "test-…").`,
      secret: g.value,
      start: g.start,
      end: g.end,
    });
  }
  return hits.sort((a, b) => a.start - b.start);
}
