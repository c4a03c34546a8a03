import type { UserItem } from './interactions.js';

/**
 * Each user's latest distinct item, for users with at least two; ties in time go to the
 * lexicographically largest item id. Histories hold one entry per distinct item.
 */
export function leaveLatestOut(
  histories: readonly (readonly UserItem[])[],
  itemIds: readonly string[],
): { train: UserItem[][]; heldOut: (UserItem | undefined)[] } {
  const train: UserItem[][] = [];
  const heldOut: (UserItem | undefined)[] = [];
  for (const history of histories) {
    if (history.length < 2) {
      train.push([...history]);
      heldOut.push(undefined);
      continue;
    }
    let latest = history[0]!;
    for (const entry of history) {
      if (
        entry.timestamp > latest.timestamp ||
        (entry.timestamp === latest.timestamp && itemIds[entry.item]! > itemIds[latest.item]!)
      ) {
        latest = entry;
      }
    }
    train.push(history.filter((entry) => entry !== latest));
    heldOut.push(latest);
  }
  return { train, heldOut };
}

/**
 * The 0-based rank of `target` among `candidates` (which do not include it) by descending
 * score. Candidates with a score equal to the target's rank above it.
 */
export function rankOf(scores: ArrayLike<number>, target: number, candidates: ArrayLike<number>): number {
  const targetScore = scores[target]!;
  let rank = 0;
  for (let k = 0; k < candidates.length; k++) if (scores[candidates[k]!]! >= targetScore) rank++;
  return rank;
}

const CUTOFF = 10;

export function hitAt10(rank: number): number {
  return rank < CUTOFF ? 1 : 0;
}

export function ndcgAt10(rank: number): number {
  return rank < CUTOFF ? 1 / Math.log2(rank + 2) : 0;
}

/**
 * `count` distinct items drawn uniformly from those not marked in `interacted` (all of them
 * when fewer remain), in draw order.
 */
export function sampleUninteracted(
  random: () => number,
  itemCount: number,
  interacted: Uint8Array,
  count: number,
): Int32Array {
  let available = 0;
  for (let item = 0; item < itemCount; item++) if (interacted[item] === 0) available++;
  if (available <= count) {
    const all = new Int32Array(available);
    let next = 0;
    for (let item = 0; item < itemCount; item++) if (interacted[item] === 0) all[next++] = item;
    return all;
  }
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const item = Math.floor(random() * itemCount);
    if (interacted[item] === 0) chosen.add(item);
  }
  return Int32Array.from(chosen);
}
