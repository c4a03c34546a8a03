import type { PlannedStatement, Queryable } from '../../platform/db.js';
import type { PurchasableVariant, VariantDirectory } from '../cart/index.js';
import { findVariantsForSale, shopsOfVariantsSql, variantsForSaleStatement } from './product-reads.repo.js';

const byId = (rows: readonly PurchasableVariant[]) => new Map(rows.map((row) => [row.variantId, row]));

/** The catalog as cart and checkout see it: price, titles and whether a variant is for sale. */
export const catalogVariantDirectory: VariantDirectory = {
  async variants(db: Queryable, variantIds: readonly string[]): Promise<Map<string, PurchasableVariant>> {
    return byId(await findVariantsForSale(db, variantIds));
  },
  variantsRead: (variantIds): PlannedStatement<Map<string, PurchasableVariant>> => ({
    statement: variantsForSaleStatement(variantIds),
    // Every column is text, a number or a boolean: its JSON is the row.
    answer: (rows) => byId(rows as unknown as PurchasableVariant[]),
  }),
  shopsOfVariantsSql,
};
