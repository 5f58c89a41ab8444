/**
 * Redacts every secret-shaped value in free text (a command comment, a branch name, a rendered
 * check run) so nothing the app prints or logs can repeat a credential, whatever it came from.
 */
import { redact } from "./redact.js";
import { findSecrets } from "./secrets.js";

/** Lines longer than this are cut before scanning; a secret is never that long, and the cut is marked. */
const MAX_LINE = 16_384;

export function redactText(text: string): string {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    if (line.length > MAX_LINE) line = `${line.slice(0, MAX_LINE)}…`;
    const hits = findSecrets(line, lines[i + 1]);
    if (hits.length === 0) {
      lines[i] = line;
      continue;
    }
    let out = "";
    let from = 0;
    for (const hit of [...hits].sort((a, b) => a.start - b.start)) {
      if (hit.start < from) continue;
      out += line.slice(from, hit.start) + redact(hit.secret);
      from = hit.end;
    }
    lines[i] = out + line.slice(from);
  }
  return lines.join("\n");
}
