/**
 * The Probot app: one handler per webhook event (SPEC §7). Each handler only works out which pull
 * requests the event concerns and schedules their evaluation, then returns — the webhook is
 * acknowledged at once and the evaluation runs in the background, coalesced per PR.
 *
 * Every evaluation uses an installation octokit the app builds (its own token, its own pacing per
 * installation: src/app/throttle.ts), not `context.octokit`, so one organisation's requests never
 * wait on another's.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LRUCache } from "lru-cache";
import pino, { type Logger } from "pino";
import type { ApplicationFunction, Context, Probot, ProbotOctokit } from "probot";
import { createAuditLog } from "../audit/log.js";
import { errorReason, statusOf } from "../github/enforce.js";
import { createPeopleCaches, GatherError, type PrTarget } from "../github/gather.js";
import { EnforcementCache } from "../github/protection.js";
import { Cluster, type Start } from "./cluster.js";
import { answerDeployment } from "./deployments.js";
import { type EventName, type Hint, type Intent, intentsFor } from "./events.js";
import { KeyedLock } from "./keyed-lock.js";
import { Metrics } from "./metrics.js";
import {
  type EvaluationRequest,
  evaluatePullRequest,
  failMergeGroup,
  type PipelineEnv,
  type Retry,
} from "./pipeline.js";
import { PolicyCache } from "./policies.js";
import { Reconciler } from "./reconcile.js";
import { bound, MAX_RETRIES, type RequestBudget, withTimeout } from "./requests.js";
import { RetryTimers } from "./retries.js";
import { Scheduler } from "./scheduler.js";
import { LocalPacer, Throttle } from "./throttle.js";
import { InstallationTokens, sessionAuth } from "./tokens.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
/** An installation octokit and the time budget its requests are bounded by. */
type Session = { octokit: Octokit; budget: RequestBudget };

export interface AgentPolicyOptions {
  /** Our App id, to ignore our own check runs; default `APP_ID`. */
  appId?: number;
  /** Our App slug; default: asked from GitHub (`GET /app`) once. */
  appSlug?: string;
  /** Where audit records go; default JSON lines on stdout at level info, whatever `LOG_LEVEL` says. */
  audit?: Logger;
  /** Evaluations running at once across all installations. */
  concurrency?: number;
  /** Of those, at most this many for one installation, so a flood from one org cannot starve the rest. */
  perInstallation?: number;
  /** Longest one GitHub call may take, retries and throttle waits included. */
  requestTimeoutMs?: number;
  /** Budget for reading everything an evaluation needs; the check write then gets its own. */
  evaluationTimeoutMs?: number;
  /** First wait before an evaluation that hit a fault runs again; doubles per attempt. */
  retryBaseMs?: number;
  /** Attempts after the first, at most, before waiting for the next event or reconciliation. */
  maxRetries?: number;
  /** Reconciliation at start-up and then every this many ms; 0 turns it off. */
  reconcileIntervalMs?: number;
  /** Redis that replicas share (`REDIS_URL`): PR leases, acknowledged requests, head locks, write pacing. */
  redisUrl?: string;
  /** How long a replica counts as alive after its last heartbeat; its leases then lapse and others take its work up. */
  replicaTtlMs?: number;
  /** Least time between two writes of one installation (default WRITE_SPACING_MS). */
  writeSpacingMs?: number;
}

export interface AgentPolicy {
  app: ApplicationFunction;
  /** Resolves when no evaluation is queued or running. */
  idle(): Promise<void>;
  /**
   * Stops reconciliation and drops waiting retries (the next start reconciles what they would have
   * done), waits for running evaluations, then lets go of Redis.
   */
  close(): Promise<void>;
  metrics: Metrics;
}

/** Least time between two writes of one installation: GitHub's "wait at least one second". */
export const WRITE_SPACING_MS = 1_000;
/**
 * Evaluations (and reads) of one installation at once, in one replica. Its writes go one a second
 * whatever this is; two keep the next evaluation read while one writes, and leave workers for the
 * other installations instead of holding them in the write queue.
 */
