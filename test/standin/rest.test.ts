import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PullRequestRecord,
  type Repo,
  type StandIn,
  startStandIn,
} from "../../tools/github-standin/index.js";
import { type Client, installationClient, installationToken } from "./support.js";

let standIn: StandIn;
let repo: Repo;
let gh: Client;

beforeAll(async () => {
  standIn = await startStandIn();
  repo = standIn.store.addRepo({
    owner: "acme",
    name: "web",
    files: { ".github/agent-policy.yml": "version: 1\n", "docs/a.md": "a\n", "docs/b.md": "b\n" },
    collaborators: { maya: "maintain", tom: "triage" },
  });
  standIn.store.addUser({ login: "stranger" });
  gh = await installationClient(standIn, repo.installationId ?? 0);
});
afterAll(() => standIn.close());

function prWithFiles(count: number): PullRequestRecord {
  return standIn.store.addPullRequest(repo.fullName, {
    title: `${count} files`,
    author: "alice",
    head: `many-${count}`,
    files: Array.from({ length: count }, (_, i) => ({
      filename: `src/f${i}.ts`,
      patch: "@@ -0,0 +1 @@\n+x",
    })),
  });
}

const owner = "acme";
const name = "web";

describe("pull requests", () => {
  it("renders the PR like GitHub: user type, head sha and repo, auto_merge", async () => {
    standIn.store.addUser({ login: "renovate[bot]", id: 29139614 });
    const pr = standIn.store.addPullRequest(repo.fullName, {
      title: "Update deps",
      author: "renovate[bot]",
      head: "renovate/all",
    });
    pr.autoMerge = { enabledBy: "renovate[bot]", enabledAt: "2025-06-02T10:00:00Z", mergeMethod: "SQUASH" };
    const { data } = await gh.rest.pulls.get({ owner, repo: name, pull_number: pr.number });
    expect(data.user).toMatchObject({ login: "renovate[bot]", id: 29139614, type: "Bot" });
    expect(data.head).toMatchObject({
      ref: "renovate/all",
      sha: pr.head.sha,
      repo: { full_name: "acme/web" },
    });
    expect(data.base.sha).toBe(repo.branches.get("main")?.oid);
    expect(data.auto_merge).toMatchObject({ enabled_by: { login: "renovate[bot]" }, merge_method: "squash" });
    expect(data.commits).toBe(1);
  });

  it("paginates files 30 per page by default with GitHub's link header", async () => {
    const pr = prWithFiles(75);
    const first = await gh.rest.pulls.listFiles({ owner, repo: name, pull_number: pr.number });
    expect(first.data).toHaveLength(30);
    const base = `${standIn.baseUrl}/repositories/${repo.id}/pulls/${pr.number}/files`;
    expect(first.headers.link).toBe(`<${base}?page=2>; rel="next", <${base}?page=3>; rel="last"`);
    const middle = await gh.rest.pulls.listFiles({
      owner,
      repo: name,
      pull_number: pr.number,
      per_page: 30,
      page: 2,
    });
    expect(middle.headers.link).toBe(
      `<${base}?per_page=30&page=1>; rel="prev", <${base}?per_page=30&page=3>; rel="next", <${base}?per_page=30&page=3>; rel="last", <${base}?per_page=30&page=1>; rel="first"`,
    );
    const all = await gh.paginate(gh.rest.pulls.listFiles, {
      owner,
      repo: name,
      pull_number: pr.number,
      per_page: 100,
    });
    expect(all.map((f) => f.filename)).toEqual(pr.files.map((f) => f.filename));
  });

  it("caps per_page at 100", async () => {
    const pr = prWithFiles(150);
    const page = await gh.rest.pulls.listFiles({ owner, repo: name, pull_number: pr.number, per_page: 500 });
    expect(page.data).toHaveLength(100);
  });

  it("never lists more than 3000 files, while changed_files tells the truth", async () => {
    const pr = prWithFiles(3105);
    const all = await gh.paginate(gh.rest.pulls.listFiles, {
      owner,
      repo: name,
      pull_number: pr.number,
      per_page: 100,
    });
    expect(all).toHaveLength(3000);
    const { data } = await gh.rest.pulls.get({ owner, repo: name, pull_number: pr.number });
    expect(data.changed_files).toBe(3105);
  });

  it("never lists more than 250 commits", async () => {
    const pr = standIn.store.addPullRequest(repo.fullName, {
      title: "long",
      author: "alice",
      head: "long",
      commits: Array.from({ length: 260 }, (_, i) => ({ message: `c${i}`, author: "alice" })),
    });
    const all = await gh.paginate(gh.rest.pulls.listCommits, {
      owner,
      repo: name,
      pull_number: pr.number,
      per_page: 100,
    });
    expect(all).toHaveLength(250);
    expect(all[0]?.author?.login).toBe("alice");
  });

  it("lists reviews in REST's uppercase states, and the PRs of a commit", async () => {
    const pr = standIn.store.addPullRequest(repo.fullName, { title: "r", author: "alice", head: "r" });
    standIn.store.addReview(pr, { author: "bob", state: "APPROVED" });
    const reviews = await gh.rest.pulls.listReviews({ owner, repo: name, pull_number: pr.number });
    expect(reviews.data[0]).toMatchObject({
      state: "APPROVED",
      user: { login: "bob" },
      commit_id: pr.head.sha,
    });
    const pulls = await gh.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo: name,
      commit_sha: pr.head.sha,
    });
    expect(pulls.data.map((p) => p.number)).toEqual([pr.number]);
  });
});

