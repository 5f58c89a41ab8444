import { describe, expect, it } from "vitest";
import type { Decision } from "../../src/engine/decision.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { defaultPolicy } from "../../src/policy/index.js";
import { fingerprint, MAX_FIELD, renderDecision, renderFailure } from "../../src/report/render.js";
import { facts, file, HEAD, review, user } from "../support/facts.js";

// Built at run time so no credential-shaped literal sits in the repository.
const AWS_KEY = `AKIA${"QX7RZ2LMN4PB5K3T"}`;
const GH_TOKEN = `ghp_${"a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}`;

const copilot = { login: "Copilot", type: "Bot" as const };

describe("renderDecision", () => {
  it("leads with the verdict and the next step, then who made the PR and who asked", () => {
    const d = evaluate(
      defaultPolicy(),
      facts({
        author: copilot,
        files: [file("src/auth/session.ts")],
        timeline: [{ kind: "copilot_work_started", actor: user("alice"), at: "2026-01-01T00:00:00Z" }],
        reviews: [review("alice"), review("bob")],
      }),
    );
    const out = renderDecision(d);
    expect(out.status).toBe("completed");
    expect(out.conclusion).toBe("action_required");
    expect(out.title).toMatch(/Needs 1 more independent human approval/);
    const [first, , nextHeading] = out.summary.split("\n");
    expect(first).toBe("✋ **Action required** — 1 of 2 rules met");
    expect(nextHeading).toBe("### Next steps");
    expect(out.summary).toMatch(/\*\*Requested by:\*\* @alice/);
    expect(out.summary).toMatch(
      /@alice \| approved \| ❌ does not count \| asked the agent for this work \(requester\)/,
    );
    expect(out.summary).toMatch(/\| auth \| `src\/auth\/session.ts` \|/);
    expect(out.annotations).toContainEqual(
      expect.objectContaining({ path: "src/auth/session.ts", annotation_level: "notice" }),
    );
  });

  it("annotates a secret on its line without ever printing it", () => {
    const d = evaluate(
      defaultPolicy(),
      facts({
        files: [file("config/prod.ts", { patch: `@@ -1,1 +1,2 @@\n context\n+const key = "${AWS_KEY}";` })],
        comments: [
          {
            id: "1",
            author: user("eve"),
            body: `/deploy ${GH_TOKEN}`,
            createdAt: "2026-01-01T00:00:00Z",
            lastEditedAt: null,
            editor: null,
            viaApp: null,
          },
        ],
      }),
    );
    const out = renderDecision(d);
    expect(out.conclusion).toBe("failure");
    const secretNote = out.annotations.find((a) => a.annotation_level === "failure");
    expect(secretNote).toMatchObject({ path: "config/prod.ts", start_line: 2 });
    const everything = JSON.stringify(out);
    expect(everything).not.toContain(AWS_KEY);
    expect(everything).not.toContain(AWS_KEY.slice(4));
    expect(everything).not.toContain(GH_TOKEN.slice(4, 20));
  });

  it("puts in_progress verdicts in progress with no conclusion", () => {
    const d: Decision = {
      ...evaluate(defaultPolicy(), facts()),
      verdict: "in_progress",
      title: "Waiting for required checks",
    };
    expect(renderDecision(d)).toMatchObject({ status: "in_progress", conclusion: null });
  });

  it("escapes PR-controlled text so it cannot inject markup or break tables", () => {
    const d = evaluate(
      defaultPolicy(),
      facts({
        files: [file("docs/<img src=x onerror=alert(1)>|pwn.md")],
        author: { login: "devin-ai-integration[bot]", type: "Bot" },
      }),
    );
    const out = renderDecision(d);
    expect(out.summary).not.toContain("<img");
  });

  it("stays within GitHub's limits on a huge PR", () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      file(`src/auth/very/long/path/segment/number/${i}/${"x".repeat(80)}.ts`),
    );
    const reviews = Array.from({ length: 100 }, (_, i) =>
      review(`reviewer-${i}`, { commitSha: i % 2 ? HEAD : "0".repeat(40) }),
    );
    const out = renderDecision(evaluate(defaultPolicy(), facts({ author: copilot, files: many, reviews })));
    expect(out.summary.length).toBeLessThanOrEqual(MAX_FIELD);
    expect(out.title.length).toBeLessThanOrEqual(255);
    expect(out.annotations.length).toBeLessThanOrEqual(500);
    expect(out.summary).toMatch(/… and \d+ more/);
  });

  it("gives equal outputs equal fingerprints and different outputs different ones", () => {
    const a = renderDecision(evaluate(defaultPolicy(), facts()));
    const b = renderDecision(evaluate(defaultPolicy(), facts()));
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).not.toBe(fingerprint({ ...a, title: "changed" }));
  });
});

describe("renderFailure", () => {
  it("fails closed with the reasons", () => {
    const out = renderFailure("Invalid agent-policy configuration", [
      "acme/app:.github/agent-policy.yml:3:5: unknown key `rulez`",
    ]);
    expect(out).toMatchObject({
      status: "completed",
      conclusion: "failure",
      title: "Invalid agent-policy configuration",
    });
    expect(out.summary).toContain("agent-policy.yml:3:5: unknown key `rulez`");
  });
});

describe("escaping", () => {
  it("defuses links in PR text but keeps code spans readable", () => {
    const d = evaluate(
      defaultPolicy(),
      facts({
        author: { login: "devin-ai-integration[bot]", type: "Bot" },
        files: [file("src/auth/[click](https://evil.example).ts")],
      }),
    );
    const out = renderDecision(d);
    // Outside code spans the link is broken; inside one, markdown is inert anyway.
    expect(out.summary.replace(/`[^`]*`/g, "")).not.toContain("](https://evil.example)");
    expect(out.summary).toContain("]\\(https://evil.example)");
    expect(out.summary).toContain("`devin-ai-integration[bot]`");
  });
});
