import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScoreBoard, TopK } from './top-k.js';

describe('TopK', () => {
  it('keeps the k best pairs, best first, equal scores by ascending item', () => {
    const sut = new TopK(3);
    for (const [item, score] of [
      [5, 0.2],
      [1, 0.9],
      [7, 0.5],
      [2, 0.5],
      [3, 0.1],
    ] as const) {
      sut.offer(item, score);
    }
    const { items, scores } = sut.take();
    expect([...items]).toEqual([1, 2, 7]);
    expect([...scores]).toEqual([0.9, 0.5, 0.5]);
  });

  it('returns everything offered when fewer than k, and nothing for k = 0', () => {
    const sut = new TopK(10);
    sut.offer(4, 1);
    sut.offer(3, 2);
    expect([...sut.take().items]).toEqual([3, 4]);
    const none = new TopK(0);
    none.offer(1, 1);
    expect(none.take().items.length).toBe(0);
  });

  it('equals sorting every pair by score then item and cutting at k, whatever the order offered', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(50), { minLength: 0, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 40, maxLength: 40 }),
        fc.nat(45),
        (items, rawScores, k) => {
          const pairs = items.map((item, at) => ({ item, score: rawScores[at]! / 2 }));
          const sut = new TopK(k);
          for (const { item, score } of pairs) sut.offer(item, score);
          const expected = [...pairs].sort((a, b) => b.score - a.score || a.item - b.item).slice(0, k);
          const { items: kept, scores } = sut.take();
          expect([...kept]).toEqual(expected.map(({ item }) => item));
          expect([...scores]).toEqual(expected.map(({ score }) => score));
        },
      ),
    );
  });
});

describe('ScoreBoard', () => {
  it('sums scores per item, lists each touched item once and resets to zero', () => {
    const sut = new ScoreBoard(4);
    sut.add(2, 0.5);
    sut.add(0, 1);
    sut.add(2, 0.25);
    expect([...sut.values]).toEqual([1, 0, 0.75, 0]);
    expect([...sut.touched]).toEqual([2, 0]);
    expect([sut.has(2), sut.has(1)]).toEqual([true, false]);
    sut.reset();
    expect([...sut.values]).toEqual([0, 0, 0, 0]);
    expect([...sut.touched]).toEqual([]);
    expect(sut.has(2)).toBe(false);
  });

  it('grows to hold more items, keeping what it holds', () => {
    const sut = new ScoreBoard(2);
    sut.add(1, 0.5);
    sut.grow(5);
    sut.add(4, 1);
    sut.add(1, 0.25);
    expect([...sut.values]).toEqual([0, 0.75, 0, 0, 1]);
    expect([...sut.touched]).toEqual([1, 4]);
    sut.reset();
    expect([...sut.values]).toEqual([0, 0, 0, 0, 0]);
  });
});
