/**
 * The parts of a whole workflow or action file the hazard rules follow values through: triggers,
 * `env:` at each level, jobs with their steps, `with:` and outputs, each value with the lines it
 * was written on. Flow mappings, quoting and escapes are read by the YAML parser, and aliases are
 * resolved (GitHub Actions accepts anchors). Anything hostile or odd — too large, too many
 * aliases, too deep, not one valid YAML document — gives null, never a throw or a hang: the
 * caller then reads the patch alone.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { SECRET_USE } from "./rules.js";

/** Workflows are a few KiB; anything far larger is read from the patch alone. */
export const MAX_CONTENT_CHARS = 512 * 1024;
const MAX_ALIASES = 100;
/** Nodes looked at (each alias expansion counts): bounds the work on any input. */
const MAX_NODES = 1_000_000;
const MAX_DEPTH = 64;
const MAX_FLOW_DEPTH = 256;

export interface Value {
  /** The value as YAML reads it (quotes and escapes resolved, block scalars unindented). */
  text: string;
  /** Offsets of the node's source text in the file. */
  start: number;
  end: number;
}

export interface Entry {
  /** The key as written. */
  key: string;
  /** Line of the key. */
  line: number;
  value: Value;
}

/** Keyed by lower-case name (expressions read names in any case); "*" when the whole map is one expression. */
export type Entries = Map<string, Entry>;

export interface Step {
  line: number;
  id: string | null;
  uses: Entry | null;
  run: Entry | null;
  with: Entries;
  env: Entries;
}

export interface Job {
  id: string;
  env: Entries;
  /** `with:` of a job that calls a reusable workflow. */
  with: Entries;
  steps: Step[];
  outputs: Entries;
}

export interface Trigger {
  event: string;
  line: number;
  types: { type: string; line: number }[];
}

export interface Workflow {
  source: string;
  lines: LineCounter;
  triggers: Trigger[];
  env: Entries;
  /** Jobs of a workflow, or the one set of steps of a composite action (id ""). */
  jobs: Job[];
  /** Values that use a secret other than GITHUB_TOKEN, and `secrets: inherit`. */
  secretUses: Entry[];
}

class Limit extends Error {}

/**
 * Whether the text nests deeper than any workflow, in the two ways the parser recurses through
 * cheaply written levels (and, at a few hundred thousand, takes seconds and hundreds of MB to fail):
 * flow brackets, and indicators stacked on one line (`- - - x`, `? ? x`). Brackets in scripts and
 * strings count too; no real workflow comes near the limit.
 */
function nestsTooDeep(source: string): boolean {
  let flow = 0;
  let stacked = 0;
  let lineStart = true;
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (c === "\n") {
      lineStart = true;
      stacked = 0;
    } else if (
      lineStart &&
      (c === "-" || c === "?" || c === ":") &&
      " \t\n".includes(source.charAt(i + 1) || "\n")
    ) {
      if (++stacked > MAX_DEPTH) return true;
    } else if (lineStart && c !== " " && c !== "\t") {
      lineStart = false;
    }
    if (c === "[" || c === "{") {
      if (++flow > MAX_FLOW_DEPTH) return true;
    } else if ((c === "]" || c === "}") && flow > 0) {
      flow--;
    }
  }
  return false;
}

/** The workflow in `source`, or null when it cannot be read safely. */
export function readWorkflow(source: string): Workflow | null {
  if (source.length > MAX_CONTENT_CHARS || nestsTooDeep(source)) return null;
  try {
    const lines = new LineCounter();
    // uniqueKeys is quadratic in a mapping's size; GitHub rejects duplicate keys anyway.
    const doc = parseDocument(source, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: false,
      version: "1.2",
    });
    if (doc.errors.length > 0) return null;
    // Expanding every alias once, as toJS does, rejects alias bombs before anything is followed.
    doc.toJS({ maxAliasCount: MAX_ALIASES });
    return new Reader(doc, source, lines).workflow();
  } catch {
    // Limit, or a RangeError from nesting deep enough to exhaust the parser's stack.
    return null;
  }
}

