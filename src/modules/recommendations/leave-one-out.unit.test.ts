import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../platform/random.js';
import { hitAt10, leaveLatestOut, ndcgAt10, rankOf, sampleUninteracted } from './leave-one-out.js';

describe('leaveLatestOut', () => {
  const itemIds = ['A', 'B', '10', '9'];
  const entry = (item: number, timestamp: number) => ({ item, weight: 1, timestamp });

  it("holds out each user's latest item, a tie in time going to the lexicographically largest id", () => {
    const { train, heldOut } = leaveLatestOut(
      [
        [entry(0, 1), entry(1, 3), entry(2, 2)],
        [entry(2, 5), entry(3, 5), entry(0, 1)],
        [entry(1, 7), entry(0, 7)],
        [entry(0, 4)],
      ],
      itemIds,
    );
    expect(heldOut).toEqual([entry(1, 3), entry(3, 5), entry(1, 7), undefined]);
    expect(train).toEqual([
      [entry(0, 1), entry(2, 2)],
      [entry(2, 5), entry(0, 1)],
      [entry(0, 7)],
      [entry(0, 4)],
    ]);
  });
});

describe('rankOf', () => {
  it('counts the candidates scoring above the target and those tied with it', () => {
    const scores = [0.5, 0.9, 0.5, 0.1, 0.5];
    expect(rankOf(scores, 0, [1, 2, 3, 4])).toBe(3);
    expect(rankOf(scores, 1, [0, 2, 3])).toBe(0);
    expect(rankOf(scores, 3, [0, 1])).toBe(2);
    expect(rankOf([0, 0, 0], 2, [0, 1])).toBe(2);
  });
});

describe('HR@10 and NDCG@10', () => {
  it('score a 0-based rank below 10 as a hit worth 1 / log2(rank + 2)', () => {
    expect([0, 1, 3, 9, 10, 50].map(hitAt10)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(ndcgAt10(0)).toBe(1);
    expect(ndcgAt10(1)).toBeCloseTo(0.6309297535714575, 15);
    expect(ndcgAt10(2)).toBe(0.5);
    expect(ndcgAt10(9)).toBeCloseTo(0.2890648263178879, 15);
    expect(ndcgAt10(10)).toBe(0);
  });
});

describe('sampleUninteracted', () => {
  it('draws distinct items the user never interacted with', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.uniqueArray(fc.nat(59)),
        fc.nat(30),
        (itemCount, seen, count) => {
          const interacted = new Uint8Array(itemCount);
          for (const item of seen) if (item < itemCount) interacted[item] = 1;
          const available = interacted.filter((flag) => flag === 0).length;
          const sample = [...sampleUninteracted(seededRandom(42), itemCount, interacted, count)];
          expect(sample.length).toBe(Math.min(count, available));
          expect(new Set(sample).size).toBe(sample.length);
          expect(sample.every((item) => item >= 0 && item < itemCount && interacted[item] === 0)).toBe(true);
        },
      ),
    );
  });

  it('gives the same sample for the same seed', () => {
    const interacted = Uint8Array.from({ length: 500 }, (_, item) => (item % 3 === 0 ? 1 : 0));
    const first = sampleUninteracted(seededRandom(42), 500, interacted, 100);
    expect(sampleUninteracted(seededRandom(42), 500, interacted, 100)).toEqual(first);
    expect(sampleUninteracted(seededRandom(7), 500, interacted, 100)).not.toEqual(first);
  });
});
