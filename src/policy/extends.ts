/**
 * `_extends` chains: each file names the policy it builds on. The core is pure; fetching a base
 * file is injected, so the app reads from GitHub and tests from a table. Each file is validated
 * on its own (errors carry its own name), and the chain is bounded and checked for cycles.
 */
import type { PolicyError } from "./errors.js";
import { type ParsedPolicy, parsePolicyFile } from "./parse.js";
import { type PolicyRef, parseExtends, refName, refOfSource } from "./policy-ref.js";
import { locate } from "./yaml-source.js";

/** Reads a base policy; null when it does not exist. */
export type Fetcher = (ref: PolicyRef) => Promise<{ text: string; source: string } | null>;

/** How many bases a policy may stack on top of itself. */
export const MAX_EXTENDS_DEPTH = 5;

export type ChainResult = { ok: true; files: ParsedPolicy[] } | { ok: false; errors: PolicyError[] };

/**
 * The entry file and where it lives: `home` names its repository and path when `source` does not
 * (a local file read by the command line), for `_extends: repo` and cycle detection.
 */
export interface PolicyEntry {
  text: string;
  source: string;
  home?: PolicyRef;
}

/** The entry file followed by its bases, most specific first. */
export async function resolveChain(entry: PolicyEntry, fetch?: Fetcher): Promise<ChainResult> {
  const first = parsePolicyFile(entry.text, entry.source);
  if (!first.ok) return first;
  const files = [first.parsed];
  let home = entry.home ?? refOfSource(entry.source);
  const seen = [home ? refName(home).toLowerCase() : entry.source];

  for (;;) {
    const current = files.at(-1) as ParsedPolicy;
    const value = current.raw._extends;
    if (value === undefined) return { ok: true, files };
    const fail = (message: string): ChainResult => ({
      ok: false,
      errors: [locate(current.source, { path: ["_extends"], message })],
    });

    const parsed = parseExtends(value);
    if (typeof parsed === "string") return fail(parsed);
    const owner = parsed.owner ?? home?.owner;
    if (owner === undefined) {
      return fail(
        `\`_extends: ${value}\` names no owner and ${current.source.file} is not in a known repository; write \`owner/${parsed.repo}\``,
      );
    }
    const ref: PolicyRef = { owner, repo: parsed.repo, path: parsed.path };
    const name = refName(ref);
    if (seen.includes(name.toLowerCase())) {
      return fail(`\`_extends\` makes a cycle: ${[...seen, name.toLowerCase()].join(" → ")}`);
    }
    if (files.length > MAX_EXTENDS_DEPTH) {
      return fail(`\`_extends\` chain is longer than ${MAX_EXTENDS_DEPTH} bases; flatten it`);
    }
    if (!fetch)
      return fail(`cannot follow \`_extends: ${value}\` here: base policies are only read from GitHub`);

    // A fault reading the base is GitHub's, not the policy's: it propagates, so the app fails the
    // check as an API fault and does not cache it as an invalid policy.
    const fetched = await fetch(ref);
    if (fetched === null) return fail(`the base policy ${name} does not exist`);
    const next = parsePolicyFile(fetched.text, fetched.source);
    if (!next.ok) return next;
    files.push(next.parsed);
    seen.push(name.toLowerCase());
    home = ref;
  }
}
