/**
 * Per-source rate limits: requests per minute as evenly spaced starts (a smooth schedule, so a
 * limit of 600 rpm is one start every 100 ms rather than bursts), and tokens per minute as a
 * bucket refilled continuously, charged an estimate before a call and corrected by its real usage.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock (tests pass their own). */
export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export class RateLimiter {
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #tpm: number | undefined;
  #nextStart = 0;
  #tokens: number;
  #tokensAt: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(clock: Clock, limits: { requestsPerMinute?: number; tokensPerMinute?: number }) {
    this.#clock = clock;
    this.#interval = limits.requestsPerMinute ? 60_000 / limits.requestsPerMinute : 0;
    this.#tpm = limits.tokensPerMinute;
    this.#tokens = limits.tokensPerMinute ?? 0;
    this.#tokensAt = clock.now();
  }

  #refill(): void {
    if (this.#tpm === undefined) return;
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#tpm, this.#tokens + ((now - this.#tokensAt) * this.#tpm) / 60_000);
    this.#tokensAt = now;
  }

  /** Waits until a call estimated at `tokens` may start. Callers are served in order. */
  acquire(tokens = 0): Promise<void> {
    const turn = this.#queue.then(async () => {
      if (this.#interval > 0) {
        const wait = this.#nextStart - this.#clock.now();
        if (wait > 0) await this.#clock.sleep(wait);
        this.#nextStart = Math.max(this.#clock.now(), this.#nextStart) + this.#interval;
      }
      if (this.#tpm !== undefined) {
        const need = Math.min(tokens, this.#tpm);
        this.#refill();
        if (this.#tokens < need) {
          await this.#clock.sleep(((need - this.#tokens) * 60_000) / this.#tpm);
          this.#refill();
        }
        this.#tokens -= need;
      }
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** After a call: give back (or take) the difference between the estimate and the real usage. */
  settle(estimated: number, actual: number): void {
    if (this.#tpm === undefined) return;
    this.#refill();
    this.#tokens = Math.min(this.#tpm, this.#tokens + estimated - actual);
  }
}

/** Runs `task` on every item with at most `concurrency` in flight. */
export async function pool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
