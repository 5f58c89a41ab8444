/**
 * Gathering the facts of one pull request from GitHub: one GraphQL round trip for a typical PR
 * (PR, commits, reviews, labels, comments, timeline, head-commit checks, and the policy file of the
 * repository and of the org's `.github` repository), cursor pages only for connections longer than
 * 100, and counts recorded honestly so the engine fails closed on anything it did not see. The
 * REST reads GraphQL cannot do (patches, the REST timeline) are in gather-rest.ts.
 */

import type { ProbotOctokit } from "probot";
import type { z } from "zod";
import { CHECK_NAME } from "../engine/decision.js";
import type { PrFacts } from "../facts/model.js";
import { type FirstReport, seenOf } from "./checks.js";
import {
  asGatherError,
  asGraphqlResponseError,
  describeGraphqlErrors,
  faultOf,
  GatherError,
  type GraphqlErrorInfo,
  PASSING_GAP,
} from "./gather-errors.js";
import {
  byTime,
  normalizeActor,
  requiredActor,
  toCheckRun,
  toComment,
  toCommit,
  toFile,
  toReview,
  toStatus,
  toTimelineEvent,
} from "./gather-map.js";
import {
  type ContextNode,
  commentPage,
  commitPage,
  type FileNode,
  filePage,
  type HeadChecks,
  headChecksAnswer,
  labelPage,
  type Page,
  type PolicySourceNode,
  type PrNode,
  parseShape,
  prAnswer,
  prPageAnswer,
  reviewPage,
  timelinePage,
} from "./gather-shape.js";
import { overrideRecords } from "./override-replies.js";
import {
  COMMENTS_PAGE_QUERY,
  COMMITS_PAGE_QUERY,
  FILES_PAGE_QUERY,
  HEAD_CHECKS_QUERY,
  LABELS_PAGE_QUERY,
  PR_QUERY,
  REVIEWS_PAGE_QUERY,
  TIMELINE_PAGE_QUERY,
} from "./query.js";

export { fetchWholeFiles } from "./gather-contents.js";
export { GatherError } from "./gather-errors.js";
export { normalizeActor } from "./gather-map.js";
export { createPeopleCaches, lookupPeople, type PeopleCaches } from "./gather-people.js";
export { fetchPatches, policyFetcher, readAppAttribution } from "./gather-rest.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Where the policy lives, in the base repository and in the org's `.github` repository (SPEC §2). */
export const POLICY_PATH = ".github/agent-policy.yml";
/** Marks this app's explanation comment, so it is updated in place rather than posted again. */
export const COMMENT_MARKER = "<!-- agent-policy -->";
/** GitHub's caps: at most 3,000 files and 250 commits of a PR are listed. Other lists stop at 3,000. */
const CAP = { files: 3_000, commits: 250, other: 3_000 } as const;

export interface PrTarget {
  owner: string;
  repo: string;
  number: number;
}

export interface OwnCheckRun {
  id: number;
  externalId: string | null;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
}

export interface Gathered {
  facts: PrFacts;
  policyFile: { text: string; source: string } | null;
  policyKey: string;
  /** The default-branch commit the policy file was read at ("owner/repo@sha"); null for the built-in default. */
  policyCommit: string | null;
  ownCheckRun: OwnCheckRun | null;
  ownComment: { id: number; body: string } | null;
  /** Other open PRs of this repository whose head is this PR's head commit, by number. */
  sharedHead: number[];
  /** What a first report on this head records for break-glass (the newest comment, the force pushes). */
  report: FirstReport;
}

const notNull = <T>(x: T | null): x is T => x !== null;
const emptyPage = <N>(): Page<N> => ({
  totalCount: 0,
  pageInfo: { hasNextPage: false, endCursor: null },
  nodes: [],
});

