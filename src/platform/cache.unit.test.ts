import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Caches } from './cache.js';
import { connectRedis } from './counters.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** A load that resolves when told to, counting its calls. */
function controlledLoad<V>(value: V) {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const load = vi.fn(async () => {
    await gate;
    return value;
  });
  return { load, release };
}

async function eventually(check: () => Promise<void>, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('Caches without Redis', () => {
  const caches = new Caches();
  let spaceNumber = 0;
  const space = () => caches.invalidated<{ v: number }>(`test.${++spaceNumber}`, { max: 10, ttlMs: 60_000 });

  it('loads a key once for concurrent misses and serves it from memory afterwards', async () => {
    const cache = space();
    const { load, release } = controlledLoad({ v: 1 });
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    release();
    expect(await both).toEqual([{ v: 1 }, { v: 1 }]);
    expect(await cache.get('k', load)).toEqual({ v: 1 });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reloads after an invalidation', async () => {
    const cache = space();
    await cache.get('k', async () => ({ v: 1 }));
    await cache.invalidate();
    expect(await cache.get('k', async () => ({ v: 2 }))).toEqual({ v: 2 });
  });

  it('does not keep a value whose load raced an invalidation', async () => {
    const cache = space();
    const stale = controlledLoad({ v: 1 });
    const pending = cache.get('k', stale.load);
    await cache.invalidate();
    stale.release();
    // The caller that started the load still gets what it loaded…
    expect(await pending).toEqual({ v: 1 });
    // …but the next reader loads again.
    expect(await cache.get('k', async () => ({ v: 2 }))).toEqual({ v: 2 });
  });

  it('forgets entries after their TTL', async () => {
    const cache = caches.invalidated<{ v: number }>('test.ttl', { max: 10, ttlMs: 30 });
    await cache.get('k', async () => ({ v: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await cache.get('k', async () => ({ v: 2 }))).toEqual({ v: 2 });
  });

  describe('serving stale entries while reloading', () => {
    let spaceNumber = 0;
    const expiring = () =>
      caches.invalidated<{ v: number }>(`test.stale.${++spaceNumber}`, {
        max: 10,
        ttlMs: 30,
        serveStaleWhileReloading: true,
      });
    const pastTtl = () => new Promise((resolve) => setTimeout(resolve, 60));

    it('answers an expired entry at once and replaces it with one background load', async () => {
      const cache = expiring();
      await cache.get('k', async () => ({ v: 1 }));
      await pastTtl();
      const reload = controlledLoad({ v: 2 });
      expect(await cache.get('k', reload.load)).toEqual({ v: 1 });
      expect(await cache.get('k', reload.load)).toEqual({ v: 1 });
      expect(reload.load).toHaveBeenCalledTimes(1);
      reload.release();
      await eventually(async () => expect(await cache.get('k', reload.load)).toEqual({ v: 2 }));
    });

    it('drops an expired entry whose reload failed, so the next reader loads it', async () => {
      const cache = expiring();
      await cache.get('k', async () => ({ v: 1 }));
      await pastTtl();
      let failed = false;
      expect(
        await cache.get('k', async () => {
          failed = true;
          throw new Error('down');
        }),
      ).toEqual({ v: 1 });
      await eventually(async () => expect(failed).toBe(true));
      await eventually(async () => expect(await cache.get('k', async () => ({ v: 3 }))).toEqual({ v: 3 }));
    });

    it('lets entries loaded together expire apart, each within the TTL', async () => {
      const cache = caches.invalidated<{ v: number }>('test.stale.spread', {
        max: 200,
        ttlMs: 2000,
        serveStaleWhileReloading: true,
      });
      const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
      await Promise.all(keys.map((key) => cache.get(key, async () => ({ v: 1 }))));
      // Past the shortest life (half the TTL), well before the longest: a tenth expired, on average.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const reload = vi.fn(async () => ({ v: 2 }));
      await Promise.all(keys.map((key) => cache.get(key, reload)));
      expect(reload.mock.calls.length).toBeGreaterThan(0);
      expect(reload.mock.calls.length).toBeLessThan(keys.length);
    });

    it('drops entries at once on an invalidation, and keeps no reload that raced it', async () => {
      const cache = expiring();
      await cache.get('k', async () => ({ v: 1 }));
      await pastTtl();
      const reload = controlledLoad({ v: 2 });
      await cache.get('k', reload.load);
      await cache.invalidate();
      reload.release();
      await reload.load.mock.results[0]?.value;
      expect(await cache.get('k', async () => ({ v: 3 }))).toEqual({ v: 3 });
    });
  });

  it('does not keep a failed load', async () => {
    const cache = space();
    await expect(cache.get('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => ({ v: 2 }))).toEqual({ v: 2 });
  });

  it('refuses two spaces of one name', () => {
    caches.invalidated('test.once', { max: 1, ttlMs: 1 });
    expect(() => caches.versioned('test.once', { max: 1, ttlMs: 1 })).toThrow(/exists already/);
  });
});

describe.skipIf(!redisUrl)('Caches sharing Redis (TEST_REDIS_URL)', () => {
  const opened: { close(): void }[] = [];
  afterEach(() => {
    for (const item of opened.splice(0)) item.close();
  });
  const twoProcesses = () => {
    const redisA = connectRedis(redisUrl!);
    const redisB = connectRedis(redisUrl!);
    const a = new Caches(redisA);
    const b = new Caches(redisB);
    opened.push(a, b, { close: () => redisA.disconnect() }, { close: () => redisB.disconnect() });
    return { a, b, redisA };
  };

  it('an invalidation in one process empties the space in the other', async () => {
    const { a, b } = twoProcesses();
    const name = `test.shared.${randomBytes(4).toString('hex')}`;
    const inA = a.invalidated<{ v: number }>(name, { max: 10, ttlMs: 60_000 });
    const inB = b.invalidated<{ v: number }>(name, { max: 10, ttlMs: 60_000 });
    expect(await inB.get('k', async () => ({ v: 1 }))).toEqual({ v: 1 });
    // Invalidates until B has subscribed (once its connection is ready) and the message arrived.
    await eventually(async () => {
      await inA.invalidate();
      expect(await inB.get('k', async () => ({ v: 2 }))).toEqual({ v: 2 });
    }, 3000);
  });

  it('a versioned value loaded by one process is read by the other from Redis', async () => {
    const { a, b, redisA } = twoProcesses();
    const name = `test.versioned.${randomBytes(4).toString('hex')}`;
    const inA = a.versioned<{ v: number }>(name, { max: 10, ttlMs: 60_000 });
    const inB = b.versioned<{ v: number }>(name, { max: 10, ttlMs: 60_000 });
    await eventually(async () => expect(await redisA.ping()).toBe('PONG'), 3000);
    expect(await inA.get('k:1', async () => ({ v: 1 }))).toEqual({ v: 1 });
    const loadInB = vi.fn(async () => ({ v: 99 }));
    await eventually(async () => expect(await inB.get('k:1', loadInB)).toEqual({ v: 1 }), 3000);
    expect(loadInB).not.toHaveBeenCalled();
  });
});
