import type { SQL } from 'drizzle-orm';
import type { PlannedStatement, Queryable } from '../../platform/db.js';

/** What cart and checkout need to know of a variant; the catalog provides it. */
export interface PurchasableVariant {
  variantId: string;
  productId: string;
  /** The product's category (promotions may be scoped by it). */
  categoryId: string | null;
  shopId: string;
  shopName: string;
  productTitle: string;
  variantTitle: string;
  sku: string;
  priceMinor: number;
  /** One unit's shipping weight. */
  weightGrams: number;
  /** The product's tax category (null: the general rate of the place). */
  taxCategory: string | null;
  currency: string;
  /** Active product of a listed shop: it may be bought. */
  purchasable: boolean;
  /** Why it may not be bought (null when it may): the cart tells the buyer. */
  unavailableReason: UnavailableReason | null;
}

/** Why a cart line cannot be bought now. */
export const UNAVAILABLE_REASONS = {
  product_unavailable: 'the product is no longer sold',
  shop_not_active: 'the shop is not open for business',
  shop_on_vacation: 'the shop is on vacation',
  seller_suspended: 'the seller is suspended',
  price_over_limit: 'the price is over what the marketplace accepts',
} as const;
export type UnavailableReason = keyof typeof UNAVAILABLE_REASONS;

export interface VariantDirectory {
  variants(db: Queryable, variantIds: readonly string[]): Promise<Map<string, PurchasableVariant>>;
  /** What variants reads, for a caller reading it with other modules' reads at once. */
  variantsRead(variantIds: readonly string[]): PlannedStatement<Map<string, PurchasableVariant>>;
  /** The shops of these variants, as a subquery for another module's statement. */
  shopsOfVariantsSql(variantIds: readonly string[]): SQL;
}

/** The line title shown in carts and orders: the product, and the variant when it says more. */
export const lineTitle = (variant: Pick<PurchasableVariant, 'productTitle' | 'variantTitle'>): string =>
  variant.variantTitle && variant.variantTitle !== variant.productTitle
    ? `${variant.productTitle} — ${variant.variantTitle}`
    : variant.productTitle;
