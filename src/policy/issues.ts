/** Schema violations, reworded into messages a person can act on, with the path they concern. */
import { type core, z } from "zod";
import { describePath, type Issue, type PathSegment } from "./errors.js";
import { closest } from "./suggest.js";

type ZodIssue = core.$ZodIssue;

/** The object keys the schema allows at `path`, for "did you mean" suggestions. */
function keysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const seg of [...path, null]) {
    while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    if (s instanceof z.ZodUnion) s = (s.options as z.ZodType[]).find((o) => o instanceof z.ZodObject);
    if (seg === null || s === undefined) break;
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(seg)];
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
    else s = undefined;
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path)
    v = v !== null && typeof v === "object" ? (v as Record<PathSegment, unknown>)[seg] : undefined;
  return v;
}

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function describeValue(v: unknown): string {
  if (v === null) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${v}`;
  if (typeof v === "object") return "a mapping";
  return typeof v;
}

const quote = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;

function unionMessage(issue: core.$ZodIssueInvalidUnion, root: unknown, schema: z.ZodType): Issue[] {
  // Report the branch the value was evidently meant for; otherwise say what would have fitted.
  const attempted = issue.errors.filter(
    (branch) => !branch.every((i) => i.code === "invalid_type" && i.path.length === 0),
  );
  // Among several mappings, the one whose keys the value has (a union of shapes, e.g. scenario events).
  const unknownKeys = (branch: ZodIssue[]) =>
    branch.flatMap((i) => (i.code === "unrecognized_keys" && i.path.length === 0 ? i.keys : []));
  const fitting = attempted.filter((branch) => unknownKeys(branch).length === 0);
  const meant = attempted.length === 1 ? attempted : fitting.length === 1 ? fitting : [];
  if (meant.length === 1) {
    const nested = (meant[0] as ZodIssue[]).map(
      (i) => ({ ...i, path: [...issue.path, ...i.path] }) as ZodIssue,
    );
    return nested.flatMap((i) => toIssues(i, root, schema));
  }
  const path = issue.path as PathSegment[];
  // A key no shape allows is the mistake, wherever the value was meant to go.
  const stray = unknownKeys(attempted[0] ?? []).filter((k) =>
    attempted.every((b) => unknownKeys(b).includes(k)),
  );
  if (stray.length > 0) {
    return stray.map((key) => ({
      path: [...path, key],
      at: "key" as const,
      message: `unknown key \`${key}\` in \`${describePath(path)}\``,
    }));
  }
  const expected = new Set(
    issue.errors.flatMap((branch) =>
      branch.flatMap((i) =>
        i.code === "invalid_type" && i.path.length === 0 ? [EXPECTED[i.expected] ?? i.expected] : [],
      ),
    ),
  );
  const got = describeValue(valueAt(root, path));
  if (expected.size === 0) return [{ path, message: `${got} that fits none of the allowed forms` }];
  return [{ path, message: `expected ${[...expected].join(" or ")}, got ${got}` }];
}

function toIssues(issue: ZodIssue, root: unknown, schema: z.ZodType): Issue[] {
  const path = issue.path as PathSegment[];
  const value = valueAt(root, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = keysAt(schema, path);
      return issue.keys.map((key) => {
        const guess = closest(key, allowed);
        const where = path.length === 0 ? "at the top level" : `in \`${describePath(path)}\``;
        return {
          path: [...path, key],
          at: "key" as const,
          message: `unknown key \`${key}\` ${where}${guess ? `; did you mean \`${guess}\`?` : ""}`,
        };
      });
    }
    case "invalid_type": {
      if (value === undefined) return [{ path, message: `missing required key \`${String(path.at(-1))}\`` }];
      return [
        {
          path,
          message: `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}`,
        },
      ];
    }
    case "invalid_value": {
      if (issue.values.length === 1)
        return [{ path, message: `must be ${quote(issue.values[0])}, got ${quote(value)}` }];
      const options = issue.values.map(String);
      const guess = typeof value === "string" ? closest(value, options) : undefined;
      return [
        {
          path,
          message: `expected one of ${options.map(quote).join(", ")}, got ${quote(value)}${guess ? `; did you mean \`${guess}\`?` : ""}`,
        },
      ];
    }
    case "too_small":
      if (issue.origin === "string") return [{ path, message: "must not be empty" }];
      if (issue.origin === "array") return [{ path, message: `must list at least ${issue.minimum} item(s)` }];
      return [{ path, message: `must be at least ${issue.minimum}, got ${quote(value)}` }];
    case "too_big":
      return [{ path, message: `must be at most ${issue.maximum}, got ${quote(value)}` }];
    case "invalid_format":
      return [{ path, message: `${quote(value)} ${issue.message}` }];
    case "invalid_key":
      return [
        {
          path,
          at: "key",
          message: `${quote(path.at(-1))} ${issue.issues[0]?.message ?? "is not allowed here"}`,
        },
      ];
    case "invalid_union":
      return unionMessage(issue, root, schema);
    default:
      return [{ path, message: issue.message }];
  }
}

/** Validate `value` against `schema`: the parsed value, or every issue reworded. */
export function check<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: Issue[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.flatMap((i) => toIssues(i as ZodIssue, value, schema)) };
}
