/**
 * `npx tsx bench/identity.ts`: how well the built-in catalog names the agent behind real public PRs
 * (test/identity/prs, public metadata only: author, commits, branch where known, labels, body), and
 * how often it takes a person's pre-2023 PR for an agent's. Exits 1 when a figure misses its target.
 */
import { MAX_FALSE_POSITIVE_RATE, score, TARGETS } from "../test/identity/score.js";

const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)} %`;
const { agents, humans } = score();
let failed = false;
console.log("agent                   kind      PRs  named  recall   target");
for (const a of agents.sort((x, y) => x.agent.localeCompare(y.agent))) {
  const target = TARGETS[a.agent];
  const ok = target ? a.found / a.total >= target.recall : true;
  failed ||= !ok;
  console.log(
    `${a.agent.padEnd(24)}${(target?.kind ?? "-").padEnd(10)}${String(a.total).padStart(3)}  ${String(a.found).padStart(5)}  ${pct(a.found, a.total).padStart(7)}  ≥ ${target ? `${target.recall * 100} %` : "-"}${ok ? "" : "  ✗"}`,
  );
  for (const url of a.missed) console.log(`    missed ${url}`);
}
const rate = humans.flagged.length / Math.max(1, humans.total);
failed ||= rate > MAX_FALSE_POSITIVE_RATE;
console.log(
  `\npeople's PRs before 2023: ${humans.total}, taken for an agent or bot: ${humans.flagged.length} (${pct(humans.flagged.length, humans.total)}, target ≤ ${MAX_FALSE_POSITIVE_RATE * 100} %)`,
);
for (const url of humans.flagged) console.log(`    flagged ${url}`);
process.exitCode = failed ? 1 : 0;