/** Runs one GraphQL document; errors that `tolerate` accepts leave their partial data usable. */
async function runQuery(
  octokit: Octokit,
  doc: string,
  variables: Record<string, unknown>,
  target: PrTarget,
  doing: string,
  tolerate: (e: GraphqlErrorInfo) => boolean = () => false,
): Promise<{ data: unknown; tolerated: GraphqlErrorInfo[] }> {
  try {
    return { data: await octokit.graphql(doc, variables), tolerated: [] };
  } catch (err) {
    const gql = asGraphqlResponseError(err);
    if (gql?.data && gql.errors.every(tolerate)) return { data: gql.data, tolerated: gql.errors };
    const failed = asGatherError(err, doing);
    if (!gql) throw failed;
    // What kind of fault it was is for the errors that failed the read, not the ones it tolerates
    // (a missing org `.github` repository beside a timeout is still a timeout).
    const fatal = gql.errors.filter((e) => !tolerate(e));
    throw (
      notFound(fatal, target) ??
      new GatherError(failed.reason, faultOf({ name: "GraphqlResponseError", errors: fatal, data: gql.data }))
    );
  }
}

function notFound(
  errors: readonly GraphqlErrorInfo[],
  { owner, repo, number }: PrTarget,
): GatherError | null {
  const missing = errors.find((e) => e.type === "NOT_FOUND" && e.path?.[0] === "repository");
  if (!missing) return null;
  return missing.path?.[1] === "pullRequest"
    ? new GatherError(`GitHub returned no pull request #${number} for ${owner}/${repo}`)
    : new GatherError(
        `GitHub returned no repository ${owner}/${repo} (it does not exist, or the app is not installed on it)`,
      );
}

/** Follows cursors until GitHub says there is no more or `cap` items were read. */
async function allPages<N>(
  first: Page<N>,
  cap: number,
  next: (cursor: string) => Promise<Page<N>>,
): Promise<{ nodes: N[]; reported: number }> {
  const nodes = first.nodes.filter(notNull);
  let reported = first.totalCount;
  let { pageInfo } = first;
  for (
    let pages = 1;
    pageInfo.hasNextPage && pageInfo.endCursor && nodes.length < cap && pages < Math.ceil(cap / 100);
    pages++
  ) {
    const page = await next(pageInfo.endCursor);
    nodes.push(...page.nodes.filter(notNull));
    reported = Math.max(reported, page.totalCount);
    pageInfo = page.pageInfo;
  }
  return { nodes, reported };
}

/** The policy file in one repository's default branch; null when it has none. */
function policyFileIn(source: PolicySourceNode): { text: string; source: string } | null {
  const file = source.defaultBranchRef?.target?.file;
  if (!file) return null;
  const where = `${source.nameWithOwner}:${POLICY_PATH}`;
  const blob = file.object;
  if (blob?.__typename !== "Blob") throw new GatherError(`${where} is not a file`);
  if (blob.isTruncated)
    throw new GatherError(`${where} is too large for GitHub to return; the policy cannot be read`);
  if (blob.isBinary || typeof blob.text !== "string") throw new GatherError(`${where} is not text`);
  return { text: blob.text, source: where };
}

const commitOf = (owner: string, name: string, source: PolicySourceNode | null) =>
  `${source?.nameWithOwner ?? `${owner}/${name}`}@${source?.defaultBranchRef?.target?.oid ?? "-"}`;

/**
 * The repository's policy file, else the org's. NOT_FOUND on the org `.github` repository means no
 * org policy. Any other failure to read it only matters when the repository has no file of its
 * own: then falling back to the built-in default could apply a weaker policy than the org's, so it
 * is an error.
 */
function choosePolicy(
  target: PrTarget,
  repository: PolicySourceNode,
  org: PolicySourceNode | null,
  orgErrors: readonly GraphqlErrorInfo[],
): Pick<Gathered, "policyFile" | "policyKey" | "policyCommit"> {
  const orgUnreadable = orgErrors.filter((e) => e.type !== "NOT_FOUND");
  const policyKey = `${commitOf(target.owner, target.repo, repository)} ${orgUnreadable.length ? `${target.owner}/.github@unreadable` : commitOf(target.owner, ".github", org)}`;
  const own = policyFileIn(repository);
  if (own)
    return { policyFile: own, policyKey, policyCommit: commitOf(target.owner, target.repo, repository) };
  if (orgUnreadable.length > 0) {
    throw new GatherError(
      `Could not read the organization policy ${target.owner}/.github:${POLICY_PATH} (${describeGraphqlErrors(orgUnreadable)}); without it the built-in default policy could wrongly apply`,
      faultOf({ name: "GraphqlResponseError", errors: orgUnreadable, data: null }),
    );
  }
  const orgFile = org ? policyFileIn(org) : null;
  return {
    policyFile: orgFile,
    policyKey,
    policyCommit: orgFile ? commitOf(target.owner, ".github", org) : null,
  };
}

