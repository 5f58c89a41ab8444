/**
 * The agent-policy commands and their help. Exit codes: 0 fine; 1 the policy is invalid, a
 * scenario failed, `init` would overwrite or `doctor` found the gate unenforced; 2 bad arguments
 * or nothing could be checked.
 */
import { existsSync, readFileSync } from "node:fs";
import { DEFAULT_POLICY_PATH } from "../policy/index.js";
import { closest } from "../policy/suggest.js";
import {
  type CommandSpec,
  commandHelp,
  flag,
  type ParsedArgs,
  parseCommandArgs,
  stringValue,
  UsageError,
  usageLine,
} from "./args.js";
import { BASE_OPTIONS, baseSourcesFrom, policyLoader } from "./bases.js";
import { doctor } from "./doctor.js";
import { writeDefaultPolicy } from "./init.js";
import { count, formatProblem } from "./problems.js";
import { runExitCode, runScenarios, scenarioRunText } from "./scenarios.js";
import { checkPolicyFile, describeValid } from "./validate.js";

export const DEFAULT_TESTS_PATH = ".github/agent-policy-tests";

const BASES_HELP = [
  "`_extends` bases are read from this working tree when they are in the policy's own repository",
  "(--repo), else from a checkout under a --base-dir, else from GitHub with a token.",
].join("\n");

interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs): Promise<number>;
}

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

const init: Command = {
  spec: {
    name: "init",
    synopsis: "[FILE] [--force]",
    summary: `Write the built-in default policy to FILE (default: ${DEFAULT_POLICY_PATH}).`,
    maxPositionals: 1,
    options: { force: { type: "boolean", description: "Overwrite FILE if it exists" } },
  },
  async run(a) {
    const file = a.positionals[0] ?? DEFAULT_POLICY_PATH;
    const result = await writeDefaultPolicy(file, flag(a, "force"));
    if (!result.ok) {
      err(result.message);
      return result.code;
    }
    out(`${file}: wrote the built-in default policy (valid, ${count(result.rules, "rule")})`);
    return 0;
  },
};

const validate: Command = {
  spec: {
    name: "validate",
    synopsis: "[FILE] [options]",
    summary: `Validate a policy file and its \`_extends\` bases (default: ${DEFAULT_POLICY_PATH}).`,
    maxPositionals: 1,
    options: BASE_OPTIONS,
    details: [
      BASES_HELP,
      "Errors are printed as FILE:LINE:COLUMN: KEY.PATH: MESSAGE. Exit code 1: the policy is invalid;",
      "2: it or a base cannot be read.",
    ].join("\n"),
  },
  async run(a) {
    const check = await checkPolicyFile(
      a.positionals[0] ?? DEFAULT_POLICY_PATH,
      policyLoader(baseSourcesFrom(a)),
    );
    if (check.ok) out(describeValid(check));
    else for (const p of check.problems) err(formatProblem(p));
    return check.ok ? 0 : check.code;
  },
};

const test: Command = {
  spec: {
    name: "test",
    synopsis: "[FILE|DIR ...] [options]",
    summary: `Run policy test scenarios (default: ${DEFAULT_TESTS_PATH}/).`,
    maxPositionals: Number.POSITIVE_INFINITY,
    options: BASE_OPTIONS,
    details: [
      "A scenario is a YAML file with top-level `pr` and `expect`; folders are searched recursively.",
      "Each scenario's `policy` file is read as `validate` reads it:",
      BASES_HELP,
      "Exit code 1: a scenario failed; 2: a path or a policy cannot be read.",
    ].join("\n"),
  },
  async run(a) {
    if (a.positionals.length === 0 && !existsSync(DEFAULT_TESTS_PATH)) {
      throw new UsageError(
        `no scenarios to run: give scenario files or folders, or put them in ${DEFAULT_TESTS_PATH} (it does not exist)`,
      );
    }
    const paths = a.positionals.length > 0 ? a.positionals : [DEFAULT_TESTS_PATH];
    const run = await runScenarios(paths, policyLoader(baseSourcesFrom(a)));
    if (run.outcomes.length > 0) out(scenarioRunText(run));
    for (const p of run.problems) err(formatProblem(p));
    return runExitCode(run);
  },
};

