import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MemoryWindowCounters,
  RedisWindowCounters,
  type WindowCounters,
  type WindowLimit,
} from './counters.js';

const redisUrl = process.env.TEST_REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl) : undefined;
afterAll(() => redis?.disconnect());

const kinds: [string, (() => WindowCounters) | undefined][] = [
  ['in-process', () => new MemoryWindowCounters()],
  ['Redis (TEST_REDIS_URL)', redis ? () => new RedisWindowCounters(redis) : undefined],
];

/** Keys of this run's own: Redis counts are shared with every other test run. */
const newKey = (name: string) => `test:${name}:${randomBytes(6).toString('hex')}`;

describe.each(kinds)('window counters, %s', (_kind, make) => {
  const counters = make?.();
  const run = it.skipIf(!counters);

  run('lets exactly `limit` of many concurrent takes through', async () => {
    const limit = { key: newKey('burst'), limit: 10 };
    const answers = await Promise.all(Array.from({ length: 60 }, () => counters!.take([limit], 60)));
    expect(answers.filter((a) => a.allowed)).toHaveLength(10);
    const refused = answers.filter((a) => !a.allowed);
    expect(refused).toHaveLength(50);
    for (const answer of refused) {
      if (!answer.allowed) expect(answer.resetSeconds).toBeGreaterThan(50);
    }
    expect((await counters!.hit(limit.key, 60)).count).toBe(11);
  });

  run('counts every counter or none: a refusal by one adds nothing to the others', async () => {
    const narrow: WindowLimit = { key: newKey('narrow'), limit: 3 };
    const wide: WindowLimit = { key: newKey('wide'), limit: 100 };
    const answers = await Promise.all(Array.from({ length: 20 }, () => counters!.take([narrow, wide], 60)));
    expect(answers.filter((a) => a.allowed)).toHaveLength(3);
    // Only the three taken were counted on the wide counter.
    expect((await counters!.hit(wide.key, 60)).count).toBe(4);
  });

  run('takes back a count, never below zero, and resets', async () => {
    const limit = { key: newKey('release'), limit: 2 };
    await counters!.take([limit], 60);
    await counters!.take([limit], 60);
    expect((await counters!.take([limit], 60)).allowed).toBe(false);
    await counters!.release(limit.key);
    expect((await counters!.take([limit], 60)).allowed).toBe(true);
    await counters!.reset(limit.key);
    await counters!.release(limit.key);
    await Promise.all([counters!.release(limit.key), counters!.release(limit.key)]);
    expect((await counters!.hit(limit.key, 60)).count).toBe(1);
  });
});

describe('in-process window counters', () => {
  it('start a new window when the last one ends', async () => {
    let now = 0;
    const counters = new MemoryWindowCounters(() => now);
    const limit = { key: 'k', limit: 1 };
    expect(await counters.take([limit], 10)).toEqual({ allowed: true });
    expect(await counters.take([limit], 10)).toEqual({ allowed: false, resetSeconds: 10 });
    now = 10_000;
    expect(await counters.take([limit], 10)).toEqual({ allowed: true });
    await counters.close();
  });
});
