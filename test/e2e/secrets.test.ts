/**
 * The server as `npm start` runs it (its own process, configured only by environment variables, logging
 * everything at trace level) gates a PR that commits an AWS key: the check fails, and the key appears
 * nowhere the app writes — check run, comment, audit records or logs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForIdle } from "../../demo/harness.js";
import {
  payloads,
  type Scenario,
  type StandIn,
  scenarios,
  sendWebhook,
  startStandIn,
} from "../../tools/github-standin/index.js";

const SECRET = randomBytes(16).toString("hex");

let standIn: StandIn;
let server: ChildProcess;
let output = "";
let exitCode: number | null = null;
let jules: Scenario;

/** Resolves with the server's URL once it logs that it listens. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  standIn = await startStandIn();
  jules = scenarios.workflowAndSecret(standIn.store);
  // Explain promotion blocks on the PR too, so a comment is written and can be searched.
  standIn.store.commitToBranch(jules.repo, {
    files: { ".github/agent-policy.yml": "version: 1\npromotion:\n  actions: [fail, revert, comment]\n" },
    message: "Explain promotion blocks on the PR",
    author: "dave",
  });
  const pr = standIn.store.pull(jules.repo, jules.number);
  standIn.store.addTimelineEvent(pr, {
    kind: "labeled",
    actor: "google-labs-jules[bot]",
    label: "automerge",
    viaAppId: scenarios.JULES_APP_ID,
  });
  pr.labels.push("automerge");

  server = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: {
      PATH: process.env.PATH,
      APP_ID: String(standIn.appId),
      PRIVATE_KEY: standIn.privateKey,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: standIn.host,
      GHE_PROTOCOL: "http",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "trace",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  server.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const url = await listening(server);
  for (const event of [
    jules.event(),
    {
      name: "pull_request",
      payload: payloads.pullRequest(
        standIn.store,
        jules.repo,
        jules.number,
        "labeled",
        "google-labs-jules[bot]",
        {
          label: "automerge",
        },
      ),
    },
  ]) {
    expect((await sendWebhook({ url: `${url}/api/github/webhooks`, secret: SECRET, ...event })).status).toBe(
      200,
    );
  }
  await waitForIdle(url, 30_000);
  const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
  server.kill("SIGTERM");
  exitCode = await exited;
}, 45_000);

afterAll(async () => {
  if (server?.exitCode === null) server.kill("SIGKILL");
  await standIn?.close();
});

describe("a committed AWS key, through the server process", () => {
  it("fails the check and annotates the key's lines", () => {
    const head = standIn.store.pull(jules.repo, jules.number).head.sha;
    const runs = standIn.store.ownCheckRuns().filter((r) => r.headSha === head);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.conclusion).toBe("failure");
    expect(runs[0]?.output.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "config/prod.env", start_line: 2, annotation_level: "failure" }),
        expect.objectContaining({ path: "config/prod.env", start_line: 3, annotation_level: "failure" }),
      ]),
    );
  });

  it("writes one comment, and logs its audit records and requests", () => {
    const comments = standIn.store.pull(jules.repo, jules.number).comments;
    expect(comments).toEqual([expect.objectContaining({ author: "agent-policy[bot]" })]);
    expect(output).toMatch(/"audit":"agent-policy"/);
    expect(output).toMatch(/"event":"decision"/);
    expect(output).toMatch(
      /GitHub request: POST http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/acme\/infra\/check-runs - 201/,
    );
  });

  it("never repeats the key: not in the check run, the comment, the audit records or the logs", () => {
    const patch = standIn.store.pull(jules.repo, jules.number).files[1]?.patch ?? "";
    const keyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(patch)?.[1] as string;
    const secret = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(patch)?.[1] as string;
    expect(keyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(secret).toHaveLength(40);
    const comments = standIn.store.pull(jules.repo, jules.number).comments.map((c) => c.body);
    for (const written of [JSON.stringify(standIn.store.ownCheckRuns()), comments.join("\n"), output]) {
      expect(written).not.toContain(keyId);
      expect(written).not.toContain(keyId.slice(4));
      expect(written).not.toContain(secret);
      expect(written).not.toContain(secret.slice(0, 16));
      expect(written).not.toContain(secret.slice(-16));
    }
  });

  it("finishes its work and exits 0 on SIGTERM", () => {
    expect(exitCode).toBe(0);
    expect(output).toMatch(/SIGTERM received, finishing running evaluations/);
  });
});
