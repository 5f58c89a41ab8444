/**
 * Representative decisions for the check-run renderer: the noisy cases of issue 10 (a large agent
 * PR, a promotion chain, identical findings, an agent co-author trailer), built through the engine
 * from test facts. Shared by test/report and scripts/render-check.ts, which screenshots them.
 */
import type { Decision } from "../../src/engine/decision.js";
import { evaluate } from "../../src/engine/evaluate.js";
import type { Comment } from "../../src/facts/model.js";
import { defaultPolicy } from "../../src/policy/index.js";
import type { Policy } from "../../src/policy/model.js";
import { commit, facts, file, review, user } from "../support/facts.js";

// Built at run time so no credential-shaped literal sits in the repository.
export const AWS_KEY = `AKIA${"QX7RZ2LMN4PB5K3T"}`;

const copilot = { login: "Copilot", type: "Bot" as const };
const devin = { login: "devin-ai-integration[bot]", type: "Bot" as const };

export const SECURITY = Array.from({ length: 40 }, (_, i) => `sec-${String(i + 1).padStart(2, "0")}`);

/** The default policy plus a rule that only 40 named users or a team may satisfy. */
export function securityPolicy(): Policy {
  const policy = defaultPolicy();
  return {
    ...policy,
    rules: [
      ...policy.rules,
      {
        name: "security-review",
        if: { categories: ["auth"] },
        require: { approvals: 1, from: { users: SECURITY, teams: ["acme/security"] }, checks: [] },
      },
    ],
  };
}

/**
 * Copilot changes 120 auth files, asked by alice; 40 developers approve, none of the 40 security
 * reviewers the security rule needs.
 */
export function largeAgentPr(): Decision {
  const files = Array.from({ length: 120 }, (_, i) => file(`src/auth/module-${i}/handler.ts`));
  const reviews = [review("alice"), ...Array.from({ length: 40 }, (_, i) => review(`dev-${i + 1}`))];
  return evaluate(
    securityPolicy(),
    facts({
      author: copilot,
      files,
      reviews,
      timeline: [{ kind: "copilot_work_started", actor: user("alice"), at: "2026-01-01T00:00:00Z" }],
    }),
  );
}

function comment(id: string, login: string, body: string, at: string): Comment {
  return {
    id,
    author: { login, type: login.endsWith("[bot]") ? "Bot" : "User" },
    body,
    createdAt: at,
    lastEditedAt: null,
    editor: null,
    viaApp: null,
  };
}

/** Devin adds `automerge`, enables auto-merge and comments two deploy commands, one with a pipe. */
export function promotionChain(): Decision {
  return evaluate(
    defaultPolicy(),
    facts({
      author: devin,
      labels: ["automerge"],
      autoMerge: { enabledBy: devin, at: "2026-01-01T00:02:00Z" },
      timeline: [
        { kind: "labeled", label: "automerge", actor: devin, viaApp: null, at: "2026-01-01T00:01:00Z" },
        { kind: "auto_merge_enabled", actor: devin, at: "2026-01-01T00:02:00Z" },
      ],
      comments: [
        comment("1", devin.login, "/deploy production | tee deploy.log", "2026-01-01T00:03:00Z"),
        comment("2", devin.login, "/deploy staging", "2026-01-01T00:04:00Z"),
      ],
      reviews: [review("bob", { submittedAt: "2025-12-31T00:00:00Z" })],
    }),
  );
}

/** The same AWS key committed in three files by an agent. */
export function repeatedSecret(): Decision {
  const patch = `@@ -1,1 +1,2 @@\n context\n+const key = "${AWS_KEY}";`;
  return evaluate(
    defaultPolicy(),
    facts({
      author: devin,
      files: [file("src/a.ts", { patch }), file("src/b.ts", { patch }), file("src/c.ts", { patch })],
    }),
  );
}

/** A human's commit co-authored by Claude: the co-author identity is strong evidence, its trailer the same fact. */
export function claudeCoAuthored(): Decision {
  const claude = { name: "Claude", email: "noreply@anthropic.com", login: null };
  return evaluate(
    defaultPolicy(),
    facts({
      commits: [
        commit({
          message: "Fix the parser\n\nCo-authored-by: Claude <noreply@anthropic.com>",
          coAuthors: [claude],
        }),
      ],
      reviews: [review("bob")],
    }),
  );
}

/** Every representative decision by name, for the screenshot script. */
export const REPRESENTATIVE: Record<string, () => Decision> = {
  "large-agent-pr": largeAgentPr,
  "promotion-chain": promotionChain,
  "repeated-secret": repeatedSecret,
  "claude-co-authored": claudeCoAuthored,
};
