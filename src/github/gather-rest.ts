/**
 * The REST reads GraphQL cannot do: file patches (kept per base and head commit), files named by
 * `_extends`, and the issue timeline with Copilot's `copilot_work_started` event and the App
 * attribution of labels and comments (`performed_via_github_app`; GitHub's GraphQL schema has
 * neither), read only when they could change the decision (engine/attribution.ts).
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { Actor, AppRef, ChangedFile, PrFacts, TimelineEvent } from "../facts/model.js";
import { commitCache, repoKey } from "./commit-cache.js";
import { asGatherError, GatherError, httpStatus, PASSING_GAP } from "./gather-errors.js";
import { byTime } from "./gather-map.js";
import { parseShape } from "./gather-shape.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
interface Target {
  owner: string;
  repo: string;
  number: number;
}

/** GitHub lists at most 3,000 files of a PR, 100 a page. */
const MAX_FILE_PAGES = 30;
/** A bound on the timeline read, so a huge conversation cannot hold an evaluation forever. */
const MAX_TIMELINE_PAGES = 30;

const restFile = z.object({
  filename: z.string().min(1),
  status: z.enum(["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  patch: z.string().optional(),
  previous_filename: z.string().optional(),
  /** `…/contents/<path>?ref=<commit>`: the commit GitHub listed the file at (the head). */
  contents_url: z.string().optional(),
});

/**
 * The file lists read, by repository, PR, base and head commit. GitHub lists a PR's files as the
 * diff between the merge base of base and head and the head, so the two commits determine it:
 * an evaluation of an unchanged PR lists nothing again, and a push or a new base misses.
 */
const listings = commitCache<readonly ChangedFile[]>(64 * 1024 * 1024, (files) =>
  files.reduce((n, f) => n + 64 + f.path.length + (f.previousPath?.length ?? 0) + (f.patch?.length ?? 0), 0),
);

const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;

/** The commit a listed file was read at, from its `contents_url`; null when it does not say. */
function listedAt(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).searchParams.get("ref")?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}

async function listFiles(
  octokit: Octokit,
  target: Target,
  doing: string,
): Promise<{ files: ChangedFile[]; refs: Set<string | null> }> {
  const files: ChangedFile[] = [];
  const refs = new Set<string | null>();
  try {
    let pages = 0;
    const params = { owner: target.owner, repo: target.repo, pull_number: target.number, per_page: 100 };
    for await (const res of octokit.paginate.iterator(octokit.rest.pulls.listFiles, params)) {
      for (const f of parseShape(z.array(restFile), res.data, doing)) {
        files.push({
          path: f.filename,
          ...(f.previous_filename !== undefined ? { previousPath: f.previous_filename } : {}),
          status: f.status,
          additions: f.additions,
          deletions: f.deletions,
          patch: f.patch ?? null,
        });
        // A removed file is not at the head; what its URL names is not relied on.
        if (f.status !== "removed") refs.add(listedAt(f.contents_url));
      }
      if (++pages >= MAX_FILE_PAGES) break;
    }
  } catch (err) {
    throw asGatherError(err, doing);
  }
  return { files, refs };
}

/**
 * The PR's files with their patches and previous paths, from REST, or from the listing already
 * read for the same base and head. When GraphQL had read the whole list and REST now lists other
 * paths, the branch moved between the two reads: that is a gap. A listing is kept for its commits
 * only when it is known to be of them: every file GitHub listed names the head GraphQL read, and
 * the two lists agree.
 */
export async function fetchPatches(octokit: Octokit, target: Target, facts: PrFacts): Promise<PrFacts> {
  const doing = `listing the changed files of ${target.owner}/${target.repo}#${target.number}`;
  const head = facts.head.sha.toLowerCase();
  const base = facts.base.sha.toLowerCase();
  const key =
    COMMIT_ID.test(head) && COMMIT_ID.test(base)
      ? `${repoKey(target)}#${target.number}@${base}..${head}`
      : null;
  const kept = key === null ? undefined : listings.get(key);
  const read = kept ? null : await listFiles(octokit, target, doing);
  const files = kept ? kept.map((f) => ({ ...f })) : (read?.files ?? []);

  const reported = facts.counts.files.reported;
  const gaps = [...facts.gaps];
  const bothComplete = facts.counts.files.fetched >= reported && files.length >= reported;
  const before = new Set(facts.files.map((f) => f.path));
  const moved = bothComplete && (files.length !== before.size || files.some((f) => !before.has(f.path)));
  if (moved) {
    gaps.push(
      `GitHub's two lists of changed files differ: the branch moved while it was read. ${PASSING_GAP}`,
    );
  }
  if (key !== null && read && !moved && read.refs.size === 1 && read.refs.has(head)) {
    listings.set(
      key,
      read.files.map((f) => ({ ...f })),
    );
  }
  return { ...facts, files, counts: { ...facts.counts, files: { reported, fetched: files.length } }, gaps };
}

/**
 * Reads `path` at the default branch of `owner/repo` (no ref: GitHub's default), for `_extends`.
 * 404 means there is no such file; any other failure is an error, never "no file".
 */
export function policyFetcher(
  octokit: Octokit,
): (ref: { owner: string; repo: string; path: string }) => Promise<{ text: string; source: string } | null> {
  return async ({ owner, repo, path }) => {
    const source = `${owner}/${repo}:${path}`;
    let data: unknown;
    try {
      data = (await octokit.rest.repos.getContent({ owner, repo, path, mediaType: { format: "raw" } })).data;
    } catch (err) {
      if (httpStatus(err) === 404) return null;
      throw asGatherError(err, `reading ${source}`);
    }
    if (typeof data === "string") return { text: data, source };
    if (data instanceof ArrayBuffer) {
      try {
        return { text: new TextDecoder("utf-8", { fatal: true }).decode(data), source };
      } catch {
        throw new GatherError(`${source} is not UTF-8 text`);
      }
    }
    throw new GatherError(`${source} is not a file (GitHub listed a directory or another kind of entry)`);
  };
}

const restActor = z.object({ login: z.string().min(1), type: z.string(), id: z.number().int() });
const restApp = z.object({ slug: z.string(), id: z.number().int() });
const restEvent = z.object({
  event: z.string(),
  id: z.number().int().optional(),
  created_at: z.string().optional(),
  actor: restActor.nullish(),
  performed_via_github_app: restApp.nullish(),
  label: z.object({ name: z.string() }).optional(),
});

function restActorOf(actor: z.infer<typeof restActor> | null | undefined): Actor | null {
  if (!actor) return null;
  const type =
    actor.type === "User" || actor.type === "Bot" || actor.type === "Organization" ? actor.type : "Unknown";
  return { login: actor.login, type, id: actor.id };
}

export interface RestTimeline {
  /** `copilot_work_started` events: their actor is the human who asked Copilot for the work. */
  events: TimelineEvent[];
  /** App attribution of label changes, by `labelKey`. */
  labelApps: Map<string, AppRef>;
  /** App attribution of comments, by comment id. */
  commentApps: Map<string, AppRef>;
  /** Set when the timeline was longer than was read. */
  gap: string | null;
}

/** Matches a REST label event to the GraphQL one: same change, same label, same instant. */
export const labelKey = (kind: string, label: string, at: string) => `${kind}|${label}|${Date.parse(at)}`;

export async function readRestTimeline(octokit: Octokit, target: Target): Promise<RestTimeline> {
  const doing = `reading the timeline of ${target.owner}/${target.repo}#${target.number}`;
  const out: RestTimeline = { events: [], labelApps: new Map(), commentApps: new Map(), gap: null };
  try {
    let pages = 0;
    const params = { owner: target.owner, repo: target.repo, issue_number: target.number, per_page: 100 };
    for await (const res of octokit.paginate.iterator(octokit.rest.issues.listEventsForTimeline, params)) {
      for (const e of parseShape(z.array(restEvent), res.data, doing)) {
        const app = e.performed_via_github_app
          ? { slug: e.performed_via_github_app.slug, id: e.performed_via_github_app.id }
          : null;
        if (e.event === "copilot_work_started") {
          if (!e.created_at)
            throw new GatherError(`GitHub gave a copilot_work_started event without a time while ${doing}`);
          out.events.push({ kind: "copilot_work_started", actor: restActorOf(e.actor), at: e.created_at });
        } else if ((e.event === "labeled" || e.event === "unlabeled") && app && e.label && e.created_at) {
          out.labelApps.set(labelKey(e.event, e.label.name, e.created_at), app);
        } else if (e.event === "commented" && app && e.id !== undefined) {
          out.commentApps.set(String(e.id), app);
        }
      }
      if (++pages >= MAX_TIMELINE_PAGES && /rel="next"/.test(res.headers.link ?? "")) {
        out.gap = `The timeline of this PR is longer than ${MAX_TIMELINE_PAGES * 100} events; only the first ${MAX_TIMELINE_PAGES * 100} were read.`;
        break;
      }
    }
  } catch (err) {
    throw asGatherError(err, doing);
  }
  return out;
}

/**
 * Facts with what the REST timeline adds: the App behind each label change and comment (matched
 * to GraphQL's by label, kind and time, and by comment id), Copilot's work-started events, and a
 * gap when the timeline was longer than was read.
 */
export function withRestTimeline(facts: PrFacts, rest: RestTimeline): PrFacts {
  const attributed = facts.timeline
    .filter((e) => e.kind !== "copilot_work_started")
    .map((e) =>
      e.kind === "labeled" || e.kind === "unlabeled"
        ? { ...e, viaApp: rest.labelApps.get(labelKey(e.kind, e.label, e.at)) ?? e.viaApp }
        : e,
    );
  return {
    ...facts,
    timeline: byTime([...attributed, ...rest.events], (e) => e.at),
    comments: facts.comments.map((c) => ({ ...c, viaApp: rest.commentApps.get(c.id) ?? c.viaApp })),
    gaps: rest.gap ? [...facts.gaps, rest.gap] : facts.gaps,
  };
}

/** Reads the REST timeline and adds what it says to the facts (see `withRestTimeline`). */
export async function readAppAttribution(octokit: Octokit, target: Target, facts: PrFacts): Promise<PrFacts> {
  return withRestTimeline(facts, await readRestTimeline(octokit, target));
}
