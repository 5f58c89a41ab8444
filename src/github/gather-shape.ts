/**
 * The shapes of GitHub's GraphQL answers to the documents in query.ts, checked with zod so a
 * malformed or surprising answer is rejected here with its path instead of crashing later code.
 * Unknown fields are dropped; missing or mistyped ones are errors.
 */
import { z } from "zod";
import { GatherError } from "./gather-errors.js";

const sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, "expected a commit SHA");
const timestamp = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

const actorNode = z.object({
  __typename: z.string(),
  login: z.string().min(1),
  databaseId: z.number().int().nullish(),
});
export type ActorNode = z.infer<typeof actorNode>;

/** A connection page; null nodes (items GitHub could not resolve) are kept out of the fetched count later. */
function page<T extends z.ZodType>(node: T) {
  return z.object({
    totalCount: count,
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    nodes: z.array(node.nullable()),
  });
}
export interface Page<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: (N | null)[];
}

const gitActor = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  user: z.object({ login: z.string() }).nullable(),
});
export type GitActorNode = z.infer<typeof gitActor>;

export const labelPage = page(z.object({ name: z.string() }));

export const filePage = page(
  z.object({
    path: z.string().min(1),
    changeType: z.enum(["ADDED", "DELETED", "RENAMED", "COPIED", "MODIFIED", "CHANGED"]),
    additions: count,
    deletions: count,
  }),
);
export type FileNode = z.infer<typeof filePage>["nodes"][number] & {};

export const commitPage = page(
  z.object({
    commit: z.object({
      oid: sha,
      message: z.string(),
      author: gitActor.nullable(),
      committer: gitActor.nullable(),
      authors: z.object({ totalCount: count, nodes: z.array(gitActor.nullable()) }),
      signature: z.object({ isValid: z.boolean() }).nullable(),
    }),
  }),
);
export type CommitNode = z.infer<typeof commitPage>["nodes"][number] & {};

export const reviewPage = page(
  z.object({
    id: z.string().min(1),
    state: z.enum(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]),
    body: z.string(),
    submittedAt: timestamp.nullable(),
    createdAt: timestamp,
    author: actorNode.nullable(),
    commit: z.object({ oid: sha }).nullable(),
    authorCanPushToRepository: z.boolean(),
  }),
);
export type ReviewNode = z.infer<typeof reviewPage>["nodes"][number] & {};

export const commentPage = page(
  z.object({
    /** BigInt: GitHub serializes it as a string; comment ids no longer fit 32 bits. */
    fullDatabaseId: z.union([z.string().regex(/^[1-9][0-9]{0,18}$/), z.number().int().positive()]),
    body: z.string(),
    createdAt: timestamp,
    lastEditedAt: timestamp.nullable(),
    author: actorNode.nullable(),
    editor: actorNode.nullable(),
  }),
);
export type CommentNode = z.infer<typeof commentPage>["nodes"][number] & {};

const event = <T extends string, S extends z.ZodRawShape>(typename: T, extra: S) =>
  z.object({ __typename: z.literal(typename), createdAt: timestamp, actor: actorNode.nullable(), ...extra });

const label = { label: z.object({ name: z.string() }) };

export const timelinePage = page(
  z.discriminatedUnion("__typename", [
    event("LabeledEvent", label),
    event("UnlabeledEvent", label),
    event("AssignedEvent", { assignee: actorNode.nullable() }),
    event("ReviewDismissedEvent", { review: z.object({ author: actorNode.nullable() }).nullable() }),
    // A team or mannequin requested as reviewer has no actor shape: it cannot be an agent.
    event("ReviewRequestedEvent", {
      requestedReviewer: z.union([actorNode, z.object({ __typename: z.string() })]).nullable(),
    }),
    event("ReviewRequestRemovedEvent", {
      requestedReviewer: z
        .object({ __typename: z.string(), login: z.string().optional(), combinedSlug: z.string().optional() })
        .nullable(),
    }),
    event("AutoMergeEnabledEvent", {}),
    event("AutoMergeDisabledEvent", {}),
    event("AddedToMergeQueueEvent", {}),
    event("RemovedFromMergeQueueEvent", {}),
    event("ReadyForReviewEvent", {}),
    event("HeadRefForcePushedEvent", {}),
  ]),
);
export type TimelineNode = z.infer<typeof timelinePage>["nodes"][number] & {};

/** A check run's id from its resourcePath (`/owner/repo/runs/<id>`); null when GitHub gives another shape. */
const runIdOfPath = z.string().transform((path) => {
  const m = /\/runs\/([1-9][0-9]{0,15})$/.exec(path);
  return m ? Number(m[1]) : null;
});

