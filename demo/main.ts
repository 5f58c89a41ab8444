/**
 * `npm run demo`: example agent PRs gated end to end on this machine, no GitHub account needed.
 * Starts the GitHub stand-in and the real app server on 127.0.0.1, seeds five example PRs, delivers
 * each one's signed webhook, waits for the app, and prints what a correct gate decides next to the
 * check run the app wrote and anything it undid or said on the PR.
 */
import { runDoctor } from "../src/cli/doctor.js";
import type { CheckRunRecord, PullRequestRecord, Scenario } from "../tools/github-standin/index.js";
import { installationToken, scenarios } from "../tools/github-standin/index.js";
import { type Gate, startGate } from "./harness.js";

const tty = process.stdout.isTTY === true;
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[22m` : s);

/** The check run's markdown as plain terminal text: no hidden markers, HTML or emphasis marks. */
function terminalText(markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<summary>([\s\S]*?)<\/summary>/g, "$1")
    .replace(/<br\s*\/?>/g, " ")
    .replace(/<\/?(sub|details|code)>/g, "")
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

const indent = (text: string, by = "    ") =>
  text
    .split("\n")
    .map((line) => (line ? by + line : line))
    .join("\n");

/** What the app did on the PR besides its check run, as GitHub's timeline and comments show it. */
function actionsOn(gate: Gate, pr: PullRequestRecord): string[] {
  const bot = `${gate.standIn.store.app(gate.standIn.appId).slug}[bot]`;
  const lines: string[] = [];
  for (const event of pr.timeline) {
    if (event.actor !== bot) continue;
    if (event.kind === "unlabeled") lines.push(`removed label \`${event.label}\``);
    else if (event.kind === "labeled") lines.push(`restored label \`${event.label}\``);
    else if (event.kind === "auto_merge_disabled") lines.push("disabled auto-merge");
    else if (event.kind === "removed_from_merge_queue") lines.push("removed the PR from the merge queue");
    else lines.push(event.kind.replace(/_/g, " "));
  }
  for (const comment of pr.comments) {
    if (comment.author !== bot) continue;
    lines.push(
      `commented${comment.lastEditedAt ? " (edited in place)" : ""}:\n${indent(terminalText(comment.body), "  ")}`,
    );
  }
  return lines;
}

function report(gate: Gate, scenario: Scenario, index: number): boolean {
  const { store } = gate.standIn;
  const pr = store.pull(scenario.repo, scenario.number);
  const runs = store.ownCheckRuns().filter((r) => r.repo === scenario.repo && r.headSha === pr.head.sha);
  const run: CheckRunRecord | undefined = runs.at(-1);
  const expected = scenario.expected.split(":", 1)[0];
  const matches = run?.conclusion === expected;

  console.log(bold(`\n━━ ${index + 1}. ${scenario.title}`));
  console.log(
    dim(`   ${scenario.repo}#${scenario.number} · head ${pr.head.sha.slice(0, 7)} · by @${pr.author}`),
  );
  console.log(`\n   A correct gate decides: ${scenario.expected}`);
  if (!run) {
    console.log("\n   ✘ the app wrote no agent-policy check run on the head commit");
    return false;
  }
  console.log(
    `\n   Check run ${bold(run.name)}: ${bold(String(run.conclusion ?? run.status))} ${matches ? "✔ as expected" : `✘ expected ${expected}`}`,
  );
  console.log(`   Title: ${run.output.title ?? ""}\n`);
  console.log(indent(terminalText(run.output.summary ?? "")));
  if (run.output.annotations.length > 0) {
    console.log("\n   Annotations:");
    for (const a of run.output.annotations) {
      console.log(
        `    - ${a.annotation_level} ${a.path}:${a.start_line} ${a.title ? `${a.title}: ` : ""}${a.message}`,
      );
    }
  }
  const actions = actionsOn(gate, pr);
  console.log(`\n   Actions on the PR:${actions.length === 0 ? " none" : ""}`);
  for (const action of actions) console.log(`    - ${action}`);
  return matches;
}

/** What `agent-policy doctor --repo` prints for a demo repository, which nothing protects yet. */
async function doctorOf(gate: Gate, fullName: string): Promise<void> {
  const [owner = "", repo = ""] = fullName.split("/");
  const { standIn } = gate;
  const token = await installationToken(standIn, standIn.store.repo(fullName).installationId ?? 0);
  const { text } = await runDoctor({ owner, repo, appSlug: "agent-policy", token, apiUrl: standIn.baseUrl });
  console.log(bold(`\n━━ agent-policy doctor --repo ${fullName}`));
  console.log(indent(text.trimEnd()));
}

async function main(): Promise<number> {
  const started = Date.now();
  console.log(
    bold("agent-policy demo: the real app server against a local GitHub stand-in (127.0.0.1 only)"),
  );
  const gate = await startGate();
  try {
    console.log(dim(`GitHub stand-in ${gate.standIn.url} · app server ${gate.server.url}`));
    const seeded = scenarios.seedAllScenarios(gate.standIn.store);
    console.log(
      `Seeded ${seeded.length} example PRs in org "acme"; no repository has a policy file, so the built-in default policy applies.`,
    );
    for (const scenario of seeded) {
      const event = scenario.event();
      const answer = await gate.deliver(event);
      if (answer.status !== 200)
        throw new Error(`the app answered ${answer.status} to ${event.name} for ${scenario.repo}`);
    }
    console.log(`Delivered ${seeded.length} signed webhooks; waiting for the app to evaluate them…`);
    await gate.settle(45_000);
    const results = seeded.map((scenario, i) => report(gate, scenario, i));
    await doctorOf(gate, seeded[0]?.repo ?? "");
    const agreed = results.filter(Boolean).length;
    console.log(
      bold(`\n${agreed} of ${seeded.length} decisions match what a correct gate decides.`) +
        dim(
          ` ${gate.standIn.requests.entries.length} GitHub API requests, ${gate.audit.length} audit records, ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        ),
    );
    return 0;
  } finally {
    await gate.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
