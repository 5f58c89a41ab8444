/**
 * Trigger and script hazards of a whole workflow file, with values followed from where an
 * outsider writes them to where they run: through `env:` at the workflow, job and step level,
 * what a step writes to $GITHUB_OUTPUT or $GITHUB_ENV (from its expressions, the env it reads,
 * the event payload or a pull request looked up through the API), what a `uses:` step was given
 * in `with:` (its outputs carry it), and job outputs read through `needs`. Each value is followed
 * once (memoised; a cycle adds nothing), so the work stays linear in the file. A hazard counts
 * when any line it is made of is added: the trigger, the checkout step, a definition on the way,
 * or the line that runs it.
 */
import {
  expressionTaint,
  type Resolve,
  refTextTaint,
  runnerVariable,
  scriptSources,
  textTaint,
} from "./contexts.js";
import type { Entries, Entry, Job, Step, Value, Workflow } from "./document.js";
import { expressions } from "./expressions.js";
import {
  ARTIFACT_DOWNLOAD,
  artifactDownload,
  COMMENT_EVENTS,
  explained,
  FETCH,
  gatedSecretsHazard,
  type Hazard,
  MESSAGES,
  type PrivilegedTrigger,
  privilegedCheckout,
  SECRET_USE,
} from "./rules.js";
import { BEYOND_REACH, CLEAN, MAX_HOPS, merge, type Taint, through } from "./taint.js";

/** Outputs of a step or job by lower-case name; "*" for any name. */
type Outputs = Map<string, Taint>;

interface Written {
  name: string;
  taint: Taint;
}

/** Where a value is read: its level's env, the level around it, and what earlier steps left. */
interface Scope {
  vars: Entries;
  outer: Scope | null;
  /** What earlier steps of the job wrote to $GITHUB_ENV, by lower-case name. */
  written: ReadonlyMap<string, Written>;
  steps: ReadonlyMap<string, Outputs>;
}

/** One line of a value as it maps to the file. */
interface Row {
  text: string;
  line: number;
  added: boolean;
}

interface Rows {
  list: Row[];
  /** The row holding offset `at` of the value's text. */
  at(at: number): Row;
  index(at: number): number;
}

