/**
 * YAML text to a plain value, keeping the document so every later error can be mapped back to
 * the line and column of the node at fault. Hostile input (alias bombs, huge or deeply nested
 * files, odd tags) ends in an error with a position, never an exception or a hang.
 */
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
} from "yaml";
import { describePath, type Issue, MAX_ERRORS, type PathSegment, type PolicyError } from "./errors.js";

const MAX_POLICY_BYTES = 256 * 1024;
const MAX_ALIASES = 32;
const MAX_DEPTH = 64;
const TOO_DEEP = "the policy is nested too deeply";

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  value: unknown;
}

export type YamlResult = { ok: true; source: YamlSource } | { ok: false; errors: PolicyError[] };

export function parseYaml(text: string, file: string): YamlResult {
  const fail = (line: number, column: number, message: string): YamlResult => ({
    ok: false,
    errors: [{ file, line, column, message }],
  });
  if (Buffer.byteLength(text, "utf8") > MAX_POLICY_BYTES) {
    return fail(0, 0, `the policy file is larger than ${MAX_POLICY_BYTES / 1024} KiB`);
  }
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  } catch (e) {
    return fail(1, 1, `cannot parse YAML: ${(e as Error).message}`);
  }
  const at = (offset: number) => lines.linePos(offset);
  const problems = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (problems.length > 0) {
    // A stack overflow repeats at every level it unwinds through: say it once.
    const errors = new Map<string, PolicyError>();
    for (const p of problems) {
      const message = yamlMessage(p.code, p.message);
      const key = message === TOO_DEEP ? message : `${p.pos[0]} ${message}`;
      const { line, col } = at(p.pos[0]);
      if (!errors.has(key)) errors.set(key, { file, line, column: col, message });
    }
    return { ok: false, errors: [...errors.values()].slice(0, MAX_ERRORS) };
  }
  let value: unknown;
  try {
    const structural = structuralProblem(doc);
    if (structural) {
      const { line, col } = at(structural.offset);
      return fail(line, col, structural.message);
    }
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    return fail(1, 1, `cannot read YAML: ${(e as Error).message}`);
  }
  // An empty or comment-only file says nothing; the defaults apply.
  if (value === null || value === undefined) value = {};
  if (typeof value !== "object" || Array.isArray(value)) {
    const offset = doc.contents?.range?.[0] ?? 0;
    const { line, col } = at(offset);
    const got = Array.isArray(value) ? "a list" : `a ${typeof value}`;
    return fail(line, col, `the policy must be a mapping of keys (version, agents, rules, ...), got ${got}`);
  }
  return { ok: true, source: { file, doc, lines, value } };
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case "DUPLICATE_KEY":
      return "duplicate key: each key may appear only once in a mapping";
    case "MULTIPLE_DOCS":
      return "the policy must be a single YAML document (remove the `---` separator)";
    case "TAG_RESOLVE_FAILED":
      return `${message}: custom YAML tags are not allowed`;
    default:
      // The parser recurses per nesting level; absurd nesting exhausts the stack before anything else.
      return /call stack/i.test(message) ? TOO_DEEP : `invalid YAML: ${message}`;
  }
}

/** Aliases that are unresolved or too many, nesting too deep to be a policy, keys that would vanish. */
function structuralProblem(doc: Document): { offset: number; message: string } | undefined {
  let aliases = 0;
  let found: { offset: number; message: string } | undefined;
  visit(doc, {
    Alias(_key, node) {
      aliases++;
      const offset = node.range?.[0] ?? 0;
      if (aliases > MAX_ALIASES) {
        found = { offset, message: `too many YAML aliases (more than ${MAX_ALIASES})` };
        return visit.BREAK;
      }
      if (node.resolve(doc) === undefined) {
        found = {
          offset,
          message: `unknown YAML alias \`*${node.source}\` (define the anchor before using it)`,
        };
        return visit.BREAK;
      }
      return undefined;
    },
    Pair(_key, pair) {
      // Plain objects cannot hold this key as data; it would silently disappear.
      if (isScalar(pair.key) && pair.key.value === "__proto__") {
        found = { offset: pair.key.range?.[0] ?? 0, message: "`__proto__` is not allowed as a key" };
        return visit.BREAK;
      }
      return undefined;
    },
    Node(_key, node, path) {
      if (isCollection(node) && path.length > MAX_DEPTH * 2) {
        found = {
          offset: node.range?.[0] ?? 0,
          message: `the policy is nested more than ${MAX_DEPTH} levels deep`,
        };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The node at `path` (through aliases), and the key naming it when its parent is a mapping. */
function nodeAt(
  source: YamlSource,
  path: readonly PathSegment[],
): { node: unknown; key: unknown; depth: number } {
  let node: unknown = source.doc.contents;
  let key: unknown;
  let depth = 0;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    let next: { node: unknown; key: unknown } | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (pair) next = { node: pair.value, key: pair.key };
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item !== undefined) next = { node: item, key: undefined };
    }
    if (!next) break;
    node = next.node;
    key = next.key;
    depth++;
  }
  return { node, key, depth };
}

const offsetOf = (n: unknown): number | undefined =>
  n && typeof n === "object" && "range" in n && Array.isArray(n.range) ? (n.range[0] as number) : undefined;

/** How much of `path` exists in this file (for choosing which file of an `_extends` chain to blame). */
export function depthIn(source: YamlSource, path: readonly PathSegment[]): number {
  return nodeAt(source, path).depth;
}

/** The issue as an error at the node it concerns, or the closest existing ancestor. */
export function locate(source: YamlSource, issue: Issue): PolicyError {
  const { node, key, depth } = nodeAt(source, issue.path);
  const exact = depth === issue.path.length;
  const target = exact && issue.at === "key" && key !== undefined ? key : node;
  const offset = offsetOf(target) ?? offsetOf(source.doc.contents);
  const path = issue.path.length > 0 ? { path: describePath(issue.path) } : {};
  if (offset === undefined) return { file: source.file, line: 0, column: 0, ...path, message: issue.message };
  const { line, col } = source.lines.linePos(offset);
  return { file: source.file, line, column: col, ...path, message: issue.message };
}
