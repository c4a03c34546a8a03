import type { Config } from '../../config.js';
import { type AuditAction, appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database, Queryable, Tx } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import type { Money } from '../../platform/money.js';
import { appendEvent } from '../../platform/outbox.js';
import { inventory } from '../inventory/index.js';
import type { CatalogCaches } from './catalog.caches.js';
import { catalogErrors } from './catalog.errors.js';
import { presentDetail, presentVariant, ratingPrior } from './catalog.present.js';
import { isMediaPath, MAX_VARIANTS, type ProductDetailView, type VariantView } from './catalog.schemas.js';
import { assertCategoryExists, renameUniqueViolation } from './categories.service.js';
import {
  findProductContent,
  type ProductContentRow,
  type ProductStatus,
  ratingTotals,
} from './product-reads.repo.js';
import * as repo from './product-writes.repo.js';

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
  weightGrams?: number | undefined;
}

export interface NewProductInput {
  title: string;
  description: string;
  categoryId?: string | null | undefined;
  taxCategory?: string | null | undefined;
  images?: string[] | undefined;
  variants: NewVariantInput[];
}

export interface ProductChanges {
  title?: string | undefined;
  description?: string | undefined;
  categoryId?: string | null | undefined;
  taxCategory?: string | null | undefined;
  images?: string[] | undefined;
  status?: ProductStatus | undefined;
}

export interface VariantChanges {
  title?: string | undefined;
  price?: Money | undefined;
  onHand?: number | undefined;
  weightGrams?: number | undefined;
}

/** A product as `importProducts` writes it: everything given, nothing derived but its lowest price. */
export interface ImportedProduct {
  id: string;
  shop: { id: string; name: string };
  categoryId: string;
  title: string;
  description: string;
  /** RFC 3339. */
  createdAt: string;
  salesCount: number;
  /** Visible ratings with 1, 2, …, 5 stars. */
  stars: [number, number, number, number, number];
  imageUrls: readonly string[];
  variants: readonly {
    id: string;
    sku: string;
    title: string;
    options: Record<string, string>;
    priceMinor: number;
    /** 0 when not given. */
    weightGrams?: number;
    stock: number;
  }[];
}

/**
 * Product writes: sellers list and change products and variants, admins take them down, and other
 * modules record shops, sales and ratings inside their transactions. Every change drops the
 * listing caches it makes stale.
 */
