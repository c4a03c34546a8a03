import { describe, expect, it } from 'vitest';
import { collapseInteractions } from './interactions.js';

describe('collapseInteractions', () => {
  it('keeps one entry per (user, item): the first time and the strongest weight', () => {
    const { users, items, histories } = collapseInteractions([
      { userId: 'u1', itemId: 'mug', timestamp: 50, weight: 0.3 },
      { userId: 'u1', itemId: 'cup', timestamp: 40, weight: 1 },
      { userId: 'u2', itemId: 'mug', timestamp: 10, weight: 1 },
      { userId: 'u1', itemId: 'mug', timestamp: 70, weight: 1 },
      { userId: 'u1', itemId: 'mug', timestamp: 60, weight: 1 },
    ]);
    expect(users.keys).toEqual(['u1', 'u2']);
    expect(items.keys).toEqual(['mug', 'cup']);
    expect(items.indexOf('cup')).toBe(1);
    expect(items.indexOf('vase')).toBeUndefined();
    expect(histories).toEqual([
      [
        { item: 1, weight: 1, timestamp: 40 },
        { item: 0, weight: 1, timestamp: 50 },
      ],
      [{ item: 0, weight: 1, timestamp: 10 }],
    ]);
  });
});
