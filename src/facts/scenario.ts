/**
 * Policy test scenarios: a PR described in YAML plus the decision expected for it, so policy
 * changes are tested in CI like code (`agent-policy test`). The schema is the single source of the
 * TypeScript types and of the JSON Schema shipped for editors (schema/scenario.schema.json).
 */
import { z } from "zod";
import type {
  Actor,
  ChangedFile,
  CheckRun,
  Comment,
  Commit,
  GitIdentity,
  PrFacts,
  Review,
  TimelineEvent,
} from "./model.js";

const login = z.string().min(1).max(100);
const actor = z
  .union([login, z.strictObject({ login, type: z.enum(["User", "Bot", "Organization"]).default("User") })])
  .describe(
    'A login ("alice", "renovate[bot]") or { login, type }. Logins ending in [bot] are Bot accounts.',
  );
const gitIdentity = z
  .union([
    z.string(),
    z.strictObject({ name: z.string(), email: z.string(), login: login.nullable().optional() }),
  ])
  .describe('"Name <email>" or { name, email, login }.');
const when = z.string().describe("ISO 8601 time; events are ordered by it.").optional();

const fileSchema = z.strictObject({
  path: z.string().min(1),
  previous_path: z.string().optional(),
  status: z
    .enum(["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"])
    .default("modified"),
  added: z.array(z.string()).optional().describe("Added lines; a patch is built from them."),
  patch: z
    .string()
    .nullable()
    .optional()
    .describe("A unified diff hunk; null = GitHub sent none (too large)."),
  content: z
    .string()
    .nullable()
    .optional()
    .describe(
      "The whole file at the head commit, as the app reads it for workflows, actions and package.json; null = asked for, GitHub gave none usable.",
    ),
});

const eventSchema = z.union([
  z.strictObject({ labeled: z.string(), by: actor.nullable(), via_app: z.string().optional(), at: when }),
  z.strictObject({ unlabeled: z.string(), by: actor.nullable(), via_app: z.string().optional(), at: when }),
  z.strictObject({ auto_merge_enabled: z.literal(true), by: actor.nullable(), at: when }),
  z.strictObject({ added_to_merge_queue: z.literal(true), by: actor.nullable(), at: when }),
  z.strictObject({ review_dismissed: login, by: actor.nullable(), at: when }),
  z.strictObject({ review_request_removed: login, by: actor.nullable(), at: when }),
  z.strictObject({ assigned: actor, by: actor.nullable(), at: when }),
  z.strictObject({ review_requested: actor, by: actor.nullable(), at: when }),
  z.strictObject({ copilot_work_started: z.literal(true), by: actor.nullable(), at: when }),
]);

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).describe("What the scenario shows, in one line."),
    policy: z
      .string()
      .optional()
      .describe("Policy file, relative to this file. Default: the built-in default policy."),
    pr: z.strictObject({
      author: actor,
      title: z.string().default("Change"),
      body: z.string().default(""),
      body_edited_by: actor
        .optional()
        .describe("Who last edited the PR body, when someone did (an agent's PR body names its requester)."),
      draft: z.boolean().default(false),
      base: z.string().default("main").describe("Base branch."),
      same_head_bases: z
        .array(z.string())
        .default([])
        .describe(
          "Base branches of other open PRs with this very head commit: the check on the commit, and so `expect.verdict`, is the strictest of all of them.",
        ),
      head: z.string().default("feature").describe("Head branch."),
      fork: z.boolean().default(false),
      commits: z
        .array(
          z.strictObject({
            author: gitIdentity,
            committer: gitIdentity.optional(),
            co_authors: z.array(gitIdentity).default([]),
            message: z.string().default("change"),
          }),
        )
        .default([]),
      files: z.array(fileSchema).min(1),
      reviews: z
        .array(
          z.strictObject({
            by: actor,
            state: z.enum(["approved", "changes_requested", "commented", "dismissed"]).default("approved"),
            on: z
              .enum(["head", "old"])
              .default("head")
              .describe("Whether the review is of the head commit or an older one."),
            body: z.string().default("").describe("The review's text; merge bots obey commands in it."),
            at: when,
          }),
        )
        .default([]),
      labels: z.array(z.string()).default([]),
      events: z.array(eventSchema).default([]),
      comments: z
        .array(
          z.strictObject({
            by: actor,
            body: z.string(),
            edited_by: actor.optional().describe("Set when the comment was edited after it was written."),
            via_app: z.string().optional(),
            at: when,
          }),
        )
        .default([]),
      checks: z
        .array(
          z.strictObject({
            name: z.string(),
            app: z.string().nullable().default("github-actions"),
            status: z.enum(["queued", "in_progress", "completed"]).default("completed"),
            conclusion: z
              .enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"])
              .nullable()
              .default("success"),
          }),
        )
        .default([]),
      statuses: z
        .array(
          z.strictObject({
            context: z.string(),
            state: z.enum(["success", "pending", "failure", "error"]),
            by: actor.nullable(),
          }),
        )
        .default([]),
      auto_merge: z.strictObject({ by: actor.nullable(), at: when }).nullable().default(null),
      reported_after_comments: z
        .int()
        .min(0)
        .nullable()
        .default(null)
        .describe(
          "How many of `comments` were there when agent-policy first reported on the head; break-glass overrides count only in later ones. null: it has not reported yet.",
        ),
      people: z
        .record(
          login,
          z.strictObject({
            permission: z.enum(["none", "read", "triage", "write", "maintain", "admin"]).optional(),
            teams: z.array(z.string()).default([]),
          }),
        )
        .default({})
        .describe("Repository permission and team memberships of people, by login."),
      truncated: z
        .strictObject({ files: z.number().int().optional(), commits: z.number().int().optional() })
        .optional()
        .describe("Counts GitHub reports beyond what is listed, to test fail-closed truncation."),
    }),
    expect: z.strictObject({
      verdict: z.enum(["success", "in_progress", "action_required", "failure"]),
      kind: z.enum(["agent", "bot", "human"]).optional(),
      requesters: z.array(login).optional(),
      categories: z.array(z.string()).optional().describe("Exactly these categories are touched."),
      rules: z
        .record(
          z.string(),
          z.strictObject({ met: z.boolean().optional(), counted: z.array(login).optional() }),
        )
        .optional()
        .describe("Rules that must apply, with what must hold of each."),
      not_rules: z.array(z.string()).optional().describe("Rules that must NOT apply."),
      violations: z.array(z.string()).optional().describe("Exactly these violation kinds, in any order."),
      findings: z.array(z.string()).optional().describe("Exactly these finding rules, in any order."),
      overridden_by: login
        .nullable()
        .optional()
        .describe("Who overrode the verdict with `/agent-policy override`; null: no override counts."),
    }),
  })
  .describe("An agent-policy test scenario: a pull request and the decision expected for it.");