export class ProductWrites {
  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, 'currency' | 'ratingPriorWeight'>,
    private readonly media: IssuedMedia,
    private readonly shared: CatalogCaches,
  ) {}

  async createProduct(caller: Caller, input: NewProductInput): Promise<ProductDetailView> {
    const shop = caller.shop;
    if (!shop) throw catalogErrors.error('shop_required');
    assertDistinctSkus(input.variants);
    if (input.images) await this.assertImagesIssued(input.images);
    const productId = newId('prod');
    const view = await this.db.transaction(async (tx) => {
      await repo.ensureShop(tx, shop);
      await assertCategoryExists(tx, input.categoryId);
      await repo.insertProduct(tx, {
        id: productId,
        shopId: shop.id,
        categoryId: input.categoryId ?? null,
        taxCategory: input.taxCategory ?? null,
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
      await this.audit(tx, 'product.created', null, productId);
      return this.announce(tx, productId, 'product.created.v1');
    });
    await this.shared.invalidate('products');
    return view;
  }

  async updateProduct(caller: Caller, id: string, changes: ProductChanges): Promise<ProductDetailView> {
    if (changes.images) await this.assertImagesIssued(changes.images);
    const view = await this.db.transaction(async (tx) => {
      const product = authorise(await repo.lockProduct(tx, id), caller);
      if (changes.status === 'active' && product.takenDown) {
        throw catalogErrors.error('product_taken_down');
      }
      const before = (await findProductContent(tx, id))!;
      if (changes.categoryId !== undefined) await assertCategoryExists(tx, changes.categoryId);
      await repo.updateProduct(tx, id, {
        title: changes.title,
        description: changes.description,
        categoryId: changes.categoryId,
        taxCategory: changes.taxCategory,
        status: changes.status,
      });
      if (changes.images) await repo.replaceImages(tx, id, changes.images);
      const texts = [changes.title, changes.description].filter((text) => text !== undefined);
      if (texts.length > 0) await repo.addWords(tx, texts);
      await this.audit(tx, 'product.updated', before, id);
      return this.announce(tx, id, 'product.updated.v1');
    });
    await this.shared.invalidate('products');
    return view;
  }

  /** An admin takes a product down: archived, and its seller may not reactivate it. */
  async takeDown(id: string): Promise<ProductDetailView> {
    const view = await this.db.transaction(async (tx) => {
      if (!(await repo.lockProduct(tx, id))) throw catalogErrors.error('product_not_found');
      const before = (await findProductContent(tx, id))!;
      await repo.updateProduct(tx, id, { status: 'archived', takenDown: true });
      await this.audit(tx, 'product.taken_down', before, id);
      return this.announce(tx, id, 'product.updated.v1');
    });
    await this.shared.invalidate('products');
    return view;
  }

  async addVariant(caller: Caller, productId: string, input: NewVariantInput): Promise<VariantView> {
    const view = await this.db.transaction(async (tx) => {
      const product = authorise(await repo.lockProduct(tx, productId), caller);
      if (product.variantCount >= MAX_VARIANTS) {
        throw catalogErrors.error('too_many_variants', `A product has at most ${MAX_VARIANTS} variants.`);
      }
      const variant = {
        ...this.newVariant(productId, product.shopId, input),
        position: product.variantCount,
      };
      await withSkuConflict(() => repo.insertVariants(tx, [variant]));
      await inventory.createStock(tx, variant.id, input.stock, productId);
      await repo.updateProduct(tx, productId, { variantCountDelta: 1 });
      await this.announce(tx, productId, 'product.updated.v1');
      const view = await this.variantView(tx, productId, variant.id);
      await appendAudit(tx, {
        action: 'variant.created',
        target: { type: 'variant', id: variant.id },
        shopId: product.shopId,
        changes: changesBetween(null, view, AUDITED_VARIANT_FIELDS),
      });
      return view;
    });
    await this.shared.invalidate('products');
    return view;
  }

  async updateVariant(caller: Caller, variantId: string, changes: VariantChanges): Promise<VariantView> {
    const contentChanged =
      changes.title !== undefined || changes.price !== undefined || changes.weightGrams !== undefined;
    const view = await this.db.transaction(async (tx) => {
      const productId = await repo.productIdOfVariant(tx, variantId);
      if (!productId) throw catalogErrors.error('variant_not_found');
      const product = authorise(await repo.lockProduct(tx, productId), caller);
      const before = await this.variantView(tx, productId, variantId);
      if (contentChanged) {
        await repo.updateVariant(tx, variantId, {
          title: changes.title,
          priceMinor: changes.price?.amount,
          weightGrams: changes.weightGrams,
        });
        await repo.updateProduct(tx, productId, {});
      }
      if (changes.onHand !== undefined) await inventory.setOnHand(tx, variantId, changes.onHand, caller.id);
      await this.announce(tx, productId, 'product.updated.v1');
      const after = await this.variantView(tx, productId, variantId);
      // A price or stock change targets the variant, not its product.
      await appendAudit(tx, {
        action: 'variant.updated',
        target: { type: 'variant', id: variantId },
        shopId: product.shopId,
        changes: changesBetween(before, after, AUDITED_VARIANT_FIELDS),
      });
      return after;
    });
    if (contentChanged) await this.shared.invalidate('products');
    return view;
  }

  /**
   * Many products written as given, with their variants, images and stock, in one transaction of a
   * few multi-row statements instead of a use case each: for catalogs generated whole (bench data).
   * No events; listings change once `afterImports` runs.
   */
  async importProducts(products: readonly ImportedProduct[]): Promise<void> {
    const batch: repo.BulkProducts = {
      ids: [],
      shopIds: [],
      categoryIds: [],
      titles: [],
      descriptions: [],
      priceFromMinor: [],
      variantCounts: [],
      salesCounts: [],
      stars: [[], [], [], [], []],
      createdAt: [],
    };
    const variants: repo.NewVariant[] = [];
    const stock: { variantId: string; quantity: number }[] = [];
    const images: { productId: string; url: string }[] = [];
    const shops = new Map<string, { id: string; name: string }>();
    for (const product of products) {
      shops.set(product.shop.id, product.shop);
      batch.ids.push(product.id);
      batch.shopIds.push(product.shop.id);
      batch.categoryIds.push(product.categoryId);
      batch.titles.push(product.title);
      batch.descriptions.push(product.description);
      batch.priceFromMinor.push(Math.min(...product.variants.map((v) => v.priceMinor)));
      batch.variantCounts.push(product.variants.length);
      batch.salesCounts.push(product.salesCount);
      for (const [index, count] of product.stars.entries()) batch.stars[index]!.push(count);
      batch.createdAt.push(product.createdAt);
      for (const url of product.imageUrls) images.push({ productId: product.id, url });
      for (const [position, variant] of product.variants.entries()) {
        variants.push({
          id: variant.id,
          productId: product.id,
          shopId: product.shop.id,
          sku: variant.sku,
          title: variant.title,
          options: variant.options,
          priceMinor: variant.priceMinor,
          weightGrams: variant.weightGrams ?? 0,
          currency: this.config.currency,
          position,
        });
        stock.push({ variantId: variant.id, quantity: variant.stock });
      }
    }
    await this.db.transaction(async (tx) => {
      for (const shop of shops.values()) await repo.ensureShop(tx, shop);
      await repo.insertProductsBulk(tx, batch, this.config.currency);
      await repo.insertVariants(tx, variants);
      await repo.insertImages(tx, images);
      await inventory.createStocks(tx, stock, 'bulk load');
    });
  }

  /**
   * After a run of `importProducts`, outside any transaction: the search vocabulary and the
   * marketplace rating totals take the new products in, the tables are vacuumed, listings dropped.
   */
  async afterImports(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await repo.addWordsOfAllProducts(tx);
      await repo.recomputeRatingTotals(tx);
    });
    await repo.vacuumAfterBulkLoad(this.db);
    await inventory.vacuumAfterBulkLoad(this.db);
    await this.shared.invalidate('products');
  }

  // -------------------------------------------------------------------------------------------
  // Called by other modules, inside their transactions

  /** Identity's shop listener: a shop opened, renamed, or its owner (un)suspended. */
  async shopChanged(tx: Tx, shop: repo.ListedShop): Promise<void> {
    await repo.upsertShop(tx, shop);
    this.shared.invalidateAfterCommit(tx, 'products');
  }

  /** Units sold, for `sort=best_selling` (orders, when an order is paid). */
  async recordSales(tx: Tx, lines: readonly { productId: string; quantity: number }[]): Promise<void> {
    if (lines.length === 0) return;
    await repo.addSales(tx, lines);
    this.shared.invalidateAfterCommit(tx, 'sales');
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
    this.shared.invalidateAfterCommit(tx, 'products');
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
      weightGrams: input.weightGrams ?? 0,
      currency: input.price.currency,
    };
  }

  /** /media/ URLs must be ones this server issued; https URLs are stored as given, never fetched. */
  private async assertImagesIssued(urls: readonly string[]): Promise<void> {
    const issued = await Promise.all(urls.map((url) => !isMediaPath(url) || this.media.isIssuedUrl(url)));
    const unknown = issued.flatMap((ok, index) => (ok ? [] : [index]));
    if (unknown.length > 0) {
      throw catalogErrors.error(
        'image_not_issued',
        undefined,
        unknown.map((index) => ({ path: `/images/${index}`, message: 'no such media was uploaded here' })),
      );
    }
  }

  /** Appends the product's audit event: its fields now against `before` (null when created). */
  private async audit(
    tx: Queryable,
    action: AuditAction,
    before: ProductContentRow | null,
    productId: string,
  ): Promise<void> {
    const after = (await findProductContent(tx, productId))!;
    await appendAudit(tx, {
      action,
      target: { type: 'product', id: productId },
      shopId: after.shopId,
      changes: changesBetween(
        before && auditedProduct(before),
        auditedProduct(after),
        AUDITED_PRODUCT_FIELDS,
      ),
    });
  }

  /** The product as its seller now sees it, with `type` appended to the outbox (as buyers see it). */
  private async announce(
    tx: Queryable,
    productId: string,
    type: 'product.created.v1' | 'product.updated.v1',
  ): Promise<ProductDetailView> {
    const content = (await findProductContent(tx, productId))!;
    const levels = await inventory.levels(
      tx,
      content.variants.map((v) => v.id),
    );
    const prior = ratingPrior(this.config.ratingPriorWeight, await ratingTotals(tx));
    await appendEvent(tx, type, presentDetail(content, levels, prior, false));
    return presentDetail(content, levels, prior, true);
  }

  private async variantView(tx: Queryable, productId: string, variantId: string): Promise<VariantView> {
    const content = (await findProductContent(tx, productId))!;
    const variant = content.variants.find((v) => v.id === variantId)!;
    const level = (await inventory.levels(tx, [variantId])).get(variantId);
    return presentVariant(productId, variant, level, true);
  }
}

