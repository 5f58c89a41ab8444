/**
 * The deployment protection rule (issue 9), end to end: a workflow's deployment waits on this app,
 * which finds the PRs the commit came through, re-evaluates each on its merged head, and answers
 * the run's callback on the stand-in. Unapproved agent code, unknown environments, commits that no
 * PR brought, agents starting deployments and forged callbacks never get an approval.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gate, startGate } from "../../demo/harness.js";
import { type PullRequestRecord, payloads, type Repo, scenarios } from "../../tools/github-standin/index.js";

const DEVIN = "devin-ai-integration[bot]";
const POLICY = `version: 1
deployments:
  - environments: [production, "prod-*"]
`;

let gate: Gate;
let repo: Repo;
beforeAll(async () => {
  gate = await startGate();
  const { store } = gate.standIn;
  scenarios.addDevinApp(store);
  repo = store.addRepo({
    owner: "ship",
    name: "shop",
    files: { ".github/agent-policy.yml": POLICY, "src/cart.ts": "export {};\n" },
    collaborators: { bob: "write", maya: "admin" },
  });
}, 20_000);
afterAll(() => gate?.close());

/** Devin's PR changing a file, approved by bob on its head when `approved`, merged by maya. */
function mergedDevinPr(title: string, approved: boolean): { pr: PullRequestRecord; sha: string } {
  const { store } = gate.standIn;
  const pr = store.addPullRequest(repo.fullName, {
    title,
    author: DEVIN,
    head: `devin/${title.toLowerCase().replace(/\W+/g, "-")}`,
    files: [
      {
        filename: "src/cart.ts",
        status: "modified",
        patch: `@@ -1 +1 @@\n-export {};\n+export const v = "${title}";`,
      },
    ],
  });
  if (approved) store.addReview(pr, { author: "bob", state: "APPROVED", commitId: pr.head.sha });
  return { pr, sha: store.mergePull(pr, { by: "maya", method: "squash" }) };
}

/** Asks for a deployment of `sha` and returns the app's answer on the run (null: none). */
async function deploy(
  sha: string,
  environment = "production",
  creator = "maya",
  edit?: (p: Record<string, unknown>) => void,
) {
  const { store } = gate.standIn;
  const gateRequest = store.requestDeployment(repo.fullName, { environment, sha, ref: "main", creator });
  const payload = payloads.deploymentProtectionRule(store, gateRequest) as Record<string, unknown>;
  edit?.(payload);
  expect((await gate.deliver({ name: "deployment_protection_rule", payload })).status).toBe(200);
  await gate.settle();
  return { request: gateRequest.request, review: gateRequest.request.reviews.at(-1) ?? null };
}

