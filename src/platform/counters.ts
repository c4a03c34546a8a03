import { Redis } from 'ioredis';

export interface WindowCount {
  count: number;
  /** Seconds until the window, and its count, ends. */
  resetSeconds: number;
}

/** A counter and the count it may reach in one window. */
export interface WindowLimit {
  key: string;
  limit: number;
}

/** What `take` decided: when refused, `resetSeconds` is when the refusing counter's window ends. */
export type Taken = { allowed: true } | { allowed: false; resetSeconds: number };

/**
 * Fixed-window counters (login throttling, rate limits). The window starts at a key's first hit
 * and lasts `windowSeconds`.
 */
export interface WindowCounters {
  hit(key: string, windowSeconds: number): Promise<WindowCount>;
  /**
   * Counts one on every counter if none is at its limit, and on none otherwise, in one step: the
   * check and the count cannot be split by a concurrent `take`, so no more than `limit` pass.
   */
  take(limits: readonly WindowLimit[], windowSeconds: number): Promise<Taken>;
  /** Takes back one count (an attempt that turned out not to count); never below zero. */
  release(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryWindowCounters implements WindowCounters {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async hit(key: string, windowSeconds: number): Promise<WindowCount> {
    return this.count(key, windowSeconds, this.now());
  }

  private count(key: string, windowSeconds: number, now: number): WindowCount {
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count++;
    return { count: window.count, resetSeconds: (window.endsAt - now) / 1000 };
  }

  // Nothing awaited between the checks and the counts: one step, as no other take can run between.
  async take(limits: readonly WindowLimit[], windowSeconds: number): Promise<Taken> {
    const now = this.now();
    for (const { key, limit } of limits) {
      const window = this.windows.get(key);
      if (window && window.endsAt > now && window.count >= limit) {
        return { allowed: false, resetSeconds: (window.endsAt - now) / 1000 };
      }
    }
    for (const { key } of limits) this.count(key, windowSeconds, now);
    return { allowed: true };
  }

  async release(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.endsAt > this.now() && window.count > 0) window.count--;
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

/** Counters shared by every process through Redis: INCR, with the expiry set only by the first hit. */
export class RedisWindowCounters implements WindowCounters {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bazaar:counter:',
  ) {}

  async hit(key: string, windowSeconds: number): Promise<WindowCount> {
    const k = this.prefix + key;
    const results = await this.redis.multi().incr(k).expire(k, windowSeconds, 'NX').pttl(k).exec();
    if (!results) throw new Error('redis transaction aborted');
    const [[incrError, count], , [ttlError, ttl]] = results as [
      [Error | null, number],
      unknown,
      [Error | null, number],
    ];
    if (incrError ?? ttlError) throw incrError ?? ttlError;
    return { count, resetSeconds: Math.max(0, ttl) / 1000 };
  }

  async take(limits: readonly WindowLimit[], windowSeconds: number): Promise<Taken> {
    const keys = limits.map(({ key }) => this.prefix + key);
    const answer = (await this.redis.eval(
      TAKE_SCRIPT,
      keys.length,
      ...keys,
      windowSeconds * 1000,
      ...limits.map(({ limit }) => limit),
    )) as [number, number];
    const [refusedBy, ttl] = answer;
    return refusedBy === 0 ? { allowed: true } : { allowed: false, resetSeconds: Math.max(0, ttl) / 1000 };
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.prefix + key);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {}
}

/**
 * KEYS: the counters; ARGV: the window in milliseconds, then each counter's limit. Answers
 * {0, 0} when every counter was counted, else {the refusing counter's number, its PTTL}. A script
 * runs alone on the server, so no other take sees a count between its check and its increment.
 */
const TAKE_SCRIPT = `
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    return {i, redis.call('PTTL', key)}
  end
end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return {0, 0}`;

/** Decrements an existing positive counter, keeping its expiry; a counter that expired stays gone. */
const RELEASE_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

/** Uses Redis while it answers and this process's own counters while it does not. */
export class FallbackWindowCounters implements WindowCounters {
  constructor(
    private readonly primary: WindowCounters,
    private readonly fallback: WindowCounters,
    private readonly onFallback: (error: unknown) => void = () => {},
  ) {}

  private async either<T>(call: (counters: WindowCounters) => Promise<T>): Promise<T> {
    try {
      return await call(this.primary);
    } catch (error) {
      this.onFallback(error);
      return call(this.fallback);
    }
  }

  hit(key: string, windowSeconds: number) {
    return this.either((c) => c.hit(key, windowSeconds));
  }

  take(limits: readonly WindowLimit[], windowSeconds: number) {
    return this.either((c) => c.take(limits, windowSeconds));
  }

  release(key: string) {
    return this.either((c) => c.release(key));
  }

  reset(key: string) {
    return this.either((c) => c.reset(key));
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }
}

/** A Redis client that fails fast while Redis is down instead of queueing commands. */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    // A Redis that stops answering without closing the connection must not hold requests up either.
    commandTimeout: 1000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', () => {});
  return redis;
}
