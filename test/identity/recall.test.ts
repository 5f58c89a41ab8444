/**
 * The catalog on real public PRs (test/identity/prs): each labelled agent named at its target
 * recall, and people's pre-2023 PRs not taken for agents'. bench/identity.ts prints the figures.
 */
import { describe, expect, it } from "vitest";
import { labelledPrs } from "./fixtures.js";
import { MAX_FALSE_POSITIVE_RATE, score, TARGETS } from "./score.js";

describe("agent identification on real public PRs", () => {
  const { agents, humans } = score();

  it("holds at least 20 PRs per major agent and 200 people's PRs from before 2023, each with a source", () => {
    for (const agent of Object.keys(TARGETS))
      expect(agents.find((a) => a.agent === agent)?.total, agent).toBeGreaterThanOrEqual(20);
    expect(humans.total).toBeGreaterThanOrEqual(200);
    for (const pr of labelledPrs()) {
      expect(pr.source, pr.url).not.toBe("");
      if (pr.truth === "human") expect(pr.created_at < "2023-01-01", pr.url).toBe(true);
    }
  });

  for (const [agent, target] of Object.entries(TARGETS)) {
    it(`names ${agent} in at least ${target.recall * 100} % of its PRs (${target.kind})`, () => {
      const s = agents.find((a) => a.agent === agent);
      expect(s && s.found / s.total, `missed: ${s?.missed.join(", ")}`).toBeGreaterThanOrEqual(target.recall);
    });
  }

  it(`takes at most ${MAX_FALSE_POSITIVE_RATE * 100} % of people's PRs for an agent's or a bot's`, () => {
    expect(humans.flagged.length / humans.total, `flagged: ${humans.flagged.join(", ")}`).toBeLessThanOrEqual(
      MAX_FALSE_POSITIVE_RATE,
    );
  });
});