const explain: Command = {
  spec: {
    name: "explain",
    synopsis: "--repo OWNER/NAME --pr N [--token TOKEN] [--api-url URL]",
    summary: "Evaluate a live PR read-only and print the check run the app would write.",
    maxPositionals: 0,
    options: {
      repo: { type: "string", value: "OWNER/NAME", description: "The PR's repository" },
      pr: { type: "string", value: "N", description: "The PR's number" },
      token: { type: "string", value: "TOKEN", description: "Read access to it (default: $GITHUB_TOKEN)" },
      "api-url": { type: "string", value: "URL", description: "GitHub's API (default: $GITHUB_API_URL)" },
    },
    details: "The token needs read access to the repository. Nothing is written: no check run, no actions.",
  },
  async run(a) {
    const [owner, name] = (stringValue(a, "repo") ?? "").split("/");
    const number = Number(stringValue(a, "pr"));
    const token = stringValue(a, "token") || process.env.GITHUB_TOKEN;
    if (!owner || !name || !Number.isInteger(number) || number <= 0) {
      throw new UsageError("explain needs --repo OWNER/NAME and --pr N");
    }
    if (!token)
      throw new UsageError("explain needs a token: --token or GITHUB_TOKEN (read access to the repository)");
    // Probot is most of the start-up time; only this command needs it.
    const { explain: explainPr } = await import("./explain.js");
    const apiUrl = stringValue(a, "api-url") || process.env.GITHUB_API_URL || undefined;
    const result = await explainPr({ owner, repo: name, number, token, apiUrl });
    out(result.text);
    return result.code;
  },
};

const COMMANDS: Record<string, Command> = { init, validate, test, explain, doctor };

export function packageVersion(): string {
  // Two folders up from both src/cli and lib/cli: the package's own package.json.
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function globalHelp(): string {
  const commands = Object.values(COMMANDS).map((c) => {
    const line = `${c.spec.name} ${c.spec.synopsis}`;
    return `  ${line.length > 30 ? `${line}\n${" ".repeat(33)}` : line.padEnd(31)}${c.spec.summary}`;
  });
  return [
    `agent-policy ${packageVersion()}: validate agent-policy files and test them against PR scenarios`,
    "",
    "Usage: agent-policy COMMAND [options]",
    "",
    "Commands:",
    ...commands,
    `  ${"help [COMMAND]".padEnd(31)}Show the help of COMMAND`,
    "",
    "Options:",
    `  ${"-h, --help".padEnd(31)}Show this help (each command has its own: agent-policy COMMAND --help)`,
    `  ${"-v, --version".padEnd(31)}Print the version`,
    "",
    "Exit codes: 0 ok; 1 invalid policy, failed scenario, existing file or enforcement problem; 2 usage error or nothing checked.",
  ].join("\n");
}

function unknownCommand(name: string): UsageError {
  const guess = closest(name, Object.keys(COMMANDS));
  return new UsageError(
    name.startsWith("-")
      ? `unknown option ${name}`
      : `unknown command: ${name}${guess ? `; did you mean \`${guess}\`?` : ""}`,
  );
}

function usageFailure(e: UsageError, command: Command | undefined): number {
  const spec = e.command ?? command?.spec;
  const hint = spec
    ? `Usage: ${usageLine(spec)}\nRun \`agent-policy ${spec.name} --help\` for its options.`
    : "Usage: agent-policy COMMAND [options]\nRun `agent-policy --help` for the commands.";
  err(`agent-policy${spec ? ` ${spec.name}` : ""}: ${e.message}\n${hint}`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (command) {
      const args = parseCommandArgs(command.spec, rest);
      if (flag(args, "help")) {
        out(commandHelp(command.spec));
        return 0;
      }
      return await command.run(args);
    }
    if (name === undefined) throw new UsageError("no command given");
    if (name === "help" || name === "--help" || name === "-h") {
      const topic = name === "help" ? rest[0] : undefined;
      const extra = rest[topic === undefined ? 0 : 1];
      if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`);
      if (topic === undefined) {
        out(globalHelp());
        return 0;
      }
      const about = Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
      if (!about) throw unknownCommand(topic);
      out(commandHelp(about.spec));
      return 0;
    }
    if (name === "--version" || name === "-v") {
      if (rest[0] !== undefined) throw new UsageError(`unexpected argument ${rest[0]}`);
      out(packageVersion());
      return 0;
    }
    throw unknownCommand(name);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(e, command);
    throw e;
  }
}
