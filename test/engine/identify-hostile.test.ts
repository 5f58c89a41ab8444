import { describe, expect, it } from "vitest";
import { identify } from "../../src/engine/identify.js";
import type { Commit, PrFacts } from "../../src/facts/model.js";
import type { SafePattern } from "../../src/policy/model.js";
import { bot, commit, facts, user } from "../support/facts.js";
import { testPolicy } from "../support/policy.js";

const policy = testPolicy();

describe("identify: spoofing", () => {
  it("a User account named like a catalogued App is not the App", () => {
    for (const login of ["copilot-swe-agent", "Copilot", "claude", "dependabot"]) {
      const id = identify(policy, facts({ author: user(login) }));
      expect(id.kind, login).toBe("human");
      expect(id.agents, login).toEqual([]);
    }
  });

  it("a human whose commit claims an agent's email makes the PR an agent PR (claims only raise scrutiny)", () => {
    const forged = commit({
      author: {
        name: "copilot-swe-agent[bot]",
        email: "198982749+Copilot@users.noreply.github.com",
        login: null,
      },
    });
    const id = identify(policy, facts({ author: user("mallory"), commits: [forged] }));
    expect(id.kind).toBe("agent");
    expect(id.assisted).toBe(false);
    expect(id.requesters.map((r) => r.login)).toEqual(["mallory"]);
  });

  it("a catalogued agent author stays an agent with every marker stripped", () => {
    const id = identify(
      policy,
      facts({ author: bot("devin-ai-integration[bot]"), body: "", commits: [commit()] }),
    );
    expect(id.kind).toBe("agent");
    expect(id.weak).toEqual([]);
  });

  it("reads no requester footer from a human's own PR body", () => {
    const id = identify(policy, facts({ body: "Requested by: @bob\nstarted by @carol" }));
    expect(id.requesters).toEqual([]);
  });

  it("names only humans as requesters: not bots, agents or malformed logins", () => {
    const body = [
      "started by @renovate[bot]",
      "requested by @openhands-agent",
      `requested by @${"a".repeat(40)}`,
      "triggered by @-dash",
      "started by @ok-user.",
    ].join("\n");
    const id = identify(policy, facts({ author: bot("codegen-sh[bot]"), body }));
    expect(id.requesters.map((r) => r.login)).toEqual(["ok-user"]);
  });

  it("ignores a work-started event by a bot and assignees of a PR Copilot did not author", () => {
    const id = identify(
      policy,
      facts({
        timeline: [
          { kind: "copilot_work_started", actor: bot("github-actions[bot]"), at: "t" },
          { kind: "copilot_work_started", actor: null, at: "t" },
          { kind: "assigned", actor: user("alice"), assignee: user("bob"), at: "t" },
        ],
      }),
    );
    expect(id.requesters).toEqual([]);
  });

  it("keeps co-authors of a non-Copilot commit as contributors, not requesters", () => {
    const id = identify(
      policy,
      facts({
        commits: [
          commit({
            message:
              "x\n\nCo-authored-by: Bob <17+Bob@users.noreply.github.com>\nSigned-off-by: Eve <eve@example.com>",
            coAuthors: [{ name: "Carol", email: "carol@example.com", login: "Carol" }],
          }),
        ],
      }),
    );
    expect(id.requesters).toEqual([]);
    expect(id.contributors).toEqual(["alice", "carol", "bob"]);
  });

  it("keeps untrusted text from breaking out of inline code in evidence", () => {
    const id = identify(
      policy,
      facts({ head: { ref: "codex/`](http://evil)`", sha: "e".repeat(40), repoFullName: "acme/app" } }),
    );
    expect(id.weak[0]?.detail).toBe(
      "head branch `codex/'](http://evil)'` has the OpenAI Codex (cloud) branch prefix `codex/`",
    );
  });
});

describe("identify: hostile and malformed input", () => {
  it("finds the footer at the end of a 100 KB body and bounds how many names it reads", () => {
    const body = `${"lorem ipsum ".repeat(9000)}\n*PR created automatically by Jules for task [1](https://jules.google.com/task/1) started by @zoe*`;
    expect(body.length).toBeGreaterThan(100_000);
    const id = identify(policy, facts({ author: bot("google-labs-jules[bot]"), body }));
    expect(id.requesters.map((r) => r.login)).toEqual(["zoe"]);

    const flood = Array.from({ length: 5000 }, (_, i) => `started by @user${i}`).join("\n");
    const flooded = identify(policy, facts({ author: bot("codegen-sh[bot]"), body: flood }));
    expect(flooded.requesters.length).toBeLessThanOrEqual(40);
    expect(flooded.requesters.length).toBeGreaterThan(0);
  });

  it("handles a commit with 10k trailers", () => {
    const message = `Huge\n\n${Array.from({ length: 10_000 }, (_, i) => `Co-authored-by: U${i} <${i}+u${i}@users.noreply.github.com>`).join("\n")}\nCo-Authored-By: Claude <noreply@anthropic.com>`;
    const id = identify(policy, facts({ commits: [commit({ message })] }));
    expect(id.kind).toBe("agent");
    expect(id.weak).toHaveLength(1);
    expect(id.contributors.length).toBeGreaterThan(100);
    expect(id.contributors.length).toBeLessThanOrEqual(1001);
  });

  it("fails closed on a malformed author and never throws on malformed parts", () => {
    const broken = facts({
      author: null as unknown as PrFacts["author"],
      body: 42 as unknown as string,
      head: {} as PrFacts["head"],
      commits: [
        {
          sha: null,
          message: null,
          author: null,
          committer: { login: 7 },
          coAuthors: null,
        } as unknown as Commit,
      ],
      timeline: [
        { kind: "assigned", actor: null, assignee: null, at: "t" } as unknown as PrFacts["timeline"][number],
      ],
    });
    const id = identify(policy, broken);
    expect(id.kind).toBe("agent");
    expect(id.author).toBe("(unknown)");
    expect(id.strong[0]?.detail).toContain("missing or malformed");
  });

  it("counts a configured body pattern that throws as a match", () => {
    const throwing: SafePattern = {
      source: "boom",
      test: () => {
        throw new Error("engine failure");
      },
    };
    const id = identify(
      testPolicy({ agents: { markers: { bodyPatterns: [throwing] } } }),
      facts({ body: "x" }),
    );
    expect(id.kind).toBe("agent");
    expect(id.weak[0]?.detail).toContain("could not be evaluated");
  });

  it("summarises 250 agent commits in one evidence line per signal", () => {
    const commits = Array.from({ length: 250 }, (_, i) =>
      commit({
        sha: i.toString(16).padStart(40, "0"),
        author: { name: "Cursor Agent", email: "cursoragent@cursor.com", login: null },
        message: `Step ${i}\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>`,
      }),
    );
    const id = identify(policy, facts({ commits }));
    expect(id.strong).toHaveLength(1);
    expect(id.strong[0]?.detail).toMatch(/\(and 249 more commits\)$/);
    expect(id.weak).toHaveLength(1);
    expect(id.weak[0]?.detail).toMatch(/\(and 249 more commits\)$/);
  });
});
