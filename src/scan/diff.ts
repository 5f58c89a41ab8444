/**
 * Unified-diff reading: which lines of the new file a patch shows, their new line numbers,
 * and whether this change added them. Removed lines are dropped (they are not in the new file)
 * unless asked for, by a reader that must know what a change took away.
 */

export interface PatchLine {
  /** 1-based line number in the new file. */
  line: number;
  text: string;
  /** Added by this change ("+"), as opposed to unchanged context (" "). */
  added: boolean;
  /** Removed by this change ("-"); `line` is then the new line it stood before. Only with `{ removed: true }`. */
  removed?: true;
  /** Index of the hunk the line belongs to; lines of different hunks are separated by unseen lines. */
  hunk: number;
}

export interface ParsedPatch {
  lines: PatchLine[];
  /** True when the patch held text but no hunk header, so nothing in it could be placed. */
  unparsed: boolean;
}

const HUNK_HEADER = /^@@ -\d{1,10}(?:,(\d{1,10}))? \+(\d{1,10})(?:,(\d{1,10}))? @@/;

export function parsePatch(patch: string, options: { removed?: boolean } = {}): ParsedPatch {
  const lines: PatchLine[] = [];
  let hunk = -1;
  let newLine = 0;
  // Lines each side still owed by the current hunk; outside a hunk both are 0.
  let oldLeft = 0;
  let newLeft = 0;
  let start = 0;
  while (start <= patch.length) {
    let end = patch.indexOf("\n", start);
    if (end < 0) end = patch.length;
    let raw = patch.slice(start, end);
    start = end + 1;
    if (raw === "" && end === patch.length) break;
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);

    if (oldLeft > 0 || newLeft > 0) {
      const mark = raw.charAt(0);
      const text = raw.slice(1);
      if (mark === "+") {
        lines.push({ line: newLine++, text, added: true, hunk });
        newLeft--;
        continue;
      }
      if (mark === "-") {
        if (options.removed) lines.push({ line: newLine, text, added: false, removed: true, hunk });
        oldLeft--;
        continue;
      }
      if (mark === " " || raw === "") {
        lines.push({ line: newLine++, text, added: false, hunk });
        oldLeft--;
        newLeft--;
        continue;
      }
      if (mark === "\\") continue; // "\ No newline at end of file"
      // Anything else ends the hunk early (a truncated patch); fall through to look for a header.
      oldLeft = 0;
      newLeft = 0;
    }

    const header = HUNK_HEADER.exec(raw);
    if (header) {
      hunk++;
      oldLeft = header[1] === undefined ? 1 : Number(header[1]);
      newLine = Number(header[2]);
      newLeft = header[3] === undefined ? 1 : Number(header[3]);
      // "+0,0" (a deleted file) still needs newLine ≥ 1 for anything that might follow.
      if (newLine === 0) newLine = 1;
    }
    if (end === patch.length) break;
  }
  return { lines, unparsed: hunk < 0 && patch.trim().length > 0 };
}