describe("a deployment protection rule", () => {
  it("rejects a commit whose agent PR was merged without an independent approval, and says why in the log", async () => {
    const { sha } = mergedDevinPr("Unreviewed cart", false);
    const { request, review } = await deploy(sha);
    expect(request.state).toBe("rejected");
    expect(review?.comment).toMatch(/^agent-policy rejects deploying [0-9a-f]{7} to "production"/);
    expect(review?.comment).toMatch(/PR #\d+ \(Devin\) does not meet the policy on [0-9a-f]{7}: .*approval/);
    expect(review?.comment?.length).toBeLessThanOrEqual(1024);
    expect(gate.audit).toContainEqual(
      expect.objectContaining({
        event: "action",
        kind: "deployment_review",
        outcome: "done",
        reason: expect.stringMatching(/^rejected: /),
      }),
    );
  });

  it("approves a commit whose agent PR met the policy on the head that was merged", async () => {
    const { sha, pr } = mergedDevinPr("Reviewed cart", true);
    const { request, review } = await deploy(sha, "prod-eu");
    expect(request.state).toBe("approved");
    expect(review?.comment).toContain(`PR #${pr.number} (Devin) met the policy`);
  });

  it("never trusts an old green: an agent-policy check run from another App does not count", async () => {
    const { store } = gate.standIn;
    const { pr, sha } = mergedDevinPr("Forged green", false);
    const forger = store.addApp({ id: 990001, slug: "helpful-ci", name: "Helpful CI" });
    store.addCheckRun({
      repo: repo.fullName,
      headSha: pr.head.sha,
      name: "agent-policy",
      app: forger.id,
      status: "completed",
      conclusion: "success",
    });
    expect((await deploy(sha)).request.state).toBe("rejected");
  });

  it("rejects a deployment an agent started, even of approved code", async () => {
    const { sha } = mergedDevinPr("Approved, agent deploys", true);
    const { request, review } = await deploy(sha, "production", DEVIN);
    expect(request.state).toBe("rejected");
    expect(review?.comment).toMatch(
      /@devin-ai-integration\[bot\] is an AI agent; deployments to "production" may be started by a person only/,
    );
  });

  it("rejects an environment the policy does not name", async () => {
    const { sha } = mergedDevinPr("Staging only", true);
    const { request, review } = await deploy(sha, "staging");
    expect(request.state).toBe("rejected");
    expect(review?.comment).toMatch(
      /Environment "staging" is not named in the policy's `deployments` section/,
    );
  });

  it("rejects a commit no pull request brought (a direct push)", async () => {
    const push = gate.standIn.store.commitToBranch(repo.fullName, {
      files: { "src/cart.ts": "export const hot = 1;\n" },
      message: "hotfix straight to main",
      author: "maya",
    });
    const { request, review } = await deploy(push.after);
    expect(request.state).toBe("rejected");
    expect(review?.comment).toMatch(/No pull request brought commit [0-9a-f]{7}/);
  });

  it("answers nothing to a callback that names another repository or host, and approves nothing", async () => {
    const { sha } = mergedDevinPr("Forged callback", true);
    for (const url of [
      `${gate.standIn.baseUrl}/repos/ship/other/actions/runs/77/deployment_protection_rule`,
      "https://attacker.example/repos/ship/shop/actions/runs/77/deployment_protection_rule",
      "not a url",
    ]) {
      const before = gate.standIn.store.deploymentReviews.length;
      const { request } = await deploy(sha, "production", "maya", (p) => {
        p.deployment_callback_url = url;
      });
      expect(request.state).toBe("pending");
      expect(gate.standIn.store.deploymentReviews.length).toBe(before);
    }
    expect(gate.audit.filter((r) => r.kind === "deployment_review" && r.outcome === "failed")).toHaveLength(
      3,
    );
  });

  it("rejects an unreviewed agent merge that ships under a person's later merge, counted from the last successful deployment", async () => {
    const { store } = gate.standIn;
    const before = store.repo(repo.fullName).branches.get("main")?.oid ?? "";
    store.addDeployment(repo.fullName, {
      environment: "production",
      sha: before,
      ref: "main",
      creator: "maya",
    });
    const agent = mergedDevinPr("Sneaky cart", false);
    const person = store.addPullRequest(repo.fullName, {
      title: "Docs",
      author: "bob",
      head: "bob/docs",
      files: [{ filename: "README.md", status: "added", patch: "@@ -0,0 +1 @@\n+docs" }],
    });
    const sha = store.mergePull(person, { by: "maya", method: "squash" });
    const { request, review } = await deploy(sha);
    expect(request.state).toBe("rejected");
    expect(review?.comment).toContain(`PR #${agent.pr.number} (Devin) does not meet the policy`);

    // Once everything shipped is reviewed, the next deployment counts from the last good one.
    store.addDeployment(repo.fullName, { environment: "production", sha, ref: "main", creator: "maya" });
    const next = mergedDevinPr("Reviewed cart again", true);
    const ok = await deploy(next.sha);
    expect(ok.request.state).toBe("approved");
    expect(ok.review?.comment).toMatch(
      /every commit since the last successful deployment here \([0-9a-f]{7}\) came through a pull request/,
    );
  });
});