function ownCheckRunOf(checks: HeadChecks, appSlug: string): OwnCheckRun | null {
  const runs = (checks.checkSuites?.nodes ?? [])
    .filter(notNull)
    .filter((suite) => suite.app?.slug.toLowerCase() === appSlug.toLowerCase())
    .flatMap((suite) => suite.checkRuns?.nodes ?? [])
    .filter(notNull)
    .filter((run) => run.name === CHECK_NAME && run.runId !== null);
  const newest = runs.sort((a, b) => (b.runId ?? 0) - (a.runId ?? 0))[0];
  if (!newest || newest.runId === null) return null;
  return {
    id: newest.runId,
    externalId: newest.externalId,
    status: newest.status.toLowerCase(),
    conclusion: newest.conclusion?.toLowerCase() ?? null,
    title: newest.title,
    summary: newest.summary,
  };
}

/** What this read knows of the PR for break-glass: its newest comment and its force pushes so far. */
function reportOf(
  comments: readonly PrFacts["comments"][number][],
  timeline: PrFacts["timeline"],
): FirstReport {
  return {
    newestComment: Math.max(0, ...comments.map((c) => Number(c.id)).filter(Number.isSafeInteger)),
    forcePushes: timeline.filter((e) => e.kind === "head_ref_force_pushed").length,
  };
}

/**
 * The newest comment this app had seen when it first reported on this head for this PR; null
 * when it has not (a commit another PR showed earlier is new here), or a force push came since.
 */
function overrideAfterOf(own: OwnCheckRun | null, number: number, now: FirstReport): number | null {
  const first = seenOf(own?.summary ?? null)[String(number)];
  return first && first.forcePushes === now.forcePushes ? first.newestComment : null;
}

