import nock from "nock";
import { describe, expect, it } from "vitest";
import { readPullRequest } from "../../src/github/gather.js";
import { offline } from "../support/nock.js";
import {
  checkRunNode,
  commitNode,
  connection,
  fileNode,
  github,
  HEAD,
  headCommit,
  headPulls,
  octokit,
  onGraphql,
  prData,
  sha,
  statusNode,
  TARGET,
  userNode,
} from "./gather-fixtures.js";

offline();

const read = () => readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const files = (from: number, to: number) => range(from, to).map((i) => fileNode(`src/f${i}.ts`));
/** Commits numbered from 1: commit n has SHA sha(n). */
const commits = (from: number, to: number) => range(from, to).map((i) => commitNode(sha(i + 1)));
const review = (i: number) => ({
  id: `PRR_${i}`,
  state: "COMMENTED",
  body: "",
  submittedAt: "2026-01-02T11:00:00Z",
  createdAt: "2026-01-02T11:00:00Z",
  author: userNode(`reviewer${i}`),
  commit: { oid: HEAD },
  authorCanPushToRepository: false,
});

/** A page query answering `pages[cursor]` and recording the cursors it was asked for. */
function pagesOf(scope: nock.Scope, operation: string, key: string, pages: Record<string, unknown>) {
  const cursors: unknown[] = [];
  onGraphql(
    scope,
    operation,
    (v) => {
      cursors.push(v.cursor);
      return { data: { repository: { pullRequest: { [key]: pages[String(v.cursor)] } } } };
    },
    Object.keys(pages).length,
  );
  return cursors;
}

