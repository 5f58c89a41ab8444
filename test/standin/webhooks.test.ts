import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "@octokit/webhooks-methods";
import { createNodeMiddleware, Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  payloads,
  type StandIn,
  scenarios,
  sendWebhook,
  signWebhook,
  startStandIn,
} from "../../tools/github-standin/index.js";
import { TestOctokit } from "./support.js";

const SECRET = "stand-in-test-secret";

describe("signWebhook", () => {
  it("produces the sha256 signature GitHub's verifier accepts, and only for that body", async () => {
    const body = JSON.stringify({ action: "opened", number: 1 });
    const signature = signWebhook(SECRET, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verify(SECRET, body, signature)).toBe(true);
    expect(await verify(SECRET, `${body} `, signature)).toBe(false);
    expect(await verify("other-secret", body, signature)).toBe(false);
  });
});

describe("a Probot app behind a real HTTP server, against the stand-in", () => {
  let standIn: StandIn;
  let server: Server;
  let webhookUrl: string;
  const seen: string[] = [];

  beforeAll(async () => {
    standIn = await startStandIn();
    const app = (probot: Probot) => {
      probot.on("pull_request.opened", async (context) => {
        seen.push(`${context.name}.${context.payload.action}`);
        const pr = context.payload.pull_request;
        const files = await context.octokit.rest.pulls.listFiles(context.pullRequest());
        await context.octokit.rest.checks.create(
          context.repo({
            name: "agent-policy",
            head_sha: pr.head.sha,
            conclusion: "failure",
            output: { title: "Blocked", summary: files.data.map((f) => f.filename).join(", ") },
          }),
        );
      });
    };
    const probot = new Probot({
      appId: standIn.appId,
      privateKey: standIn.privateKey ?? "",
      secret: SECRET,
      baseUrl: standIn.baseUrl,
      Octokit: TestOctokit,
      logLevel: "fatal",
    });
    const middleware = await createNodeMiddleware(app, { probot });
    server = createServer((req, res) => {
      Promise.resolve(middleware(req, res)).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await standIn.close();
  });

  it("delivers a signed event; the app reads the PR and writes its check run to the stand-in", async () => {
    const scenario = scenarios.workflowAndSecret(standIn.store);
    const event = scenario.event();
    const response = await sendWebhook({ url: webhookUrl, secret: SECRET, ...event });
    expect(response.status).toBe(200);
    expect(seen).toEqual(["pull_request.opened"]);
    const [run] = standIn.store.ownCheckRuns();
    expect(run).toMatchObject({
      name: "agent-policy",
      headSha: standIn.store.pull(scenario.repo, scenario.number).head.sha,
      conclusion: "failure",
      output: { summary: ".github/workflows/ci.yml, config/prod.env" },
    });
  });

  it("is refused by Probot when the signature is made with another secret", async () => {
    const scenario = scenarios.claudeCodeDocs(standIn.store);
    const response = await sendWebhook({ url: webhookUrl, secret: "wrong", ...scenario.event() });
    expect(response.status).toBe(400);
  });
});

describe("payload builders", () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIn();
  });
  afterAll(() => standIn.close());

  it("renders pull_request.labeled from the store with installation, sender type and label", () => {
    const scenario = scenarios.devinAutomerge(standIn.store);
    const payload = payloads.pullRequest(
      standIn.store,
      scenario.repo,
      scenario.number,
      "labeled",
      "devin-ai-integration[bot]",
      {
        label: "automerge",
      },
    );
    const pr = standIn.store.pull(scenario.repo, scenario.number);
    expect(payload).toMatchObject({
      action: "labeled",
      number: pr.number,
      label: { name: "automerge" },
      sender: { login: "devin-ai-integration[bot]", type: "Bot" },
      installation: { id: standIn.store.repo(scenario.repo).installationId },
      organization: { login: "acme" },
      repository: { full_name: scenario.repo },
      pull_request: {
        head: { sha: pr.head.sha, repo: { full_name: scenario.repo } },
        labels: [{ name: "automerge" }],
        auto_merge: { enabled_by: { login: "devin-ai-integration[bot]" } },
      },
    });
    expect(JSON.stringify(payload)).not.toContain("Codertocat");
  });

  it("renders reviews lowercase, comments with changes, check runs with their suite and PRs, statuses and pushes", () => {
    const { store } = standIn;
    const scenario = scenarios.dependabotBump(store);
    const pr = store.pull(scenario.repo, scenario.number);
    const review = pr.reviews[0];
    expect(payloads.pullRequestReview(store, scenario.repo, pr.number, review?.id ?? 0)).toMatchObject({
      action: "submitted",
      review: { state: "approved", user: { login: "bob" }, commit_id: pr.head.sha },
      sender: { login: "bob" },
    });
    const comment = store.addComment(pr, { author: "bob", body: "/merge" });
    store.editComment(comment, "/lgtm", "bob");
    expect(
      payloads.issueComment(store, scenario.repo, pr.number, comment.id, "edited", "bob", "/merge"),
    ).toMatchObject({
      changes: { body: { from: "/merge" } },
      comment: { body: "/lgtm" },
      issue: { number: pr.number, pull_request: { url: expect.stringContaining(`/pulls/${pr.number}`) } },
    });
    const run = store.checkRunsFor(scenario.repo, pr.head.sha)[0];
    expect(
      payloads.checkRun(store, scenario.repo, run?.id ?? 0, "completed", "github-actions[bot]"),
    ).toMatchObject({
      check_run: {
        name: "test",
        conclusion: "success",
        app: { slug: "github-actions" },
        check_suite: { head_sha: pr.head.sha, conclusion: "success" },
        pull_requests: [{ number: pr.number }],
      },
    });
    const status = store.addStatus({
      repo: scenario.repo,
      sha: pr.head.sha,
      context: "ci",
      state: "success",
      creator: "bob",
    });
    expect(payloads.status(store, scenario.repo, status.id)).toMatchObject({
      sha: pr.head.sha,
      context: "ci",
      sender: { login: "bob" },
    });
    const pushed = store.commitToBranch(scenario.repo, {
      files: { ".github/agent-policy.yml": "version: 1\n" },
      message: "policy",
      author: "dave",
    });
    expect(payloads.push(store, pushed, "dave")).toMatchObject({
      ref: "refs/heads/main",
      after: pushed.after,
      head_commit: { added: [".github/agent-policy.yml"] },
    });
  });
});
