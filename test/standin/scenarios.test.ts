import { createProbot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Scenario,
  type StandIn,
  Store,
  scenarios,
  startStandIn,
} from "../../tools/github-standin/index.js";
import { type Client, installationClient } from "./support.js";

let standIn: StandIn;
let seeded: Scenario[];

beforeAll(async () => {
  standIn = await startStandIn();
  seeded = scenarios.seedAllScenarios(standIn.store);
});
afterAll(() => standIn.close());

const byKey = (key: string) => {
  const found = seeded.find((s) => s.key === key);
  if (!found) throw new Error(`no scenario ${key}`);
  return found;
};

async function clientFor(scenario: Scenario): Promise<Client> {
  return installationClient(standIn, standIn.store.repo(scenario.repo).installationId ?? 0);
}

describe("seeded scenarios", () => {
  it("seeds five PRs in their own repositories, each with a trigger event about that PR", () => {
    expect(seeded.map((s) => s.key)).toEqual([
      "copilot-auth",
      "claude-docs",
      "dependabot-bump",
      "devin-automerge",
      "workflow-secret",
    ]);
    expect(new Set(seeded.map((s) => s.repo)).size).toBe(5);
    for (const scenario of seeded) {
      const { name, payload } = scenario.event();
      const subject = (payload.pull_request ?? payload.check_run) as Record<string, unknown>;
      expect(subject, `${scenario.key} ${name}`).toBeDefined();
      expect(payload.repository).toMatchObject({ full_name: scenario.repo });
      expect(payload.installation).toMatchObject({ id: standIn.store.repo(scenario.repo).installationId });
    }
  });

  it("Copilot: the requester shows in copilot_work_started and as co-author; both approvals are on the head", async () => {
    const scenario = byKey("copilot-auth");
    const gh = await clientFor(scenario);
    const [owner = "", repo = ""] = scenario.repo.split("/");
    const pr = await gh.rest.pulls.get({ owner, repo, pull_number: scenario.number });
    expect(pr.data.user).toMatchObject({ login: "Copilot", type: "Bot", id: 198982749 });
    expect(pr.data.head.ref).toMatch(/^copilot\//);
    const timeline = await gh.rest.issues.listEventsForTimeline({
      owner,
      repo,
      issue_number: scenario.number,
    });
    expect(timeline.data.find((e) => e.event === "copilot_work_started")).toMatchObject({
      actor: { login: "alice" },
    });
    const commits = await gh.rest.pulls.listCommits({ owner, repo, pull_number: scenario.number });
    expect(commits.data.at(-1)?.commit.author).toMatchObject({
      email: "198982749+Copilot@users.noreply.github.com",
    });
    expect(commits.data.at(-1)?.commit.message).toMatch(/Co-authored-by: alice </);
    const reviews = await gh.rest.pulls.listReviews({ owner, repo, pull_number: scenario.number });
    expect(reviews.data.map((r) => [r.user?.login, r.state, r.commit_id])).toEqual([
      ["alice", "APPROVED", pr.data.head.sha],
      ["bob", "APPROVED", pr.data.head.sha],
    ]);
  });

  it("Devin: the agent added automerge and enabled auto-merge through its app", async () => {
    const scenario = byKey("devin-automerge");
    const gh = await clientFor(scenario);
    const [owner = "", repo = ""] = scenario.repo.split("/");
    const timeline = await gh.rest.issues.listEventsForTimeline({
      owner,
      repo,
      issue_number: scenario.number,
    });
    expect(timeline.data.filter((e) => e.event === "labeled" || e.event === "auto_merge_enabled")).toEqual([
      expect.objectContaining({
        event: "labeled",
        actor: expect.objectContaining({ login: "devin-ai-integration[bot]" }),
      }),
      expect.objectContaining({
        event: "auto_merge_enabled",
        performed_via_github_app: expect.objectContaining({ slug: "devin-ai-integration" }),
      }),
    ]);
    const pr = await gh.rest.pulls.get({ owner, repo, pull_number: scenario.number });
    expect(pr.data.auto_merge?.enabled_by?.login).toBe("devin-ai-integration[bot]");
  });

  it("Dependabot: CI `test` by GitHub Actions succeeded on the head", async () => {
    const scenario = byKey("dependabot-bump");
    const gh = await clientFor(scenario);
    const [owner = "", repo = ""] = scenario.repo.split("/");
    const pr = await gh.rest.pulls.get({ owner, repo, pull_number: scenario.number });
    const runs = await gh.rest.checks.listForRef({ owner, repo, ref: pr.data.head.sha, check_name: "test" });
    expect(runs.data.check_runs[0]).toMatchObject({
      conclusion: "success",
      app: { slug: "github-actions", id: 15368 },
    });
  });

  it("workflow + secret: the head holds pull_request_target with a head checkout and a freshly generated AWS key", async () => {
    const scenario = byKey("workflow-secret");
    const gh = await clientFor(scenario);
    const [owner = "", repo = ""] = scenario.repo.split("/");
    const pr = await gh.rest.pulls.get({ owner, repo, pull_number: scenario.number });
    const workflow = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo,
      path: ".github/workflows/ci.yml",
      ref: pr.data.head.sha,
      mediaType: { format: "raw" },
    });
    expect(String(workflow.data)).toMatch(
      /pull_request_target:[\s\S]*ref: \$\{\{ github\.event\.pull_request\.head\.sha \}\}/,
    );
    const files = await gh.rest.pulls.listFiles({ owner, repo, pull_number: scenario.number });
    const env = files.data.find((f) => f.filename === "config/prod.env")?.patch ?? "";
    const key = /AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})/.exec(env)?.[1];
    expect(key).toBeDefined();
    const again = scenarios.workflowAndSecret(new Store());
    expect(JSON.stringify(again.event().payload)).not.toContain(key);
  });

  it("works through Probot's own GHE_HOST / GHE_PROTOCOL configuration", async () => {
    const scenario = byKey("claude-docs");
    const probot = createProbot({
      env: {
        APP_ID: String(standIn.appId),
        PRIVATE_KEY: standIn.privateKey ?? "",
        WEBHOOK_SECRET: "secret",
        GHE_HOST: standIn.host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "fatal",
      },
    });
    const gh = await probot.auth(standIn.store.repo(scenario.repo).installationId ?? 0);
    const [owner = "", repo = ""] = scenario.repo.split("/");
    const { data } = await gh.rest.pulls.get({ owner, repo, pull_number: scenario.number });
    expect(data.body).toContain("Generated with [Claude Code]");
    const answer = await gh.graphql<{ repository: { nameWithOwner: string } }>(
      `query($owner: String!, $repo: String!) { repository(owner: $owner, name: $repo) { nameWithOwner } }`,
      { owner, repo },
    );
    expect(answer.repository.nameWithOwner).toBe(scenario.repo);
    expect(standIn.requests.entries.at(-1)).toMatchObject({ path: "/api/graphql", status: 200 });
  });
});
