import { describe, expect, it } from "vitest";
import { actorClass, identify } from "../../src/engine/identify.js";
import type { Actor, GitIdentity } from "../../src/facts/model.js";
import { bot, commit, facts, user } from "../support/facts.js";
import { pattern, testPolicy } from "../support/policy.js";

const policy = testPolicy();
const alice: GitIdentity = { name: "Alice", email: "alice@example.com", login: "alice" };
const copilotAuthor: Actor = { login: "Copilot", type: "Bot", id: 198982749 };
const copilotCommitter: GitIdentity = {
  name: "copilot-swe-agent[bot]",
  email: "198982749+Copilot@users.noreply.github.com",
  login: "Copilot",
};
const web: GitIdentity = { name: "GitHub", email: "noreply@github.com", login: "web-flow" };

describe("actorClass", () => {
  it("is unknown without an actor", () => {
    expect(actorClass(null, policy)).toBe("unknown");
  });

  it("classifies catalogued agents, AI reviewers and automation bots", () => {
    expect(actorClass(copilotAuthor, policy)).toBe("agent");
    expect(actorClass(bot("devin-ai-integration[bot]"), policy)).toBe("agent");
    expect(actorClass(bot("coderabbitai[bot]"), policy)).toBe("agent");
    expect(actorClass(bot("copilot-pull-request-reviewer[bot]"), policy)).toBe("agent");
    expect(actorClass(bot("dependabot[bot]"), policy)).toBe("bot");
    expect(actorClass(user("openhands-agent"), policy)).toBe("agent");
  });

  it("treats unknown Apps as bots and everyone else as human, case-insensitively", () => {
    expect(actorClass(bot("some-app[bot]"), policy)).toBe("bot");
    expect(actorClass(user("weird[BOT]"), policy)).toBe("bot");
    expect(actorClass(bot("some-app"), policy)).toBe("bot");
    expect(actorClass(user("alice"), policy)).toBe("human");
    expect(actorClass(user("RENOVATE[bot]"), policy)).toBe("bot");
  });

  it("lets a configured account win with its kind, and ignores the catalog when builtin is off", () => {
    const p = testPolicy({
      agents: {
        accounts: [
          { login: "acme-codegen[bot]", kind: "agent", owner: "@acme/platform" },
          { login: "Release-Robot", kind: "bot" },
          { login: "renovate[bot]", kind: "agent" },
        ],
      },
    });
    expect(actorClass(bot("acme-codegen[bot]"), p)).toBe("agent");
    expect(actorClass(user("release-robot"), p)).toBe("bot");
    expect(actorClass(bot("renovate[bot]"), p)).toBe("agent");
    const off = testPolicy({ agents: { builtin: false } });
    expect(actorClass(copilotAuthor, off)).toBe("bot");
    expect(actorClass(user("openhands-agent"), off)).toBe("human");
  });
});