export const PER_INSTALLATION = 2;
/** Evaluations running at once in one replica; most of their time is spent waiting on GitHub. */
export const CONCURRENCY = 32;

/** How long before its installation's write turn an evaluation starts reading, until one has been timed. */
const READ_LEAD_MS = 300;

/** Default period of reconciliation. */
export const RECONCILE_INTERVAL_MS = 10 * 60_000;

/** Pull requests re-evaluated after a policy change, at most (one page). */
export const OPEN_PR_LIMIT = 100;
const WRITE_PERMISSIONS = new Set(["admin", "maintain", "write"]);

/** The webhooks handled, with their actions (none listed: every action). app.yml subscribes to exactly these. */
export const SUBSCRIPTIONS: [EventName, string[]][] = [
  [
    "pull_request",
    [
      "opened",
      "reopened",
      "synchronize",
      "edited",
      "ready_for_review",
      "labeled",
      "unlabeled",
      "auto_merge_enabled",
      "auto_merge_disabled",
      "enqueued",
      "dequeued",
      // Assigning an agent or requesting its review summons it (agent-to-agent escalation).
      "assigned",
      "unassigned",
      "review_requested",
      "review_request_removed",
    ],
  ],
  ["pull_request_review", ["submitted", "dismissed", "edited"]],
  ["issue_comment", ["created", "edited", "deleted"]],
  // A required check that is created or re-run again is pending: the gate must stop saying success.
  ["check_run", ["created", "completed", "rerequested", "requested_action"]],
  ["check_suite", ["requested", "rerequested", "completed"]],
  ["merge_group", ["checks_requested"]],
  ["status", []],
  ["push", []],
  // A deployment to an environment with this app's protection rule waits for its answer.
  ["deployment_protection_rule", ["requested"]],
  // What the check run says about how the gate is enforced is read again after these.
  ["branch_protection_rule", []],
  ["repository_ruleset", []],
];

