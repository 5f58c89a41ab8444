/**
 * A line-level outline of a YAML file built from the lines a patch shows. Workflow patches rarely
 * show the whole file, so instead of parsing YAML we recover what can be known from indentation:
 * each line's key and value, its parent line, and whether it sits inside a block scalar (`run: |`).
 * Lines of different hunks never see each other: the lines between them are unknown.
 */
import type { PatchLine } from "../diff.js";
import { expressionEnd } from "./expressions.js";

export interface OutlineLine {
  line: number;
  added: boolean;
  text: string;
  /** Column of the first non-blank character (the dash of a "- item"). */
  indent: number;
  /** Column where the mapping key (or the item after "- ") starts. */
  col: number;
  dash: boolean;
  /** Mapping key of this line, null for scalar lines, items without a key, comments and blanks. */
  key: string | null;
  /** Text after "key:" (or after "- "), trailing comment removed. */
  value: string;
  comment: boolean;
  blank: boolean;
  /** Index of the key line whose block scalar contains this line. */
  scalarOf: number | null;
  /** Index of the nearest enclosing key line in the same hunk, null at the top or when unseen. */
  parent: number | null;
}

const KEY = /(?:"([^"]{1,100})"|'([^']{1,100})'|([A-Za-z0-9_][A-Za-z0-9_.-]{0,100}))[ \t]*:(?=[ \t]|$)/y;
const BLOCK_SCALAR = /^[|>][0-9+-]{0,2}(?:[ \t]+#.*)?$/;

function stripComment(value: string): string {
  if (value.startsWith('"') || value.startsWith("'")) return value;
  const hash = value.search(/(?:^|[ \t])#/);
  return (hash < 0 ? value : value.slice(0, hash)).trim();
}

type Shape = Pick<OutlineLine, "indent" | "col" | "dash" | "key" | "value" | "comment" | "blank">;

function shape(text: string): Shape {
  let col = 0;
  while (col < text.length && (text[col] === " " || text[col] === "\t")) col++;
  const indent = col;
  if (col === text.length)
    return { indent, col, dash: false, key: null, value: "", comment: false, blank: true };
  if (text[col] === "#")
    return { indent, col, dash: false, key: null, value: "", comment: true, blank: false };
  let dash = false;
  if (text[col] === "-" && (col + 1 === text.length || text[col + 1] === " ")) {
    dash = true;
    col++;
    while (col < text.length && text[col] === " ") col++;
  }
  KEY.lastIndex = col;
  const m = KEY.exec(text);
  if (!m)
    return {
      indent,
      col,
      dash,
      key: null,
      value: stripComment(text.slice(col)),
      comment: false,
      blank: false,
    };
  const key = m[1] ?? m[2] ?? m[3] ?? "";
  return {
    indent,
    col,
    dash,
    key,
    value: stripComment(text.slice(KEY.lastIndex).trim()),
    comment: false,
    blank: false,
  };
}

/** Whether `top` still encloses a line of shape `s` (otherwise it is popped off the stack). */
function encloses(top: OutlineLine, s: Shape): boolean {
  // "- item" lines may sit at the same column as the key that owns the list.
  if (s.dash) return top.col < s.indent || (top.col === s.indent && !top.dash && top.value === "");
  return top.col < s.col;
}

function entry(pl: PatchLine, s: Shape, scalarOf: number | null, parent: number | null): OutlineLine {
  // Built field by field: object spread is measurably slow on hundreds of thousands of lines.
  const inScalar = scalarOf !== null;
  return {
    line: pl.line,
    added: pl.added,
    text: pl.text,
    indent: s.indent,
    col: s.col,
    dash: inScalar ? false : s.dash,
    key: inScalar ? null : s.key,
    value: s.value,
    comment: inScalar ? false : s.comment,
    blank: s.blank,
    scalarOf,
    parent,
  };
}

export function outline(lines: readonly PatchLine[]): OutlineLine[] {
  const out: OutlineLine[] = [];
  let stack: number[] = [];
  let scalar: { owner: number; col: number } | null = null;
  let hunk = Number.NaN;
  for (const pl of lines) {
    if (pl.hunk !== hunk) {
      hunk = pl.hunk;
      stack = [];
      scalar = null;
    }
    const s = shape(pl.text);
    // Inside a block scalar: blank lines and anything indented deeper than its key.
    if (scalar && (s.blank || s.indent > scalar.col)) {
      out.push(entry(pl, s, scalar.owner, scalar.owner));
      continue;
    }
    scalar = null;
    if (s.blank || s.comment) {
      out.push(entry(pl, s, null, null));
      continue;
    }
    let top = out[stack[stack.length - 1] ?? -1];
    while (top && !encloses(top, s)) {
      stack.pop();
      top = out[stack[stack.length - 1] ?? -1];
    }
    const idx = out.length;
    out.push(entry(pl, s, null, top ? (stack[stack.length - 1] ?? null) : null));
    if (s.key !== null) {
      stack.push(idx);
      if (BLOCK_SCALAR.test(s.value)) scalar = { owner: idx, col: s.col };
    }
  }
  return out;
}

export interface FlowPair {
  key: string;
  /** The value as written, quotes kept. Nested mappings are not values: their pairs are listed. */
  value: string;
  /** Key of the mapping that holds the pair: `root` for the outermost, null for an item of a sequence. */
  parent: string | null;
}

const FLOW_KEY =
  /(?:"([^"]{1,100})"|'([^']{1,100})'|([A-Za-z0-9_][A-Za-z0-9_.-]{0,100}))[ \t]*:(?=[ \t,{}[\]]|$)/y;

/** Where a flow scalar starting at `i` ends: the next `,` `}` `]` outside quotes and `${{ … }}`. */
function flowScalarEnd(text: string, i: number): number {
  let j = i;
  const quote = text.charAt(j);
  if (quote === '"' || quote === "'") {
    for (j++; j < text.length; j++) {
      const c = text.charAt(j);
      if (quote === '"' && c === "\\") j++;
      else if (c === quote && !(quote === "'" && text.charAt(j + 1) === "'")) break;
      else if (c === quote) j++;
    }
    j++;
  }
  while (j < text.length) {
    const c = text.charAt(j);
    if (c === "$" && text.startsWith("${{", j)) j = expressionEnd(text, j);
    else if (c === "," || c === "}" || c === "]") break;
    else j++;
  }
  return j;
}

/**
 * Key–value pairs of the YAML flow mappings a value written on one line holds
 * (`with: { ref: x }`, `- { uses: a, with: { ref: b } }`), nested ones included. Unquoted
 * `${{ … }}` is kept whole, as a reader of the intent would, though strict YAML would split it.
 */
export function flowPairs(value: string, root: string | null): FlowPair[] {
  const out: FlowPair[] = [];
  const frames: { map: boolean; key: string | null }[] = [];
  let key: string | null = null;
  let i = 0;
  while (i < value.length) {
    const c = value.charAt(i);
    const top = frames[frames.length - 1];
    if (c === "{" || c === "[") {
      frames.push({ map: c === "{", key: top ? (top.map ? key : null) : root });
      key = null;
      i++;
    } else if (c === "}" || c === "]") {
      frames.pop();
      key = null;
      i++;
      if (frames.length === 0) break;
    } else if (c === "," || c === " " || c === "\t") {
      if (c === ",") key = null;
      i++;
    } else if (!top) {
      break;
    } else {
      FLOW_KEY.lastIndex = i;
      const m: RegExpExecArray | null = top.map && key === null ? FLOW_KEY.exec(value) : null;
      if (m) {
        key = m[1] ?? m[2] ?? m[3] ?? "";
        i = FLOW_KEY.lastIndex;
      } else {
        const end = Math.max(flowScalarEnd(value, i), i + 1);
        if (top.map && key !== null) out.push({ key, value: value.slice(i, end).trim(), parent: top.key });
        key = null;
        i = end;
      }
    }
  }
  return out;
}
