import { Redis } from 'ioredis';

export interface WindowCount {
  count: number;
  /** Seconds until the window, and its count, ends. */
  resetSeconds: number;
}

/**
 * Fixed-window counters (login throttling, rate limits). The window starts at a key's first hit
 * and lasts `windowSeconds`; `peek` reads without counting.
 */
export interface WindowCounters {
  hit(key: string, windowSeconds: number): Promise<WindowCount>;
  peek(key: string): Promise<WindowCount>;
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
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count++;
    return { count: window.count, resetSeconds: (window.endsAt - now) / 1000 };
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return { count: 0, resetSeconds: 0 };
    return { count: window.count, resetSeconds: (window.endsAt - now) / 1000 };
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

  async peek(key: string): Promise<WindowCount> {
    const k = this.prefix + key;
    const [count, ttl] = await Promise.all([this.redis.get(k), this.redis.pttl(k)]);
    return { count: count ? Number(count) : 0, resetSeconds: Math.max(0, ttl) / 1000 };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {}
}

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

  peek(key: string) {
    return this.either((c) => c.peek(key));
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
