/**
 * Fills the generated sections of README.md from the code, so the documented default policy,
 * categories and built-in promotion patterns can never drift from what the app does.
 * Run: npx tsx scripts/gen-readme.ts   (test/readme.test.ts fails when the README is stale)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CATALOG, CATALOG_VERSION, type CatalogEntry } from "../src/catalog/agents.js";
import { COMMANDS, HOLD_LABELS, PROTECTED_LABELS } from "../src/engine/promotion-patterns.js";
import { BUILTIN_CATEGORIES, DEFAULT_POLICY_YAML } from "../src/policy/index.js";

export const README = fileURLToPath(new URL("../README.md", import.meta.url));

const list = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(", ");

/** Markdown table cell text: no pipes or line breaks from the data. */
const cell = (text: string) => text.replaceAll("|", "\\|").replace(/\s+/g, " ");

/** How an entry is recognised: accounts (strong) first, then markers (weak). */
function recognisedBy(e: CatalogEntry): string {
  const parts = [
    e.logins.length + e.machineUsers.length > 0 && `accounts ${list([...e.logins, ...e.machineUsers])}`,
    e.ids.length > 0 && `ids ${e.ids.join(", ")}`,
    e.commitEmails.length > 0 && `emails ${list(e.commitEmails)}`,
    e.trailerNames.length + e.trailerNamePrefixes.length > 0 &&
      `trailer names ${list([...e.trailerNames, ...e.trailerNamePrefixes.map((p) => `${p}…`)])}`,
    e.trailerKeys.length + e.trailerValues.length > 0 &&
      `trailers ${list([...e.trailerKeys, ...e.trailerValues])}`,
    e.nameSuffixes.length > 0 && `name suffixes ${list(e.nameSuffixes)}`,
    e.branchPrefixes.length > 0 && `branches ${list(e.branchPrefixes)}`,
    e.platformLabels.length > 0 && `labels at opening ${list(e.platformLabels)}`,
    e.bodyPatterns.length > 0 && `PR body ${list(e.bodyPatterns)}`,
  ].filter((p): p is string => typeof p === "string");
  return cell(parts.join("; "));
}

export function generatedSections(): Record<string, string> {
  return {
    "default-policy": ["```yaml", DEFAULT_POLICY_YAML.trimEnd(), "```"].join("\n"),
    categories: [
      "| category | globs (minimatch, dot files included, case-insensitive) |",
      "| --- | --- |",
      ...Object.entries(BUILTIN_CATEGORIES).map(
        ([name, globs]) => `| ${name} | ${list(globs).replaceAll("|", "\\|")} |`,
      ),
    ].join("\n"),
    catalog: [
      `Catalog version ${CATALOG_VERSION}; ${CATALOG.length} entries. Accounts (logins, ids — also read from \`ID+login@users.noreply.github.com\` — and emails) are strong evidence; everything else is a weak marker.`,
      "",
      "| entry | kind | recognised by | verified | sources |",
      "| --- | --- | --- | --- | --- |",
      ...CATALOG.map(
        (e) =>
          `| ${cell(e.name)} | ${e.kind} | ${recognisedBy(e)} | ${e.verified ? "yes" : "no"} | ${cell(e.sources.join("; "))} |`,
      ),
    ].join("\n"),
    "promotion-builtins": [
      `- **Protected labels**: ${list(PROTECTED_LABELS)} (plus \`promotion.labels\`).`,
      `- **Hold labels**: ${list(HOLD_LABELS)}.`,
      `- **Commands** (at the start of a line, outside code blocks and quotes): ${list(COMMANDS)} (plus \`promotion.commands\`).`,
      "",
      "Matching is case-insensitive, labels compare ignoring `-`, `_` and spaces (`auto-merge` is `automerge`),",
      "and a trailing `*` matches any continuation.",
    ].join("\n"),
  };
}

export function render(readme: string): string {
  let out = readme;
  for (const [name, body] of Object.entries(generatedSections())) {
    const re = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(out)) throw new Error(`README.md has no ${name} section markers`);
    out = out.replace(re, (_m, start: string, end: string) => `${start}${body}\n${end}`);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, render(readFileSync(README, "utf8")));
  console.log("README.md generated sections updated");
}