export function createAgentPolicy(options: AgentPolicyOptions = {}): AgentPolicy {
  const metrics = new Metrics();
  let log: Logger = pino({ level: "silent" });
  const scheduler = new Scheduler({
    concurrency: options.concurrency ?? CONCURRENCY,
    perGroup: options.perInstallation ?? PER_INSTALLATION,
    onError: (key, error) => log.error({ err: error, key }, "agent-policy job failed unexpectedly"),
  });
  const retries = new RetryTimers(options.retryBaseMs ?? 2_000, options.maxRetries ?? 6);
  const depth = () => scheduler.depth + retries.pending;
  metrics.gauge("agent_policy_queue_depth", "Evaluations waiting, running or waiting to retry.", depth);
  let reconcileTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let cluster: Cluster | null = null;
  let closing = false;

  const app: ApplicationFunction = async (probot, { addHandler }) => {
    log = probot.log.child({ name: "agent-policy" });
    const appId = options.appId ?? Number(process.env.APP_ID);
    if (!Number.isInteger(appId) || appId <= 0) {
      throw new Error("agent-policy needs its GitHub App id: set APP_ID");
    }
    const audit = createAuditLog(options.audit ?? pino({ name: "agent-policy-audit", level: "info" }));
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    const evaluationTimeoutMs = options.evaluationTimeoutMs ?? 25_000;
    const localHeads = new KeyedLock();
    const env: PipelineEnv = {
      appId,
      appSlug: memo(
        async () =>
          options.appSlug ??
          (await withTimeout(appSlugFromGitHub(probot), requestTimeoutMs, "GitHub App lookup (GET /app)")),
      ),
      webUrl: webUrlOf(await probot.auth()),
      policies: new PolicyCache(),
      enforcement: new EnforcementCache(),
      people: createPeopleCaches(),
      audit,
      metrics,
      heads: {
        // In this process first, so only one of its evaluations polls Redis for a head.
        run: (head, job) =>
          localHeads.run(head, () => (cluster ? cluster.locked(`head:${head}`, job) : job())),
      },
    };

    if (options.redisUrl) {
      // One line per step every 10 s at most: while Redis is down, every evaluation would say it.
      const said = new Map<string, number>();
      const shared = new Cluster(options.redisUrl, options.replicaTtlMs ?? 30_000, (what, error) => {
        if (Date.now() - (said.get(what) ?? 0) < 10_000) return;
        said.set(what, Date.now());
        log.warn(
          { reason: errorReason(error) },
          `agent-policy could not reach Redis (${what}); this replica goes on alone`,
        );
      });
      cluster = shared;
      try {
        await shared.start();
      } catch (error) {
        // Evaluations do not need Redis: until it answers (the client keeps reconnecting), this
        // replica paces and coalesces on its own.
        log.error(
          { reason: errorReason(error) },
          "agent-policy could not connect to Redis yet: running uncoordinated until it answers",
        );
      }
    }
    const throttle = new Throttle({
      pacer: cluster ?? new LocalPacer(),
      writeSpacingMs: options.writeSpacingMs ?? WRITE_SPACING_MS,
      readConcurrency: options.perInstallation ?? PER_INSTALLATION,
      onWait: (reason, ms) => {
        metrics.inc("agent_policy_throttle_waits_total", { reason });
        metrics.inc("agent_policy_throttle_wait_seconds_total", { reason }, ms / 1000);
      },
    });

    /** The App's octokit class, with Probot's options (base URL, retries, throttling, logging). */
    const AppOctokit = (await probot.auth()).constructor as typeof ProbotOctokit;
    const tokens = new InstallationTokens(
      async (installation) => new AppOctokit({ throttle: { id: `app-token-${installation}` } }),
      requestTimeoutMs,
      (why) => metrics.inc("agent_policy_token_refreshes_total", { why }),
    );

    /**
     * An installation octokit bounded by a fresh budget, with a token the app checked (never a
     * malformed one) that is fetched again once on a 401; the token requests are bounded too.
     */
    const octokitFor = async (installation: number, onWrite?: () => void): Promise<Session> => {
      const budget: RequestBudget = {
        timeoutMs: requestTimeoutMs,
        deadline: Date.now() + evaluationTimeoutMs,
        count: 0,
      };
      const what = "GitHub installation token request";
      let token = await withTimeout(tokens.get(installation), requestTimeoutMs, what);
      const raw = new AppOctokit({
        authStrategy: sessionAuth(() => token),
        // Paced by the app's own throttle below, not Probot's (which spaces every GraphQL read like a
        // write); a 429 is the throttle's to wait out as GitHub's retry-after says.
        throttle: { enabled: false },
        retry: { retries: MAX_RETRIES, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      });
      // Per installation: one organisation's burst never waits on another's. A call's waits (a
      // hold, its write turn, a retry after a rate limit) take at most half its time in all, so
      // the call itself still fits; the budget's abort ends any wait.
      throttle.install(
        raw,
        String(installation),
        () =>
          Math.min(
            requestTimeoutMs / 2,
            budget.deadline === null ? requestTimeoutMs : budget.deadline - Date.now(),
          ),
        onWrite,
      );
      const refresh = async () => {
        token = await withTimeout(tokens.refused(installation, token), requestTimeoutMs, what);
      };
      return {
        octokit: bound(raw, budget, () => metrics.inc("agent_policy_github_requests_total"), refresh),
        budget,
      };
    };

    /** A request waiting for its PR's evaluation, with what its caller asked for. */
    interface Waiting {
      req: EvaluationRequest;
      attempt: number;
      landed: (() => void) | undefined;
      /** Whether it is recorded in Redis (false: Redis failed, or no Redis). */
      submitted: Promise<boolean>;
    }
    /** Per PR key, the newest request not yet taken up by an evaluation in this process. */
    const waiting = new Map<string, Waiting>();

    /**
     * Evaluates `req`'s PR in the background. `landed`: called once an evaluation of this request (or
     * of a retry of it) has written what it decided. With Redis the request is first recorded for the
     * whole cluster (`recorded`: it already is — a retry or a swept one) and the replica that takes the
     * PR's lease evaluates the newest request recorded; the others leave it to that one.
     */
    const scheduleEvaluation = (
      req: EvaluationRequest,
      attempt = 0,
      landed?: () => void,
      recorded = false,
    ) => {
      const key = evaluationKey(req);
      const submitted = cluster && !recorded ? cluster.submit(key, req) : Promise.resolve(cluster !== null);
      waiting.set(key, { req, attempt, landed, submitted });
      scheduler.schedule(key, () => evaluateKey(key), String(req.installation));
    };

    /** Evaluates the PR of `key` until no newer request for it is left, here or (with Redis) anywhere. */
    const evaluateKey = async (key: string): Promise<void> => {
      let next: Waiting | undefined = waiting.get(key);
      // Already taken up by the evaluation before this one, after its wait for the write turn.
      if (!next) return;
      waiting.delete(key);
      let coordinated = false;
      if (cluster) {
        const start: Start = (await next.submitted) ? await cluster.begin(key) : { kind: "alone" };
        if (start.kind === "busy" || start.kind === "none") {
          log.debug(
            { key, delivery: next.req.delivery, start: start.kind },
            "evaluation left to the lease holder",
          );
          return;
        }
        coordinated = start.kind === "run";
        if (start.kind === "run" && start.req.delivery !== next.req.delivery)
          next = { req: start.req, attempt: 0, landed: undefined, submitted: next.submitted };
      }
      for (;;) {
        const { installation } = next.req;
        // Start reading just in time for the installation's next write, not long before it: the
        // write could not go earlier, and what arrives meanwhile is then in this read.
        await throttle.writeReady(String(installation), readLead.get(installation) ?? READ_LEAD_MS);
        const newer = waiting.get(key);
        if (newer) {
          waiting.delete(key);
          next = newer;
        }
        if (coordinated && cluster) {
          const fresh = await cluster.refresh(key);
          if (fresh.kind === "lost") {
            log.warn(
              { key },
              "agent-policy lost a pull request's lease (Redis heartbeats failed); another replica evaluates it",
            );
            return;
          }
          if (fresh.kind === "newer" && fresh.req.delivery !== next.req.delivery)
            next = { req: fresh.req, attempt: 0, landed: undefined, submitted: next.submitted };
        }
        const { req, attempt, landed }: Waiting = next;
        const retry = await evaluateOnce(req);
        // Coordinated, the retry is kept in Redis by `finish` below; alone, it is recorded afresh.
        const wait: number | null = retry ? retryLater(key, req, attempt, retry, coordinated, landed) : null;
        if (!retry) {
          retries.cancel(key);
          if (req.receivedAt !== undefined)
            metrics.observe("agent_policy_check_current_seconds", (Date.now() - req.receivedAt) / 1000);
          landed?.();
        }
        // Another replica's event for this PR arrived meanwhile: evaluate its newest state now.
        const follow: EvaluationRequest | null =
          coordinated && cluster
            ? await cluster.finish(key, wait === null ? null : { req, notBefore: Date.now() + wait })
            : null;
        if (!follow) return;
        retries.cancel(key);
        next = { req: follow, attempt: 0, landed: undefined, submitted: Promise.resolve(true) };
      }
    };

    /** Per installation, how long an evaluation takes from its start to its first write, smoothed. */
    const readLead = new LRUCache<number, number>({ max: 15_000 });

    /** One evaluation, authenticated as the installation; a retry when it did not land. */
    const evaluateOnce = async (req: EvaluationRequest): Promise<Retry | null> => {
      const started = Date.now();
      let wrote: number | null = null;
      let session: Session;
      try {
        session = await octokitFor(req.installation, () => {
          wrote ??= Date.now();
        });
      } catch (error) {
        auditUnreachable(req, error);
        return { reason: "no installation token" };
      }
      const retry = await evaluatePullRequest(session.octokit, session.budget, req, env);
      if (wrote !== null) {
        const took = (wrote as number) - started;
        const before = readLead.get(req.installation);
        readLead.set(req.installation, before === undefined ? took : Math.round(0.7 * before + 0.3 * took));
      }
      return retry;
    };

    /**
     * Runs the evaluation again after a backoff, unless an event has already queued a newer one for
     * the PR (which reads the newest state, and retries for itself). Returns the wait, or null when
     * retries are spent (the next event or reconciliation then evaluates the PR).
     */
    const retryLater = (
      key: string,
      req: EvaluationRequest,
      attempt: number,
      retry: Retry,
      recorded: boolean,
      landed?: () => void,
    ): number | null => {
      const wait = retries.later(key, attempt, retry.notBefore, () => {
        if (!scheduler.busy(key)) scheduleEvaluation(req, attempt + 1, landed, recorded);
      });
      const fields = { key, delivery: req.delivery, reason: retry.reason, attempt: attempt + 1 };
      if (wait === null) {
        metrics.inc("agent_policy_retries_total", { outcome: "gave_up" });
        log.error(
          fields,
          "agent-policy gave up retrying; the next event or reconciliation evaluates the PR again",
        );
        return null;
      }
      metrics.inc("agent_policy_retries_total", { outcome: "scheduled" });
      log.warn({ ...fields, inMs: wait }, "agent-policy will evaluate the PR again");
      return wait;
    };

    const reconciler = new Reconciler({
      appId,
      installations: async () => {
        const octokit = await probot.auth();
        const all = await octokit.paginate("GET /app/installations", { per_page: 100 });
        return (all as { id?: unknown; suspended_at?: unknown }[])
          .filter((i) => typeof i?.id === "number" && !i.suspended_at)
          .map((i) => i.id as number);
      },
      octokitFor: async (installation) => {
        const session = await octokitFor(installation);
        // A pass reads every repository of the installation: only each request is bounded.
        session.budget.deadline = null;
        return session.octokit;
      },
      evaluate: (installation, pr, why, landed) => {
        log.info(
          { repository: `${pr.owner}/${pr.repo}`, pr: pr.number, why },
          "reconciliation evaluates a PR",
        );
        const req: EvaluationRequest = {
          installation,
          delivery: `reconcile-${new Date().toISOString()}`,
          target: { owner: pr.owner, repo: pr.repo, number: pr.number },
          hint: { headSha: pr.headSha, htmlUrl: pr.url },
        };
        scheduleEvaluation(req, 0, landed);
      },
      log,
      metrics,
    });

    /** Every open PR a lookup found, evaluated on behalf of the delivery that led to it. */
    const scheduleAll = (
      where: { installation: number },
      delivery: string,
      pulls: readonly { target: EvaluationRequest["target"]; hint: EvaluationRequest["hint"] }[],
      receivedAt: number,
    ) => {
      for (const pr of pulls) {
        scheduleEvaluation({
          installation: where.installation,
          delivery,
          target: pr.target,
          hint: pr.hint,
          receivedAt,
        });
      }
    };

    const auditUnreachable = (req: EvaluationRequest, error: unknown) => {
      metrics.inc("agent_policy_errors_total", { stage: "auth" });
      audit.decision(scopeOf(req), {
        decision: null,
        verdict: "failure",
        errors: [`could not authenticate as installation ${req.installation}: ${errorReason(error)}`],
        policySource: null,
        check: "failed",
        checkError: "no installation token",
        durationMs: 0,
        apiRequests: 0,
      });
    };

    /** Background work that finds PRs first (by commit, open PRs, permission check) and then schedules them. */
    const scheduleLookup = (key: string, installation: number, run: (session: Session) => Promise<void>) => {
      scheduler.schedule(
        key,
        async () => {
          try {
            await run(await octokitFor(installation));
          } catch (error) {
            metrics.inc("agent_policy_errors_total", { stage: "lookup" });
            log.error(
              { key, reason: errorReason(error) },
              "agent-policy could not find the pull requests to evaluate",
            );
          }
        },
        String(installation),
      );
    };

    const dispatch = (intent: Intent, delivery: string, receivedAt: number) => {
      switch (intent.kind) {
        case "ignore":
          log.debug({ delivery, reason: intent.reason }, "event ignored");
          return;
        case "evaluate":
          scheduleEvaluation({
            installation: intent.where.installation,
            delivery,
            target: intent.target,
            hint: intent.hint,
            receivedAt,
          });
          return;
        case "evaluate_by_sha": {
          const { where, sha } = intent;
          scheduleLookup(
            `sha:${where.installation}:${where.owner}/${where.repo}@${sha}`,
            where.installation,
            async ({ octokit }) => {
              const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
                owner: where.owner,
                repo: where.repo,
                commit_sha: sha,
                per_page: 100,
              });
              scheduleAll(where, delivery, openPulls(data, where.owner, where.repo), receivedAt);
            },
          );
          return;
        }
        case "default_branch_push": {
          for (const { owner, repo, why } of pushReevaluations(intent, env.policies)) {
            const where = { installation: intent.where.installation, owner, repo };
            scheduleLookup(
              `open:${where.installation}:${where.owner}/${where.repo}`,
              where.installation,
              async ({ octokit }) => {
                const { data } = await octokit.rest.pulls.list({
                  owner: where.owner,
                  repo: where.repo,
                  state: "open",
                  per_page: OPEN_PR_LIMIT,
                });
                const pulls = openPulls(data, where.owner, where.repo);
                log.info(
                  {
                    delivery,
                    repository: `${where.owner}/${where.repo}`,
                    why,
                    count: pulls.length,
                    bounded: pulls.length >= OPEN_PR_LIMIT,
                  },
                  "policy changed: re-evaluating open pull requests",
                );
                scheduleAll(where, delivery, pulls, receivedAt);
              },
            );
          }
          return;
        }
        case "reevaluate_if_writer": {
          const { where, target, sender } = intent;
          scheduleLookup(`action:${delivery}`, where.installation, async ({ octokit }) => {
            const scope = {
              delivery,
              installation: where.installation,
              repository: `${target.owner}/${target.repo}`,
              pr: target.number,
              headSha: null,
            };
            const allowed = await hasWrite(octokit, target, sender);
            audit.action(scope, {
              kind: "reevaluate",
              target: sender,
              outcome: allowed === true ? "done" : "skipped",
              reason:
                allowed === true
                  ? `@${sender} asked to re-evaluate`
                  : `@${sender} ${allowed}; re-evaluation needs write permission`,
            });
            if (allowed === true)
              scheduleEvaluation({
                installation: where.installation,
                delivery,
                target,
                hint: intent.hint,
                receivedAt,
              });
          });
          return;
        }
        case "deployment": {
          const { where, request, runId, callbackUrl } = intent;
          scheduleLookup(
            `deploy:${where.installation}:${where.owner}/${where.repo}:${runId ?? delivery}:${request.environment}`,
            where.installation,
            async (session) => {
              // Each PR's evaluation is bounded by its requests; GitHub waits for the answer.
              session.budget.deadline = null;
              await answerDeployment(
                session.octokit,
                {
                  installation: where.installation,
                  delivery,
                  owner: where.owner,
                  repo: where.repo,
                  request,
                  runId,
                  callbackUrl,
                },
                env,
              );
            },
          );
          return;
        }
        case "protection_changed":
          env.enforcement.invalidate(intent.where.owner, intent.wholeOwner ? undefined : intent.where.repo);
          return;
        case "merge_group": {
          const { where, groupSha, number, problem } = intent;
          if (number === null) {
            scheduleLookup(
              `mg:${where.installation}:${where.owner}/${where.repo}@${groupSha}`,
              where.installation,
              async (session) => {
                await failMergeGroup(
                  session.octokit,
                  session.budget,
                  {
                    installation: where.installation,
                    delivery,
                    owner: where.owner,
                    repo: where.repo,
                    groupSha,
                    problem: problem ?? "unknown merge group",
                  },
                  env,
                );
              },
            );
            return;
          }
          scheduleEvaluation({
            installation: where.installation,
            delivery,
            target: { owner: where.owner, repo: where.repo, number },
            hint: {},
            mergeGroupSha: groupSha,
            receivedAt,
          });
          return;
        }
      }
    };

    const handle = (name: EventName) => (context: Context) => {
      const receivedAt = Date.now();
      metrics.inc("agent_policy_webhooks_received_total", { event: name });
      try {
        const payload = context.payload as { action?: string };
        for (const intent of intentsFor(name, payload?.action, payload, appId))
          dispatch(intent, context.id, receivedAt);
      } catch (error) {
        // A handler must never fail the delivery: GitHub does not redeliver, and the next event re-evaluates.
        log.error(
          { delivery: context.id, event: name, reason: errorReason(error) },
          "agent-policy could not handle an event",
        );
      }
    };

    for (const [name, actions] of SUBSCRIPTIONS) {
      const events = actions.length === 0 ? [name] : actions.map((a) => `${name}.${a}`);
      probot.on(events as Parameters<Probot["on"]>[0], handle(name) as Parameters<Probot["on"]>[1]);
    }

    try {
      addHandler(
        httpHandler(metrics, depth, () => ({
          closing,
          redis: cluster ? cluster.status : "off",
        })) as Parameters<typeof addHandler>[0],
      );
    } catch {
      log.debug("no HTTP server: /healthz and /metrics are not served");
    }

    if (cluster) {
      const shared = cluster;
      const beat = async () => {
        try {
          // Swept: what a dead replica acknowledged or was running, and retries whose time came.
          for (const { key, req } of await shared.heartbeat()) {
            if (scheduler.busy(key)) continue;
            metrics.inc("agent_policy_reconciled_total", { reason: "orphaned" });
            log.info(
              { delivery: req.delivery, pr: req.target },
              "agent-policy takes up an evaluation no replica holds",
            );
            scheduleEvaluation(req, 0, undefined, true);
          }
        } catch (error) {
          log.warn({ reason: errorReason(error) }, "agent-policy could not reach Redis for its heartbeat");
        }
      };
      void beat();
      heartbeatTimer = setInterval(() => void beat(), Math.max(100, Math.floor(shared.ttlMs / 3)));
      heartbeatTimer.unref();
    }

    const every = options.reconcileIntervalMs ?? RECONCILE_INTERVAL_MS;
    if (every > 0) {
      // At start-up (what a crash lost), then periodically (what a dead replica or spent retries left).
      const pass = () => void reconciler.run();
      setImmediate(pass);
      reconcileTimer = setInterval(pass, every);
      reconcileTimer.unref();
    }
  };

  return {
    app,
    idle: () => scheduler.idle(),
    close: async () => {
      closing = true;
      clearInterval(reconcileTimer);
      clearInterval(heartbeatTimer);
      retries.stop();
      await scheduler.idle();
      await cluster?.close();
    },
    metrics,
  };
}

