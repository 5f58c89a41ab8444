/**
 * The labelled set of real public PRs (prs/*.jsonl): what each PR's public metadata says (author,
 * commit authors and messages, branch where known, labels with who added them and when, body), and
 * which agent made it — or "human" for PRs from before 2023. See README.md here for the sources.
 */
import { readdirSync, readFileSync } from "node:fs";
import { z } from "zod";
import type { Actor, Commit, PrFacts, TimelineEvent } from "../../src/facts/model.js";

const actorType = z.enum(["User", "Bot"]);
const record = z.strictObject({
  url: z.string().url(),
  truth: z.string().min(1),
  source: z.string().min(1),
  created_at: z.string().min(1),
  author: z.strictObject({ login: z.string().min(1), type: actorType }),
  title: z.string(),
  body: z.string(),
  head_ref: z.string().nullable(),
  labels: z.array(
    z.strictObject({
      name: z.string().min(1),
      actor: z.string().nullable(),
      actor_type: actorType.nullable(),
      at: z.string().nullable(),
    }),
  ),
  commits: z.array(
    z.strictObject({
      author_login: z.string().nullable(),
      author_name: z.string().nullable(),
      author_email: z.string().nullable(),
      committer_login: z.string().nullable(),
      message: z.string(),
    }),
  ),
});
export type LabelledPr = z.infer<typeof record>;

const DIR = new URL("./prs/", import.meta.url);

export function labelledPrs(): LabelledPr[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .flatMap((file) =>
      readFileSync(new URL(file, DIR), "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line, i) => {
          const parsed = record.safeParse(JSON.parse(line));
          if (!parsed.success) throw new Error(`prs/${file}:${i + 1}: ${parsed.error.issues[0]?.message}`);
          return parsed.data;
        }),
    );
}

const sha = (n: number) => n.toString(16).padStart(40, "0");
const typed = (login: string, type: "User" | "Bot" | null): Actor => ({
  login,
  type: type ?? (login.endsWith("[bot]") ? "Bot" : "User"),
});

/** The PR as the app would see it: only what the public metadata holds, nothing made up. */
export function factsOf(pr: LabelledPr): PrFacts {
  const commits: Commit[] = pr.commits.map((c, i) => ({
    sha: sha(i + 1),
    message: c.message,
    author: { name: c.author_name ?? "", email: c.author_email ?? "", login: c.author_login },
    committer: { name: "", email: "", login: c.committer_login },
    coAuthors: [],
    verified: false,
  }));
  const head = commits.at(-1)?.sha ?? sha(99);
  const timeline: TimelineEvent[] = pr.labels.map((l) => ({
    kind: "labeled",
    label: l.name,
    actor: l.actor ? typed(l.actor, l.actor_type) : null,
    viaApp: null,
    at: l.at ?? pr.created_at,
  }));
  const count = (n: number) => ({ reported: n, fetched: n });
  const [owner = "", name = ""] = new URL(pr.url).pathname.split("/").slice(1, 3);
  return {
    repo: { owner, name, defaultBranch: "main" },
    number: Number(new URL(pr.url).pathname.split("/")[4]),
    title: pr.title,
    body: pr.body,
    bodyEditedBy: null,
    author: typed(pr.author.login, pr.author.type),
    createdAt: pr.created_at,
    state: "open",
    draft: false,
    base: { ref: "main", sha: sha(0) },
    head: { ref: pr.head_ref ?? "", sha: head, repoFullName: `${owner}/${name}` },
    commits,
    files: [],
    reviews: [],
    labels: [...new Set(pr.labels.map((l) => l.name))],
    comments: [],
    timeline,
    checkRuns: [],
    statuses: [],
    autoMerge: null,
    people: {},
    counts: {
      files: count(0),
      commits: count(commits.length),
      reviews: count(0),
      comments: count(0),
      timeline: count(timeline.length),
      labels: count(new Set(pr.labels.map((l) => l.name)).size),
      checks: count(0),
    },
    gaps: [],
  };
}
