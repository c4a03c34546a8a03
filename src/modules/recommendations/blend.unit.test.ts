import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BlendOptions,
  blendScore,
  dominantSource,
  historyWeights,
  recommend,
  recommendForItem,
  recommendForUser,
  SignalScores,
  type Signals,
} from './blend.js';
import type { UserItem } from './interactions.js';
import { popularityOrder } from './popularity.js';
import type { NeighbourList } from './top-k.js';

const DAY = 86_400;

function list(pairs: [number, number][]): NeighbourList {
  return {
    items: Int32Array.from(pairs, ([item]) => item),
    scores: Float64Array.from(pairs, ([, score]) => score),
  };
}

/** Six items: 0 and 1 are co-bought with 2 and 3; item 4's text resembles 5; 5 is the best-seller. */
function signals(): Signals {
  const coPurchase: Record<number, NeighbourList> = {
    0: list([
      [2, 0.8],
      [3, 0.4],
    ]),
    1: list([[3, 0.5]]),
  };
  const content: Record<number, NeighbourList> = { 0: list([[4, 0.6]]), 4: list([[5, 0.6]]) };
  const popularity = Float64Array.from([0.2, 0.1, 0.3, 0.4, 0, 1]);
  return {
    itemCount: 6,
    coPurchase: (item) => coPurchase[item],
    content: (item) => content[item],
    popularity: (item) => popularity[item]!,
    popular: popularityOrder(popularity),
  };
}

const OPTIONS: BlendOptions = { recencyHalfLifeDays: 1, contentWeight: 0.5, popularityWeight: 0.1 };
const nothing = () => false;

function bought(...items: [number, number][]): UserItem[] {
  return items.map(([item, daysAgo]) => ({ item, weight: 1, timestamp: 100 * DAY - daysAgo * DAY }));
}

describe('historyWeights', () => {
  it('halves an item for every half-life it lies before the latest one', () => {
    const history = [...bought([0, 0], [1, 2]), { item: 2, weight: 0.5, timestamp: 100 * DAY }];
    expect([...historyWeights(history, 1)]).toEqual([1, 0.25, 0.5]);
    expect([...historyWeights(history, Number.POSITIVE_INFINITY)]).toEqual([1, 1, 0.5]);
  });
});

describe('SignalScores', () => {
  it('sums, per signal, weight(h) · sim(h, j) over the history', () => {
    const sut = new SignalScores(6);
    sut.score(bought([0, 0], [1, 1]), signals(), OPTIONS);
    expect([...sut.coPurchase.values]).toEqual([0, 0, 0.8, 0.4 + 0.5 * 0.5, 0, 0]);
    expect([...sut.content.values]).toEqual([0, 0, 0, 0, 0.6, 0]);
    sut.score(bought([4, 0]), signals(), OPTIONS);
    expect([...sut.coPurchase.values]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...sut.content.values]).toEqual([0, 0, 0, 0, 0, 0.6]);
  });
});

