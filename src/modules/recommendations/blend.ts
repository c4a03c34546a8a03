import type { UserItem } from './interactions.js';
import { type NeighbourList, ScoreBoard, type TieBreak, TopK } from './top-k.js';

export type NeighbourLookup = (item: number) => NeighbourList | undefined;

/** Everything a recommendation is computed from; neighbour lists may come from memory or tables. */
export interface Signals {
  itemCount: number;
  coPurchase: NeighbourLookup;
  content: NeighbourLookup;
  /** Popularity scaled to [0, 1]. */
  popularity: (item: number) => number;
  /** Items in descending popularity, equal popularity in `precedes` order. */
  popular: Iterable<number>;
  /** Which of two items of equal score ranks first; the smaller index unless told. */
  precedes?: TieBreak;
}

export interface BlendOptions {
  /** A history item's weight halves for every this many days it lies before the latest one. */
  recencyHalfLifeDays: number;
  /** Score = co-purchase + contentWeight · content + popularityWeight · popularity. */
  contentWeight: number;
  popularityWeight: number;
}

export type Source = 'co_purchase' | 'content' | 'popular';

export interface Recommendation {
  item: number;
  score: number;
  /** The signal that contributed most to this item's score. */
  source: Source;
}

const SECONDS_PER_DAY = 86_400;

/** Each history item's weight, discounted by how long before the user's latest interest it lies. */
export function historyWeights(history: readonly UserItem[], recencyHalfLifeDays: number): Float64Array {
  let latest = Number.NEGATIVE_INFINITY;
  for (const { timestamp } of history) latest = Math.max(latest, timestamp);
  const halfLifeSeconds = recencyHalfLifeDays * SECONDS_PER_DAY;
  return Float64Array.from(
    history,
    ({ weight, timestamp }) => weight * 2 ** ((timestamp - latest) / halfLifeSeconds),
  );
}

/** Adds Σ over history items h of weight(h) · sim(h, j) to each neighbour j's score. */
function addNeighbourScores(
  history: readonly UserItem[],
  weights: Float64Array,
  lookup: NeighbourLookup,
  into: ScoreBoard,
): void {
  for (let h = 0; h < history.length; h++) {
    const neighbours = lookup(history[h]!.item);
    if (!neighbours) continue;
    for (let n = 0; n < neighbours.items.length; n++) {
      into.add(neighbours.items[n]!, weights[h]! * neighbours.scores[n]!);
    }
  }
}

export function blendScore(
  coPurchase: number,
  content: number,
  popularity: number,
  options: BlendOptions,
): number {
  return coPurchase + options.contentWeight * content + options.popularityWeight * popularity;
}

/** Per-signal scores of every item for one history: what the blend and its offline evaluation read. */
export class SignalScores {
  readonly coPurchase: ScoreBoard;
  readonly content: ScoreBoard;

  constructor(itemCount: number) {
    this.coPurchase = new ScoreBoard(itemCount);
    this.content = new ScoreBoard(itemCount);
  }

  /** Replaces the scores with those of `history`. */
  score(history: readonly UserItem[], signals: Signals, options: BlendOptions): void {
    this.coPurchase.reset();
    this.content.reset();
    this.coPurchase.grow(signals.itemCount);
    this.content.grow(signals.itemCount);
    const weights = historyWeights(history, options.recencyHalfLifeDays);
    addNeighbourScores(history, weights, signals.coPurchase, this.coPurchase);
    addNeighbourScores(history, weights, signals.content, this.content);
  }
}

/**
 * The `limit` best items for a history by blended score, skipping excluded ones. Only items
 * near the history (touched by a neighbour list) and the most popular items can rank, so this
 * equals ranking the whole catalogue without scoring it. `scores` is working space, reused by a
 * caller that ranks often (its contents are replaced).
 */
export function recommend(
  history: readonly UserItem[],
  signals: Signals,
  options: BlendOptions,
  limit: number,
  isExcluded: (item: number) => boolean,
  scores: SignalScores = new SignalScores(signals.itemCount),
): Recommendation[] {
  scores.score(history, signals, options);
  const { coPurchase, content } = scores;
  const best = new TopK(limit, signals.precedes);
  const offer = (item: number) => {
    const score = blendScore(
      coPurchase.values[item]!,
      content.values[item]!,
      signals.popularity(item),
      options,
    );
    // Most candidates fall short of the best so far: asking those whether they are excluded is waste.
    if (best.admits(item, score) && !isExcluded(item)) best.offer(item, score);
  };
  // Each candidate once: co-purchase neighbours, then content-only ones, then untouched popular ones.
  for (const item of coPurchase.touched) offer(item);
  for (const item of content.touched) if (!coPurchase.has(item)) offer(item);
  let popularTaken = 0;
  for (const item of signals.popular) {
    if (popularTaken === limit) break;
    if (isExcluded(item)) continue;
    popularTaken++;
    if (!coPurchase.has(item) && !content.has(item)) offer(item);
  }
  const { items, scores: blended } = best.take();
  return Array.from(items, (item, rank) => ({
    item,
    score: blended[rank]!,
    source: strongestSource(
      coPurchase.values[item]!,
      options.contentWeight * content.values[item]!,
      options.popularityWeight * signals.popularity(item),
    ),
  }));
}

function strongestSource(coPurchase: number, content: number, popularity: number): Source {
  if (coPurchase > 0 && coPurchase >= content && coPurchase >= popularity) return 'co_purchase';
  if (content > 0 && content >= popularity) return 'content';
  return 'popular';
}

/** The source behind most of the list; a tie goes to the more specific signal. */
export function dominantSource(recommendations: readonly Recommendation[]): Source {
  const counts: Record<Source, number> = { co_purchase: 0, content: 0, popular: 0 };
  for (const { source } of recommendations) counts[source]++;
  if (
    counts.co_purchase > 0 &&
    counts.co_purchase >= counts.content &&
    counts.co_purchase >= counts.popular
  ) {
    return 'co_purchase';
  }
  return counts.content > 0 && counts.content >= counts.popular ? 'content' : 'popular';
}

/** "Customers who bought this also bought": the neighbours of one item. */
export function recommendForItem(
  item: number,
  signals: Signals,
  options: BlendOptions,
  limit: number,
  isExcluded: (item: number) => boolean,
  scores?: SignalScores,
): { recommendations: Recommendation[]; strategy: Source } {
  const recommendations = recommend(
    [{ item, weight: 1, timestamp: 0 }],
    signals,
    options,
    limit,
    (other) => other === item || isExcluded(other),
    scores,
  );
  return { recommendations, strategy: dominantSource(recommendations) };
}

/**
 * A user's list from the neighbours of what they bought and viewed; `personal` unless popular
 * items make up most of it (a new user has no neighbours, so gets popular items).
 */
export function recommendForUser(
  history: readonly UserItem[],
  signals: Signals,
  options: BlendOptions,
  limit: number,
  isExcluded: (item: number) => boolean,
  scores?: SignalScores,
): { recommendations: Recommendation[]; strategy: 'personal' | 'popular' } {
  const recommendations = recommend(history, signals, options, limit, isExcluded, scores);
  return { recommendations, strategy: userStrategy(recommendations) };
}

/** A user's list is `personal` unless popular items make up most of it. */
export function userStrategy(recommendations: readonly Recommendation[]): 'personal' | 'popular' {
  return dominantSource(recommendations) === 'popular' ? 'popular' : 'personal';
}
