/**
 * One evaluation of a large PR: 3,000 files (with patches), 250 commits, 100 reviews, 30 rules.
 * Prints median and p95 times and peak heap growth for
 *  - steady state: the PR evaluated again (every review, label or check event does this), with the
 *    per-policy path memo and the scan cache warm;
 *  - cold: a first evaluation with new patch contents and a freshly loaded policy.
 * Run: npx tsx bench/evaluate.ts
 */
import { evaluate } from "../src/engine/evaluate.js";
import type { PrFacts } from "../src/facts/model.js";
import { loadPolicy } from "../src/policy/index.js";

const HEAD = "f".repeat(40);
const DIRS = [
  "src/api",
  "src/auth",
  "src/ui",
  "infra/terraform",
  ".github/workflows",
  "docs",
  "services/billing",
  "test",
  "lib",
  "pkg",
];

function largePr(variant = 0): PrFacts {
  const files = Array.from({ length: 3000 }, (_, i) => {
    const dir = DIRS[i % DIRS.length];
    const lines = Array.from(
      { length: 20 },
      (_, j) => `+const value${j} = computeSomething(${i}, "${dir}", ${j}); // line ${j} v${variant}`,
    );
    return {
      path: `${dir}/module${i}/file${i}.${i % 7 === 0 ? "yml" : "ts"}`,
      status: "modified" as const,
      additions: 20,
      deletions: 0,
      patch: `@@ -1,0 +1,20 @@\n${lines.join("\n")}`,
    };
  });
  const commits = Array.from({ length: 250 }, (_, i) => {
    const who = { name: `dev${i % 20}`, email: `dev${i % 20}@acme.dev`, login: `dev${i % 20}` };
    return {
      sha: i === 249 ? HEAD : i.toString(16).padStart(40, "0"),
      message: `Change ${i}\n\nSome explanation of the change.\n\nCo-authored-by: Claude <noreply@anthropic.com>`,
      author: who,
      committer: who,
      coAuthors: [],
      verified: true,
    };
  });
  const reviews = Array.from({ length: 100 }, (_, i) => ({
    id: `r${i}`,
    author: { login: `reviewer${i % 40}`, type: "User" as const },
    state: (i % 5 === 0 ? "COMMENTED" : "APPROVED") as "COMMENTED" | "APPROVED",
    commitSha: i % 3 === 0 ? "0".repeat(40) : HEAD,
    submittedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    body: "",
    authorCanPush: true,
  }));
  const c = (n: number) => ({ reported: n, fetched: n });
  return {
    repo: { owner: "acme", name: "app", defaultBranch: "main" },
    number: 1,
    title: "Large change",
    body: "Generated with [Claude Code](https://claude.com/claude-code)",
    bodyEditedBy: null,
    author: { login: "Copilot", type: "Bot" },
    state: "open",
    draft: false,
    base: { ref: "main", sha: "b".repeat(40) },
    head: { ref: "copilot/big", sha: HEAD, repoFullName: "acme/app" },
    commits,
    files,
    reviews,
    labels: ["enhancement"],
    comments: [],
    timeline: [],
    checkRuns: [
      { name: "CodeQL", status: "completed", conclusion: "success", app: { slug: "github-actions" } },
    ],
    statuses: [],
    autoMerge: null,
    people: {},
    counts: {
      files: c(3000),
      commits: c(250),
      reviews: c(100),
      comments: c(0),
      timeline: c(0),
      labels: c(1),
      checks: c(1),
    },
    gaps: [],
  };
}

function policyYaml(): string {
  const rules = Array.from({ length: 30 }, (_, i) => {
    const cond = [
      "author: [agent, bot]",
      "categories: [auth, secrets, infra, ci]",
      `paths: ["${DIRS[i % DIRS.length]}/**", "**/*.md"]`,
      'base: ["main", "release/**"]',
    ][i % 4];
    return `  - name: rule-${i}\n    if: { ${cond} }\n    require:\n      approvals: ${1 + (i % 3)}\n      checks: [{ name: CodeQL, app: github-actions }]`;
  });
  return `version: 1\ncategories:\n  billing: { paths: ["services/billing/**"] }\nrules:\n${rules.join("\n")}\n`;
}

async function load() {
  const loaded = await loadPolicy({ text: policyYaml(), source: "bench" });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.policy;
}

function report(label: string, times: number[]): void {
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(1);
  console.log(
    `  ${label.padEnd(13)} runs ${String(times.length).padStart(2)}  median ${at(0.5)} ms  p95 ${at(0.95)} ms  min ${at(0)} ms`,
  );
}

console.log("evaluate(): 3,000 files with patches (60,000 added lines), 250 commits, 100 reviews, 30 rules");
const policy = await load();
const facts = largePr();
for (let i = 0; i < 5; i++) evaluate(policy, facts);
const before = process.memoryUsage().heapUsed;
let peak = before;
const warm: number[] = [];
for (let i = 0; i < 60; i++) {
  const t = performance.now();
  evaluate(policy, facts);
  warm.push(performance.now() - t);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}
const cold: number[] = [];
for (let i = 1; i <= 8; i++) {
  const fresh = largePr(i);
  const freshPolicy = await load();
  const t = performance.now();
  evaluate(freshPolicy, fresh);
  cold.push(performance.now() - t);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}
report("steady state", warm);
report("cold", cold);
console.log(
  `  verdict ${evaluate(policy, facts).verdict}; peak heap growth ${((peak - before) / 1024 / 1024).toFixed(1)} MiB; rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`,
);
