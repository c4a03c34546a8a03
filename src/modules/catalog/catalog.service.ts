import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Caches, InvalidatedCache, VersionedCache } from '../../platform/cache.js';
import { CoalescedReads } from '../../platform/coalesce.js';
import type { Database, Queryable, Tx } from '../../platform/db.js';
import {
  Conflict,
  Forbidden,
  InvalidState,
  isUniqueViolation,
  NotFound,
  ValidationFailed,
} from '../../platform/errors.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import type { Money } from '../../platform/money.js';
import { appendEvent } from '../../platform/outbox.js';
import { decodeCursor, KeysetTime, paginate } from '../../platform/pagination.js';
import { inventory } from '../inventory/index.js';
import { type BulkLoadOptions, bulkLoadProducts } from './bulk-load.js';
import {
  type Level,
  presentCategory,
  presentDetail,
  presentRating,
  presentSummary,
  presentVariant,
  ratingPrior,
  type SummaryContent,
} from './catalog.present.js';
import * as repo from './catalog.repo.js';
import {
  type CategoryView,
  Id,
  isMediaPath,
  MAX_VARIANTS,
  type ProductDetailView,
  type ProductQueryInput,
  type ProductSummaryView,
  type VariantView,
} from './catalog.schemas.js';
import { correctText, searchWords } from './search-text.js';

/** What the catalog needs of the media module: whether a /media/ URL is one this server issued. */
export interface IssuedMedia {
  isIssuedUrl(url: string): Promise<boolean>;
}

export interface NewVariantInput {
  sku: string;
  title: string;
  options?: Record<string, string> | undefined;
  price: Money;
  stock: number;
}

export interface NewProductInput {
  title: string;
  description: string;
  category_id?: string | null | undefined;
  images?: string[] | undefined;
  variants: NewVariantInput[];
}

export interface ProductChanges {
  title?: string | undefined;
  description?: string | undefined;
  category_id?: string | null | undefined;
  images?: string[] | undefined;
  status?: repo.ProductStatus | undefined;
}

export interface VariantChanges {
  title?: string | undefined;
  price?: Money | undefined;
  on_hand?: number | undefined;
}

/**
 * A page of a listing as cached: everything but stock, which is read on every request. Each item
 * is its JSON without the closing `in_stock` (`{"id":…,"in_stock":`), so answering costs no
 * serialisation.
 */
interface CachedPage {
  ids: string[];
  itemJson: string[];
  nextCursor: string | null;
}

/** A product detail: the ETag, and the JSON body, made only when the client's copy is not current. */
export interface ProductAnswer {
  etag: string;
  json: () => Promise<string>;
}

/** Fewer first-page matches than this and misspelt words of the query are corrected. */
const FEW_MATCHES = 3;
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
const CONTENT_TTL_MS = 10 * 60 * 1000;
/**
 * Reads of live stock queued together share one query (see CoalescedReads). One query at a time
 * per process makes the batches large: on a small machine PostgreSQL's CPU is the limit.
 */
const COALESCING = { concurrency: 1, maxKeys: 500 };

const Position = z.object({
  s: z.enum(repo.SORTS),
  k: z.union([KeysetTime, z.number().finite()]),
  id: Id,
  /** The rating prior's mean the first page was ordered by (sort=rating). */
  m: z.number().finite().min(0).max(5).optional(),
  /** The corrected search text the first page matched, if any. */
  c: z.string().max(400).optional(),
});
type Position = z.infer<typeof Position>;

/** The ids whose buyer state (in the same order) is visible and in stock. */
const buyableOf = (ids: readonly string[], states: readonly (repo.BuyerStateRow | undefined)[]) =>
  new Set(ids.filter((_, index) => states[index]?.visible && states[index].inStock));

