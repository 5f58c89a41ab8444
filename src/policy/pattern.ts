/**
 * User-supplied regular expressions (PR-body markers, command comments) run on RE2 semantics:
 * matching time is linear in the input, so no pattern can stall the app (ReDoS). Constructs RE2
 * cannot run in linear time, lookaround and backreferences, are rejected when the policy loads.
 */
import { RE2JS } from "re2js";
import type { SafePattern } from "./model.js";

const MAX_PATTERN_LENGTH = 1000;

// Case-insensitive, and ^/$ match at line boundaries: bodies and comments are multi-line text.
const FLAGS = RE2JS.CASE_INSENSITIVE | RE2JS.MULTILINE;

/** Compile a pattern; throws an Error saying what is wrong with it. */
export function compilePattern(source: string): SafePattern {
  if (source.trim() === "") throw new Error("an empty pattern would match everything");
  if (source.length > MAX_PATTERN_LENGTH)
    throw new Error(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, FLAGS);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, "");
    throw new Error(
      `not a supported regular expression (${why}); patterns use RE2 syntax, without lookaround or backreferences`,
    );
  }
  return { source, test: (text) => re.test(text) };
}

/** Why the pattern cannot be used, or undefined when it compiles. */
export function patternProblem(source: string): string | undefined {
  try {
    compilePattern(source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
