/**
 * Whole files at the head commit for the scanners that need more than a patch shows, read through
 * GraphQL ten at a time. A blob is immutable, so each (repository, head, path) is read once and
 * cached; a file GitHub truncates, calls binary or does not have gets content null, and the
 * scanners fall back to its patch (a workflow then needs a human: it could not be followed whole).
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { PrFacts } from "../facts/model.js";
import { commitCache, repoKey } from "./commit-cache.js";
import { asGatherError } from "./gather-errors.js";
import { parseShape } from "./gather-shape.js";
import { CONTENT_SLOTS, FILE_CONTENTS_QUERY } from "./query.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** At most this many files per PR are read whole; the rest are scanned from their patches. */
export const MAX_WHOLE_FILES = 50;
/** Larger files are scanned from their patches. */
export const MAX_WHOLE_FILE_BYTES = 512 * 1024;

const blob = z
  .object({
    __typename: z.string(),
    text: z.string().nullish(),
    isTruncated: z.boolean().optional(),
    isBinary: z.boolean().nullish(),
    byteSize: z.number().int().nonnegative().optional(),
  })
  .nullable();
const answer = z.object({ repository: z.record(z.string(), blob) });

/** "" marks a file known to have no usable content, so it is not asked for again. */
const cache = commitCache<string>(32 * 1024 * 1024, (text) => text.length);

function textOf(node: z.infer<typeof blob>): string {
  if (node?.__typename !== "Blob" || node.isTruncated || node.isBinary || typeof node.text !== "string")
    return "";
  return (node.byteSize ?? 0) > MAX_WHOLE_FILE_BYTES ? "" : node.text;
}

export async function fetchWholeFiles(
  octokit: Octokit,
  target: { owner: string; repo: string; number: number },
  facts: PrFacts,
  paths: readonly string[],
): Promise<PrFacts> {
  const sha = facts.head.sha;
  // Paths keep their case: `CI.yml` and `ci.yml` are two files, and each is read for itself.
  const keyOf = (path: string) => `${repoKey(target)}@${sha.toLowerCase()}:${path}`;
  const wanted = paths.slice(0, MAX_WHOLE_FILES);
  const missing = wanted.filter((p) => !cache.has(keyOf(p)));
  const doing = `reading whole workflow and package files of ${target.owner}/${target.repo}#${target.number}`;
  for (let i = 0; i < missing.length; i += CONTENT_SLOTS) {
    const batch = missing.slice(i, i + CONTENT_SLOTS);
    const vars: Record<string, string | null> = {};
    for (let slot = 0; slot < CONTENT_SLOTS; slot++) {
      const path = batch[slot];
      vars[`e${slot}`] = path === undefined ? null : `${sha}:${path}`;
    }
    let data: unknown;
    try {
      data = await octokit.graphql(FILE_CONTENTS_QUERY, { owner: target.owner, repo: target.repo, ...vars });
    } catch (err) {
      throw asGatherError(err, doing);
    }
    const { repository } = parseShape(answer, data, doing);
    for (const [slot, path] of batch.entries())
      cache.set(keyOf(path), textOf(repository[`f${slot}`] ?? null));
  }
  const contents = new Map(wanted.map((p) => [p, cache.get(keyOf(p)) || null]));
  return {
    ...facts,
    files: facts.files.map((f) =>
      contents.has(f.path) ? { ...f, content: contents.get(f.path) ?? null } : f,
    ),
  };
}
