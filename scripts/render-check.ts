/**
 * Looks at the `agent-policy` check run as a person would: renders the summary of representative
 * decisions (every example scenario, the noisy decisions of test/report/decisions.ts, a shared
 * head, a fail-closed run) from GitHub-flavoured Markdown to HTML, screenshots each page in
 * headless Chromium, and checks what a reader would notice: Markdown in a title (GitHub shows
 * titles raw), the title repeated as the first line, a literal `\|` or backtick in the text, a
 * table cell listing more than 10 names, a table on the first screen, a flood of notices.
 *
 *   npx tsx scripts/render-check.ts [--out DIR] [--no-screenshots] [--only SUBSTRING]
 *
 * Screenshots and pages go to a new temporary directory (or DIR, which must be outside the
 * repository): never commit them. Needs a GFM renderer, `marked` or `markdown-it`, from the
 * project's node_modules or from the node_modules folder named by RENDER_CHECK_MODULES, and
 * Chromium (`apt-get install -y chromium`; CHROMIUM names another binary). Exits 1 when a check
 * fails, 2 when a tool is missing.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";
import { enforcementProblems } from "../src/engine/enforcement.js";
import { evaluate } from "../src/engine/evaluate.js";
import { scenarioFacts, scenarioSchema } from "../src/facts/scenario.js";
import { defaultPolicy, formatPolicyError, loadPolicy } from "../src/policy/index.js";
import type { Policy } from "../src/policy/model.js";
import { renderEnforcement } from "../src/report/enforcement.js";
import { type CheckRunOutput, renderDecision, renderFailure } from "../src/report/render.js";
import { sharedHeadOutput } from "../src/report/shared-head.js";
import { REPRESENTATIVE } from "../test/report/decisions.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Most names a reader takes in from one table cell. */
export const MAX_CELL_NAMES = 10;
/** Most sensitive-file notices on one run before they drown the findings. */
export const MAX_NOTICES = 10;

export interface Case {
  name: string;
  output: CheckRunOutput;
}

/** Markdown → HTML, as GitHub renders a check run's summary (GFM tables, raw HTML kept). */
export type MarkdownToHtml = (markdown: string) => string;

export class MissingTool extends Error {}

/**
 * A GFM renderer: `marked`, else `markdown-it`, from the project or from RENDER_CHECK_MODULES.
 * Neither is a dependency of the project; the error says what to install.
 */
export async function loadMarkdown(modulesDir = process.env.RENDER_CHECK_MODULES): Promise<MarkdownToHtml> {
  const bases = [
    join(ROOT, "package.json"),
    ...(modulesDir ? [join(resolve(modulesDir), "..", "x.js")] : []),
  ];
  for (const base of bases) {
    const require = createRequire(base);
    const find = (name: string): string | null => {
      try {
        return require.resolve(name);
      } catch {
        return null;
      }
    };
    const marked = find("marked");
    if (marked) {
      const mod = (await import(pathToFileURL(marked).href)) as {
        marked?: { parse(md: string, o: object): string };
        default?: { marked?: { parse(md: string, o: object): string } };
      };
      const m = mod.marked ?? mod.default?.marked;
      if (m) return (md) => m.parse(md, { gfm: true, async: false });
    }
    const markdownIt = find("markdown-it");
    if (markdownIt) {
      const mod = (await import(pathToFileURL(markdownIt).href)) as {
        default: new (o: object) => { render(md: string): string };
      };
      const md = new mod.default({ html: true, linkify: true });
      return (text) => md.render(text);
    }
  }
  throw new MissingTool(
    [
      "render-check needs a GitHub-flavoured Markdown renderer, and neither `marked` nor `markdown-it` is installed.",
      "The project does not depend on one. Either add it as a dev dependency (`npm install --save-dev marked`),",
      "or install it outside the repository and point RENDER_CHECK_MODULES at its node_modules:",
      "  npm install --prefix /tmp/render-check marked && RENDER_CHECK_MODULES=/tmp/render-check/node_modules npx tsx scripts/render-check.ts",
    ].join("\n"),
  );
}

