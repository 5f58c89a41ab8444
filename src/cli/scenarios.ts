/**
 * `agent-policy test`: run scenario files and compare each decision with what the scenario expects.
 * Every failure points at the line of the scenario (or of its policy) it is about.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { type Decision, strictness, type Verdict } from "../engine/decision.js";
import { evaluate } from "../engine/evaluate.js";
import { type Scenario, scenarioFacts, scenarioSchema } from "../facts/scenario.js";
import type { Issue } from "../policy/errors.js";
import { defaultPolicy, type Policy } from "../policy/index.js";
import { check } from "../policy/issues.js";
import { locate, type YamlSource } from "../policy/yaml-source.js";
import { type PolicyLoader, policyLoader } from "./bases.js";
import { displayPath, errorMessage, fileProblem, formatProblem, type Problem } from "./problems.js";
import { checkPolicyFile, type PolicyCheck } from "./validate.js";

export interface ScenarioOutcome {
  file: string;
  name: string;
  failures: Problem[];
}

/** `problems`: paths that could not be searched, or no scenario found at all (exit 2). */
export interface ScenarioRun {
  outcomes: ScenarioOutcome[];
  problems: Problem[];
}

export function runExitCode(run: ScenarioRun): 0 | 1 | 2 {
  if (run.problems.length > 0) return 2;
  return run.outcomes.some((o) => o.failures.length > 0) ? 1 : 0;
}

/** `✓`/`✗` per scenario with what differed, then the counts. */
export function scenarioRunText(run: ScenarioRun): string {
  const lines = run.outcomes.map((o) =>
    o.failures.length === 0
      ? `✓ ${o.name}`
      : [
          `✗ ${o.name}${o.name === o.file ? "" : ` (${o.file})`}`,
          ...o.failures.map((f) => `    ${formatProblem(f)}`),
        ].join("\n"),
  );
  const failed = run.outcomes.filter((o) => o.failures.length > 0).length;
  return `${lines.join("\n")}\n\n${run.outcomes.length - failed} passed, ${failed} failed`;
}

const MAX_ALIASES = 100;

type Parsed = { ok: true; source: YamlSource } | { ok: false; problems: Problem[] };

/** The YAML of a scenario, kept as a document so failures can be placed on its lines. */
function parseScenarioYaml(text: string, file: string): Parsed {
  const lines = new LineCounter();
  try {
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    // Only the first: a parser that lost its place reports every token after it as another error.
    const first = doc.errors[0];
    if (first) {
      const { line, col } = lines.linePos(first.pos[0]);
      return {
        ok: false,
        problems: [{ file, line, column: col, message: `invalid YAML: ${first.message}` }],
      };
    }
    return { ok: true, source: { file, doc, lines, value: doc.toJS({ maxAliasCount: MAX_ALIASES }) } };
  } catch (e) {
    return {
      ok: false,
      problems: [{ file, line: 1, column: 1, message: `invalid YAML: ${errorMessage(e)}` }],
    };
  }
}

const isScenarioShaped = (v: unknown): boolean =>
  v !== null && typeof v === "object" && "pr" in v && "expect" in v;

