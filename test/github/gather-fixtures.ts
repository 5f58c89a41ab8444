/** GitHub answers for the gatherer's tests, shaped like GitHub's own (GraphQL logins of bots carry no `[bot]`). */
import nock from "nock";
import { ProbotOctokit } from "probot";

export const HEAD = "a".repeat(40);
export const BASE = "b".repeat(40);
export const REPO_COMMIT = "c".repeat(40);
export const ORG_COMMIT = "d".repeat(40);
export const TARGET = { owner: "acme", repo: "app", number: 7 };
export const API = "https://api.github.com";

export function octokit() {
  return new ProbotOctokit({
    auth: { token: "test" },
    retry: { enabled: false },
    throttle: { enabled: false },
  });
}

/** A nock scope on the API that counts every request it answers. */
export function github() {
  const scope = nock(API);
  const requests: { method: string; path: string }[] = [];
  scope.on("request", (req: { method: string; path: string }) =>
    requests.push({ method: req.method, path: req.path }),
  );
  return { scope, requests };
}

export function connection<N>(nodes: N[], opts: { total?: number; next?: string } = {}) {
  return {
    totalCount: opts.total ?? nodes.length,
    pageInfo: { hasNextPage: opts.next !== undefined, endCursor: opts.next ?? null },
    nodes,
  };
}

export const userNode = (login: string, databaseId = 100) => ({ __typename: "User", login, databaseId });
export const botNode = (login: string, databaseId = 200) => ({ __typename: "Bot", login, databaseId });

const git = (name: string, email: string, login: string | null) => ({
  name,
  email,
  user: login ? { login } : null,
});

export function commitNode(oid: string, extra: Record<string, unknown> = {}) {
  const author = git("Devin AI", "158243242+devin-ai-integration[bot]@users.noreply.github.com", null);
  return {
    commit: {
      oid,
      message: "Add retry to the billing client",
      author,
      committer: git("GitHub", "noreply@github.com", null),
      authors: { totalCount: 1, nodes: [author] },
      signature: { isValid: true },
      ...extra,
    },
  };
}

export const fileNode = (path: string, changeType = "MODIFIED") => ({
  path,
  changeType,
  additions: 3,
  deletions: 1,
});

export function policySource(nameWithOwner: string, oid: string, text: string | null) {
  return {
    nameWithOwner,
    defaultBranchRef: {
      name: "main",
      target: {
        oid,
        file:
          text === null
            ? null
            : { object: { __typename: "Blob", text, isTruncated: false, isBinary: false } },
      },
    },
  };
}

export const sha = (n: number) => n.toString(16).padStart(40, "0");

/** GitHub's list of the PRs of a commit: by default only PR #7 of acme/app, open with this head. */
export function headPulls(
  oid: string,
  pulls: { number: number; repo?: string; state?: string }[] = [{ number: 7 }],
) {
  return {
    totalCount: pulls.length,
    nodes: pulls.map((p) => ({
      number: p.number,
      state: p.state ?? "OPEN",
      headRefOid: oid,
      baseRepository: { nameWithOwner: p.repo ?? "acme/app" },
    })),
  };
}

/** The PR's last commit with its checks: `contexts` and this app's own runs. */
export function headCommit(
  oid: string,
  contexts: unknown[] = [],
  ownRuns: unknown[] = [],
  contextsNext?: string,
) {
  return {
    nodes: [
      {
        commit: {
          oid,
          statusCheckRollup: {
            contexts: connection(
              contexts,
              contextsNext ? { next: contextsNext, total: contexts.length + 1 } : {},
            ),
          },
          checkSuites: { nodes: ownRuns },
          associatedPullRequests: headPulls(oid),
        },
      },
    ],
  };
}

export function checkRunNode(name: string, app: string, conclusion: string | null, id = 9_000_000_000) {
  return {
    __typename: "CheckRun",
    runId: `/acme/app/runs/${id}`,
    name,
    status: conclusion ? "COMPLETED" : "IN_PROGRESS",
    conclusion,
    checkSuite: { app: { slug: app, databaseId: 15368 } },
  };
}

export function statusNode(context: string, state: string, creator: unknown = userNode("jenkins-ci", 300)) {
  return { __typename: "StatusContext", context, state, createdAt: "2026-01-02T09:00:00Z", creator };
}

/** A plain PR: one commit, one file, nothing else, unless `pr` overrides parts. */
export function prData(
  pr: Record<string, unknown> = {},
  policies: { repo?: string | null; org?: string | null } = {},
) {
  return {
    rateLimit: { cost: 1, remaining: 4999 },
    repository: {
      ...policySource("acme/app", REPO_COMMIT, policies.repo ?? null),
      pullRequest: {
        number: 7,
        title: "Add retry to the billing client",
        body: "",
        lastEditedAt: null,
        editor: null,
        state: "OPEN",
        isDraft: false,
        author: userNode("alice"),
        baseRefName: "main",
        baseRefOid: BASE,
        headRefName: "feature",
        headRefOid: HEAD,
        headRepository: { nameWithOwner: "acme/app" },
        changedFiles: 1,
        autoMergeRequest: null,
        labels: connection([]),
        commits: connection([commitNode(HEAD)]),
        reviews: connection([]),
        comments: connection([]),
        timelineItems: connection([]),
        files: connection([fileNode("src/billing/client.ts")]),
        headCommit: headCommit(HEAD),
        ...pr,
      },
    },
    orgPolicy: policies.org === undefined ? null : policySource("acme/.github", ORG_COMMIT, policies.org),
  };
}

type GraphqlBody = { query: string; variables: Record<string, unknown> };

/** Answers GraphQL requests whose document is `operation` (its name) with `reply(variables)`. */
export function onGraphql(
  scope: nock.Scope,
  operation: string,
  reply: (variables: Record<string, unknown>) => unknown,
  times = 1,
) {
  scope
    .post("/graphql", (body: GraphqlBody) => body.query.includes(`query ${operation}(`))
    .times(times)
    .reply(200, (_uri, body) => reply((body as GraphqlBody).variables));
}