const NONE = new Map<never, never>();
const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;
const WRITES_OUTPUT = /GITHUB_OUTPUT|::set-output|setOutput\(/;
const WRITES_ENV = /GITHUB_ENV|exportVariable\(/;
/** How far past the previous line of a value its next line may start in the file (indentation). */
const ROW_WINDOW = 256;

/** Names a script line writes: `NAME=…`, `NAME<<EOF`, `name=NAME::`, `setOutput('NAME'`; "*" when none is seen. */
function writtenNames(text: string): string[] {
  const names = [
    ...Array.from(text.matchAll(/([A-Za-z_][\w-]*)(?:=|<<)/g), (m) => m[1] ?? ""),
    ...Array.from(text.matchAll(/name=([\w-]+)::/g), (m) => m[1] ?? ""),
    ...Array.from(text.matchAll(/(?:setOutput|exportVariable)\(\s*['"`]([\w-]+)/g), (m) => m[1] ?? ""),
  ];
  return names.length > 0 ? names : ["*"];
}

function lookup(all: Iterable<Outputs | undefined>, name: string): Taint {
  let t = CLEAN;
  for (const o of all) {
    if (!o) continue;
    if (name === "*") for (const v of o.values()) t = merge(t, v);
    else t = merge(merge(t, o.get(name)), o.get("*"));
  }
  return t;
}

export function wholeFileHazards(wf: Workflow, added: ReadonlySet<number>): Hazard[] {
  return new Flow(wf, added).hazards();
}

class Flow {
  private readonly out: Hazard[] = [];
  private readonly jobs = new Map<string, Job>();
  private readonly jobOutputs = new Map<Job, Outputs | null>();
  private readonly entryTaints = new Map<Entry, Taint | null>();
  private readonly levelTaints = new Map<Entries, Taint>();
  private readonly rowsOf = new Map<Value, Rows>();
  private readonly root: Scope;
  private readonly texts: string[];
  private hops = 0;
  private readonly target: PrivilegedTrigger;
  private readonly run: PrivilegedTrigger;

  constructor(
    private readonly wf: Workflow,
    private readonly added: ReadonlySet<number>,
  ) {
    for (const j of wf.jobs) if (!this.jobs.has(j.id)) this.jobs.set(j.id, j);
    this.root = { vars: wf.env, outer: null, written: NONE, steps: NONE };
    this.texts = wf.source.split("\n");
    const trigger = (event: string) => {
      const found = wf.triggers.filter((t) => t.event === event);
      return { on: found.length > 0, added: found.some((t) => added.has(t.line)) };
    };
    this.target = trigger("pull_request_target");
    this.run = trigger("workflow_run");
  }

  hazards(): Hazard[] {
    for (const j of this.wf.jobs) this.job(j);
    this.gatedSecrets();
    return this.out;
  }

  private text(line: number): string {
    return (this.texts[line - 1] ?? "").replace(/\r$/, "").trim();
  }

  /** The lines of a value mapped to the file; a line that cannot be placed counts as added when any of the value is. */
  private rows(v: Value): Rows {
    const known = this.rowsOf.get(v);
    if (known) return known;
    const { source, lines } = this.wf;
    const lineAt = (offset: number) => lines.linePos(offset).line;
    const first = lineAt(v.start);
    const last = lineAt(Math.max(v.start, v.end - 1));
    let spanAdded = false;
    for (let n = first; n <= last && !spanAdded; n++) spanAdded = this.added.has(n);
    let offset = 0;
    let cursor = v.start;
    const starts: number[] = [];
    const list = v.text.split("\n").map((text) => {
      starts.push(offset);
      offset += text.length + 1;
      // Lines follow each other in the source, past indentation, quotes or escapes.
      const needle = text.trim();
      const window = source.slice(cursor, Math.min(v.end, cursor + needle.length + ROW_WINDOW));
      const idx = needle === "" ? -1 : window.indexOf(needle);
      if (idx < 0) return { text, line: lineAt(cursor), added: needle !== "" && spanAdded };
      const line = lineAt(cursor + idx);
      cursor += idx + needle.length;
      return { text, line, added: this.added.has(line) };
    });
    const index = (at: number) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] ?? 0) <= at) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const rows: Rows = {
      list,
      index,
      at: (at) => list[index(at)] ?? { text: "", line: first, added: spanAdded },
    };
    this.rowsOf.set(v, rows);
    return rows;
  }

  private resolver(scope: Scope): Resolve {
    return (path) => {
      const [root, a = "*", b, c = "*"] = path;
      if (root === "env") return a === "*" ? this.allEnv(scope) : this.env(a, scope, false);
      if (b !== undefined && b !== "outputs") return undefined;
      if (root === "steps") {
        const all = a === "*" ? scope.steps.values() : [scope.steps.get(a)];
        return through(lookup(all, c), `steps.${a}.outputs.${c}`, false);
      }
      const jobs = a === "*" ? [...this.jobs.values()] : [this.jobs.get(a)];
      const all = jobs.map((j) => (j ? this.job(j) : undefined));
      return through(lookup(all, c), `needs.${a}.outputs.${c}`, false);
    };
  }

  /** An env value by name, as `${{ env.NAME }}` reads it or, with `shell`, as a script's `$NAME` does (case counts). */
  private env(name: string, scope: Scope, shell: boolean): Taint | undefined {
    const key = name.toLowerCase();
    let t: Taint | undefined;
    for (let s: Scope | null = scope; s; s = s.outer) {
      const e = s.vars.get(key) ?? s.vars.get("*");
      if (!e || (shell && e.key !== name && e.key !== "*")) continue;
      t = through(this.entryTaint(e, s.outer ?? this.root), `env.${e.key === "*" ? name : e.key}`, false);
      break;
    }
    for (const w of [scope.written.get(key), scope.written.get("*")]) {
      if (w && (!shell || w.name === name || w.name === "*")) t = merge(t ?? CLEAN, w.taint);
    }
    return shell ? merge(t ?? CLEAN, runnerVariable(name)) : t;
  }

  /** All env a scope sees, as `toJSON(env)` dumps it. */
  private allEnv(scope: Scope): Taint {
    let t = CLEAN;
    for (let s: Scope | null = scope; s; s = s.outer) {
      let level = this.levelTaints.get(s.vars);
      if (!level) {
        level = CLEAN;
        for (const e of s.vars.values()) level = merge(level, this.entryTaint(e, s.outer ?? this.root));
        this.levelTaints.set(s.vars, level);
      }
      t = merge(t, level);
    }
    for (const w of scope.written.values()) t = merge(t, w.taint);
    return t;
  }

  private entryTaint(e: Entry, scope: Scope): Taint {
    const known = this.entryTaints.get(e);
    if (known !== undefined) return known ?? CLEAN;
    this.entryTaints.set(e, null); // a value that reads itself, however indirectly, adds nothing
    const t = this.hop(
      () => through(this.valueTaint(e.value, scope), null, this.added.has(e.line)),
      BEYOND_REACH,
    );
    this.entryTaints.set(e, t);
    return t;
  }

  /** Follows one value into another, up to MAX_HOPS deep (the stack stays small on any input). */
  private hop<T>(follow: () => T, beyond: T): T {
    if (this.hops >= MAX_HOPS) return beyond;
    this.hops++;
    try {
      return follow();
    } finally {
      this.hops--;
    }
  }

  private valueTaint(v: Value, scope: Scope): Taint {
    const rows = this.rows(v);
    return textTaint(v.text, (at) => rows.at(at).added, this.resolver(scope));
  }

  /** What the env names a script mentions carry (`$REF`, `${REF}`, `%REF%`, `process.env.REF`). */
  private shellTaint(text: string, scope: Scope): Taint {
    let t = CLEAN;
    for (const w of new Set(text.match(WORD) ?? [])) t = merge(t, this.env(w, scope, true));
    return t;
  }

  private job(job: Job): Outputs | undefined {
    if (this.jobOutputs.has(job)) return this.jobOutputs.get(job) ?? undefined;
    this.jobOutputs.set(job, null); // jobs that need each other: the second sees nothing of the first
    const outputs = this.hop(() => this.steps(job), new Map([["*", BEYOND_REACH]]));
    this.jobOutputs.set(job, outputs);
    return outputs;
  }

  private steps(job: Job): Outputs {
    const around: Scope = { vars: job.env, outer: this.root, written: NONE, steps: NONE };
    this.checkoutInputs(job.with, null, around);
    let written: Map<string, Written> = new Map();
    const steps = new Map<string, Outputs>();
    for (const step of job.steps) {
      const scope: Scope = { vars: step.env, outer: { ...around, written, steps }, written, steps };
      this.step(step, scope);
      const wrote = this.writes(step, scope);
      if (step.id !== null) steps.set(step.id, wrote.outputs);
      if (wrote.env.size > 0) {
        written = new Map(written);
        for (const [k, w] of wrote.env) {
          written.set(k, { name: w.name, taint: merge(written.get(k)?.taint ?? CLEAN, w.taint) });
        }
      }
    }
    const final: Scope = { ...around, written, steps };
    const outputs: Outputs = new Map();
    for (const [name, e] of job.outputs) outputs.set(name, this.entryTaint(e, final));
    return outputs;
  }

  private step(step: Step, scope: Scope): void {
    this.checkoutInputs(step.with, step.uses, scope);
    const uses = step.uses;
    if (uses && ARTIFACT_DOWNLOAD.test(uses.value.text)) {
      this.download(uses.line, this.added.has(uses.line), this.text(uses.line));
    }
    for (const script of [step.run, step.with.get("script")]) if (script) this.script(script.value, scope);
  }

  private checkoutInputs(inputs: Entries, uses: Entry | null, scope: Scope): void {
    for (const key of ["ref", "repository"]) {
      const e = inputs.get(key);
      if (!e) continue;
      const t = this.valueTaint(e.value, scope);
      const added = this.added.has(e.line) || (uses !== null && this.added.has(uses.line));
      this.privileged(t, e.line, added, `${e.key}: ${e.value.text}`);
    }
  }

  private privileged(t: Taint, line: number, added: boolean, fragment: string): void {
    this.out.push(
      ...privilegedCheckout(t, { target: this.target, run: this.run }, { line, added, fragment }),
    );
  }

  private download(line: number, added: boolean, fragment: string): void {
    this.out.push(...artifactDownload(this.run, { line, added, fragment }));
  }

  /** A `run:` or `script:`: untrusted text pasted into it, and lines that fetch a PR's code or a run's artifacts. */
  private script(v: Value, scope: Scope): void {
    const rows = this.rows(v);
    const resolve = this.resolver(scope);
    const taints: Taint[] = rows.list.map(() => CLEAN);
    const injected = new Set<number>();
    for (const e of expressions(v.text)) {
      const k = rows.index(e.at);
      const row = rows.at(e.at);
      const t = expressionTaint(e.body, row.added, resolve);
      taints[k] = merge(taints[k] ?? CLEAN, t);
      const u = t.untrusted;
      if (u && (row.added || u.touched) && !injected.has(row.line)) {
        injected.add(row.line);
        this.out.push({
          rule: "script-injection",
          severity: "high",
          line: row.line,
          message: explained(MESSAGES["script-injection"], u),
          fragment: e.text,
        });
      }
    }
    // Shell variables the script sets from what it read (`SHA=${{ … }}`, then `git fetch origin "$SHA"`).
    const locals = new Map<string, Taint>();
    rows.list.forEach((row, k) => {
      let t = merge(
        taints[k] ?? CLEAN,
        refTextTaint(row.text, () => row.added),
      );
      t = merge(merge(t, this.shellTaint(row.text, scope)), scriptSources(row.text, row.added));
      for (const w of new Set(row.text.match(WORD) ?? [])) t = merge(t, locals.get(w));
      const local = /^\s*(?:export\s+|local\s+)?([A-Za-z_]\w*)=/.exec(row.text)?.[1];
      if (local) locals.set(local, t);
      if (FETCH.test(row.text)) this.privileged(t, row.line, row.added, row.text.trim());
      if (ARTIFACT_DOWNLOAD.test(row.text)) this.download(row.line, row.added, row.text.trim());
    });
  }

  /** What a step passes on: its outputs, and what it writes to $GITHUB_ENV for the steps after it. */
  private writes(step: Step, scope: Scope): { outputs: Outputs; env: Map<string, Written> } {
    const outputs: Outputs = new Map();
    const env = new Map<string, Written>();
    const script = step.run ?? step.with.get("script");
    const rows = script ? this.rows(script.value).list : [];
    const writers = rows.filter((r) => WRITES_OUTPUT.test(r.text) || WRITES_ENV.test(r.text));
    let read = CLEAN;
    if (script && (writers.length > 0 || step.uses)) {
      // Everything the script reads may be in what it writes.
      read = merge(this.valueTaint(script.value, scope), this.shellTaint(script.value.text, scope));
      for (const row of rows) read = merge(read, scriptSources(row.text, row.added));
    }
    for (const row of writers) {
      // The line that writes is on the way too: adding it makes an old source a new hazard.
      const wrote = through(read, null, row.added);
      if (WRITES_OUTPUT.test(row.text)) {
        for (const n of writtenNames(row.text)) {
          const name = n.toLowerCase();
          outputs.set(name, merge(outputs.get(name) ?? CLEAN, wrote));
        }
      }
      if (WRITES_ENV.test(row.text)) {
        for (const name of writtenNames(row.text)) {
          const key = name.toLowerCase();
          env.set(key, { name, taint: merge(env.get(key)?.taint ?? CLEAN, wrote) });
        }
      }
    }
    if (step.uses) {
      // An action's outputs (github-script's `result` among them) may carry anything it was given.
      let given = read;
      for (const e of step.with.values()) {
        given = merge(given, through(this.valueTaint(e.value, scope), null, this.added.has(e.line)));
      }
      outputs.set(
        "*",
        merge(outputs.get("*") ?? CLEAN, through(given, null, this.added.has(step.uses.line))),
      );
    }
    return { outputs, env };
  }

  private gatedSecrets(): void {
    const at = (line: number) => ({ line, added: this.added.has(line), text: this.text(line) });
    const gates = this.wf.triggers.flatMap((t) =>
      COMMENT_EVENTS.has(t.event)
        ? [{ what: `${t.event} events`, ...at(t.line) }]
        : t.types
            .filter((x) => x.type === "labeled")
            .map((x) => ({ what: `labels on ${t.event}`, ...at(x.line) })),
    );
    const uses = this.wf.secretUses.map((e) => {
      const row = this.rows(e.value).list.find((r) => SECRET_USE.test(r.text));
      return at(row?.line ?? e.line);
    });
    const hazard = gatedSecretsHazard(gates, uses);
    if (hazard) this.out.push(hazard);
  }
}
