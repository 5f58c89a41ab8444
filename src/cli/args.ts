/**
 * Command-line arguments: each command declares its options and how many positional arguments it
 * takes; anything else is a usage error (exit 2), never silently ignored. Messages are our own,
 * not Node's, so they read the same on every Node version.
 */
import { parseArgs } from "node:util";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in the help text, e.g. `DIR`. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** What follows the command name in the usage line, e.g. `[FILE] [options]`. */
  synopsis: string;
  summary: string;
  /** Positional arguments the command accepts at most. */
  maxPositionals: number;
  options: Record<string, OptionSpec>;
  /** Paragraphs after the option list. */
  details?: string;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/** Bad arguments: the message, then the command's usage line. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandSpec,
  ) {
    super(message);
  }
}

export const HELP_OPTION: OptionSpec = { type: "boolean", short: "h", description: "Show this help" };

/** The command's arguments, or a UsageError naming the first that does not fit. */
export function parseCommandArgs(spec: CommandSpec, args: string[]): ParsedArgs {
  const options: Record<string, OptionSpec> = { ...spec.options, help: HELP_OPTION };
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const values: ParsedArgs["values"] = {};
  const positionals: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined || token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) throw new UsageError(`unknown option ${token.rawName}`, spec);
    let value: string | boolean;
    if (option.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`, spec);
      value = true;
    } else {
      // `--repo --pr 1`: an option-like word is a forgotten value, not the value (`--repo=-x` still works).
      const forgotten = !token.inlineValue && token.value?.startsWith("-");
      if (token.value === undefined || forgotten) {
        throw new UsageError(
          `${token.rawName} needs a value${option.value ? ` (${option.value})` : ""}`,
          spec,
        );
      }
      value = token.value;
    }
    if (option.multiple)
      values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), value];
    else if (values[token.name] !== undefined) throw new UsageError(`${token.rawName} is given twice`, spec);
    else values[token.name] = value;
  }
  if (values.help) return { positionals, values };
  if (positionals.length > spec.maxPositionals) {
    const extra = positionals[spec.maxPositionals];
    throw new UsageError(
      spec.maxPositionals === 0
        ? `unexpected argument ${extra}: ${spec.name} takes no positional arguments`
        : `unexpected argument ${extra}`,
      spec,
    );
  }
  return { positionals, values };
}

export const stringValue = (a: ParsedArgs, name: string): string | undefined => {
  const v = a.values[name];
  return typeof v === "string" ? v : undefined;
};

export const stringList = (a: ParsedArgs, name: string): string[] => {
  const v = a.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
};

export const flag = (a: ParsedArgs, name: string): boolean => a.values[name] === true;

export function usageLine(spec: CommandSpec): string {
  return `agent-policy ${spec.name} ${spec.synopsis}`.trimEnd();
}

export function commandHelp(spec: CommandSpec): string {
  const options = Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]) => {
    const names = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.value ? ` ${o.value}` : ""}`;
    return `  ${names.padEnd(26)} ${o.description}`;
  });
  return [
    `Usage: ${usageLine(spec)}`,
    "",
    spec.summary,
    "",
    "Options:",
    ...options,
    ...(spec.details ? ["", spec.details] : []),
  ].join("\n");
}