class Reader {
  private readonly targets = new Map<Node, Node>();
  private nodes = 0;

  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly lines: LineCounter,
  ) {
    // An alias names the last node before it with that anchor.
    const anchors = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) this.targets.set(node, target);
        } else if (node.anchor) {
          anchors.set(node.anchor, node);
        }
      },
    });
  }

  workflow(): Workflow {
    const root = this.map(this.doc.contents);
    const runs = this.map(this.get(root, "runs"));
    const jobs = runs
      ? [
          {
            id: "",
            env: new Map(),
            with: new Map(),
            steps: this.steps(this.get(runs, "steps")),
            outputs: new Map(),
          },
        ]
      : this.pairs(this.get(root, "jobs")).map(([id, node]) => this.job(id, node));
    const secretUses: Entry[] = [];
    this.walk(this.doc.contents, null, 0, secretUses);
    return {
      source: this.source,
      lines: this.lines,
      triggers: this.triggers(this.get(root, "on")),
      env: this.entries(this.get(root, "env")),
      jobs,
      secretUses,
    };
  }

  private line(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  private deref(node: unknown): Node | null {
    let n = node;
    for (let hops = 0; isAlias(n); hops++) {
      if (hops > MAX_ALIASES) throw new Limit();
      n = this.targets.get(n) ?? null;
    }
    if (++this.nodes > MAX_NODES) throw new Limit();
    return (n as Node | null) ?? null;
  }

  private map(node: unknown) {
    const n = this.deref(node);
    return isMap(n) ? n : null;
  }

  /** Key–value pairs of a mapping, `<<` merges included (explicit keys win), in order. */
  private pairs(node: unknown, depth = 0): [string, unknown, number][] {
    const m = this.map(node);
    if (!m || depth > 8) return [];
    const out: [string, unknown, number][] = [];
    const merged: [string, unknown, number][] = [];
    for (const p of m.items) {
      if (!isPair(p) || !isScalar(p.key)) continue;
      const key = String(p.key.value);
      const at = p.key.range?.[0] ?? 0;
      if (key === "<<") {
        const v = this.deref(p.value);
        for (const item of isSeq(v) ? v.items : [v]) merged.push(...this.pairs(item, depth + 1));
      } else {
        out.push([key, p.value, this.line(at)]);
      }
    }
    const own = new Set(out.map(([k]) => k));
    return [...merged.filter(([k]) => !own.has(k)), ...out];
  }

  private get(node: unknown, key: string): unknown {
    return this.pairs(node).find(([k]) => k === key)?.[1];
  }

  private value(node: unknown): Value {
    const n = this.deref(node);
    const [start, end] = n?.range ?? [0, 0];
    if (isScalar(n)) return { text: n.value === null ? "" : String(n.value), start, end };
    // A collection where a string belongs: its source text still holds what it would interpolate.
    return { text: this.source.slice(start, end), start, end };
  }

  private entries(node: unknown): Entries {
    const out: Entries = new Map();
    const n = this.deref(node);
    if (isScalar(n) && n.value !== null) {
      const [start] = n.range ?? [0];
      out.set("*", { key: "*", line: this.line(start), value: this.value(n) });
      return out;
    }
    for (const [key, v, line] of this.pairs(n))
      out.set(key.toLowerCase(), { key, line, value: this.value(v) });
    return out;
  }

  private job(id: string, node: unknown): Job {
    return {
      id: id.toLowerCase(),
      env: this.entries(this.get(node, "env")),
      with: this.entries(this.get(node, "with")),
      steps: this.steps(this.get(node, "steps")),
      outputs: this.entries(this.get(node, "outputs")),
    };
  }

  private steps(node: unknown): Step[] {
    const seq = this.deref(node);
    if (!isSeq(seq)) return [];
    return seq.items.flatMap((item) => {
      const m = this.map(item);
      if (!m) return [];
      const fields = this.entries(m);
      const id = fields.get("id");
      return [
        {
          line: this.line(m.range?.[0] ?? 0),
          id: id ? id.value.text.toLowerCase() : null,
          uses: fields.get("uses") ?? null,
          run: fields.get("run") ?? null,
          with: this.entries(this.get(m, "with")),
          env: this.entries(this.get(m, "env")),
        },
      ];
    });
  }

  private triggers(node: unknown): Trigger[] {
    const n = this.deref(node);
    const at = (x: Node | null) => this.line(x?.range?.[0] ?? 0);
    const scalars = (x: unknown) => {
      const v = this.deref(x);
      const items = isSeq(v) ? v.items.map((i) => this.deref(i)) : [v];
      return items.flatMap((i) =>
        isScalar(i) ? [{ text: String(i.value).toLowerCase(), line: at(i) }] : [],
      );
    };
    if (!isMap(n)) return scalars(n).map((s) => ({ event: s.text, line: s.line, types: [] }));
    return this.pairs(n).map(([event, v, line]) => ({
      event: event.toLowerCase(),
      line,
      types: scalars(this.get(v, "types")).map((s) => ({ type: s.text, line: s.line })),
    }));
  }

  /** Collects the values that use secrets, anywhere in the file. */
  private walk(node: unknown, key: string | null, depth: number, out: Entry[]): void {
    if (depth > MAX_DEPTH) throw new Limit();
    const n = this.deref(node);
    if (isScalar(n)) {
      const v = this.value(n);
      if (SECRET_USE.test(v.text) || (key === "secrets" && v.text === "inherit")) {
        out.push({ key: key ?? "", line: this.line(v.start), value: v });
      }
    } else if (isMap(n)) {
      for (const [k, v] of this.pairs(n)) this.walk(v, k, depth + 1, out);
    } else if (isSeq(n)) {
      for (const item of n.items) this.walk(item, key, depth + 1, out);
    }
  }
}
