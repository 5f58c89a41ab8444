/**
 * Recall per agent and false positives on people's PRs, for the labelled real PRs: the figures the
 * catalog is held to (bench/identity.ts prints them; recall.test.ts keeps them within target).
 */
import { CATALOG } from "../../src/catalog/agents.js";
import { identify } from "../../src/engine/identify.js";
import { defaultPolicy } from "../../src/policy/load.js";
import { factsOf, labelledPrs } from "./fixtures.js";

/** The catalog entries that count as naming each labelled agent (one vendor's several identities). */
export const NAMED_BY: Record<string, readonly string[]> = {
  "copilot-coding-agent": ["copilot-coding-agent"],
  devin: ["devin"],
  cursor: ["cursor"],
  "claude-code": ["claude-code", "claude-github-app", "anthropic-code-agent"],
  "codex-cloud": ["codex-cloud", "codex-connector", "codex-cli", "openai-code-agent"],
};

/** Agents recognised by their GitHub account (target 95 %) and by markers only (target 85 %). */
export const TARGETS: Record<string, { kind: "account" | "markers"; recall: number }> = {
  "copilot-coding-agent": { kind: "account", recall: 0.95 },
  devin: { kind: "account", recall: 0.95 },
  cursor: { kind: "account", recall: 0.95 },
  "claude-code": { kind: "markers", recall: 0.85 },
  "codex-cloud": { kind: "markers", recall: 0.85 },
};
export const MAX_FALSE_POSITIVE_RATE = 0.01;

export interface AgentScore {
  agent: string;
  total: number;
  found: number;
  missed: string[];
}

export function score(): { agents: AgentScore[]; humans: { total: number; flagged: string[] } } {
  const policy = defaultPolicy();
  const names = new Map(CATALOG.map((e) => [e.name, e.id]));
  const agents = new Map<string, AgentScore>();
  const humans = { total: 0, flagged: [] as string[] };
  for (const pr of labelledPrs()) {
    const identity = identify(policy, factsOf(pr));
    if (pr.truth === "human") {
      humans.total++;
      if (identity.kind !== "human") humans.flagged.push(pr.url);
      continue;
    }
    const s = agents.get(pr.truth) ?? { agent: pr.truth, total: 0, found: 0, missed: [] };
    agents.set(pr.truth, s);
    s.total++;
    const named = identity.agents.some((a) => NAMED_BY[pr.truth]?.includes(names.get(a.name) ?? ""));
    if (identity.kind === "agent" && named) s.found++;
    else s.missed.push(pr.url);
  }
  return { agents: [...agents.values()], humans };
}