const contextPage = page(
  z.discriminatedUnion("__typename", [
    z.object({
      __typename: z.literal("CheckRun"),
      runId: runIdOfPath,
      name: z.string(),
      status: z.enum(["REQUESTED", "QUEUED", "IN_PROGRESS", "COMPLETED", "WAITING", "PENDING"]),
      conclusion: z
        .enum([
          "ACTION_REQUIRED",
          "TIMED_OUT",
          "CANCELLED",
          "FAILURE",
          "SUCCESS",
          "NEUTRAL",
          "SKIPPED",
          "STARTUP_FAILURE",
          "STALE",
        ])
        .nullable(),
      checkSuite: z.object({
        app: z.object({ slug: z.string(), databaseId: z.number().int().nullable() }).nullable(),
      }),
    }),
    z.object({
      __typename: z.literal("StatusContext"),
      context: z.string(),
      state: z.enum(["EXPECTED", "ERROR", "FAILURE", "PENDING", "SUCCESS"]),
      createdAt: timestamp,
      creator: actorNode.nullable(),
    }),
  ]),
);
export type ContextNode = z.infer<typeof contextPage>["nodes"][number] & {};

const ownRuns = z.object({
  nodes: z.array(
    z
      .object({
        app: z.object({ slug: z.string() }).nullable(),
        checkRuns: z
          .object({
            nodes: z.array(
              z
                .object({
                  runId: runIdOfPath,
                  name: z.string(),
                  externalId: z.string().nullable(),
                  status: z.string(),
                  conclusion: z.string().nullable(),
                  title: z.string().nullable(),
                  summary: z.string().nullable(),
                })
                .nullable(),
            ),
          })
          .nullable(),
      })
      .nullable(),
  ),
});

/** Checks on the head commit: the rollup page plus this app's own runs, and the PRs that share it. */
const headChecks = {
  statusCheckRollup: z.object({ contexts: contextPage }).nullable(),
  checkSuites: ownRuns.nullable(),
  associatedPullRequests: z
    .object({
      totalCount: count,
      nodes: z.array(
        z
          .object({
            number: z.number().int().positive(),
            state: z.enum(["OPEN", "CLOSED", "MERGED"]),
            headRefOid: sha,
            baseRepository: z.object({ nameWithOwner: z.string() }).nullable(),
          })
          .nullable(),
      ),
    })
    .nullable(),
};
export type HeadChecks = { oid: string } & {
  [K in keyof typeof headChecks]: z.infer<(typeof headChecks)[K]>;
};

const policySource = z.object({
  nameWithOwner: z.string(),
  defaultBranchRef: z
    .object({
      name: z.string(),
      target: z
        .object({
          oid: sha,
          file: z
            .object({
              object: z
                .object({
                  __typename: z.string(),
                  text: z.string().nullish(),
                  isTruncated: z.boolean().optional(),
                  isBinary: z.boolean().nullish(),
                })
                .nullable(),
            })
            .nullish(),
        })
        .nullable(),
    })
    .nullable(),
});
export type PolicySourceNode = z.infer<typeof policySource>;

export const prAnswer = z.object({
  repository: policySource
    .extend({
      pullRequest: z
        .object({
          number: z.number().int(),
          title: z.string(),
          body: z.string(),
          lastEditedAt: timestamp.nullable(),
          editor: actorNode.nullable(),
          state: z.enum(["OPEN", "CLOSED", "MERGED"]),
          isDraft: z.boolean(),
          createdAt: timestamp.optional(),
          mergeCommit: z.object({ oid: sha }).nullable().optional(),
          author: actorNode.nullable(),
          baseRefName: z.string(),
          baseRefOid: sha,
          headRefName: z.string(),
          headRefOid: sha,
          headRepository: z.object({ nameWithOwner: z.string() }).nullable(),
          changedFiles: count,
          autoMergeRequest: z
            .object({ enabledAt: timestamp.nullable(), enabledBy: actorNode.nullable() })
            .nullable(),
          labels: labelPage.nullable(),
          commits: commitPage,
          reviews: reviewPage.nullable(),
          comments: commentPage,
          timelineItems: timelinePage,
          files: filePage.nullable(),
          headCommit: z.object({
            nodes: z.array(z.object({ commit: z.object({ oid: sha, ...headChecks }) }).nullable()),
          }),
        })
        .nullable(),
    })
    .nullable(),
  orgPolicy: policySource.nullable(),
  rateLimit: z.object({ cost: z.number(), remaining: z.number() }).nullable().optional(),
});
type PrAnswer = z.infer<typeof prAnswer>;
export type PrNode = NonNullable<NonNullable<PrAnswer["repository"]>["pullRequest"]>;

/** A page of one PR connection, as the *_PAGE_QUERY documents answer it. */
export function prPageAnswer<K extends string, T extends z.ZodType>(key: K, connection: T) {
  return z.object({
    repository: z.object({ pullRequest: z.object({ [key]: connection } as { [P in K]: T }) }),
  });
}

export const headChecksAnswer = z.object({
  repository: z.object({
    object: z.object({ __typename: z.literal("Commit"), oid: sha, ...headChecks }).nullable(),
  }),
});

/** zod's issues as one line: where in GitHub's answer, and what was wrong. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** Checks an answer against its shape; a mismatch is a GatherError saying where, never a crash later. */
export function parseShape<T extends z.ZodType>(schema: T, data: unknown, doing: string): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new GatherError(
      `GitHub's answer had an unexpected shape while ${doing}: ${describeIssues(parsed.error)}`,
      { kind: "malformed" },
    );
  }
  return parsed.data;
}