const auditedProduct = (content: ProductContentRow) => ({
  title: content.title,
  description: content.description,
  categoryId: content.category?.id ?? null,
  taxCategory: content.taxCategory,
  images: content.images,
  status: content.status,
});

const AUDITED_PRODUCT_FIELDS = [
  'title',
  'description',
  'categoryId',
  'taxCategory',
  'images',
  'status',
] as const satisfies readonly (keyof ReturnType<typeof auditedProduct>)[];

const AUDITED_VARIANT_FIELDS = [
  'sku',
  'title',
  'options',
  'price',
  'weight_grams',
  'on_hand',
] as const satisfies readonly (keyof VariantView)[];

/**
 * Only the product's shop changes it. Others get 403 for what they may read (an active product of
 * a listed shop) and 404 for what they may not.
 */
function authorise(product: repo.ProductLockRow | undefined, caller: Caller): repo.ProductLockRow {
  if (!product) throw catalogErrors.error('product_not_found');
  if (caller.shop?.id === product.shopId) return product;
  if (product.status === 'active' && product.listed) {
    throw catalogErrors.error('not_product_shop');
  }
  throw catalogErrors.error('product_not_found');
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
  if (errors.length > 0) throw catalogErrors.error('sku_repeated', undefined, errors);
}

async function withSkuConflict<T>(insert: () => Promise<T>): Promise<T> {
  return renameUniqueViolation(insert, 'sku_taken');
}
