/**
 * The shipped catalog of AI coding agents, AI reviewers and automation bots, as data.
 * Built from shared/research/agent-identities.md; every entry keeps its sources so a reader can check it.
 * Matching rules live in ./lookup.ts and src/engine/identify.ts, never here.
 */

/** When the catalog was last checked against its sources. Bump it with every data change. */
export const CATALOG_VERSION = "2026-12-03";

/**
 * agent: writes code. reviewer: an AI that reviews, comments or approves (an agent for approval and
 * promotion purposes). bot: deterministic automation (dependency updates, CI, merge queues).
 */
export type CatalogKind = "agent" | "reviewer" | "bot";

/** How an agent names the human who asked for the work in the PR body. */
export interface RequesterFooter {
  /** Shown in evidence, e.g. `Jules footer "started by @user"`. */
  description: string;
  /** Plain text right before `@login`, matched case-insensitively (optionally followed by `:`, `*`, `_` or spaces). */
  lead: string;
}

export interface CatalogEntry {
  id: string;
  name: string;
  kind: CatalogKind;
  /**
   * GitHub App account logins. Users cannot register a `[bot]` login, so those match any reported type;
   * a login without `[bot]` (Copilot) matches only when GitHub reports the account as a Bot.
   */
  logins: readonly string[];
  /** Ordinary User accounts the vendor runs with a token (machine users): matched by login whatever the type. */
  machineUsers: readonly string[];
  /** Numeric account ids, only where a primary source confirms them. */
  ids: readonly number[];
  appSlugs: readonly string[];
  /** Emails the agent uses as commit author/committer or in Co-authored-by trailers. */
  commitEmails: readonly string[];
  /** Trailer names (`Co-Authored-By: Claude <…>`), compared whole and case-insensitively; only distinctive ones. */
  trailerNames: readonly string[];
  /** Trailer keys only this agent writes (`Amp-Thread-ID`). */
  trailerKeys: readonly string[];
  /** Suffixes the agent appends to the human's git author or committer name (`Alice (aider)`). */
  nameSuffixes: readonly string[];
  /** Head branch prefixes, lowercase, ending in "/" or "-". */
  branchPrefixes: readonly string[];
  /** Plain substrings of a PR body, lowercase, matched case-insensitively (never regular expressions: linear time). */
  bodyPatterns: readonly string[];
  /** `@handle` mentions that make this agent act (agent-to-agent escalation). */
  mentionHandles: readonly string[];
  /** Comment commands that make this agent act. */
  triggerCommands: readonly string[];
  /** Labels that make this agent act. */
  triggerLabels: readonly string[];
  requesterFooters: readonly RequesterFooter[];
  /** False where the research marks the identity as secondary or unverified. */
  verified: boolean;
  sources: readonly string[];
}

/**
 * Trailer keys that attribute a commit to an AI tool without naming a catalogued one
 * (`Assisted-by: GPT-4`): weak evidence of an agent, whatever the value.
 * Source: shared/research/agent-identities.md §5.1 (weak signals: trailer keys).
 */
export const AI_TRAILER_KEYS: readonly string[] = Object.freeze(["Generated-by", "Assisted-by"]);

type EntryInput = Pick<CatalogEntry, "id" | "name" | "kind" | "verified" | "sources"> & Partial<CatalogEntry>;

/** Fills empty lists and freezes the entry deeply: the catalog is shared by every evaluation. */
function entry(input: EntryInput): CatalogEntry {
  const full: CatalogEntry = {
    logins: [],
    machineUsers: [],
    ids: [],
    appSlugs: [],
    commitEmails: [],
    trailerNames: [],
    trailerKeys: [],
    nameSuffixes: [],
    branchPrefixes: [],
    bodyPatterns: [],
    mentionHandles: [],
    triggerCommands: [],
    triggerLabels: [],
    requesterFooters: [],
    ...input,
  };
  for (const value of Object.values(full)) {
    if (!Array.isArray(value)) continue;
    for (const item of value) if (typeof item === "object") Object.freeze(item);
    Object.freeze(value);
  }
  return Object.freeze(full);
}

