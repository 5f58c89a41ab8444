/**
 * The agent-policy commands:
 *   validate [FILE]                      check a policy file (default .github/agent-policy.yml)
 *   test [FILE|DIR ...]                  run policy test scenarios
 *   explain --repo OWNER/NAME --pr N     evaluate a live PR read-only and print the check run
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatPolicyError, loadPolicy } from "../policy/index.js";
import { explain } from "./explain.js";
import { findScenarioFiles, runScenario } from "./scenarios.js";

const USAGE = `Usage:
  agent-policy validate [FILE]                 Validate a policy file (default: .github/agent-policy.yml)
  agent-policy test [FILE|DIR ...]             Run policy test scenarios (default: .github/agent-policy-tests)
  agent-policy explain --repo OWNER/NAME --pr N [--token T] [--api-url URL]
                                               Evaluate a live PR read-only and print its check run
                                               (token from --token or GITHUB_TOKEN)`;

async function validate(args: string[]): Promise<number> {
  const file = args[0] ?? ".github/agent-policy.yml";
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    process.stderr.write(`${file}: cannot read: ${(e as Error).message}\n`);
    return 2;
  }
  const result = await loadPolicy({ text, source: file });
  if (result.ok) {
    process.stdout.write(`${file}: valid (${result.policy.rules.length} rules)\n`);
    return 0;
  }
  for (const e of result.errors) process.stderr.write(`${formatPolicyError(e)}\n`);
  return 1;
}

async function test(args: string[]): Promise<number> {
  const files = await findScenarioFiles(args.length > 0 ? args : [".github/agent-policy-tests"]);
  if (files.length === 0) {
    process.stderr.write("no scenario files found (YAML files with `pr` and `expect`)\n");
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    const outcome = await runScenario(file);
    if (outcome.failures.length === 0) {
      process.stdout.write(`✓ ${outcome.name}\n`);
    } else {
      failed++;
      process.stdout.write(
        `✗ ${outcome.name} (${file})\n${outcome.failures.map((f) => `    ${f}`).join("\n")}\n`,
      );
    }
  }
  process.stdout.write(`\n${files.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

async function explainCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      repo: { type: "string" },
      pr: { type: "string" },
      token: { type: "string" },
      "api-url": { type: "string" },
    },
  });
  const [owner, name] = (values.repo ?? "").split("/");
  const number = Number(values.pr);
  const token = values.token ?? process.env.GITHUB_TOKEN;
  if (!owner || !name || !Number.isInteger(number) || number <= 0) {
    process.stderr.write(`explain needs --repo OWNER/NAME and --pr N\n\n${USAGE}\n`);
    return 2;
  }
  if (!token) {
    process.stderr.write("explain needs a token: --token or GITHUB_TOKEN (read access to the repository)\n");
    return 2;
  }
  const out = await explain({ owner, repo: name, number, token, apiUrl: values["api-url"] });
  process.stdout.write(`${out.text}\n`);
  return out.code;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "validate":
      return validate(rest);
    case "test":
      return test(rest);
    case "explain":
      return explainCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
}