export async function readPullRequest(
  octokit: Octokit,
  target: PrTarget,
  opts: { appSlug: string },
): Promise<Gathered> {
  const where = `${target.owner}/${target.repo}#${target.number}`;
  const vars = { owner: target.owner, repo: target.repo, number: target.number };
  const first = await runQuery(
    octokit,
    PR_QUERY,
    { ...vars, policyPath: POLICY_PATH, checkName: CHECK_NAME },
    target,
    `reading ${where}`,
    (e) => e.path?.[0] === "orgPolicy",
  );
  const answer = parseShape(prAnswer, first.data, `reading ${where}`);
  const repository = answer.repository;
  if (!repository) throw new GatherError(`GitHub returned no repository ${target.owner}/${target.repo}`);
  const pr = repository.pullRequest;
  if (!pr)
    throw new GatherError(
      `GitHub returned no pull request #${target.number} for ${target.owner}/${target.repo}`,
    );
  const policy = choosePolicy(target, repository, answer.orgPolicy, first.tolerated);

  const pageOf =
    <K extends string, T extends z.ZodType>(doc: string, key: K, schema: T) =>
    async (cursor: string): Promise<z.infer<T>> => {
      const doing = `reading more ${key} of ${where}`;
      const { data } = await runQuery(octokit, doc, { ...vars, cursor }, target, doing);
      const { pullRequest } = parseShape(prPageAnswer(key, schema), data, doing).repository;
      return (pullRequest as Record<K, z.infer<T>>)[key];
    };

  const gaps: string[] = [];
  const missingList = <N>(list: Page<N> | null, what: string): Page<N> => {
    if (list) return list;
    gaps.push(`GitHub gave no list of the ${what} of this PR (part of its answer failed). ${PASSING_GAP}`);
    return emptyPage();
  };
  const [labels, commits, reviews, comments, timeline, files, checks] = await Promise.all([
    allPages(missingList(pr.labels, "labels"), CAP.other, pageOf(LABELS_PAGE_QUERY, "labels", labelPage)),
    allPages(pr.commits, CAP.commits, pageOf(COMMITS_PAGE_QUERY, "commits", commitPage)),
    allPages(
      missingList(pr.reviews, "reviews"),
      CAP.other,
      pageOf(REVIEWS_PAGE_QUERY, "reviews", reviewPage),
    ),
    allPages(pr.comments, CAP.other, pageOf(COMMENTS_PAGE_QUERY, "comments", commentPage)),
    allPages(pr.timelineItems, CAP.other, pageOf(TIMELINE_PAGE_QUERY, "timelineItems", timelinePage)),
    // A null file list leaves `changedFiles` as the reported count, so the shortfall fails closed.
    allPages(pr.files ?? emptyPage<FileNode>(), CAP.files, pageOf(FILES_PAGE_QUERY, "files", filePage)),
    readChecks(octokit, target, pr),
  ]);

  const author = requiredActor(pr.author);
  const events = byTime(timeline.nodes.map(toTimelineEvent), (e) => e.at);

  // This app's own run is its previous verdict, not a fact about the PR (it comes back as
  // `ownCheckRun`); any other run under its name is then someone else's, which the engine reports.
  const ownSlug = opts.appSlug.toLowerCase();
  const checkRuns = newestLast(
    checks.contexts
      .filter((c) => c.__typename === "CheckRun")
      .filter(
        (c) => !(c.name.toLowerCase() === CHECK_NAME && c.checkSuite.app?.slug.toLowerCase() === ownSlug),
      ),
  ).map(toCheckRun);
  const statuses = byTime(
    checks.contexts.filter((c) => c.__typename === "StatusContext"),
    (c) => c.createdAt,
  ).map(toStatus);
  const lastEnabled = events.filter((e) => e.kind === "auto_merge_enabled").at(-1);

  const facts: PrFacts = {
    repo: { owner: target.owner, name: target.repo, defaultBranch: repository.defaultBranchRef?.name ?? "" },
    number: pr.number,
    title: pr.title,
    body: pr.body,
    // An edit GitHub cannot attribute (a deleted account) still counts as an edit, by the ghost.
    bodyEditedBy: pr.lastEditedAt !== null || pr.editor !== null ? requiredActor(pr.editor) : null,
    author,
    ...(pr.createdAt ? { createdAt: pr.createdAt } : {}),
    ...(pr.mergeCommit ? { mergeCommitSha: pr.mergeCommit.oid } : {}),
    state: pr.state === "OPEN" ? "open" : pr.state === "MERGED" ? "merged" : "closed",
    draft: pr.isDraft,
    base: { ref: pr.baseRefName, sha: pr.baseRefOid },
    head: { ref: pr.headRefName, sha: pr.headRefOid, repoFullName: pr.headRepository?.nameWithOwner ?? "" },
    commits: commits.nodes.map(toCommit),
    files: files.nodes.map(toFile),
    reviews: reviews.nodes.map(toReview),
    labels: labels.nodes.map((l) => l.name),
    comments: comments.nodes.map(toComment),
    timeline: events,
    checkRuns,
    statuses,

    autoMerge: pr.autoMergeRequest
      ? {
          enabledBy: normalizeActor(pr.autoMergeRequest.enabledBy),
          at: pr.autoMergeRequest.enabledAt ?? lastEnabled?.at ?? "",
        }
      : null,
    people: {},
    counts: {
      files: { reported: Math.max(pr.changedFiles, files.reported), fetched: files.nodes.length },
      commits: { reported: commits.reported, fetched: commits.nodes.length },
      reviews: { reported: reviews.reported, fetched: reviews.nodes.length },
      comments: { reported: comments.reported, fetched: comments.nodes.length },
      timeline: { reported: timeline.reported, fetched: timeline.nodes.length },
      labels: { reported: labels.reported, fetched: labels.nodes.length },
      checks: { reported: checks.reported, fetched: checks.contexts.length },
    },
    gaps: [...gaps, ...commitAuthorGaps(commits.nodes)],
  };
  const shared = sharedHeadOf(checks.head, target, pr.headRefOid, pr.number);
  if (shared.gap) facts.gaps.push(shared.gap);
  // What only the REST timeline says (App attribution, Copilot's requester) is read later, and only
  // when it could change the decision (decide.ts, engine/attribution.ts).

  const bot = `${opts.appSlug}[bot]`.toLowerCase();
  const ours = facts.comments.filter((c) => c.author.type === "Bot" && c.author.login.toLowerCase() === bot);
  const mine = ours.find((c) => c.body.includes(COMMENT_MARKER));
  const ownCheckRun = ownCheckRunOf(checks.head, opts.appSlug);
  const report = reportOf(facts.comments, facts.timeline);
  facts.overrideAfter = overrideAfterOf(ownCheckRun, pr.number, report);
  facts.overrideRecords = overrideRecords(ours);
  return {
    facts,
    ...policy,
    ownCheckRun,
    ownComment: mine ? { id: Number(mine.id), body: mine.body } : null,
    sharedHead: shared.numbers,
    report,
  };
}

