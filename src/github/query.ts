/**
 * The GraphQL documents that read a pull request. Every exported string is a complete document and
 * is validated against GitHub's published schema in test/github/graphql-schema.test.ts, so a field
 * GitHub does not have fails the build rather than a live evaluation.
 *
 * PR_QUERY reads everything a decision needs in one round trip; the *_PAGE_QUERY documents fetch
 * further pages of one connection when GitHub reports more than the first 100 items. Fragments are
 * shared so a page is parsed exactly like the first one.
 */

const PAGE_INFO = "totalCount pageInfo { hasNextPage endCursor }";

const ACTOR = `
fragment ActorFields on Actor {
  __typename
  login
  ... on Bot { databaseId }
  ... on User { databaseId }
  ... on Organization { databaseId }
}`;

const GIT_ACTOR = `
fragment GitActorFields on GitActor { name email user { login } }`;

const LABELS = `
fragment LabelPage on LabelConnection { ${PAGE_INFO} nodes { name } }`;

const FILES = `
fragment FilePage on PullRequestChangedFileConnection {
  ${PAGE_INFO}
  nodes { path changeType additions deletions }
}`;

const COMMITS = `
fragment CommitPage on PullRequestCommitConnection {
  ${PAGE_INFO}
  nodes {
    commit {
      oid
      message
      author { ...GitActorFields }
      committer { ...GitActorFields }
      authors(first: 10) { totalCount nodes { ...GitActorFields } }
      signature { isValid }
    }
  }
}`;

const REVIEWS = `
fragment ReviewPage on PullRequestReviewConnection {
  ${PAGE_INFO}
  nodes {
    id
    state
    body
    submittedAt
    createdAt
    author { ...ActorFields }
    commit { oid }
    authorCanPushToRepository
  }
}`;

const COMMENTS = `
fragment CommentPage on IssueCommentConnection {
  ${PAGE_INFO}
  nodes {
    fullDatabaseId
    body
    createdAt
    lastEditedAt
    author { ...ActorFields }
    editor { ...ActorFields }
  }
}`;

/** The timeline events a promotion chain can leave; GraphQL returns them oldest first. */
const TIMELINE_TYPES = `[
  LABELED_EVENT, UNLABELED_EVENT, ASSIGNED_EVENT, REVIEW_REQUESTED_EVENT, REVIEW_DISMISSED_EVENT, REVIEW_REQUEST_REMOVED_EVENT,
  AUTO_MERGE_ENABLED_EVENT, AUTO_MERGE_DISABLED_EVENT, ADDED_TO_MERGE_QUEUE_EVENT, REMOVED_FROM_MERGE_QUEUE_EVENT,
  READY_FOR_REVIEW_EVENT, HEAD_REF_FORCE_PUSHED_EVENT
]`;

const TIMELINE = `
fragment TimelinePage on PullRequestTimelineItemsConnection {
  ${PAGE_INFO}
  nodes {
    __typename
    ... on LabeledEvent { createdAt actor { ...ActorFields } label { name } }
    ... on UnlabeledEvent { createdAt actor { ...ActorFields } label { name } }
    ... on AssignedEvent { createdAt actor { ...ActorFields } assignee { ...ActorFields } }
    ... on ReviewDismissedEvent { createdAt actor { ...ActorFields } review { author { ...ActorFields } } }
    ... on ReviewRequestedEvent { createdAt actor { ...ActorFields } requestedReviewer { __typename ...ActorFields } }
    ... on ReviewRequestRemovedEvent {
      createdAt
      actor { ...ActorFields }
      requestedReviewer { ...ActorFields ... on Team { combinedSlug } }
    }
    ... on AutoMergeEnabledEvent { createdAt actor { ...ActorFields } }
    ... on AutoMergeDisabledEvent { createdAt actor { ...ActorFields } }
    ... on AddedToMergeQueueEvent { createdAt actor { ...ActorFields } }
    ... on RemovedFromMergeQueueEvent { createdAt actor { ...ActorFields } }
    ... on ReadyForReviewEvent { createdAt actor { ...ActorFields } }
    ... on HeadRefForcePushedEvent { createdAt actor { ...ActorFields } }
  }
}`;

