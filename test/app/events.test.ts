import { describe, expect, it } from "vitest";
import { callbackRun, intentsFor, mergeGroupPr } from "../../src/app/events.js";
import { example, HEAD, OWNER, pullRequestEvent, REPO } from "./support/payloads.js";

const OWN_APP = 123;
const where = { installation: 1, owner: OWNER, repo: REPO };

describe("intentsFor", () => {
  it("evaluates the PR of a pull_request event, with its head and link as hints", () => {
    expect(intentsFor("pull_request", "opened", pullRequestEvent("opened"), OWN_APP)).toEqual([
      {
        kind: "evaluate",
        where,
        target: { owner: OWNER, repo: REPO, number: 2 },
        hint: { headSha: HEAD, htmlUrl: `https://github.com/${OWNER}/${REPO}/pull/2` },
      },
    ]);
  });

  it("evaluates the PR of a review", () => {
    const [intent] = intentsFor(
      "pull_request_review",
      "submitted",
      example("pull_request_review", "submitted"),
      OWN_APP,
    );
    expect(intent).toMatchObject({ kind: "evaluate", target: { number: 2 } });
  });

  it("evaluates comments on PRs and ignores comments on issues", () => {
    const onIssue = example("issue_comment", "created");
    expect(intentsFor("issue_comment", "created", onIssue, OWN_APP)[0]?.kind).toBe("ignore");
    const onPr = structuredClone(onIssue);
    onPr.issue.pull_request = { html_url: `https://github.com/${OWNER}/${REPO}/pull/${onPr.issue.number}` };
    expect(intentsFor("issue_comment", "created", onPr, OWN_APP)[0]).toMatchObject({
      kind: "evaluate",
      target: { number: onPr.issue.number },
    });
  });

  it("ignores this app's own comments (explanations, override answers), which would otherwise loop", () => {
    const ours = example("issue_comment", "created");
    ours.issue.pull_request = { html_url: `https://github.com/${OWNER}/${REPO}/pull/${ours.issue.number}` };
    ours.comment.performed_via_github_app = { id: OWN_APP, slug: "agent-policy" };
    expect(intentsFor("issue_comment", "created", ours, OWN_APP)).toEqual([
      { kind: "ignore", reason: "our own comment" },
    ]);
  });

  it("answers no deployment callback that names another repository, a malformed escape or a run id too large", () => {
    const base = `https://api.github.com/repos/${OWNER}/${REPO}/actions/runs`;
    expect(callbackRun(`${base}/42/deployment_protection_rule`, where)).toBe(42);
    expect(
      callbackRun(
        `https://api.github.com/repos/${OWNER}/%E0%A4%A/actions/runs/42/deployment_protection_rule`,
        where,
      ),
    ).toBeNull();
    expect(
      callbackRun(
        `https://api.github.com/repos/${OWNER}/other/actions/runs/42/deployment_protection_rule`,
        where,
      ),
    ).toBeNull();
    expect(callbackRun(`${base}/9999999999999999/deployment_protection_rule`, where)).toBeNull();
    expect(callbackRun(`${base}/42/deployment_protection_rule/x`, where)).toBeNull();
  });

  it("ignores completed runs of our own app and follows other apps' runs to their PRs", () => {
    const run = example("check_run", "completed");
    run.check_run.app.id = OWN_APP;
    expect(intentsFor("check_run", "completed", run, OWN_APP)).toEqual([
      { kind: "ignore", reason: "our own check run" },
    ]);
    run.check_run.app.id = 15368;
    expect(intentsFor("check_run", "completed", run, OWN_APP)[0]).toMatchObject({
      kind: "evaluate",
      target: { number: 2 },
      hint: { headSha: run.check_run.head_sha },
    });
  });

  it("finds fork PRs by head SHA when the payload lists none", () => {
    const run = example("check_run", "completed");
    run.check_run.pull_requests = [];
    expect(intentsFor("check_run", "completed", run, OWN_APP)).toEqual([
      { kind: "evaluate_by_sha", where: { ...where, installation: 1 }, sha: run.check_run.head_sha },
    ]);
  });

  it("does not follow PRs of other repositories listed in a check payload", () => {
    const run = example("check_run", "completed");
    run.check_run.pull_requests[0].base.repo.id = 999;
    expect(intentsFor("check_run", "completed", run, OWN_APP)[0]?.kind).toBe("evaluate_by_sha");
  });

  it("re-evaluates our own rerequested run via its external id, and the PRs of another app's re-run", () => {
    const run = example("check_run", "rerequested");
    run.repository.owner.login = OWNER;
    run.repository.name = REPO;
    run.check_run.external_id = `${OWNER}/${REPO}#7`;
    run.check_run.app.id = OWN_APP;
    expect(intentsFor("check_run", "rerequested", run, OWN_APP)[0]).toMatchObject({
      kind: "evaluate",
      target: { number: 7 },
    });
    // A required check re-run is pending again: its PRs must stop showing the earlier success.
    run.check_run.app.id = 2;
    expect(intentsFor("check_run", "rerequested", run, OWN_APP)[0]?.kind).not.toBe("ignore");
  });

  it("evaluates the PRs of another app's newly created run, and ignores our own", () => {
    const run = example("check_run", "created");
    run.check_run.app.id = 15368;
    expect(intentsFor("check_run", "created", run, OWN_APP)[0]).toMatchObject({
      kind: expect.stringMatching(/^evaluate/),
    });
    run.check_run.app.id = OWN_APP;
    expect(intentsFor("check_run", "created", run, OWN_APP)[0]?.kind).toBe("ignore");
  });

  it("turns a Re-evaluate click into a permission-checked re-evaluation, and ignores other buttons", () => {
    const run = example("check_run", "requested_action");
    run.check_run.app.id = OWN_APP;
    run.check_run.external_id = `${run.repository.owner.login}/${run.repository.name}#26764`;
    run.requested_action = { identifier: "reevaluate" };
    expect(intentsFor("check_run", "requested_action", run, OWN_APP)[0]).toMatchObject({
      kind: "reevaluate_if_writer",
      target: { number: 26764 },
      sender: run.sender.login,
    });
    run.requested_action = { identifier: "lgtm" };
    expect(intentsFor("check_run", "requested_action", run, OWN_APP)[0]?.kind).toBe("ignore");
  });

  it("does not trust an external id that names another repository", () => {
    const run = example("check_run", "rerequested");
    run.check_run.app.id = OWN_APP;
    run.check_run.external_id = "evil/other#1";
    expect(intentsFor("check_run", "rerequested", run, OWN_APP)[0]?.kind).toBe("evaluate_by_sha");
  });

  it("ignores our own check suite and follows others", () => {
    const suite = example("check_suite", "completed");
    suite.check_suite.app.id = OWN_APP;
    expect(intentsFor("check_suite", "completed", suite, OWN_APP)[0]?.kind).toBe("ignore");
    suite.check_suite.app.id = 1;
    expect(intentsFor("check_suite", "completed", suite, OWN_APP).every((i) => i.kind !== "ignore")).toBe(
      true,
    );
  });

  it("looks up PRs of a status's commit", () => {
    const status = example("status");
    expect(intentsFor("status", undefined, status, OWN_APP)[0]).toMatchObject({
      kind: "evaluate_by_sha",
      sha: status.sha,
    });
  });

  it("reads the PR number of a merge group from its ref, and fails closed on a ref it cannot parse", () => {
    const group = example("merge_group", "checks_requested");
    expect(intentsFor("merge_group", "checks_requested", group, OWN_APP)[0]).toMatchObject({
      kind: "merge_group",
      number: 104,
      groupSha: group.merge_group.head_sha,
      problem: null,
    });
    group.merge_group.head_ref = "refs/heads/something-else";
    expect(intentsFor("merge_group", "checks_requested", group, OWN_APP)[0]).toMatchObject({
      kind: "merge_group",
      number: null,
      problem: expect.stringContaining("refs/heads/something-else"),
    });
    expect(mergeGroupPr(`refs/heads/gh-readonly-queue/release/2.x/pr-9-${"a".repeat(40)}`)).toBe(9);
  });

  it("reports a default-branch push with the paths it changed, and whether it changed the policy or cannot tell", () => {
    const push = example("push");
    push.ref = `refs/heads/${push.repository.default_branch}`;
    push.forced = false;
    push.deleted = false;
    push.commits = [{ added: [], modified: ["README.md"], removed: [] }];
    expect(intentsFor("push", undefined, push, OWN_APP)[0]).toMatchObject({
      kind: "default_branch_push",
      touched: ["README.md"],
      policyChanged: null,
    });
    push.commits.push({ added: [".github/base.yml"], modified: [".github/agent-policy.yml"], removed: [] });
    expect(intentsFor("push", undefined, push, OWN_APP)[0]).toMatchObject({
      kind: "default_branch_push",
      touched: ["README.md", ".github/base.yml", ".github/agent-policy.yml"],
      policyChanged: expect.stringContaining(".github/agent-policy.yml"),
    });
    push.commits = [{ added: [], modified: ["README.md"], removed: [] }];
    push.forced = true;
    expect(intentsFor("push", undefined, push, OWN_APP)[0]).toMatchObject({
      kind: "default_branch_push",
      policyChanged: expect.stringContaining("forced"),
    });
    push.ref = "refs/heads/feature";
    expect(intentsFor("push", undefined, push, OWN_APP)[0]?.kind).toBe("ignore");
  });

  it("turns malformed payloads into an ignore with the reason, never an exception", () => {
    for (const bad of [
      null,
      42,
      "x",
      {},
      { installation: { id: 1 } },
      { ...pullRequestEvent("opened"), pull_request: { number: "2" } },
    ]) {
      const [intent] = intentsFor("pull_request", "opened", bad, OWN_APP);
      expect(intent).toMatchObject({
        kind: "ignore",
        reason: expect.stringMatching(/^malformed pull_request payload/),
      });
    }
    const noInstallation = pullRequestEvent("opened");
    delete noInstallation.installation;
    expect(intentsFor("pull_request", "opened", noInstallation, OWN_APP)[0]).toMatchObject({
      kind: "ignore",
      reason: expect.stringContaining("installation"),
    });
  });
});