const CHAOSS = "chaoss/ai-detection-action utils.go and detection/*";
const PRARENA = "aavetis/PRarena collect_data.py and README";
const AIDEV = "SAILResearch/AI_Teammates_in_SE3 AIDev-pop prs.csv and analysis/helper.py";
const BOT_LISTS =
  "public commit trailers found by code search; CHAOSS utils.go; contributor catalogs of noreply ids";

export const CATALOG: readonly CatalogEntry[] = Object.freeze([
  // ── AI coding agents ──────────────────────────────────────────────────────────────
  entry({
    id: "copilot-coding-agent",
    name: "GitHub Copilot coding agent",
    kind: "agent",
    logins: ["Copilot", "copilot-swe-agent[bot]"],
    ids: [198982749],
    appSlugs: ["copilot-swe-agent"],
    commitEmails: ["198982749+Copilot@users.noreply.github.com"],
    branchPrefixes: ["copilot/"],
    mentionHandles: ["copilot"],
    verified: true,
    sources: [
      "github/docs content/copilot/concepts/agents/coding-agent/about-coding-agent.md",
      "github/docs content/copilot/concepts/agents/cloud-agent/risks-and-mitigations.md",
      "microsoft/vscode-pull-request-github src/common/copilot.ts and pullRequestModel.ts (copilot_work_started actor)",
      "cli/cli (assignable actor Bot.Login == copilot-swe-agent)",
      "gitrdm/ranked_programming#1",
    ],
  }),
  entry({
    id: "copilot-autofix",
    name: "GitHub Copilot Autofix",
    kind: "agent",
    logins: ["github-code-quality[bot]"],
    commitEmails: ["223894421+github-code-quality[bot]@users.noreply.github.com"],
    verified: false,
    sources: ["third-party detector fixture quoting a real Co-authored-by: Copilot Autofix trailer"],
  }),
  entry({
    id: "codex-cloud",
    name: "OpenAI Codex (cloud)",
    kind: "agent",
    branchPrefixes: ["codex/"],
    bodyPatterns: ["chatgpt.com/codex/tasks/"],
    verified: true,
    sources: [AIDEV, `${PRARENA} (is:pr head:codex/)`, "coderbuds/ai-detector rules/openai-codex.yml"],
  }),
  entry({
    id: "codex-unverified-app",
    name: "OpenAI Codex app (unverified login)",
    kind: "agent",
    logins: ["openai-codex[bot]"],
    verified: false,
    sources: ["shared/research/agent-identities.md §5.1 (listed as unverified)"],
  }),
  entry({
    id: "codex-cli",
    name: "OpenAI Codex CLI",
    kind: "agent",
    commitEmails: ["noreply@openai.com", "codex@openai.com"],
    trailerNames: ["Codex"],
    verified: true,
    sources: ["openai/codex#11617 (prepare-commit-msg hook, command_attribution)"],
  }),
  entry({
    id: "claude-code",
    name: "Claude Code",
    kind: "agent",
    commitEmails: ["noreply@anthropic.com"],
    trailerNames: ["Claude"],
    bodyPatterns: ["generated with [claude code]", "claude.com/claude-code", "claude.ai/code"],
    verified: true,
    sources: [
      "anthropics/claude-code#14241, #18253, #9224, #29999",
      "docs.rs claude-code-settings Attribution (attribution.commit / attribution.pr)",
      "micro/go-micro#3059",
    ],
  }),
  entry({
    id: "claude-github-app",
    name: "Claude GitHub App (claude-code-action)",
    kind: "agent",
    logins: ["claude[bot]"],
    ids: [209825114],
    appSlugs: ["claude"],
    commitEmails: ["209825114+claude[bot]@users.noreply.github.com"],
    branchPrefixes: ["claude/"],
    mentionHandles: ["claude"],
    verified: true,
    sources: [
      "anthropics/claude-code-action action.yml and src/github/constants.ts (CLAUDE_BOT_LOGIN)",
      "anthropics/claude-code-action src/github/operations/comments/create-initial.ts (CLAUDE_APP_BOT_ID)",
      "anthropics/claude-code-action src/utils/branch-template.ts and docs/security.md",
    ],
  }),
  entry({
    id: "claude-unverified-apps",
    name: "Claude app (unverified login)",
    kind: "agent",
    logins: ["claude-code[bot]", "anthropic-claude[bot]", "claude-code-action[bot]"],
    verified: false,
    sources: ["shared/research/agent-identities.md §5.1 (listed as unverified)"],
  }),
  entry({
    id: "devin",
    name: "Devin",
    kind: "agent",
    logins: ["devin-ai-integration[bot]"],
    ids: [158243242],
    appSlugs: ["devin-ai-integration"],
    commitEmails: ["158243242+devin-ai-integration[bot]@users.noreply.github.com"],
    trailerNames: ["Devin"],
    branchPrefixes: ["devin/"],
    bodyPatterns: ["app.devin.ai/sessions/", "generated with [devin]"],
    mentionHandles: ["devin"],
    requesterFooters: [{ description: 'Devin footer "Requested by: @user"', lead: "requested by" }],
    verified: true,
    sources: [PRARENA, "Devin PR bodies found by code search (Link to Devin run, Requested by)"],
  }),
  entry({
    id: "cursor",
    name: "Cursor agent",
    kind: "agent",
    logins: ["cursor[bot]"],
    // The background agent commits as this GitHub User account (type User, not an App).
    machineUsers: ["cursoragent"],
    ids: [206951365],
    appSlugs: ["cursor"],
    commitEmails: ["cursoragent@cursor.com"],
    trailerNames: ["Cursor Agent"],
    branchPrefixes: ["cursor/"],
    bodyPatterns: ["cursor.com/agents", "cursor.com/background-agent", "<!-- cursor_summary -->"],
    verified: true,
    sources: [
      "getsentry/sentry#101092 (open PRs as the Cursor GitHub App)",
      "Cursor API schemas (openAsCursorGithubApp, autoCreatePr) found by code search",
      "Jiangki/ledge#11",
      AIDEV,
      "coderbuds/ai-detector rules/cursor.yml",
      "rrweb-io/rrweb commit 3b8004a (changeset credits the commit's GitHub account @cursoragent)",
    ],
  }),
  entry({
    id: "jules",
    name: "Google Jules",
    kind: "agent",
    logins: ["google-labs-jules[bot]"],
    ids: [161369871],
    appSlugs: ["google-labs-jules"],
    commitEmails: ["161369871+google-labs-jules[bot]@users.noreply.github.com"],
    branchPrefixes: ["jules-"],
    bodyPatterns: ["pr created automatically by jules for task", "jules.google.com/task/"],
    requesterFooters: [{ description: 'Jules footer "started by @user"', lead: "started by" }],
    verified: true,
    sources: [
      `${PRARENA} (author:google-labs-jules[bot])`,
      "Jules PR bodies found by code search",
      "coderbuds/ai-detector rules/jules.yml",
    ],
  }),
  entry({
    id: "amazon-q",
    name: "Amazon Q Developer",
    kind: "agent",
    logins: ["amazon-q-developer[bot]"],
    appSlugs: ["amazon-q-developer"],
    triggerCommands: ["/q dev"],
    triggerLabels: ["Amazon Q development agent", "Amazon Q transform agent"],
    verified: true,
    sources: [
      "docs.aws.amazon.com Developing features with Amazon Q Developer in GitHub, and its troubleshooting page",
    ],
  }),
  entry({
    id: "gemini-cli",
    name: "Gemini CLI",
    kind: "agent",
    commitEmails: ["gemini-cli@google.com"],
    trailerNames: ["Gemini CLI"],
    mentionHandles: ["gemini-cli"],
    verified: false,
    sources: ["third-party detector fixture (Gemini CLI <gemini-cli@google.com> trailer)"],
  }),
  entry({
    id: "codegen",
    name: "Codegen",
    kind: "agent",
    logins: ["codegen-sh[bot]"],
    appSlugs: ["codegen-sh"],
    verified: true,
    sources: [`${PRARENA} (author:codegen-sh[bot])`],
  }),
  entry({
    id: "factory-droid",
    name: "Factory Droid",
    kind: "agent",
    logins: ["factory-droid[bot]"],
    ids: [138933559],
    appSlugs: ["factory-droid"],
    commitEmails: ["138933559+factory-droid[bot]@users.noreply.github.com"],
    verified: true,
    sources: ["commits with Co-authored-by: factory-droid[bot] found by code search"],
  }),
  entry({
    id: "openhands",
    name: "OpenHands",
    kind: "agent",
    machineUsers: ["openhands-agent"],
    commitEmails: ["openhands@all-hands.dev"],
    trailerNames: ["openhands"],
    branchPrefixes: ["openhands-fix-issue-"],
    mentionHandles: ["openhands-agent"],
    triggerLabels: ["fix-me"],
    verified: true,
    sources: ["docs.openhands.dev GitHub Action page", "pypi openhands-resolver README"],
  }),
  entry({
    id: "amp",
    name: "Sourcegraph Amp",
    kind: "agent",
    commitEmails: ["amp@ampcode.com"],
    trailerKeys: ["Amp-Thread-ID"],
    verified: true,
    sources: ["ghostty-org/ghostty commits (Co-authored-by: Amp, Amp-Thread-ID)"],
  }),
  entry({
    id: "aider",
    name: "Aider",
    kind: "agent",
    commitEmails: ["aider@aider.chat", "noreply@aider.chat"],
    nameSuffixes: ["(aider)"],
    verified: true,
    sources: ["aider.chat/docs/git.html"],
  }),
  entry({
    id: "windsurf",
    name: "Windsurf",
    kind: "agent",
    commitEmails: ["windsurf@codeium.com"],
    verified: false,
    sources: [CHAOSS],
  }),
  entry({
    id: "opencode",
    name: "OpenCode",
    kind: "agent",
    commitEmails: ["noreply@opencode.ai"],
    trailerNames: ["opencode"],
    verified: false,
    sources: [CHAOSS],
  }),
  entry({
    id: "cline",
    name: "Cline",
    kind: "agent",
    logins: ["cline[bot]"],
    verified: false,
    sources: [CHAOSS],
  }),
  entry({
    id: "replit",
    name: "Replit Agent",
    kind: "agent",
    trailerKeys: ["Replit-Commit-Author", "Replit-Commit-Session-Id"],
    verified: false,
    sources: [CHAOSS],
  }),
  entry({
    id: "sweep",
    name: "Sweep",
    kind: "agent",
    logins: ["sweep-ai[bot]"],
    branchPrefixes: ["sweep/"],
    verified: false,
    sources: ["third-party agent lists"],
  }),
  entry({
    // gh-aw runs as github-actions[bot] or a maintainer's token, so only its footers identify it.
    id: "gh-aw",
    name: "GitHub Agentic Workflows (gh-aw)",
    kind: "agent",
    bodyPatterns: ["ai generated by [", "<!-- gh-aw-"],
    verified: true,
    sources: ["github/gh-aw#1198", "github/gh-aw docs safe-outputs-pull-requests.md", "github/gh-aw#38566"],
  }),

  // ── AI reviewers ──────────────────────────────────────────────────────────────────
  entry({
    id: "copilot-code-review",
    name: "GitHub Copilot code review",
    kind: "reviewer",
    logins: ["copilot-pull-request-reviewer[bot]"],
    appSlugs: ["copilot-pull-request-reviewer"],
    verified: true,
    sources: [
      "microsoft/vscode-pull-request-github src/common/copilot.ts (COPILOT_LOGINS)",
      "code-search hits in review scripts",
    ],
  }),
  entry({
    id: "codex-connector",
    name: "OpenAI Codex connector",
    kind: "reviewer",
    logins: ["chatgpt-codex-connector[bot]"],
    appSlugs: ["chatgpt-codex-connector"],
    mentionHandles: ["codex"],
    verified: true,
    sources: [
      "code-search hits for chatgpt-codex-connector[bot]",
      CHAOSS,
      "openai/codex#3188 (@codex comments)",
    ],
  }),
  entry({
    id: "gemini-code-assist",
    name: "Gemini Code Assist",
    kind: "reviewer",
    logins: ["gemini-code-assist[bot]"],
    ids: [176961590],
    appSlugs: ["gemini-code-assist"],
    mentionHandles: ["gemini-code-assist"],
    triggerCommands: ["/gemini"],
    verified: true,
    sources: ["developers.google.com/gemini-code-assist/docs/use-code-assist-github"],
  }),
  entry({
    id: "coderabbit",
    name: "CodeRabbit",
    kind: "reviewer",
    logins: ["coderabbitai[bot]"],
    ids: [136622811],
    appSlugs: ["coderabbitai"],
    verified: true,
    sources: [BOT_LISTS],
  }),

  // ── Automation bots (not agents) ─────────────────────────────────────────────────
  entry({
    id: "dependabot",
    name: "Dependabot",
    kind: "bot",
    logins: ["dependabot[bot]"],
    ids: [49699333],
    appSlugs: ["dependabot"],
    commitEmails: ["49699333+dependabot[bot]@users.noreply.github.com"],
    branchPrefixes: ["dependabot/"],
    verified: true,
    sources: [BOT_LISTS],
  }),
  entry({
    id: "renovate",
    name: "Renovate",
    kind: "bot",
    logins: ["renovate[bot]"],
    ids: [29139614],
    appSlugs: ["renovate"],
    commitEmails: ["29139614+renovate[bot]@users.noreply.github.com"],
    branchPrefixes: ["renovate/"],
    verified: true,
    sources: [BOT_LISTS],
  }),
  entry({
    id: "github-actions",
    name: "GitHub Actions",
    kind: "bot",
    logins: ["github-actions[bot]"],
    ids: [41898282],
    appSlugs: ["github-actions"],
    commitEmails: ["41898282+github-actions[bot]@users.noreply.github.com"],
    verified: true,
    sources: [BOT_LISTS],
  }),
  entry({
    id: "pre-commit-ci",
    name: "pre-commit.ci",
    kind: "bot",
    logins: ["pre-commit-ci[bot]"],
    ids: [66853113],
    appSlugs: ["pre-commit-ci"],
    commitEmails: ["66853113+pre-commit-ci[bot]@users.noreply.github.com"],
    verified: true,
    sources: [BOT_LISTS],
  }),
  entry({
    id: "allcontributors",
    name: "All Contributors",
    kind: "bot",
    logins: ["allcontributors[bot]"],
    appSlugs: ["allcontributors"],
    verified: true,
    sources: [BOT_LISTS],
  }),
  entry({
    id: "graphite",
    name: "Graphite",
    kind: "bot",
    logins: ["graphite-app[bot]"],
    appSlugs: ["graphite-app"],
    verified: true,
    sources: [BOT_LISTS],
  }),
  entry({
    id: "mergify",
    name: "Mergify",
    kind: "bot",
    logins: ["mergify[bot]"],
    appSlugs: ["mergify"],
    verified: true,
    sources: [BOT_LISTS],
  }),
  entry({
    id: "kodiak",
    name: "Kodiak",
    kind: "bot",
    logins: ["kodiakhq[bot]"],
    ids: [49736102],
    appSlugs: ["kodiakhq"],
    commitEmails: ["49736102+kodiakhq[bot]@users.noreply.github.com"],
    verified: true,
    sources: [
      "linz/basemaps CHANGELOG.md (Co-authored-by: kodiakhq[bot] trailers)",
      "shared/research/promotion-chains.md (Kodiak)",
    ],
  }),
  entry({
    id: "snyk",
    name: "Snyk",
    kind: "bot",
    machineUsers: ["snyk-bot"],
    verified: true,
    sources: [BOT_LISTS],
  }),
]);
