/**
 * Agents as they show up on real PRs opened from a person's account (issue 11): the markers the
 * labelled set showed, each with the evidence a reviewer reads, and what must not count.
 */
import { describe, expect, it } from "vitest";
import { identify } from "../../src/engine/identify.js";
import type { GitIdentity, PrFacts, TimelineEvent } from "../../src/facts/model.js";
import { bot, commit, facts, user } from "../support/facts.js";
import { testPolicy } from "../support/policy.js";

const policy = testPolicy();
const OPENED = "2025-06-20T13:14:04Z";
const by = (login: string, email = `${login}@example.com`): GitIdentity => ({ name: login, email, login });
const labeled = (label: string, actor: string, at: string): TimelineEvent => ({
  kind: "labeled",
  label,
  actor: user(actor),
  viaApp: null,
  at,
});
const who = (f: Partial<PrFacts>) =>
  identify(policy, facts({ author: user("sebastian"), createdAt: OPENED, ...f }));
const text = (id: ReturnType<typeof identify>) => [...id.strong, ...id.weak].map((e) => e.detail).join("\n");

describe("agents under a person's account", () => {
  it("names Cursor from a commit by its User account cursoragent, as strong evidence", () => {
    const id = who({ commits: [commit({ author: by("cursoragent", "cursoragent@cursor.com") })] });
    expect(id).toMatchObject({ kind: "agent", assisted: false, agents: [{ name: "Cursor agent" }] });
    expect(id.strong[0]?.detail).toMatch(/^commit `1111111` author `cursoragent` is Cursor agent/);
  });

  it("names Codex from the `codex` label its platform adds seconds after opening, saying who and when", () => {
    const id = who({ labels: ["codex"], timeline: [labeled("codex", "sebastian", "2025-06-20T13:14:06Z")] });
    expect(id).toMatchObject({ kind: "agent", assisted: true, agents: [{ name: "OpenAI Codex (cloud)" }] });
    expect(id.weak[0]?.detail).toBe(
      "label `codex` was added by @sebastian 2 s after the PR was opened, as OpenAI Codex (cloud) labels the PRs it opens",
    );
  });

  it("still raises scrutiny for the label added later, and says a person may have added it", () => {
    const id = who({ labels: ["codex"], timeline: [labeled("codex", "maintainer", "2025-06-21T09:00:00Z")] });
    expect(id.kind).toBe("agent");
    expect(id.weak[0]?.detail).toMatch(
      /added by @maintainer later than OpenAI Codex \(cloud\) adds it at opening, so a person may have added it/,
    );
  });

  it("reads Codex's branch after its random segment, and its standard notes in the body", () => {
    expect(
      text(who({ head: { ref: "p1njaq-codex/fix-login", sha: "1".repeat(40), repoFullName: "acme/app" } })),
    ).toMatch(/branch prefix `codex\/` after a random six-character segment/);
    const note =
      "## Testing\n- `npm test` (fails)\n\nCodex couldn't run certain commands due to environment limitations. Consider configuring a setup script or internet access in your Codex environment to install dependencies.";
    expect(who({ body: note }).agents.map((a) => a.name)).toEqual(["OpenAI Codex (cloud)"]);
    expect(who({ body: "see https://chatgpt.com/codex/cloud/tasks/task_e_1" }).kind).toBe("agent");
    // A human's branch that merely contains the word is not it.
    expect(
      who({ head: { ref: "feature-codex/x", sha: "1".repeat(40), repoFullName: "acme/app" } }).kind,
    ).toBe("human");
  });

  it("reads Claude Code's footer without a link and its trailers without angle brackets or naming a model", () => {
    expect(who({ body: "Fixes it.\n\n🤖 Generated with Claude Code" }).agents[0]?.name).toBe("Claude Code");
    const bare = who({
      commits: [commit({ message: "fix\n\nCo-Authored-By: Claude mailto:noreply@anthropic.com" })],
    });
    expect(bare.agents[0]?.name).toBe("Claude Code");
    const model = who({
      commits: [commit({ message: "fix\n\nCo-authored-by: claude-sonnet:3.7-thinking <jamie@example.com>" })],
    });
    expect(model.agents[0]?.name).toBe("Claude Code");
    expect(text(model)).toMatch(
      /it names the agent, though its email `jamie@example.com` is not the agent's/,
    );
  });

  it("tells Copilot's code-review account (a second id under the login Copilot) from its coding agent", () => {
    const id = who({
      commits: [
        commit({
          message: "apply suggestion\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
        }),
      ],
    });
    expect(id.agents.map((a) => a.name)).toEqual(["GitHub Copilot code review"]);
    const coder = who({
      commits: [
        commit({
          author: { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: null },
        }),
      ],
    });
    expect(coder).toMatchObject({
      kind: "agent",
      assisted: false,
      agents: [{ name: "GitHub Copilot coding agent" }],
    });
  });

  it("does not take a person's trailer for an agent's: a first name alone is at most a weak marker that says so", () => {
    const id = who({
      commits: [commit({ message: "pair\n\nCo-authored-by: Devin <devin.smith@example.com>" })],
    });
    expect(id.strong).toEqual([]);
    expect(id.weak[0]?.detail).toMatch(
      /names the agent, though its email `devin.smith@example.com` is not the agent's/,
    );
    // Claude Smith is a person: only model families count as Claude Code's names.
    expect(
      who({ commits: [commit({ message: "pair\n\nCo-authored-by: Claude Smith <claude@example.com>" })] })
        .kind,
    ).toBe("human");
  });

  it("treats a commit by an App outside the catalog as a bot's, naming the App and how to declare it", () => {
    const id = who({ commits: [commit(), commit({ sha: "2".repeat(40), author: by("acme-fixer[bot]") })] });
    expect(id.kind).toBe("bot");
    expect(id.strong[0]?.detail).toMatch(
      /`acme-fixer\[bot\]` is a GitHub App that is not in the catalog: treated as a bot \(declare it in `agents.accounts`/,
    );
    const declared = testPolicy({ agents: { accounts: [{ login: "acme-fixer[bot]", kind: "agent" }] } });
    expect(identify(declared, facts({ commits: [commit({ author: by("acme-fixer[bot]") })] })).kind).toBe(
      "agent",
    );
  });

  it("no longer takes Cursor Bugbot's summary in a person's PR body for the Cursor agent", () => {
    expect(who({ body: "Fix.\n<!-- CURSOR_SUMMARY -->\n> [!NOTE]\n> Low Risk" }).kind).toBe("human");
    expect(identify(policy, facts({ author: bot("some-app[bot]") })).kind).toBe("bot");
  });
});
