/**
 * Changes that govern promotion by what they change, not by their path: package.json's `renovate`
 * key (Renovate obeys it like its own config file) and workflows or actions that approve or merge
 * pull requests. Such a file is in the governance category, like a merge bot's config. Linear in
 * the text it reads: single-pass readers and bounded patterns.
 */
import type { ChangedFile } from "../facts/model.js";
import { parsePatch } from "./diff.js";
import { isWorkflowPath } from "./workflow/hazards.js";

/** Whether this change to `file` governs promotion (read from its patch and, when known, its whole head text). */
export function governsPromotion(file: Pick<ChangedFile, "path" | "patch" | "content">): boolean {
  if (file.patch === null || file.patch === undefined) return false;
  const patch = String(file.patch);
  const content = file.content ?? undefined;
  if (isPackageJson(file.path) && changesRenovateConfig(patch, content)) return true;
  return isWorkflowPath(file.path) && changesPromotingWorkflow(patch, content);
}

// package.json: Renovate reads its configuration from the top-level `renovate` key.

const isPackageJson = (path: string) => /(?:^|\/)package\.json$/i.test(path);

/** JSON's `\uXXXX` escapes decoded, so `"renov\u0061te"` reads as the key JSON.parse (and Renovate) sees. */
function unescapeJson(text: string): string {
  return text.includes("\\u")
    ? text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : text;
}

/** A `"renovate"` key whose value is not a plain string (a string is a dependency's version, not config). */
const RENOVATE_KEY = /"renovate"\s*:(?!\s*")/;
const RENOVATE_OPENER = /"renovate"\s*:\s*\{/;
/** Renovate options that let it merge on its own, named on a changed line (used when the block cannot be located). */
const RENOVATE_PROMOTION_OPTION =
  /"(?:platform)?automerge\w{0,32}"\s*:|"(?:ignoreTests|requiredStatusChecks|autoApprove)"\s*:/i;

interface LineRange {
  start: number;
  end: number;
}

/**
 * The line ranges (1-based, inclusive: from the key's line to the end of its value) of every
 * top-level member named `wanted` of a JSON object, in one string-aware pass; keys are compared as
 * JSON.parse decodes them. Null when the text is not a JSON object this pass can read to its end
 * (then the caller falls back to the patch).
 */
export function topLevelRanges(json: string, wanted: string): LineRange[] | null {
  const ranges: LineRange[] = [];
  let line = 1;
  let depth = 0;
  let expectKey = false;
  let key: string | null = null;
  let keyLine = 0;
  let capture: LineRange | null = null;
  let seenRoot = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 34) {
      // A string: find its end, skipping escapes.
      const from = i;
      let j = i + 1;
      while (j < json.length) {
        const d = json.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === 34 || d === 10) break;
        else j++;
      }
      if (j >= json.length || json.charCodeAt(j) !== 34) return null; // unterminated
      if (depth === 1 && expectKey) {
        const raw = json.slice(from + 1, j);
        key = raw.includes("\\") ? decodeKey(json.slice(from, j + 1)) : raw;
        keyLine = line;
        expectKey = false;
      }
      i = j;
      continue;
    }
    if (c === 123 || c === 91) {
      if (depth === 0) {
        if (seenRoot || c !== 123) return null;
        seenRoot = true;
        expectKey = true;
      }
      depth++;
      continue;
    }
    if (c === 125 || c === 93) {
      depth--;
      if (depth < 0) return null;
      if (capture && depth <= 1) {
        capture.end = line;
        ranges.push(capture);
        capture = null;
      }
      continue;
    }
    if (depth === 1) {
      if (c === 58 /* : */ && key !== null) {
        if (key === wanted) capture = { start: keyLine, end: keyLine };
        key = null;
      } else if (c === 44 /* , */) {
        if (capture) {
          // A member whose value was not an object or array ends here.
          capture.end = line;
          ranges.push(capture);
          capture = null;
        }
        expectKey = true;
      }
    }
  }
  return depth === 0 && seenRoot ? ranges : null;
}

/** True when lines `from` and `to` fall in one of `ranges` (sorted and disjoint: a binary search). */
function within(ranges: readonly LineRange[], from: number, to: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid] as LineRange;
    if (from < r.start) hi = mid - 1;
    else if (from > r.end) lo = mid + 1;
    else return to <= r.end;
  }
  return false;
}

function decodeKey(quoted: string): string | null {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null;
  }
}

/**
 * True when the change touches the `renovate` configuration of a package.json: adds or removes the
 * key, or adds or removes a line inside its value. With the head file, the key's line range is found
 * exactly; without it (or when it is not readable JSON), the patch is read: a changed line naming the
 * key, a changed line the hunk's own lines show to be inside the block, or a changed line setting one
 * of Renovate's auto-merge options.
 */
