import type { Config } from '../../config.js';
import type { Caches } from '../../platform/cache.js';
import type { Database, Queryable, Tx } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { CatalogCaches } from './catalog.caches.js';
import type { ProductDetailView, ProductSummaryView } from './catalog.schemas.js';
import { Categories, type CategoryChanges, type NewCategoryInput } from './categories.service.js';
import { type ListingInput, ProductListing, type ShopListingInput } from './product-listing.service.js';
import type { ProductTextRow } from './product-reads.repo.js';
import { type ProductAnswer, ProductReads, type ProductViewRecorder } from './product-reads.service.js';
import type { ListedShop } from './product-writes.repo.js';
import {
  type ImportedProduct,
  type IssuedMedia,
  type NewProductInput,
  type NewVariantInput,
  type ProductChanges,
  ProductWrites,
  type VariantChanges,
} from './product-writes.service.js';

export interface CatalogDeps {
  db: Database;
  config: Pick<Config, 'currency' | 'ratingPriorWeight'>;
  caches: Caches;
  /** Whether a /media/ image URL is one this server issued. */
  media: IssuedMedia;
  /** Told of product pages signed-in buyers read. */
  views: ProductViewRecorder;
}

/**
 * The catalog's use cases in one service, as routes and other modules call them. Each part owns a
 * seam: product reads (cached read model, ETags, batched readers), listings and search, product
 * writes, and categories; they share the caches that writes drop.
 */
export class CatalogService {
  private readonly reads: ProductReads;
  private readonly listing: ProductListing;
  private readonly writes: ProductWrites;
  private readonly categoryTree: Categories;

  constructor({ db, config, caches, media, views }: CatalogDeps) {
    const shared = new CatalogCaches(caches);
    this.reads = new ProductReads(db, config, caches, shared, views);
    this.listing = new ProductListing(db, config, shared);
    this.writes = new ProductWrites(db, config, media, shared);
    this.categoryTree = new Categories(db, shared);
  }

  // -------------------------------------------------------------------------------------------
  // Categories

  categories() {
    return this.categoryTree.categories();
  }

  createCategory(input: NewCategoryInput) {
    return this.categoryTree.createCategory(input);
  }

  updateCategory(id: string, changes: CategoryChanges) {
    return this.categoryTree.updateCategory(id, changes);
  }

  // -------------------------------------------------------------------------------------------
  // Reading products

  /** A product as `viewer` may see it: archived or unlisted products only to their seller. */
  product(id: string, viewer: Caller | null): Promise<ProductAnswer> {
    return this.reads.product(id, viewer);
  }

  /** Which of these products a buyer may get now: visible and in stock, read live. */
  buyableAmong(ids: readonly string[]): Promise<Set<string>> {
    return this.reads.buyableAmong(ids);
  }

  /** `buyableAmong(ids)`, read with whether a buyer may see product `id`: undefined when not. */
  buyableBeside(id: string, ids: readonly string[]): Promise<Set<string> | undefined> {
    return this.reads.buyableBeside(id, ids);
  }

  /** Summaries of products `buyableAmong` has just answered, in order. */
  buyableSummaries(ids: readonly string[]): Promise<ProductSummaryView[]> {
    return this.reads.buyableSummaries(ids);
  }

  /** Title and category of every active product, and when it last changed. */
  productTexts(): Promise<ProductTextRow[]> {
    return this.reads.productTexts();
  }

  /** The title of each of these products, archived and taken-down ones included: for lists naming them. */
  /** The shop of each product, whatever its status. */
  productShops(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    return this.reads.productShops(db, ids);
  }

  productTitles(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    return this.reads.productTitles(db, ids);
  }

  latestProductChange(): Promise<Date | null> {
    return this.reads.latestProductChange();
  }

  /** The rating block of a product `viewer` may see, as its detail shows it. */
  productRating(id: string, viewer: Caller | null): Promise<ProductDetailView['rating']> {
    return this.reads.productRating(id, viewer);
  }

  // -------------------------------------------------------------------------------------------
  // Listings and search

  /** A page of buyers' listing, as JSON (see ProductListing.listProducts). */
  listProducts(input: ListingInput): Promise<string> {
    return this.listing.listProducts(input);
  }

  /** The seller's own products, any status. */
  listShopProducts(caller: Caller, input: ShopListingInput) {
    return this.listing.listShopProducts(caller, input);
  }

  // -------------------------------------------------------------------------------------------
  // Changing products

  createProduct(caller: Caller, input: NewProductInput): Promise<ProductDetailView> {
    return this.writes.createProduct(caller, input);
  }

  updateProduct(caller: Caller, id: string, changes: ProductChanges): Promise<ProductDetailView> {
    return this.writes.updateProduct(caller, id, changes);
  }

  /** An admin takes a product down: archived, and its seller may not reactivate it. */
  takeDown(id: string): Promise<ProductDetailView> {
    return this.writes.takeDown(id);
  }

  addVariant(caller: Caller, productId: string, input: NewVariantInput) {
    return this.writes.addVariant(caller, productId, input);
  }

  updateVariant(caller: Caller, variantId: string, changes: VariantChanges) {
    return this.writes.updateVariant(caller, variantId, changes);
  }

  /** Many products written as given, in one transaction: for catalogs generated whole (bench data). */
  importProducts(products: readonly ImportedProduct[]): Promise<void> {
    return this.writes.importProducts(products);
  }

  /** After a run of `importProducts`: search vocabulary, rating totals, vacuum, listings dropped. */
  afterImports(): Promise<void> {
    return this.writes.afterImports();
  }

  // -------------------------------------------------------------------------------------------
  // Called by other modules, inside their transactions

  /** Identity's shop listener: a shop opened, renamed, or its owner (un)suspended. */
  shopChanged(tx: Tx, shop: ListedShop): Promise<void> {
    return this.writes.shopChanged(tx, shop);
  }

  /** Units sold, for `sort=best_selling` (orders, when an order is paid). */
  recordSales(tx: Tx, lines: readonly { productId: string; quantity: number }[]): Promise<void> {
    return this.writes.recordSales(tx, lines);
  }

  /** Visible ratings that appear (delta 1) or disappear (delta -1). */
  recordRatings(
    tx: Tx,
    changes: readonly { productId: string; rating: number; delta: 1 | -1 }[],
  ): Promise<void> {
    return this.writes.recordRatings(tx, changes);
  }
}
