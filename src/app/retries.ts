/**
 * Evaluations to run again after a fault: a check run that could not be written, a read GitHub
 * failed, an enforcement action that did not land. Exponential backoff with jitter, a bound on
 * attempts, and never before a rate limit's reset. One timer per key: a newer retry replaces it.
 */

/** Node fires a timer set beyond this at once (and an interval every millisecond). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Longest wait between two attempts, whatever the attempt number. */
const MAX_BACKOFF_MS = 5 * 60_000;

export class RetryTimers {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly baseMs: number,
    readonly maxAttempts: number,
  ) {}

  /**
   * Runs `run` after attempt `attempt`'s backoff (0 = the first retry); returns the wait in ms, or
   * null when the attempts are spent and nothing was scheduled.
   */
  later(key: string, attempt: number, notBefore: number | undefined, run: () => void): number | null {
    if (attempt >= this.maxAttempts) return null;
    const backoff = Math.min(this.baseMs * 2 ** attempt, MAX_BACKOFF_MS) * (0.8 + Math.random() * 0.4);
    const wait = Math.min(
      MAX_TIMER_MS,
      Math.round(Math.max(backoff, notBefore === undefined ? 0 : notBefore - Date.now() + 1_000)),
    );
    clearTimeout(this.#timers.get(key));
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      run();
    }, wait);
    timer.unref();
    this.#timers.set(key, timer);
    return wait;
  }

  /** Drops the waiting retry of `key`: a later evaluation landed what it would have. */
  cancel(key: string): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
  }

  /** Retries waiting for their time. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Drops every waiting retry (shutdown; reconciliation at the next start covers them). */
  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
