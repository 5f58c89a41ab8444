/**
 * GitHub Actions `${{ … }}` expressions: where they are in a text, and which context properties
 * each one can turn into text. Property access is read the way the runner reads it — dots,
 * brackets with either quote, indexes and `*` filters, any letter case — so
 * `github['event']["issue"].TITLE` is `github.event.issue.title`. One linear pass, no backtracking.
 */

export interface Expression {
  /** The whole `${{ … }}` as written. */
  text: string;
  /** What is between the braces. */
  body: string;
  /** Offset of `${{` in the text. */
  at: number;
}

/** Offset just past the `}}` closing the expression at `at`; a `}}` inside a quoted string does not count. */
export function expressionEnd(text: string, at: number): number {
  let quoted = false;
  for (let i = at + 3; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === 39) quoted = !quoted;
    else if (!quoted && c === 125 && text.charCodeAt(i + 1) === 125) return i + 2;
  }
  return text.length;
}

/**
 * The expressions of a text. Like the runner, a `}}` inside a quoted string does not end one, so
 * `${{ '}}' || github.event.issue.title }}` is read whole; an unclosed one runs to the end.
 */
export function expressions(text: string): Expression[] {
  const out: Expression[] = [];
  let at = text.indexOf("${{");
  while (at >= 0) {
    const end = expressionEnd(text, at);
    const closed = text.endsWith("}}", end) && end >= at + 5;
    out.push({ text: text.slice(at, end), body: text.slice(at + 3, closed ? end - 2 : end), at });
    at = text.indexOf("${{", end);
  }
  return out;
}

type Token =
  | { kind: "ident"; value: string }
  | { kind: "string"; value: string }
  | { kind: "number" }
  | { kind: "punct"; value: string };

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_-]/;
const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||"];

function tokens(body: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body.charAt(i);
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < body.length && IDENT.test(body.charAt(j))) j++;
      out.push({ kind: "ident", value: body.slice(i, j).toLowerCase() });
      i = j;
    } else if (c === "'" || c === '"') {
      // '' escapes a quote inside a single-quoted string; double quotes are read the same way.
      let j = i + 1;
      let value = "";
      while (j < body.length) {
        if (body.charAt(j) === c) {
          if (body.charAt(j + 1) !== c) break;
          value += c;
          j += 2;
        } else {
          value += body.charAt(j++);
        }
      }
      out.push({ kind: "string", value: value.toLowerCase() });
      i = j + 1;
    } else if (c >= "0" && c <= "9") {
      let j = i + 1;
      while (j < body.length && /[0-9a-fA-FxX.]/.test(body.charAt(j))) j++;
      out.push({ kind: "number" });
      i = j;
    } else {
      const two = body.slice(i, i + 2);
      const op = OPERATORS.includes(two) ? two : c;
      out.push({ kind: "punct", value: op });
      i += op.length;
    }
  }
  return out;
}

/** Functions whose result is a boolean or a hash whatever their arguments hold. */
const SAFE_FUNCTIONS = new Set(["contains", "startswith", "endswith", "hashfiles"]);
/** An operand next to these becomes a boolean (`a && b` yields `a` only when it is empty). */
const BOOLEAN_BEFORE = new Set(["==", "!=", "<", "<=", ">", ">=", "!"]);
const BOOLEAN_AFTER = new Set(["==", "!=", "<", "<=", ">", ">=", "&&"]);

const punct = (t: Token | undefined, value: string) => t?.kind === "punct" && t.value === value;

/**
 * The context properties an expression can yield as text, each as a lower-case path with `*` for
 * any index, filter or computed key (`github.event.commits[0].message` → github.event.commits.*.message).
 * Properties only compared, negated, or passed to contains()/startsWith()/endsWith()/hashFiles()
 * are left out: they come out as a boolean or a hash.
 */
export function references(body: string): string[][] {
  const toks = tokens(body);
  const out: string[][] = [];
  // One entry per open parenthesis: whether it is inside the arguments of a safe function.
  const safe: boolean[] = [];
  const inSafe = () => safe[safe.length - 1] === true;
  let i = 0;
  while (i < toks.length) {
    const t = toks[i];
    if (t?.kind === "ident" && punct(toks[i + 1], "(")) {
      safe.push(SAFE_FUNCTIONS.has(t.value) || inSafe());
      i += 2;
      continue;
    }
    if (punct(t, "(")) safe.push(inSafe());
    if (punct(t, ")")) safe.pop();
    // A property after a computed key (`a[x].title`) is not a context of its own.
    if (t?.kind !== "ident" || ["true", "false", "null"].includes(t.value) || punct(toks[i - 1], ".")) {
      i++;
      continue;
    }
    const start = i;
    const path = [t.value];
    i++;
    for (;;) {
      const a = toks[i];
      const b = toks[i + 1];
      if (punct(a, ".") && (b?.kind === "ident" || punct(b, "*"))) {
        path.push(b?.kind === "ident" ? b.value : "*");
        i += 2;
      } else if (punct(a, "[") && punct(toks[i + 2], "]") && (b?.kind !== "punct" || b.value === "*")) {
        path.push(b?.kind === "string" ? b.value : "*");
        i += 3;
      } else if (punct(a, "[")) {
        // A computed key: it may name anything below. Its own references are read next.
        path.push("*");
        break;
      } else {
        break;
      }
    }
    const before = toks[start - 1];
    const after = toks[i];
    const boolean =
      (before?.kind === "punct" && BOOLEAN_BEFORE.has(before.value)) ||
      (after?.kind === "punct" && BOOLEAN_AFTER.has(after.value));
    if (!boolean && !inSafe()) out.push(path);
  }
  return out;
}
