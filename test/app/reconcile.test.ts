import { describe, expect, it } from "vitest";
import { staleness } from "../../src/app/reconcile.js";
import type { OpenPull } from "../../src/github/open-pulls.js";

const pr = (over: Partial<OpenPull>): OpenPull => ({
  owner: "acme",
  repo: "app",
  number: 1,
  url: "https://github.com/acme/app/pull/1",
  updatedAt: "2026-12-01T10:00:00Z",
  headSha: "a".repeat(40),
  run: { completed: true, completedAt: "2026-12-01T10:05:00Z" },
  ...over,
});

describe("which open PRs reconciliation evaluates", () => {
  it("leaves a PR alone whose completed run is newer than its last change", () => {
    expect(staleness(pr({}), undefined)).toBeNull();
  });

  it("evaluates a head with no run of ours (a webhook lost in a crash) or one left in progress", () => {
    expect(staleness(pr({ run: null }), undefined)).toMatch(/no agent-policy run/);
    expect(staleness(pr({ run: { completed: false, completedAt: null } }), undefined)).toMatch(
      /not completed/,
    );
    // In progress stays worth a look every pass: a required check may have finished since.
    expect(
      staleness(pr({ run: { completed: false, completedAt: null } }), "2026-12-01T10:00:00Z"),
    ).not.toBeNull();
  });

  it("evaluates a PR that changed after its run once per change, not every pass", () => {
    const changed = pr({ updatedAt: "2026-12-01T11:00:00Z" });
    expect(staleness(changed, undefined)).toMatch(/changed after its run/);
    expect(staleness(changed, "2026-12-01T11:00:00Z")).toBeNull();
    expect(staleness(pr({ updatedAt: "2026-12-01T12:00:00Z" }), "2026-12-01T11:00:00Z")).not.toBeNull();
  });
});
