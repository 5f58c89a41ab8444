/**
 * The PR's file list is the diff of its base and head commits, so it is listed once per base and
 * head: an unchanged PR evaluated again lists nothing, a push or a new base lists again.
 */
import { describe, expect, it } from "vitest";
import { fetchPatches } from "../../src/github/gather.js";
import { facts, file } from "../support/facts.js";
import { offline } from "../support/nock.js";
import { API, github, octokit, sha, TARGET } from "./gather-fixtures.js";

offline();

/** An entry of `GET /repos/{owner}/{repo}/pulls/{n}/files` as GitHub gives it, listed at `at`. */
const restFile = (filename: string, at: string, extra: Record<string, unknown> = {}) => ({
  sha: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
  filename,
  status: "modified",
  additions: 1,
  deletions: 0,
  changes: 1,
  blob_url: `https://github.com/acme/app/blob/${at}/${filename}`,
  raw_url: `https://github.com/acme/app/raw/${at}/${filename}`,
  contents_url: `${API}/repos/acme/app/contents/${encodeURIComponent(filename)}?ref=${at}`,
  patch: "@@ -1 +1 @@\n+const token = process.env.TOKEN;",
  ...extra,
});

/** Facts as readPullRequest leaves them for `base..head`: files listed, no patches yet. */
const unpatched = (base: string, head: string, paths = ["src/a.ts", "src/old.ts"]) =>
  facts({
    base: { ref: "main", sha: base },
    head: { ref: "feature", sha: head, repoFullName: "acme/app" },
    files: paths.map((p) => file(p, { patch: null })),
  });

/** Answers the file list `times` times with `files(head)`; returns the requests made. */
function listing(files: (head: string) => unknown[], head: string, times = 1) {
  const { scope, requests } = github();
  scope.get("/repos/acme/app/pulls/7/files").query({ per_page: "100" }).times(times).reply(200, files(head));
  return requests;
}

const twoFiles = (at: string) => [
  restFile("src/a.ts", at),
  restFile("src/old.ts", at, { status: "removed", additions: 0, deletions: 1, patch: "@@ -1 +0,0 @@\n-x" }),
];

describe("fetchPatches keeps the file list per base and head", () => {
  it("lists once while base and head stay; a new head or a new base lists again", async () => {
    const [base, head, pushed, rebased] = [sha(101), sha(102), sha(103), sha(104)];

    const first = listing(twoFiles, head);
    const listed = await fetchPatches(octokit(), TARGET, unpatched(base, head));
    expect(first).toHaveLength(1);
    expect(listed.files.map((f) => [f.path, f.patch])).toEqual([
      ["src/a.ts", "@@ -1 +1 @@\n+const token = process.env.TOKEN;"],
      ["src/old.ts", "@@ -1 +0,0 @@\n-x"],
    ]);

    // Evaluated again with the same commits: nock would reject any request (none is mocked).
    const again = await fetchPatches(octokit(), TARGET, unpatched(base, head));
    expect(again.files).toEqual(listed.files);
    expect(again.counts.files).toEqual({ reported: 2, fetched: 2 });
    expect(again.gaps).toEqual([]);
    // What was handed out is a copy: changing it does not change what is kept.
    (again.files[0] as { patch: string | null }).patch = null;
    expect((await fetchPatches(octokit(), TARGET, unpatched(base, head))).files[0]?.patch).not.toBeNull();

    const afterPush = listing(twoFiles, pushed);
    await fetchPatches(octokit(), TARGET, unpatched(base, pushed));
    expect(afterPush).toHaveLength(1);

    const afterRebase = listing(twoFiles, pushed);
    await fetchPatches(octokit(), TARGET, unpatched(rebased, pushed));
    expect(afterRebase).toHaveLength(1);

    // Another PR with the same commits is listed for itself.
    const { scope, requests } = github();
    scope.get("/repos/acme/app/pulls/8/files").query(true).reply(200, twoFiles(head));
    await fetchPatches(octokit(), { ...TARGET, number: 8 }, unpatched(base, head));
    expect(requests).toHaveLength(1);
  });

  it("does not keep a list GitHub made at another head (the branch moved after the GraphQL read)", async () => {
    const [base, head, moved] = [sha(201), sha(202), sha(203)];
    const requests = listing(twoFiles, moved, 2);
    await fetchPatches(octokit(), TARGET, unpatched(base, head));
    await fetchPatches(octokit(), TARGET, unpatched(base, head));
    expect(requests).toHaveLength(2);
  });

  it("does not keep a list that disagrees with GraphQL's, and reports the gap each time", async () => {
    const [base, head] = [sha(301), sha(302)];
    const requests = listing((at) => [...twoFiles(at), restFile("src/sneaky.ts", at)], head, 2);
    const first = await fetchPatches(octokit(), TARGET, unpatched(base, head));
    const second = await fetchPatches(octokit(), TARGET, unpatched(base, head));
    expect(requests).toHaveLength(2);
    for (const read of [first, second]) expect(read.gaps).toEqual([expect.stringMatching(/branch moved/)]);
  });

  it("does not keep a list whose files do not say where they were read", async () => {
    const [base, head] = [sha(401), sha(402)];
    const bare = (at: string) =>
      twoFiles(at).map(({ contents_url: _c, blob_url: _b, raw_url: _r, ...rest }) => rest);
    const requests = listing(bare, head, 2);
    await fetchPatches(octokit(), TARGET, unpatched(base, head));
    await fetchPatches(octokit(), TARGET, unpatched(base, head));
    expect(requests).toHaveLength(2);
  });

  it("does not keep a failed listing", async () => {
    const [base, head] = [sha(501), sha(502)];
    const { scope } = github();
    scope.get("/repos/acme/app/pulls/7/files").query(true).reply(503, { message: "unavailable" });
    await expect(fetchPatches(octokit(), TARGET, unpatched(base, head))).rejects.toMatchObject({
      name: "GatherError",
    });
    const requests = listing(twoFiles, head);
    await fetchPatches(octokit(), TARGET, unpatched(base, head));
    expect(requests).toHaveLength(1);
  });
});
