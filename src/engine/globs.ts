/**
 * Path globs compiled once. Matching is minimatch with dot files included and case ignored;
 * braces are expanded up front and a literal prefilter skips every alternative whose fixed text
 * is absent from the path, so a 3,000-file PR against hundreds of globs stays cheap.
 */
import { Minimatch, minimatch } from "minimatch";

export const GLOB_OPTIONS = { dot: true, nocase: true } as const;

export interface CompiledGlob {
  glob: string;
  matches(lowerPath: string): boolean;
}

/** The longest run of text every match must contain, taken outside braces, brackets and groups. */
function requiredLiteral(glob: string): string {
  let best = "";
  let run = "";
  let depth = 0;
  const flush = () => {
    if (run.length > best.length) best = run;
    run = "";
  };
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "{" || c === "[" || c === "(") depth++;
    if (depth > 0 || "*?/!+@\\".includes(c)) {
      flush();
      if ((c === "}" || c === "]" || c === ")") && depth > 0) depth--;
      continue;
    }
    if (c === "}" || c === "]" || c === ")") {
      flush();
      continue;
    }
    run += c;
  }
  flush();
  return best.toLowerCase();
}

export function compileGlob(glob: string): CompiledGlob {
  if (glob.startsWith("!")) {
    const mm = new Minimatch(glob, GLOB_OPTIONS);
    return { glob, matches: (lowerPath) => mm.match(lowerPath) };
  }
  // Each brace alternative gets its own prefilter literal, so `**/*.{pem,key}` is not tried on every path.
  // `dir/**` also matches `dir` itself: a symlink or submodule added at that path governs what is below it.
  const alternatives = minimatch
    .braceExpand(glob)
    .flatMap((alt) => (alt.endsWith("/**") && alt.length > 3 ? [alt, alt.slice(0, -3)] : [alt]));
  const parts = alternatives.map((alt) => {
    const mm = new Minimatch(alt, { ...GLOB_OPTIONS, nobrace: true });
    const literal = requiredLiteral(alt);
    return (lowerPath: string) => (literal === "" || lowerPath.includes(literal)) && mm.match(lowerPath);
  });
  return { glob, matches: (lowerPath) => parts.some((match) => match(lowerPath)) };
}

/** Index of the first glob the path matches, or -1. */
export function firstMatch(globs: readonly CompiledGlob[], path: string): number {
  const lower = path.toLowerCase();
  for (let i = 0; i < globs.length; i++) if ((globs[i] as CompiledGlob).matches(lower)) return i;
  return -1;
}

const cache = new Map<string, CompiledGlob>();
const CACHE_MAX = 10_000;

/** Compiled globs are shared across evaluations; the cache is bounded so hostile policies can't grow it. */
export function compiled(globs: readonly string[]): CompiledGlob[] {
  return globs.map((g) => {
    let c = cache.get(g);
    if (!c) {
      if (cache.size >= CACHE_MAX) cache.clear();
      c = compileGlob(g);
      cache.set(g, c);
    }
    return c;
  });
}
