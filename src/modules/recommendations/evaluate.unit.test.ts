import { describe, expect, it } from 'vitest';
import { evaluateOffline } from './evaluate.js';
import { collapseInteractions, type Interaction } from './interactions.js';
import { DEFAULT_RECOMMENDER_PARAMS, type RecommenderParams } from './model.js';

const rows: [string, string, number][] = [
  ['u1', 'A', 1],
  ['u1', 'B', 2],
  ['u1', 'C', 3],
  ['u1', 'A', 9],
  ['u2', 'A', 1],
  ['u2', 'B', 1],
  ['u3', 'A', 5],
  ['u4', 'D', 1],
  ['u4', 'A', 2],
  ...Array.from({ length: 12 }, (_, k): [string, string, number] => ['u5', `F${k}`, k + 1]),
  ['u6', 'F11', 1],
];

function dataset() {
  const interactions: Interaction[] = rows.map(([userId, itemId, timestamp]) => ({
    userId,
    itemId,
    timestamp,
    weight: 1,
  }));
  const { users, items, histories } = collapseInteractions(interactions);
  return { histories, userIds: users.keys, itemIds: items.keys, texts: [] };
}

const PARAMS: RecommenderParams = {
  ...DEFAULT_RECOMMENDER_PARAMS,
  popularityHalfLifeDays: Number.POSITIVE_INFINITY,
};

/*
 * Test split: u1 holds out C (A's repeat at 9 keeps its first time), u2 holds out B (tie at
 * time 1), u3 has one item, u4 holds out A, u5 holds out F11. Training popularity: A 3; B, D,
 * F0–F10 and F11 (u6) 1; C 0. Ranks among items never interacted with, ties against:
 * u1 C (0) ranks 13th of 13, u2 B (1) 13th of 14, u4 A first, u5 F11 behind A, B and D.
 */
describe('evaluateOffline', () => {
  it('reproduces hand-computed popularity metrics on the test split', () => {
    const { users, models } = evaluateOffline(dataset(), 'loo-full', 'test', PARAMS);
    expect(users).toBe(4);
    expect(models.popularity.hr10).toBe(0.5);
    expect(models.popularity.ndcg10).toBeCloseTo((1 + 1 / Math.log2(5)) / 4, 12);
  });

  it('holds out the second-to-last item on the validation split and hides the test item', () => {
    // u1 holds out B (0) behind 13 items; u5 holds out F10 (0) behind A, B, C and D — not F11,
    // u5's hidden test item, although u6 bought it.
    const { users, models } = evaluateOffline(dataset(), 'loo-full', 'validation', PARAMS);
    expect(users).toBe(2);
    expect(models.popularity.hr10).toBe(0.5);
    expect(models.popularity.ndcg10).toBeCloseTo(1 / Math.log2(6) / 2, 12);
  });

  it('samples every uninteracted item when fewer than 100 remain, so both protocols agree', () => {
    const full = evaluateOffline(dataset(), 'loo-full', 'test', PARAMS);
    const sampled = evaluateOffline(dataset(), 'loo-sampled-100', 'test', PARAMS);
    expect(sampled.models).toEqual(full.models);
  });
});
