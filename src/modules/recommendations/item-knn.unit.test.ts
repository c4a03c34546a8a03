import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoOccurrence, type ItemKnnOptions } from './item-knn.js';

/** Users 0–3 bought items {0, 1}, {0, 1, 2}, {2, 3} and {0}: item 0 is the best-seller. */
function handMade(userDegreeExponent: number): CoOccurrence {
  const sut = new CoOccurrence(userDegreeExponent);
  const baskets = [[0, 1], [0, 1, 2], [2, 3], [0]];
  baskets.forEach((items, user) => {
    sut.addUserItems(
      user,
      items.map((item) => ({ item, weight: 1 })),
    );
  });
  return sut;
}

const COSINE: ItemKnnOptions = { neighbours: 10, shrink: 0, alpha: 0.5 };

function asPairs(list: { items: Int32Array; scores: Float64Array } | undefined): [number, number][] {
  return list ? Array.from(list.items, (item, at) => [item, list.scores[at]!]) : [];
}

function expectPairs(actual: [number, number][], expected: [number, number][]): void {
  expect(actual.map(([item]) => item)).toEqual(expected.map(([item]) => item));
  for (const [at, [, score]] of actual.entries()) expect(score).toBeCloseTo(expected[at]![1], 12);
}

describe('CoOccurrence', () => {
  it('counts, per pair of items, the users who showed interest in both', () => {
    const sut = handMade(0);
    expect(sut.coOccurrencesOf(0)).toEqual(
      new Map([
        [0, 3],
        [1, 2],
        [2, 1],
      ]),
    );
    expect(sut.coOccurrencesOf(2)).toEqual(
      new Map([
        [0, 1],
        [1, 1],
        [2, 2],
        [3, 1],
      ]),
    );
    expect([0, 1, 2, 3].map((item) => sut.norm(item))).toEqual([3, 2, 2, 1]);
  });

  it('ranks neighbours by cosine: c(i, j) / √(n(i) · n(j))', () => {
    const lists = handMade(0).neighboursOf([0, 2, 3], COSINE);
    expectPairs(asPairs(lists.get(0)), [
      [1, 2 / Math.sqrt(6)],
      [2, 1 / Math.sqrt(6)],
    ]);
    expectPairs(asPairs(lists.get(3)), [[2, 1 / Math.sqrt(2)]]);
  });

  it('does not favour the best-seller: equal co-occurrence ranks the less popular neighbour first', () => {
    // Item 2 co-occurs once with each of 0 (3 buyers), 1 (2 buyers) and 3 (1 buyer).
    expectPairs(asPairs(handMade(0).neighboursOf([2], COSINE).get(2)), [
      [3, 1 / Math.sqrt(2)],
      [1, 1 / 2],
      [0, 1 / Math.sqrt(6)],
    ]);
    // alpha below 0.5 penalises popular neighbours more: c / (n(i)^0.25 · n(j)^0.75).
    const asymmetric = handMade(0).neighboursOf([2], { ...COSINE, alpha: 0.25 });
    expectPairs(asPairs(asymmetric.get(2)), [
      [3, 1 / 2 ** 0.25],
      [1, 1 / (2 ** 0.25 * 2 ** 0.75)],
      [0, 1 / (2 ** 0.25 * 3 ** 0.75)],
    ]);
  });

  it('shrinks similarities by adding the shrink to the denominator', () => {
    const lists = handMade(0).neighboursOf([0], { ...COSINE, shrink: 1 });
    expectPairs(asPairs(lists.get(0)), [
      [1, 2 / (Math.sqrt(6) + 1)],
      [2, 1 / (Math.sqrt(6) + 1)],
    ]);
  });

  it('weights each user by 1 / d^exponent, d being their number of distinct items', () => {
    // Exponent 1: users weigh 1/2, 1/3, 1/2 and 1.
    const sut = handMade(1);
    expect(sut.coOccurrencesOf(0).get(1)).toBeCloseTo(1 / 2 + 1 / 3, 12);
    expect(sut.norm(0)).toBeCloseTo(1 / 2 + 1 / 3 + 1, 12);
    expectPairs(asPairs(sut.neighboursOf([0], COSINE).get(0)), [
      [1, 5 / 6 / Math.sqrt((11 / 6) * (5 / 6))],
      [2, 1 / 3 / Math.sqrt((11 / 6) * (5 / 6))],
    ]);
  });

  it('cuts each list at the neighbour count, the item itself never included', () => {
    const list = handMade(0)
      .neighboursOf([2], { ...COSINE, neighbours: 2 })
      .get(2)!;
    expect([...list.items]).toEqual([3, 1]);
    expect(handMade(0).neighboursOf([0, 1, 2, 3], COSINE).get(1)!.items).not.toContain(1);
  });

  it('counts a repeat once, keeping the higher weight (a purchase after a view)', () => {
    const sut = handMade(0);
    sut.addUserItems(0, [{ item: 1, weight: 1 }]);
    expect(sut.coOccurrencesOf(0).get(1)).toBe(2);
    sut.addUserItems(4, [
      { item: 3, weight: 0.25 },
      { item: 2, weight: 0.5 },
    ]);
    expect(sut.coOccurrencesOf(3).get(2)).toBe(1 + 0.25 * 0.5);
    sut.addUserItems(4, [{ item: 3, weight: 1 }]);
    expect(sut.coOccurrencesOf(3).get(2)).toBe(1 + 0.5);
    sut.addUserItems(4, [{ item: 3, weight: 0.5 }]);
    expect(sut.coOccurrencesOf(3).get(2)).toBe(1 + 0.5);
    expect(sut.norm(3)).toBe(2);
  });

  it('rejects a weight that is not positive', () => {
    expect(() => new CoOccurrence(0).addUserItems(0, [{ item: 0, weight: 0 }])).toThrow(RangeError);
  });

  const interactions = fc.array(
    fc.record({ user: fc.nat(5), item: fc.nat(7), weight: fc.constantFrom(0.25, 0.5, 1) }),
    { maxLength: 40 },
  );

  it('reaches the same neighbours one interaction at a time as from whole histories', () => {
    fc.assert(
      fc.property(interactions, (events) => {
        const incremental = new CoOccurrence(0.75);
        for (const { user, item, weight } of events) incremental.addUserItems(user, [{ item, weight }]);
        const batch = new CoOccurrence(0.75);
        for (let user = 0; user <= 5; user++) {
          batch.addUserItems(
            user,
            events.filter((event) => event.user === user),
          );
        }
        const items = [0, 1, 2, 3, 4, 5, 6, 7];
        const options = { neighbours: 8, shrink: 0.1, alpha: 0.4 };
        const expected = batch.neighboursOf(items, options);
        const actual = incremental.neighboursOf(items, options);
        for (const item of items) {
          const sorted = (pairs: [number, number][]) => pairs.sort(([a], [b]) => a - b);
          const want = sorted(asPairs(expected.get(item)));
          const got = sorted(asPairs(actual.get(item)));
          expect(got.map(([other]) => other)).toEqual(want.map(([other]) => other));
          for (const [at, [, score]] of got.entries()) expect(score).toBeCloseTo(want[at]![1], 9);
        }
      }),
    );
  });

  it('reports every item whose co-occurrence row changed, so a refresh can skip the rest', () => {
    fc.assert(
      fc.property(
        interactions,
        fc.nat(6),
        fc.uniqueArray(fc.nat(7), { minLength: 1 }),
        (events, user, added) => {
          const sut = new CoOccurrence(0.75);
          for (const event of events) sut.addUserItems(event.user, [event]);
          const before = [0, 1, 2, 3, 4, 5, 6, 7].map((item) => sut.coOccurrencesOf(item));
          const changed = new Set(
            sut.addUserItems(
              user,
              added.map((item) => ({ item, weight: 1 })),
            ),
          );
          for (const item of added) expect(changed).toContain(item);
          before.forEach((row, item) => {
            if (!changed.has(item)) expect(sut.coOccurrencesOf(item)).toEqual(row);
          });
        },
      ),
    );
  });
});
