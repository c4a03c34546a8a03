import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/db.js';
import { FACTORY_PASSWORD, newUser } from '../../../test/factories/identity.js';
import { expectProblem } from '../../../test/problem.js';
import { gate } from '../../../test/timing.js';
import { MemoryWindowCounters, RedisWindowCounters, type WindowCounters } from '../../platform/counters.js';
import { argon2id, type PasswordAlgorithm } from './passwords.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** A client address of this run's own: Redis counts are shared with every other test run. */
const newClientAddress = () => `10.${[...randomBytes(3)].join('.')}`;
const newEmail = (name: string) => `${name}-${randomBytes(4).toString('hex')}@example.com`;

/** argon2id, counting the password checks (decoys too) and how many ran at once. */
function watchedArgon2() {
  const watch = { checks: 0, running: 0, mostAtOnce: 0 };
  const algorithm: PasswordAlgorithm = {
    hash: argon2id.hash,
    async verify(passwordHash, password) {
      watch.checks++;
      watch.running++;
      watch.mostAtOnce = Math.max(watch.mostAtOnce, watch.running);
      try {
        return await argon2id.verify(passwordHash, password);
      } finally {
        watch.running--;
      }
    },
  };
  const reset = () => Object.assign(watch, { checks: 0, running: 0, mostAtOnce: 0 });
  return { algorithm, watch, reset };
}

/** Status codes, counted: `{401: 10, 429: 20}`. */
const tally = (responses: readonly { statusCode: number }[]) =>
  responses.reduce<Record<number, number>>((counts, { statusCode }) => {
    counts[statusCode] = (counts[statusCode] ?? 0) + 1;
    return counts;
  }, {});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.db.close();
});

const counterKinds: [string, (() => { counters: WindowCounters; close(): void }) | undefined][] = [
  ['in-process counters', () => ({ counters: new MemoryWindowCounters(), close() {} })],
  [
    'Redis (TEST_REDIS_URL)',
    redisUrl
      ? () => {
          const redis = new Redis(redisUrl);
          return { counters: new RedisWindowCounters(redis), close: () => redis.disconnect() };
        }
      : undefined,
  ],
];

describe.each(counterKinds)('password guessing at once, %s', (_kind, makeCounters) => {
  const argon2 = watchedArgon2();
  let t: TestApp;
  let counters: ReturnType<NonNullable<typeof makeCounters>> | undefined;

  beforeAll(async () => {
    if (!makeCounters) return;
    counters = makeCounters();
    t = await createTestApp({
      database,
      // One proxy hop in front: X-Forwarded-For names the client, as behind a load balancer.
      env: { BAZAAR_TRUST_PROXY: '1' },
      counters: counters.counters,
      passwordAlgorithm: argon2.algorithm,
    });
  });
  afterAll(async () => {
    await t?.close();
    counters?.close();
  });
  const run = it.skipIf(!makeCounters);

  const login = (email: string, password: string, from: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password },
      headers: { 'x-forwarded-for': from },
    });

  run(
    '30 wrong passwords for one account at once: 10 are checked, one at a time, the rest get 429',
    async () => {
      const user = await newUser(t.db);
      const from = newClientAddress();
      argon2.reset();
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => login(user.email, `wrong-guess-${i}`, from)),
      );
      expect(tally(answers)).toEqual({ 401: 10, 429: 20 });
      expect(argon2.watch.checks).toBe(10);
      expect(argon2.watch.mostAtOnce).toBe(1);
      for (const refused of answers.filter((a) => a.statusCode === 429)) {
        expectProblem(refused, 429, 'rate_limited', 'login_attempts_exceeded');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
      }
      // The right password from that address is refused too, and checks nothing.
      expectProblem(
        await login(user.email, FACTORY_PASSWORD, from),
        429,
        'rate_limited',
        'login_attempts_exceeded',
      );
      expect(argon2.watch.checks).toBe(10);
    },
  );

  run(
    'one account guessed from 60 addresses at once: 50 are checked, then every address gets 429',
    async () => {
      const user = await newUser(t.db);
      argon2.reset();
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => login(user.email, `wrong-guess-${i}`, newClientAddress())),
      );
      expect(tally(answers)).toEqual({ 401: 50, 429: 10 });
      expect(argon2.watch.checks).toBe(50);
      expectProblem(
        await login(user.email, FACTORY_PASSWORD, newClientAddress()),
        429,
        'rate_limited',
        'login_attempts_exceeded',
      );
    },
  );

  run('one address guessing 150 accounts at once: 100 are checked, the rest get 429', async () => {
    const from = newClientAddress();
    argon2.reset();
    const answers = await Promise.all(
      Array.from({ length: 150 }, () => login(newEmail('ghost'), 'whatever-it-is', from)),
    );
    expect(tally(answers)).toEqual({ 401: 100, 429: 50 });
    expect(argon2.watch.checks).toBe(100);
    // Another address is not held back.
    expect((await login(newEmail('ghost'), 'whatever-it-is', newClientAddress())).statusCode).toBe(401);
  });

  run(
    'POST /v1/me/password with 30 wrong current passwords at once: 10 are checked, the rest get 429',
    async () => {
      const user = await newUser(t.db);
      const from = newClientAddress();
      const change = (currentPassword: string) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/me/password',
          payload: { current_password: currentPassword, new_password: 'a brand new phrase' },
          headers: { ...bearer(user.token), 'x-forwarded-for': from },
        });
      argon2.reset();
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => change(`wrong-guess-${i}`)));
      expect(tally(answers)).toEqual({ 422: 10, 429: 20 });
      expect(argon2.watch.checks).toBe(10);
      expectProblem(await change(FACTORY_PASSWORD), 429, 'rate_limited', 'login_attempts_exceeded');
    },
  );

  run("a right password clears that account's failures from that address", async () => {
    const user = await newUser(t.db);
    const from = newClientAddress();
    const wrong = (n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => login(user.email, `wrong-${i}`, from)));
    expect(tally(await wrong(9))).toEqual({ 401: 9 });
    expect((await login(user.email, FACTORY_PASSWORD, from)).statusCode).toBe(200);
    expect(tally(await wrong(12))).toEqual({ 401: 10, 429: 2 });
  });

  run(
    '40 sign-ups from one address at once: 20 accounts are made, the rest get 429 with Retry-After',
    async () => {
      const from = newClientAddress();
      const answers = await Promise.all(
        Array.from({ length: 40 }, () =>
          t.app.inject({
            method: 'POST',
            url: '/v1/auth/register',
            payload: { email: newEmail('signup'), password: 'a long enough secret', name: 'S' },
            headers: { 'x-forwarded-for': from },
          }),
        ),
      );
      expect(tally(answers)).toEqual({ 201: 20, 429: 20 });
      for (const refused of answers.filter((a) => a.statusCode === 429)) {
        expectProblem(refused, 429, 'rate_limited', 'registrations_exceeded');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
      }
    },
  );
});

