/**
 * The server's loggers, which never write a credential: fields that hold one are censored by name
 * at any depth, and every string of every log line — messages, error texts, anything a webhook or
 * GitHub put there — goes through the secret redactor, cut to a bounded length; a line holds a
 * bounded number of values whatever it is given (shared, circular or huge objects).
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { redactText } from "../scan/redact-text.js";

/** Longest string a log line keeps (a payload or a patch never needs to be in a log). */
const MAX_STRING = 2_048;
/** Nesting kept; deeper values are summarised. */
const MAX_DEPTH = 8;
/** Values one log line may hold in all, so shared or huge objects cannot stall the event loop. */
const MAX_NODES = 2_000;

/** Field names whose values are credentials (or a whole delivery), at any depth, in any case. */
const CENSORED =
  /^(token|access_token|private_?key|password|secret|client_secret|authorization|cookie|set-cookie|payload)$/i;

export interface LoggerOptions {
  name: string;
  level: string;
  /** Keep arrays whole (audit records list every finding); other loggers cut them at 50. */
  wholeArrays?: boolean;
}

export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const limits = { maxArray: options.wholeArrays ? Number.POSITIVE_INFINITY : 50 };
  return pino(
    {
      name: options.name,
      level: options.level,
      hooks: {
        logMethod(args, method) {
          const budget = { nodes: MAX_NODES, seen: new WeakSet<object>(), ...limits };
          method.apply(this, args.map((a) => scrub(a, 0, budget)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

interface Budget {
  nodes: number;
  seen: WeakSet<object>;
  maxArray: number;
}

/** A copy of `value` with credentials censored, every string redacted and bounded, and the whole bounded. */
export function scrub(value: unknown, depth: number, budget: Budget): unknown {
  if (--budget.nodes < 0) return "[…]";
  if (typeof value === "string") {
    const cut =
      value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
    return redactText(cut);
  }
  if (typeof value === "bigint" || typeof value === "symbol") return String(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH || budget.seen.has(value)) return "[…]";
  budget.seen.add(value);
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const status = (value as { status?: unknown }).status;
    return {
      type: name,
      message: scrub(message, depth + 1, budget),
      stack: scrub(stack, depth + 1, budget),
      ...(status === undefined ? {} : { status }),
    };
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, budget.maxArray).map((v) => scrub(v, depth + 1, budget));
    return value.length > kept.length ? [...kept, `… ${value.length - kept.length} more`] : kept;
  }
  const out: Record<string, unknown> = {};
  let entries: [string, unknown][];
  try {
    entries = Object.entries(value);
  } catch {
    return "[unreadable]";
  }
  for (const [k, v] of entries) out[k] = CENSORED.test(k) ? "[redacted]" : scrub(v, depth + 1, budget);
  return out;
}
