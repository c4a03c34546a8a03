import { z } from 'zod';
import { MoneySchema, money, moneyInput } from '../../platform/money.js';
import { CreatedPosition, PageQuery } from '../../platform/pagination.js';
import { periodQuery } from '../../platform/period.js';
import { CartItem } from '../cart/index.js';
import { Payment, Refund, type RefundView } from '../payments/index.js';
import { AddressFieldsSchema } from '../shipping/index.js';
import type { OrderItemRow, OrderRow, ShipmentRow } from './orders.repo.js';
import { ORDER_STATUSES } from './orders.state.js';

const line = (max: number) => z.string().trim().min(1).max(max);

export const ShippingAddressSchema = AddressFieldsSchema;

const Id = z.string().min(1).max(64);

/**
 * The address is `shipping_address` or a saved `address_id`, exactly one. `shipping_options`
 * chooses an option per shop id (else the cheapest that applies). `expected_total`: the total the
 * buyer was shown (the quote's top-level total), so a price that changed in between is refused
 * rather than charged silently. `email`: where a guest's confirmation goes (a guest checkout needs
 * it; a signed-in buyer's orders go to the account's address, and it is ignored).
 */
export const checkoutBody = (currency: string) =>
  z
    .strictObject({
      email: z.email().max(254).optional(),
      shipping_address: ShippingAddressSchema.optional(),
      address_id: Id.optional(),
      shipping_options: z.record(Id, Id).optional(),
      expected_total: moneyInput(currency, 0).optional(),
    })
    .superRefine((body, context) => {
      if ((body.shipping_address === undefined) === (body.address_id === undefined))
        context.addIssue({
          code: 'custom',
          path: ['shipping_address'],
          message: 'give exactly one of shipping_address and address_id',
        });
      if (body.shipping_options && Object.keys(body.shipping_options).length > 100)
        context.addIssue({ code: 'custom', path: ['shipping_options'], message: 'at most 100 shops' });
    });

export const ShipBody = z.strictObject({ carrier: line(100), tracking_number: line(100) });

export const ShipmentBody = z.strictObject({
  carrier: line(100),
  tracking_number: line(100),
  items: z
    .array(z.strictObject({ order_item_id: Id, quantity: z.number().int().min(1).max(10_000) }))
    .min(1)
    .max(100)
    .optional(),
});

export const Shipment = z.object({
  id: z.string(),
  carrier: z.string(),
  tracking_number: z.string(),
  items: z.array(z.object({ order_item_id: z.string(), quantity: z.number().int() })),
  shipped_at: z.string(),
});
export type ShipmentView = z.infer<typeof Shipment>;

export const presentShipment = (row: ShipmentRow): ShipmentView => ({
  id: row.id,
  carrier: row.carrier,
  tracking_number: row.trackingNumber,
  items: row.items,
  shipped_at: row.shippedAt.toISOString(),
});

/** What `shipment.created.v1` carries: the parcel, and whose order it is part of. */
export const ShipmentEvent = Shipment.extend({
  order_id: z.string(),
  order_number: z.string(),
  buyer_id: z.string(),
  shop_id: z.string(),
});

const ShippingChoice = z.object({
  option_id: z.string(),
  name: z.string(),
  amount: MoneySchema,
  min_days: z.number().int(),
  max_days: z.number().int(),
});

const OrderPromotionSchema = z.object({
  id: z.string(),
  code: z.string().nullable(),
  amount: MoneySchema,
  funded_by: z.enum(['platform', 'shop']),
});

export const Quote = z.object({
  currency: z.string(),
  shops: z.array(
    z.object({
      shop: z.object({ id: z.string(), name: z.string() }),
      items: z.array(CartItem),
      subtotal: MoneySchema,
      /** The options that apply to the address, with what each would charge. */
      shipping_options: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          amount: MoneySchema,
          min_days: z.number().int(),
          max_days: z.number().int(),
        }),
      ),
      shipping: ShippingChoice.nullable(),
      discount_total: MoneySchema,
      tax_total: MoneySchema,
      total: MoneySchema,
    }),
  ),
  subtotal: MoneySchema,
  shipping_total: MoneySchema,
  discount_total: MoneySchema,
  tax_total: MoneySchema,
  total: MoneySchema,
  promotions: z.array(OrderPromotionSchema),
  problems: z.array(
    z.object({
      code: z.string(),
      shop_id: z.string().optional(),
      variant_id: z.string().optional(),
      /** The cart's code that stopped applying (`code` promotion_not_applicable). */
      promotion_code: z.string().optional(),
      reason: z.string().optional(),
      detail: z.string(),
    }),
  ),
});
export type QuoteView = z.infer<typeof Quote>;

export const OrderParams = z.strictObject({ id: z.string().min(1).max(64) });

