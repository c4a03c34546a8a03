import { describe, expect, it } from 'vitest';
import { groupByShop, isOverStock, overStockLines } from './cart-lines';

const ada = { id: 'shop_ada', name: "Ada's Atelier" };
const cy = { id: 'shop_cy', name: 'Okafor Audio' };
const line = (id: string, shop = ada, quantity = 1, available = 10) => ({ id, shop, quantity, available });

describe('groupByShop', () => {
  it('puts lines of one shop together, shops in the order their first line appears', () => {
    const groups = groupByShop([line('a', cy), line('b', ada), line('c', cy), line('d', ada)]);
    expect(groups.map((group) => [group.shop.name, group.lines.map((l) => l.id)])).toEqual([
      ['Okafor Audio', ['a', 'c']],
      ["Ada's Atelier", ['b', 'd']],
    ]);
  });
});

describe('over-stock lines', () => {
  it('flags a line asking for more than is available, not one asking for exactly that', () => {
    expect(isOverStock(line('a', ada, 3, 2))).toBe(true);
    expect(isOverStock(line('a', ada, 2, 2))).toBe(false);
    expect(isOverStock(line('a', ada, 1, 0))).toBe(true);
    expect(overStockLines([line('a', ada, 3, 2), line('b', ada, 1, 5)]).map((l) => l.id)).toEqual(['a']);
  });
});
