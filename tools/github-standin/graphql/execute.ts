/**
 * `POST /api/graphql`: GitHub's real schema (from @octokit/graphql-schema), executed by graphql-js over the
 * store. Parse and validation errors come back exactly as graphql-js reports them, with 200 like GitHub.
 */
import { schema as githubSchema } from "@octokit/graphql-schema";
import {
  buildClientSchema,
  type DocumentNode,
  execute,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  getNamedType,
  getOperationAST,
  type IntrospectionQuery,
  parse,
  validate,
} from "graphql";
import { hasPermission, tokenCovers } from "../auth.js";
import type { Caller, Reply } from "../http.js";
import { parseNodeId } from "../ids.js";
import type { PullRequestRecord, Repo, Store } from "../store.js";
import { GitHubGraphQLError, Graph, type GraphObject } from "./objects.js";

let cachedSchema: GraphQLSchema | undefined;

/** GitHub's public schema, built once per process (the SDL file has duplicate fields; the introspection JSON does not). */
export function githubGraphQLSchema(): GraphQLSchema {
  cachedSchema ??= buildClientSchema(githubSchema.json as unknown as IntrospectionQuery);
  return cachedSchema;
}

const MAX_PAGE = 100;
const POINTS_PER_HOUR = 5000;

export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  document: DocumentNode | null;
  syntaxError: GraphQLError | null;
}

/** Parses the body once, so the server can log and match faults on the operation name before executing. */
export function readGraphQLRequest(body: unknown): GraphQLRequest | null {
  if (!body || typeof body !== "object") return null;
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== "string") return null;
  const vars =
    variables && typeof variables === "object" ? (variables as Record<string, unknown>) : undefined;
  const name = typeof operationName === "string" ? operationName : undefined;
  try {
    return { query, variables: vars, operationName: name, document: parse(query), syntaxError: null };
  } catch (error) {
    return {
      query,
      variables: vars,
      operationName: name,
      document: null,
      syntaxError: error as GraphQLError,
    };
  }
}

export function operationNameOf(request: GraphQLRequest | null): string | null {
  if (!request) return null;
  if (request.operationName) return request.operationName;
  if (!request.document) return null;
  return getOperationAST(request.document)?.name?.value ?? null;
}

/** Whether the request's operation is a mutation (content-creating, like a REST write). */
export function isMutation(request: GraphQLRequest | null): boolean {
  if (!request?.document) return false;
  return getOperationAST(request.document, request.operationName ?? undefined)?.operation === "mutation";
}

function formatError(error: GraphQLError): Record<string, unknown> {
  const json: Record<string, unknown> = { ...error.toJSON() };
  if (error.originalError instanceof GitHubGraphQLError) return { type: error.originalError.type, ...json };
  return json;
}

const typenameOf = (itemType: string) =>
  itemType
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");

const cursorOf = (offset: number) => Buffer.from(`cursor:${offset + 1}`).toString("base64");

function offsetOf(cursor: unknown): number {
  const text = typeof cursor === "string" ? Buffer.from(cursor, "base64").toString("utf8") : "";
  const match = /^cursor:(\d+)$/.exec(text);
  if (!match)
    throw new GitHubGraphQLError(
      `\`${String(cursor)}\` does not appear to be a valid cursor.`,
      "INVALID_CURSOR_ARGUMENTS",
    );
  return Number(match[1]) - 1;
}

function pageSize(value: unknown, name: "first" | "last", field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = value as number;
  if (n < 0)
    throw new GitHubGraphQLError(
      `\`${name}\` on the \`${field}\` connection cannot be less than zero.`,
      "ARGUMENT_LIMIT",
    );
  if (n > MAX_PAGE) {
    throw new GitHubGraphQLError(
      `Requesting ${n} records on the \`${field}\` connection exceeds the \`${name}\` limit of ${MAX_PAGE} records.`,
      "ARGUMENT_LIMIT",
    );
  }
  return n;
}

