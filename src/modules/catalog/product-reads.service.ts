import { createHash } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Caches, VersionedCache } from '../../platform/cache.js';
import { CoalescedReads } from '../../platform/coalesce.js';
import type { Database, Queryable } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { type CatalogCaches, COALESCING } from './catalog.caches.js';
import { catalogErrors } from './catalog.errors.js';
import {
  type Level,
  presentDetail,
  presentRating,
  presentSummary,
  ratingPrior,
  type SummaryContent,
} from './catalog.present.js';
import type { ProductDetailView, ProductSummaryView } from './catalog.schemas.js';
import * as repo from './product-reads.repo.js';

/** Told of every product page a signed-in buyer reads (recommendations); must not block or throw. */
export interface ProductViewRecorder {
  recordView(userId: string, productId: string): void;
}

/** A product detail: the ETag, and the JSON body, made only when the client's copy is not current. */
export interface ProductAnswer {
  etag: string;
  json: () => Promise<string>;
}

const CONTENT_TTL_MS = 10 * 60 * 1000;

/** The ids whose buyer state (in the same order) is visible and in stock. */
const buyableOf = (ids: readonly string[], states: readonly (repo.BuyerStateRow | undefined)[]) =>
  new Set(ids.filter((_, index) => states[index]?.visible && states[index].inStock));

const contentKey = (id: string, v: { version: number; shopVersion: number; categoryVersion: number }) =>
  `${id}:${v.version}:${v.shopVersion}:${v.categoryVersion}`;

const levelsOf = (stock: repo.ProductHeadRow['stock']): Map<string, Level> =>
  new Map(
    stock.flatMap(([variantId, level]) =>
      level ? [[variantId, { onHand: level[0], reserved: level[1] }]] : [],
    ),
  );

/**
 * Product reads: details with their ETags, buyer states, summaries and what other modules read of
 * products. Content is cached (keyed by its versions, so never stale); stock is inventory's and is
 * read on every request, reads queued together sharing a query.
 */
export class ProductReads {
  private readonly contents: VersionedCache<repo.ProductContentRow>;
  /** Detail bodies by ETag: the same content, stock and viewer give the same bytes. */
  private readonly bodies: VersionedCache<string>;
  private readonly heads = new CoalescedReads<repo.ProductHeadRow>(async (ids) => {
    const rows = await repo.findProductHeads(this.db, ids);
    return new Map(rows.map((row) => [row.id, row]));
  }, COALESCING);
  private readonly summaryReads = new CoalescedReads<SummaryContent>(async (ids) => {
    const rows = await repo.findSummaryContents(this.db, ids);
    return new Map(
      rows.map((row) => {
        const totals = { count: row.totalRatingCount, sum: row.totalRatingSum };
        return [row.id, presentSummary(row, ratingPrior(this.config.ratingPriorWeight, totals))];
      }),
    );
  }, COALESCING);
  private readonly buyerStates = new CoalescedReads<repo.BuyerStateRow>(async (ids) => {
    const rows = await repo.findBuyerStates(this.db, ids);
    return new Map(rows.map((row) => [row.id, row]));
  }, COALESCING);

  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, 'ratingPriorWeight'>,
    caches: Caches,
    private readonly shared: CatalogCaches,
    private readonly views: ProductViewRecorder,
  ) {
    this.contents = caches.versioned('catalog.product', { max: 10_000, ttlMs: CONTENT_TTL_MS });
    this.bodies = caches.local('catalog.product-body', { max: 2_000, ttlMs: CONTENT_TTL_MS });
  }

  /** A product as `viewer` may see it: archived or unlisted products only to their seller. */
  async product(id: string, viewer: Caller | null): Promise<ProductAnswer> {
    const { head, content, ownerView } = await this.visibleContent(id, viewer);
    if (viewer && !ownerView) this.views.recordView(viewer.id, id);
    const totals = { count: head.totalRatingCount, sum: head.totalRatingSum };
    const etag = createHash('sha1')
      .update(
        `${contentKey(id, content)}|${ownerView}|${totals.count}|${totals.sum}|${JSON.stringify(head.stock)}`,
      )
      .digest('base64url');
    const present = async () =>
      JSON.stringify(
        presentDetail(
          content,
          levelsOf(head.stock),
          ratingPrior(this.config.ratingPriorWeight, totals),
          ownerView,
        ),
      );
    return { etag: `"${etag}"`, json: () => this.bodies.get(etag, present) };
  }

  /** Which of these products a buyer may get now: visible and in stock, read live. */
  async buyableAmong(ids: readonly string[]): Promise<Set<string>> {
    return buyableOf(ids, await this.buyerStates.readAll(ids));
  }

  /** `buyableAmong(ids)`, read with whether a buyer may see product `id`: undefined when not. */
  async buyableBeside(id: string, ids: readonly string[]): Promise<Set<string> | undefined> {
    const [own, ...states] = await this.buyerStates.readAll([id, ...ids]);
    if (!own?.visible) return undefined;
    return buyableOf(ids, states);
  }

  /**
   * Summaries of products `buyableAmong` has just answered, in order: content from the cache
   * that listing pages share, `in_stock` as that live read found it.
   */
  async buyableSummaries(ids: readonly string[]): Promise<ProductSummaryView[]> {
    const contents = await Promise.all(
      ids.map((id) =>
        this.shared.summaries.get(id, async () => {
          const content = await this.summaryReads.read(id);
          if (!content) throw catalogErrors.error('product_not_found');
          return content;
        }),
      ),
    );
    return contents.map((content) => ({ ...content, in_stock: true }));
  }

  /** Title and category of every active product, and when it last changed. */
  async productTexts(): Promise<repo.ProductTextRow[]> {
    return repo.activeProductTexts(this.db);
  }

  /** The title of each of these products, archived and taken-down ones included: for lists naming them. */
  async productShops(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    return new Map((await repo.findProductShops(db, ids)).map((product) => [product.id, product.shopId]));
  }

  async productTitles(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    return new Map((await repo.findProductTitles(db, ids)).map((product) => [product.id, product.title]));
  }

  async latestProductChange(): Promise<Date | null> {
    return repo.latestProductChange(this.db);
  }

  /** The rating block of a product `viewer` may see, as its detail shows it. */
  async productRating(id: string, viewer: Caller | null): Promise<ProductDetailView['rating']> {
    const { head, content } = await this.visibleContent(id, viewer);
    const totals = { count: head.totalRatingCount, sum: head.totalRatingSum };
    return presentRating(content, ratingPrior(this.config.ratingPriorWeight, totals));
  }

  /** The product's head and content, or 404 when `viewer` may not see it. */
  private async visibleContent(id: string, viewer: Caller | null) {
    const head = await this.heads.read(id);
    if (!head) throw catalogErrors.error('product_not_found');
    const ownerView = viewer?.shop?.id === head.shopId;
    if (!ownerView && !(head.status === 'active' && head.listed))
      throw catalogErrors.error('product_not_found');
    const content = await this.contents.get(contentKey(id, head), async () => {
      const loaded = await repo.findProductContent(this.db, id);
      if (!loaded) throw catalogErrors.error('product_not_found');
      return loaded;
    });
    return { head, content, ownerView };
  }
}
