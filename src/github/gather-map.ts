/** From GitHub's GraphQL nodes (already shape-checked) to the plain facts the engine reads. */
import type {
  Actor,
  ChangedFile,
  CheckRun,
  Comment,
  Commit,
  CommitStatus,
  FileStatus,
  GitIdentity,
  Review,
  TimelineEvent,
} from "../facts/model.js";
import type {
  ActorNode,
  CommentNode,
  CommitNode,
  ContextNode,
  FileNode,
  GitActorNode,
  ReviewNode,
  TimelineNode,
} from "./gather-shape.js";

/** GraphQL logins of App bots that REST and webhooks spell without the usual `[bot]` suffix. */
const REST_BOT_LOGINS: Record<string, string> = {
  // The Copilot coding agent: GraphQL `copilot-swe-agent`, REST and webhooks `Copilot` (type Bot).
  "copilot-swe-agent": "Copilot",
  copilot: "Copilot",
};

/**
 * One spelling per account, whichever API reported it: the REST/webhook form. GraphQL names an
 * App's bot by its bare slug ("dependabot") where REST says "dependabot[bot]"; the Copilot coding
 * agent is "copilot-swe-agent" in GraphQL but "Copilot" in REST. Users and organizations are
 * spelled alike in both. Mannequins and other account kinds are "Unknown"; no account is null.
 */
export function normalizeActor(node: ActorNode | null | undefined): Actor | null {
  if (!node) return null;
  const id = node.databaseId ?? undefined;
  const withId = (actor: Actor): Actor => (id === undefined ? actor : { ...actor, id });
  switch (node.__typename) {
    case "Bot": {
      const login = node.login.endsWith("[bot]")
        ? node.login
        : (REST_BOT_LOGINS[node.login.toLowerCase()] ?? `${node.login}[bot]`);
      return withId({ login, type: "Bot" });
    }
    case "User":
      return withId({ login: node.login, type: "User" });
    case "Organization":
      return withId({ login: node.login, type: "Organization" });
    default:
      return withId({ login: node.login, type: "Unknown" });
  }
}

/** The account GitHub shows for deleted users: never trusted, never a human approver. */
const GHOST: Actor = { login: "ghost", type: "Unknown" };

export const requiredActor = (node: ActorNode | null): Actor => normalizeActor(node) ?? GHOST;

const FILE_STATUS: Record<FileNode["changeType"], FileStatus> = {
  ADDED: "added",
  DELETED: "removed",
  RENAMED: "renamed",
  COPIED: "copied",
  MODIFIED: "modified",
  CHANGED: "changed",
};

export function toFile(node: FileNode): ChangedFile {
  return {
    path: node.path,
    status: FILE_STATUS[node.changeType],
    additions: node.additions,
    deletions: node.deletions,
    patch: null,
  };
}

function identity(node: GitActorNode | null): GitIdentity {
  return { name: node?.name ?? "", email: node?.email ?? "", login: node?.user?.login ?? null };
}

const sameIdentity = (a: GitIdentity, b: GitIdentity) =>
  a.name === b.name && a.email.toLowerCase() === b.email.toLowerCase() && a.login === b.login;

export function toCommit(node: CommitNode): Commit {
  const c = node.commit;
  const author = identity(c.author);
  // GitHub lists the commit author first among `authors`; the rest come from Co-authored-by trailers.
  const coAuthors = c.authors.nodes
    .map(identity)
    .filter((id, i, all) => !sameIdentity(id, author) && all.findIndex((x) => sameIdentity(x, id)) === i);
  return {
    sha: c.oid,
    message: c.message,
    author,
    committer: identity(c.committer),
    coAuthors,
    verified: c.signature?.isValid === true,
  };
}

export function toReview(node: ReviewNode): Review {
  return {
    id: node.id,
    author: requiredActor(node.author),
    state: node.state,
    commitSha: node.commit?.oid ?? null,
    submittedAt: node.submittedAt ?? node.createdAt,
    body: node.body,
    authorCanPush: node.authorCanPushToRepository,
  };
}

export function toComment(node: CommentNode): Comment {
  return {
    id: String(node.fullDatabaseId),
    author: requiredActor(node.author),
    body: node.body,
    createdAt: node.createdAt,
    lastEditedAt: node.lastEditedAt,
    editor: normalizeActor(node.editor),
    // GraphQL has no App attribution for issue comments; the REST timeline adds it where it is read.
    viaApp: null,
  };
}

export function toTimelineEvent(node: TimelineNode): TimelineEvent {
  const actor = normalizeActor(node.actor);
  const at = node.createdAt;
  switch (node.__typename) {
    case "LabeledEvent":
      return { kind: "labeled", label: node.label.name, actor, viaApp: null, at };
    case "UnlabeledEvent":
      return { kind: "unlabeled", label: node.label.name, actor, viaApp: null, at };
    case "AssignedEvent":
      return { kind: "assigned", actor, assignee: requiredActor(node.assignee), at };
    case "ReviewRequestedEvent": {
      const r = node.requestedReviewer;
      const reviewer = r && "login" in r ? normalizeActor(r) : null;
      return { kind: "review_requested", actor, reviewer, at };
    }
    case "ReviewDismissedEvent":
      return {
        kind: "review_dismissed",
        actor,
        reviewer: normalizeActor(node.review?.author)?.login ?? null,
        at,
      };
    case "ReviewRequestRemovedEvent": {
      const r = node.requestedReviewer;
      const reviewer = r?.login
        ? (normalizeActor({ __typename: r.__typename, login: r.login })?.login ?? null)
        : (r?.combinedSlug ?? null);
      return { kind: "review_request_removed", actor, reviewer, at };
    }
    case "AutoMergeEnabledEvent":
      return { kind: "auto_merge_enabled", actor, at };
    case "AutoMergeDisabledEvent":
      return { kind: "auto_merge_disabled", actor, at };
    case "AddedToMergeQueueEvent":
      return { kind: "added_to_merge_queue", actor, at };
    case "RemovedFromMergeQueueEvent":
      return { kind: "removed_from_merge_queue", actor, at };
    case "ReadyForReviewEvent":
      return { kind: "ready_for_review", actor, at };
    case "HeadRefForcePushedEvent":
      return { kind: "head_ref_force_pushed", actor, at };
  }
}

type CheckRunNode = Extract<ContextNode, { __typename: "CheckRun" }>;
type StatusNode = Extract<ContextNode, { __typename: "StatusContext" }>;

export function toCheckRun(node: CheckRunNode): CheckRun {
  const app = node.checkSuite.app;
  return {
    name: node.name,
    status: node.status.toLowerCase() as CheckRun["status"],
    conclusion: (node.conclusion?.toLowerCase() ?? null) as CheckRun["conclusion"],
    app: app ? { slug: app.slug, ...(app.databaseId !== null ? { id: app.databaseId } : {}) } : null,
  };
}

/** "Expected" is GitHub's placeholder for a required status nobody has set yet: still pending. */
export function toStatus(node: StatusNode): CommitStatus {
  const state = node.state === "EXPECTED" ? "pending" : (node.state.toLowerCase() as CommitStatus["state"]);
  return { context: node.context, state, creator: normalizeActor(node.creator) };
}

/** Oldest first by time; equal times keep GitHub's order (Array.prototype.sort is stable). */
export function byTime<T>(items: readonly T[], at: (item: T) => string | null): T[] {
  const time = (item: T) => {
    const t = at(item);
    return t === null ? Number.NEGATIVE_INFINITY : Date.parse(t);
  };
  return [...items].sort((a, b) => time(a) - time(b));
}