describe("pagination", () => {
  it("follows cursors of commits, files and reviews past 100 items, each connection on its own", async () => {
    const { scope, requests } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({
        headRefOid: sha(150),
        headCommit: headCommit(sha(150)),
        changedFiles: 150,
        commits: connection(commits(0, 100), { total: 150, next: "C1" }),
        files: connection(files(0, 100), { total: 150, next: "F1" }),
        reviews: connection(range(0, 100).map(review), { total: 120, next: "R1" }),
      }),
    }));
    const commitCursors = pagesOf(scope, "AgentPolicyCommitsPage", "commits", {
      C1: connection(commits(100, 150), { total: 150 }),
    });
    const fileCursors = pagesOf(scope, "AgentPolicyFilesPage", "files", {
      F1: connection(files(100, 150), { total: 150 }),
    });
    const reviewCursors = pagesOf(scope, "AgentPolicyReviewsPage", "reviews", {
      R1: connection(range(100, 120).map(review), { total: 120 }),
    });

    const { facts } = await read();
    expect([commitCursors, fileCursors, reviewCursors]).toEqual([["C1"], ["F1"], ["R1"]]);
    expect(requests).toHaveLength(4);
    expect(facts.commits).toHaveLength(150);
    expect(facts.commits.at(-1)?.sha).toBe(sha(150));
    expect(facts.files.map((f) => f.path).slice(98, 102)).toEqual([
      "src/f98.ts",
      "src/f99.ts",
      "src/f100.ts",
      "src/f101.ts",
    ]);
    expect(facts.reviews.at(-1)?.id).toBe("PRR_119");
    expect(facts.counts).toMatchObject({
      commits: { reported: 150, fetched: 150 },
      files: { reported: 150, fetched: 150 },
      reviews: { reported: 120, fetched: 120 },
    });
  });

  it("stops at GitHub's 3,000 files and reports the rest as missing", async () => {
    const { scope, requests } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ changedFiles: 3500, files: connection(files(0, 100), { total: 3500, next: "F1" }) }),
    }));
    const pages: Record<string, unknown> = {};
    for (let p = 1; p < 35; p++)
      pages[`F${p}`] = connection(files(p * 100, p * 100 + 100), { total: 3500, next: `F${p + 1}` });
    const cursors: unknown[] = [];
    onGraphql(
      scope,
      "AgentPolicyFilesPage",
      (v) => {
        cursors.push(v.cursor);
        return { data: { repository: { pullRequest: { files: pages[String(v.cursor)] } } } };
      },
      34,
    );
    const { facts } = await read();
    expect(cursors).toHaveLength(29);
    expect(requests).toHaveLength(30);
    expect(facts.counts.files).toEqual({ reported: 3500, fetched: 3000 });
  });

  it("stops at GitHub's 250 commits, even when GitHub offers more pages", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({
        commits: connection(commits(0, 100), { total: 400, next: "C1" }),
        headCommit: headCommit(sha(400)),
      }),
    }));
    pagesOf(scope, "AgentPolicyCommitsPage", "commits", {
      C1: connection(commits(100, 200), { total: 400, next: "C2" }),
      C2: connection(commits(200, 300), { total: 400, next: "C3" }),
    });
    // The PR's last listed commit is not the head: the head's checks are read by SHA.
    onGraphql(scope, "AgentPolicyHeadChecks", (v) => {
      expect(v.oid).toBe(HEAD);
      return {
        data: {
          repository: {
            object: {
              __typename: "Commit",
              oid: HEAD,
              statusCheckRollup: null,
              checkSuites: { nodes: [] },
              associatedPullRequests: headPulls(HEAD),
            },
          },
        },
      };
    });
    const { facts } = await read();
    expect(facts.counts.commits).toEqual({ reported: 400, fetched: 300 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("reads the head's checks by SHA when the PR's last commit is another one", async () => {
    const { scope } = github();
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ headCommit: headCommit(sha(5), [checkRunNode("build", "github-actions", "SUCCESS")]) }),
    }));
    onGraphql(scope, "AgentPolicyHeadChecks", () => ({
      data: {
        repository: {
          object: {
            __typename: "Commit",
            oid: HEAD,
            statusCheckRollup: { contexts: connection([checkRunNode("build", "github-actions", "FAILURE")]) },
            checkSuites: { nodes: [] },
            associatedPullRequests: headPulls(HEAD),
          },
        },
      },
    }));
    const { facts } = await read();
    expect(facts.checkRuns.map((c) => c.conclusion)).toEqual(["failure"]);
  });

  it("pages through more than 100 checks and statuses on the head", async () => {
    const { scope } = github();
    const runs = range(0, 100).map((i) =>
      checkRunNode(`job-${i}`, "github-actions", "SUCCESS", 9_000_000_000 + i),
    );
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ headCommit: headCommit(HEAD, runs, [], "K1") }),
    }));
    onGraphql(scope, "AgentPolicyHeadChecks", (v) => {
      expect(v.cursor).toBe("K1");
      return {
        data: {
          repository: {
            object: {
              __typename: "Commit",
              oid: HEAD,
              statusCheckRollup: { contexts: connection([statusNode("deploy", "FAILURE")], { total: 101 }) },
              checkSuites: { nodes: [] },
              associatedPullRequests: headPulls(HEAD),
            },
          },
        },
      };
    });
    const { facts } = await read();
    expect(facts.counts.checks).toEqual({ reported: 101, fetched: 101 });
    expect(facts.statuses).toEqual([
      { context: "deploy", state: "failure", creator: { login: "jenkins-ci", type: "User", id: 300 } },
    ]);
  });

  it("keeps the timeline oldest first across pages", async () => {
    const { scope } = github();
    const labeled = (minute: number) => ({
      __typename: "LabeledEvent",
      createdAt: `2026-01-02T10:${String(minute).padStart(2, "0")}:00Z`,
      actor: userNode("alice"),
      label: { name: `l${minute}` },
    });
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ timelineItems: connection([labeled(1), labeled(2)], { total: 3, next: "T1" }) }),
    }));
    pagesOf(scope, "AgentPolicyTimelinePage", "timelineItems", {
      T1: connection([labeled(3)], { total: 3 }),
    });
    const { facts } = await read();
    expect(facts.timeline.map((e) => e.at)).toEqual([
      "2026-01-02T10:01:00Z",
      "2026-01-02T10:02:00Z",
      "2026-01-02T10:03:00Z",
    ]);
    expect(facts.counts.timeline).toEqual({ reported: 3, fetched: 3 });
  });

  it("stops when GitHub claims more pages but gives no cursor", async () => {
    const { scope, requests } = github();
    const broken = {
      totalCount: 150,
      pageInfo: { hasNextPage: true, endCursor: null },
      nodes: files(0, 100),
    };
    onGraphql(scope, "AgentPolicyPullRequest", () => ({
      data: prData({ changedFiles: 150, files: broken }),
    }));
    const { facts } = await read();
    expect(requests).toHaveLength(1);
    expect(facts.counts.files).toEqual({ reported: 150, fetched: 100 });
  });
});