describe("contents", () => {
  it("returns the raw text for the raw media type, also for a URL-encoded path", async () => {
    const raw = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo: name,
      path: ".github/agent-policy.yml",
      mediaType: { format: "raw" },
    });
    expect(raw.data).toBe("version: 1\n");
    const encoded = await fetch(`${standIn.baseUrl}/repos/acme/web/contents/.github%2Fagent-policy.yml`, {
      headers: {
        authorization: `token ${await installationToken(standIn, repo.installationId ?? 0)}`,
        accept: "application/vnd.github.raw",
      },
    });
    expect(await encoded.text()).toBe("version: 1\n");
  });

  it("returns JSON with base64 content by default, and 404 Not Found when absent", async () => {
    const { data } = await gh.rest.repos.getContent({ owner, repo: name, path: ".github/agent-policy.yml" });
    const file = data as { type: string; encoding: string; content: string; sha: string };
    expect(file.type).toBe("file");
    expect(Buffer.from(file.content, "base64").toString()).toBe("version: 1\n");
    // the id git gives this blob
    expect(file.sha).toBe(createHash("sha1").update("blob 11\0version: 1\n").digest("hex"));
    await expect(gh.rest.repos.getContent({ owner, repo: name, path: "nope.yml" })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Not Found" } },
    });
  });

  it("reads a branch named by ref and lists a directory", async () => {
    standIn.store.commitToBranch(repo.fullName, {
      branch: "feature",
      files: { "new.txt": "hi\n" },
      message: "add",
      author: "alice",
    });
    const atBranch = await gh.rest.repos.getContent({ owner, repo: name, path: "new.txt", ref: "feature" });
    expect(Buffer.from((atBranch.data as { content: string }).content, "base64").toString()).toBe("hi\n");
    await expect(gh.rest.repos.getContent({ owner, repo: name, path: "new.txt" })).rejects.toMatchObject({
      status: 404,
    });
    const dir = await gh.rest.repos.getContent({ owner, repo: name, path: "docs" });
    expect((dir.data as { name: string }[]).map((e) => e.name)).toEqual(["a.md", "b.md"]);
  });
});