export const OrderListQuery = PageQuery.extend({ status: z.enum(ORDER_STATUSES).optional() }).strict();
export const AdminOrderListQuery = OrderListQuery.extend({
  shop: z.string().trim().min(1).max(64).optional().describe("the shop's id"),
  buyer: z.string().trim().min(1).max(64).optional().describe("the buyer's user id"),
  ...periodQuery,
}).strict();

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
  /** The line's tax, at the rate of its place and category when it was ordered. */
  tax: MoneySchema,
  tax_rate_bps: z.number().int(),
  /** The line's discount: the tax is on the line total less it. */
  discount: MoneySchema,
  review_id: z.string().nullable(),
  reviewable: z.boolean(),
});

export const Order = z.object({
  id: z.string(),
  number: z.string(),
  status: z.enum(ORDER_STATUSES),
  /** Null for a guest's order (until a user proves its guest_email). */
  buyer_id: z.string().nullable(),
  /** The address a guest checked out with; null for a user's order. */
  guest_email: z.string().nullable(),
  shop: z.object({ id: z.string(), name: z.string() }),
  items: z.array(OrderItem),
  subtotal: MoneySchema,
  shipping_total: MoneySchema,
  discount_total: MoneySchema,
  tax_total: MoneySchema,
  total: MoneySchema,
  /** What each promotion took off this order. */
  promotions: z.array(OrderPromotionSchema),
  refunded: MoneySchema,
  refunds: z.array(Refund),
  currency: z.string(),
  shipping_address: ShippingAddressSchema,
  /** The shipping option charged, as it was at checkout; null when the shop shipped free without options. */
  shipping: ShippingChoice.nullable(),
  /** The first parcel's carrier and tracking number. */
  shipment: z.object({ carrier: z.string(), tracking_number: z.string() }).nullable(),
  shipments: z.array(Shipment),
  payment_id: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  paid_at: z.string().nullable(),
  shipped_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
});
export type OrderView = z.infer<typeof Order>;

export const CheckoutAnswer = z.object({
  id: z.string(),
  orders: z.array(Order),
  payment: Payment,
  order_token: z
    .string()
    .optional()
    .describe(
      "A guest checkout's token (send as Bazaar-Order-Token) to read and cancel its orders and confirm its payment; shown once",
    ),
});

/**
 * The buyer id order events carry for a guest's order: they publish `buyer_id` as a string (a
 * `.v1` field may not become nullable), so a guest is named by its checkout, one id per checkout.
 */
export const guestBuyerId = (checkoutId: string) => `gst_${checkoutId}`;

/** An order's event data: the API's view, with a guest named by `guestBuyerId`. */
export const orderEventData = (view: OrderView, order: Pick<OrderRow, 'checkoutId'>) => ({
  ...view,
  buyer_id: view.buyer_id ?? guestBuyerId(order.checkoutId),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function presentOrder(
  order: OrderRow,
  items: readonly OrderItemRow[],
  refunds: readonly RefundView[],
  /** The review of each reviewed item, by order item id. */
  reviewIds: ReadonlyMap<string, string> = new Map(),
  shipments: readonly ShipmentRow[] = [],
): OrderView {
  return {
    id: order.id,
    number: String(order.number),
    status: order.status,
    buyer_id: order.buyerId,
    guest_email: order.buyerId === null ? order.guestEmail : null,
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
      tax: money(item.taxAmount, order.currency),
      tax_rate_bps: item.taxRateBps,
      discount: money(item.discountAmount, order.currency),
      review_id: reviewIds.get(item.id) ?? null,
      reviewable: order.status === 'delivered' && !reviewIds.has(item.id),
    })),
    subtotal: money(order.subtotalAmount, order.currency),
    shipping_total: money(order.shippingTotalAmount, order.currency),
    discount_total: money(order.discountTotalAmount, order.currency),
    tax_total: money(order.taxTotalAmount, order.currency),
    total: money(order.totalAmount, order.currency),
    promotions: order.promotions.map((p) => ({
      id: p.id,
      code: p.code,
      amount: money(p.amount, order.currency),
      funded_by: p.funded_by,
    })),
    refunded: money(order.refundedAmount, order.currency),
    refunds: [...refunds],
    currency: order.currency,
    shipping_address: order.shippingAddress,
    shipping: order.shipping && { ...order.shipping, amount: money(order.shipping.amount, order.currency) },
    shipment:
      order.carrier && order.trackingNumber
        ? { carrier: order.carrier, tracking_number: order.trackingNumber }
        : null,
    shipments: shipments.map(presentShipment),
    payment_id: order.paymentId,
    created_at: order.createdAt.toISOString(),
    expires_at: order.expiresAt.toISOString(),
    paid_at: iso(order.paidAt),
    shipped_at: iso(order.shippedAt),
    delivered_at: iso(order.deliveredAt),
    cancelled_at: iso(order.cancelledAt),
  };
}
