/** `agent-policy test`: run scenario files and compare each decision with what the scenario expects. */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { type Decision, strictness, type Verdict } from "../engine/decision.js";
import { evaluate } from "../engine/evaluate.js";
import { type Scenario, scenarioFacts, scenarioSchema } from "../facts/scenario.js";
import { defaultPolicy, formatPolicyError, loadPolicy } from "../policy/index.js";
import type { Policy } from "../policy/model.js";

export interface ScenarioOutcome {
  file: string;
  name: string;
  failures: string[];
}

/** Scenario files under the given paths: YAML files whose top level has both `pr` and `expect`. */
export async function findScenarioFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const entry of (await readdir(p)).sort()) await walk(join(p, entry));
    } else if (/\.ya?ml$/i.test(p)) {
      const text = await readFile(p, "utf8");
      // A file that looks like a scenario but does not parse is still run, so its error is reported.
      if (!/^(pr|expect):/m.test(text)) return;
      try {
        const doc = parse(text, { maxAliasCount: 100 }) as unknown;
        if (doc && typeof doc === "object" && "pr" in doc && "expect" in doc) out.push(p);
      } catch {
        out.push(p);
      }
    }
  };
  for (const p of paths) await walk(p);
  return out;
}

const policies = new Map<string, Promise<Policy | string>>();

async function policyFor(scenarioFile: string, ref: string | undefined): Promise<Policy | string> {
  if (!ref) return defaultPolicy();
  const path = resolve(dirname(scenarioFile), ref);
  let loaded = policies.get(path);
  if (!loaded) {
    loaded = readFile(path, "utf8").then(async (text) => {
      const result = await loadPolicy({ text, source: ref });
      return result.ok ? result.policy : result.errors.map(formatPolicyError).join("\n");
    });
    policies.set(path, loaded);
  }
  return loaded;
}

export async function runScenario(file: string): Promise<ScenarioOutcome> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, "utf8"), { maxAliasCount: 100 });
  } catch (e) {
    return { file, name: file, failures: [`invalid YAML: ${(e as Error).message}`] };
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      file,
      name: file,
      failures: parsed.error.issues.map(
        (i) => `invalid scenario at ${i.path.join(".") || "(top)"}: ${i.message}`,
      ),
    };
  }
  const scenario = parsed.data;
  const policy = await policyFor(file, scenario.policy);
  if (typeof policy === "string")
    return { file, name: scenario.name, failures: [`invalid policy:\n${policy}`] };
  const facts = scenarioFacts(scenario);
  const decision = evaluate(policy, facts);
  // The run on a shared head carries the strictest verdict of every PR with that head.
  const verdict = scenario.pr.same_head_bases
    .map((ref): Verdict => evaluate(policy, { ...facts, base: { ...facts.base, ref } }).verdict)
    .reduce((a, b) => (strictness(b) < strictness(a) ? b : a), decision.verdict);
  return { file, name: scenario.name, failures: compare(scenario.expect, decision, verdict) };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function compare(expect: Scenario["expect"], d: Decision, verdict: Verdict): string[] {
  const f: string[] = [];
  const show = (xs: readonly string[]) => `[${xs.join(", ")}]`;
  if (verdict !== expect.verdict)
    f.push(
      `verdict: expected ${expect.verdict}, got ${verdict} (${verdict === d.verdict ? d.title : "another PR with this head"})`,
    );
  if (expect.kind && d.identity.kind !== expect.kind)
    f.push(`kind: expected ${expect.kind}, got ${d.identity.kind}`);
  if (expect.requesters) {
    const got = d.identity.requesters.map((r) => r.login);
    if (!sameSet(got, expect.requesters))
      f.push(`requesters: expected ${show(expect.requesters)}, got ${show(got)}`);
  }
  if (expect.categories) {
    const got = d.categories.map((c) => c.name);
    if (!sameSet(got, expect.categories))
      f.push(`categories: expected ${show(expect.categories)}, got ${show(got)}`);
  }
  for (const [name, want] of Object.entries(expect.rules ?? {})) {
    const rule = d.rules.find((r) => r.name === name);
    if (!rule) {
      f.push(
        `rule "${name}" was expected to apply but did not (applied: ${show(d.rules.map((r) => r.name))})`,
      );
      continue;
    }
    if (want.met !== undefined && rule.met !== want.met)
      f.push(`rule "${name}": expected met=${want.met}, got met=${rule.met}`);
    if (want.counted && !sameSet(rule.approvals.counted, want.counted)) {
      f.push(
        `rule "${name}": expected approvals from ${show(want.counted)}, counted ${show(rule.approvals.counted)}`,
      );
    }
  }
  for (const name of expect.not_rules ?? [])
    if (d.rules.some((r) => r.name === name)) f.push(`rule "${name}" applied but was expected not to`);
  if (expect.violations) {
    const got = d.violations.map((v) => v.kind);
    if (!sameSet(got, expect.violations))
      f.push(`violations: expected ${show(expect.violations)}, got ${show(got)}`);
  }
  if (expect.findings) {
    const got = d.findings.map((x) => x.rule);
    if (!sameSet(got, expect.findings))
      f.push(`findings: expected ${show(expect.findings)}, got ${show(got)}`);
  }
  return f;
}
