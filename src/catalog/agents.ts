/**
 * The shipped catalog of AI coding agents, AI reviewers and automation bots, as data.
 * Built from shared/research/agent-identities.md; every entry keeps its sources so a reader can check it.
 * Matching rules live in ./lookup.ts and src/engine/identify.ts, never here.
 */

/** When the catalog was last checked against its sources. Bump it with every data change. */
export const CATALOG_VERSION = "2026-12-04";

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
  /**
   * Lowercase starts of trailer names that only this agent writes, for names that vary
   * (Claude Code writes the model: `Claude Opus 4.7`, `claude-sonnet-4`).
   */
  trailerNamePrefixes: readonly string[];
  /** Trailer keys only this agent writes (`Amp-Thread-ID`). */
  trailerKeys: readonly string[];
  /** Whole trailers with a generic key whose value names the agent, lowercase (`made-with: cursor`). */
  trailerValues: readonly string[];
  /** Suffixes the agent appends to the human's git author or committer name (`Alice (aider)`). */
  nameSuffixes: readonly string[];
  /**
   * Head branch prefixes, lowercase, ending in "/" or "-". Also read after a random six-character
   * segment (`p1njaq-codex/…`), which Codex adds when a task is attempted again.
   */
  branchPrefixes: readonly string[];
  /**
   * Labels the agent's platform puts on the PRs it opens, within seconds of opening (Codex cloud
   * labels its PRs `codex` with the person's own token). Weak: a person can add the same label.
   */
  platformLabels: readonly string[];
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
    trailerNamePrefixes: [],
    trailerKeys: [],
    trailerValues: [],
    nameSuffixes: [],
    branchPrefixes: [],
    platformLabels: [],
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
const AIDEV_LABELS =
  "SAILResearch/AI_Teammates_in_SE3 AIDev-pop/OpenAI_Codex pr_timelines.csv (label codex added by the PR's opener 0–2 s after opening, 28 of the first 30 PRs)";