export function findChromium(env = process.env): string {
  const candidates = [
    env.CHROMIUM,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new MissingTool(
      "render-check needs headless Chromium for its screenshots: `apt-get update && apt-get install -y chromium` (or set CHROMIUM, or pass --no-screenshots).",
    );
  return found;
}

async function scenarioPolicy(file: string, ref: string | undefined): Promise<Policy> {
  if (!ref) return defaultPolicy();
  const text = await readFile(resolve(dirname(file), ref), "utf8");
  const result = await loadPolicy({ text, source: ref });
  if (!result.ok) throw new Error(`${file}: ${result.errors.map(formatPolicyError).join("\n")}`);
  return result.policy;
}

/** The example scenarios: YAML files under examples/scenarios with top-level `pr` and `expect`. */
async function scenarioFiles(): Promise<string[]> {
  const dir = join(ROOT, "examples", "scenarios");
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out: string[] = [];
  for (const f of files) {
    const text = await readFile(join(dir, f), "utf8");
    if (/^pr:/m.test(text) && /^expect:/m.test(text)) out.push(join(dir, f));
  }
  return out;
}

/** Every example scenario's run (the shared-head ones as the app writes them), the noisy decisions, and a fail-closed run. */
export async function representativeCases(): Promise<Case[]> {
  const cases: Case[] = [];
  for (const file of await scenarioFiles()) {
    const scenario = scenarioSchema.parse(parse(await readFile(file, "utf8"), { maxAliasCount: 100 }));
    const policy = await scenarioPolicy(file, scenario.policy);
    const facts = scenarioFacts(scenario);
    const own = renderDecision(evaluate(policy, facts));
    const bases = scenario.pr.same_head_bases;
    const output =
      bases.length === 0
        ? own
        : sharedHeadOutput([
            { number: facts.number, base: facts.base.ref, output: own },
            ...bases.map((ref, i) => ({
              number: facts.number + i + 1,
              base: ref,
              output: renderDecision(evaluate(policy, { ...facts, base: { ...facts.base, ref } })),
            })),
          ]);
    cases.push({ name: `scenario-${basename(file).replace(/\.ya?ml$/, "")}`, output });
  }
  for (const [name, decide] of Object.entries(REPRESENTATIVE))
    cases.push({ name, output: renderDecision(decide()) });
  // The self-check's section at the end of a run, on a branch nothing really protects.
  const [first] = Object.values(REPRESENTATIVE);
  if (first)
    cases.push({
      name: "gate-not-enforced",
      output: renderDecision(
        first(),
        renderEnforcement(
          enforcementProblems({
            branch: "main",
            appId: 1,
            appSlug: "agent-policy",
            protection: {
              required_status_checks: {
                contexts: ["agent-policy"],
                checks: [{ context: "agent-policy", app_id: null }],
              },
              required_pull_request_reviews: {
                dismiss_stale_reviews: false,
                require_last_push_approval: false,
                bypass_pull_request_allowances: { apps: [{ id: 7, slug: "renovate", name: "Renovate" }] },
              },
            },
            rules: [],
            rulesets: {},
          }),
        ),
      ),
    });
  cases.push({
    name: "fail-closed",
    output: renderFailure("Invalid agent-policy configuration", [
      "acme/app:.github/agent-policy.yml:3:5: unknown key `rulez` (did you mean `rules`?)",
    ]),
  });
  return cases;
}

/** What a reader notices in the run's raw fields: the title as GitHub shows it, the first line, the annotations. */
export function checkOutput(o: CheckRunOutput): string[] {
  const problems: string[] = [];
  if (/`|\\\||(^|\s)\*\*\S.*?\*\*(\s|$)/.test(o.title))
    problems.push(`title shows Markdown as GitHub shows titles raw: ${o.title}`);
  if (/\n/.test(o.title)) problems.push("title spans several lines");
  if (o.title.length > 200) problems.push(`title is ${o.title.length} characters long`);
  const [first = ""] = o.summary.split("\n");
  const bare = o.title.replace(/^#\d+: /, "");
  if (bare && first.replace(/[`*]/g, "").includes(bare))
    problems.push("summary repeats the title as its first line");
  if (/Clears:\s*_?\s*Clears/i.test(o.summary)) problems.push("summary says 'Clears: Clears when'");
  if (/`[^`\n]*\\\|[^`\n]*`/.test(o.summary)) problems.push("a code span holds `\\|`, whose backslash shows");
  const notices = o.annotations.filter((a) => a.annotation_level === "notice").length;
  if (notices > MAX_NOTICES) problems.push(`${notices} notice annotations (more than ${MAX_NOTICES})`);
  return problems;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The text a browser shows for an HTML fragment: tags dropped, entities decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) =>
      e[0] === "#"
        ? String.fromCodePoint(
            e[1]?.toLowerCase() === "x" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
          )
        : (ENTITIES[e.toLowerCase()] ?? all),
    );
}