describe("check runs", () => {
  let pr: PullRequestRecord;
  beforeAll(() => {
    pr = standIn.store.addPullRequest(repo.fullName, { title: "checks", author: "alice", head: "checks" });
  });

  it("creates a check run owned by the installation's app and links it to the PR", async () => {
    const created = await gh.rest.checks.create({
      owner,
      repo: name,
      name: "agent-policy",
      head_sha: pr.head.sha,
      status: "in_progress",
      external_id: String(pr.number),
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: "agent-policy",
      status: "in_progress",
      conclusion: null,
      app: { id: 1 },
    });
    expect(created.data.pull_requests.map((p) => p.number)).toEqual([pr.number]);
    const updated = await gh.rest.checks.update({
      owner,
      repo: name,
      check_run_id: created.data.id,
      conclusion: "action_required",
      output: { title: "Needs approval", summary: "One more approval", annotations: [annotation()] },
      actions: [{ label: "Re-evaluate", description: "Evaluate again", identifier: "reevaluate" }],
    });
    expect(updated.data).toMatchObject({
      status: "completed",
      conclusion: "action_required",
      output: { annotations_count: 1 },
    });
    await gh.rest.checks.update({
      owner,
      repo: name,
      check_run_id: created.data.id,
      output: { summary: "s", annotations: [annotation()] },
    });
    const stored = standIn.store.checkRuns.find((r) => r.id === created.data.id);
    expect(stored?.output.annotations).toHaveLength(2);
    const listed = await gh.rest.checks.listForRef({
      owner,
      repo: name,
      ref: pr.head.sha,
      check_name: "agent-policy",
    });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]?.id).toBe(created.data.id);
    const rerequest = await gh.rest.checks.rerequestRun({ owner, repo: name, check_run_id: created.data.id });
    expect(rerequest.status).toBe(201);
    expect(stored?.rerequested).toBe(1);
  });

  const annotation = () => ({
    path: "src/a.ts",
    start_line: 1,
    end_line: 1,
    annotation_level: "failure" as const,
    message: "m",
  });

  const rejected = async (body: Record<string, unknown>, message: RegExp) => {
    const response = gh.request("POST /repos/{owner}/{repo}/check-runs", {
      owner,
      repo: name,
      head_sha: pr.head.sha,
      name: "x",
      ...body,
    });
    await expect(response).rejects.toMatchObject({ status: 422, message: expect.stringMatching(message) });
  };

  it("rejects what GitHub rejects with 422", async () => {
    await rejected({ status: "completed" }, /"conclusion" wasn't supplied/);
    await rejected({ conclusion: "stale" }, /conclusion/);
    await rejected(
      { output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, annotation) } },
      /No more than 50 items/,
    );
    await rejected({ output: { title: "t", summary: "x".repeat(65536) } }, /65535/);
    await rejected({ output: { summary: "s" } }, /"title" wasn't supplied/);
    await rejected(
      { actions: Array.from({ length: 4 }, () => ({ label: "l", description: "d", identifier: "i" })) },
      /No more than 3/,
    );
    await rejected(
      { actions: [{ label: "a label that is far too long", description: "d", identifier: "i" }] },
      /20 characters/,
    );
    await rejected(
      { output: { title: "t", summary: "s", annotations: [{ path: "a", start_line: 1 }] } },
      /weren't supplied/,
    );
    await rejected({ head_sha: "0".repeat(40) }, /No commit found/);
  });

  it("does not let one app update another app's check run", async () => {
    const ci = standIn.store.addApp({ id: 15368, slug: "github-actions" });
    const run = standIn.store.addCheckRun({
      repo: repo.fullName,
      headSha: pr.head.sha,
      name: "test",
      app: ci.id,
      conclusion: "success",
    });
    await expect(
      gh.rest.checks.update({ owner, repo: name, check_run_id: run.id, conclusion: "failure" }),
    ).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe("labels, comments, statuses", () => {
  it("removes a label with a timeline entry by the app's bot, and 404s when the label is absent", async () => {
    const pr = standIn.store.addPullRequest(repo.fullName, {
      title: "l",
      author: "alice",
      head: "l",
      labels: ["automerge"],
    });
    await gh.rest.issues.removeLabel({ owner, repo: name, issue_number: pr.number, name: "automerge" });
    expect(pr.labels).toEqual([]);
    expect(pr.timeline.at(-1)).toMatchObject({
      kind: "unlabeled",
      actor: "agent-policy[bot]",
      label: "automerge",
      viaAppId: 1,
    });
    await expect(
      gh.rest.issues.removeLabel({ owner, repo: name, issue_number: pr.number, name: "automerge" }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Label does not exist" } },
    });
    const timeline = await gh.rest.issues.listEventsForTimeline({
      owner,
      repo: name,
      issue_number: pr.number,
    });
    expect(timeline.data.at(-1)).toMatchObject({
      event: "unlabeled",
      performed_via_github_app: { slug: "agent-policy" },
    });
  });

  it("creates and edits a comment as the app", async () => {
    const pr = standIn.store.addPullRequest(repo.fullName, { title: "c", author: "alice", head: "c" });
    const created = await gh.rest.issues.createComment({
      owner,
      repo: name,
      issue_number: pr.number,
      body: "first",
    });
    expect(created.data).toMatchObject({ body: "first", user: { login: "agent-policy[bot]", type: "Bot" } });
    await gh.rest.issues.updateComment({ owner, repo: name, comment_id: created.data.id, body: "second" });
    expect(pr.comments[0]).toMatchObject({ body: "second", editor: "agent-policy[bot]" });
    const listed = await gh.rest.issues.listComments({ owner, repo: name, issue_number: pr.number });
    expect(listed.data.map((c) => c.body)).toEqual(["second"]);
  });

  it("combines statuses per context, latest wins", async () => {
    const pr = standIn.store.addPullRequest(repo.fullName, { title: "s", author: "alice", head: "s" });
    standIn.store.addStatus({
      repo: repo.fullName,
      sha: pr.head.sha,
      context: "ci",
      state: "pending",
      creator: "alice",
    });
    await gh.rest.repos.createCommitStatus({
      owner,
      repo: name,
      sha: pr.head.sha,
      state: "success",
      context: "ci",
    });
    const combined = await gh.rest.repos.getCombinedStatusForRef({ owner, repo: name, ref: pr.head.sha });
    expect(combined.data).toMatchObject({ state: "success", total_count: 1 });
    const all = await gh.rest.repos.listCommitStatusesForRef({ owner, repo: name, ref: pr.head.sha });
    expect(all.data.map((s) => [s.state, s.creator?.login])).toEqual([
      ["success", "agent-policy[bot]"],
      ["pending", "alice"],
    ]);
  });
});

describe("people", () => {
  it("reports collaborator permission with GitHub's legacy mapping and role name", async () => {
    const maya = await gh.rest.repos.getCollaboratorPermissionLevel({ owner, repo: name, username: "maya" });
    expect(maya.data).toMatchObject({
      permission: "write",
      role_name: "maintain",
      user: { permissions: { maintain: true, admin: false } },
    });
    const tom = await gh.rest.repos.getCollaboratorPermissionLevel({ owner, repo: name, username: "tom" });
    expect(tom.data).toMatchObject({ permission: "read", role_name: "triage" });
    const stranger = await gh.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo: name,
      username: "stranger",
    });
    expect(stranger.data).toMatchObject({ permission: "none" });
    await expect(
      gh.rest.repos.getCollaboratorPermissionLevel({ owner, repo: name, username: "ghost-user" }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("answers team membership with 404 for non-members", async () => {
    standIn.store.addTeam({ org: "acme", slug: "security", members: ["carol"] });
    const carol = await gh.rest.teams.getMembershipForUserInOrg({
      org: "acme",
      team_slug: "security",
      username: "carol",
    });
    expect(carol.data).toMatchObject({ state: "active", role: "member" });
    await expect(
      gh.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "security", username: "bob" }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("answers unknown routes with GitHub's 404 JSON and logs every request", async () => {
    standIn.requests.reset();
    await expect(
      gh.request("GET /repos/{owner}/{repo}/frobnicate", { owner, repo: name }),
    ).rejects.toMatchObject({ status: 404 });
    expect(standIn.requests.entries).toEqual([
      expect.objectContaining({
        method: "GET",
        path: "/api/v3/repos/acme/web/frobnicate",
        status: 404,
        route: null,
      }),
    ]);
  });
});
