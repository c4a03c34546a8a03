import { describe, expect, it } from 'vitest';
import { Coalesced, CoalescedReads } from './coalesce.js';

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

describe('Coalesced', () => {
  /** A run that records its asks and answers each with its double after a tick; 13 cannot be stored. */
  function doubling() {
    const runs: number[][] = [];
    const run = async (asks: number[]) => {
      runs.push(asks);
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (asks.includes(13)) throw new Error('13 refused');
      return asks.map((ask) => ask * 2);
    };
    return { runs, run };
  }

  it('answers each ask with its own answer, an ask asked twice twice', async () => {
    const { runs, run } = doubling();
    const coalesced = new Coalesced(run, { concurrency: 1, maxAsks: 10 });
    expect(await Promise.all([1, 2, 3, 2].map((ask) => coalesced.ask(ask)))).toEqual([2, 4, 6, 4]);
    expect(runs).toEqual([[1, 2, 3, 2]]);
    expect(coalesced.counts).toEqual({ runs: 1, asks: 4 });
  });

  it('runs an ask at once when none is running, and the asks made meanwhile together', async () => {
    const { runs, run } = doubling();
    const coalesced = new Coalesced(run, { concurrency: 1, maxAsks: 10 });
    const first = coalesced.ask(1);
    await Promise.resolve();
    expect(runs).toEqual([[1]]);
    const later = [2, 3, 4].map((ask) => coalesced.ask(ask));
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
    expect(runs).toEqual([[1], [2, 3, 4]]);
  });

  it('runs the asks of a failed run alone when told to, so that only the bad one fails', async () => {
    const { runs, run } = doubling();
    const coalesced = new Coalesced(run, { concurrency: 1, maxAsks: 10, aloneOnFailure: true });
    const answers = await Promise.allSettled([1, 13, 2].map((ask) => coalesced.ask(ask)));
    expect(answers.map((answer) => (answer.status === 'fulfilled' ? answer.value : 'refused'))).toEqual([
      2,
      'refused',
      4,
    ]);
    expect(runs).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it('fails every ask of a failed run when not told to run them alone', async () => {
    const { run } = doubling();
    const coalesced = new Coalesced(run, { concurrency: 1, maxAsks: 10 });
    const answers = await Promise.allSettled([1, 13].map((ask) => coalesced.ask(ask)));
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });

  it('refuses a run that answers a different number of asks', async () => {
    const coalesced = new Coalesced(async (asks: number[]) => asks.slice(1), { concurrency: 1, maxAsks: 10 });
    await expect(Promise.all([coalesced.ask(1), coalesced.ask(2)])).rejects.toThrow('answered 1 of 2 asks');
  });
});
