import type { Queryable } from '../../platform/db.js';
import type { PurchasableVariant, VariantDirectory } from '../cart/index.js';
import { findVariantsForSale } from './product-reads.repo.js';

/** The catalog as cart and checkout see it: price, titles and whether a variant is for sale. */
export const catalogVariantDirectory: VariantDirectory = {
  async variants(db: Queryable, variantIds: readonly string[]): Promise<Map<string, PurchasableVariant>> {
    const rows = await findVariantsForSale(db, variantIds);
    return new Map(rows.map((row) => [row.variantId, row]));
  },
};
