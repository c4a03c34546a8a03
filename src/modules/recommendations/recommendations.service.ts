import { createHash } from 'node:crypto';
import { silentLog, type WorkerLog } from '../../platform/background.js';
import { Caches, type InvalidatedCache } from '../../platform/cache.js';
import type { Database } from '../../platform/db.js';
import type { DomainEvent } from '../../platform/outbox.js';
import type { CatalogService, ProductSummaryView } from '../catalog/index.js';
import type { OrderEventView } from '../orders/index.js';
import {
  dominantSource,
  type Recommendation,
  recommendForItem,
  recommendForUser,
  userStrategy,
} from './blend.js';
import { ContentVectors } from './content.js';
import { type UserItem, Vocabulary } from './interactions.js';
import { CoOccurrence } from './item-knn.js';
import { DEFAULT_RECOMMENDER_PARAMS, type RecommenderParams } from './model.js';
import { recommendationsErrors } from './recommendations.errors.js';
import * as repo from './recommendations.repo.js';
import { type Popularity, ServingIndex, type StoredLists } from './serving-index.js';
import type { NeighbourList } from './top-k.js';

/** The user's latest interests a personal list is built from. */
const MAX_HISTORY = 50;
/**
 * A list is chosen from a shortlist ranked as if every product were buyable, longer than `limit`
 * for those that turn out not to be; their availability is asked of the catalog a few beyond
 * what is still missing at a time, so a request usually asks once, of `limit + ASK_MARGIN`.
 */
const shortlistSize = (limit: number) => 3 * limit + 10;
const ASK_MARGIN = 5;

/** Products whose lists a process keeps: a storefront's hot set, under 2 kB each. */
const CACHED_PRODUCTS = 20_000;
/**
 * Shortlists a process keeps, about 2 kB each: one per user and history, so a user's shortlist of
 * an older history is never read again and is the first to go.
 */
const CACHED_SHORTLISTS = 10_000;

export interface RecommendationList {
  data: ProductSummaryView[];
  strategy: 'co_purchase' | 'content' | 'popular' | 'personal';
}

export interface RefreshOutcome {
  /** Products whose co-purchase lists (and popularity) were recomputed. */
  coPurchase: string[];
  /** Products whose content lists were recomputed. */
  content: string[];
}

/** The part of an order event's order that a purchase is recorded from. */
type PurchasedOrder = Pick<OrderEventView, 'id' | 'buyer_id' | 'paid_at'> & {
  items: Pick<OrderEventView['items'][number], 'product_id'>[];
};

/** The co-occurrence state of every interest that counts, kept between refreshes of this process. */
interface CoPurchaseState {
  users: Vocabulary;
  items: Vocabulary;
  coOccurrence: CoOccurrence;
  /** The change number this state has taken in. */
  seq: number;
}

/**
 * Recommendations: owns the tables recommendation_interactions, recommendation_lists,
 * recommendation_popularity and recommendation_refresh. Purchases come from order events, views
 * from the catalog through ProductViews; a refresh recomputes only the lists of products whose co-occurrences or text
 * changed, with the same components the offline evaluation trains, so serving is a lookup.
 */
