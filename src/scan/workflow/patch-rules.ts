/**
 * Trigger and script hazards read from the patch alone, when the whole file is not at hand: the
 * lines the hunks show, with what indentation says about them. Values are followed through the
 * `env:` definitions the patch shows (whatever their job: the patch may not show which one);
 * outputs and jobs are not. Where the patch hides what owns a line, it is read as a script.
 */
import { expressionTaint, type Resolve, runnerVariable, scriptSources, textTaint } from "./contexts.js";
import { expressions } from "./expressions.js";
import { flowPairs, type OutlineLine } from "./outline.js";
import {
  ARTIFACT_DOWNLOAD,
  artifactDownload,
  COMMENT_EVENTS,
  explained,
  FETCH,
  gatedSecretsHazard,
  type Hazard,
  MESSAGES,
  privilegedCheckout,
  SECRET_USE,
} from "./rules.js";
import { BEYOND_REACH, CLEAN, MAX_HOPS, merge, type Taint, through } from "./taint.js";

const EVENTS = new Set(
  (
    "branch_protection_rule check_run check_suite create delete deployment deployment_status discussion " +
    "discussion_comment fork gollum issue_comment issues label merge_group milestone page_build public pull_request " +
    "pull_request_review pull_request_review_comment pull_request_target push registry_package release " +
    "repository_dispatch schedule status watch workflow_call workflow_dispatch workflow_run"
  ).split(" "),
);
const SCRIPT_KEYS = new Set(["run", "script"]);
const CHECKOUT_INPUTS = new Set(["ref", "repository"]);

interface Trigger {
  event: string;
  index: number;
  /** Activity types with the line each was read from. */
  types: { type: string; index: number }[];
}

const words = (value: string) => value.match(/[a-z_]+/g) ?? [];

function triggers(lines: readonly OutlineLine[]): Trigger[] {
  const found: Trigger[] = [];
  const byIndex = new Map<number, Trigger>();
  const add = (event: string, index: number) => {
    if (!EVENTS.has(event)) return;
    const t = { event, index, types: [] };
    found.push(t);
    byIndex.set(index, t);
  };
  lines.forEach((l, i) => {
    if (l.scalarOf !== null || l.comment || l.blank) return;
    const parent = l.parent === null ? undefined : lines[l.parent];
    if ((l.key === "on" || l.key === "true") && l.indent === 0 && !l.dash) {
      for (const w of words(l.value)) add(w, i);
    } else if (parent && (parent.key === "on" || parent.key === "true") && parent.indent === 0) {
      add(l.key ?? l.value, i);
    } else if (!parent && l.key !== null && l.indent > 0 && l.indent <= 4 && EVENTS.has(l.key)) {
      // The hunk starts inside the `on:` block, which the patch does not show.
      add(l.key, i);
    } else if (l.parent !== null && l.key === "types" && byIndex.has(l.parent)) {
      byIndex.get(l.parent)?.types.push(...words(l.value).map((type) => ({ type, index: i })));
    } else if (parent && parent.key === "types" && parent.parent !== null && byIndex.has(parent.parent)) {
      byIndex.get(parent.parent)?.types.push(...words(l.value).map((type) => ({ type, index: i })));
    }
  });
  return found;
}

/** The key that owns a line's text: its block scalar's key, its own key, or its parent's; null when unseen. */
function owner(lines: readonly OutlineLine[], i: number): number | null {
  const l = lines[i];
  if (!l) return null;
  if (l.scalarOf !== null) return l.scalarOf;
  if (l.key !== null) return i;
  return l.parent;
}

const parentKey = (lines: readonly OutlineLine[], l: OutlineLine) =>
  l.parent === null ? null : (lines[l.parent]?.key ?? null);

const anyAdded = (lines: readonly OutlineLine[], idx: readonly (number | null)[]) =>
  idx.some((i) => i !== null && lines[i]?.added === true);

interface Definition {
  key: string;
  value: string;
  added: boolean;
}

/** How `${{ env.X }}` and `$X` read the env definitions the patch shows. */
interface Env {
  resolve: Resolve;
  shell(name: string): Taint | undefined;
}

function visibleEnv(lines: readonly OutlineLine[]): Env {
  const defs = new Map<string, Definition[]>();
  const define = (key: string, value: string, added: boolean) => {
    const d = { key, value, added };
    const same = defs.get(key.toLowerCase());
    if (same) same.push(d);
    else defs.set(key.toLowerCase(), [d]);
    return d;
  };
  const byIndex = new Map<number, Definition>();
  lines.forEach((l, i) => {
    if (l.comment || l.blank) return;
    const block = l.scalarOf === null ? undefined : byIndex.get(l.scalarOf);
    if (block) {
      // A block scalar value (`TITLE: >-` and the lines under it).
      block.value += `\n${l.text}`;
      block.added ||= l.added;
    } else if (l.scalarOf === null) {
      if (l.key !== null && parentKey(lines, l) === "env") byIndex.set(i, define(l.key, l.value, l.added));
      for (const p of flowPairs(l.value, l.key)) if (p.parent === "env") define(p.key, p.value, l.added);
    }
  });
  const memo = new Map<string, Taint | null>();
  let hops = 0;
  const named = (name: string): Taint | undefined => {
    const found = defs.get(name);
    if (!found) return undefined;
    const known = memo.get(name);
    if (known !== undefined) return known ?? undefined;
    if (hops >= MAX_HOPS) return BEYOND_REACH;
    memo.set(name, null); // a definition that reads itself, however indirectly, adds nothing
    hops++;
    let t = CLEAN;
    for (const d of found) {
      const value = textTaint(d.value, () => d.added, resolve);
      t = merge(t, through(value, `env.${d.key}`, d.added));
    }
    hops--;
    memo.set(name, t);
    return t;
  };
  const resolve: Resolve = (path) => {
    if (path[0] !== "env") return undefined;
    const name = path[1] ?? "*";
    if (name !== "*") return named(name);
    let t = CLEAN;
    for (const k of defs.keys()) t = merge(t, named(k));
    return t;
  };
  const shell = (name: string) => {
    const t = defs.get(name.toLowerCase())?.some((d) => d.key === name)
      ? named(name.toLowerCase())
      : undefined;
    return merge(t ?? CLEAN, runnerVariable(name));
  };
  return { resolve, shell };
}

