import { describe, expect, it } from "vitest";
import { fetchWholeFiles } from "../../src/github/gather-contents.js";
import { facts } from "../support/facts.js";
import { github, HEAD, octokit, onGraphql, TARGET } from "./gather-fixtures.js";

const file = (path: string, status: "added" | "modified" = "modified") => ({
  path,
  status,
  additions: 1,
  deletions: 0,
  patch: "@@ -1 +1 @@\n+x",
});

describe("fetchWholeFiles", () => {
  it("reads the files whole at the head in one request, gives truncated or binary ones null content, and reads a head once", async () => {
    const { scope } = github();
    const pr = facts({
      head: { ref: "devin/x", sha: HEAD, repoFullName: "acme/app" },
      files: [file(".github/workflows/ci.yml"), file("package.json"), file("big/package.json")],
    });
    const asked: Record<string, unknown>[] = [];
    onGraphql(scope, "AgentPolicyFileContents", (v) => {
      asked.push(v);
      return {
        data: {
          repository: {
            f0: { __typename: "Blob", text: "on: push\n", isTruncated: false, isBinary: false, byteSize: 9 },
            f1: {
              __typename: "Blob",
              text: '{"renovate":{}}',
              isTruncated: false,
              isBinary: false,
              byteSize: 15,
            },
            f2: { __typename: "Blob", text: "{", isTruncated: true, isBinary: false, byteSize: 9_000_000 },
            ...Object.fromEntries([3, 4, 5, 6, 7, 8, 9].map((i) => [`f${i}`, null])),
          },
        },
      };
    });
    const paths = [".github/workflows/ci.yml", "package.json", "big/package.json"];
    const read = await fetchWholeFiles(octokit(), TARGET, pr, paths);
    expect(asked[0]).toMatchObject({
      e0: `${HEAD}:.github/workflows/ci.yml`,
      e1: `${HEAD}:package.json`,
      e3: null,
    });
    expect(read.files.map((f) => f.content)).toEqual(["on: push\n", '{"renovate":{}}', null]);

    // The same head again: nothing is asked (nock would reject an unexpected request).
    const again = await fetchWholeFiles(octokit(), TARGET, pr, paths);
    expect(again.files.map((f) => f.content)).toEqual(read.files.map((f) => f.content));
    expect(asked).toHaveLength(1);
  });
});
