import { z } from 'zod';
import { silentLog, type WorkerLog } from '../../platform/background.js';
import { Caches, type InvalidatedCache } from '../../platform/cache.js';
import type { Database } from '../../platform/db.js';
import { NotFound } from '../../platform/errors.js';
import type { DomainEvent } from '../../platform/outbox.js';
import type { CatalogService, ProductSummaryView } from '../catalog/index.js';
import { type Recommendation, recommendForItem, recommendForUser, type Signals } from './blend.js';
import { ContentVectors } from './content.js';
import { type UserItem, Vocabulary } from './interactions.js';
import { CoOccurrence } from './item-knn.js';
import { DEFAULT_RECOMMENDER_PARAMS, type RecommenderParams } from './model.js';
import * as repo from './recommendations.repo.js';
import type { NeighbourList } from './top-k.js';

/** A view says less than a purchase: the offline data has no views, so this is a judgement. */
export const VIEW_WEIGHT = 0.25;
/** Views wait this long in memory, so a product page never waits for their insert. */
const VIEW_FLUSH_MS = 1_000;
/** Beyond this many unflushed views (a database outage), further ones are dropped. */
const MAX_PENDING_VIEWS = 10_000;
/** The user's latest interests a personal list is built from. */
const MAX_HISTORY = 50;
/** Candidates beyond `limit` whose availability is asked, for those that turn out sold out. */
const SHORTLIST_MARGIN = 10;

/**
 * Stored lists and popularity change only when a refresh writes them, which invalidates them in
 * every process; this bounds how long a process that missed the message serves old ones.
 */
const MODEL_TTL_MS = 60_000;
/** Products whose lists a process keeps: a storefront's hot set, a few kB each. */
const CACHED_PRODUCTS = 5_000;

const shortlistSize = (limit: number) => 2 * limit + SHORTLIST_MARGIN;

/** A stored neighbour list as served: best first, with each neighbour's popularity. */
interface StoredList {
  ids: string[];
  scores: Float64Array;
  popularity: Float64Array;
}

type StoredLists = Partial<Record<repo.NeighbourStrategy, StoredList>>;

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

/** An order as its events carry it: what a purchase is recorded from. */
const OrderEventData = z.object({
  id: z.string(),
  buyer_id: z.string(),
  paid_at: z.string().nullable(),
  items: z.array(z.object({ product_id: z.string() })),
});

/** The co-occurrence state of every interest that counts, kept between refreshes of this process. */
interface CoPurchaseState {
  users: Vocabulary;
  items: Vocabulary;
  coOccurrence: CoOccurrence;
  /** The change number this state has taken in. */
  seq: number;
}

const toSeconds = (date: Date) => date.getTime() / 1000;

/**
 * Recommendations: owns the tables recommendation_interactions, recommendation_neighbours,
 * recommendation_popularity and recommendation_refresh. Purchases come from order events, views
 * from the catalog; a refresh recomputes only the lists of products whose co-occurrences or text
 * changed, with the same components the offline evaluation trains, so serving is a lookup.
 */
