import type { UserItem } from './interactions.js';

const SECONDS_PER_DAY = 86_400;

/**
 * Σ over users of weight · 2^(−age / half-life), where age is how long before `now` the user
 * first showed interest in the item: last season's best-seller fades. An infinite half-life
 * counts each interested user once, at their weight.
 */
export function decayedPopularity(
  histories: Iterable<readonly UserItem[]>,
  itemCount: number,
  now: number,
  halfLifeDays: number,
): Float64Array {
  const popularity = new Float64Array(itemCount);
  const halfLifeSeconds = halfLifeDays * SECONDS_PER_DAY;
  for (const history of histories) {
    for (const { item, weight, timestamp } of history) {
      popularity[item]! += weight * 2 ** (-Math.max(0, now - timestamp) / halfLifeSeconds);
    }
  }
  return popularity;
}

/** Items from most to least popular; equal popularity goes to the smaller index. */
export function popularityOrder(popularity: Float64Array): Int32Array {
  return Int32Array.from(popularity.keys()).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
}