/**
 * Check runs and statuses on a commit. Ids above 2^31 do not fit GraphQL's Int (GitHub's check-run
 * ids passed it long ago), so a run's id is read from its `resourcePath` (`/o/r/runs/<id>`), aliased `runId`.
 */
const CONTEXTS = `
fragment ContextPage on StatusCheckRollupContextConnection {
  ${PAGE_INFO}
  nodes {
    __typename
    ... on CheckRun {
      runId: resourcePath
      name
      status
      conclusion
      checkSuite { app { slug databaseId } }
    }
    ... on StatusContext { context state createdAt creator { ...ActorFields } }
  }
}`;

/** This app's own check runs with their text, so an unchanged decision needs no write. */
const OWN_RUNS = `
fragment OwnRuns on Commit {
  checkSuites(first: 25, filterBy: { checkName: $checkName }) {
    nodes {
      app { slug }
      checkRuns(first: 10, filterBy: { checkName: $checkName }) {
        nodes { runId: resourcePath name externalId status conclusion title summary }
      }
    }
  }
}`;

/**
 * Open PRs whose head is this commit too. A check run belongs to the commit, not to a PR, so the
 * verdict written on it must hold for each of them (GitHub lists the PRs that contain the commit).
 */
const HEAD_PULLS = `
fragment HeadPulls on Commit {
  associatedPullRequests(first: 25) {
    totalCount
    nodes { number state headRefOid baseRepository { nameWithOwner } }
  }
}`;

/** The policy file on the repository's default branch, read from the very commit its key names. */
const POLICY_SOURCE = `
fragment PolicySource on Repository {
  nameWithOwner
  defaultBranchRef {
    name
    target {
      oid
      ... on Commit { file(path: $policyPath) { object { __typename ... on Blob { text isTruncated isBinary } } } }
    }
  }
}`;

export const PR_QUERY = `
query AgentPolicyPullRequest($owner: String!, $repo: String!, $number: Int!, $policyPath: String!, $checkName: String!) {
  rateLimit { cost remaining }
  repository(owner: $owner, name: $repo) {
    ...PolicySource
    pullRequest(number: $number) {
      number
      title
      body
      lastEditedAt
      editor { ...ActorFields }
      state
      isDraft
      createdAt
      mergeCommit { oid }
      author { ...ActorFields }
      baseRefName
      baseRefOid
      headRefName
      headRefOid
      headRepository { nameWithOwner }
      changedFiles
      autoMergeRequest { enabledAt enabledBy { ...ActorFields } }
      labels(first: 100) { ...LabelPage }
      commits(first: 100) { ...CommitPage }
      reviews(first: 100) { ...ReviewPage }
      comments(first: 100) { ...CommentPage }
      timelineItems(first: 100, itemTypes: ${TIMELINE_TYPES}) { ...TimelinePage }
      files(first: 100) { ...FilePage }
      headCommit: commits(last: 1) {
        nodes {
          commit {
            oid
            statusCheckRollup { contexts(first: 100) { ...ContextPage } }
            ...OwnRuns
            ...HeadPulls
          }
        }
      }
    }
  }
  orgPolicy: repository(owner: $owner, name: ".github") { ...PolicySource }
}
${POLICY_SOURCE}
${ACTOR}
${GIT_ACTOR}
${LABELS}
${COMMITS}
${REVIEWS}
${COMMENTS}
${TIMELINE}
${FILES}
${CONTEXTS}
${OWN_RUNS}
${HEAD_PULLS}`;

const PR_PAGE_VARS = "$owner: String!, $repo: String!, $number: Int!, $cursor: String!";

