/**
 * Check-run writes, validated the way GitHub validates them, so an app cannot get away here with a request
 * GitHub would reject (422 "Invalid request." with GitHub's wording where it is known).
 */
import { HttpError, invalidRequest } from "../http.js";
import type {
  Annotation,
  CheckAction,
  CheckConclusion,
  CheckRunRecord,
  CheckStatus,
  Repo,
  Store,
} from "../store.js";

const CREATE_STATUSES = ["queued", "in_progress", "completed"];
/** Only GitHub Actions may set these, on update. */
const ACTIONS_ONLY_STATUSES = ["waiting", "requested", "pending"];
const CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"];
const LEVELS = ["notice", "warning", "failure"];
const MAX_TEXT = 65535;
const MAX_ANNOTATION_BYTES = 64 * 1024;

type Body = Record<string, unknown>;

function asObject(value: unknown, what: string): Body {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw invalidRequest(`For '${what}', it is not an object.`);
  return value as Body;
}

function optionalString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw invalidRequest(`For '${key}', ${JSON.stringify(value)} is not a string.`);
  return value;
}

function requireFields(body: Body, keys: string[]): void {
  const missing = keys.filter((k) => body[k] === undefined || body[k] === null);
  if (missing.length === 1) throw invalidRequest(`"${missing[0]}" wasn't supplied.`);
  if (missing.length > 1)
    throw invalidRequest(`${missing.map((k) => `"${k}"`).join(", ")} weren't supplied.`);
}

function checkLength(value: string | undefined, max: number, what: string): void {
  if (value !== undefined && value.length > max) {
    throw invalidRequest(`Only ${max} characters are allowed for '${what}'; ${value.length} were supplied.`);
  }
}

function limitItems(items: unknown, max: number, what: string): unknown[] {
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw invalidRequest(`For '${what}', it is not an array.`);
  if (items.length > max)
    throw invalidRequest(`No more than ${max} items are allowed; ${items.length} were supplied.`);
  return items;
}

function positiveInt(value: unknown, key: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalidRequest(`For '${key}', ${JSON.stringify(value)} is not a positive integer.`);
  }
  return value;
}

function parseAnnotations(items: unknown): Annotation[] {
  return limitItems(items, 50, "output/annotations").map((raw) => {
    const a = asObject(raw, "output/annotations");
    requireFields(a, ["path", "start_line", "end_line", "annotation_level", "message"]);
    const level = a.annotation_level;
    if (typeof level !== "string" || !LEVELS.includes(level)) {
      throw invalidRequest(
        `For 'annotation_level', ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}.`,
      );
    }
    const path = optionalString(a, "path") ?? "";
    const message = optionalString(a, "message") ?? "";
    const title = optionalString(a, "title");
    const rawDetails = optionalString(a, "raw_details");
    checkLength(title, 255, "title");
    if (
      Buffer.byteLength(message) > MAX_ANNOTATION_BYTES ||
      Buffer.byteLength(rawDetails ?? "") > MAX_ANNOTATION_BYTES
    ) {
      throw invalidRequest("Annotation message and raw_details are limited to 64 KB.");
    }
    const startLine = positiveInt(a.start_line, "start_line");
    const endLine = positiveInt(a.end_line, "end_line");
    const hasColumns = a.start_column !== undefined || a.end_column !== undefined;
    if (hasColumns && startLine !== endLine) {
      throw invalidRequest("start_column and end_column are only supported when start_line equals end_line.");
    }
    return {
      path,
      start_line: startLine,
      end_line: endLine,
      ...(a.start_column === undefined ? {} : { start_column: positiveInt(a.start_column, "start_column") }),
      ...(a.end_column === undefined ? {} : { end_column: positiveInt(a.end_column, "end_column") }),
      annotation_level: level as Annotation["annotation_level"],
      message,
      ...(title === undefined ? {} : { title }),
      ...(rawDetails === undefined ? {} : { raw_details: rawDetails }),
    };
  });
}

function parseActions(items: unknown): CheckAction[] {
  return limitItems(items, 3, "actions").map((raw) => {
    const a = asObject(raw, "actions");
    requireFields(a, ["label", "description", "identifier"]);
    const action = {
      label: optionalString(a, "label") ?? "",
      description: optionalString(a, "description") ?? "",
      identifier: optionalString(a, "identifier") ?? "",
    };
    checkLength(action.label, 20, "label");
    checkLength(action.description, 40, "description");
    checkLength(action.identifier, 20, "identifier");
    return action;
  });
}

interface ParsedWrite {
  name?: string;
  detailsUrl?: string;
  externalId?: string;
  status?: CheckStatus;
  conclusion?: CheckConclusion;
  startedAt?: string;
  completedAt?: string;
  output?: { title?: string; summary: string; text?: string; annotations: Annotation[] };
  actions?: CheckAction[];
}

