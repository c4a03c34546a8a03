import { z } from 'zod';
import type { Config } from '../../config.js';
import { CoalescedReads } from '../../platform/coalesce.js';
import type { Database, Queryable } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { decodeCursor, KeysetTime, paginate } from '../../platform/pagination.js';
import { type CatalogCaches, COALESCING } from './catalog.caches.js';
import { catalogErrors } from './catalog.errors.js';
import { presentSummary, ratingPrior } from './catalog.present.js';
import { Id } from './catalog.schemas.js';
import * as listingRepo from './product-listing.repo.js';
import * as readsRepo from './product-reads.repo.js';
import { correctText, searchWords } from './search-text.js';

/** A listing as buyers ask for it. */
export interface ListingInput {
  /** Search text (websearch syntax). */
  q?: string | undefined;
  /** The category and its descendants. */
  categoryId?: string | undefined;
  shopId?: string | undefined;
  minPriceMinor?: number | undefined;
  maxPriceMinor?: number | undefined;
  /** Least average rating, 0 to 5. */
  minRating?: number | undefined;
  sort?: listingRepo.Sort | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A seller's listing of their own products, of any status or one. */
export type ShopListingInput = Omit<ListingInput, 'shopId'> & {
  status?: readsRepo.ProductStatus | undefined;
};

/** Fewer first-page matches than this and misspelt words of the query are corrected. */
const FEW_MATCHES = 3;

const Position = z.object({
  s: z.enum(listingRepo.SORTS),
  k: z.union([KeysetTime, z.number().finite()]),
  id: Id,
  /** The rating prior's mean the first page was ordered by (sort=rating). */
  m: z.number().finite().min(0).max(5).optional(),
  /** The corrected search text the first page matched, if any. */
  c: z.string().max(400).optional(),
});
type Position = z.infer<typeof Position>;
/** Whether a cursor's key is of the sort's type, in the range its SQL type holds. */
function keyFits(sort: listingRepo.Sort, key: string | number): boolean {
  switch (sort) {
    case 'newest':
      return typeof key === 'string';
    case 'price_asc':
    case 'price_desc':
    case 'best_selling':
      return Number.isSafeInteger(key);
    case 'rating':
    case 'relevance':
      return typeof key === 'number' && Math.abs(key) <= 1e30;
  }
}
/**
 * Listings and search: active products of listed shops as buyers browse them (pages cached, stock
 * live), and a seller's own products; keyset cursors, and typo correction when little matches.
 */
export class ProductListing {
  private readonly inStock = new CoalescedReads<boolean>(async (ids) => {
    const inStock = await readsRepo.productsInStock(this.db, ids);
    return new Map(ids.map((id) => [id, inStock.has(id)]));
  }, COALESCING);

  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, 'ratingPriorWeight'>,
    private readonly shared: CatalogCaches,
  ) {}

  /**
   * Active products of listed shops, filtered and sorted, as the JSON of a page of ProductSummary:
   * pages are cached, stock is always live.
   */
  async listProducts(input: ListingInput): Promise<string> {
    const key = JSON.stringify([
      input.q,
      input.categoryId,
      input.shopId,
      input.minPriceMinor,
      input.maxPriceMinor,
      input.minRating,
      input.sort,
      input.limit,
      input.cursor,
    ]);
    let loadedStock: Set<string> | undefined;
    const page = await this.shared.listings.get(key, async () => {
      const loaded = await this.runListing(this.db, input, { publicOnly: true, shopId: input.shopId });
      loadedStock = loaded.inStock;
      return {
        ids: loaded.page.data.map((item) => item.id),
        itemJson: loaded.page.data.map((item) => `${JSON.stringify(item).slice(0, -1)},"in_stock":`),
        nextCursor: loaded.page.next_cursor,
      };
    });
    const fresh = loadedStock;
    const inStock = fresh ? page.ids.map((id) => fresh.has(id)) : await this.inStock.readAll(page.ids);
    const items = page.itemJson.map((json, index) => `${json}${inStock[index] === true}}`);
    return `{"data":[${items.join(',')}],"next_cursor":${JSON.stringify(page.nextCursor)}}`;
  }

  /** The seller's own products, any status (not cached: only the seller reads them). */
  async listShopProducts(caller: Caller, input: ShopListingInput) {
    const shopId = ownShop(caller);
    const { page, inStock, statuses } = await this.runListing(this.db, input, {
      publicOnly: false,
      shopId,
      status: input.status,
    });
    return {
      data: page.data.map((item) => ({
        ...item,
        status: statuses.get(item.id)!,
        in_stock: inStock.has(item.id),
      })),
      next_cursor: page.next_cursor,
    };
  }

  private async runListing(
    db: Queryable,
    input: Omit<ListingInput, 'shopId'>,
    scope: { publicOnly: boolean; shopId?: string | undefined; status?: readsRepo.ProductStatus | undefined },
  ) {
    const text = input.q || undefined;
    const requested = input.sort ?? (text ? 'relevance' : 'newest');
    // Without a query every product is equally relevant: the default order stands in.
    const sort = requested === 'relevance' && !text ? 'newest' : requested;
    const position = decodeCursor(input.cursor, Position);
    if (position && (position.s !== sort || !keyFits(sort, position.k))) {
      throw catalogErrors.invalidAt(
        'cursor_of_other_listing',
        '/query/cursor',
        'the cursor belongs to another listing',
      );
    }
    const prior =
      position?.m !== undefined
        ? { weight: this.config.ratingPriorWeight, mean: position.m }
        : ratingPrior(this.config.ratingPriorWeight, await readsRepo.ratingTotals(db));
    const query: listingRepo.ListingQuery = {
      ...scope,
      categoryId: input.categoryId,
      minPriceMinor: input.minPriceMinor,
      maxPriceMinor: input.maxPriceMinor,
      minRatingCents: input.minRating === undefined ? undefined : Math.ceil(input.minRating * 100 - 1e-9),
      search: text ? { text, corrected: position?.c } : undefined,
      sort,
      prior,
      after: position ? { key: position.k, id: position.id } : undefined,
      limit: input.limit + 1,
    };
    let rows = await listingRepo.listProducts(db, query);
    if (query.search && !position && rows.length < Math.min(FEW_MATCHES, query.limit)) {
      const suggestions = await listingRepo.suggestWords(db, searchWords(query.search.text));
      if (suggestions.size > 0) {
        query.search = { text: query.search.text, corrected: correctText(query.search.text, suggestions) };
        rows = await listingRepo.listProducts(db, query);
      }
    }
    const positionOf = (row: readsRepo.SummaryRow): Position => ({
      s: sort,
      k: row.sortKey,
      id: row.id,
      ...(sort === 'rating' ? { m: prior.mean } : {}),
      ...(query.search?.corrected !== undefined ? { c: query.search.corrected } : {}),
    });
    return {
      page: paginate(rows, input.limit, (row) => presentSummary(row, prior), positionOf),
      inStock: new Set(rows.filter((row) => row.inStock).map((row) => row.id)),
      statuses: new Map(rows.map((row) => [row.id, row.status])),
    };
  }
}

function ownShop(caller: Caller): string {
  if (!caller.shop) throw catalogErrors.error('shop_required');
  return caller.shop.id;
}
