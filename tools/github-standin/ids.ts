import { createHash, randomBytes } from "node:crypto";

/**
 * GitHub's legacy global node id: base64 of "<len(type)>:<type><databaseId>" (e.g. "MDQ6VXNlcjE=" for User 1).
 * Stable for a given type and id, so GraphQL `node(id:)` can decode it again.
 */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

/** Reverses nodeId; null when the string is not one of ours. */
export function parseNodeId(value: string): { type: string; id: string } | null {
  const text = Buffer.from(value, "base64").toString("utf8");
  const match = /^(\d+):(.*)$/s.exec(text);
  if (!match) return null;
  const length = Number(match[1]);
  const rest = match[2] ?? "";
  if (!Number.isInteger(length) || length <= 0 || rest.length <= length) return null;
  return { type: rest.slice(0, length), id: rest.slice(length) };
}

/** A deterministic 40-hex commit id from any seed text. */
export function fakeSha(seed: string): string {
  return createHash("sha1").update(seed).digest("hex");
}

/** The id git gives a blob, so `sha` of contents and `oid` of GraphQL blobs agree with real git. */
export function blobSha(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An installation token in GitHub's `ghs_` format, random per call. */
export function installationToken(): string {
  const bytes = randomBytes(36);
  let body = "";
  for (const byte of bytes) body += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length];
  return `ghs_${body}`;
}