const MERGEWARDEN =
  "sjh9714/mergewarden release notes v0.7.0 (public PR counts by author, each checked against a PR it opened)";
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
    trailerKeys: ["Agent-Logs-Url"],
    branchPrefixes: ["copilot/"],
    bodyPatterns: ["<!-- start copilot coding agent"],
    mentionHandles: ["copilot"],
    verified: true,
    sources: [
      "go-kratos/kratos #3808, bytedance/deer-flow #2524, Azure/azure-sdk-for-net #57953 squash commits (Agent-Logs-Url trailer)",
      "Copilot PR bodies found by code search (<!-- START COPILOT CODING AGENT SUFFIX -->, ... TIPS -->)",
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
    logins: ["github-code-quality[bot]", "github-advanced-security[bot]"],
    ids: [223894421, 62310815],
    commitEmails: [
      "223894421+github-code-quality[bot]@users.noreply.github.com",
      "62310815+github-advanced-security[bot]@users.noreply.github.com",
    ],
    trailerNames: ["Copilot Autofix powered by AI"],
    verified: false,
    sources: [
      "third-party detector fixture quoting a real Co-authored-by: Copilot Autofix trailer",
      "huggingface/diffusers commit for #13233 (Co-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@…>)",
    ],
  }),
  entry({
    id: "codex-cloud",
    name: "OpenAI Codex (cloud)",
    kind: "agent",
    branchPrefixes: ["codex/"],
    platformLabels: ["codex"],
    bodyPatterns: [
      "chatgpt.com/codex/tasks/",
      "chatgpt.com/codex/cloud/tasks/",
      "codex couldn't run certain commands",
      "in your codex environment",
    ],
    verified: true,
    sources: [
      AIDEV,
      AIDEV_LABELS,
      `${PRARENA} (is:pr head:codex/)`,
      "coderbuds/ai-detector rules/openai-codex.yml (chatgpt.com/codex/(cloud/)?tasks/)",
      "openai/codex#7460 body ([Codex Task](https://chatgpt.com/codex/tasks/…))",
      'Codex cloud PR bodies found by code search (the Testing note "Codex couldn\'t run certain commands … in your Codex environment"; <6 chars>-codex/ branches)',
    ],
  }),
  entry({
    id: "codex-unverified-app",
    name: "OpenAI Codex app (unverified login)",
    kind: "agent",
    logins: ["openai-codex[bot]"],
    ids: [215057067],
    verified: false,
    sources: [
      "shared/research/agent-identities.md §5.1 (listed as unverified)",
      "a 2026 study of agent accounts by GitHub Users API lookups",
    ],
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
    commitEmails: ["noreply@anthropic.com", "no-reply@anthropic.com"],
    trailerNames: ["Claude", "Claude Code"],
    // Claude Code writes the model as the name; these families are never a person's name.
    trailerNamePrefixes: [
      "claude opus ",
      "claude sonnet ",
      "claude haiku ",
      "claude-opus-",
      "claude-sonnet-",
      "claude-sonnet:",
      "claude-haiku-",
      "claude-3-",
      "claude-3.",
      "claude-4-",
      "claude-4.",
    ],
    trailerKeys: ["Claude-Session"],
    bodyPatterns: [
      "generated with [claude code]",
      "generated with claude code",
      "generated by [claude code]",
      "claude.com/claude-code",
      "claude.ai/code",
      "<!-- ccr-projects-attribution",
    ],
    verified: true,
    sources: [
      "anthropics/claude-code#14241, #18253, #9224, #29999",
      "anthropics/claude-code#19925, #53259, #58033 (Co-Authored-By: Claude Opus 4.x <noreply@anthropic.com>)",
      "anthropics/claude-code#77830 (Claude-Session trailer)",
      "block/aittributor#15 (Co-authored-by: Claude Code <noreply@anthropic.com>)",
      "max-sixty repositories in AIDev-pop Claude_Code pr_commits.csv (Claude <no-reply@anthropic.com>)",
      "oapi-codegen/oapi-codegen#1975 (Co-authored-by: claude-sonnet:3.7-thinking …)",
      "Claude Code cloud project PRs found by code search (<!-- ccr-projects-attribution: … -->)",
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
    ids: [215619710, 208546643],
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
    trailerNames: ["Devin", "Devin AI"],
    branchPrefixes: ["devin/"],
    bodyPatterns: ["app.devin.ai/sessions/", "generated with [devin]"],
    mentionHandles: ["devin"],
    requesterFooters: [{ description: 'Devin footer "Requested by: @user"', lead: "requested by" }],
    verified: true,
    sources: [
      PRARENA,
      "Devin PR bodies found by code search (Link to Devin run, Requested by)",
      "Co-authored-by: Devin AI <158243242+devin-ai-integration[bot]@…> in AIDev-pop Devin pr_commits.csv",
    ],
  }),
  entry({
    id: "cursor",
    name: "Cursor agent",
    kind: "agent",
    // cursor[bot] (206951365) opens PRs as the Cursor App; the background agent commits as the
    // GitHub User account cursoragent (199161495), which is not an App.
    logins: ["cursor[bot]"],
    machineUsers: ["cursoragent"],
    ids: [206951365, 199161495],
    appSlugs: ["cursor"],
    commitEmails: ["cursoragent@cursor.com", "199161495+cursoragent@users.noreply.github.com"],
    trailerNames: ["Cursor Agent"],
    trailerValues: ["made-with: cursor"],
    branchPrefixes: ["cursor/"],
    // Not <!-- CURSOR_SUMMARY -->: Bugbot writes it into anyone's PR body when it reviews.
    bodyPatterns: [
      "cursor.com/agents",
      "cursor.com/background-agent",
      "cursor_ref=pr_footer",
      "<!-- cursor_agent_pr_body_begin -->",
      "made with [cursor](https://cursor.com)",
    ],
    triggerCommands: ["cursor review", "bugbot run"],
    verified: true,
    sources: [
      "GraphQL commit author {login: cursoragent, id: U_kgDOC972lw (199161495)} and Co-authored-by: Cursor <199161495+cursoragent@…> in public commits found by code search",
      "iurysza/termscope#10, TedGoas/Dante#221 (cursor_ref=pr_footer footer)",
      "getsentry/sentry-docs#16597 (Made with [Cursor](https://cursor.com))",
      "cursor.com/help/ai-features/bugbot (cursor review, bugbot run)",
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
    bodyPatterns: [
      "pr created automatically by jules for task",
      "jules.google.com/task/",
      "jules.google.com/session/",
    ],
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
    ids: [208079219],
    appSlugs: ["amazon-q-developer"],
    commitEmails: ["208079219+amazon-q-developer[bot]@users.noreply.github.com"],
    triggerCommands: ["/q dev"],
    triggerLabels: ["Amazon Q development agent", "Amazon Q transform agent"],
    verified: true,
    sources: [
      "docs.aws.amazon.com Developing features with Amazon Q Developer in GitHub, and its troubleshooting page",
      `${CHAOSS} (208079219+amazon-q-developer[bot])`,
      MERGEWARDEN,
    ],
  }),
  entry({
    id: "gemini-cli",
    name: "Gemini CLI",
    kind: "agent",
    logins: ["gemini-cli[bot]"],
    // gemini-cli@google.com is also the identity of its internal checkpoint repository.
    commitEmails: ["gemini-cli@google.com", "gemini-cli[bot]@users.noreply.github.com"],
    trailerNames: ["Gemini CLI"],
    mentionHandles: ["gemini-cli"],
    verified: false,
    sources: [
      "third-party detector fixture (Gemini CLI <gemini-cli@google.com> trailer)",
      "google-gemini/run-gemini-cli workflows (git config user.name 'gemini-cli[bot]')",
      "google-gemini/gemini-cli#26481, #26477 (opened by gemini-cli[bot])",
    ],
  }),
  entry({
    id: "codegen",
    name: "Codegen",
    kind: "agent",
    logins: ["codegen-sh[bot]"],
    ids: [131295404],
    appSlugs: ["codegen-sh"],
    commitEmails: ["codegen@codegen.com", "131295404+codegen-sh[bot]@users.noreply.github.com"],
    verified: true,
    sources: [
      `${PRARENA} (author:codegen-sh[bot])`,
      "codegen-sh/codegen src/codegen/git/configs/constants.py (CODEGEN_BOT_NAME, CODEGEN_BOT_EMAIL)",
      MERGEWARDEN,
    ],
  }),
  entry({
    id: "factory-droid",
    name: "Factory Droid",
    kind: "agent",
    logins: ["factory-droid[bot]"],
    ids: [138933559],
    appSlugs: ["factory-droid"],
    commitEmails: ["138933559+factory-droid[bot]@users.noreply.github.com"],
    mentionHandles: ["droid"],
    triggerCommands: ["@droid fill", "@droid review", "@droid security"],
    verified: true,
    sources: [
      "commits with Co-authored-by: factory-droid[bot] found by code search",
      "Factory-AI/droid-action src/github/bot-identity.ts (DROID_APP_BOT_ID = 138933559) and src/github/utils/command-parser.ts",
    ],
  }),
  entry({
    id: "openhands",
    name: "OpenHands",
    kind: "agent",
    logins: ["openhands-ai[bot]"],
    machineUsers: ["openhands-agent"],
    commitEmails: ["openhands@all-hands.dev"],
    trailerNames: ["openhands"],
    branchPrefixes: ["openhands-fix-issue-"],
    bodyPatterns: ["this pr was created by an ai agent (openhands)", "app.all-hands.dev/conversations/"],
    mentionHandles: ["openhands-agent", "openhands"],
    triggerLabels: ["fix-me", "openhands"],
    verified: true,
    sources: [
      "docs.openhands.dev GitHub Action page",
      "pypi openhands-resolver README",
      "OpenHands/OpenHands#8558 (openhands label, @openhands), #14581 and OpenHands/OpenHands-Cloud#667 (This PR was created by an AI agent (OpenHands) on behalf of the user)",
      "OpenHands/software-agent-sdk#2082 (the OpenHands Cloud GitHub App)",
    ],
  }),
  entry({
    id: "amp",
    name: "Sourcegraph Amp",
    kind: "agent",
    commitEmails: ["amp@ampcode.com"],
    trailerKeys: ["Amp-Thread-ID"],
    bodyPatterns: ["ampcode.com/threads/", "generated with [amp](https://ampcode.com)"],
    verified: true,
    sources: [
      "ghostty-org/ghostty commits (Co-authored-by: Amp, Amp-Thread-ID)",
      "wevm/viem commit 87c43b3 (Amp-Thread-ID alone)",
    ],
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
    logins: ["windsurf-bot[bot]"],
    ids: [189301087],
    commitEmails: ["windsurf@codeium.com"],
    verified: false,
    sources: [CHAOSS, "a 2026 study of agent accounts by GitHub Users API lookups (windsurf-bot[bot])"],
  }),
  entry({
    id: "opencode",
    name: "OpenCode",
    kind: "agent",
    logins: ["opencode-agent[bot]"],
    appSlugs: ["opencode-agent"],
    commitEmails: ["noreply@opencode.ai"],
    trailerNames: ["opencode"],
    triggerCommands: ["/opencode", "/oc"],
    verified: false,
    sources: [
      CHAOSS,
      "opencode.ai docs github.md (github.com/apps/opencode-agent, /opencode and /oc)",
      MERGEWARDEN,
    ],
  }),
  entry({
    id: "cline",
    name: "Cline",
    kind: "agent",
    logins: ["cline[bot]"],
    ids: [205137888],
    commitEmails: ["205137888+cline[bot]@users.noreply.github.com"],
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
    triggerLabels: ["sweep"],
    verified: false,
    sources: [
      "third-party agent lists",
      "sweepai/sweep README (github.com/apps/sweep-ai; Sweep: issue prefix and label)",
    ],
  }),
  entry({
    id: "copilot-cli",
    name: "GitHub Copilot CLI",
    kind: "agent",
    ids: [223556219],
    verified: false,
    sources: [
      "github/copilot-cli#3177 (Co-authored-by: Copilot trailer added by default since v0.0.410)",
      "orgs/community discussion #203517 (Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>)",
    ],
  }),
  entry({
    id: "openai-code-agent",
    name: "OpenAI Codex agent (Agent HQ)",
    kind: "agent",
    logins: ["openai-code-agent[bot]"],
    ids: [242516109],
    appSlugs: ["openai-code-agent"],
    commitEmails: ["242516109+openai-code-agent[bot]@users.noreply.github.com"],
    verified: false,
    sources: [
      'shared/research/anchors-2026.md (GitHub\'s partner agent "openai code agent")',
      "public code: openai-code-agent[bot] (id 242516109) pushing codex/ branches; GraphQL node BOT_kgDODnSAjQ",
    ],
  }),
  entry({
    id: "anthropic-code-agent",
    name: "Anthropic Claude agent (Agent HQ)",
    kind: "agent",
    logins: ["anthropic-code-agent[bot]"],
    ids: [242468646],
    appSlugs: ["anthropic-code-agent"],
    commitEmails: ["242468646+anthropic-code-agent[bot]@users.noreply.github.com"],
    verified: false,
    sources: [
      'shared/research/anchors-2026.md (GitHub\'s partner agent "anthropic code agent")',
      "public code: app/anthropic-code-agent (assignee Claude, claude/ branches); GraphQL node BOT_kgDODnPHJg",
    ],
  }),
  entry({
    id: "kiro",
    name: "Kiro autonomous agent",
    kind: "agent",
    logins: ["kiro-agent[bot]"],
    appSlugs: ["kiro-agent"],
    branchPrefixes: ["kiro/"],
    bodyPatterns: ["app.kiro.dev/session/", "created by @kiro-agent on behalf of"],
    triggerCommands: ["/kiro"],
    triggerLabels: ["kiro"],
    requesterFooters: [{ description: 'Kiro footer "on behalf of @user"', lead: "on behalf of" }],
    verified: true,
    sources: [
      "github.com/apps/kiro-agent (kiro label, /kiro command)",
      "kiro.dev/docs/autonomous-agent/github (feature branch, co-authors in every commit)",
      MERGEWARDEN,
    ],
  }),
  entry({
    id: "tembo",
    name: "Tembo",
    kind: "agent",
    logins: ["tembo[bot]"],
    appSlugs: ["tembo"],
    verified: false,
    sources: [MERGEWARDEN],
  }),
  entry({
    id: "warp",
    name: "Warp agent (Oz)",
    kind: "agent",
    commitEmails: ["oz-agent@warp.dev", "agent@warp.dev"],
    verified: false,
    sources: [
      "committed agent instructions and PR bodies found by code search (Co-Authored-By: Oz <oz-agent@warp.dev>, Warp <agent@warp.dev>)",
    ],
  }),
  entry({
    id: "qwen-code",
    name: "Qwen Code",
    kind: "agent",
    commitEmails: ["qwen-coder@alibabacloud.com"],
    verified: true,
    sources: [
      "QwenLM/qwen-code#2899 (Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com> on every commit)",
    ],
  }),
  entry({
    id: "augment-agent",
    name: "Augment agent",
    kind: "agent",
    bodyPatterns: ["pull request opened by [augment code]"],
    verified: false,
    sources: ["nsbradford/ai-devtool-leaderboard#302 body"],
  }),
  entry({
    id: "roomote",
    name: "Roo Code cloud agent (Roomote)",
    kind: "agent",
    logins: ["roomote[bot]"],
    machineUsers: ["roomote-v0"],
    verified: false,
    sources: [
      "RooCodeInc/Roo-Code#12171 release notes (PRs by @roomote-v0)",
      "third-party agent lists (roomote[bot])",
    ],
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
    // Reports itself as login "Copilot" too: told from the coding agent by its id.
    logins: ["copilot-pull-request-reviewer[bot]"],
    ids: [175728472],
    appSlugs: ["copilot-pull-request-reviewer"],
    verified: true,
    sources: [
      "erigontech/erigon commit fa8df02 and thiesgerken/carapace 463f10e (Co-authored-by: Copilot <175728472+Copilot@…> on applied review suggestions); GraphQL node BOT_kgDOCnlnWA",
      "microsoft/vscode-pull-request-github src/common/copilot.ts (COPILOT_LOGINS)",
      "code-search hits in review scripts",
    ],
  }),
  entry({
    id: "codex-connector",
    name: "OpenAI Codex connector",
    kind: "reviewer",
    logins: ["chatgpt-codex-connector[bot]"],
    ids: [199175422],
    appSlugs: ["chatgpt-codex-connector"],
    commitEmails: ["199175422+chatgpt-codex-connector[bot]@users.noreply.github.com"],
    mentionHandles: ["codex"],
    verified: true,
    sources: [
      "code-search hits for chatgpt-codex-connector[bot]",
      CHAOSS,
      "openai/codex#3188 (@codex comments)",
      "openai/git#6 and gitbutlerapp/gitbutler .mailmap (commits authored by 199175422+chatgpt-codex-connector[bot])",
    ],
  }),
  entry({
    id: "gemini-code-assist",
    name: "Gemini Code Assist",
    kind: "reviewer",
    logins: ["gemini-code-assist[bot]"],
    ids: [176961590],
    appSlugs: ["gemini-code-assist"],
    commitEmails: ["176961590+gemini-code-assist[bot]@users.noreply.github.com"],
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
  entry({
    id: "augment-review",
    name: "Augment code review",
    kind: "reviewer",
    logins: ["augmentcode[bot]"],
    ids: [185243770],
    appSlugs: ["augmentcode"],
    triggerCommands: ["augment review"],
    verified: true,
    sources: ["nsbradford/ai-devtool-leaderboard#302 (id 185243770 from the Users API)"],
  }),
  entry({
    id: "qodo",
    name: "Qodo Merge",
    kind: "reviewer",
    logins: ["qodo-code-review[bot]", "codiumai-pr-agent-pro[bot]", "qodo-merge-pro[bot]", "qodo-merge[bot]"],
    ids: [151058649],
    commitEmails: ["151058649+qodo-code-review[bot]@users.noreply.github.com"],
    verified: false,
    sources: [`${CHAOSS} (151058649: PR-Agent Pro, renamed qodo-code-review)`],
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
