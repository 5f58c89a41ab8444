/**
 * Redaction of secrets for anything a person or a log may read. At most a 4-character public
 * prefix of a known token format survives ("ghp_", "AKIA", "sk-"); everything else is counted, never shown.
 */
import { PUBLIC_PREFIXES } from "./rules.js";

const MAX_KEPT = 4;

export function redact(secret: string): string {
  const s = String(secret);
  const prefix = PUBLIC_PREFIXES.find((p) => s.startsWith(p)) ?? "";
  const kept = s.slice(0, Math.min(prefix.length, MAX_KEPT));
  return `${kept}…[redacted ${s.length - kept.length} chars]`;
}