/** Taint of the names a script line reads from the environment (`$REF`, `${REF}`, `%REF%`). */
function shellTaint(text: string, env: Env): Taint {
  let t = CLEAN;
  for (const w of new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])) t = merge(t, env.shell(w));
  return t;
}

function injectionHazards(lines: readonly OutlineLine[], env: Env, out: Hazard[]): void {
  lines.forEach((l, i) => {
    if (l.comment || l.blank) return;
    const o = owner(lines, i);
    // Unseen owner: the line may be a script; fail closed. Seen owner: only scripts are injectable,
    // including `run:`/`script:` inside a flow mapping on the line (`- { run: … }`).
    const script = o === null || SCRIPT_KEYS.has(lines[o]?.key ?? "");
    const texts = script
      ? [l.text]
      : flowPairs(l.value, l.key)
          .filter((p) => SCRIPT_KEYS.has(p.key))
          .map((p) => p.value);
    const lineAdded = anyAdded(lines, [i, o]);
    for (const e of texts.flatMap(expressions)) {
      const untrusted = expressionTaint(e.body, l.added, env.resolve).untrusted;
      if (untrusted && (lineAdded || untrusted.touched)) {
        out.push({
          rule: "script-injection",
          severity: "high",
          line: l.line,
          message: explained(MESSAGES["script-injection"], untrusted),
          fragment: e.text,
        });
        return;
      }
    }
  });
}

/** What a checkout input or a script line that fetches code names, or null when the line is neither. */
function checkoutTaint(lines: readonly OutlineLine[], i: number, env: Env): Taint | null {
  const l = lines[i];
  if (!l || l.comment || l.blank) return null;
  const touched = () => l.added;
  const input = (k: OutlineLine | undefined) => {
    if (!k || k.key === null || !CHECKOUT_INPUTS.has(k.key)) return false;
    const pk = parentKey(lines, k);
    return pk === "with" || pk === null;
  };
  // `ref: ${{ … }}`, or a line of its block scalar (`ref: >-`).
  if (l.scalarOf === null ? input(l) : input(lines[l.scalarOf])) {
    return textTaint(l.scalarOf === null ? l.value : l.text, touched, env.resolve);
  }
  const inputs = flowPairs(l.value, l.key).filter((p) => CHECKOUT_INPUTS.has(p.key) && p.parent === "with");
  if (inputs.length > 0) {
    return inputs.reduce((t, p) => merge(t, textTaint(p.value, touched, env.resolve)), CLEAN);
  }
  const o = owner(lines, i);
  if (o === null || !SCRIPT_KEYS.has(lines[o]?.key ?? "") || !FETCH.test(l.text)) return null;
  return merge(
    merge(textTaint(l.text, touched, env.resolve), shellTaint(l.text, env)),
    scriptSources(l.text, l.added),
  );
}

function privilegedTriggerHazards(
  lines: readonly OutlineLine[],
  on: readonly Trigger[],
  env: Env,
  out: Hazard[],
): void {
  const target = on.filter((t) => t.event === "pull_request_target");
  const run = on.filter((t) => t.event === "workflow_run");
  if (target.length === 0 && run.length === 0) return;
  // Whether the change adds the trigger itself, computed once so the work stays linear.
  const targetAdded = anyAdded(
    lines,
    target.map((t) => t.index),
  );
  const runAdded = anyAdded(
    lines,
    run.map((t) => t.index),
  );
  const triggers = {
    target: { on: target.length > 0, added: targetAdded },
    run: { on: run.length > 0, added: runAdded },
  };
  lines.forEach((l, i) => {
    const at = { line: l.line, added: l.added, fragment: l.text.trim() };
    out.push(...privilegedCheckout(checkoutTaint(lines, i, env), triggers, at));
    if (!l.comment && !l.blank && ARTIFACT_DOWNLOAD.test(l.text))
      out.push(...artifactDownload(triggers.run, at));
  });
}

function gatedSecretHazards(lines: readonly OutlineLine[], on: readonly Trigger[], out: Hazard[]): void {
  const at = (index: number) => {
    const l = lines[index];
    return { line: l?.line ?? 1, added: l?.added === true, text: l?.text ?? "" };
  };
  const gates = on.flatMap((t) =>
    COMMENT_EVENTS.has(t.event)
      ? [{ what: `${t.event} events`, ...at(t.index) }]
      : t.types
          .filter((x) => x.type === "labeled")
          .map((x) => ({ what: `labels on ${t.event}`, ...at(x.index) })),
  );
  if (gates.length === 0) return;
  const uses = lines.flatMap((l, i) =>
    !l.comment && !l.blank && (SECRET_USE.test(l.text) || (l.key === "secrets" && l.value === "inherit"))
      ? [at(i)]
      : [],
  );
  const hazard = gatedSecretsHazard(gates, uses);
  if (hazard) out.push(hazard);
}

export function patchHazards(lines: readonly OutlineLine[]): Hazard[] {
  const on = triggers(lines);
  const env = visibleEnv(lines);
  const out: Hazard[] = [];
  privilegedTriggerHazards(lines, on, env, out);
  injectionHazards(lines, env, out);
  gatedSecretHazards(lines, on, out);
  return out;
}
