/**
 * The GitHub Action (action.yml): `validate` on the `policy` input and `test` on the `scenarios`
 * input. The log shows what the command line prints; each problem is also an annotation on the
 * line it concerns, and the job summary lists the outcome. Inputs arrive as INPUT_* variables.
 */
import { randomUUID } from "node:crypto";
import { appendFile } from "node:fs/promises";
import { DEFAULT_POLICY_PATH } from "../policy/index.js";
import { code, esc } from "../report/render.js";
import { parseRepo, policyLoader } from "./bases.js";
import { formatProblem, type Problem } from "./problems.js";
import { runExitCode, runScenarios, type ScenarioRun, scenarioRunText } from "./scenarios.js";
import { checkPolicyFile, describeValid, type PolicyCheck } from "./validate.js";

/** A list input: paths separated by spaces, commas or new lines. */
const list = (value: string | undefined): string[] => (value ?? "").split(/[\s,]+/).filter((s) => s !== "");

/** Workflow command escaping: the message may not end the command, a property may not end its value. */
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function annotation(p: Problem, title: string): string {
  const where = p.line > 0 ? [`line=${p.line}`, `col=${p.column}`] : [];
  const props = [`file=${escapeProperty(p.file)}`, ...where, `title=${escapeProperty(title)}`];
  return `::error ${props.join(",")}::${escapeData(`${p.path ? `${p.path}: ` : ""}${p.message}`)}`;
}

const POLICY_TITLE = { 1: "invalid policy", 2: "policy not checked" } as const;

function annotations(check: PolicyCheck, run: ScenarioRun | undefined): string[] {
  const all: [Problem, string][] = [
    ...(check.ok
      ? []
      : check.problems.map((p): [Problem, string] => [p, `agent-policy: ${POLICY_TITLE[check.code]}`])),
    ...(run?.problems ?? []).map((p): [Problem, string] => [p, "agent-policy: scenarios"]),
    ...(run?.outcomes ?? []).flatMap((o) =>
      o.failures.map((p): [Problem, string] => [p, `agent-policy: scenario failed: ${o.name}`]),
    ),
  ];
  // Scenarios sharing an invalid policy repeat its errors; GitHub would show each once per scenario.
  const seen = new Set<string>();
  return all.flatMap(([p, title]) => {
    const key = formatProblem(p);
    if (seen.has(key)) return [];
    seen.add(key);
    return [annotation(p, title)];
  });
}

const problemItem = (p: Problem) =>
  `- ${code(p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file)}${p.path ? ` ${code(p.path)}` : ""} ${esc(p.message)}`;

function summary(check: PolicyCheck, run: ScenarioRun | undefined): string {
  const lines = ["## agent-policy", ""];
  if (check.ok) lines.push(`### ✅ ${esc(describeValid(check))}`);
  else {
    const what = check.code === 1 ? "is invalid" : "could not be checked";
    lines.push(`### ❌ Policy ${code(check.file)} ${what}`, "", ...check.problems.map(problemItem));
  }
  if (run) {
    const failed = run.outcomes.filter((o) => o.failures.length > 0);
    const passed = run.outcomes.filter((o) => o.failures.length === 0);
    const icon = runExitCode(run) === 0 ? "✅" : "❌";
    lines.push("", `### ${icon} Scenarios: ${passed.length} passed, ${failed.length} failed`, "");
    lines.push(...run.problems.map(problemItem));
    for (const o of failed) {
      lines.push(`- ❌ ${esc(o.name)} (${code(o.file)})`, ...o.failures.map((p) => `  ${problemItem(p)}`));
    }
    if (passed.length > 0) {
      lines.push("", "<details><summary>Passed</summary>", "", ...passed.map((o) => `- ✅ ${esc(o.name)}`));
      lines.push("", "</details>");
    }
  }
  return `${lines.join("\n")}\n`;
}

export async function runAction(
  env: NodeJS.ProcessEnv = process.env,
  write: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  const load = policyLoader({
    home: parseRepo(env.GITHUB_REPOSITORY ?? ""),
    baseDirs: list(env["INPUT_BASE-DIR"]),
    token: env.INPUT_TOKEN || env.GITHUB_TOKEN || undefined,
    apiUrl: env.GITHUB_API_URL || undefined,
  });
  const check = await checkPolicyFile(env.INPUT_POLICY?.trim() || DEFAULT_POLICY_PATH, load);
  const scenarios = list(env.INPUT_SCENARIOS);
  const run = scenarios.length > 0 ? await runScenarios(scenarios, load) : undefined;

  // The log repeats names and messages from the repository: nothing in them may act as a command.
  const resume = randomUUID();
  write(`::stop-commands::${resume}\n`);
  const text = [
    ...(check.ok ? [describeValid(check)] : check.problems.map(formatProblem)),
    ...(run
      ? ["", ...(run.outcomes.length > 0 ? [scenarioRunText(run)] : []), ...run.problems.map(formatProblem)]
      : []),
  ];
  write(`${text.join("\n")}\n`);
  write(`::${resume}::\n`);
  for (const a of annotations(check, run)) write(`${a}\n`);
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, summary(check, run));
  return Math.max(check.ok ? 0 : check.code, run ? runExitCode(run) : 0);
}