/**
 * The other open PRs of this repository with the same head commit. Any PR left unread could be the
 * stricter one whose verdict this PR's run would overwrite, so a short list is a gap (fail closed).
 */
function sharedHeadOf(
  head: HeadChecks,
  target: PrTarget,
  headOid: string,
  self: number,
): { numbers: number[]; gap: string | null } {
  const list = head.associatedPullRequests;
  if (!list) return { numbers: [], gap: "GitHub gave no list of the pull requests of the head commit." };
  const nodes = list.nodes.filter(notNull);
  const repo = `${target.owner}/${target.repo}`.toLowerCase();
  const numbers = nodes
    .filter((p) => p.state === "OPEN" && p.headRefOid === headOid && p.number !== self)
    .filter((p) => p.baseRepository?.nameWithOwner.toLowerCase() === repo)
    .map((p) => p.number)
    .sort((a, b) => a - b);
  const gap =
    list.totalCount > nodes.length
      ? `GitHub lists ${list.totalCount} pull requests with this head commit and only ${nodes.length} could be read; the check on the commit must hold for all of them.`
      : null;
  return { numbers, gap };
}

/**
 * Check runs oldest first by id: GitHub numbers runs as it creates them, so a re-run always sorts
 * after the run it repeats, even while it is queued and has no start time (ordering by `startedAt`
 * put a queued re-run first and let the earlier success stand as the newest). A run whose id
 * cannot be read sorts last, as if it were the newest.
 */
function newestLast<T extends { runId: number | null }>(runs: readonly T[]): T[] {
  const key = (r: T) => r.runId ?? Number.MAX_SAFE_INTEGER;
  return [...runs].sort((a, b) => key(a) - key(b));
}

/** Co-authors beyond the 10 GitHub returns per commit could hide an excluded approver. */
function commitAuthorGaps(
  nodes: readonly { commit: { oid: string; authors: { totalCount: number } } }[],
): string[] {
  return nodes
    .filter((n) => n.commit.authors.totalCount > 10)
    .map(
      (n) =>
        `Commit ${n.commit.oid.slice(0, 7)} names ${n.commit.authors.totalCount} authors; only the first 10 were read.`,
    );
}

/**
 * Checks and statuses on the head commit. The PR's last commit normally is the head and comes with
 * the first answer; when it is not (the branch moved, or the commit list is capped), the head is
 * read by its SHA so checks of another commit can never stand in for the head's.
 */
async function readChecks(
  octokit: Octokit,
  target: PrTarget,
  pr: PrNode,
): Promise<{ head: HeadChecks; contexts: ContextNode[]; reported: number }> {
  const where = `${target.owner}/${target.repo}@${pr.headRefOid.slice(0, 7)}`;
  const byOid = async (cursor: string | null): Promise<HeadChecks> => {
    const doing = `reading the checks of ${where}`;
    const { data } = await runQuery(
      octokit,
      HEAD_CHECKS_QUERY,
      { owner: target.owner, repo: target.repo, oid: pr.headRefOid, cursor, checkName: CHECK_NAME },
      target,
      doing,
    );
    const commit = parseShape(headChecksAnswer, data, doing).repository.object;
    if (!commit)
      throw new GatherError(`GitHub has no head commit ${pr.headRefOid} in ${target.owner}/${target.repo}`, {
        kind: "unavailable",
      });
    return commit;
  };
  const last = pr.headCommit.nodes.filter(notNull).at(-1)?.commit;
  const head = last && last.oid === pr.headRefOid ? last : await byOid(null);
  const { nodes, reported } = await allPages(
    head.statusCheckRollup?.contexts ?? emptyPage<ContextNode>(),
    CAP.other,
    async (cursor) => (await byOid(cursor)).statusCheckRollup?.contexts ?? emptyPage(),
  );
  return { head, contexts: nodes, reported };
}
