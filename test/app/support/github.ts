/**
 * A fake GitHub for integration tests: a fresh Probot with the app loaded, nock interceptors for the
 * calls one evaluation makes, and GraphQL answers shaped like GitHub's for a PR described in a few fields.
 */
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { type AgentPolicy, type AgentPolicyOptions, createAgentPolicy } from "../../../src/app/index.js";
import { HEAD, type Json, OWNER, REPO } from "./payloads.js";

export const API = "https://api.github.com";
export const APP_ID = 123;
export const APP_SLUG = "agent-policy";
const BASE = "0000000000000000000000000000000000000000";
const PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

export type AuditRecord = Json;

export interface TestApp {
  probot: Probot;
  agent: AgentPolicy;
  audit: AuditRecord[];
}

/** A fresh Probot (its own token cache) with the app; retries and throttling off unless `octokit` says otherwise. */
export async function testApp(
  options: AgentPolicyOptions = {},
  Octokit?: typeof ProbotOctokit,
): Promise<TestApp> {
  const audit: AuditRecord[] = [];
  const auditLog = pino({ level: "info" }, { write: (line: string) => void audit.push(JSON.parse(line)) });
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    Octokit:
      Octokit ??
      ProbotOctokit.defaults((o: object) => ({
        ...o,
        retry: { enabled: false },
        throttle: { enabled: false },
      })),
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
  });
  const agent = createAgentPolicy({
    appId: APP_ID,
    appSlug: APP_SLUG,
    audit: auditLog,
    requestTimeoutMs: 2_000,
    // Background work outliving a test would hit the next test's mocks: tests that want it ask.
    maxRetries: 0,
    reconcileIntervalMs: 0,
    // Writes a second apart would only make tests slow; the throttle's own tests space them.
    writeSpacingMs: 0,
    ...options,
  });
  await probot.load(agent.app, { cwd: process.cwd(), addHandler: () => {} });
  return { probot, agent, audit };
}

/** Delivers an event the way the webhook middleware would, then waits for the background evaluations. */
export async function deliver(t: TestApp, name: string, payload: unknown, id = "delivery-1"): Promise<void> {
  await t.probot.receive({ id, name, payload } as Parameters<Probot["receive"]>[0]);
  await t.agent.idle();
}

/** The installation token; Probot caches it, so one per installation and test app. */
export function tokenFor(installation: number): nock.Scope {
  return nock(API)
    .post(`/app/installations/${installation}/access_tokens`)
    .reply(201, { token: testToken(installation), expires_at: "2099-01-01T00:00:00Z", permissions: {} });
}

/** A token shaped like GitHub's (`ghs_` and 36 characters): the app refuses malformed ones. */
export function testToken(installation: number): string {
  return `ghs_${String(installation).padStart(36, "0")}`;
}

export interface FakePr {
  number?: number;
  head?: string;
  author?: { login: string; type: "User" | "Bot" };
  files?: { path: string; patch?: string }[];
  /** Approving reviewers (on the head commit). */
  approvals?: string[];
  /** Whether GraphQL reports the approvers can push (default true); false makes the app look their permission up. */
  approverCanPush?: boolean;
  labels?: string[];
  /** Label events: who added which label. */
  labeled?: { label: string; by: { login: string; type: "User" | "Bot" } }[];
  autoMergeBy?: { login: string; type: "User" | "Bot" };
  ownRun?: { id: number; summary: string };
  ownComment?: { id: number; body: string };
  policy?: string;
  owner?: string;
  repo?: string;
}

const actor = (a: { login: string; type: "User" | "Bot" }) => ({
  __typename: a.type,
  login: a.login,
  databaseId: 1,
});
const page = <T>(nodes: T[]) => ({
  totalCount: nodes.length,
  pageInfo: { hasNextPage: false, endCursor: null },
  nodes,
});
const AT = "2026-01-02T00:00:00Z";

