import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageRating, ratingPrior, ratingScore } from './catalog.present.js';

describe('averageRating', () => {
  it('is 0 without ratings', () => {
    expect(averageRating(0, 0)).toBe(0);
  });

  it('rounds half up to 2 decimals where floating point would round down', () => {
    // 1003 / 200 = 5.015 exactly; 5.015 * 100 is 501.49999… in binary floating point.
    expect(averageRating(1003, 200)).toBe(5.02);
    expect(averageRating(33, 8)).toBe(4.13);
    expect(averageRating(10, 3)).toBe(3.33);
  });

  it('equals the exact mean rounded half up, for any counts of 1–5 star ratings', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 500 }), (ratings) => {
        const sum = ratings.reduce((a, b) => a + b, 0);
        const count = ratings.length;
        const hundredths = Math.round(averageRating(sum, count) * 100);
        // h is the nearest hundredth to sum/count, ties up: -1/2 <= 100·sum/count - h < 1/2.
        const twiceError = 200 * sum - 2 * hundredths * count;
        expect(twiceError).toBeGreaterThanOrEqual(-count);
        expect(twiceError).toBeLessThan(count);
      }),
    );
  });
});

describe('ratingScore', () => {
  it('is 0 without reviews, whatever the prior', () => {
    expect(ratingScore(0, 0, { weight: 10, mean: 4.2 })).toBe(0);
  });

  it('pulls few ratings toward the marketplace mean and many toward their own mean', () => {
    const prior = ratingPrior(10, { count: 1000, sum: 3500 });
    expect(prior.mean).toBe(3.5);
    expect(ratingScore(5, 1, prior)).toBeCloseTo((10 * 3.5 + 5) / 11, 12);
    expect(ratingScore(5000, 1000, prior)).toBeGreaterThan(4.9);
    // One perfect review ranks below a hundred 4.8 reviews.
    expect(ratingScore(5, 1, prior)).toBeLessThan(ratingScore(480, 100, prior));
  });

  it('is the plain mean when the prior weighs nothing', () => {
    expect(ratingScore(9, 2, ratingPrior(0, { count: 0, sum: 0 }))).toBe(4.5);
  });
});
