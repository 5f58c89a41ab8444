/**
 * The server's loggers, which never write a credential: fields that hold one are censored by name
 * (pino's redaction), and every string of every log line — messages, error texts, anything a
 * webhook or GitHub put there — goes through the secret redactor, cut to a bounded length.
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { redactText } from "../scan/redact-text.js";

/** Longest string a log line keeps (a payload or a patch never needs to be in a log). */
const MAX_STRING = 2_048;
/** Nesting kept; deeper values are summarised. */
const MAX_DEPTH = 6;

/** Field names whose values are credentials, whatever they look like. */
const CREDENTIAL_FIELDS = [
  "token",
  "privateKey",
  "private_key",
  "password",
  "secret",
  "authorization",
  "cookie",
];

const CREDENTIAL_PATHS = [
  ...CREDENTIAL_FIELDS,
  ...CREDENTIAL_FIELDS.map((f) => `*.${f}`),
  ...CREDENTIAL_FIELDS.map((f) => `*.*.${f}`),
  "*.headers.authorization",
  "*.*.headers.authorization",
  // A delivery's payload, wherever a library puts it: the app never logs one.
  "payload",
  "*.payload",
  "*.*.payload",
];

export function createLogger(
  options: { name: string; level: string },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: CREDENTIAL_PATHS, censor: "[redacted]" },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a, 0)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** A copy of `value` with every string redacted and bounded. */
export function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string") {
    const cut =
      value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
    return redactText(cut);
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[…]";
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const status = (value as { status?: unknown }).status;
    return { type: name, message: scrub(message, depth + 1), stack: scrub(stack, depth + 1), status };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 100)) out[k] = scrub(v, depth + 1);
  return out;
}