describe('the password hash queue (BAZAAR_HASH_QUEUE_DEPTH)', () => {
  const hold = gate();
  let holding = false;
  /** argon2id, whose work waits for the gate once `holding` is set: a server busy hashing. */
  const slowArgon2: PasswordAlgorithm = {
    async hash(password) {
      if (holding) await hold.opened;
      return argon2id.hash(password);
    },
    async verify(passwordHash, password) {
      if (holding) await hold.opened;
      return argon2id.verify(passwordHash, password);
    },
  };
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      database,
      env: { BAZAAR_HASH_QUEUE_DEPTH: '1', BAZAAR_REGISTRATIONS_PER_HOUR: '0' },
      passwordAlgorithm: slowArgon2,
    });
  });
  afterAll(async () => {
    hold.open();
    await t.close();
  });

  const login = (email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });

  it('answers 503 with Retry-After at once when full, and 429 to a login past its limits', async () => {
    const throttled = await newUser(t.db);
    const other = await newUser(t.db);
    for (let i = 0; i < 10; i++) expect((await login(throttled.email, `wrong-${i}`)).statusCode).toBe(401);

    holding = true;
    // One hash per core runs and one waits: three more than that are refused while all are held.
    const signUps = availableParallelism() + 1 + 3;
    const answered: { statusCode: number; headers: Record<string, unknown>; json(): unknown }[] = [];
    const all = Array.from({ length: signUps }, () =>
      t.app
        .inject({
          method: 'POST',
          url: '/v1/auth/register',
          payload: { email: newEmail('busy'), password: 'a long enough secret', name: 'B' },
        })
        .then((response) => {
          answered.push(response);
          return response;
        }),
    );
    await expect.poll(() => answered.length, { timeout: 20_000 }).toBe(3);
    for (const refused of answered) {
      expectProblem(refused, 503, 'service_unavailable', 'hash_queue_full');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expectProblem(
      await login(throttled.email, throttled.password),
      429,
      'rate_limited',
      'login_attempts_exceeded',
    );
    const busy = await login(other.email, other.password);
    expectProblem(busy, 503, 'service_unavailable', 'hash_queue_full');
    expect(busy.headers['retry-after']).toBeDefined();

    hold.open();
    expect(tally(await Promise.all(all))).toEqual({ 201: signUps - 3, 503: 3 });
    // The refused login checked nothing, so it did not count as a failure.
    expect((await login(other.email, other.password)).statusCode).toBe(200);
  });
});