export type Scenario = z.infer<typeof scenarioSchema>;
type ActorInput = z.infer<typeof actor>;
type IdentityInput = z.infer<typeof gitIdentity>;

export const HEAD_SHA = "feedfacefeedfacefeedfacefeedfacefeedface";
const OLD_SHA = "0ddba11c0ddba11c0ddba11c0ddba11c0ddba11c";
const BASE_SHA = "ba5eba11ba5eba11ba5eba11ba5eba11ba5eba11";
const T0 = Date.parse("2026-01-01T00:00:00Z");

function toActor(a: ActorInput): Actor {
  if (typeof a === "string") return { login: a, type: a.toLowerCase().endsWith("[bot]") ? "Bot" : "User" };
  return { login: a.login, type: a.type };
}

function toIdentity(i: IdentityInput): GitIdentity {
  if (typeof i !== "string") return { name: i.name, email: i.email, login: i.login ?? null };
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(i);
  return m ? { name: m[1] ?? "", email: m[2] ?? "", login: null } : { name: i, email: "", login: null };
}

function patchOf(lines: readonly string[]): string {
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join("\n");
}

/** Builds the facts a scenario describes; times not given are spread one minute apart in list order. */
export function scenarioFacts(s: Scenario, owner = "acme", repo = "app"): PrFacts {
  const pr = s.pr;
  let tick = 0;
  const at = (given?: string) => given ?? new Date(T0 + ++tick * 60_000).toISOString();
  const commits: Commit[] = pr.commits.map((c, i) => {
    const author = toIdentity(c.author);
    return {
      sha: i === pr.commits.length - 1 ? HEAD_SHA : `${String(i).padStart(2, "0")}${OLD_SHA.slice(2)}`,
      message: c.message,
      author,
      committer: c.committer ? toIdentity(c.committer) : author,
      coAuthors: c.co_authors.map(toIdentity),
      verified: false,
    };
  });
  const files: ChangedFile[] = pr.files.map((f) => ({
    path: f.path,
    ...(f.previous_path ? { previousPath: f.previous_path } : {}),
    status: f.status,
    additions: f.added?.length ?? 1,
    deletions: 0,
    patch: f.patch !== undefined ? f.patch : patchOf(f.added ?? [""]),
    ...(f.content !== undefined ? { content: f.content } : {}),
  }));
  const timeline: TimelineEvent[] = pr.events.map((e) => {
    const by = e.by === null ? null : toActor(e.by);
    const t = at(e.at);
    if ("labeled" in e)
      return {
        kind: "labeled",
        label: e.labeled,
        actor: by,
        viaApp: e.via_app ? { slug: e.via_app } : null,
        at: t,
      };
    if ("unlabeled" in e)
      return {
        kind: "unlabeled",
        label: e.unlabeled,
        actor: by,
        viaApp: e.via_app ? { slug: e.via_app } : null,
        at: t,
      };
    if ("auto_merge_enabled" in e) return { kind: "auto_merge_enabled", actor: by, at: t };
    if ("added_to_merge_queue" in e) return { kind: "added_to_merge_queue", actor: by, at: t };
    if ("review_dismissed" in e)
      return { kind: "review_dismissed", actor: by, reviewer: e.review_dismissed, at: t };
    if ("review_request_removed" in e)
      return { kind: "review_request_removed", actor: by, reviewer: e.review_request_removed, at: t };
    if ("assigned" in e) return { kind: "assigned", actor: by, assignee: toActor(e.assigned), at: t };
    if ("review_requested" in e)
      return { kind: "review_requested", actor: by, reviewer: toActor(e.review_requested), at: t };
    return { kind: "copilot_work_started", actor: by, at: t };
  });
  const comments: Comment[] = pr.comments.map((c, i) => {
    const created = at(c.at);
    return {
      id: String(i + 1),
      author: toActor(c.by),
      body: c.body,
      createdAt: created,
      lastEditedAt: c.edited_by ? new Date(Date.parse(created) + 30_000).toISOString() : null,
      editor: c.edited_by ? toActor(c.edited_by) : null,
      viaApp: c.via_app ? { slug: c.via_app } : null,
    };
  });
  const reviews: Review[] = pr.reviews.map((r, i) => ({
    id: `review-${i + 1}`,
    author: toActor(r.by),
    state: r.state.toUpperCase() as Review["state"],
    commitSha: r.on === "head" ? HEAD_SHA : OLD_SHA,
    submittedAt: at(r.at),
    body: r.body,
    // Reviewers can push unless `people` says otherwise (a known permission always wins).
    authorCanPush: true,
  }));
  const checkRuns: CheckRun[] = pr.checks.map((c) => ({
    name: c.name,
    status: c.status,
    conclusion: c.status === "completed" ? c.conclusion : null,
    app: c.app ? { slug: c.app } : null,
  }));
  const autoMerge = pr.auto_merge
    ? { enabledBy: pr.auto_merge.by === null ? null : toActor(pr.auto_merge.by), at: at(pr.auto_merge.at) }
    : null;
  const people = Object.fromEntries(
    Object.entries(pr.people).map(([who, p]) => [
      who,
      {
        ...(p.permission ? { permission: p.permission } : {}),
        teams: Object.fromEntries(p.teams.map((t) => [t.toLowerCase(), true])),
      },
    ]),
  );
  const n = (k: number, reported = k) => ({ reported, fetched: k });
  const author = toActor(pr.author);
  return {
    repo: { owner, name: repo, defaultBranch: "main" },
    number: 1,
    title: pr.title,
    body: pr.body,
    bodyEditedBy: pr.body_edited_by ? toActor(pr.body_edited_by) : null,
    author,
    state: "open",
    draft: pr.draft,
    base: { ref: pr.base, sha: BASE_SHA },
    head: {
      ref: pr.head,
      sha: HEAD_SHA,
      repoFullName: pr.fork ? `${author.login}/${repo}` : `${owner}/${repo}`,
    },
    commits:
      commits.length > 0
        ? commits
        : [
            {
              sha: HEAD_SHA,
              message: "change",
              author: { name: author.login, email: "", login: author.login },
              committer: { name: author.login, email: "", login: author.login },
              coAuthors: [],
              verified: false,
            },
          ],
    files,
    reviews,
    labels: pr.labels,
    comments,
    timeline,
    checkRuns,
    statuses: pr.statuses.map((s) => ({
      context: s.context,
      state: s.state,
      creator: s.by === null ? null : toActor(s.by),
    })),
    overrideAfter: pr.reported_after_comments,
    autoMerge,
    people,
    counts: {
      files: n(files.length, pr.truncated?.files ?? files.length),
      commits: n(Math.max(1, commits.length), pr.truncated?.commits ?? Math.max(1, commits.length)),
      reviews: n(reviews.length),
      comments: n(comments.length),
      timeline: n(timeline.length),
      labels: n(pr.labels.length),
      checks: n(checkRuns.length + pr.statuses.length),
    },
    gaps: [],
  };
}

/** The scenario JSON Schema's exact text (schema/scenario.schema.json), for editors and for the sync test. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(scenarioSchema, { target: "draft-2020-12", io: "input" }), null, 2)}\n`;
}
