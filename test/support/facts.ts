/** Builders for PR facts in tests: a plausible open PR, overridden where a test cares. */
import type { Actor, ChangedFile, Commit, PrFacts, Review } from "../../src/facts/model.js";

export const user = (login: string): Actor => ({ login, type: "User" });
export const bot = (login: string): Actor => ({ login, type: "Bot" });

export const HEAD = "1111111111111111111111111111111111111111";

export function file(path: string, extra: Partial<ChangedFile> = {}): ChangedFile {
  return { path, status: "modified", additions: 1, deletions: 0, patch: "@@ -1 +1 @@\n+x", ...extra };
}

export function commit(extra: Partial<Commit> = {}): Commit {
  const id = { name: "Alice", email: "alice@example.com", login: "alice" };
  return {
    sha: HEAD,
    message: "change",
    author: id,
    committer: id,
    coAuthors: [],
    verified: false,
    ...extra,
  };
}

export function review(login: string, extra: Partial<Review> = {}): Review {
  return {
    id: `r-${login}`,
    author: user(login),
    state: "APPROVED",
    commitSha: HEAD,
    submittedAt: "2026-01-02T00:00:00Z",
    body: "",
    authorCanPush: true,
    ...extra,
  };
}

export function facts(overrides: Partial<PrFacts> = {}): PrFacts {
  const base: PrFacts = {
    repo: { owner: "acme", name: "app", defaultBranch: "main" },
    number: 7,
    title: "Change",
    body: "",
    bodyEditedBy: null,
    author: user("alice"),
    state: "open",
    draft: false,
    base: { ref: "main", sha: "0000000000000000000000000000000000000000" },
    head: { ref: "feature", sha: HEAD, repoFullName: "acme/app" },
    commits: [commit()],
    files: [file("src/index.ts")],
    reviews: [],
    labels: [],
    comments: [],
    timeline: [],
    checkRuns: [],
    statuses: [],
    autoMerge: null,
    people: {},
    counts: {
      files: { reported: 1, fetched: 1 },
      commits: { reported: 1, fetched: 1 },
      reviews: { reported: 0, fetched: 0 },
      comments: { reported: 0, fetched: 0 },
      timeline: { reported: 0, fetched: 0 },
      labels: { reported: 0, fetched: 0 },
      checks: { reported: 0, fetched: 0 },
    },
    gaps: [],
  };
  const merged = { ...base, ...overrides };
  // Keep counts consistent with the arrays unless a test sets them on purpose.
  if (!overrides.counts) {
    const c = (n: number) => ({ reported: n, fetched: n });
    merged.counts = {
      files: c(merged.files.length),
      commits: c(merged.commits.length),
      reviews: c(merged.reviews.length),
      comments: c(merged.comments.length),
      timeline: c(merged.timeline.length),
      labels: c(merged.labels.length),
      checks: c(merged.checkRuns.length + merged.statuses.length),
    };
  }
  return merged;
}
