import { describe, expect, it } from 'vitest';
import { everyItem } from './csv.js';

describe('everyItem', () => {
  it('walks a cursor-paged list to its end, each item once, in order', async () => {
    const all = Array.from({ length: 250 }, (_, i) => i);
    const asked: (string | undefined)[] = [];
    const items: number[] = [];
    for await (const item of everyItem(async (limit, cursor) => {
      asked.push(cursor);
      const start = cursor === undefined ? 0 : Number(cursor);
      const next = start + limit;
      return { data: all.slice(start, next), next_cursor: next < all.length ? String(next) : null };
    })) {
      items.push(item);
    }
    expect(items).toEqual(all);
    expect(asked).toEqual([undefined, '100', '200']);
  });

  it('stops after one empty page', async () => {
    let calls = 0;
    const items: unknown[] = [];
    for await (const item of everyItem(async () => {
      calls++;
      return { data: [], next_cursor: null };
    })) {
      items.push(item);
    }
    expect([items, calls]).toEqual([[], 1]);
  });
});