function changesRenovateConfig(patch: string, content: string | undefined): boolean {
  const diff = parsePatch(patch, { removed: true }).lines;
  const found = content === undefined ? null : topLevelRanges(content, "renovate");
  if (found) {
    // Members come in order; two on one line share it, so touching ranges are merged.
    const ranges: LineRange[] = [];
    for (const r of found) {
      const last = ranges[ranges.length - 1];
      if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
      else ranges.push({ ...r });
    }
    return diff.some((d) =>
      d.added
        ? within(ranges, d.line, d.line)
        : // A removed line between head lines p-1 and p is inside when both neighbours are.
          d.removed && (within(ranges, d.line - 1, d.line) || RENOVATE_KEY.test(unescapeJson(d.text))),
    );
  }
  // Without the file: the patch alone. Depths are tracked on each side of the diff, per hunk.
  let hunk = -1;
  const sides = { old: new BlockTracker(), new: new BlockTracker() };
  for (const d of diff) {
    if (d.hunk !== hunk) {
      hunk = d.hunk;
      sides.old = new BlockTracker();
      sides.new = new BlockTracker();
    }
    const text = unescapeJson(d.text);
    if (d.added || d.removed) {
      const side = d.added ? sides.new : sides.old;
      if (side.inside || RENOVATE_KEY.test(text) || RENOVATE_PROMOTION_OPTION.test(text)) return true;
      side.read(text);
    } else {
      sides.old.read(text);
      sides.new.read(text);
    }
  }
  return false;
}

/** Whether the lines read so far (of one side of one hunk) are inside a `"renovate": {` block. */
class BlockTracker {
  private depth = 0;
  get inside(): boolean {
    return this.depth > 0;
  }
  read(text: string): void {
    let from = 0;
    if (this.depth === 0) {
      const open = RENOVATE_OPENER.exec(text);
      if (!open) return;
      from = open.index + open[0].length;
      this.depth = 1;
    }
    let inString = false;
    for (let i = from; i < text.length && this.depth > 0; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 92) i++;
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) this.depth--;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Workflows and actions that approve or merge pull requests govern promotion like a merge bot's config.

/** `uses:` references, one or several per line (flow-style YAML). */
const USES = /\buses\s{0,8}:\s{0,8}["']?([^\s"'@#,}\]]{1,256})/g;
/** Action names that say they approve or merge pull requests (hmarr/auto-approve-action, pascalgn/automerge-action, …). */
const PROMOTING_ACTION =
  /auto-?approv|approve-?(?:pull-?requests?|prs?)\b|auto-?merge|merge-?(?:pull-?requests?|prs?|me|dependabot|bots?)\b|(?:pull-?requests?|pr)-?merge|merge-?queue/i;
/** Shell, REST, GraphQL and octokit spellings of approving or merging a pull request. */
const PROMOTING_CALLS: readonly RegExp[] = [
  /\bgh\s{1,16}pr\s{1,16}merge\b/, // gh pr merge [--auto]
  /\bgh\s{1,16}pr\s{1,16}review\b[^\n]{0,512}?(?:\s--approve\b|\s-a\b)/, // gh pr review --approve / -a
  /(?:^|\s)--approve(?:[\s=]|$)/, // … a continued `gh pr review \` line
  /\bevent["']?\s{0,8}[:=]\s{0,8}["']?APPROVE\b/i, // REST/octokit/GraphQL review event APPROVE
  /\/pulls\/[^/\n]{1,80}\/merge\b/, // PUT /repos/{owner}/{repo}/pulls/{n}/merge
  /\bpulls\.merge\s{0,8}\(/, // github.rest.pulls.merge(…)
  /\b(?:enablePullRequestAutoMerge|mergePullRequest|enqueuePullRequest)\b/, // GraphQL mutations
];

/** True when the text (a line, or a whole workflow) approves or merges pull requests. */
export function approvesOrMerges(text: string): boolean {
  USES.lastIndex = 0;
  for (let m = USES.exec(text); m; m = USES.exec(text)) if (PROMOTING_ACTION.test(m[1] ?? "")) return true;
  return PROMOTING_CALLS.some((re) => re.test(text));
}

/**
 * True when the change edits a workflow that approves or merges pull requests. With the head file:
 * the workflow does so and the change adds or removes any line of it (widening an `if:` is enough).
 * Without it: a line that does so is added, or a hunk changes lines next to one it shows.
 */
function changesPromotingWorkflow(patch: string, content: string | undefined): boolean {
  const diff = parsePatch(patch, { removed: true }).lines;
  if (content !== undefined) return diff.some((d) => d.added || d.removed) && approvesOrMerges(content);
  let hunk = -1;
  let changed = false;
  let promoting = false;
  for (const d of diff) {
    if (d.hunk !== hunk) {
      hunk = d.hunk;
      changed = false;
      promoting = false;
    }
    if (d.added || d.removed) changed = true;
    // Only the new file's lines count: deleting an auto-merge step is not a promotion.
    if (!d.removed && !promoting) promoting = approvesOrMerges(d.text);
    if (changed && promoting) return true;
  }
  return false;
}
