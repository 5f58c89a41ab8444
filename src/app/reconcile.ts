/**
 * Reconciliation, at start-up and then periodically: find the open PRs whose head has no completed
 * `agent-policy` run from this App, or whose PR changed after the run was written, and evaluate
 * them. It recovers what a crash lost (webhooks acknowledged but never evaluated), what another
 * replica lost when it died, and writes that never landed after their retries ran out.
 */
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import { errorReason } from "../github/enforce.js";
import { type OpenPull, openPulls, repositoriesWithOpenWork } from "../github/open-pulls.js";
import type { Metrics } from "./metrics.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Why `pr` needs evaluating now, or null when its run on the head is current. */
export function staleness(pr: OpenPull, lastReconciled: string | undefined): string | null {
  if (pr.run === null) return "no agent-policy run on the head";
  if (!pr.run.completed) return "the run on the head is not completed";
  const written = pr.run.completedAt === null ? Number.NaN : Date.parse(pr.run.completedAt);
  if (Date.parse(pr.updatedAt) <= written) return null;
  // Our own enforcement (a label removed, a comment) also moves updatedAt: evaluate once per change.
  if (lastReconciled === pr.updatedAt) return null;
  return "the pull request changed after its run was written";
}

export interface ReconcileDeps {
  appId: number;
  /** The app's installations (not suspended). */
  installations(): Promise<number[]>;
  /** An installation octokit, bounded and counted like an evaluation's. */
  octokitFor(installation: number): Promise<Octokit>;
  /**
   * Schedule an evaluation of `pr` (coalesced with any other for the same PR); `landed` is called
   * once it has written its verdict, so a PR whose writes keep failing is tried again next pass.
   */
  evaluate(installation: number, pr: OpenPull, why: string, landed: () => void): void;
  log: Logger;
  metrics: Metrics;
}

export class Reconciler {
  /** PR → the `updatedAt` it was last reconciled at. */
  readonly #seen = new LRUCache<string, string>({ max: 50_000 });
  #running: Promise<void> | null = null;

  constructor(readonly deps: ReconcileDeps) {}

  /** One pass over every installation; a pass already running is joined, not doubled. */
  run(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #pass(): Promise<void> {
    const { log } = this.deps;
    let installations: number[];
    try {
      installations = await this.deps.installations();
    } catch (error) {
      log.error({ reason: errorReason(error) }, "reconciliation could not list the app's installations");
      return;
    }
    let scheduled = 0;
    for (const installation of installations) {
      try {
        scheduled += await this.#installation(installation);
      } catch (error) {
        log.error(
          { installation, reason: errorReason(error) },
          "reconciliation could not read an installation",
        );
      }
    }
    log.info({ installations: installations.length, scheduled }, "reconciliation pass finished");
  }

  async #installation(installation: number): Promise<number> {
    const octokit = await this.deps.octokitFor(installation);
    let scheduled = 0;
    for (const where of await repositoriesWithOpenWork(octokit)) {
      for (const pr of await openPulls(octokit, where, this.deps.appId)) {
        const key = `${installation}:${pr.owner}/${pr.repo}#${pr.number}`.toLowerCase();
        const why = staleness(pr, this.#seen.get(key));
        if (why === null) continue;
        this.deps.metrics.inc("agent_policy_reconciled_total", {
          reason: pr.run === null ? "no_run" : "stale",
        });
        this.deps.evaluate(installation, pr, why, () => this.#seen.set(key, pr.updatedAt));
        scheduled++;
      }
    }
    return scheduled;
  }
}