describe('recommend', () => {
  it('ranks by co-purchase + content + popularity, says which signal placed each item', () => {
    const result = recommend(bought([0, 0]), signals(), OPTIONS, 4, (item) => item === 0);
    expect(result).toEqual([
      { item: 2, score: blendScore(0.8, 0, 0.3, OPTIONS), source: 'co_purchase' },
      { item: 3, score: blendScore(0.4, 0, 0.4, OPTIONS), source: 'co_purchase' },
      { item: 4, score: blendScore(0, 0.6, 0, OPTIONS), source: 'content' },
      { item: 5, score: blendScore(0, 0, 1, OPTIONS), source: 'popular' },
    ]);
  });

  it('falls back to content neighbours, then to popular items', () => {
    const result = recommend(bought([4, 0]), signals(), OPTIONS, 3, (item) => item === 4);
    expect(result.map(({ item, source }) => [item, source])).toEqual([
      [5, 'content'],
      [3, 'popular'],
      [2, 'popular'],
    ]);
  });

  it('never returns an excluded item', () => {
    const excluded = new Set([2, 5]);
    const result = recommend(bought([0, 0]), signals(), OPTIONS, 6, (item) => excluded.has(item));
    expect(result.map(({ item }) => item)).toEqual([3, 4, 0, 1]);
  });

  it('equals ranking every item by its blended score', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.tuple(fc.nat(11), fc.double({ min: 0.01, max: 1, noNaN: true })), { maxLength: 4 }),
          { minLength: 12, maxLength: 12 },
        ),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 12, maxLength: 12 }),
        fc.uniqueArray(fc.nat(11), { maxLength: 4 }),
        fc.uniqueArray(fc.nat(11), { maxLength: 6 }),
        fc.integer({ min: 1, max: 12 }),
        (rawLists, rawPopularity, historyItems, excludedItems, limit) => {
          const lists = rawLists.map((pairs) =>
            list(pairs.filter(([item], at) => pairs.findIndex(([other]) => other === item) === at)),
          );
          const popularity = Float64Array.from(rawPopularity, (value) => value / 4);
          const input: Signals = {
            itemCount: 12,
            coPurchase: (item) => lists[item],
            content: (item) => lists[(item + 5) % 12],
            popularity: (item) => popularity[item]!,
            popular: popularityOrder(popularity),
          };
          const history = historyItems.map((item, at) => ({ item, weight: 1, timestamp: at * DAY }));
          const excluded = new Set(excludedItems);
          const scores = new SignalScores(12);
          scores.score(history, input, OPTIONS);
          const everyItem = Array.from({ length: 12 }, (_, item) => ({
            item,
            score: blendScore(
              scores.coPurchase.values[item]!,
              scores.content.values[item]!,
              popularity[item]!,
              OPTIONS,
            ),
          }));
          const expected = everyItem
            .filter(({ item }) => !excluded.has(item))
            .sort((a, b) => b.score - a.score || a.item - b.item)
            .slice(0, limit);
          const actual = recommend(history, input, OPTIONS, limit, (item) => excluded.has(item));
          expect(actual.map(({ item, score }) => ({ item, score }))).toEqual(expected);
        },
      ),
    );
  });
});

describe('recommendForItem', () => {
  it('never returns the item itself, and names the strategy behind most of the list', () => {
    const coBought = recommendForItem(0, signals(), OPTIONS, 3, nothing);
    expect(coBought.recommendations.map(({ item }) => item)).toEqual([2, 3, 4]);
    expect(coBought.strategy).toBe('co_purchase');
    const similar = recommendForItem(4, signals(), OPTIONS, 1, (item) => item === 3);
    expect(similar.recommendations.map(({ item }) => item)).toEqual([5]);
    expect(similar.strategy).toBe('content');
    const cold = recommendForItem(5, signals(), OPTIONS, 2, nothing);
    expect(cold.recommendations.map(({ item }) => item)).toEqual([3, 2]);
    expect(cold.strategy).toBe('popular');
  });
});

describe('recommendForUser', () => {
  it('is personal when neighbours of the history fill most of the list', () => {
    const bought01 = new Set([0, 1]);
    const result = recommendForUser(bought([0, 0], [1, 1]), signals(), OPTIONS, 3, (item) =>
      bought01.has(item),
    );
    expect(result.recommendations.map(({ item }) => item)).toEqual([2, 3, 4]);
    expect(result.strategy).toBe('personal');
  });

  it('gives a new user the popular items', () => {
    const result = recommendForUser([], signals(), OPTIONS, 3, nothing);
    expect(result.recommendations.map(({ item }) => item)).toEqual([5, 3, 2]);
    expect(result.strategy).toBe('popular');
  });
});

describe('dominantSource', () => {
  it('picks the most frequent source, a tie going to the more specific one', () => {
    const of = (...sources: ('co_purchase' | 'content' | 'popular')[]) =>
      dominantSource(sources.map((source, item) => ({ item, score: 1, source })));
    expect(of('popular', 'content', 'content')).toBe('content');
    expect(of('co_purchase', 'popular')).toBe('co_purchase');
    expect(of('content', 'popular')).toBe('content');
    expect(of('popular', 'popular', 'co_purchase')).toBe('popular');
    expect(of()).toBe('popular');
  });
});