describe("identify: agents under their own accounts", () => {
  it("Copilot coding agent: agent PR, requester from the timeline, co-author and assignee", () => {
    const id = identify(
      policy,
      facts({
        author: copilotAuthor,
        title: "[WIP] Fix the login redirect",
        draft: true,
        head: { ref: "copilot/fix-login-redirect", sha: "a".repeat(40), repoFullName: "acme/app" },
        commits: [
          commit({
            sha: "1a2b3c4d".padEnd(40, "0"),
            message: "Fix redirect\n\nCo-authored-by: bob <17+bob@users.noreply.github.com>",
            author: copilotCommitter,
            committer: web,
            coAuthors: [{ name: "bob", email: "17+bob@users.noreply.github.com", login: "bob" }],
            verified: true,
          }),
        ],
        timeline: [
          { kind: "assigned", actor: user("bob"), assignee: user("bob"), at: "2026-01-01T00:00:00Z" },
          { kind: "assigned", actor: user("bob"), assignee: bot("Copilot"), at: "2026-01-01T00:00:00Z" },
          { kind: "copilot_work_started", actor: user("bob"), at: "2026-01-01T00:00:01Z" },
        ],
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.assisted).toBe(false);
    expect(id.author).toBe("Copilot");
    expect(id.agents).toEqual([{ name: "GitHub Copilot coding agent", login: "Copilot", kind: "agent" }]);
    expect(id.strong[0]).toEqual({
      signal: "author account",
      detail: "author `Copilot` is GitHub Copilot coding agent (AI coding agent, account id 198982749)",
    });
    expect(id.strong.map((e) => e.signal)).toContain("commit author");
    expect(id.weak.map((e) => e.signal)).toContain("branch prefix");
    expect(id.requesters).toHaveLength(1);
    expect(id.requesters[0]?.login).toBe("bob");
    expect(id.requesters[0]?.evidence).toContain("copilot_work_started");
    expect(id.requesters[0]?.evidence).toContain("assigned to GitHub Copilot's PR");
    expect(id.requesters[0]?.evidence).toContain("co-author of GitHub Copilot coding agent's commit");
    expect(id.contributors).toEqual(["copilot", "web-flow", "bob"]);
  });

  it("Copilot invoked on a human PR: the work-started actor is a requester even without other evidence", () => {
    const id = identify(
      policy,
      facts({
        timeline: [{ kind: "copilot_work_started", actor: user("carol"), at: "2026-01-01T00:00:00Z" }],
      }),
    );
    expect(id.requesters.map((r) => r.login)).toEqual(["carol"]);
  });

  it("claude[bot] from claude-code-action: agent PR on a claude/ branch", () => {
    const claude: GitIdentity = {
      name: "claude[bot]",
      email: "209825114+claude[bot]@users.noreply.github.com",
      login: "claude[bot]",
    };
    const id = identify(
      policy,
      facts({
        author: { login: "claude[bot]", type: "Bot", id: 209825114 },
        head: { ref: "claude/issue-42-20260101-1200", sha: "b".repeat(40), repoFullName: "acme/app" },
        commits: [commit({ author: claude, committer: claude })],
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.agents).toEqual([
      { name: "Claude GitHub App (claude-code-action)", login: "claude[bot]", kind: "agent" },
    ]);
    expect(id.weak[0]?.detail).toBe(
      "head branch `claude/issue-42-20260101-1200` has the Claude GitHub App (claude-code-action) branch prefix `claude/`",
    );
  });

  it("Devin: agent PR and the requester from 'Requested by: @user'", () => {
    const id = identify(
      policy,
      facts({
        author: bot("devin-ai-integration[bot]"),
        body: "Adds retries.\n\nLink to Devin run: https://app.devin.ai/sessions/abc123\nRequested by: @mona\n",
        head: { ref: "devin/1735689600-add-retries", sha: "c".repeat(40), repoFullName: "acme/app" },
        commits: [
          commit({
            author: {
              name: "Devin AI",
              email: "158243242+devin-ai-integration[bot]@users.noreply.github.com",
              login: "devin-ai-integration[bot]",
            },
          }),
        ],
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.requesters).toEqual([
      { login: "mona", evidence: 'PR body says `Requested by: @mona` (Devin footer "Requested by: @user")' },
    ]);
    expect(id.weak.map((e) => e.detail)).toContain("PR body contains `app.devin.ai/sessions/` (Devin)");
  });

  it("Jules: agent PR and the requester from 'started by @user'", () => {
    const id = identify(
      policy,
      facts({
        author: bot("google-labs-jules[bot]"),
        head: { ref: "jules-1234567-abcdef", sha: "d".repeat(40), repoFullName: "acme/app" },
        body: "Fixes the parser.\n\n---\n*PR created automatically by Jules for task [987](https://jules.google.com/task/987) started by @octo-cat*",
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.requesters.map((r) => r.login)).toEqual(["octo-cat"]);
    expect(id.requesters[0]?.evidence).toContain("Jules footer");
  });

  it("a generic 'triggered by @user' footer names the requester only on an agent-authored PR", () => {
    const body = "Automated fix.\n\nTriggered by @dave";
    expect(
      identify(policy, facts({ author: bot("codegen-sh[bot]"), body })).requesters.map((r) => r.login),
    ).toEqual(["dave"]);
    expect(identify(policy, facts({ author: bot("some-ci[bot]"), body })).requesters).toEqual([]);
  });

  it("OpenHands machine user (a User account) is an agent", () => {
    const id = identify(policy, facts({ author: user("openhands-agent") }));
    expect(id.kind).toBe("agent");
    expect(id.agents[0]?.name).toBe("OpenHands");
  });
});

describe("identify: agents under a human account", () => {
  it("Codex cloud: codex/ branch and chatgpt.com/codex/tasks body make an agent-assisted PR; the author is the requester", () => {
    const id = identify(
      policy,
      facts({
        author: user("ezyang"),
        head: { ref: "codex/fix-login", sha: "e".repeat(40), repoFullName: "acme/app" },
        body: "## Summary\n- fix login\n\n## Testing\n- npm test\n\n------\nhttps://chatgpt.com/codex/tasks/task_e_68a1b2c3",
        commits: [commit({ author: { name: "Edward", email: "ezyang@example.com", login: "ezyang" } })],
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.assisted).toBe(true);
    expect(id.strong).toEqual([]);
    expect(id.weak.map((e) => e.detail)).toEqual([
      "head branch `codex/fix-login` has the OpenAI Codex (cloud) branch prefix `codex/`",
      "PR body contains `chatgpt.com/codex/tasks/` (OpenAI Codex (cloud))",
    ]);
    expect(id.agents).toEqual([{ name: "OpenAI Codex (cloud)", kind: "agent" }]);
    expect(id.requesters).toEqual([
      { login: "ezyang", evidence: "opened under their own account a PR made with OpenAI Codex (cloud)" },
    ]);
  });

  it("Claude Code: the Co-Authored-By trailer is weak evidence, listed with the commit", () => {
    const id = identify(
      policy,
      facts({
        body: "Refactor.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)",
        commits: [
          commit({
            sha: "1a2b3c4".padEnd(40, "f"),
            author: alice,
            message:
              "Refactor config loading\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>",
          }),
        ],
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.assisted).toBe(true);
    expect(id.weak[0]).toEqual({
      signal: "trailer",
      detail:
        "commit `1a2b3c4` has trailer `Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>` of Claude Code (AI coding agent)",
    });
    expect(id.weak.map((e) => e.signal)).toContain("body marker");
    expect(id.requesters.map((r) => r.login)).toEqual(["alice"]);
  });

  it("Cursor background agent: a commit authored by cursoragent@cursor.com is strong evidence", () => {
    const id = identify(
      policy,
      facts({
        head: { ref: "cursor/add-retries-4f2a", sha: "f".repeat(40), repoFullName: "acme/app" },
        commits: [
          commit({
            author: { name: "Cursor Agent", email: "cursoragent@cursor.com", login: null },
            committer: web,
          }),
        ],
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.assisted).toBe(false);
    expect(id.strong[0]?.detail).toBe(
      "commit `1111111` author `Cursor Agent <cursoragent@cursor.com>` is Cursor agent (AI coding agent)",
    );
    expect(id.requesters.map((r) => r.login)).toEqual(["alice"]);
  });

  it("Cursor background agent: a commit GitHub resolves to the User account cursoragent is strong evidence", () => {
    const id = identify(
      policy,
      facts({
        commits: [
          commit({
            // A person's own email address: only the account GitHub resolved says it is the agent.
            author: { name: "Cursor", email: "alice@example.com", login: "cursoragent" },
            committer: web,
          }),
        ],
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.agents.map((a) => a.name)).toEqual(["Cursor agent"]);
    expect(id.strong.map((e) => e.detail).join("\n")).toMatch(/cursoragent/);
    expect(actorClass(user("cursoragent"), policy)).toBe("agent");
  });

  it("Amp and Replit trailer keys, Aider author-name suffix and Assisted-by are weak agent markers", () => {
    const cases = [
      commit({ message: "Fix\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1" }),
      commit({ message: "Fix\n\nReplit-Commit-Author: Agent\nReplit-Commit-Session-Id: 42" }),
      commit({ author: { name: "Alice (aider)", email: "alice@example.com", login: "alice" } }),
      commit({ message: "Fix\n\nAssisted-by: Some Model v3" }),
    ];
    for (const c of cases) {
      const id = identify(policy, facts({ commits: [c] }));
      expect(id.kind, c.message).toBe("agent");
      expect(id.assisted, c.message).toBe(true);
    }
  });

  it("assisted_as human keeps the kind human but still lists the evidence", () => {
    const p = testPolicy({ agents: { assistedAs: "human" } });
    const id = identify(
      p,
      facts({ head: { ref: "codex/x", sha: "e".repeat(40), repoFullName: "acme/app" } }),
    );
    expect(id.kind).toBe("human");
    expect(id.assisted).toBe(true);
    expect(id.weak).toHaveLength(1);
  });

  it("configured branch prefixes and body patterns raise a human PR to agent-assisted", () => {
    const p = testPolicy({
      agents: { markers: { branchPrefixes: ["ai/"], bodyPatterns: [pattern("made by robo-?dev")] } },
    });
    const byBranch = identify(
      p,
      facts({ head: { ref: "AI/thing", sha: "e".repeat(40), repoFullName: "acme/app" } }),
    );
    expect(byBranch.kind).toBe("agent");
    expect(byBranch.weak[0]?.detail).toBe(
      "head branch `AI/thing` has the configured agent branch prefix `ai/`",
    );
    const byBody = identify(p, facts({ body: "This was Made by RoboDev." }));
    expect(byBody.kind).toBe("agent");
    expect(byBody.weak[0]?.detail).toBe("PR body matches the configured pattern `made by robo-?dev`");
  });

  it("trailer markers are ignored when markers.trailers is off, but a commit identity still counts", () => {
    const p = testPolicy({ agents: { markers: { trailers: false } } });
    const trailer = commit({ message: "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>" });
    expect(identify(p, facts({ commits: [trailer] })).kind).toBe("human");
    const authored = commit({ author: { name: "Claude", email: "noreply@anthropic.com", login: null } });
    expect(identify(p, facts({ commits: [authored] })).kind).toBe("agent");
  });

  it("builtin off ignores the catalog's markers", () => {
    const p = testPolicy({ agents: { builtin: false } });
    const id = identify(
      p,
      facts({
        head: { ref: "codex/x", sha: "e".repeat(40), repoFullName: "acme/app" },
        commits: [commit({ message: "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>" })],
      }),
    );
    expect(id.kind).toBe("human");
    expect(id.weak).toEqual([]);
  });
});

describe("identify: who edited the body of an agent's PR", () => {
  const devin = bot("devin-ai-integration[bot]");
  const devinPr = (bodyEditedBy: Actor | null, author: Actor = devin) =>
    facts({
      author,
      body: "Adds retries.",
      bodyEditedBy,
      commits: [commit({ author: web, committer: web })],
    });

  it("makes a person who edited the body a contributor, with evidence (they may have removed 'Requested by')", () => {
    const id = identify(policy, devinPr(user("mona")));
    expect(id.requesters).toEqual([]);
    expect(id.contributors).toContain("mona");
    expect(id.strong).toContainEqual({
      signal: "body editor",
      detail:
        "`mona` edited the body of this PR by `devin-ai-integration[bot]`, where an agent names who asked for the work; they count as a contributor",
    });
  });

  it("does so for a bot's PR too, but not for the agent's own edit or a human author's PR", () => {
    expect(identify(policy, devinPr(user("mona"), bot("renovate[bot]"))).contributors).toContain("mona");
    const own = identify(policy, devinPr(devin));
    expect(own.contributors).not.toContain("devin-ai-integration[bot]");
    expect(own.strong.map((e) => e.signal)).not.toContain("body editor");
    const human = identify(policy, devinPr(user("mona"), user("alice")));
    expect(human.contributors).not.toContain("mona");
  });
});

describe("identify: bots and configured accounts", () => {
  it("dependabot is a bot PR, its branch prefix listed as weak evidence", () => {
    const dep: GitIdentity = {
      name: "dependabot[bot]",
      email: "49699333+dependabot[bot]@users.noreply.github.com",
      login: "dependabot[bot]",
    };
    const id = identify(
      policy,
      facts({
        author: { login: "dependabot[bot]", type: "Bot", id: 49699333 },
        head: {
          ref: "dependabot/npm_and_yarn/lodash-4.17.21",
          sha: "9".repeat(40),
          repoFullName: "acme/app",
        },
        commits: [
          commit({
            author: dep,
            committer: web,
            message: "Bump lodash\n\nSigned-off-by: dependabot[bot] <support@github.com>",
          }),
        ],
      }),
    );
    expect(id.kind).toBe("bot");
    expect(id.assisted).toBe(false);
    expect(id.agents).toEqual([{ name: "Dependabot", login: "dependabot[bot]", kind: "bot" }]);
    expect(id.requesters).toEqual([]);
  });

  it("an App that is not in the catalog makes a bot PR, and the report says why", () => {
    const id = identify(policy, facts({ author: bot("acme-release[bot]") }));
    expect(id.kind).toBe("bot");
    expect(id.agents).toEqual([]);
    expect(id.strong).toEqual([
      {
        signal: "author account",
        detail: "author `acme-release[bot]` is a GitHub App or bot account that is not in the catalog",
      },
    ]);
  });

  it("renovate as a GraphQL Bot author without the [bot] suffix is still Renovate", () => {
    const id = identify(
      policy,
      facts({
        author: bot("renovate"),
        head: { ref: "renovate/react", sha: "9".repeat(40), repoFullName: "acme/app" },
      }),
    );
    expect(id.kind).toBe("bot");
    expect(id.agents[0]?.name).toBe("Renovate");
  });

  it("an agent commit inside a bot PR makes it an agent PR", () => {
    const id = identify(
      policy,
      facts({
        author: bot("github-actions[bot]"),
        commits: [commit({ author: { name: "Cursor Agent", email: "cursoragent@cursor.com", login: null } })],
      }),
    );
    expect(id.kind).toBe("agent");
  });

  it("gh-aw: a github-actions[bot] PR with an AI footer is raised to agent-assisted", () => {
    const id = identify(
      policy,
      facts({
        author: bot("github-actions[bot]"),
        body: "Update docs.\n\n> AI generated by [Daily Docs](https://github.com/acme/app/actions/runs/1)",
      }),
    );
    expect(id.kind).toBe("agent");
    expect(id.assisted).toBe(true);
    expect(
      identify(
        testPolicy({ agents: { assistedAs: "human" } }),
        facts({ author: bot("github-actions[bot]"), body: "AI generated by [x](y)" }),
      ).kind,
    ).toBe("bot");
  });

  it("a configured machine user is an agent with its owner, and its commits count", () => {
    const p = testPolicy({
      agents: { accounts: [{ login: "acme-codegen", kind: "agent", owner: "@acme/platform" }] },
    });
    const id = identify(p, facts({ author: user("acme-codegen") }));
    expect(id.kind).toBe("agent");
    expect(id.agents).toEqual([
      { name: "acme-codegen", login: "acme-codegen", kind: "agent", owner: "@acme/platform" },
    ]);
    expect(id.strong[0]?.detail).toBe(
      "author `acme-codegen` is configured as an agent owned by @acme/platform",
    );
    const viaCommit = identify(
      p,
      facts({
        commits: [
          commit({ author: { name: "bot", email: "99+acme-codegen@users.noreply.github.com", login: null } }),
        ],
      }),
    );
    expect(viaCommit.kind).toBe("agent");
    expect(viaCommit.contributors).toContain("acme-codegen");
  });

  it("a plain human PR has no evidence, no agents and no requesters", () => {
    const id = identify(policy, facts());
    expect(id).toEqual({
      kind: "human",
      assisted: false,
      author: "alice",
      agents: [],
      requesters: [],
      strong: [],
      weak: [],
      contributors: ["alice"],
    });
  });
});
