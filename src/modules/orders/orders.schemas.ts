import { z } from 'zod';
import { MoneySchema, money, moneyInput } from '../../platform/money.js';
import { CreatedPosition, PageQuery } from '../../platform/pagination.js';
import { Payment, Refund, type RefundView } from '../payments/index.js';
import type { OrderItemRow, OrderRow } from './orders.repo.js';
import { ORDER_STATUSES } from './orders.state.js';

const line = (max: number) => z.string().trim().min(1).max(max);

export const ShippingAddressSchema = z.strictObject({
  name: line(200),
  line1: line(200),
  line2: z.string().trim().max(200).optional(),
  city: line(100),
  postal_code: line(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as US'),
});

/**
 * `expected_total`: the total the buyer was shown (the cart's subtotal, or the quote's total), so
 * a price that changed in between is refused rather than charged silently.
 */
export const checkoutBody = (currency: string) =>
  z.strictObject({
    shipping_address: ShippingAddressSchema,
    expected_total: moneyInput(currency, 0).optional(),
  });

export const ShipBody = z.strictObject({ carrier: line(100), tracking_number: line(100) });

export const OrderParams = z.strictObject({ id: z.string().min(1).max(64) });

export const OrderListQuery = PageQuery.extend({ status: z.enum(ORDER_STATUSES).optional() }).strict();

export const OrderCursor = CreatedPosition;

/**
 * `restock_items`: units that come back. Before the order ships their reservation is released
 * (they leave the shipment); after, they go back on hand.
 */
export const refundBody = (currency: string) =>
  z.strictObject({
    amount: moneyInput(currency),
    reason: line(500),
    restock_items: z
      .array(
        z.strictObject({
          order_item_id: z.string().min(1).max(64),
          quantity: z.number().int().min(1).max(10_000),
        }),
      )
      .max(100)
      .optional(),
  });

export const OrderItem = z.object({
  id: z.string(),
  variant_id: z.string(),
  product_id: z.string(),
  title: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  unit_price: MoneySchema,
  line_total: MoneySchema,
  review_id: z.string().nullable(),
  reviewable: z.boolean(),
});

export const Order = z.object({
  id: z.string(),
  number: z.string(),
  status: z.enum(ORDER_STATUSES),
  buyer_id: z.string(),
  shop: z.object({ id: z.string(), name: z.string() }),
  items: z.array(OrderItem),
  subtotal: MoneySchema,
  total: MoneySchema,
  refunded: MoneySchema,
  refunds: z.array(Refund),
  currency: z.string(),
  shipping_address: ShippingAddressSchema,
  shipment: z.object({ carrier: z.string(), tracking_number: z.string() }).nullable(),
  payment_id: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  paid_at: z.string().nullable(),
  shipped_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
});
export type OrderView = z.infer<typeof Order>;

export const CheckoutAnswer = z.object({ id: z.string(), orders: z.array(Order), payment: Payment });

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function presentOrder(
  order: OrderRow,
  items: readonly OrderItemRow[],
  refunds: readonly RefundView[],
  /** The review of each reviewed item, by order item id. */
  reviewIds: ReadonlyMap<string, string> = new Map(),
): OrderView {
  return {
    id: order.id,
    number: String(order.number),
    status: order.status,
    buyer_id: order.buyerId,
    shop: { id: order.shopId, name: order.shopName },
    items: items.map((item) => ({
      id: item.id,
      variant_id: item.variantId,
      product_id: item.productId,
      title: item.title,
      sku: item.sku,
      quantity: item.quantity,
      unit_price: money(item.unitPriceAmount, order.currency),
      line_total: money(item.lineTotalAmount, order.currency),
      review_id: reviewIds.get(item.id) ?? null,
      reviewable: order.status === 'delivered' && !reviewIds.has(item.id),
    })),
    subtotal: money(order.subtotalAmount, order.currency),
    total: money(order.totalAmount, order.currency),
    refunded: money(order.refundedAmount, order.currency),
    refunds: [...refunds],
    currency: order.currency,
    shipping_address: order.shippingAddress,
    shipment:
      order.carrier && order.trackingNumber
        ? { carrier: order.carrier, tracking_number: order.trackingNumber }
        : null,
    payment_id: order.paymentId,
    created_at: order.createdAt.toISOString(),
    expires_at: order.expiresAt.toISOString(),
    paid_at: iso(order.paidAt),
    shipped_at: iso(order.shippedAt),
    delivered_at: iso(order.deliveredAt),
    cancelled_at: iso(order.cancelledAt),
  };
}
