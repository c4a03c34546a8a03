import { z } from 'zod';
import { silentLog, type WorkerLog } from '../../platform/background.js';
import type { Database } from '../../platform/db.js';
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

const shortlistSize = (limit: number) => 2 * limit + SHORTLIST_MARGIN;

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

  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogService,
    private readonly log: WorkerLog = silentLog,
    private readonly params: RecommenderParams = DEFAULT_RECOMMENDER_PARAMS,
  ) {}

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
    await this.catalog.product(productId, null);
    const local = await this.localSignals([productId], shortlistSize(limit));
    const self = local.items.indexOf(productId)!;
    return this.availableOnly(local.items, [productId], limit, (count, isExcluded) =>
      recommendForItem(self, local.signals, this.params.blend, count, isExcluded),
    );
  }

  /** From the neighbours of what the user bought and viewed, never what they bought. */
  async forUser(userId: string, limit: number): Promise<RecommendationList> {
    const [interests, bought] = await Promise.all([
      repo.historyOf(this.db, userId, MAX_HISTORY),
      repo.boughtBy(this.db, userId),
    ]);
    const local = await this.localSignals(
      interests.map((interest) => interest.productId),
      shortlistSize(limit) + bought.length,
    );
    const history: UserItem[] = interests.map((interest) => ({
      item: local.items.indexOf(interest.productId)!,
      weight: interest.weight,
      timestamp: toSeconds(interest.firstAt),
    }));
    return this.availableOnly(local.items, bought, limit, (count, isExcluded) =>
      recommendForUser(history, local.signals, this.params.blend, count, isExcluded),
    );
  }

  /**
   * The best `limit` items a buyer may be shown, apart from `excluded`. Availability is asked
   * of the catalog for a shortlist only (the best items as if all were available), so a request
   * reads a few dozen summaries, not every neighbour's.
   */
  private async availableOnly<Strategy extends RecommendationList['strategy']>(
    items: Vocabulary,
    excluded: readonly string[],
    limit: number,
    choose: (
      count: number,
      isExcluded: (item: number) => boolean,
    ) => { recommendations: Recommendation[]; strategy: Strategy },
  ): Promise<RecommendationList> {
    const skip = new Set(excluded);
    const shortlist = choose(shortlistSize(limit), (item) => skip.has(items.keys[item]!));
    const summaries = await this.catalog.summariesOf(
      shortlist.recommendations.map(({ item }) => items.keys[item]!),
    );
    const available = new Map(summaries.map((summary) => [summary.id, summary]));
    const { recommendations, strategy } = choose(limit, (item) => !available.has(items.keys[item]!));
    return { data: recommendations.map(({ item }) => available.get(items.keys[item]!)!), strategy };
  }

  /**
   * The stored signals around some products, over a small local index: the products, their
   * neighbours and the most popular products are the only items a list can hold.
   */
  private async localSignals(productIds: readonly string[], popularCount: number) {
    const [rows, popular] = await Promise.all([
      repo.neighboursOf(this.db, productIds),
      repo.mostPopular(this.db, popularCount),
    ]);
    const items = new Vocabulary();
    for (const id of productIds) items.intern(id);
    for (const row of rows) items.intern(row.neighbourId);
    for (const { productId } of popular) items.intern(productId);
    const popularity = new Map(popular.map(({ productId, score }) => [productId, score]));
    for (const row of rows) popularity.set(row.neighbourId, row.neighbourPopularity);
    const highest = popular[0]?.score ?? 0;
    const lists = {
      co_purchase: new Map<number, NeighbourList>(),
      content: new Map<number, NeighbourList>(),
    };
    for (const group of groupBy(rows, (row) => `${row.strategy}\u0000${row.productId}`).values()) {
      const { strategy, productId } = group[0]!;
      lists[strategy].set(items.indexOf(productId)!, {
        items: Int32Array.from(group, (row) => items.indexOf(row.neighbourId)!),
        scores: Float64Array.from(group, (row) => row.score),
      });
    }
    const signals: Signals = {
      itemCount: items.size,
      coPurchase: (item) => lists.co_purchase.get(item),
      content: (item) => lists.content.get(item),
      popularity: (item) => (highest > 0 ? (popularity.get(items.keys[item]!) ?? 0) / highest : 0),
      popular: popular.map(({ productId }) => items.indexOf(productId)!),
    };
    return { items, signals };
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
