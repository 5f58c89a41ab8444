import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate, lookupsNeeded, wholeFilesNeeded } from "../../src/engine/evaluate.js";
import type { Actor, PrFacts, Review } from "../../src/facts/model.js";
import { defaultPolicy, loadPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/model.js";
import { bot, commit, facts, file, HEAD, review, user } from "../support/facts.js";

const policy = defaultPolicy();

async function policyFrom(text: string): Promise<Policy> {
  const loaded = await loadPolicy({ text, source: "test.yml" });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.policy;
}

const COPILOT: Actor = { login: "Copilot", type: "Bot", id: 198982749 };
const copilotCommit = commit({
  author: {
    name: "copilot-swe-agent[bot]",
    email: "198982749+Copilot@users.noreply.github.com",
    login: "Copilot",
  },
  committer: {
    name: "copilot-swe-agent[bot]",
    email: "198982749+Copilot@users.noreply.github.com",
    login: "Copilot",
  },
});
const copilotPr = (extra: Partial<PrFacts> = {}) =>
  facts({
    author: COPILOT,
    head: { ref: "copilot/fix", sha: HEAD, repoFullName: "acme/app" },
    commits: [copilotCommit],
    timeline: [{ kind: "copilot_work_started", actor: user("alice"), at: "2026-01-01T00:00:00Z" }],
    ...extra,
  });

describe("evaluate with the built-in default policy", () => {
  it("asks for one independent human approval on an agent PR", () => {
    const d = evaluate(policy, copilotPr());
    expect(d.verdict).toBe("action_required");
    expect(d.identity.kind).toBe("agent");
    expect(d.title).toMatch(/1 more independent human approval/);
    expect(d.nextSteps.join("\n")).toMatch(/not the author or the requester/);
  });

  it("passes an agent PR once an independent writer approves the head commit", () => {
    const d = evaluate(policy, copilotPr({ reviews: [review("bob")] }));
    expect(d.verdict).toBe("success");
    expect(d.reviews).toEqual([expect.objectContaining({ reviewer: "bob", counted: true })]);
  });

  it("never counts the requester, and says why", () => {
    const d = evaluate(policy, copilotPr({ reviews: [review("alice")] }));
    expect(d.verdict).toBe("action_required");
    expect(d.reviews[0]).toMatchObject({
      reviewer: "alice",
      counted: false,
      reason: expect.stringMatching(/requester/),
    });
  });

  it("does not count an approval of an older commit", () => {
    const d = evaluate(policy, copilotPr({ reviews: [review("bob", { commitSha: "9".repeat(40) })] }));
    expect(d.verdict).toBe("action_required");
    expect(d.reviews[0]?.reason).toMatch(/older commit/);
  });

  it("does not count a reviewer without write permission", () => {
    const d = evaluate(policy, copilotPr({ reviews: [review("mallory", { authorCanPush: false })] }));
    expect(d.verdict).toBe("action_required");
    expect(d.rules[0]?.approvals.notCounted[0]).toMatchObject({
      login: "mallory",
      reason: "write permission unknown",
    });
  });

  it("uses only the latest opinion of each reviewer: changes requested after an approval blocks", () => {
    const d = evaluate(
      policy,
      copilotPr({
        reviews: [
          review("bob"),
          review("bob", { id: "r2", state: "CHANGES_REQUESTED", submittedAt: "2026-01-03T00:00:00Z" }),
        ],
      }),
    );
    expect(d.verdict).toBe("action_required");
    expect(d.blocking[0]).toMatch(/bob requested changes/);
  });

  it("keeps an approval when the same reviewer later only comments", () => {
    const d = evaluate(
      policy,
      copilotPr({
        reviews: [
          review("bob"),
          review("bob", { id: "r2", state: "COMMENTED", submittedAt: "2026-01-03T00:00:00Z" }),
        ],
      }),
    );
    expect(d.verdict).toBe("success");
  });

  it("requires two approvals when an agent touches auth, and lists the category with its file", () => {
    const d = evaluate(policy, copilotPr({ files: [file("src/auth/session.ts")], reviews: [review("bob")] }));
    expect(d.verdict).toBe("action_required");
    expect(d.categories).toContainEqual({ name: "auth", files: ["src/auth/session.ts"] });
  });

  it("classifies a renamed file under its old path too", () => {
    const d = evaluate(
      policy,
      copilotPr({ files: [file("src/misc/x.ts", { previousPath: "src/auth/x.ts", status: "renamed" })] }),
    );
    expect(d.categories.map((c) => c.name)).toContain("auth");
  });

  it("requires nothing of a plain human PR", () => {
    const d = evaluate(policy, facts());
    expect(d.verdict).toBe("success");
    expect(d.identity.kind).toBe("human");
  });

  it("fails closed when GitHub listed fewer files than the PR has", () => {
    const f = copilotPr({ reviews: [review("bob")] });
    f.counts.files = { reported: 3500, fetched: 3000 };
    const d = evaluate(policy, f);
    expect(d.verdict).toBe("failure");
    expect(d.errors[0]).toMatch(/3000 of 3500 changed files.*3,000/);
  });

  it("fails closed when the head moved while facts were read", () => {
    const d = evaluate(policy, copilotPr({ commits: [{ ...copilotCommit, sha: "a".repeat(40) }] }));
    expect(d.verdict).toBe("failure");
    expect(d.errors[0]).toMatch(/branch moved/);
  });

  it("reports a forged `agent-policy` status", () => {
    const d = evaluate(
      policy,
      facts({ statuses: [{ context: "agent-policy", state: "success", creator: user("mallory") }] }),
    );
    expect(d.verdict).toBe("failure");
    expect(d.violations[0]).toMatchObject({ kind: "spoofed_check", actor: "mallory" });
  });

  it("requires an admin when an agent edits governance files, and the requester cannot give it", () => {
    const f = copilotPr({
      files: [file(".github/agent-policy.yml")],
      reviews: [review("alice"), review("bob")],
      people: { alice: { permission: "admin" }, bob: { permission: "write" } },
    });
    const d = evaluate(policy, f);
    expect(d.verdict).toBe("action_required");
    const guard = d.rules.find((r) => r.name.startsWith("governance"));
    expect(guard?.approvals.counted).toEqual([]);
    expect(guard?.approvals.notCounted).toContainEqual({
      login: "bob",
      reason: expect.stringMatching(/admin/),
    });
  });
});

describe("evaluate with configured rules", () => {
  it("pins a required check to its app and reports a same-named check from elsewhere as spoofed", async () => {
    const p = await policyFrom(
      "rules:\n  - name: scan\n    require:\n      checks: [{ name: CodeQL, app: github-actions }]\n",
    );
    const d = evaluate(
      p,
      facts({
        checkRuns: [{ name: "CodeQL", status: "completed", conclusion: "success", app: { slug: "evil" } }],
      }),
    );
    expect(d.verdict).toBe("failure");
    expect(d.rules[0]?.checks[0]?.state).toBe("spoofed");
    expect(d.violations.map((v) => v.kind)).toEqual(["spoofed_check"]);
  });

  it("waits (in_progress) while a required check is still running", async () => {
    const p = await policyFrom("rules:\n  - name: ci\n    require:\n      checks: [test]\n");
    const d = evaluate(
      p,
      facts({
        checkRuns: [
          { name: "test", status: "in_progress", conclusion: null, app: { slug: "github-actions" } },
        ],
      }),
    );
    expect(d.verdict).toBe("in_progress");
  });

  it("does not accept neutral or skipped as success", async () => {
    const p = await policyFrom("rules:\n  - name: ci\n    require:\n      checks: [test]\n");
    for (const conclusion of ["neutral", "skipped"] as const) {
      const d = evaluate(
        p,
        facts({
          checkRuns: [{ name: "test", status: "completed", conclusion, app: { slug: "github-actions" } }],
        }),
      );
      expect(d.verdict).toBe("failure");
    }
  });

  it("lets a re-run supersede an earlier failure of the same check", async () => {
    const p = await policyFrom("rules:\n  - name: ci\n    require:\n      checks: [test]\n");
    const app = { slug: "github-actions" };
    const d = evaluate(
      p,
      facts({
        checkRuns: [
          { name: "test", status: "completed", conclusion: "failure", app },
          { name: "test", status: "completed", conclusion: "success", app },
        ],
      }),
    );
    expect(d.verdict).toBe("success");
  });

  it("counts only the newest run of a check: a re-run still queued or running is pending, never its earlier success", async () => {
    const unpinned = await policyFrom("rules:\n  - name: ci\n    require:\n      checks: [test]\n");
    const pinned = await policyFrom(
      "rules:\n  - name: ci\n    require:\n      checks: [{ name: test, app: github-actions }]\n",
    );
    const app = { slug: "github-actions" };
    for (const status of ["queued", "in_progress", "requested", "waiting", "pending"] as const) {
      for (const p of [unpinned, pinned]) {
        const d = evaluate(
          p,
          facts({
            checkRuns: [
              { name: "test", status: "completed", conclusion: "success", app },
              { name: "test", status, conclusion: null, app },
            ],
          }),
        );
        expect(d.verdict, status).toBe("in_progress");
        expect(d.rules[0]?.checks[0]?.state, status).toBe("pending");
      }
    }
  });

  it("matches rules by AND across keys and OR within a key", async () => {
    const p = await policyFrom(
      "rules:\n  - name: docs-by-agents\n    if: { author: [agent], paths: ['docs/**', '*.md'] }\n    require: { approvals: 2 }\n",
    );
    expect(evaluate(p, copilotPr({ files: [file("README.md")] })).rules.map((r) => r.name)).toContain(
      "docs-by-agents",
    );
    expect(evaluate(p, copilotPr({ files: [file("src/a.ts")] })).rules.map((r) => r.name)).not.toContain(
      "docs-by-agents",
    );
    expect(evaluate(p, facts({ files: [file("README.md")] })).rules.map((r) => r.name)).not.toContain(
      "docs-by-agents",
    );
  });

  it("counts an approval only from the rule's `from`", async () => {
    const p = await policyFrom(
      "rules:\n  - name: sec\n    require:\n      approvals: 1\n      from: { teams: [acme/security] }\n",
    );
    const f = facts({
      reviews: [review("bob"), review("sue")],
      people: { sue: { permission: "write", teams: { "acme/security": true } } },
    });
    const d = evaluate(p, f);
    expect(d.rules[0]?.approvals.counted).toEqual(["sue"]);
    expect(d.verdict).toBe("success");
  });
});

describe("properties", () => {
  const automation: Actor[] = [
    bot("dependabot[bot]"),
    bot("github-actions[bot]"),
    COPILOT,
    bot("devin-ai-integration[bot]"),
    bot("coderabbitai[bot]"),
  ];
  const reviewArb = fc.record({
    who: fc.constantFrom<Actor>(COPILOT, user("alice"), ...automation),
    state: fc.constantFrom<Review["state"]>("APPROVED", "COMMENTED", "CHANGES_REQUESTED"),
    onHead: fc.boolean(),
    minute: fc.integer({ min: 0, max: 59 }),
  });

  it("never counts a bot, an agent, the author or the requester as an approval", () => {
    fc.assert(
      fc.property(fc.array(reviewArb, { maxLength: 12 }), (specs) => {
        const reviews = specs.map((s, i) =>
          review(s.who.login, {
            id: `r${i}`,
            author: s.who,
            state: s.state,
            commitSha: s.onHead ? HEAD : "9".repeat(40),
            submittedAt: `2026-01-02T00:${String(s.minute).padStart(2, "0")}:00Z`,
          }),
        );
        const d = evaluate(policy, copilotPr({ reviews, people: { alice: { permission: "admin" } } }));
        for (const r of d.rules) expect(r.approvals.counted).toEqual([]);
        expect(d.reviews.filter((r) => r.counted)).toEqual([]);
        expect(d.verdict).not.toBe("success");
      }),
      { numRuns: 200 },
    );
  });

  const RANK = { success: 0, in_progress: 1, action_required: 2, failure: 3 } as const;
  const pathArb = fc.constantFrom(
    "src/a.ts",
    "src/auth/login.ts",
    ".github/workflows/ci.yml",
    "infra/main.tf",
    "package.json",
    "docs/x.md",
    "CLAUDE.md",
    ".env",
    "CODEOWNERS",
  );

  it("never lowers what a PR requires when files or commits are added", () => {
    fc.assert(
      fc.property(
        fc.array(pathArb, { minLength: 1, maxLength: 4 }),
        fc.array(pathArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.constantFrom("bob", "carol", "alice"), { maxLength: 3 }),
        (paths, extra, agentCommit, approvers) => {
          const reviews = [...new Set(approvers)].map((l) => review(l));
          const base = facts({ files: paths.map((p) => file(p)), reviews });
          const grown = facts({
            files: [...paths, ...extra].map((p) => file(p)),
            commits: [
              agentCommit
                ? commit({
                    sha: "c".repeat(40),
                    author: { name: "Claude", email: "noreply@anthropic.com", login: null },
                  })
                : commit({
                    sha: "c".repeat(40),
                    author: { name: "Carol", email: "carol@acme.dev", login: "carol" },
                  }),
              ...base.commits,
            ],
            reviews,
          });
          const a = evaluate(policy, base);
          const b = evaluate(policy, grown);
          expect(RANK[b.verdict]).toBeGreaterThanOrEqual(RANK[a.verdict]);
          const required = (d: typeof a) =>
            Object.fromEntries(d.rules.map((r) => [r.name, r.approvals.required]));
          for (const [name, n] of Object.entries(required(a)))
            expect(required(b)[name] ?? -1).toBeGreaterThanOrEqual(n);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the explanation comment", () => {
  const devin = bot("devin-ai-integration[bot]");
  const labeledByAgent = {
    author: devin,
    labels: ["automerge"],
    timeline: [
      {
        kind: "labeled" as const,
        label: "automerge",
        actor: devin,
        viaApp: null,
        at: "2026-01-01T00:01:00Z",
      },
    ],
  };

  it("is planned while a violation is open, when the policy asks for comments", async () => {
    const p = await policyFrom("promotion:\n  actions: [fail, revert, comment]\n");
    expect(evaluate(p, facts(labeledByAgent)).actions).toContainEqual({
      kind: "comment",
      because: "1 promotion-chain violation to explain on the pull request",
    });
    expect(evaluate(policy, facts(labeledByAgent)).actions.map((a) => a.kind)).not.toContain("comment");
  });

  it("stays planned once the violation cleared, so the comment is updated rather than left stale", async () => {
    const p = await policyFrom("promotion:\n  actions: [fail, revert, comment]\n");
    const d = evaluate(
      p,
      facts({
        ...labeledByAgent,
        reviews: [review("bob", { submittedAt: "2026-01-01T00:05:00Z" })],
        people: { bob: { permission: "write" } },
      }),
    );
    expect(d.violations).toEqual([]);
    expect(d.actions).toEqual([
      { kind: "comment", because: "1 promotion-chain violation cleared since the last explanation" },
    ]);
  });
});

describe("hardening against bypasses", () => {
  it("treats a deleted (ghost) or mannequin account as untrusted, never as a human", () => {
    const ghost: Actor = { login: "ghost", type: "Unknown" };
    const d = evaluate(
      policy,
      facts({
        comments: [
          {
            id: "1",
            author: ghost,
            body: "/merge",
            createdAt: "2026-01-01T00:00:00Z",
            lastEditedAt: null,
            editor: null,
            viaApp: null,
          },
        ],
      }),
    );
    expect(d.verdict).toBe("failure");
    expect(d.violations[0]?.kind).toBe("command_comment");
  });

  it("looks up only what it needs: a typical reviewer with push access needs no REST call", () => {
    expect(lookupsNeeded(policy, facts({ reviews: [review("bob")] })).logins).toEqual([]);
    expect(
      lookupsNeeded(policy, facts({ reviews: [review("bob", { authorCanPush: undefined })] })).logins,
    ).toEqual(["bob"]);
    expect(
      lookupsNeeded(policy, copilotPr({ files: [file("CLAUDE.md")], reviews: [review("bob")] })).logins,
    ).toEqual(["bob"]);
    // Governance by content (package.json's `renovate` key) needs an admin too, so bob's permission is read.
    const renovate = file("package.json", {
      patch: '@@ -1,2 +1,3 @@\n {\n+  "renovate": { "automerge": true },\n   "name": "app"',
    });
    expect(lookupsNeeded(policy, copilotPr({ files: [renovate], reviews: [review("bob")] })).logins).toEqual([
      "bob",
    ]);
  });

  it("looks up the humans behind promotion steps, not behind ordinary labels", () => {
    const step = (label: string) => ({
      kind: "labeled" as const,
      label,
      actor: user("carol"),
      viaApp: null,
      at: "2026-01-01T00:00:00Z",
    });
    expect(lookupsNeeded(policy, facts({ timeline: [step("bug")] })).logins).toEqual([]);
    expect(lookupsNeeded(policy, facts({ timeline: [step("automerge")] })).logins).toEqual(["carol"]);
  });
});

describe("wholeFilesNeeded", () => {
  it("asks for every changed workflow, and for package.json only where the governance guard applies", () => {
    const files = [
      file(".github/workflows/ci.yml"),
      file("package.json"),
      file("src/a.ts"),
      file(".github/workflows/gone.yml", { status: "removed" }),
      file(".github/workflows/huge.yml", { patch: null }),
    ];
    const policy = defaultPolicy();
    expect(wholeFilesNeeded(policy, facts({ files }))).toEqual([".github/workflows/ci.yml"]);
    expect(wholeFilesNeeded(policy, copilotPr({ files }))).toEqual([
      ".github/workflows/ci.yml",
      "package.json",
    ]);
    expect(wholeFilesNeeded(policy, facts({ files: [file("src/a.ts")] }))).toEqual([]);
  });
});
