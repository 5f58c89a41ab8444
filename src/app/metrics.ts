/**
 * The app's Prometheus metrics (prom-client): counters of what it did, the webhook → current check
 * run histogram, the queue depth, and — in the server — the process and Node metrics. One registry
 * per app, so tests and replicas in one process never mix their figures.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

type Labels = Record<string, string>;

/** Each counter, its help and the labels it is counted by. */
const COUNTERS: Record<string, { help: string; labels: string[] }> = {
  agent_policy_webhooks_received_total: { help: "Webhook deliveries received, by event.", labels: ["event"] },
  agent_policy_evaluations_total: {
    help: "Pull request evaluations finished, by verdict.",
    labels: ["verdict"],
  },
  agent_policy_github_requests_total: { help: "GitHub API requests made.", labels: [] },
  agent_policy_errors_total: {
    help: "Evaluations that failed closed or could not write their check, by stage.",
    labels: ["stage"],
  },
  agent_policy_actions_total: {
    help: "Enforcement actions, by kind and outcome.",
    labels: ["kind", "outcome"],
  },
  agent_policy_overrides_total: {
    help: "Break-glass override commands answered, by outcome (accepted or refused).",
    labels: ["outcome"],
  },
  agent_policy_deployments_total: {
    help: "Deployment protection rule reviews, by state (approved, rejected, unanswered: no callback could be made).",
    labels: ["state"],
  },
  agent_policy_check_write_failures_total: {
    help: "Check-run writes that did not land as asked: replaced (a new run took the old one's place) or failed.",
    labels: ["outcome"],
  },
  agent_policy_retries_total: {
    help: "Evaluations scheduled to run again after a fault, by outcome.",
    labels: ["outcome"],
  },
  agent_policy_reconciled_total: {
    help: "Open pull requests re-evaluated by reconciliation, by reason.",
    labels: ["reason"],
  },
  agent_policy_throttle_waits_total: {
    help: "GitHub requests that waited before being sent, by reason: write_spacing, write_concurrency, read_concurrency, rate_limit; read_lead: an evaluation that started reading just in time for its installation's write turn.",
    labels: ["reason"],
  },
  agent_policy_throttle_wait_seconds_total: {
    help: "Seconds GitHub requests waited before being sent, by reason.",
    labels: ["reason"],
  },
  agent_policy_token_refreshes_total: {
    help: "Installation tokens fetched, by why: new, expiring, or refused (GitHub answered 401).",
    labels: ["why"],
  },
};

const HISTOGRAMS: Record<string, { help: string; buckets: number[] }> = {
  agent_policy_check_current_seconds: {
    help: "Seconds from a webhook to the check run showing the PR as of it (the newest event an evaluation covers).",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60],
  },
};

export class Metrics {
  readonly registry = new Registry();
  readonly #counters = new Map<string, Counter>();
  readonly #histograms = new Map<string, Histogram>();

  constructor() {
    for (const [name, { help, labels }] of Object.entries(COUNTERS))
      this.#counters.set(name, new Counter({ name, help, labelNames: labels, registers: [this.registry] }));
    for (const [name, { help, buckets }] of Object.entries(HISTOGRAMS))
      this.#histograms.set(name, new Histogram({ name, help, buckets, registers: [this.registry] }));
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const counter = this.#counters.get(name);
    if (!counter) throw new Error(`unknown metric ${name}`);
    counter.inc(labels, by);
  }

  observe(name: string, value: number): void {
    const histogram = this.#histograms.get(name);
    if (!histogram) throw new Error(`unknown histogram ${name}`);
    histogram.observe(value);
  }

  /** A value read at scrape time (queue depth). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** CPU, memory, event-loop lag, GC and handles of this process (the server's registry only). */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Current value of one counter series (for tests and health output). */
  async value(name: string, labels: Labels = {}): Promise<number> {
    const counter = this.#counters.get(name);
    if (!counter) return 0;
    const wanted = Object.entries(labels);
    const series = (await counter.get()).values.find(
      (v) =>
        Object.keys(v.labels).length === wanted.length && wanted.every(([k, want]) => v.labels[k] === want),
    );
    return series?.value ?? 0;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
