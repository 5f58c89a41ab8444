/**
 * Values that have the shape of a credential but are documentation, templates or obvious fakes.
 * Kept as negatives on purpose: a scanner that cries wolf on READMEs gets switched off.
 *
 * Every check is linear in the value, and the cheap ones run first: a typed run ("aaaaaa",
 * "123456") is seen in one pass that stops at it, and randomness in one more, before any pattern
 * is tried, since most values built to be slow are rejected by one of those two.
 */
import { shannonEntropy } from "./entropy.js";

/** Credentials the providers publish in their own documentation. */
const DOCUMENTED_EXAMPLES = new Set([
  "AKIAIOSFODNN7EXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
  // jwt.io's sample token (its signature segment).
  "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
]);

/**
 * Words that mark a template. Long ones count anywhere; four-letter ones only as a word of their own
 * (between separators or the ends, "your-api-key"), since a random 40-character key holds "fAkE" or
 * "ToDo" about once in three thousand, and a real key must not be waved through for that.
 * `<[^<>]*>` finds the same `<…>` as `<[^>]*>` would, without rescanning the rest from every `<`.
 */
const PLACEHOLDER_WORDS =
  /example|sample|dummy|placeholder|changeme|change[-_]me|redacted|replace[-_]?me|insert[-_]?|notreal|not[-_]a[-_]real|fixme|foobar|lorem|<[^<>]*>|\*\*\*|\.\.\.|(?:^|[^A-Za-z0-9+/=])(?:your|xxxx|fake|mock|todo)(?:[^A-Za-z0-9+/=]|$)/i;

/**
 * Six or more characters in a row that a person types for a fake value: a sequence ("abcdef",
 * "123456") or one character repeated ("000000", "aaaaaa"). One pass, which stops at the first run.
 */
export function hasTypedRun(value: string): boolean {
  let sequence = 1;
  let repeat = 1;
  let prev = value.charCodeAt(0);
  for (let i = 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    sequence = c === prev + 1 ? sequence + 1 : 1;
    repeat = c === prev ? repeat + 1 : 1;
    if (sequence >= 6 || repeat >= 6) return true;
    prev = c;
  }
  return false;
}

/**
 * Too regular to be random: a typed run, or (from 8 characters) too little entropy per character.
 * The bar is 3 bits, lowered for short values, whose measured entropy cannot reach log2(length):
 * a random 16-character AWS key body measures under 3 bits about once in three hundred.
 */
export function isRegular(body: string): boolean {
  if (hasTypedRun(body)) return true;
  return body.length >= 8 && shannonEntropy(body) < Math.min(3, Math.log2(body.length) - 1.5);
}

/**
 * True when a value in a credential's format is a placeholder: a documented example, a template word,
 * a typed sequence, or too regular to be random (`body` is the part after the format's fixed prefix).
 */
export function isPlaceholderToken(token: string, body: string = token): boolean {
  if (isRegular(body)) return true;
  return DOCUMENTED_EXAMPLES.has(token) || DOCUMENTED_EXAMPLES.has(body) || PLACEHOLDER_WORDS.test(token);
}

/** Default or throwaway passwords in local setups and docs: not secrets anyone can abuse. */
const WEAK_DEFAULTS =
  /^(?:pass(?:word)?\d*|passw0rd|secret\d*|root|admin|administrator|postgres|mysql|mongo|redis|rabbitmq|guest|user|test\w*|dev|local|demo|default|pa\$\$word|p@ssw0rd|qwerty|letmein|123456\d*|hunter2)$/i;
const THROWAWAY_MARK = /(?:^|[-_.])(?:test|testing|dev|local)(?:[-_.]|$)/i;
const TEMPLATE_START = /^[$%@&*!{<#([]/;
const TEMPLATE_SYNTAX = /\$\{|\{\{|\}\}|\$\(|%\(|#\{|%s\b/;

/**
 * True when the text of a value says it is not a real secret, whatever its randomness: a documented
 * example, a template word or template syntax, or a throwaway default. `isPlaceholderValue` is this
 * or `isRegular`; a caller that has already ruled out `isRegular` asks only this.
 */
export function namesPlaceholder(value: string): boolean {
  if (WEAK_DEFAULTS.test(value) || THROWAWAY_MARK.test(value)) return true;
  if (TEMPLATE_START.test(value) || TEMPLATE_SYNTAX.test(value)) return true;
  return DOCUMENTED_EXAMPLES.has(value) || PLACEHOLDER_WORDS.test(value);
}

/** True when a password or generic value is a template, a reference or a throwaway default. */
export function isPlaceholderValue(value: string): boolean {
  if (value.length === 0) return true;
  return isRegular(value) || namesPlaceholder(value);
}