/** Whether a cursor's key is of the sort's type, in the range its SQL type holds. */
function keyFits(sort: repo.Sort, key: string | number): boolean {
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

const contentKey = (id: string, v: { version: number; shopVersion: number; categoryVersion: number }) =>
  `${id}:${v.version}:${v.shopVersion}:${v.categoryVersion}`;

const levelsOf = (stock: repo.ProductHeadRow['stock']): Map<string, Level> =>
  new Map(
    stock.flatMap(([variantId, level]) =>
      level ? [[variantId, { onHand: level[0], reserved: level[1] }]] : [],
    ),
  );

/**
 * Categories, products and variants: what sellers list and buyers find. Product content is cached
 * (keyed by its versions, so never stale); stock is inventory's and is read on every request.
 */
export class CatalogService {
  private readonly contents: VersionedCache<repo.ProductContentRow>;
  /** Detail bodies by ETag: the same content, stock and viewer give the same bytes. */
  private readonly bodies: VersionedCache<string>;
  private readonly listings: InvalidatedCache<CachedPage>;
  private readonly categoryList: InvalidatedCache<CategoryView[]>;
  private readonly heads = new CoalescedReads<repo.ProductHeadRow>(async (ids) => {
    const rows = await repo.findProductHeads(this.db, ids);
    return new Map(rows.map((row) => [row.id, row]));
  }, COALESCING);
  /** Summaries of single products, as listing pages cache theirs: everything but stock. */
  private readonly summaryContents: InvalidatedCache<SummaryContent>;
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
  private readonly inStock = new CoalescedReads<boolean>(async (ids) => {
    const inStock = await repo.productsInStock(this.db, ids);
    return new Map(ids.map((id) => [id, inStock.has(id)]));
  }, COALESCING);

  /** Told of every product page a signed-in buyer reads; must not block or throw. */
  private viewListener: ((userId: string, productId: string) => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, 'currency' | 'ratingPriorWeight'>,
    caches: Caches,
    private readonly media: IssuedMedia,
  ) {
    this.contents = caches.versioned('catalog.product', { max: 10_000, ttlMs: CONTENT_TTL_MS });
    this.bodies = caches.local('catalog.product-body', { max: 2_000, ttlMs: CONTENT_TTL_MS });
    this.listings = caches.invalidated('catalog.listing', { max: 500, ttlMs: LISTING_TTL_MS });
    this.summaryContents = caches.invalidated('catalog.summary', {
      max: 20_000,
      ttlMs: SUMMARY_TTL_MS,
      serveStaleWhileReloading: true,
    });
    this.categoryList = caches.invalidated('catalog.categories', { max: 1, ttlMs: LISTING_TTL_MS });
  }

  // -------------------------------------------------------------------------------------------
  // Categories

  async categories(): Promise<CategoryView[]> {
    return this.categoryList.get('all', async () =>
      (await repo.listCategories(this.db)).map(presentCategory),
    );
  }

  async createCategory(input: { name: string; slug: string; parent_id?: string | null | undefined }) {
    const category = await this.db.transaction(async (tx) => {
      await repo.lockCategoryTree(tx);
      if (input.parent_id && !(await repo.findCategory(tx, input.parent_id))) {
        throw ValidationFailed.at('/parent_id', 'no such category');
      }
      const row = await withSlugConflict(() =>
        repo.insertCategory(tx, {
          id: newId('cat'),
          name: input.name,
          slug: input.slug,
          parentId: input.parent_id ?? null,
        }),
      );
      await appendEvent(tx, 'category.created.v1', presentCategory(row));
      return row;
    });
    await this.invalidateListings('categories');
    return presentCategory(category);
  }

  async updateCategory(
    id: string,
    changes: { name?: string | undefined; slug?: string | undefined; parent_id?: string | null | undefined },
  ) {
    const category = await this.db.transaction(async (tx) => {
      await repo.lockCategoryTree(tx);
      if (!(await repo.findCategory(tx, id))) throw new NotFound('category');
      if (changes.parent_id) {
        const ancestors = await repo.ancestorIds(tx, changes.parent_id);
        if (ancestors.length === 0) throw ValidationFailed.at('/parent_id', 'no such category');
        if (ancestors.includes(id)) {
          throw ValidationFailed.at('/parent_id', 'a category cannot sit under itself or its descendants');
        }
      }
      const row = await withSlugConflict(() =>
        repo.updateCategory(tx, id, { name: changes.name, slug: changes.slug, parentId: changes.parent_id }),
      );
      await appendEvent(tx, 'category.updated.v1', presentCategory(row!));
      return row!;
    });
    await this.invalidateListings('categories');
    return presentCategory(category);
  }

  // -------------------------------------------------------------------------------------------
  // Reading products

  /** A product as `viewer` may see it: archived or unlisted products only to their seller. */
  async product(id: string, viewer: Caller | null): Promise<ProductAnswer> {
    const { head, content, ownerView } = await this.visibleContent(id, viewer);
    if (viewer && !ownerView) this.viewListener?.(viewer.id, id);
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

  listenForViews(listener: (userId: string, productId: string) => void): void {
    this.viewListener = listener;
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
        this.summaryContents.get(id, async () => {
          const content = await this.summaryReads.read(id);
          if (!content) throw new NotFound('product');
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
    if (!head) throw new NotFound('product');
    const ownerView = viewer?.shop?.id === head.shopId;
    if (!ownerView && !(head.status === 'active' && head.listed)) throw new NotFound('product');
    const content = await this.contents.get(contentKey(id, head), async () => {
      const loaded = await repo.findProductContent(this.db, id);
      if (!loaded) throw new NotFound('product');
      return loaded;
    });
    return { head, content, ownerView };
  }

  /**
   * Active products of listed shops, filtered and sorted, as the JSON of a page of ProductSummary:
   * pages are cached, stock is always live.
   */
  async listProducts(input: ProductQueryInput): Promise<string> {
    const key = JSON.stringify([
      input.q,
      input.category,
      input.shop,
      input.min_price,
      input.max_price,
      input.min_rating,
      input.sort,
      input.limit,
      input.cursor,
    ]);
    let loadedStock: Set<string> | undefined;
    const page = await this.listings.get(key, async () => {
      const loaded = await this.runListing(this.db, input, { publicOnly: true, shopId: input.shop });
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
  async listShopProducts(
    caller: Caller,
    input: Omit<ProductQueryInput, 'shop'> & { status?: repo.ProductStatus | undefined },
  ) {
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
    input: Omit<ProductQueryInput, 'shop'>,
    scope: { publicOnly: boolean; shopId?: string | undefined; status?: repo.ProductStatus | undefined },
  ) {
    const text = input.q || undefined;
    const requested = input.sort ?? (text ? 'relevance' : 'newest');
    // Without a query every product is equally relevant: the default order stands in.
    const sort = requested === 'relevance' && !text ? 'newest' : requested;
    const position = decodeCursor(input.cursor, Position);
    if (position && (position.s !== sort || !keyFits(sort, position.k))) {
      throw ValidationFailed.at('/query/cursor', 'the cursor belongs to another listing');
    }
    const prior =
      position?.m !== undefined
        ? { weight: this.config.ratingPriorWeight, mean: position.m }
        : ratingPrior(this.config.ratingPriorWeight, await repo.ratingTotals(db));
    const query: repo.ListingQuery = {
      ...scope,
      categoryId: input.category,
      minPriceMinor: input.min_price,
      maxPriceMinor: input.max_price,
      minRatingCents: input.min_rating === undefined ? undefined : Math.ceil(input.min_rating * 100 - 1e-9),
      search: text ? { text, corrected: position?.c } : undefined,
      sort,
      prior,
      after: position ? { key: position.k, id: position.id } : undefined,
      limit: input.limit + 1,
    };
    let rows = await repo.listProducts(db, query);
    if (query.search && !position && rows.length < Math.min(FEW_MATCHES, query.limit)) {
      const suggestions = await repo.suggestWords(db, searchWords(query.search.text));
      if (suggestions.size > 0) {
        query.search = { text: query.search.text, corrected: correctText(query.search.text, suggestions) };
        rows = await repo.listProducts(db, query);
      }
    }
    const positionOf = (row: repo.SummaryRow): Position => ({
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

  // -------------------------------------------------------------------------------------------
  // Changing products

  async createProduct(caller: Caller, input: NewProductInput): Promise<ProductDetailView> {
    const shop = caller.shop;
    if (!shop) throw new Forbidden('Open a shop first.');
    assertDistinctSkus(input.variants);
    if (input.images) await this.assertImagesIssued(input.images);
    const productId = newId('prod');
    const view = await this.db.transaction(async (tx) => {
      await repo.ensureShop(tx, shop);
      await this.assertCategoryExists(tx, input.category_id);
      await repo.insertProduct(tx, {
        id: productId,
        shopId: shop.id,
        categoryId: input.category_id ?? null,
        title: input.title,
        description: input.description,
        currency: this.config.currency,
        priceFromMinor: Math.min(...input.variants.map((v) => v.price.amount)),
        variantCount: input.variants.length,
      });
      const variants = input.variants.map((v, position) => ({
        ...this.newVariant(productId, shop.id, v),
        position,
      }));
      await withSkuConflict(() => repo.insertVariants(tx, variants));
      await inventory.createStocks(
        tx,
        variants.map((v, i) => ({ variantId: v.id, quantity: input.variants[i]!.stock })),
        productId,
      );
      if (input.images)
        await repo.insertImages(
          tx,
          input.images.map((url) => ({ productId, url })),
        );
      await repo.addWords(tx, [input.title, input.description]);
      return this.announce(tx, productId, 'product.created.v1');
    });
    await this.invalidateListings('products');
    return view;
  }

  async updateProduct(caller: Caller, id: string, changes: ProductChanges): Promise<ProductDetailView> {
    if (changes.images) await this.assertImagesIssued(changes.images);
    const view = await this.db.transaction(async (tx) => {
      const product = authorise(await repo.lockProduct(tx, id), caller);
      if (changes.status === 'active' && product.takenDown) {
        throw new InvalidState('An admin took this product down; it cannot be put back on sale.');
      }
      if (changes.category_id !== undefined) await this.assertCategoryExists(tx, changes.category_id);
      await repo.updateProduct(tx, id, {
        title: changes.title,
        description: changes.description,
        categoryId: changes.category_id,
        status: changes.status,
      });
      if (changes.images) await repo.replaceImages(tx, id, changes.images);
      const texts = [changes.title, changes.description].filter((text) => text !== undefined);
      if (texts.length > 0) await repo.addWords(tx, texts);
      return this.announce(tx, id, 'product.updated.v1');
    });
    await this.invalidateListings('products');
    return view;
  }

  /** An admin takes a product down: archived, and its seller may not reactivate it. */
  async takeDown(id: string): Promise<ProductDetailView> {
    const view = await this.db.transaction(async (tx) => {
      if (!(await repo.lockProduct(tx, id))) throw new NotFound('product');
      await repo.updateProduct(tx, id, { status: 'archived', takenDown: true });
      return this.announce(tx, id, 'product.updated.v1');
    });
    await this.invalidateListings('products');
    return view;
  }

  async addVariant(caller: Caller, productId: string, input: NewVariantInput): Promise<VariantView> {
    const view = await this.db.transaction(async (tx) => {
      const product = authorise(await repo.lockProduct(tx, productId), caller);
      if (product.variantCount >= MAX_VARIANTS) {
        throw new Conflict(`A product has at most ${MAX_VARIANTS} variants.`);
      }
      const variant = {
        ...this.newVariant(productId, product.shopId, input),
        position: product.variantCount,
      };
      await withSkuConflict(() => repo.insertVariants(tx, [variant]));
      await inventory.createStock(tx, variant.id, input.stock, productId);
      await repo.updateProduct(tx, productId, { variantCountDelta: 1 });
      await this.announce(tx, productId, 'product.updated.v1');
      return this.variantView(tx, productId, variant.id);
    });
    await this.invalidateListings('products');
    return view;
  }

  async updateVariant(caller: Caller, variantId: string, changes: VariantChanges): Promise<VariantView> {
    const contentChanged = changes.title !== undefined || changes.price !== undefined;
    const view = await this.db.transaction(async (tx) => {
      const productId = await repo.productIdOfVariant(tx, variantId);
      if (!productId) throw new NotFound('variant');
      authorise(await repo.lockProduct(tx, productId), caller);
      if (contentChanged) {
        await repo.updateVariant(tx, variantId, { title: changes.title, priceMinor: changes.price?.amount });
        await repo.updateProduct(tx, productId, {});
      }
      if (changes.on_hand !== undefined) await inventory.setOnHand(tx, variantId, changes.on_hand, caller.id);
      await this.announce(tx, productId, 'product.updated.v1');
      return this.variantView(tx, productId, variantId);
    });
    if (contentChanged) await this.invalidateListings('products');
    return view;
  }

  /** Generated products for benchmarks (see bulk-load.ts); answers their ids. */
  async bulkLoad(options: Omit<BulkLoadOptions, 'currency'>): Promise<string[]> {
    const ids = await bulkLoadProducts(this.db, { ...options, currency: this.config.currency });
    await this.invalidateListings('products');
    return ids;
  }

  // -------------------------------------------------------------------------------------------
  // Called by other modules, inside their transactions

  /** Identity's shop listener: a shop opened, renamed, or its owner (un)suspended. */
  async shopChanged(tx: Tx, shop: { id: string; name: string; listed: boolean }): Promise<void> {
    await repo.upsertShop(tx, shop);
    this.invalidateListingsAfterCommit(tx, 'products');
  }

  /** Units sold, for `sort=best_selling` (orders, when an order is paid). */
  async recordSales(tx: Tx, lines: readonly { productId: string; quantity: number }[]): Promise<void> {
    if (lines.length === 0) return;
    await repo.addSales(tx, lines);
    this.invalidateListingsAfterCommit(tx, 'sales');
  }

  /**
   * Visible ratings that appear (delta 1) or disappear (delta -1): reviews created, hidden,
   * unhidden or re-rated. Keeps each product's aggregates and the marketplace mean.
   */
  async recordRatings(
    tx: Tx,
    changes: readonly { productId: string; rating: number; delta: 1 | -1 }[],
  ): Promise<void> {
    if (changes.length === 0) return;
    for (const change of changes) {
      if (!Number.isInteger(change.rating) || change.rating < 1 || change.rating > 5) {
        throw new RangeError(`a rating is 1 to 5, not ${change.rating}`);
      }
    }
    await repo.addRatings(tx, changes);
    this.invalidateListingsAfterCommit(tx, 'products');
  }

  // -------------------------------------------------------------------------------------------

  private newVariant(productId: string, shopId: string, input: NewVariantInput) {
    return {
      id: newId('var'),
      productId,
      shopId,
      sku: input.sku,
      title: input.title,
      options: input.options ?? {},
      priceMinor: input.price.amount,
      currency: input.price.currency,
    };
  }

  private async assertCategoryExists(tx: Queryable, categoryId: string | null | undefined): Promise<void> {
    if (categoryId && !(await repo.findCategory(tx, categoryId))) {
      throw ValidationFailed.at('/category_id', 'no such category');
    }
  }

  /** /media/ URLs must be ones this server issued; https URLs are stored as given, never fetched. */
  private async assertImagesIssued(urls: readonly string[]): Promise<void> {
    const issued = await Promise.all(urls.map((url) => !isMediaPath(url) || this.media.isIssuedUrl(url)));
    const unknown = issued.flatMap((ok, index) => (ok ? [] : [index]));
    if (unknown.length > 0) {
      throw new ValidationFailed(
        unknown.map((index) => ({ path: `/images/${index}`, message: 'no such media was uploaded here' })),
      );
    }
  }

  /** The product as its seller now sees it, with `type` appended to the outbox (as buyers see it). */
  private async announce(
    tx: Queryable,
    productId: string,
    type: 'product.created.v1' | 'product.updated.v1',
  ): Promise<ProductDetailView> {
    const content = (await repo.findProductContent(tx, productId))!;
    const levels = await inventory.levels(
      tx,
      content.variants.map((v) => v.id),
    );
    const prior = ratingPrior(this.config.ratingPriorWeight, await repo.ratingTotals(tx));
    await appendEvent(tx, type, presentDetail(content, levels, prior, false));
    return presentDetail(content, levels, prior, true);
  }

  private async variantView(tx: Queryable, productId: string, variantId: string): Promise<VariantView> {
    const content = (await repo.findProductContent(tx, productId))!;
    const variant = content.variants.find((v) => v.id === variantId)!;
    const level = (await inventory.levels(tx, [variantId])).get(variantId);
    return presentVariant(productId, variant, level, true);
  }

  /**
   * Drops what a change makes stale, in every process: listing pages always; product summaries when
   * what they show changed (not for units sold, which only reorder pages, on every payment); the
   * category list only when categories changed.
   */
  private async invalidateListings(changed: 'categories' | 'products' | 'sales'): Promise<void> {
    const extra = { categories: this.categoryList, products: this.summaryContents, sales: undefined }[
      changed
    ];
    await Promise.all([this.listings.invalidate(), extra?.invalidate()]);
  }

  /** For changes made in another module's transaction: a page loaded before its commit must not stay. */
  private invalidateListingsAfterCommit(tx: Tx, changed: 'products' | 'sales'): void {
    tx.afterCommit(() => void this.invalidateListings(changed));
  }
}

function ownShop(caller: Caller): string {
  if (!caller.shop) throw new Forbidden('Open a shop first.');
  return caller.shop.id;
}

/**
 * Only the product's shop changes it. Others get 403 for what they may read (an active product of
 * a listed shop) and 404 for what they may not.
 */
function authorise(product: repo.ProductLockRow | undefined, caller: Caller): repo.ProductLockRow {
  if (!product) throw new NotFound('product');
  if (caller.shop?.id === product.shopId) return product;
  if (product.status === 'active' && product.listed) {
    throw new Forbidden('Only the shop selling this product may change it.');
  }
  throw new NotFound('product');
}

function assertDistinctSkus(variants: readonly { sku: string }[]): void {
  const seen = new Set<string>();
  const errors = variants.flatMap((variant, index) => {
    if (!seen.has(variant.sku)) {
      seen.add(variant.sku);
      return [];
    }
    return [{ path: `/variants/${index}/sku`, message: 'repeats the SKU of another variant' }];
  });
  if (errors.length > 0) throw new ValidationFailed(errors);
}

async function withSkuConflict<T>(insert: () => Promise<T>): Promise<T> {
  return renameUniqueViolation(insert, 'Your shop has a variant with this SKU already.');
}

async function withSlugConflict<T>(write: () => Promise<T>): Promise<T> {
  return renameUniqueViolation(write, 'A category with this slug exists already.');
}

async function renameUniqueViolation<T>(write: () => Promise<T>, detail: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(detail);
    throw error;
  }
}
