import type { Queryable } from '../../platform/db.js';

/** What cart and checkout need to know of a variant; the catalog provides it. */
export interface PurchasableVariant {
  variantId: string;
  productId: string;
  shopId: string;
  shopName: string;
  productTitle: string;
  variantTitle: string;
  sku: string;
  priceMinor: number;
  /** One unit's shipping weight. */
  weightGrams: number;
  currency: string;
  /** Active product of a listed shop: it may be bought. */
  purchasable: boolean;
}

export interface VariantDirectory {
  variants(db: Queryable, variantIds: readonly string[]): Promise<Map<string, PurchasableVariant>>;
}

/** The line title shown in carts and orders: the product, and the variant when it says more. */
export const lineTitle = (variant: Pick<PurchasableVariant, 'productTitle' | 'variantTitle'>): string =>
  variant.variantTitle && variant.variantTitle !== variant.productTitle
    ? `${variant.productTitle} — ${variant.variantTitle}`
    : variant.productTitle;
