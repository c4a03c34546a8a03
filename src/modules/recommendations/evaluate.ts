import { performance } from 'node:perf_hooks';
import { seededRandom } from '../../platform/random.js';
import { blendScore, SignalScores } from './blend.js';
import type { ItemText } from './content.js';
import type { UserItem } from './interactions.js';
import { hitAt10, leaveLatestOut, ndcgAt10, rankOf, sampleUninteracted } from './leave-one-out.js';
import { type RecommenderParams, signalsOf, trainRecommender } from './model.js';

export const PROTOCOLS = ['loo-full', 'loo-sampled-100'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
/** `validation` holds out each user's second-to-last item and hides the test item entirely. */
export const SPLITS = ['test', 'validation'] as const;
export type Split = (typeof SPLITS)[number];
export const MODEL_NAMES = ['popularity', 'item_knn', 'content', 'blend'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface Metrics {
  hr10: number;
  ndcg10: number;
}

export interface OfflineDataset {
  /** Per user index, one entry per distinct item (see collapseInteractions). */
  histories: UserItem[][];
  userIds: readonly string[];
  itemIds: readonly string[];
  texts: readonly ItemText[];
}

export interface OfflineEvaluation {
  users: number;
  models: Record<ModelName, Metrics>;
  trainSeconds: number;
}

const SAMPLED_NEGATIVES = 100;
const SAMPLING_SEED = 42;

/**
 * Leave-one-out evaluation of each signal alone and of the blend. The model is trained by
 * `trainRecommender` on the training part only; each user with a held-out item ranks it against
 * every item they never interacted with (`loo-full`) or against 100 of those drawn uniformly
 * (`loo-sampled-100`; one generator seeded 42, users in ascending id order). Items the user
 * interacted with in the whole file are never candidates, so in the validation split the test
 * item stays hidden.
 */
export function evaluateOffline(
  dataset: OfflineDataset,
  protocol: Protocol,
  split: Split,
  params: RecommenderParams,
): OfflineEvaluation {
  const { histories, itemIds } = dataset;
  const itemCount = itemIds.length;
  const test = leaveLatestOut(histories, itemIds);
  const { train, heldOut } = split === 'test' ? test : leaveLatestOut(test.train, itemIds);

  const started = performance.now();
  const now = train.reduce(
    (latest, history) => history.reduce((at, { timestamp }) => Math.max(at, timestamp), latest),
    0,
  );
  const model = trainRecommender(train, dataset.texts, itemCount, now, params);
  const trainSeconds = (performance.now() - started) / 1000;

  const signals = signalsOf(model);
  const signalScores = new SignalScores(itemCount);
  const blended = new Float64Array(itemCount);
  const scoresOf: Record<ModelName, Float64Array> = {
    popularity: model.popularity,
    item_knn: signalScores.coPurchase.values,
    content: signalScores.content.values,
    blend: blended,
  };
  const sums = Object.fromEntries(MODEL_NAMES.map((name) => [name, { hr10: 0, ndcg10: 0 }])) as Record<
    ModelName,
    Metrics
  >;
  const interacted = new Uint8Array(itemCount);
  const everyCandidate = new Int32Array(itemCount);
  const random = seededRandom(SAMPLING_SEED);
  const usersInIdOrder = [...dataset.userIds.keys()].sort((a, b) =>
    compareStrings(dataset.userIds[a]!, dataset.userIds[b]!),
  );
  let users = 0;
  for (const user of usersInIdOrder) {
    const target = heldOut[user]?.item;
    if (target === undefined) continue;
    users++;
    for (const { item } of histories[user]!) interacted[item] = 1;
    let candidates: Int32Array;
    if (protocol === 'loo-full') {
      let count = 0;
      for (let item = 0; item < itemCount; item++) if (interacted[item] === 0) everyCandidate[count++] = item;
      candidates = everyCandidate.subarray(0, count);
    } else {
      candidates = sampleUninteracted(random, itemCount, interacted, SAMPLED_NEGATIVES);
    }
    for (const { item } of histories[user]!) interacted[item] = 0;

    signalScores.score(train[user]!, signals, params.blend);
    const coPurchase = signalScores.coPurchase.values;
    const content = signalScores.content.values;
    for (let item = 0; item < itemCount; item++) {
      blended[item] = blendScore(coPurchase[item]!, content[item]!, model.popularity[item]!, params.blend);
    }
    for (const name of MODEL_NAMES) {
      const rank = rankOf(scoresOf[name], target, candidates);
      sums[name].hr10 += hitAt10(rank);
      sums[name].ndcg10 += ndcgAt10(rank);
    }
  }
  const models = Object.fromEntries(
    MODEL_NAMES.map((name) => [
      name,
      { hr10: users > 0 ? sums[name].hr10 / users : 0, ndcg10: users > 0 ? sums[name].ndcg10 / users : 0 },
    ]),
  ) as Record<ModelName, Metrics>;
  return { users, models, trainSeconds };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
