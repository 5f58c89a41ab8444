/**
 * Content scanning of one PR under a budget, so one huge PR cannot hold the (synchronous) engine
 * for a minute or fill memory with findings. Files are scanned in order while their patches fit a
 * total byte budget, each patch whole (however long its lines: the scanners are linear); a file that
 * does not fit is not scanned and is returned in `unscanned`, where the engine's "unscanned files"
 * rule asks a human to look (fail closed, never a silent pass). The head-file contents some files
 * carry (workflows, package.json) have a budget of their own: a content that does not fit is left
 * out (null), as when GitHub gives none; a file its scan could not read fully (a workflow that
 * could not be followed whole) is returned in `unscanned` too.
 * Findings are capped per PR: the most severe are kept, always including the most severe of each
 * kind, so whatever a policy blocks on is never the part left out; one low-severity
 * `scan-truncated` note says how many were omitted.
 */
import type { ChangedFile } from "../facts/model.js";
import { scanFile } from "../scan/index.js";
import type { FileScan, Finding, Severity } from "../scan/model.js";

export interface ScanBudget {
  /** Total UTF-8 bytes of patches scanned per PR. */
  maxBytes: number;
  /** Total UTF-8 bytes of head-file contents (`ChangedFile.content`) read along with the patches per PR. */
  maxContentBytes: number;
  /** Findings kept per PR, before the one note about the rest. */
  maxFindings: number;
}

export const DEFAULT_SCAN_BUDGET: ScanBudget = {
  maxBytes: 8 * 1024 * 1024,
  // Workflows are parsed as YAML (about 1.5 MB/s), so their budget is smaller than the patches'.
  maxContentBytes: 2 * 1024 * 1024,
  maxFindings: 500,
};

export interface BudgetedScans {
  /** Scans of the files that were scanned, by path. */
  scans: Map<string, FileScan>;
  /** Paths of files with a patch that were not scanned (budget used up) or not fully (`FileScan.incomplete`). */
  unscanned: string[];
}

const RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

interface Pooled {
  finding: Finding;
  /** Position in file-then-line order, so kept findings are reported in the order they were found. */
  order: number;
}

/**
 * The `max` findings to keep: by severity (earlier first among equals); then the most severe of
 * any kind left out takes the place of the least severe kept one of a kind that keeps another.
 */
function select(pool: readonly Pooled[], max: number): Pooled[] {
  if (pool.length <= max) return [...pool];
  const ranked = [...pool].sort(
    (a, b) => RANK[a.finding.severity] - RANK[b.finding.severity] || a.order - b.order,
  );
  const kept = ranked.slice(0, max);
  const count = new Map<string, number>();
  for (const p of kept) count.set(p.finding.kind, (count.get(p.finding.kind) ?? 0) + 1);
  let slot = kept.length - 1;
  for (const p of ranked.slice(max)) {
    if (count.has(p.finding.kind)) continue;
    // The least severe kept finding whose kind keeps another one makes room.
    while (slot >= 0 && (count.get(kept[slot]?.finding.kind ?? "") ?? 0) < 2) slot--;
    const out = kept[slot];
    if (!out) break;
    count.set(out.finding.kind, (count.get(out.finding.kind) ?? 0) - 1);
    count.set(p.finding.kind, 1);
    kept[slot--] = p;
  }
  return kept;
}

/**
 * Scans `files` in order within `budget`. `scan` scans one file (default `scanFile`; the engine
 * may pass a cached one); results it returns are never modified. A removed file adds no line, so
 * it holds nothing to scan; a file without a patch is left to the engine's rule for those.
 */
export function scanWithinBudget(
  files: readonly ChangedFile[],
  budget: Partial<ScanBudget> = {},
  scan: (file: ChangedFile) => FileScan = scanFile,
): BudgetedScans {
  const { maxBytes, maxContentBytes, maxFindings } = { ...DEFAULT_SCAN_BUDGET, ...budget };
  const categories = new Map<string, string[]>();
  const unscanned: string[] = [];
  let bytes = 0;
  let contentBytes = 0;
  let pool: Pooled[] = [];
  let order = 0;
  let omitted = 0;
  let firstOmitted: Pooled | undefined;
  const prune = () => {
    const kept = select(pool, maxFindings);
    const keep = new Set(kept);
    for (const p of pool) {
      if (keep.has(p)) continue;
      omitted++;
      if (!firstOmitted || p.order < firstOmitted.order) firstOmitted = p;
    }
    pool = kept;
  };

  for (const file of files) {
    if (file.patch === null || file.status === "removed") continue;
    const size = Buffer.byteLength(file.patch, "utf8");
    if (bytes + size > maxBytes) {
      unscanned.push(file.path);
      continue;
    }
    bytes += size;
    let scanned = file;
    if (typeof file.content === "string") {
      const contentSize = Buffer.byteLength(file.content, "utf8");
      if (contentBytes + contentSize <= maxContentBytes) contentBytes += contentSize;
      else scanned = { ...file, content: null };
    }
    const result = scan(scanned);
    if (result.incomplete !== undefined) unscanned.push(file.path);
    categories.set(file.path, result.categories);
    for (const finding of result.findings) pool.push({ finding, order: order++ });
    // Pruning at twice the cap keeps memory bounded by the cap, not by what a PR can hold.
    if (pool.length > 2 * maxFindings) prune();
  }
  prune();

  const byPath = new Map<string, Finding[]>();
  for (const { finding } of pool.sort((a, b) => a.order - b.order)) {
    const list = byPath.get(finding.path);
    if (list) list.push(finding);
    else byPath.set(finding.path, [finding]);
  }
  if (firstOmitted) {
    const { path, line } = firstOmitted.finding;
    const note: Finding = {
      kind: "secret",
      rule: "scan-truncated",
      path,
      line,
      severity: "low",
      message: `${omitted} more finding${omitted === 1 ? "" : "s"} in this pull request ${omitted === 1 ? "is" : "are"} not listed: at most ${maxFindings} are kept, the most severe first.`,
      excerpt: "",
    };
    byPath.set(path, [...(byPath.get(path) ?? []), note]);
  }
  const scans = new Map<string, FileScan>();
  for (const [path, cats] of categories)
    scans.set(path, { findings: byPath.get(path) ?? [], categories: cats });
  return { scans, unscanned };
}
