import { z } from 'zod';
import { MoneySchema, moneyInput } from '../../platform/money.js';
import { PageQuery, pageOf } from '../../platform/pagination.js';
import { periodQuery } from '../../platform/period.js';
import type { PromotionRow } from './promotions.repo.js';

const Code = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, - and _, up to 40')
  .describe('matched case-insensitively');
const Ids = z.array(z.string().min(1).max(64)).max(100);

export const PromotionScope = z.strictObject({
  shop_id: z.string().min(1).max(64).optional(),
  category_ids: Ids.optional().describe('these categories and their descendants'),
  product_ids: Ids.optional(),
});

export const Promotion = z.object({
  id: z.string(),
  code: z.string().nullable(),
  automatic: z.boolean(),
  type: z.enum(['percentage', 'fixed', 'free_shipping']),
  percent_bps: z.number().int().optional().describe('basis points: 1500 is 15%'),
  amount: MoneySchema.optional(),
  scope: z.object({
    shop_id: z.string().optional(),
    category_ids: z.array(z.string()).optional(),
    product_ids: z.array(z.string()).optional(),
  }),
  min_subtotal: MoneySchema.nullable(),
  starts_at: z.string(),
  ends_at: z.string().nullable(),
  usage_limit: z.number().int().nullable(),
  per_customer_limit: z.number().int().nullable(),
  used_count: z.number().int(),
  funded_by: z.enum(['platform', 'shop']),
  status: z.enum(['active', 'inactive']),
});
export type PromotionView = z.infer<typeof Promotion>;
export const PromotionList = pageOf(Promotion);
/** `?status=&from=&to=` (created in the period) with the usual `?limit=&cursor=`. */
export const PromotionListQuery = PageQuery.extend({
  status: z.enum(['active', 'inactive']).optional(),
  ...periodQuery,
});
export type PromotionListQuery = z.infer<typeof PromotionListQuery>;
export const PromotionParams = z.strictObject({ id: z.string().min(1).max(64) });

const Limit = z.number().int().min(1).max(1_000_000_000);

export const promotionBodies = (currency: string) => {
  const Amount = moneyInput(currency);
  const PromotionBody = z.strictObject({
    code: Code.optional(),
    automatic: z.boolean().optional().describe('applies to every cart it matches, without a code'),
    type: z.enum(['percentage', 'fixed', 'free_shipping']),
    percent_bps: z.number().int().min(1).max(10_000).optional(),
    amount: Amount.optional(),
    scope: PromotionScope.optional(),
    min_subtotal: Amount.nullable().optional(),
    starts_at: z.iso.datetime({ offset: true }).optional().describe('default: now'),
    ends_at: z.iso.datetime({ offset: true }).nullable().optional(),
    usage_limit: Limit.nullable().optional(),
    per_customer_limit: Limit.nullable().optional(),
    status: z.enum(['active', 'inactive']).optional(),
  });
  const PromotionPatch = z.strictObject({
    code: Code.optional(),
    percent_bps: z.number().int().min(1).max(10_000).optional(),
    amount: Amount.optional(),
    scope: PromotionScope.optional(),
    min_subtotal: Amount.nullable().optional(),
    starts_at: z.iso.datetime({ offset: true }).optional(),
    ends_at: z.iso.datetime({ offset: true }).nullable().optional(),
    usage_limit: Limit.nullable().optional(),
    per_customer_limit: Limit.nullable().optional(),
    status: z.enum(['active', 'inactive']).optional(),
  });
  return { PromotionBody, PromotionPatch };
};

export function presentPromotion(row: PromotionRow, currency: string): PromotionView {
  const scope: PromotionView['scope'] = {};
  if (row.shopId !== null) scope.shop_id = row.shopId;
  if (row.categoryIds.length > 0) scope.category_ids = row.categoryIds;
  if (row.productIds.length > 0) scope.product_ids = row.productIds;
  return {
    id: row.id,
    code: row.code,
    automatic: row.automatic,
    type: row.type,
    ...(row.percentBps !== null ? { percent_bps: row.percentBps } : {}),
    ...(row.amountMinor !== null ? { amount: { amount: row.amountMinor, currency } } : {}),
    scope,
    min_subtotal: row.minSubtotalMinor === null ? null : { amount: row.minSubtotalMinor, currency },
    starts_at: row.startsAt.toISOString(),
    ends_at: row.endsAt?.toISOString() ?? null,
    usage_limit: row.usageLimit,
    per_customer_limit: row.perCustomerLimit,
    used_count: row.usedCount,
    funded_by: row.fundedBy,
    status: row.status,
  };
}