export class RecommendationsService {
  private state: CoPurchaseState | undefined;
  /** The stored lists of each product, and the popularity of all. */
  private readonly neighbourLists: InvalidatedCache<StoredLists>;
  private readonly popularity: InvalidatedCache<Popularity>;
  /**
   * Users' shortlists, under their history: ranking a regular's 50 interests is most of what a
   * personal list costs, and a user asks again with the same history (every page of a visit)
   * far more often than the history or the lists change.
   */
  private readonly shortlists: InvalidatedCache<Recommendation[]>;
  private readonly index = new ServingIndex();
  private readonly log: WorkerLog;
  private readonly params: RecommenderParams;

  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogService,
    options: {
      /** How often a refresh runs (BAZAAR_RECS_REFRESH_SECONDS). */
      refreshSeconds: number;
      caches?: Caches;
      log?: WorkerLog;
      params?: RecommenderParams;
    },
  ) {
    const caches = options.caches ?? new Caches();
    this.log = options.log ?? silentLog;
    this.params = options.params ?? DEFAULT_RECOMMENDER_PARAMS;
    // Lists and popularity change only when a refresh writes them, which drops them in every
    // process. A process that missed that message serves old ones one refresh period at most,
    // so new purchases still shape its lists within two periods.
    const model = { ttlMs: options.refreshSeconds * 1000, serveStaleWhileReloading: true };
    this.neighbourLists = caches.invalidated('recommendations.neighbours', {
      max: CACHED_PRODUCTS,
      ...model,
    });
    this.popularity = caches.invalidated('recommendations.popularity', { max: 1, ...model });
    this.shortlists = caches.invalidated('recommendations.shortlists', { max: CACHED_SHORTLISTS, ...model });
  }

  // -------------------------------------------------------------------------------------------
  // Signals

  /** Records purchases; one row per order and product, so recording one again changes nothing. */
  async recordPurchases(lines: readonly repo.PurchaseLine[]): Promise<void> {
    await repo.insertPurchases(this.db, lines);
  }

  /** order.paid.v1: each item of the order is a purchase. */
  readonly orderPaid = async (event: DomainEvent<PurchasedOrder>): Promise<void> => {
    await this.recordPurchases(purchaseLines(event));
  };

  /** order.cancelled.v1, order.refunded.v1: the order's purchases stop counting. */
  readonly orderWithdrawn = async (event: DomainEvent<PurchasedOrder>): Promise<void> => {
    // An order cancelled before payment was never a purchase.
    if (event.data.paid_at) await repo.revokePurchases(this.db, purchaseLines(event));
  };

  // -------------------------------------------------------------------------------------------
  // Refresh

  /**
   * Takes in the interactions added or revoked since the last refresh and the products changed
   * since then: recomputes the co-purchase lists and popularity of the items of every user
   * with a change (their co-occurrence rows are the ones that changed), and the content lists
   * of changed products.
   */
  async refresh(): Promise<RefreshOutcome> {
    const watermark = await repo.readWatermark(this.db);
    this.state ??= await this.buildState(watermark.interactionSeq);
    const changes = await repo.changesSince(this.db, this.state.seq);
    if (changes.anyRevoked) {
      // Co-occurrence state only grows: a withdrawn purchase means starting again.
      this.state = await this.buildState(changes.latestSeq);
    } else if (changes.userIds.length > 0) {
      this.addInterests(this.state, await repo.interestsOfUsers(this.db, changes.userIds));
    }
    const affected = await repo.productsOfUsers(this.db, changes.userIds);
    const coPurchaseLists = this.coPurchaseNeighbours(this.state, affected);
    const content = await this.contentNeighbours(watermark.contentChangedAt);
    await this.db.transaction(async (tx) => {
      await repo.replaceLists(tx, 'co_purchase', affected, coPurchaseLists);
      await repo.refreshPopularity(tx, affected);
      if (content) await repo.replaceLists(tx, 'content', content.changed, content.lists);
      await repo.writeWatermark(tx, {
        interactionSeq: changes.latestSeq,
        contentChangedAt: content?.changedAt ?? watermark.contentChangedAt,
      });
    });
    this.state.seq = changes.latestSeq;
    if (affected.length > 0 || content) {
      await Promise.all([
        this.neighbourLists.invalidate(),
        this.popularity.invalidate(),
        this.shortlists.invalidate(),
      ]);
    }
    return { coPurchase: affected, content: content?.changed ?? [] };
  }

  private async buildState(seq: number): Promise<CoPurchaseState> {
    const state: CoPurchaseState = {
      users: new Vocabulary(),
      items: new Vocabulary(),
      coOccurrence: new CoOccurrence(this.params.itemKnn.userDegreeExponent),
      seq,
    };
    this.addInterests(state, await repo.allInterests(this.db));
    return state;
  }

  private addInterests(state: CoPurchaseState, interests: readonly repo.InterestRow[]): void {
    const byUser = new Map<string, { item: number; weight: number }[]>();
    for (const { userId, productId, weight } of interests) {
      let entries = byUser.get(userId);
      if (!entries) {
        entries = [];
        byUser.set(userId, entries);
      }
      entries.push({ item: state.items.intern(productId), weight });
    }
    for (const [userId, entries] of byUser) {
      state.coOccurrence.addUserItems(state.users.intern(userId), entries);
    }
  }

  private coPurchaseNeighbours(
    state: CoPurchaseState,
    productIds: readonly string[],
  ): repo.NeighbourListRow[] {
    const known = productIds.flatMap((id) => {
      const item = state.items.indexOf(id);
      return item === undefined ? [] : [item];
    });
    return listRows(state.coOccurrence.neighboursOf(known, this.params.itemKnn), state.items);
  }

  /** Content lists of the products changed since `since` (all when never computed). */
  private async contentNeighbours(since: Date | null) {
    const changedAt = await this.catalog.latestProductChange();
    if (!changedAt || (since && changedAt <= since)) return undefined;
    const texts = await this.catalog.productTexts();
    const ids = new Vocabulary();
    for (const text of texts) ids.intern(text.id);
    const vectors = new ContentVectors(
      texts.map((text, item) => ({ item, title: text.title, category: text.categoryId ?? undefined })),
      texts.length,
      this.params.content.categoryWeight,
    );
    const changedItems = texts.flatMap((text, item) => (!since || text.updatedAt > since ? [item] : []));
    const lists = vectors.neighboursOf(changedItems, this.params.content.neighbours);
    return {
      changedAt,
      changed: changedItems.map((item) => ids.keys[item]!),
      lists: listRows(lists, ids),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Serving

  /** "Customers who bought this also bought", then similar content, then popular products. */
  async forProduct(productId: string, limit: number): Promise<RecommendationList> {
    const [[stored], popularity] = await Promise.all([this.storedListsOf([productId]), this.allPopularity()]);
    const self = this.index.indexOf(productId);
    const { recommendations } = this.index.rank(new Map([[self, stored!]]), popularity, (signals, scores) =>
      recommendForItem(self, signals, this.params.blend, shortlistSize(limit), () => false, scores),
    );
    // The product's visibility is read with the first neighbours' availability: one query.
    const chosen = await this.firstBuyable(recommendations, limit, async (ids) => {
      const buyable = await this.catalog.buyableBeside(productId, ids);
      if (!buyable) throw recommendationsErrors.error('product_not_found');
      return buyable;
    });
    return this.present(chosen, dominantSource(chosen));
  }

  /** From the neighbours of what the user bought and viewed, never what they bought. */
  async forUser(userId: string, limit: number): Promise<RecommendationList> {
    const interests = await repo.historyOf(this.db, userId, MAX_HISTORY);
    const shortlist = await this.shortlists.get(shortlistKey(userId, limit, interests), () =>
      this.rankForUser(interests, shortlistSize(limit)),
    );
    const chosen = await this.firstBuyable(shortlist, limit, (ids) => this.catalog.buyableAmong(ids));
    return this.present(chosen, userStrategy(chosen));
  }

  /** A user's shortlist, ranked as if every product were buyable, from their interests. */
  private async rankForUser(interests: readonly repo.UserInterestRow[], count: number) {
    const items = interests.map((interest) => this.index.indexOf(interest.productId));
    const recent = interests.slice(0, MAX_HISTORY);
    const bought = new Set(items.filter((_, at) => interests[at]!.bought));
    const [stored, popularity] = await Promise.all([
      this.storedListsOf(recent.map((interest) => interest.productId)),
      this.allPopularity(),
    ]);
    const lists = new Map(recent.map((_, at) => [items[at]!, stored[at]!]));
    const history: UserItem[] = recent.map((interest, at) => ({
      item: items[at]!,
      weight: interest.weight,
      timestamp: interest.firstAtSeconds,
    }));
    const { recommendations } = this.index.rank(lists, popularity, (signals, scores) =>
      recommendForUser(history, signals, this.params.blend, count, (item) => bought.has(item), scores),
    );
    return recommendations;
  }

  /**
   * The best `limit` of a shortlist that the catalog finds buyable now: what ranking every item
   * again, with the others excluded, would choose. `firstAsk` asks first, even of no product.
   */
  private async firstBuyable(
    shortlist: readonly Recommendation[],
    limit: number,
    firstAsk: (productIds: string[]) => Promise<ReadonlySet<string>>,
  ): Promise<Recommendation[]> {
    const chosen: Recommendation[] = [];
    let asked = 0;
    let ask = firstAsk;
    do {
      const batch = shortlist.slice(asked, asked + limit - chosen.length + ASK_MARGIN);
      asked += batch.length;
      const buyable = await ask(this.productIdsOf(batch));
      for (const recommendation of batch) {
        if (chosen.length < limit && buyable.has(this.index.productIdOf(recommendation.item)))
          chosen.push(recommendation);
      }
      ask = (productIds) => this.catalog.buyableAmong(productIds);
    } while (chosen.length < limit && asked < shortlist.length);
    return chosen;
  }

  private productIdsOf(recommendations: readonly Recommendation[]): string[] {
    return recommendations.map(({ item }) => this.index.productIdOf(item));
  }

  /** Only the products chosen are presented: a request reads `limit` summaries, not its shortlist's. */
  private async present(
    chosen: readonly Recommendation[],
    strategy: RecommendationList['strategy'],
  ): Promise<RecommendationList> {
    return { data: await this.catalog.buyableSummaries(this.productIdsOf(chosen)), strategy };
  }

  private allPopularity(): Promise<Popularity> {
    return this.popularity.get('all', async () => this.index.popularity(await repo.allPopularity(this.db)));
  }

  /**
   * The stored lists of these products, from this process's cache; the products missing from it
   * are read together, in one query started once every lookup below has asked.
   */
  private async storedListsOf(productIds: readonly string[]): Promise<StoredLists[]> {
    const missing: string[] = [];
    let loading: Promise<Map<string, StoredLists>> | undefined;
    const load = (productId: string) => {
      missing.push(productId);
      loading ??= Promise.resolve().then(async () =>
        this.storedListsByProduct(await repo.listsOf(this.db, missing)),
      );
      return loading.then((lists) => lists.get(productId) ?? {});
    };
    return Promise.all(productIds.map((id) => this.neighbourLists.get(id, () => load(id))));
  }

  private storedListsByProduct(rows: readonly repo.StoredListRow[]): Map<string, StoredLists> {
    const byProduct = new Map<string, StoredLists>();
    for (const row of rows) {
      const lists = byProduct.get(row.productId) ?? {};
      lists[row.strategy] = this.index.neighbourList(row);
      byProduct.set(row.productId, lists);
    }
    return byProduct;
  }
}

/** A user's shortlist's key: it names every input of the ranking but the lists and popularity. */
function shortlistKey(userId: string, limit: number, interests: readonly repo.UserInterestRow[]): string {
  const history = createHash('sha256');
  for (const { productId, weight, firstAtSeconds, bought } of interests) {
    history.update(`${productId} ${weight} ${firstAtSeconds} ${bought}\n`);
  }
  return `${userId} ${limit} ${history.digest('base64url')}`;
}

function purchaseLines({ data: order, occurred_at }: DomainEvent<PurchasedOrder>): repo.PurchaseLine[] {
  const productIds = new Set(order.items.map((item) => item.product_id));
  return [...productIds].map((productId) => ({
    orderId: order.id,
    userId: order.buyer_id,
    productId,
    occurredAt: order.paid_at ?? occurred_at,
  }));
}

/** Lists as rows to store, leaving out neighbours of no similarity and lists left empty. */
function listRows(lists: ReadonlyMap<number, NeighbourList>, ids: Vocabulary): repo.NeighbourListRow[] {
  return [...lists].flatMap(([item, list]) => {
    const kept = Array.from(list.items.keys()).filter((rank) => list.scores[rank]! > 0);
    if (kept.length === 0) return [];
    return [
      {
        productId: ids.keys[item]!,
        neighbourIds: kept.map((rank) => ids.keys[list.items[rank]!]!),
        scores: kept.map((rank) => list.scores[rank]!),
      },
    ];
  });
}
