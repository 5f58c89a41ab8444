/**
 * Checks a user-supplied path or branch glob before the engine compiles it: mistakes that would
 * silently never match (a leading `/`, an unclosed brace) and patterns that would cost the engine
 * too much (brace expansions into thousands of globs) are errors, not surprises.
 */
import { Minimatch } from "minimatch";

const MAX_GLOB_LENGTH = 1024;
const MAX_BRACE_EXPANSIONS = 256;

type Token = "{" | "," | "}" | "text";

/** Braces and commas outside escapes and character classes; a problem when a class is left open. */
function tokenize(glob: string): Token[] | string {
  const tokens: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\") {
      i++;
      tokens.push("text");
    } else if (c === "[") {
      // A class runs to the next `]`; one right after `[`, `[!` or `[^` is a literal member.
      let j = i + 1;
      if (glob[j] === "!" || glob[j] === "^") j++;
      if (glob[j] === "]") j++;
      while (j < glob.length && glob[j] !== "]") j += glob[j] === "\\" ? 2 : 1;
      if (j >= glob.length) return "has an unclosed `[`";
      i = j;
      tokens.push("text");
    } else if (c === "{" || c === "," || c === "}") {
      tokens.push(c);
    } else if (c === "]") {
      return "has a `]` without a matching `[`";
    } else {
      tokens.push("text");
    }
  }
  return tokens;
}

const RANGE = /\{\s*(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(\.\.-?\d+)?\s*\}/;

/** How many globs brace expansion makes of it (saturating just past the limit), or the problem. */
function expansions(tokens: Token[]): number | string {
  const cap = (n: number) => Math.min(n, MAX_BRACE_EXPANSIONS + 1);
  // Per open brace: the sum of its finished alternatives, and the product of the current one.
  const stack: { sum: number; product: number }[] = [{ sum: 0, product: 1 }];
  for (const t of tokens) {
    const top = stack.at(-1) as { sum: number; product: number };
    if (t === "{") stack.push({ sum: 0, product: 1 });
    else if (t === "," && stack.length > 1) {
      top.sum = cap(top.sum + top.product);
      top.product = 1;
    } else if (t === "}") {
      if (stack.length === 1) return "has a `}` without a matching `{`";
      stack.pop();
      const group = cap(top.sum + top.product);
      const outer = stack.at(-1) as { sum: number; product: number };
      outer.product = cap(outer.product * group);
    }
  }
  if (stack.length > 1) return "has an unclosed `{`";
  return (stack[0] as { product: number }).product;
}

/** Why the glob is unusable, or undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === "") return "a glob must not be empty";
  if (glob.length > MAX_GLOB_LENGTH) return `the glob is longer than ${MAX_GLOB_LENGTH} characters`;
  if (glob.startsWith("/")) return "paths are relative to the repository root; drop the leading `/`";
  if (glob.startsWith("./")) return "paths are relative to the repository root; drop the leading `./`";
  if (RANGE.test(glob)) return "brace ranges such as `{1..9}` are not supported; list the alternatives";
  const tokens = tokenize(glob);
  if (typeof tokens === "string") return tokens;
  const count = expansions(tokens);
  if (typeof count === "string") return count;
  if (count > MAX_BRACE_EXPANSIONS) return `the braces expand to more than ${MAX_BRACE_EXPANSIONS} globs`;
  try {
    new Minimatch(glob, { dot: true, nocase: true }).match("probe/path");
  } catch (e) {
    return `is not a valid glob: ${(e as Error).message}`;
  }
  return undefined;
}