const agentPolicy: ApplicationFunction = (probot, options) => createAgentPolicy().app(probot, options);
export default agentPolicy;

/** One key per PR (and per merge-group commit: a later event for the PR must not replace that check). */
function evaluationKey(req: EvaluationRequest): string {
  const { owner, repo, number } = req.target;
  const group = req.mergeGroupSha ? `@${req.mergeGroupSha}` : "";
  return `pr:${req.installation}:${owner}/${repo}#${number}${group}`.toLowerCase();
}

function scopeOf(req: EvaluationRequest) {
  return {
    delivery: req.delivery,
    installation: req.installation,
    repository: `${req.target.owner}/${req.target.repo}`,
    pr: req.target.number,
    headSha: req.mergeGroupSha ?? req.hint.headSha ?? null,
  };
}

/**
 * The repositories whose open PRs a default-branch push re-evaluates, and why: the pushed one when
 * its policy file changed (or the push cannot be inspected); every repository whose policy is
 * composed from a file the push changed (an `_extends` base, here or in a shared repository); and
 * the pushed one when this replica has not composed its policy yet and the push changed a YAML
 * file, which an `_extends` could name.
 */
function pushReevaluations(
  push: Extract<Intent, { kind: "default_branch_push" }>,
  policies: PolicyCache,
): { owner: string; repo: string; why: string }[] {
  const { owner, repo } = push.where;
  const impact = policies.pushed(owner, repo, push.touched);
  const out = new Map<string, { owner: string; repo: string; why: string }>();
  const add = (full: string, why: string) => {
    const [o = "", r = ""] = full.split("/");
    if (!out.has(full.toLowerCase())) out.set(full.toLowerCase(), { owner: o, repo: r, why });
  };
  if (push.policyChanged) add(`${owner}/${repo}`, push.policyChanged);
  for (const user of impact.repos)
    add(user, `a file its policy is composed from changed on ${owner}/${repo}'s default branch`);
  if (!impact.known && push.touched.some((p) => /\.ya?ml$/i.test(p)))
    add(`${owner}/${repo}`, "a YAML file changed on the default branch, and the policy may extend it");
  return [...out.values()];
}

