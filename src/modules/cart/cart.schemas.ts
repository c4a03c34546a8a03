import { z } from 'zod';
import { MoneySchema } from '../../platform/money.js';
import { UNAVAILABLE_REASONS, type UnavailableReason } from './variant-directory.js';

export const AddItemBody = z.strictObject({
  variant_id: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(99),
});

export const ChangeItemBody = z.strictObject({ quantity: z.number().int().min(1).max(99) });

export const ItemParams = z.strictObject({ id: z.string().min(1).max(64) });

export const CartItem = z.object({
  id: z.string(),
  variant_id: z.string(),
  product_id: z.string(),
  /** The shop that sells it: checkout makes one order per shop (an extension of the contract). */
  shop: z.object({ id: z.string(), name: z.string() }),
  title: z.string(),
  quantity: z.number().int(),
  unit_price: MoneySchema,
  line_total: MoneySchema,
  /** What the promotions take off the line (before tax): the line's share of their amounts. */
  discount: MoneySchema,
  /** The variant's current stock. */
  available: z.number().int(),
  /** False while the product's shop is not listed or the product is archived: checkout refuses it. */
  purchasable: z.boolean(),
  /** Why the line is not purchasable (null when it is). */
  unavailable_reason: z
    .enum(Object.keys(UNAVAILABLE_REASONS) as [UnavailableReason, ...UnavailableReason[]])
    .nullable(),
});
export type CartItemView = z.infer<typeof CartItem>;

export const AppliedPromotion = z.object({
  id: z.string(),
  code: z.string().nullable(),
  amount: MoneySchema.describe('what it takes off'),
  funded_by: z.enum(['platform', 'shop']),
});

export const Cart = z.object({
  id: z.string(),
  items: z.array(CartItem),
  subtotal: MoneySchema,
  /** The promotions that apply to the merchandise (free shipping shows at the quote, with an address). */
  promotions: z.array(AppliedPromotion),
  discount_total: MoneySchema,
});
export type CartView = z.infer<typeof Cart>;

export const PromotionCodeBody = z.strictObject({ code: z.string().trim().min(1).max(40) });
export const PromotionCodeParams = z.strictObject({ code: z.string().min(1).max(40) });

export const GuestCart = z.object({
  cart_token: z
    .string()
    .describe(
      'Send as Bazaar-Cart-Token; shown once. Lives 30 days from its last use, and ends when merged at sign-in.',
    ),
});
