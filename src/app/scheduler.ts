/**
 * Per-key coalescing work queue with bounded global concurrency.
 *
 * A key is one pull request (or one merge group). Events for a key that is already queued collapse
 * into the queued job (the newest job wins: it carries the newest delivery); an event for a key
 * that is running queues exactly one follow-up, which re-reads the newest state when it starts.
 * Different keys run concurrently up to `concurrency`; each group (an installation) may take at most
 * `perGroup` of those workers, so one busy installation cannot occupy them all and hold up another.
 */

export type Job = () => Promise<void>;

export interface SchedulerOptions {
  /** Jobs running at once across all keys. */
  concurrency: number;
  /** Jobs of one group running at once; defaults to `concurrency`. */
  perGroup?: number;
  /** Called when a job rejects; jobs are expected to handle their own errors, this is the last resort. */
  onError: (key: string, error: unknown) => void;
}

interface Slot {
  group: string;
  running: boolean;
  queued: Job | null;
}

export class Scheduler {
  readonly #concurrency: number;
  readonly #perGroup: number;
  readonly #groupActive = new Map<string, number>();
  readonly #onError: SchedulerOptions["onError"];
  readonly #slots = new Map<string, Slot>();
  /** Keys whose queued job waits for a free worker, oldest first. */
  readonly #ready: string[] = [];
  #active = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(options: SchedulerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.#concurrency = options.concurrency;
    this.#perGroup = options.perGroup ?? options.concurrency;
    if (!Number.isInteger(this.#perGroup) || this.#perGroup < 1) {
      throw new Error(`perGroup must be a positive integer, got ${options.perGroup}`);
    }
    this.#onError = options.onError;
  }

  /** Queue `job` for `key` (of `group`); returns "coalesced" when it replaced a job that had not started yet. */
  schedule(key: string, job: Job, group = key): "queued" | "coalesced" {
    const slot = this.#slots.get(key);
    if (slot) {
      const coalesced = slot.queued !== null;
      if (!coalesced && !slot.running) this.#ready.push(key);
      slot.queued = job;
      this.#pump();
      return coalesced ? "coalesced" : "queued";
    }
    this.#slots.set(key, { group, running: false, queued: job });
    this.#ready.push(key);
    this.#pump();
    return "queued";
  }

  /** Whether a job for `key` is queued or running. */
  busy(key: string): boolean {
    return this.#slots.has(key);
  }

  /** Jobs waiting or running. */
  get depth(): number {
    let n = 0;
    for (const slot of this.#slots.values()) n += (slot.running ? 1 : 0) + (slot.queued ? 1 : 0);
    return n;
  }

  /** Resolves once nothing is queued or running (tests, graceful shutdown). */
  idle(): Promise<void> {
    if (this.#slots.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#active < this.#concurrency) {
      // The oldest waiting key whose group still has room.
      const index = this.#ready.findIndex((k) => {
        const slot = this.#slots.get(k);
        return slot !== undefined && (this.#groupActive.get(slot.group) ?? 0) < this.#perGroup;
      });
      if (index < 0) return;
      const [key] = this.#ready.splice(index, 1) as [string];
      const slot = this.#slots.get(key);
      if (!slot?.queued) continue;
      const job = slot.queued;
      slot.queued = null;
      slot.running = true;
      this.#active++;
      this.#groupActive.set(slot.group, (this.#groupActive.get(slot.group) ?? 0) + 1);
      void this.#run(key, slot, job);
    }
  }

  async #run(key: string, slot: Slot, job: Job): Promise<void> {
    try {
      await job();
    } catch (error) {
      this.#onError(key, error);
    } finally {
      this.#active--;
      const left = (this.#groupActive.get(slot.group) ?? 1) - 1;
      if (left > 0) this.#groupActive.set(slot.group, left);
      else this.#groupActive.delete(slot.group);
      slot.running = false;
      if (slot.queued) this.#ready.push(key);
      else this.#slots.delete(key);
      this.#pump();
      if (this.#slots.size === 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }
}
