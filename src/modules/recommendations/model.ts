import type { BlendOptions, Signals } from './blend.js';
import { type ContentOptions, ContentVectors, type ItemText } from './content.js';
import type { UserItem } from './interactions.js';
import { CoOccurrence, type ItemKnnOptions } from './item-knn.js';
import { decayedPopularity, popularityOrder } from './popularity.js';
import { EMPTY_NEIGHBOURS, type NeighbourList } from './top-k.js';

export interface RecommenderParams {
  itemKnn: ItemKnnOptions & { userDegreeExponent: number };
  content: ContentOptions;
  popularityHalfLifeDays: number;
  blend: BlendOptions;
}

/**
 * Tuned on the validation split of the UCI Online Retail data (each user's second-to-last
 * item; the test item never seen): see README "Recommendations: offline evaluation".
 */
export const DEFAULT_RECOMMENDER_PARAMS: RecommenderParams = {
  itemKnn: { neighbours: 100, shrink: 0.05, alpha: 0.4, userDegreeExponent: 0.75 },
  content: { neighbours: 50, categoryWeight: 1 },
  popularityHalfLifeDays: Number.POSITIVE_INFINITY,
  blend: { recencyHalfLifeDays: 1, contentWeight: 0.2, popularityWeight: 0.01 },
};

/** Every signal of the recommender, for a whole catalogue. */
export interface RecommenderModel {
  coPurchase: NeighbourList[];
  content: NeighbourList[];
  /** Scaled to [0, 1]. */
  popularity: Float64Array;
  popular: Int32Array;
}

/**
 * Builds every neighbour list and the popularity from collapsed histories (index = user) and
 * item texts: the same components a refresh applies to changed items only.
 */
export function trainRecommender(
  histories: readonly (readonly UserItem[])[],
  texts: readonly ItemText[],
  itemCount: number,
  now: number,
  params: RecommenderParams,
): RecommenderModel {
  const allItems = Array.from({ length: itemCount }, (_, item) => item);
  const coOccurrence = new CoOccurrence(params.itemKnn.userDegreeExponent);
  for (const [user, history] of histories.entries()) coOccurrence.addUserItems(user, history);
  const coPurchase = coOccurrence.neighboursOf(allItems, params.itemKnn);
  const content = new ContentVectors(texts, itemCount, params.content.categoryWeight).neighboursOf(
    allItems,
    params.content.neighbours,
  );
  const popularity = decayedPopularity(histories, itemCount, now, params.popularityHalfLifeDays);
  const highest = popularity.reduce((max, value) => Math.max(max, value), 0);
  if (highest > 0) for (let item = 0; item < itemCount; item++) popularity[item]! /= highest;
  return {
    coPurchase: allItems.map((item) => coPurchase.get(item) ?? EMPTY_NEIGHBOURS),
    content: allItems.map((item) => content.get(item) ?? EMPTY_NEIGHBOURS),
    popularity,
    popular: popularityOrder(popularity),
  };
}

export function signalsOf(model: RecommenderModel): Signals {
  return {
    itemCount: model.popularity.length,
    coPurchase: (item) => model.coPurchase[item],
    content: (item) => model.content[item],
    popularity: (item) => model.popularity[item] ?? 0,
    popular: model.popular,
  };
}
