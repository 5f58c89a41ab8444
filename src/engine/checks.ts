/**
 * Required checks on the head commit (SPEC §4). A check is met by the latest completed run with
 * that name whose conclusion is success (neutral and skipped do not count), or by a success status
 * when no App is pinned. With an App pinned, a run or status of that name from anywhere else is
 * spoofed: it never counts and is reported. Unpinned, a run or status the PR's own author or agent
 * posted cannot certify it either: that is the PR grading itself.
 */
import type { Actor, AppRef, CheckRun, PrFacts } from "../facts/model.js";
import type { RequiredCheck } from "../policy/model.js";
import type { CheckResult, Violation } from "./decision.js";

const FAILED = new Set(["failure", "cancelled", "timed_out", "action_required", "startup_failure", "stale"]);

/** Who may not certify this PR: its author and its agents (decided by the caller, which knows the catalog). */
export interface SelfCertification {
  status(creator: Actor | null): boolean;
  run(app: AppRef | null): boolean;
}

export function evaluateCheck(
  req: RequiredCheck,
  facts: PrFacts,
  self: SelfCertification,
): { result: CheckResult; spoofs: Violation[] } {
  const pinned = req.app?.toLowerCase();
  const spoofs: Violation[] = [];
  const own = (what: string, actor: string | null): Violation => ({
    kind: "spoofed_check",
    actor,
    evidence: `${what}, which is the PR certifying itself; it does not count`,
    clears:
      "clears when the self-posted check or status is gone from the head commit; the check must come from CI, not from the PR's author or agent",
  });
  const named = facts.checkRuns.filter((c) => {
    if (c.name !== req.name) return false;
    if (pinned || !self.run(c.app)) return true;
    spoofs.push(
      own(
        `check run \`${req.name}\` was posted by the PR's own agent app \`${c.app?.slug}\``,
        c.app?.slug ?? null,
      ),
    );
    return false;
  });
  const statuses = facts.statuses.filter((s) => {
    if (s.context !== req.name) return false;
    if (pinned || !self.status(s.creator)) return true;
    spoofs.push(
      own(
        `commit status \`${req.name}\` was set by the PR's own author or agent \`${s.creator?.login}\``,
        s.creator?.login ?? null,
      ),
    );
    return false;
  });
  const fromApp = pinned ? named.filter((c) => c.app?.slug.toLowerCase() === pinned) : named;
  if (pinned) {
    for (const c of named) {
      if (c.app?.slug.toLowerCase() === pinned) continue;
      spoofs.push(
        spoof(
          req,
          `check run \`${req.name}\` was posted by ${c.app ? `app \`${c.app.slug}\`` : "an unknown source"}`,
          c.app?.slug ?? null,
        ),
      );
    }
    for (const s of statuses) {
      spoofs.push(
        spoof(
          req,
          `commit status \`${req.name}\` was set by ${s.creator ? `\`${s.creator.login}\`` : "an unknown account"}`,
          s.creator?.login ?? null,
        ),
      );
    }
  }
  const latest = latestPerApp(fromApp);
  const base = { name: req.name, ...(req.app ? { app: req.app } : {}) };
  const failed = latest.find(
    (c) => c.status === "completed" && c.conclusion !== null && FAILED.has(c.conclusion),
  );
  if (failed)
    return { result: { ...base, state: "failed", detail: `concluded ${failed.conclusion}` }, spoofs };
  const ok = latest.find((c) => c.status === "completed" && c.conclusion === "success");
  if (ok && latest.every((c) => c.status === "completed"))
    return { result: { ...base, state: "met", detail: "succeeded" }, spoofs };
  if (latest.some((c) => c.status !== "completed"))
    return { result: { ...base, state: "pending", detail: "still running" }, spoofs };
  if (latest.length > 0) {
    const c = latest[0] as CheckRun;
    return {
      result: {
        ...base,
        state: "failed",
        detail: `concluded ${c.conclusion ?? "without a conclusion"}, which does not count`,
      },
      spoofs,
    };
  }
  if (!pinned && statuses.length > 0) {
    const s = statuses[statuses.length - 1];
    if (s?.state === "success")
      return { result: { ...base, state: "met", detail: "status succeeded" }, spoofs };
    if (s?.state === "pending")
      return { result: { ...base, state: "pending", detail: "status pending" }, spoofs };
    return { result: { ...base, state: "failed", detail: `status ${s?.state}` }, spoofs };
  }
  if (spoofs.length > 0)
    return {
      result: {
        ...base,
        state: "spoofed",
        detail: pinned
          ? `only posted by the wrong source; must come from app \`${req.app}\``
          : "only posted by the PR's own author or agent",
      },
      spoofs,
    };
  return { result: { ...base, state: "missing", detail: "not reported yet" }, spoofs };
}

/** The newest run per App: a re-run supersedes the run it repeats. */
function latestPerApp(runs: readonly CheckRun[]): CheckRun[] {
  const byApp = new Map<string, CheckRun>();
  for (const r of runs) byApp.set(r.app?.slug.toLowerCase() ?? "", r);
  return [...byApp.values()];
}

function spoof(req: RequiredCheck, what: string, actor: string | null): Violation {
  return {
    kind: "spoofed_check",
    actor,
    evidence: `${what}, but the policy requires it from app \`${req.app}\`; it does not count`,
    clears:
      "clears when the impostor check or status is gone from the head commit (push a new commit); the real check must come from the pinned app",
  };
}

/**
 * Checks named like this app's own can only be forgeries: the app never posts statuses, and the
 * gatherer leaves the app's own check run out of the facts, so any run by that name is someone else's.
 */
export function ownNameSpoofs(facts: PrFacts, ownName: string): Violation[] {
  const clears = "clears when the forgery is gone from the head commit (push a new commit)";
  const statuses = facts.statuses
    .filter((s) => s.context.toLowerCase() === ownName)
    .map((s) => ({
      kind: "spoofed_check" as const,
      actor: s.creator?.login ?? null,
      evidence: `commit status \`${s.context}\` (${s.state}) was set by ${s.creator ? `\`${s.creator.login}\`` : "an unknown account"}; agent-policy reports only through its own check run`,
      clears,
    }));
  const runs = facts.checkRuns
    .filter((c) => c.name.toLowerCase() === ownName)
    .map((c) => ({
      kind: "spoofed_check" as const,
      actor: c.app?.slug ?? null,
      evidence: `a check run named \`${c.name}\` was posted by ${c.app ? `app \`${c.app.slug}\`` : "an unknown source"}, not by agent-policy`,
      clears,
    }));
  return [...statuses, ...runs];
}