/** The `data` of GitHub's answer to the PR query. */
export function prData(pr: FakePr = {}) {
  const head = pr.head ?? HEAD;
  const files = pr.files ?? [{ path: "README.md" }];
  const author = pr.author ?? { login: "octocat", type: "User" as const };
  const git = { name: author.login, email: `${author.login}@example.com`, user: { login: author.login } };
  const timeline = [
    ...(pr.labeled ?? []).map((l) => ({
      __typename: "LabeledEvent",
      createdAt: AT,
      actor: actor(l.by),
      label: { name: l.label },
    })),
    ...(pr.autoMergeBy
      ? [{ __typename: "AutoMergeEnabledEvent", createdAt: AT, actor: actor(pr.autoMergeBy) }]
      : []),
  ];
  const ownSuite = pr.ownRun
    ? [
        {
          app: { slug: APP_SLUG },
          checkRuns: {
            nodes: [
              {
                runId: `/${OWNER}/${REPO}/runs/${pr.ownRun.id}`,
                name: "agent-policy",
                externalId: `${OWNER}/${REPO}#${pr.number ?? 2}`,
                status: "COMPLETED",
                conclusion: "SUCCESS",
                title: "x",
                summary: pr.ownRun.summary,
              },
            ],
          },
        },
      ]
    : [];
  return {
    rateLimit: { cost: 1, remaining: 4999 },
    orgPolicy: null,
    repository: {
      nameWithOwner: `${pr.owner ?? OWNER}/${pr.repo ?? REPO}`,
      defaultBranchRef: {
        name: "main",
        target: {
          oid: BASE,
          file:
            pr.policy === undefined
              ? null
              : { object: { __typename: "Blob", text: pr.policy, isTruncated: false, isBinary: false } },
        },
      },
      pullRequest: {
        number: pr.number ?? 2,
        title: "Update the README",
        body: "",
        lastEditedAt: null,
        editor: null,
        state: "OPEN",
        isDraft: false,
        author: actor(author),
        baseRefName: "main",
        baseRefOid: BASE,
        headRefName: "changes",
        headRefOid: head,
        headRepository: { nameWithOwner: `${pr.owner ?? OWNER}/${pr.repo ?? REPO}` },
        changedFiles: files.length,
        autoMergeRequest: pr.autoMergeBy ? { enabledAt: AT, enabledBy: actor(pr.autoMergeBy) } : null,
        labels: page((pr.labels ?? []).map((name) => ({ name }))),
        commits: page([
          {
            commit: {
              oid: head,
              message: "Update README",
              author: git,
              committer: git,
              authors: { totalCount: 1, nodes: [git] },
              signature: null,
            },
          },
        ]),
        reviews: page(
          (pr.approvals ?? []).map((login, i) => ({
            id: `review-${i}`,
            state: "APPROVED",
            body: "",
            submittedAt: AT,
            createdAt: AT,
            author: actor({ login, type: "User" }),
            commit: { oid: head },
            authorCanPushToRepository: pr.approverCanPush ?? true,
          })),
        ),
        comments: page(
          pr.ownComment
            ? [
                {
                  fullDatabaseId: String(pr.ownComment.id),
                  body: pr.ownComment.body,
                  createdAt: AT,
                  lastEditedAt: null,
                  author: actor({ login: `${APP_SLUG}[bot]`, type: "Bot" }),
                  editor: null,
                },
              ]
            : [],
        ),
        timelineItems: page(timeline),
        files: page(files.map((f) => ({ path: f.path, changeType: "MODIFIED", additions: 1, deletions: 0 }))),
        headCommit: {
          nodes: [
            {
              commit: {
                oid: head,
                statusCheckRollup: { contexts: page([]) },
                checkSuites: { nodes: ownSuite },
                associatedPullRequests: {
                  totalCount: 1,
                  nodes: [
                    {
                      number: pr.number ?? 2,
                      state: "OPEN",
                      headRefOid: head,
                      baseRepository: { nameWithOwner: `${OWNER}/${REPO}` },
                    },
                  ],
                },
              },
            },
          ],
        },
      },
    },
  };
}

/** REST `pulls/{n}/files` entries for the same PR. */
export function restFiles(pr: FakePr = {}) {
  return (pr.files ?? [{ path: "README.md" }]).map((f) => ({
    filename: f.path,
    status: "modified",
    additions: 1,
    deletions: 0,
    patch: f.patch ?? "@@ -1 +1 @@\n+Hello",
  }));
}

const isPrQuery = (body: { query?: string }) =>
  typeof body?.query === "string" && body.query.includes("query AgentPolicyPullRequest");

/** Interceptors for the reads of one evaluation: the PR query and the REST file list. */
export function githubReads(pr: FakePr = {}, scope = nock(API)): nock.Scope {
  const number = pr.number ?? 2;
  return enforced(
    scope
      .post("/graphql", isPrQuery)
      .reply(200, { data: prData(pr) })
      .get(`/repos/${pr.owner ?? OWNER}/${pr.repo ?? REPO}/pulls/${number}/files`)
      .query(true)
      .reply(200, restFiles(pr)),
    pr.owner ?? OWNER,
    pr.repo ?? REPO,
  );
}

/**
 * The base branch as a well-run repository protects it (agent-policy required from this App, stale
 * approvals dismissed, the last push approved by someone else), read once per branch for the
 * check run's self-check: nothing to report. Optional: an app reads a branch once in ten minutes.
 */
export function enforced(scope: nock.Scope, owner = OWNER, repo = REPO, branch = "main"): nock.Scope {
  return scope
    .get(`/repos/${owner}/${repo}/branches/${branch}/protection`)
    .optionally()
    .reply(200, {
      url: `${API}/repos/${owner}/${repo}/branches/${branch}/protection`,
      required_status_checks: {
        strict: true,
        contexts: ["agent-policy"],
        checks: [{ context: "agent-policy", app_id: APP_ID }],
      },
      required_pull_request_reviews: {
        dismiss_stale_reviews: true,
        require_code_owner_reviews: false,
        required_approving_review_count: 1,
        require_last_push_approval: true,
      },
      enforce_admins: { enabled: true },
    })
    .get(`/repos/${owner}/${repo}/rules/branches/${branch}`)
    .query(true)
    .optionally()
    .reply(200, []);
}

export { isPrQuery };
