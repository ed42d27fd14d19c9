import { describe, expect, it } from 'vitest';
import { pool, RateLimiter, type Clock } from '../../src/generate/rate-limit.js';

/** A clock that advances only when someone sleeps. */
function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

describe('rate limits', () => {
  it('spaces request starts evenly: 600 per minute is one start every 100 ms', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock, { requestsPerMinute: 600 });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 5 }, async () => {
      await limiter.acquire();
      starts.push(clock.now());
    }));
    expect(starts).toEqual([0, 100, 200, 300, 400]);
  });

  it('holds calls until the token bucket refills, and settles estimates against real usage', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock, { tokensPerMinute: 6000 }); // 100 tokens per second
    await limiter.acquire(6000); // the whole bucket
    expect(clock.now()).toBe(0);
    await limiter.acquire(500); // needs 5 seconds of refill
    expect(clock.now()).toBe(5000);
    limiter.settle(500, 100); // the call used less: 400 tokens back
    await limiter.acquire(400);
    expect(clock.now()).toBe(5000);
  });

  it('keeps at most `concurrency` tasks in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    await pool(Array.from({ length: 20 }, (_, i) => i), 4, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
    });
    expect(peak).toBe(4);
  });
});
