/**
 * Values that have the shape of a credential but are documentation, templates or obvious fakes.
 * Kept as negatives on purpose: a scanner that cries wolf on READMEs gets switched off.
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

const PLACEHOLDER_WORDS =
  /example|sample|dummy|placeholder|your[-_]?|xxxx|changeme|change[-_]me|redacted|replace[-_]?me|insert[-_]?|fake|mock|notreal|not[-_]a[-_]real|todo|fixme|foobar|lorem|<[^>]*>|\*\*\*|\.\.\./i;

/** Obvious sequences a person types for a fake value: "abcdefgh", "12345678", "ABCDEFGH". */
function hasSequence(value: string): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    run = value.charCodeAt(i) === value.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

/** Six or more of the same character in a row: "000000", "aaaaaa". */
function hasRepeat(value: string): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    run = value.charCodeAt(i) === value.charCodeAt(i - 1) ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

/**
 * True when a value in a credential's format is a placeholder: a documented example, a template word,
 * a typed sequence, or too regular to be random (`body` is the part after the format's fixed prefix).
 */
export function isPlaceholderToken(token: string, body: string = token): boolean {
  if (DOCUMENTED_EXAMPLES.has(token) || DOCUMENTED_EXAMPLES.has(body)) return true;
  if (PLACEHOLDER_WORDS.test(token)) return true;
  if (hasSequence(body) || hasRepeat(body)) return true;
  return body.length >= 8 && shannonEntropy(body) < 3;
}

/** Default or throwaway passwords in local setups and docs: not secrets anyone can abuse. */
const WEAK_DEFAULTS =
  /^(?:pass(?:word)?\d*|passw0rd|secret\d*|root|admin|administrator|postgres|mysql|mongo|redis|rabbitmq|guest|user|test\w*|dev|local|demo|default|pa\$\$word|p@ssw0rd|qwerty|letmein|123456\d*|hunter2)$/i;

/** True when a password or generic value is a template, a reference or a throwaway default. */
export function isPlaceholderValue(value: string): boolean {
  if (value.length === 0) return true;
  if (WEAK_DEFAULTS.test(value) || /(?:^|[-_.])(?:test|testing|dev|local)(?:[-_.]|$)/i.test(value))
    return true;
  if (/^[$%@&*!{<#([]/.test(value) || /\$\{|\{\{|\}\}|\$\(|%\(|#\{|%s\b/.test(value)) return true;
  return isPlaceholderToken(value);
}