function parseWrite(raw: unknown, creating: boolean, fromActions: boolean): ParsedWrite {
  const body = asObject(raw ?? {}, "body");
  if (creating) requireFields(body, ["name", "head_sha"]);
  const name = optionalString(body, "name");
  if (name !== undefined && name.trim() === "")
    throw invalidRequest("For 'name', the name must not be blank.");
  const status = optionalString(body, "status");
  const allowed = creating
    ? CREATE_STATUSES
    : fromActions
      ? [...CREATE_STATUSES, ...ACTIONS_ONLY_STATUSES]
      : CREATE_STATUSES;
  if (status !== undefined && !allowed.includes(status)) {
    throw invalidRequest(`For 'status', ${JSON.stringify(status)} is not one of ${allowed.join(", ")}.`);
  }
  const conclusion = optionalString(body, "conclusion");
  if (conclusion !== undefined && !CONCLUSIONS.includes(conclusion)) {
    throw invalidRequest(
      `For 'conclusion', ${JSON.stringify(conclusion)} is not one of ${CONCLUSIONS.join(", ")}.`,
    );
  }
  const completedAt = optionalString(body, "completed_at");
  if ((status === "completed" || completedAt !== undefined) && conclusion === undefined) {
    throw invalidRequest(`"conclusion" wasn't supplied.`);
  }
  const result: ParsedWrite = {};
  if (name !== undefined) result.name = name;
  const detailsUrl = optionalString(body, "details_url");
  if (detailsUrl !== undefined) result.detailsUrl = detailsUrl;
  const externalId = optionalString(body, "external_id");
  if (externalId !== undefined) result.externalId = externalId;
  const startedAt = optionalString(body, "started_at");
  if (startedAt !== undefined) result.startedAt = startedAt;
  if (completedAt !== undefined) result.completedAt = completedAt;
  // Providing a conclusion completes the run, whatever status says.
  if (conclusion !== undefined) {
    result.conclusion = conclusion as CheckConclusion;
    result.status = "completed";
  } else if (status !== undefined) {
    result.status = status as CheckStatus;
  }
  if (body.output !== undefined && body.output !== null) {
    const output = asObject(body.output, "output");
    requireFields(output, creating ? ["title", "summary"] : ["summary"]);
    const title = optionalString(output, "title");
    const summary = optionalString(output, "summary") ?? "";
    const text = optionalString(output, "text");
    checkLength(summary, MAX_TEXT, "output/summary");
    checkLength(text, MAX_TEXT, "output/text");
    result.output = {
      ...(title === undefined ? {} : { title }),
      summary,
      ...(text === undefined ? {} : { text }),
      annotations: parseAnnotations(output.annotations),
    };
    limitItems(output.images, 50, "output/images");
  }
  if (body.actions !== undefined) result.actions = parseActions(body.actions);
  return result;
}

function apply(store: Store, run: CheckRunRecord, write: ParsedWrite): void {
  if (write.name !== undefined) run.name = write.name;
  if (write.detailsUrl !== undefined) run.detailsUrl = write.detailsUrl;
  if (write.externalId !== undefined) run.externalId = write.externalId;
  if (write.startedAt !== undefined) run.startedAt = write.startedAt;
  if (write.status !== undefined) run.status = write.status;
  if (write.conclusion !== undefined) run.conclusion = write.conclusion;
  if (run.status === "completed") {
    // GitHub stamps the time a run is completed, again when an update completes it anew; an
    // update that only appends annotations leaves it.
    const completing = write.status === "completed" || write.conclusion !== undefined;
    run.completedAt = write.completedAt ?? (completing ? null : run.completedAt) ?? store.now();
  } else {
    run.conclusion = null;
    run.completedAt = null;
  }
  if (write.output) {
    run.output.title = write.output.title ?? run.output.title;
    run.output.summary = write.output.summary;
    run.output.text = write.output.text ?? run.output.text;
    // Annotations accumulate across updates, as on GitHub.
    run.output.annotations.push(...write.output.annotations);
  }
  if (write.actions) run.actions = write.actions;
}

export function createCheckRun(store: Store, repo: Repo, appId: number, body: unknown): CheckRunRecord {
  const write = parseWrite(body, true, false);
  const headSha = (body as Body).head_sha;
  if (typeof headSha !== "string" || !store.hasCommit(repo, headSha)) {
    throw new HttpError(422, `No commit found for SHA: ${String(headSha)}`);
  }
  const run = store.addCheckRun({
    repo: repo.fullName,
    headSha,
    name: write.name ?? "",
    app: appId,
    status: "queued",
  });
  apply(store, run, write);
  return run;
}

export function updateCheckRun(
  store: Store,
  run: CheckRunRecord,
  appId: number,
  body: unknown,
): CheckRunRecord {
  if (run.appId !== appId) {
    throw new HttpError(
      403,
      `Invalid app_id \`${appId}\` - check run can only be modified by the GitHub App that created it.`,
    );
  }
  const write = parseWrite(body, false, store.app(appId).slug === "github-actions");
  apply(store, run, write);
  return run;
}
