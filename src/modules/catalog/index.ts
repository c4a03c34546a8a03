/**
 * Catalog: categories, products, variants and product images, full-text search and browsing.
 * Owns the tables categories, products, variants, product_images, catalog_shops (its projection of
 * identity's shops, kept by identity's shop listener), catalog_rating_totals and catalog_words.
 * Stock is inventory's: read live through inventory, never cached.
 */
export { catalogErrors } from './catalog.errors.js';
export { catalogEvents } from './catalog.events.js';
export { catalogRoutes } from './catalog.routes.js';
export { IdParams, ProductSummary, type ProductSummaryView, RatingDetail } from './catalog.schemas.js';
export { type CatalogDeps, CatalogService } from './catalog.service.js';
export { catalogCategoryTree } from './category-tree.js';
export type { ProductViewRecorder } from './product-reads.service.js';
export type { ImportedProduct, IssuedMedia } from './product-writes.service.js';
export { catalogVariantDirectory } from './purchasable-variants.js';
