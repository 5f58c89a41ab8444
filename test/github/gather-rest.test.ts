import { describe, expect, it } from "vitest";
import { fetchPatches, policyFetcher } from "../../src/github/gather.js";
import { facts, file } from "../support/facts.js";
import { offline } from "../support/nock.js";
import { API, github, octokit, TARGET } from "./gather-fixtures.js";

offline();

const restFile = (filename: string, extra: Record<string, unknown> = {}) => ({
  sha: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
  filename,
  status: "modified",
  additions: 1,
  deletions: 0,
  changes: 1,
  patch: "@@ -1 +1 @@\n+x",
  ...extra,
});

/** Facts as readPullRequest leaves them: files listed, no patches yet. */
const unpatched = (paths: string[], reported = paths.length) =>
  facts({
    files: paths.map((p) => file(p, { patch: null })),
    counts: {
      ...facts().counts,
      files: { reported, fetched: paths.length },
    },
  });

describe("fetchPatches", () => {
  it("makes one request for a typical PR and adds patches and previous paths", async () => {
    const { scope, requests } = github();
    scope
      .get("/repos/acme/app/pulls/7/files")
      .query({ per_page: "100" })
      .reply(200, [
        restFile("src/auth/login.ts", { status: "renamed", previous_filename: "src/login.ts" }),
        restFile("assets/logo.png", { status: "added", additions: 0, changes: 0, patch: undefined }),
      ]);
    const before = unpatched(["src/auth/login.ts", "assets/logo.png"]);
    const after = await fetchPatches(octokit(), TARGET, before);
    expect(requests).toHaveLength(1);
    expect(after.files).toEqual([
      {
        path: "src/auth/login.ts",
        previousPath: "src/login.ts",
        status: "renamed",
        additions: 1,
        deletions: 0,
        patch: "@@ -1 +1 @@\n+x",
      },
      { path: "assets/logo.png", status: "added", additions: 0, deletions: 0, patch: null },
    ]);
    expect(after.counts.files).toEqual({ reported: 2, fetched: 2 });
    expect(after.gaps).toEqual([]);
    expect(before.files[0]?.patch).toBeNull();
  });

  it("follows the Link header past 100 files", async () => {
    const { scope, requests } = github();
    const page1 = Array.from({ length: 100 }, (_, i) => restFile(`f${i}.ts`));
    scope
      .get("/repos/acme/app/pulls/7/files")
      .query({ per_page: "100" })
      .reply(200, page1, {
        link: `<${API}/repositories/1/pulls/7/files?per_page=100&page=2>; rel="next", <${API}/repositories/1/pulls/7/files?per_page=100&page=2>; rel="last"`,
      })
      .get("/repositories/1/pulls/7/files")
      .query({ per_page: "100", page: "2" })
      .reply(200, [restFile("f100.ts")]);
    const after = await fetchPatches(
      octokit(),
      TARGET,
      unpatched(Array.from({ length: 101 }, (_, i) => `f${i}.ts`)),
    );
    expect(requests).toHaveLength(2);
    expect(after.files).toHaveLength(101);
    expect(after.counts.files).toEqual({ reported: 101, fetched: 101 });
  });

  it("shows the shortfall when GitHub lists fewer files than the PR has", async () => {
    const { scope } = github();
    scope
      .get("/repos/acme/app/pulls/7/files")
      .query(true)
      .reply(200, [restFile("a.ts")]);
    const after = await fetchPatches(octokit(), TARGET, unpatched(["a.ts"], 3200));
    expect(after.counts.files).toEqual({ reported: 3200, fetched: 1 });
  });

  it("records a gap when the file list changed since the GraphQL read", async () => {
    const { scope } = github();
    scope
      .get("/repos/acme/app/pulls/7/files")
      .query(true)
      .reply(200, [restFile("a.ts"), restFile("sneaky.ts")]);
    const after = await fetchPatches(octokit(), TARGET, unpatched(["a.ts"]));
    expect(after.gaps).toEqual([
      "GitHub's two lists of changed files differ: the branch moved while it was read. It will be evaluated again.",
    ]);
  });

  it("rejects an answer of the wrong shape, and HTTP failures, with a reason", async () => {
    const { scope } = github();
    scope
      .get("/repos/acme/app/pulls/7/files")
      .query(true)
      .reply(200, [{ filename: "a.ts", status: "exploded" }]);
    await expect(fetchPatches(octokit(), TARGET, unpatched(["a.ts"]))).rejects.toMatchObject({
      name: "GatherError",
      fault: { kind: "malformed" },
      reason: expect.stringContaining(
        "unexpected shape while listing the changed files of acme/app#7: 0.status",
      ),
    });
    scope.get("/repos/acme/app/pulls/7/files").query(true).reply(503, { message: "unavailable" });
    await expect(fetchPatches(octokit(), TARGET, unpatched(["a.ts"]))).rejects.toMatchObject({
      fault: { kind: "unavailable" },
    });
  });
});

describe("policyFetcher", () => {
  const ref = { owner: "acme", repo: "policies", path: ".github/base.yml" };

  it("reads the raw file at the default branch", async () => {
    const { scope } = github();
    scope
      .get("/repos/acme/policies/contents/.github%2Fbase.yml")
      .matchHeader("accept", "application/vnd.github.v3.raw")
      .reply(200, "version: 1\n", { "content-type": "text/plain; charset=utf-8" });
    await expect(policyFetcher(octokit())(ref)).resolves.toEqual({
      text: "version: 1\n",
      source: "acme/policies:.github/base.yml",
    });
  });

  it("answers null for a missing file and errors for anything else", async () => {
    const { scope } = github();
    scope.get("/repos/acme/policies/contents/.github%2Fbase.yml").reply(404, { message: "Not Found" });
    await expect(policyFetcher(octokit())(ref)).resolves.toBeNull();
    scope
      .get("/repos/acme/policies/contents/.github%2Fbase.yml")
      .reply(403, { message: "Resource not accessible by integration" });
    await expect(policyFetcher(octokit())(ref)).rejects.toMatchObject({
      name: "GatherError",
      fault: { kind: "refused" },
      reason: expect.stringContaining("HTTP 403"),
    });
    scope.get("/repos/acme/policies/contents/.github%2Fbase.yml").reply(200, [{ name: "x", type: "file" }]);
    await expect(policyFetcher(octokit())(ref)).rejects.toMatchObject({
      reason: expect.stringContaining("is not a file"),
    });
    scope
      .get("/repos/acme/policies/contents/.github%2Fbase.yml")
      .reply(200, Buffer.from([0xff, 0xfe, 0x00]), { "content-type": "application/octet-stream" });
    await expect(policyFetcher(octokit())(ref)).rejects.toMatchObject({
      reason: expect.stringContaining("is not UTF-8 text"),
    });
  });
});
