import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BlendOptions, recommend, type Signals } from './blend.js';
import { popularityOrder } from './popularity.js';
import { ServingIndex, type StoredLists } from './serving-index.js';
import type { NeighbourList } from './top-k.js';

const ITEMS = 12;
const OPTIONS: BlendOptions = { recencyHalfLifeDays: 1, contentWeight: 0.2, popularityWeight: 0.01 };
const idOf = (item: number) => `prod_${String(item).padStart(2, '0')}`;

/** A list of distinct other items with positive scores, best first. */
const neighbourList = (item: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: ITEMS - 1 }), { maxLength: 5 }).chain((others) =>
    fc
      .uniqueArray(fc.double({ min: 0.01, max: 1, noNaN: true }), {
        minLength: others.length,
        maxLength: others.length,
      })
      .map((scores) => {
        const kept = others.filter((other) => other !== item);
        const sorted = scores.slice(0, kept.length).sort((a, b) => b - a);
        return { items: Int32Array.from(kept), scores: Float64Array.from(sorted) };
      }),
  );

describe('ServingIndex', () => {
  it('ranks products of equal score by id, whatever order the process met them in', () => {
    const sut = new ServingIndex();
    const anchor = sut.indexOf('prod_a');
    const lists = new Map<number, StoredLists>([
      [
        anchor,
        {
          co_purchase: sut.neighbourList({
            neighbourIds: ['prod_z', 'prod_m', 'prod_b'],
            scores: [0.5, 0.5, 0.5],
          }),
        },
      ],
    ]);
    const ranked = sut.rank(lists, sut.popularity([]), (signals, scores) =>
      recommend(
        [{ item: anchor, weight: 1, timestamp: 0 }],
        signals,
        OPTIONS,
        2,
        (item) => item === anchor,
        scores,
      ),
    );
    expect(ranked.map(({ item }) => sut.productIdOf(item))).toEqual(['prod_b', 'prod_m']);
  });

  it('ranks stored lists, read by product id in any order, as the whole-catalogue model ranks', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          ...Array.from({ length: ITEMS }, (_, item) => fc.tuple(neighbourList(item), neighbourList(item))),
        ),
        fc.uniqueArray(fc.double({ min: 0.01, max: 100, noNaN: true }), {
          minLength: ITEMS,
          maxLength: ITEMS,
        }),
        fc.array(fc.boolean(), { minLength: ITEMS, maxLength: ITEMS }),
        fc.uniqueArray(fc.integer({ min: 0, max: ITEMS - 1 }), { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(fc.integer({ min: 0, max: ITEMS - 1 }), { maxLength: 3 }),
        fc.integer({ min: 1, max: ITEMS }),
        (lists, rawPopularity, popularOnes, historyItems, excludedItems, limit) => {
          const popularity = Float64Array.from(rawPopularity, (score, item) =>
            popularOnes[item] ? score : 0,
          );
          const highest = Math.max(...popularity);
          const model: Signals = {
            itemCount: ITEMS,
            coPurchase: (item) => lists[item]![0],
            content: (item) => lists[item]![1],
            popularity: (item) => (highest > 0 ? popularity[item]! / highest : 0),
            popular: popularityOrder(popularity).filter((item) => popularity[item]! > 0),
          };
          const history = historyItems.map((item, at) => ({ item, weight: 1, timestamp: at * 86_400 }));
          const excluded = new Set(excludedItems);
          const expected = recommend(history, model, OPTIONS, limit, (item) => excluded.has(item));

          // Served: products indexed in the order a process meets them, lists read as rows of ids.
          const sut = new ServingIndex();
          const rows = [...popularity.keys()]
            .filter((item) => popularity[item]! > 0)
            .sort((a, b) => popularity[b]! - popularity[a]!)
            .map((item) => ({ productId: idOf(item), score: popularity[item]! }));
          const served = sut.popularity(rows);
          const asRow = (list: NeighbourList) => ({
            neighbourIds: Array.from(list.items, idOf),
            scores: [...list.scores],
          });
          const stored = new Map<number, StoredLists>(
            [...historyItems].reverse().map((item) => [
              sut.indexOf(idOf(item)),
              {
                co_purchase: sut.neighbourList(asRow(lists[item]![0])),
                content: sut.neighbourList(asRow(lists[item]![1])),
              },
            ]),
          );
          const servedHistory = history.map((entry) => ({ ...entry, item: sut.indexOf(idOf(entry.item)) }));
          const servedExcluded = new Set(excludedItems.map((item) => sut.indexOf(idOf(item))));
          const actual = sut.rank(stored, served, (signals, scores) =>
            recommend(servedHistory, signals, OPTIONS, limit, (item) => servedExcluded.has(item), scores),
          );

          expect(
            actual.map(({ item, score, source }) => ({ id: sut.productIdOf(item), score, source })),
          ).toEqual(expected.map(({ item, score, source }) => ({ id: idOf(item), score, source })));
        },
      ),
      // Equal scores are rare in random doubles: a thousand runs meet some, and their order.
      { numRuns: 1000 },
    );
  });
});