/** What a reader notices on the rendered page. */
export function checkHtml(html: string): string[] {
  const problems: string[] = [];
  const text = visibleText(html);
  if (text.includes("\\|")) problems.push("the page shows `\\|`");
  const ticks = text.split("\n").filter((l) => l.includes("`"));
  if (ticks.length > 0) problems.push(`the page shows a literal backtick: ${ticks[0]?.trim().slice(0, 120)}`);
  for (const [, cell = ""] of html.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)) {
    const names = visibleText(cell).match(/@[\w.-]+(?:\/[\w.-]+)?/g) ?? [];
    if (names.length > MAX_CELL_NAMES)
      problems.push(`a table cell lists ${names.length} names: ${visibleText(cell).slice(0, 120)}…`);
  }
  const firstDetails = html.indexOf("<details");
  // The one table that belongs above the detail: the PRs sharing the head, each with its verdict.
  const firstScreen = (firstDetails < 0 ? html : html.slice(0, firstDetails)).replace(
    /<table>\s*<thead>\s*<tr>\s*<th>PR<\/th>[\s\S]*?<\/table>/,
    "",
  );
  if (/<table/.test(firstScreen))
    problems.push("a table sits on the first screen, above the collapsed detail");
  if (/<p>\s*\|/.test(html)) problems.push("a table row did not render as a table");
  return problems;
}

const STYLE = `
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; color: #1f2328; margin: 0; padding: 16px 24px; max-width: 964px; }
h2.title { font-size: 20px; font-weight: 600; margin: 0 0 16px; padding-bottom: 8px; border-bottom: 1px solid #d1d9e0; }
.name { color: #59636e; font-size: 12px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
table { border-collapse: collapse; display: block; overflow: auto; max-width: 100%; margin: 8px 0; }
td, th { border: 1px solid #d1d9e0; padding: 6px 13px; vertical-align: top; }
tr:nth-child(2n) { background: #f6f8fa; }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
blockquote { margin: 0; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
sub { color: #59636e; }
`;

/** The page GitHub shows for a check run: its name, the title raw as a heading, the summary; `#open` unfolds every detail. */
export function page(c: Case, html: string): string {
  const title = c.output.title.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}</style></head><body>
<div class="name">agent-policy · ${c.output.conclusion ?? c.output.status}</div>
<h2 class="title">${title}</h2>
${html}
<script>if (location.hash === "#open") for (const d of document.querySelectorAll("details")) d.open = true;</script>
</body></html>`;
}

const run = promisify(execFile);

async function screenshot(chromium: string, htmlFile: string, png: string, height: number, open: boolean) {
  await run(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--no-first-run",
      `--window-size=1012,${height}`,
      `--screenshot=${png}`,
      `${pathToFileURL(htmlFile).href}${open ? "#open" : ""}`,
    ],
    { timeout: 60_000 },
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const shoot = !argv.includes("--no-screenshots");
  const only = arg("--only");
  let toHtml: MarkdownToHtml;
  let chromium = "";
  try {
    toHtml = await loadMarkdown();
    if (shoot) chromium = findChromium();
  } catch (error) {
    if (!(error instanceof MissingTool)) throw error;
    console.error(error.message);
    return 2;
  }
  const outArg = arg("--out");
  const out = outArg ? resolve(outArg) : await mkdtemp(join(tmpdir(), "agent-policy-render-check-"));
  if (!relative(ROOT, out).startsWith("..")) {
    console.error(
      `render-check writes outside the repository, not to ${out}: screenshots are never committed.`,
    );
    return 2;
  }
  await mkdir(out, { recursive: true });
  const cases = (await representativeCases()).filter((c) => !only || c.name.includes(only));
  let failed = 0;
  const index: string[] = [];
  for (const c of cases) {
    const html = toHtml(c.output.summary);
    const problems = [...checkOutput(c.output), ...checkHtml(html)];
    const file = join(out, `${c.name}.html`);
    await writeFile(file, page(c, html));
    if (shoot) {
      await screenshot(chromium, file, join(out, `${c.name}.png`), 900, false);
      await screenshot(chromium, file, join(out, `${c.name}-open.png`), 3200, true);
    }
    if (problems.length > 0) failed++;
    console.log(
      `${problems.length === 0 ? "ok  " : "FAIL"} ${c.name}${problems.map((p) => `\n     - ${p}`).join("")}`,
    );
    index.push(`<li>${problems.length === 0 ? "✅" : "❌"} <a href="${c.name}.html">${c.name}</a></li>`);
  }
  await writeFile(join(out, "index.html"), `<!doctype html><meta charset="utf-8"><ul>${index.join("")}</ul>`);
  console.log(
    `\n${cases.length - failed} of ${cases.length} check runs look right; pages${shoot ? " and screenshots (NAME.png: first screen, NAME-open.png: every detail unfolded)" : ""} in ${out}`,
  );
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