/** Relay pagination over an array, with GitHub's rules: `first` or `last` required, at most 100. */
function connection(all: unknown[], args: Record<string, unknown>, field: string): Record<string, unknown> {
  let items = all;
  if (Array.isArray(args.itemTypes)) {
    const wanted = new Set((args.itemTypes as string[]).map(typenameOf));
    items = items.filter((item) => wanted.has((item as GraphObject).__typename));
  }
  const first = pageSize(args.first, "first", field);
  const last = pageSize(args.last, "last", field);
  if (first === undefined && last === undefined) {
    throw new GitHubGraphQLError(
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`,
      "MISSING_PAGINATION_BOUNDARIES",
    );
  }
  if (first !== undefined && last !== undefined) {
    throw new GitHubGraphQLError(
      `Passing both \`first\` and \`last\` to paginate the \`${field}\` connection is not supported.`,
      "ARGUMENT_LIMIT",
    );
  }
  let start = args.after === undefined || args.after === null ? 0 : offsetOf(args.after) + 1;
  let end = args.before === undefined || args.before === null ? items.length : offsetOf(args.before);
  start = Math.min(Math.max(start, 0), items.length);
  end = Math.max(Math.min(end, items.length), start);
  if (first !== undefined) end = Math.min(end, start + first);
  if (last !== undefined) start = Math.max(start, end - last);
  const page = items.slice(start, end);
  return {
    totalCount: items.length,
    filteredCount: items.length,
    pageCount: page.length,
    updatedAt: new Date().toISOString(),
    nodes: page,
    edges: page.map((node, i) => ({ node, cursor: cursorOf(start + i) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: page.length > 0 ? cursorOf(start) : null,
      endCursor: page.length > 0 ? cursorOf(end - 1) : null,
    },
  };
}

const fieldResolver: GraphQLFieldResolver<unknown, unknown, Record<string, unknown>> = (
  source,
  args,
  _context,
  info: GraphQLResolveInfo,
) => {
  const object = (source ?? {}) as Record<string, unknown>;
  if (!(info.fieldName in object)) {
    throw new GitHubGraphQLError(
      `The GitHub stand-in does not emulate ${info.parentType.name}.${info.fieldName}.`,
      "NOT_EMULATED",
    );
  }
  const raw = object[info.fieldName];
  const value = typeof raw === "function" ? (raw as (a: Record<string, unknown>) => unknown)(args) : raw;
  if (Array.isArray(value) && getNamedType(info.returnType).name.endsWith("Connection")) {
    return connection(value, args, info.fieldName);
  }
  return value;
};

const typeResolver: GraphQLTypeResolver<unknown, unknown> = (value) => (value as GraphObject).__typename;

interface InstallationCaller {
  kind: "installation";
  installation: Extract<Caller, { kind: "installation" }>["installation"];
  token: Extract<Caller, { kind: "installation" }>["token"];
}

function roots(store: Store, caller: InstallationCaller, used: number) {
  const canSee = (repo: Repo) => tokenCovers(caller.token, caller.installation, repo) || !repo.private;
  const graph = new Graph(store, canSee);
  const app = store.app(caller.installation.appId);

  const findNode = (id: string): GraphObject | null => {
    const parsed = parseNodeId(id);
    const numeric = Number(parsed?.id);
    for (const repo of store.repos.values()) {
      if (!canSee(repo)) continue;
      if (parsed?.type === "Repository" && repo.id === numeric) return graph.repository(repo);
      for (const pr of repo.pulls.values()) {
        if (parsed?.type === "PullRequest" && pr.id === numeric) return graph.pullRequest(pr);
      }
    }
    return null;
  };
  const node = (id: string) => {
    const found = findNode(id);
    if (!found)
      throw new GitHubGraphQLError(`Could not resolve to a node with the global id of '${id}'`, "NOT_FOUND");
    return found;
  };

  /** A PR the caller may change: visible, and the token can write pull requests. */
  const writablePull = (id: unknown): PullRequestRecord => {
    const parsed = typeof id === "string" ? parseNodeId(id) : null;
    for (const repo of store.repos.values()) {
      for (const pr of repo.pulls.values()) {
        if (parsed?.type !== "PullRequest" || pr.id !== Number(parsed.id) || !canSee(repo)) continue;
        if (
          !tokenCovers(caller.token, caller.installation, repo) ||
          !hasPermission(caller.token.permissions, "pull_requests:write")
        ) {
          throw new GitHubGraphQLError("Resource not accessible by integration", "FORBIDDEN");
        }
        return pr;
      }
    }
    throw new GitHubGraphQLError(
      `Could not resolve to a node with the global id of '${String(id)}'`,
      "NOT_FOUND",
    );
  };

  const record = (name: string, input: Record<string, unknown>) =>
    store.mutations.push({ name, input, installationId: caller.installation.id, at: store.now() });

  const query = {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = store.findRepo(`${owner}/${name}`);
      if (!repo || !canSee(repo)) {
        throw new GitHubGraphQLError(
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          "NOT_FOUND",
        );
      }
      return graph.repository(repo);
    },
    node: ({ id }: { id: string }) => node(id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => findNode(id)),
    rateLimit: () => ({
      __typename: "RateLimit",
      cost: 1,
      limit: POINTS_PER_HOUR,
      nodeCount: 0,
      used,
      remaining: Math.max(0, POINTS_PER_HOUR - used),
      resetAt: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    }),
  };

  const mutation = {
    disablePullRequestAutoMerge: ({ input }: { input: Record<string, unknown> }) => {
      const pr = writablePull(input.pullRequestId);
      record("disablePullRequestAutoMerge", input);
      if (pr.autoMerge) {
        pr.autoMerge = null;
        store.addTimelineEvent(pr, { kind: "auto_merge_disabled", actor: app.botLogin, viaAppId: app.id });
      }
      return {
        clientMutationId: input.clientMutationId ?? null,
        actor: graph.actor(app.botLogin),
        pullRequest: graph.pullRequest(pr),
      };
    },
    dequeuePullRequest: ({ input }: { input: Record<string, unknown> }) => {
      const pr = writablePull(input.id);
      record("dequeuePullRequest", input);
      if (pr.inMergeQueue) {
        pr.inMergeQueue = false;
        store.addTimelineEvent(pr, {
          kind: "removed_from_merge_queue",
          actor: app.botLogin,
          viaAppId: app.id,
        });
      }
      return { clientMutationId: input.clientMutationId ?? null, mergeQueueEntry: null };
    },
  };
  return { query, mutation };
}

export async function runGraphQL(
  store: Store,
  caller: Caller,
  request: GraphQLRequest | null,
): Promise<Reply> {
  if (caller.kind !== "installation") {
    return {
      status: 401,
      body: {
        message: "This endpoint requires you to be authenticated.",
        documentation_url:
          "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
      },
    };
  }
  if (!request)
    return {
      status: 200,
      body: { errors: [{ message: "A query attribute must be specified and must be a string." }] },
    };
  if (!request.document)
    return { status: 200, body: { errors: [formatError(request.syntaxError as GraphQLError)] } };
  const schema = githubGraphQLSchema();
  const invalid = validate(schema, request.document);
  if (invalid.length > 0) return { status: 200, body: { errors: invalid.map(formatError) } };
  const used = (store.graphqlUsage.get(caller.installation.id) ?? 0) + 1;
  store.graphqlUsage.set(caller.installation.id, used);
  const { query, mutation } = roots(store, caller, used);
  const operation = getOperationAST(request.document, request.operationName);
  const result = await execute({
    schema,
    document: request.document,
    rootValue: operation?.operation === "mutation" ? mutation : query,
    variableValues: request.variables,
    operationName: request.operationName,
    fieldResolver,
    typeResolver,
  });
  const body: Record<string, unknown> = {};
  if (result.errors?.length) body.errors = result.errors.map(formatError);
  if (result.data !== undefined) body.data = result.data;
  return { status: 200, body };
}
