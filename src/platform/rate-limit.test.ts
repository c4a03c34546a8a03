import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { expectProblem } from '../../test/problem.js';
import { ManualClock } from '../../test/timing.js';
import { MemoryWindowCounters } from './counters.js';

/** A client address of this run's own: Redis counts are shared with every other test run. */
const newClientAddress = () => `10.${[...randomBytes(3)].join('.')}`;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.db.close();
});

const get = (t: TestApp, url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, remoteAddress, headers });

/** Status codes of `count` requests sent one after another. */
async function statuses(t: TestApp, count: number, remoteAddress: string, url = '/v1/me') {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) codes.push((await get(t, url, remoteAddress)).statusCode);
  return codes;
}

describe('the general per-client rate limit (BAZAAR_RATE_LIMIT_RPS)', () => {
  it('is off unless configured', async () => {
    const t = await createTestApp({ database });
    try {
      expect(new Set(await statuses(t, 30, newClientAddress()))).toEqual(new Set([401]));
    } finally {
      await t.close();
    }
  });

  describe('when set, in one process', () => {
    const clock = new ManualClock();
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        database,
        env: { BAZAAR_RATE_LIMIT_RPS: '5' },
        counters: new MemoryWindowCounters(() => clock.ms),
      });
    });
    afterAll(async () => {
      await t.close();
    });

    it('answers 429 rate_limited with Retry-After past the limit, until the second is over', async () => {
      const client = newClientAddress();
      expect(await statuses(t, 5, client)).toEqual([401, 401, 401, 401, 401]);
      const refused = await get(t, '/v1/me', client);
      expectProblem(refused, 429, 'rate_limited');
      // The global limit is the platform's: no module case, so no reason.
      expect(refused.json()).not.toHaveProperty('reason');
      expect(refused.headers['retry-after']).toBe('1');

      clock.advance(1);
      expect((await get(t, '/v1/me', client)).statusCode).toBe(401);
    });

    it('counts each client apart, every route alike, and never the probes', async () => {
      const busy = newClientAddress();
      expect(await statuses(t, 6, busy, '/v1/no-such-route')).toEqual([404, 404, 404, 404, 404, 429]);
      expect(await statuses(t, 3, busy, '/healthz')).toEqual([200, 200, 200]);
      expect((await get(t, '/readyz', busy)).statusCode).toBe(200);
      expect((await get(t, '/metrics', busy)).statusCode).toBe(200);
      expect((await get(t, '/v1/me', newClientAddress())).statusCode).toBe(401);
    });

    it('believes X-Forwarded-For only from a trusted proxy', async () => {
      const client = newClientAddress();
      const viaProxy = () => get(t, '/v1/me', '192.0.2.1', { 'x-forwarded-for': client });
      for (let i = 0; i < 5; i++) await viaProxy();
      // Untrusted: the header is ignored and the proxy's own address is counted.
      expect((await viaProxy()).statusCode).toBe(429);

      const trusting = await createTestApp({
        database,
        env: { BAZAAR_RATE_LIMIT_RPS: '5', BAZAAR_TRUST_PROXY: '1' },
        counters: new MemoryWindowCounters(() => clock.ms),
      });
      try {
        const from = (address: string) =>
          get(trusting, '/v1/me', '192.0.2.1', { 'x-forwarded-for': address }).then((r) => r.statusCode);
        for (let i = 0; i < 5; i++) expect(await from(client)).toBe(401);
        expect(await from(client)).toBe(429);
        expect(await from(newClientAddress())).toBe(401);
      } finally {
        await trusting.close();
      }
    });
  });

  describe.skipIf(!process.env.TEST_REDIS_URL)('with REDIS_URL (TEST_REDIS_URL)', () => {
    it('counts a client across processes', async () => {
      const env = { BAZAAR_RATE_LIMIT_RPS: '6', REDIS_URL: process.env.TEST_REDIS_URL! };
      const first = await createTestApp({ database, env });
      const second = await createTestApp({ database, env });
      try {
        // Within one second window (it starts at the first hit); a slow machine may cross into the
        // next, so the check repeats on a fresh client until one attempt fits in the window.
        await expect
          .poll(
            async () => {
              const fresh = newClientAddress();
              const started = Date.now();
              const codes = [
                ...(await statuses(first, 3, fresh)),
                ...(await statuses(second, 3, fresh)),
                (await get(first, '/v1/me', fresh)).statusCode,
                (await get(second, '/v1/me', fresh)).statusCode,
              ];
              return Date.now() - started < 900 ? codes : 'too slow';
            },
            { timeout: 15_000, interval: 0 },
          )
          .toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
        expect((await get(second, '/v1/me', newClientAddress())).statusCode).toBe(401);
      } finally {
        await first.close();
        await second.close();
      }
    });
  });
});