/** Open PRs of this repository from a REST list, ignoring anything malformed. */
function openPulls(data: unknown, owner: string, repo: string): { target: PrTarget; hint: Hint }[] {
  if (!Array.isArray(data)) throw new Error("GitHub returned a malformed pull request list");
  const fullName = `${owner}/${repo}`.toLowerCase();
  const out: { target: PrTarget; hint: Hint }[] = [];
  for (const pr of data as Record<string, unknown>[]) {
    const base = (pr?.base as { repo?: { full_name?: unknown } } | undefined)?.repo?.full_name;
    const number = pr?.number;
    if (pr?.state !== "open" || typeof number !== "number" || String(base).toLowerCase() !== fullName)
      continue;
    const sha = (pr.head as { sha?: unknown } | undefined)?.sha;
    out.push({
      target: { owner, repo, number },
      hint: {
        ...(typeof sha === "string" ? { headSha: sha } : {}),
        ...(typeof pr.html_url === "string" ? { htmlUrl: pr.html_url } : {}),
      },
    });
  }
  return out;
}

/** true, or why not ("has read permission", "is not a collaborator"). */
async function hasWrite(octokit: Octokit, t: PrTarget, login: string): Promise<true | string> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: t.owner,
      repo: t.repo,
      username: login,
    });
    const role = String(data?.role_name ?? "");
    const permission = String(data?.permission ?? "none");
    return WRITE_PERMISSIONS.has(permission) || WRITE_PERMISSIONS.has(role)
      ? true
      : `has ${permission} permission`;
  } catch (error) {
    if (statusOf(error) === 404) return "is not a collaborator";
    throw error;
  }
}

