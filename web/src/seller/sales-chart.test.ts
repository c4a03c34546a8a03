import { describe, expect, it } from 'vitest';
import { barHeight, niceMaximum } from '../ui/bar-chart-scale';
import { fillDays } from './sales-chart';

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('fillDays', () => {
  it('fills the days the API left out with zero sales, oldest first, ending today', () => {
    const rows = [
      { date: '2026-11-23', orders: 2, gross: usd(5000) },
      { date: '2026-11-25', orders: 1, gross: usd(1999) },
    ];
    const days = fillDays(rows, 4, new Date('2026-11-25T22:10:00Z'), 'USD');
    expect(days).toEqual([
      { date: '2026-11-22', orders: 0, gross: usd(0) },
      { date: '2026-11-23', orders: 2, gross: usd(5000) },
      { date: '2026-11-24', orders: 0, gross: usd(0) },
      { date: '2026-11-25', orders: 1, gross: usd(1999) },
    ]);
  });

  it('drops rows outside the window and crosses month ends', () => {
    const days = fillDays(
      [{ date: '2026-10-01', orders: 9, gross: usd(1) }],
      3,
      new Date('2026-03-01T00:00:00Z'),
      'USD',
    );
    expect(days.map((day) => day.date)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(days.every((day) => day.orders === 0)).toBe(true);
  });
});

describe('niceMaximum', () => {
  it('rounds the largest value up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMaximum([120, 7])).toBe(200);
    expect(niceMaximum([12_345])).toBe(20_000);
    expect(niceMaximum([450])).toBe(500);
    expect(niceMaximum([501])).toBe(1000);
    expect(niceMaximum([1000])).toBe(1000);
    expect(niceMaximum([1])).toBe(1);
  });

  it('is zero without sales', () => {
    expect(niceMaximum([])).toBe(0);
    expect(niceMaximum([0, 0])).toBe(0);
  });
});

describe('barHeight', () => {
  it('scales a value to the chart height', () => {
    expect(barHeight(50, 200, 100)).toBe(25);
    expect(barHeight(200, 200, 100)).toBe(100);
  });

  it('draws nothing for zero, negatives or an empty axis', () => {
    expect(barHeight(0, 200, 100)).toBe(0);
    expect(barHeight(-5, 200, 100)).toBe(0);
    expect(barHeight(10, 0, 100)).toBe(0);
  });
});