/** Scenario files under the given paths: YAML files whose top level has both `pr` and `expect`. */
async function findScenarioFiles(
  paths: readonly string[],
): Promise<{ files: string[]; problems: Problem[] }> {
  const files: string[] = [];
  const problems: Problem[] = [];
  const walk = async (p: string): Promise<void> => {
    if ((await stat(p)).isDirectory()) {
      for (const entry of (await readdir(p)).sort()) await walk(join(p, entry));
    } else if (/\.ya?ml$/i.test(p)) {
      const text = await readFile(p, "utf8");
      if (!/^(pr|expect):/m.test(text)) return;
      // A file that looks like a scenario but does not parse is still run, so its error is reported.
      const parsed = parseScenarioYaml(text, p);
      if (!parsed.ok || isScenarioShaped(parsed.source.value)) files.push(p);
    }
  };
  for (const p of paths) {
    try {
      await walk(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(fileProblem(p, code === "ENOENT" ? "no such file or folder" : errorMessage(e)));
    }
  }
  if (files.length === 0 && problems.length === 0) {
    problems.push(
      fileProblem(paths.join(", "), "no scenario files here (YAML files with top-level `pr` and `expect`)"),
    );
  }
  return { files, problems };
}

export async function runScenarios(paths: readonly string[], load: PolicyLoader): Promise<ScenarioRun> {
  const found = await findScenarioFiles(paths);
  // Scenarios share policy files: each is loaded once per run.
  const policies = new Map<string, Promise<PolicyCheck>>();
  const policyAt = (path: string) => {
    let loaded = policies.get(path);
    if (!loaded) {
      loaded = checkPolicyFile(path, load);
      policies.set(path, loaded);
    }
    return loaded;
  };
  const outcomes: ScenarioOutcome[] = [];
  for (const file of found.files) outcomes.push(await runScenario(file, policyAt));
  return { outcomes, problems: found.problems };
}

/** One scenario; by default a policy with `_extends` cannot be read (runScenarios passes a loader that can). */
export async function runScenario(
  file: string,
  policyAt: (path: string) => Promise<PolicyCheck> = (path) =>
    checkPolicyFile(path, policyLoader({ baseDirs: [] })),
): Promise<ScenarioOutcome> {
  const parsed = parseScenarioYaml(await readFile(file, "utf8"), file);
  if (!parsed.ok) return { file, name: file, failures: parsed.problems };
  const { source } = parsed;
  const raw = source.value as { name?: unknown } | null;
  const name = typeof raw?.name === "string" && raw.name !== "" ? raw.name : file;
  const checked = check(scenarioSchema, source.value);
  if (!checked.ok) return { file, name, failures: checked.issues.map((i) => locate(source, i)) };
  const scenario = checked.value;

  let policy: Policy;
  if (scenario.policy === undefined) {
    policy = defaultPolicy();
  } else {
    const path = displayPath(resolve(dirname(file), scenario.policy));
    const loaded = await policyAt(path);
    if (!loaded.ok) {
      // Invalid: its own errors follow, at its own lines. Unreadable: why, at the `policy` line.
      const failures =
        loaded.code === 1
          ? [
              locate(source, { path: ["policy"], message: `the policy ${path} is invalid` }),
              ...loaded.problems,
            ]
          : loaded.problems.map((p) =>
              locate(source, { path: ["policy"], message: `${path}: ${p.message}` }),
            );
      return { file, name, failures };
    }
    policy = loaded.policy;
  }
  const facts = scenarioFacts(scenario);
  const decision = evaluate(policy, facts);
  // The run on a shared head carries the strictest verdict of every PR with that head.
  const verdict = scenario.pr.same_head_bases
    .map((ref): Verdict => evaluate(policy, { ...facts, base: { ...facts.base, ref } }).verdict)
    .reduce((a, b) => (strictness(b) < strictness(a) ? b : a), decision.verdict);
  const failures = compare(scenario.expect, decision, verdict).map((i) => locate(source, i));
  return { file, name: scenario.name, failures };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** What differs from the expectation, each at the `expect` key it contradicts. */
function compare(expect: Scenario["expect"], d: Decision, verdict: Verdict): Issue[] {
  const f: Issue[] = [];
  const show = (xs: readonly string[]) => `[${xs.join(", ")}]`;
  const sets = (key: string, want: readonly string[] | undefined, got: readonly string[]) => {
    if (want && !sameSet(got, want))
      f.push({ path: ["expect", key], message: `expected ${show(want)}, got ${show(got)}` });
  };
  if (verdict !== expect.verdict)
    f.push({
      path: ["expect", "verdict"],
      message: `expected ${expect.verdict}, got ${verdict} (${verdict === d.verdict ? d.title : "another PR with this head"})`,
    });
  if (expect.kind && d.identity.kind !== expect.kind)
    f.push({ path: ["expect", "kind"], message: `expected ${expect.kind}, got ${d.identity.kind}` });
  sets(
    "requesters",
    expect.requesters,
    d.identity.requesters.map((r) => r.login),
  );
  sets(
    "categories",
    expect.categories,
    d.categories.map((c) => c.name),
  );
  for (const [name, want] of Object.entries(expect.rules ?? {})) {
    const at = ["expect", "rules", name];
    const rule = d.rules.find((r) => r.name === name);
    if (!rule) {
      f.push({ path: at, message: `the rule did not apply (applied: ${show(d.rules.map((r) => r.name))})` });
      continue;
    }
    if (want.met !== undefined && rule.met !== want.met)
      f.push({ path: [...at, "met"], message: `expected ${want.met}, got ${rule.met}` });
    if (want.counted && !sameSet(rule.approvals.counted, want.counted)) {
      f.push({
        path: [...at, "counted"],
        message: `expected approvals from ${show(want.counted)}, counted ${show(rule.approvals.counted)}`,
      });
    }
  }
  (expect.not_rules ?? []).forEach((name, i) => {
    if (d.rules.some((r) => r.name === name))
      f.push({ path: ["expect", "not_rules", i], message: `rule "${name}" applied but was expected not to` });
  });
  sets(
    "violations",
    expect.violations,
    d.violations.map((v) => v.kind),
  );
  sets(
    "findings",
    expect.findings,
    d.findings.map((x) => x.rule),
  );
  if (expect.overridden_by !== undefined && (d.override?.by ?? null) !== expect.overridden_by) {
    const refused = d.overrideAnswers.filter((a) => !a.accepted).map((a) => `@${a.login}: ${a.reason}`);
    f.push({
      path: ["expect", "overridden_by"],
      message: `expected ${expect.overridden_by ?? "no override"}, got ${d.override?.by ?? "none"}${refused.length ? ` (refused: ${refused.join("; ")})` : ""}`,
    });
  }
  return f;
}
