import { expect, it } from "vitest";
import { fetchPatches, readPullRequest } from "../../src/github/gather.js";
import { offline } from "../support/nock.js";
import {
  commitNode,
  connection,
  fileNode,
  github,
  HEAD,
  octokit,
  onGraphql,
  prData,
  sha,
  TARGET,
  userNode,
} from "./gather-fixtures.js";

offline();

const hundred = Array.from({ length: 100 }, (_, i) => i);

it("reads a typical PR in one GraphQL request and its patches in one REST request (SPEC §7)", async () => {
  const { scope, requests } = github();
  onGraphql(scope, "AgentPolicyPullRequest", () => ({
    data: prData({
      changedFiles: 100,
      files: connection(hundred.map((i) => fileNode(`src/f${i}.ts`))),
      commits: connection(hundred.map((i) => commitNode(i === 99 ? HEAD : sha(i + 1)))),
      reviews: connection(
        hundred.map((i) => ({
          id: `PRR_${i}`,
          state: "APPROVED",
          body: "",
          submittedAt: "2026-01-02T11:00:00Z",
          createdAt: "2026-01-02T11:00:00Z",
          author: userNode(`r${i}`),
          commit: { oid: HEAD },
          authorCanPushToRepository: true,
        })),
      ),
    }),
  }));
  const { facts } = await readPullRequest(octokit(), TARGET, { appSlug: "agent-policy" });
  expect(requests).toHaveLength(1);

  scope
    .get("/repos/acme/app/pulls/7/files")
    .query({ per_page: "100" })
    .reply(
      200,
      hundred.map((i) => ({
        filename: `src/f${i}.ts`,
        status: "modified",
        additions: 3,
        deletions: 1,
        patch: "@@ -1 +1 @@\n+x",
      })),
    );
  const patched = await fetchPatches(octokit(), TARGET, facts);
  expect(requests).toHaveLength(2);
  expect(patched.counts.files).toEqual({ reported: 100, fetched: 100 });
  expect(patched.gaps).toEqual([]);
});
