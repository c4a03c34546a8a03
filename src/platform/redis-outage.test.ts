import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { newUser } from '../../test/factories/identity.js';
import { TcpProxy } from '../../test/tcp-proxy.js';
import { Caches } from './cache.js';
import { connectRedis } from './counters.js';

const redisUrl = process.env.TEST_REDIS_URL;

/**
 * Two API processes (two apps) share Redis; the first reaches it through a proxy the test stops
 * (an outage) and starts again. Requests are served all along; what Redis shares falls back to
 * each process's own and comes back by itself.
 */
describe.skipIf(!redisUrl)('a Redis outage (TEST_REDIS_URL)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let behindProxy: TestApp;
  let direct: TestApp;
  let probe: Redis;
  const clientAddress = `10.${[...randomBytes(3)].join('.')}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await TcpProxy.to(redisUrl!);
    const env = { BAZAAR_RATE_LIMIT_RPS: '1000' };
    behindProxy = await createTestApp({ database, env: { ...env, REDIS_URL: proxy.url(redisUrl!) } });
    direct = await createTestApp({ database, env: { ...env, REDIS_URL: redisUrl! } });
    probe = new Redis(redisUrl!);
  });
  afterAll(async () => {
    await behindProxy?.close();
    await direct?.close();
    probe?.disconnect();
    await proxy?.stop();
    await database?.db.close();
  });

  const login = (t: TestApp, email: string, password: string) =>
    t.app
      .inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: clientAddress,
        payload: { email, password },
      })
      .then((r) => r.statusCode);

  const failures = async (t: TestApp, email: string, count: number) => {
    const codes: number[] = [];
    for (let i = 0; i < count; i++) codes.push(await login(t, email, 'not-the-password'));
    return codes;
  };

  /** Until the proxied app's Redis client has reconnected: its counts land in Redis again. */
  const reconnected = async () => {
    const email = `probe-${randomBytes(4).toString('hex')}@example.com`;
    await expect
      .poll(
        async () => {
          await login(behindProxy, email, 'not-the-password');
          return probe.exists(`bazaar:counter:login:account:${email}`);
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe(1);
  };

  it('keeps serving and throttling logins per process while Redis is down, then counts across processes again', async () => {
    const user = await newUser(database.db);
    await proxy.stop();

    expect((await behindProxy.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect(await login(behindProxy, user.email, user.password)).toBe(200);
    expect(await failures(behindProxy, user.email, 10)).toEqual(Array(10).fill(401));
    expect(await login(behindProxy, user.email, user.password)).toBe(429);
    // The other process counted nothing: the failures stayed in the first one's memory.
    expect(await login(direct, user.email, user.password)).toBe(200);

    await proxy.start();
    await reconnected();

    const other = await newUser(database.db);
    expect([
      ...(await failures(behindProxy, other.email, 5)),
      ...(await failures(direct, other.email, 5)),
    ]).toEqual(Array(10).fill(401));
    expect(await login(behindProxy, other.email, other.password)).toBe(429);
    expect(await login(direct, other.email, other.password)).toBe(429);
  });

  it('serves from the database while the shared cache is down, and shares and invalidates again after', async () => {
    const space = `outage-${randomBytes(4).toString('hex')}`;
    await proxy.start();
    const redisBehindProxy = connectRedis(proxy.url(redisUrl!));
    const redisDirect = connectRedis(redisUrl!);
    const first = new Caches(redisBehindProxy);
    const second = new Caches(redisDirect);
    try {
      const shared = [
        first.versioned<{ v: number }>(space, { max: 10, ttlMs: 60_000 }),
        second.versioned<{ v: number }>(space, { max: 10, ttlMs: 60_000 }),
      ] as const;
      const invalidated = [
        first.invalidated<{ v: number }>(`${space}-inv`, { max: 10, ttlMs: 60_000 }),
        second.invalidated<{ v: number }>(`${space}-inv`, { max: 10, ttlMs: 60_000 }),
      ] as const;
      await expect.poll(() => redisBehindProxy.status, { timeout: 5000 }).toBe('ready');
      expect(await invalidated[0].get('k', async () => ({ v: 1 }))).toEqual({ v: 1 });

      await proxy.stop();
      expect(await shared[0].get('during', async () => ({ v: 2 }))).toEqual({ v: 2 });
      expect(await probe.exists(`bazaar:cache:${space}:during`)).toBe(0);
      await expect(invalidated[0].invalidate()).resolves.toBeUndefined();
      expect(await invalidated[0].get('k', async () => ({ v: 3 }))).toEqual({ v: 3 });

      await proxy.start();
      await expect.poll(() => redisBehindProxy.status, { timeout: 10_000 }).toBe('ready');
      expect(await shared[0].get('after', async () => ({ v: 4 }))).toEqual({ v: 4 });
      expect(await shared[1].get('after', () => Promise.reject(new Error('not shared')))).toEqual({ v: 4 });
      // The proxied process subscribed again by itself: another process's invalidation reaches it.
      await expect
        .poll(
          async () => {
            await invalidated[1].invalidate();
            return invalidated[0].get('k', async () => ({ v: 5 }));
          },
          { timeout: 10_000, interval: 250 },
        )
        .toEqual({ v: 5 });
    } finally {
      first.close();
      second.close();
      redisBehindProxy.disconnect();
      redisDirect.disconnect();
    }
  });
});