export const LABELS_PAGE_QUERY = `
query AgentPolicyLabelsPage(${PR_PAGE_VARS}) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) { labels(first: 100, after: $cursor) { ...LabelPage } }
  }
}
${LABELS}`;

export const FILES_PAGE_QUERY = `
query AgentPolicyFilesPage(${PR_PAGE_VARS}) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) { files(first: 100, after: $cursor) { ...FilePage } }
  }
}
${FILES}`;

export const COMMITS_PAGE_QUERY = `
query AgentPolicyCommitsPage(${PR_PAGE_VARS}) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) { commits(first: 100, after: $cursor) { ...CommitPage } }
  }
}
${COMMITS}
${GIT_ACTOR}`;

export const REVIEWS_PAGE_QUERY = `
query AgentPolicyReviewsPage(${PR_PAGE_VARS}) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) { reviews(first: 100, after: $cursor) { ...ReviewPage } }
  }
}
${REVIEWS}
${ACTOR}`;

export const COMMENTS_PAGE_QUERY = `
query AgentPolicyCommentsPage(${PR_PAGE_VARS}) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) { comments(first: 100, after: $cursor) { ...CommentPage } }
  }
}
${COMMENTS}
${ACTOR}`;

export const TIMELINE_PAGE_QUERY = `
query AgentPolicyTimelinePage(${PR_PAGE_VARS}) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      timelineItems(first: 100, after: $cursor, itemTypes: ${TIMELINE_TYPES}) { ...TimelinePage }
    }
  }
}
${TIMELINE}
${ACTOR}`;

/**
 * Checks on one commit by its SHA: further pages of the rollup, or the whole of it when the PR's
 * last commit is not its head (then this app's own runs are read here too).
 */
export const HEAD_CHECKS_QUERY = `
query AgentPolicyHeadChecks($owner: String!, $repo: String!, $oid: GitObjectID!, $cursor: String, $checkName: String!) {
  repository(owner: $owner, name: $repo) {
    object(oid: $oid) {
      __typename
      ... on Commit {
        oid
        statusCheckRollup { contexts(first: 100, after: $cursor) { ...ContextPage } }
        ...OwnRuns
        ...HeadPulls
      }
    }
  }
}
${CONTEXTS}
${ACTOR}
${OWN_RUNS}
${HEAD_PULLS}`;

/** Files read whole at the head commit per request (aliases f0…f9; an unused slot's expression is null). */
export const CONTENT_SLOTS = 10;

/**
 * Whole files at the head commit, for scanners that need more than the patch shows (workflows,
 * actions, package.json). `$eN` is a rev-parse expression `<sha>:<path>`.
 */
export const FILE_CONTENTS_QUERY = `
query AgentPolicyFileContents($owner: String!, $repo: String!, ${Array.from({ length: CONTENT_SLOTS }, (_, i) => `$e${i}: String`).join(", ")}) {
  repository(owner: $owner, name: $repo) {
    ${Array.from({ length: CONTENT_SLOTS }, (_, i) => `f${i}: object(expression: $e${i}) { ...FileContent }`).join("\n    ")}
  }
}
fragment FileContent on GitObject { __typename ... on Blob { text isTruncated isBinary byteSize } }`;

/**
 * Reconciliation: a repository's open PRs, newest activity first, each with this App's
 * `agent-policy` runs on its head, to find the PRs whose verdict may be missing or stale (an
 * acknowledged webhook lost in a crash, a write that never landed).
 */
export const OPEN_PULLS_QUERY = `
query AgentPolicyOpenPulls($owner: String!, $repo: String!, $appId: Int!, $checkName: String!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequests(states: [OPEN], first: 50, after: $cursor, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        url
        updatedAt
        headRefOid
        commits(last: 1) {
          nodes {
            commit {
              oid
              checkSuites(first: 5, filterBy: { appId: $appId, checkName: $checkName }) {
                nodes { checkRuns(first: 5, filterBy: { checkName: $checkName }) { nodes { status completedAt } } }
              }
            }
          }
        }
      }
    }
  }
}`;