async function appSlugFromGitHub(probot: Probot): Promise<string> {
  const appOctokit = await probot.auth();
  // As many retries as an evaluation's calls get, so a failing lookup ends with GitHub's answer, not the timeout.
  const { data } = await appOctokit.request("GET /app", { request: { retries: MAX_RETRIES } });
  const slug = (data as { slug?: unknown } | null)?.slug;
  if (typeof slug !== "string" || slug === "")
    throw new GatherError("GitHub did not return this App's slug (GET /app)", { kind: "malformed" });
  return slug;
}

/** The web host of the API the app talks to (github.com, or a GitHub Enterprise Server). */
function webUrlOf(octokit: Octokit): string {
  const api = String(octokit.request.endpoint.DEFAULTS.baseUrl ?? "https://api.github.com");
  if (api === "https://api.github.com") return "https://github.com";
  return api.replace(/\/api\/v3\/?$/, "");
}

/** Remembers a successful result; a failure is retried on the next call. */
function memo<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | null = null;
  return () => {
    cached ??= load().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  };
}

/**
 * GET /healthz: the process is alive (liveness), with its queue depth and whether Redis answers.
 * GET /readyz: it takes webhooks — not once it is shutting down, so a load balancer stops sending
 * them while it finishes what it runs. GET /metrics: Prometheus text.
 */
function httpHandler(
  metrics: Metrics,
  depth: () => number,
  state: () => { closing: boolean; redis: string },
) {
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET") return false;
    if (path === "/healthz") {
      json(res, 200, { status: "ok", queueDepth: depth(), redis: state().redis });
      return true;
    }
    if (path === "/readyz") {
      const { closing } = state();
      json(res, closing ? 503 : 200, { ready: !closing, queueDepth: depth() });
      return true;
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": metrics.contentType }).end(await metrics.render());
      return true;
    }
    return false;
  };
}
