/** A handful of counters and one histogram, exposed as Prometheus text (no client library needed for this few). */

type Labels = Record<string, string>;

/** Cumulative counts per upper bound (`le`), as Prometheus histograms have them. */
interface Histogram {
  help: string;
  buckets: number[];
  counts: number[];
  sum: number;
  count: number;
}

interface Family {
  help: string;
  values: Map<string, number>;
}

export class Metrics {
  readonly #families = new Map<string, Family>();
  readonly #gauges = new Map<string, { help: string; read: () => number }>();
  readonly #histograms = new Map<string, Histogram>();

  constructor() {
    this.#define("agent_policy_webhooks_received_total", "Webhook deliveries received, by event.");
    this.#define("agent_policy_evaluations_total", "Pull request evaluations finished, by verdict.");
    this.#define("agent_policy_github_requests_total", "GitHub API requests made.");
    this.#define(
      "agent_policy_errors_total",
      "Evaluations that failed closed or could not write their check, by stage.",
    );
    this.#define("agent_policy_actions_total", "Enforcement actions, by kind and outcome.");
    this.#define(
      "agent_policy_check_write_failures_total",
      "Check-run writes that did not land as asked: replaced (a new run took the old one's place) or failed.",
    );
    this.#define(
      "agent_policy_retries_total",
      "Evaluations scheduled to run again after a fault, by outcome.",
    );
    this.#define(
      "agent_policy_reconciled_total",
      "Open pull requests re-evaluated by reconciliation, by reason.",
    );
    this.#define(
      "agent_policy_throttle_waits_total",
      "GitHub requests that waited before being sent, by reason: write_spacing, write_concurrency, read_concurrency, rate_limit.",
    );
    this.#define(
      "agent_policy_throttle_wait_seconds_total",
      "Seconds GitHub requests waited before being sent, by reason.",
    );
    this.#histograms.set("agent_policy_check_current_seconds", {
      help: "Seconds from a webhook to the check run showing the PR as of it (the newest event an evaluation covers).",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60],
      counts: [],
      sum: 0,
      count: 0,
    });
    this.#define(
      "agent_policy_token_refreshes_total",
      "Installation tokens fetched, by why: new, expiring, or refused (GitHub answered 401).",
    );
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const family = this.#families.get(name);
    if (!family) throw new Error(`unknown metric ${name}`);
    const key = labelText(labels);
    family.values.set(key, (family.values.get(key) ?? 0) + by);
  }

  observe(name: string, value: number): void {
    const h = this.#histograms.get(name);
    if (!h) throw new Error(`unknown histogram ${name}`);
    h.buckets.forEach((le, i) => {
      if (value <= le) h.counts[i] = (h.counts[i] ?? 0) + 1;
    });
    h.sum += value;
    h.count++;
  }

  /** A value read at scrape time (queue depth). */
  gauge(name: string, help: string, read: () => number): void {
    this.#gauges.set(name, { help, read });
  }

  /** Current value of one counter series (for tests and health output). */
  value(name: string, labels: Labels = {}): number {
    return this.#families.get(name)?.values.get(labelText(labels)) ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of this.#families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} counter`);
      if (f.values.size === 0) lines.push(`${name} 0`);
      for (const [labels, v] of f.values) lines.push(`${name}${labels} ${v}`);
    }
    for (const [name, h] of this.#histograms) {
      lines.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
      for (const [i, le] of h.buckets.entries()) lines.push(`${name}_bucket{le="${le}"} ${h.counts[i] ?? 0}`);
      lines.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum}`, `${name}_count ${h.count}`);
    }
    for (const [name, g] of this.#gauges) {
      lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
    }
    return `${lines.join("\n")}\n`;
  }

  #define(name: string, help: string): void {
    this.#families.set(name, { help, values: new Map() });
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`).join(",")}}`;
}
