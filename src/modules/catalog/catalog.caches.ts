import type { Caches, InvalidatedCache } from '../../platform/cache.js';
import type { Tx } from '../../platform/db.js';
import type { SummaryContent } from './catalog.present.js';
import type { CategoryView } from './catalog.schemas.js';

/**
 * A page of a listing as cached: everything but stock, which is read on every request. Each item
 * is its JSON without the closing `in_stock` (`{"id":…,"in_stock":`), so answering costs no
 * serialisation.
 */
export interface CachedPage {
  ids: string[];
  itemJson: string[];
  nextCursor: string | null;
}

/**
 * Listing pages live this long in a process: the bound on the staleness of their stock (`in_stock`,
 * which reservations change without invalidating), and on any change whose invalidation message
 * does not arrive (Redis down).
 */
const LISTING_TTL_MS = 1000;
/**
 * Summaries without stock (read live beside them) change only with an invalidation, so they may live
 * longer: this bounds only a lost invalidation message.
 */
const SUMMARY_TTL_MS = 60_000;
/**
 * Reads of live stock queued together share one query (see CoalescedReads). One query at a time
 * per process makes the batches large: on a small machine PostgreSQL's CPU is the limit.
 */
export const COALESCING = { concurrency: 1, maxKeys: 500 };

export type CatalogChange = 'categories' | 'products' | 'sales';

/**
 * The caches that reads fill and writes drop, in every process: listing pages, product summaries
 * and the category list. (Product content needs no dropping: it is keyed by its versions.)
 */
export class CatalogCaches {
  readonly listings: InvalidatedCache<CachedPage>;
  /** Summaries of single products, as listing pages cache theirs: everything but stock. */
  readonly summaries: InvalidatedCache<SummaryContent>;
  readonly categories: InvalidatedCache<CategoryView[]>;

  constructor(caches: Caches) {
    this.listings = caches.invalidated('catalog.listing', { max: 500, ttlMs: LISTING_TTL_MS });
    this.summaries = caches.invalidated('catalog.summary', {
      max: 20_000,
      ttlMs: SUMMARY_TTL_MS,
      serveStaleWhileReloading: true,
    });
    this.categories = caches.invalidated('catalog.categories', { max: 1, ttlMs: LISTING_TTL_MS });
  }

  /**
   * Drops what a change makes stale: listing pages always; product summaries when what they show
   * changed (not for units sold, which only reorder pages, on every payment); the category list
   * only when categories changed.
   */
  async invalidate(changed: CatalogChange): Promise<void> {
    const extra = { categories: this.categories, products: this.summaries, sales: undefined }[changed];
    await Promise.all([this.listings.invalidate(), extra?.invalidate()]);
  }

  /** For changes made in another module's transaction: a page loaded before its commit must not stay. */
  invalidateAfterCommit(tx: Tx, changed: Exclude<CatalogChange, 'categories'>): void {
    tx.afterCommit(() => void this.invalidate(changed));
  }
}