export class RecommendationsService {
  private readonly pendingViews = new Map<string, repo.ViewRow>();
  private flushTimer: NodeJS.Timeout | undefined;
  private state: CoPurchaseState | undefined;
  /** The stored lists of each product, and the most popular products by count asked. */
  private readonly neighbourLists: InvalidatedCache<StoredLists>;
  private readonly popular: InvalidatedCache<{ productId: string; score: number }[]>;

  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogService,
    caches: Caches = new Caches(),
    private readonly log: WorkerLog = silentLog,
    private readonly params: RecommenderParams = DEFAULT_RECOMMENDER_PARAMS,
  ) {
    this.neighbourLists = caches.invalidated('recommendations.neighbours', {
      max: CACHED_PRODUCTS,
      ttlMs: MODEL_TTL_MS,
      serveStaleWhileReloading: true,
    });
    this.popular = caches.invalidated('recommendations.popular', {
      max: 100,
      ttlMs: MODEL_TTL_MS,
      serveStaleWhileReloading: true,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Signals

  /** Notes a signed-in user's product view; written within a second, never on the request's path. */
  recordView(userId: string, productId: string): void {
    const key = `${userId}\u0000${productId}`;
    if (this.pendingViews.has(key) || this.pendingViews.size >= MAX_PENDING_VIEWS) return;
    this.pendingViews.set(key, { userId, productId, occurredAt: new Date() });
    this.flushTimer ??= setTimeout(() => void this.flushViews(), VIEW_FLUSH_MS).unref();
  }

  async flushViews(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const views = [...this.pendingViews.values()];
    this.pendingViews.clear();
    await repo.insertViews(this.db, views, VIEW_WEIGHT).catch((error: unknown) => {
      this.log.warn({ err: error, views: views.length }, 'dropped product views');
    });
  }

  /** Records purchases; one row per order and product, so recording one again changes nothing. */
  async recordPurchases(lines: readonly repo.PurchaseLine[]): Promise<void> {
    await repo.insertPurchases(this.db, lines);
  }

  /** order.paid.v1: each item of the order is a purchase. */
  readonly orderPaid = async (event: DomainEvent): Promise<void> => {
    const order = this.orderOf(event);
    if (order) await this.recordPurchases(purchaseLines(order, event));
  };

  /** order.cancelled.v1, order.refunded.v1: the order's purchases stop counting. */
  readonly orderWithdrawn = async (event: DomainEvent): Promise<void> => {
    const order = this.orderOf(event);
    // An order cancelled before payment was never a purchase.
    if (order?.paid_at) await repo.revokePurchases(this.db, purchaseLines(order, event));
  };

  /** The order an event carries; one that carries none is skipped, since retrying cannot help. */
  private orderOf(event: DomainEvent): z.infer<typeof OrderEventData> | undefined {
    const parsed = OrderEventData.safeParse(event.data);
    if (!parsed.success)
      this.log.warn({ eventId: event.id, type: event.type }, 'skipped an event without an order');
    return parsed.data;
  }

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
    const coPurchaseRows = this.coPurchaseNeighbours(this.state, affected);
    const content = await this.contentNeighbours(watermark.contentChangedAt);
    await this.db.transaction(async (tx) => {
      await repo.replaceNeighbours(tx, 'co_purchase', affected, coPurchaseRows);
      await repo.refreshPopularity(tx, affected);
      if (content) await repo.replaceNeighbours(tx, 'content', content.changed, content.rows);
      await repo.writeWatermark(tx, {
        interactionSeq: changes.latestSeq,
        contentChangedAt: content?.changedAt ?? watermark.contentChangedAt,
      });
    });
    this.state.seq = changes.latestSeq;
    if (affected.length > 0 || content) {
      await Promise.all([this.neighbourLists.invalidate(), this.popular.invalidate()]);
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

  private coPurchaseNeighbours(state: CoPurchaseState, productIds: readonly string[]): repo.NeighbourRow[] {
    const known = productIds.flatMap((id) => {
      const item = state.items.indexOf(id);
      return item === undefined ? [] : [item];
    });
    const lists = state.coOccurrence.neighboursOf(known, this.params.itemKnn);
    return [...lists].flatMap(([item, list]) =>
      rowsOf(state.items.keys[item]!, 'co_purchase', list, state.items),
    );
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
      rows: [...lists].flatMap(([item, list]) => rowsOf(ids.keys[item]!, 'content', list, ids)),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Serving

  /** "Customers who bought this also bought", then similar content, then popular products. */
  async forProduct(productId: string, limit: number): Promise<RecommendationList> {
    const local = await this.localSignals([productId], shortlistSize(limit));
    const self = local.items.indexOf(productId)!;
    const shortlist = recommendForItem(
      self,
      local.signals,
      this.params.blend,
      shortlistSize(limit),
      (item) => item === self,
    );
    // The product's visibility is read with its neighbours' availability: one query.
    const summaries = await this.catalog.summariesBeside(productId, idsOf(local.items, shortlist));
    if (!summaries) throw new NotFound('product');
    return this.availableOnly(local.items, summaries, (isUnavailable) =>
      recommendForItem(self, local.signals, this.params.blend, limit, isUnavailable),
    );
  }

  /** From the neighbours of what the user bought and viewed, never what they bought. */
  async forUser(userId: string, limit: number): Promise<RecommendationList> {
    const interests = await repo.historyOf(this.db, userId, MAX_HISTORY);
    const recent = interests.slice(0, MAX_HISTORY);
    const bought = new Set(interests.flatMap((interest) => (interest.bought ? [interest.productId] : [])));
    const local = await this.localSignals(
      recent.map((interest) => interest.productId),
      shortlistSize(limit) + bought.size,
    );
    const history: UserItem[] = recent.map((interest) => ({
      item: local.items.indexOf(interest.productId)!,
      weight: interest.weight,
      timestamp: toSeconds(interest.firstAt),
    }));
    const isBought = (item: number) => bought.has(local.items.keys[item]!);
    const shortlist = recommendForUser(
      history,
      local.signals,
      this.params.blend,
      shortlistSize(limit),
      isBought,
    );
    const summaries = await this.catalog.summariesOf(idsOf(local.items, shortlist));
    return this.availableOnly(local.items, summaries, (isUnavailable) =>
      recommendForUser(history, local.signals, this.params.blend, limit, isUnavailable),
    );
  }

  /**
   * The list chosen again among the shortlist's items a buyer may be shown. Availability is asked
   * of the catalog for a shortlist only (the best items as if all were available, apart from
   * those left out), so a request reads a few dozen summaries, not every neighbour's.
   */
  private availableOnly(
    items: Vocabulary,
    summaries: readonly ProductSummaryView[],
    choose: (isUnavailable: (item: number) => boolean) => {
      recommendations: Recommendation[];
      strategy: RecommendationList['strategy'];
    },
  ): RecommendationList {
    const available = new Map(summaries.map((summary) => [summary.id, summary]));
    const { recommendations, strategy } = choose((item) => !available.has(items.keys[item]!));
    return { data: recommendations.map(({ item }) => available.get(items.keys[item]!)!), strategy };
  }

  /**
   * The stored signals around some products, over a small local index: the products, their
   * neighbours and the most popular products are the only items a list can hold.
   */
  private async localSignals(productIds: readonly string[], popularCount: number) {
    const [stored, popular] = await Promise.all([
      this.storedListsOf(productIds),
      this.popular.get(String(popularCount), () => repo.mostPopular(this.db, popularCount)),
    ]);
    const items = new Vocabulary();
    for (const id of productIds) items.intern(id);
    for (const lists of stored) {
      for (const list of Object.values(lists)) for (const id of list.ids) items.intern(id);
    }
    for (const { productId } of popular) items.intern(productId);
    const popularity = new Map(popular.map(({ productId, score }) => [productId, score]));
    const byStrategy = {
      co_purchase: new Map<number, NeighbourList>(),
      content: new Map<number, NeighbourList>(),
    };
    for (const [index, productId] of productIds.entries()) {
      const lists = Object.entries(stored[index]!) as [repo.NeighbourStrategy, StoredList][];
      for (const [strategy, list] of lists) {
        for (const [rank, id] of list.ids.entries()) popularity.set(id, list.popularity[rank]!);
        byStrategy[strategy].set(items.indexOf(productId)!, {
          items: Int32Array.from(list.ids, (id) => items.indexOf(id)!),
          scores: list.scores,
        });
      }
    }
    const highest = popular[0]?.score ?? 0;
    const signals: Signals = {
      itemCount: items.size,
      coPurchase: (item) => byStrategy.co_purchase.get(item),
      content: (item) => byStrategy.content.get(item),
      popularity: (item) => (highest > 0 ? (popularity.get(items.keys[item]!) ?? 0) / highest : 0),
      popular: popular.map(({ productId }) => items.indexOf(productId)!),
    };
    return { items, signals };
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
        storedListsByProduct(await repo.neighboursOf(this.db, missing)),
      );
      return loading.then((lists) => lists.get(productId) ?? {});
    };
    return Promise.all(productIds.map((id) => this.neighbourLists.get(id, () => load(id))));
  }

  async close(): Promise<void> {
    await this.flushViews();
  }
}

function purchaseLines(order: z.infer<typeof OrderEventData>, event: DomainEvent): repo.PurchaseLine[] {
  const productIds = new Set(order.items.map((item) => item.product_id));
  return [...productIds].map((productId) => ({
    orderId: order.id,
    userId: order.buyer_id,
    productId,
    occurredAt: order.paid_at ?? event.occurred_at,
  }));
}

function rowsOf(
  productId: string,
  strategy: repo.NeighbourStrategy,
  list: NeighbourList,
  ids: Vocabulary,
): repo.NeighbourRow[] {
  return Array.from(list.items, (neighbour, rank) => ({
    productId,
    strategy,
    neighbourId: ids.keys[neighbour]!,
    score: list.scores[rank]!,
  })).filter((row) => row.score > 0);
}

const idsOf = (items: Vocabulary, list: { recommendations: Recommendation[] }) =>
  list.recommendations.map(({ item }) => items.keys[item]!);

/** Rows of stored lists, each list's best first, as each product's lists. */
function storedListsByProduct(rows: readonly repo.StoredNeighbourRow[]): Map<string, StoredLists> {
  const byProduct = new Map<string, StoredLists>();
  for (const group of groupBy(rows, (row) => `${row.strategy}\u0000${row.productId}`).values()) {
    const { productId, strategy } = group[0]!;
    const lists = byProduct.get(productId) ?? {};
    lists[strategy] = {
      ids: group.map((row) => row.neighbourId),
      scores: Float64Array.from(group, (row) => row.score),
      popularity: Float64Array.from(group, (row) => row.neighbourPopularity),
    };
    byProduct.set(productId, lists);
  }
  return byProduct;
}

function groupBy<T>(values: readonly T[], keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}
