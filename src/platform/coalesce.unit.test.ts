import { describe, expect, it } from 'vitest';
import { CoalescedReads } from './coalesce.js';

/** A store whose reads take a tick, recording each query's keys and the version it saw. */
function store() {
  const values = new Map<string, number>();
  const queries: string[][] = [];
  const readMany = async (keys: string[]) => {
    queries.push(keys);
    const seen = new Map(keys.flatMap((key) => (values.has(key) ? [[key, values.get(key)!]] : [])));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return seen;
  };
  return { values, queries, readMany };
}

describe('CoalescedReads', () => {
  it('answers the reads asked in one turn with one query', async () => {
    const { values, queries, readMany } = store();
    values.set('a', 1).set('b', 2).set('c', 3);
    const reads = new CoalescedReads(readMany, { concurrency: 1, maxKeys: 100 });
    const answers = await Promise.all([reads.read('a'), reads.read('b'), reads.read('c'), reads.read('b')]);
    expect(answers).toEqual([1, 2, 3, 2]);
    expect(queries).toEqual([['a', 'b', 'c']]);
  });

  it('answers reads asked while a query runs with one more query', async () => {
    const { values, queries, readMany } = store();
    values.set('a', 1).set('b', 2).set('c', 3);
    const reads = new CoalescedReads(readMany, { concurrency: 1, maxKeys: 100 });
    const first = reads.read('a');
    await Promise.resolve();
    const answers = await Promise.all([first, reads.read('b'), reads.read('c'), reads.read('b')]);
    expect(answers).toEqual([1, 2, 3, 2]);
    expect(queries).toEqual([['a'], ['b', 'c']]);
  });

  it('never answers a read with a query that started before it was asked', async () => {
    const { values, queries, readMany } = store();
    values.set('k', 1);
    const reads = new CoalescedReads(readMany, { concurrency: 1, maxKeys: 100 });
    const before = reads.read('k');
    await Promise.resolve();
    expect(queries).toEqual([['k']]);
    // Committed after the first query started, before the second read is asked.
    values.set('k', 2);
    const after = reads.read('k');
    expect(await before).toBe(1);
    expect(await after).toBe(2);
  });

  it('runs up to `concurrency` queries at once and splits batches at maxKeys', async () => {
    const { values, queries, readMany } = store();
    for (const key of 'abcdef') values.set(key, 0);
    const reads = new CoalescedReads(readMany, { concurrency: 2, maxKeys: 2 });
    const answers = Promise.all([...'abcdef'].map((key) => reads.read(key)));
    await Promise.resolve();
    expect(queries).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    await answers;
    expect(queries).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('reads several keys in one query', async () => {
    const { values, queries, readMany } = store();
    values.set('a', 1).set('b', 2);
    const reads = new CoalescedReads(readMany, { concurrency: 1, maxKeys: 100 });
    expect(await reads.readAll(['a', 'b', 'x'])).toEqual([1, 2, undefined]);
    expect(queries).toEqual([['a', 'b', 'x']]);
  });

  it('answers a missing key with undefined and fails only the reads of a failed query', async () => {
    let fail = true;
    const reads = new CoalescedReads(
      async (keys) => {
        if (fail) {
          fail = false;
          throw new Error('connection lost');
        }
        return new Map(keys.filter((key) => key !== 'gone').map((key) => [key, key.length]));
      },
      { concurrency: 1, maxKeys: 10 },
    );
    const first = reads.read('lost');
    await Promise.resolve();
    const second = reads.read('gone');
    await expect(first).rejects.toThrow('connection lost');
    expect(await second).toBeUndefined();
    expect(await reads.read('here')).toBe(4);
  });
});
