import { describe, expect, it } from 'vitest';
import { decayedPopularity, popularityOrder } from './popularity.js';

const DAY = 86_400;
const NOW = 1_000 * DAY;

describe('decayedPopularity', () => {
  const histories = [
    [
      { item: 0, weight: 1, timestamp: NOW },
      { item: 1, weight: 1, timestamp: NOW - 30 * DAY },
    ],
    [
      { item: 1, weight: 0.5, timestamp: NOW - 60 * DAY },
      { item: 2, weight: 1, timestamp: NOW + DAY },
    ],
  ];

  it('halves an interest for every half-life it lies before now (a later one counts fully)', () => {
    expect([...decayedPopularity(histories, 4, NOW, 30)]).toEqual([1, 0.5 + 0.5 / 4, 1, 0]);
  });

  it('counts each interested user at their weight when the half-life is infinite', () => {
    expect([...decayedPopularity(histories, 4, NOW, Number.POSITIVE_INFINITY)]).toEqual([1, 1.5, 1, 0]);
  });
});

describe('popularityOrder', () => {
  it('orders items by descending popularity, equal ones by ascending index', () => {
    expect([...popularityOrder(Float64Array.from([0.5, 2, 0, 2, 0.5]))]).toEqual([1, 3, 0, 4, 2]);
  });
});
