import type { SQL } from 'drizzle-orm';
import { type PlannedStatement, type Queryable, sql, sqlArray } from '../../platform/db.js';
import { keysetTime } from '../../platform/pagination.js';
import type { AddressFields } from '../shipping/index.js';
import type { OrderStatus } from './orders.state.js';

export type ShippingAddress = AddressFields;

/** The shipping option as it was when the order was placed: later changes never reach the order. */
export interface ShippingSnapshot {
  option_id: string;
  name: string;
  amount: number;
  min_days: number;
  max_days: number;
}

export interface OrderRow {
  id: string;
  number: number;
  checkoutId: string;
  /** Null while the order is a guest's (until a user proves `guestEmail`). */
  buyerId: string | null;
  guestEmail: string | null;
  /** The SHA-256 of the guest checkout's order token. */
  orderTokenHash: Uint8Array | null;
  shopId: string;
  shopName: string;
  status: OrderStatus;
  currency: string;
  subtotalAmount: number;
  shippingTotalAmount: number;
  discountTotalAmount: number;
  taxTotalAmount: number;
  /** The shipping's part of the tax total. */
  shippingTaxAmount: number;
  totalAmount: number;
  refundedAmount: number;
  /** What card disputes hold (open) or took (lost) of the order: never refundable on top. */
  disputedAmount: number;
  shippingAddress: ShippingAddress;
  shipping: ShippingSnapshot | null;
  promotions: OrderPromotion[];
  carrier: string | null;
  trackingNumber: string | null;
  paymentId: string;
  expired: boolean;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  paidAt: Date | null;
  shippedAt: Date | null;
  lastShippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
}

export interface OrderItemRow {
  id: string;
  orderId: string;
  variantId: string;
  productId: string;
  title: string;
  sku: string;
  quantity: number;
  unitPriceAmount: number;
  lineTotalAmount: number;
  taxAmount: number;
  taxRateBps: number;
  /** The line's discount (the tax is on the line total less it). */
  discountAmount: number;
  /** Units taken back out of the order by refunds (released before shipping, restocked after). */
  restockedQuantity: number;
  shippedQuantity: number;
}

export interface ShipmentRow {
  id: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  items: { order_item_id: string; quantity: number }[];
  shippedAt: Date;
}

export interface NewOrder {
  id: string;
  checkoutId: string;
  buyerId: string | null;
  guestEmail: string | null;
  orderTokenHash: Buffer | null;
  shopId: string;
  shopName: string;
  currency: string;
  subtotalAmount: number;
  shippingTotalAmount: number;
  discountTotalAmount: number;
  taxTotalAmount: number;
  shippingTaxAmount: number;
  totalAmount: number;
  shippingAddress: ShippingAddress;
  shipping: ShippingSnapshot | null;
  promotions: OrderPromotion[];
  paymentId: string;
  expiresAt: Date;
}

/** What one promotion took off an order, snapshotted at checkout (minor units). */
export interface OrderPromotion {
  id: string;
  code: string | null;
  amount: number;
  funded_by: 'platform' | 'shop';
  /** The amount is waived shipping (a free-shipping promotion), not a merchandise discount. */
  free_shipping?: boolean;
}

const ORDER_COLUMNS = sql`id, number, checkout_id AS "checkoutId", buyer_id AS "buyerId",
  guest_email AS "guestEmail", order_token_hash AS "orderTokenHash", shop_id AS "shopId",
  shop_name AS "shopName", status, currency, subtotal_amount AS "subtotalAmount",
  shipping_total_amount AS "shippingTotalAmount", discount_total_amount AS "discountTotalAmount",
  tax_total_amount AS "taxTotalAmount", shipping_tax_amount AS "shippingTaxAmount", total_amount AS "totalAmount", refunded_amount AS "refundedAmount",
  disputed_amount AS "disputedAmount",
  shipping_address AS "shippingAddress", shipping, promotions, last_shipped_at AS "lastShippedAt", carrier,
  tracking_number AS "trackingNumber", payment_id AS "paymentId", expired, created_at AS "createdAt",
  updated_at AS "updatedAt", expires_at AS "expiresAt", paid_at AS "paidAt", shipped_at AS "shippedAt",
  delivered_at AS "deliveredAt", cancelled_at AS "cancelledAt"`;

const ITEM_COLUMNS = sql`id, order_id AS "orderId", variant_id AS "variantId", product_id AS "productId", title, sku,
  quantity, unit_price_amount AS "unitPriceAmount", line_total_amount AS "lineTotalAmount",
  tax_amount AS "taxAmount", tax_rate_bps AS "taxRateBps", discount_amount AS "discountAmount", restocked_quantity AS "restockedQuantity", shipped_quantity AS "shippedQuantity"`;

/**
 * Inserts a checkout's orders and their items, and `alongside` (another module's insert: the
 * checkout's payment), in one statement whatever their number: the items and `alongside` are
 * data-modifying CTEs (foreign keys are checked at the end of the statement, when every row is
 * there). Answers the orders, and what `alongside` answers from its row.
 */
export async function insertOrders<Alongside>(
  db: Queryable,
  orders: NewOrder[],
  items: OrderItemRow[],
  alongside: PlannedStatement<Alongside>,
): Promise<{ orders: OrderRow[]; alongside: Alongside }> {
  const rows = await db.query<OrderRow & { alongside: Record<string, unknown> }>(
    sql`
    WITH alongside AS (${alongside.statement}), items AS (
    INSERT INTO order_items (id, order_id, variant_id, product_id, title, sku, quantity, unit_price_amount,
                             line_total_amount, tax_amount, tax_rate_bps, discount_amount)
    SELECT i.id, i.order_id, i.variant_id, i.product_id, i.title, i.sku, i.quantity, i.unit_price_amount,
           i.line_total_amount, i.tax_amount, i.tax_rate_bps, i.discount_amount
    FROM jsonb_to_recordset(${JSON.stringify(
      items.map((i) => ({
        id: i.id,
        order_id: i.orderId,
        variant_id: i.variantId,
        product_id: i.productId,
        title: i.title,
        sku: i.sku,
        quantity: i.quantity,
        unit_price_amount: i.unitPriceAmount,
        line_total_amount: i.lineTotalAmount,
        tax_amount: i.taxAmount,
        tax_rate_bps: i.taxRateBps,
        discount_amount: i.discountAmount,
      })),
    )}::jsonb) AS i(id text, order_id text, variant_id text, product_id text, title text, sku text, quantity int,
                    unit_price_amount bigint, line_total_amount bigint, tax_amount bigint, tax_rate_bps int,
                    discount_amount bigint)
    ), placed AS (
    INSERT INTO orders (id, checkout_id, buyer_id, guest_email, order_token_hash, shop_id, shop_name, status, currency, subtotal_amount,
                        shipping_total_amount, discount_total_amount, tax_total_amount, shipping_tax_amount,
                        total_amount, shipping_address, shipping, promotions, payment_id, expires_at)
    SELECT o.id, o.checkout_id, o.buyer_id, o.guest_email, decode(o.order_token_hash, 'hex'), o.shop_id, o.shop_name, 'pending_payment', o.currency, o.subtotal_amount,
           o.shipping_total_amount, o.discount_total_amount, o.tax_total_amount, o.shipping_tax_amount, o.total_amount,
           o.shipping_address, o.shipping, o.promotions, o.payment_id, o.expires_at
    FROM jsonb_to_recordset(${JSON.stringify(
      orders.map((o) => ({
        id: o.id,
        checkout_id: o.checkoutId,
        buyer_id: o.buyerId,
        guest_email: o.guestEmail,
        order_token_hash: o.orderTokenHash?.toString('hex') ?? null,
        shop_id: o.shopId,
        shop_name: o.shopName,
        currency: o.currency,
        subtotal_amount: o.subtotalAmount,
        shipping_total_amount: o.shippingTotalAmount,
        discount_total_amount: o.discountTotalAmount,
        tax_total_amount: o.taxTotalAmount,
        shipping_tax_amount: o.shippingTaxAmount,
        total_amount: o.totalAmount,
        shipping_address: o.shippingAddress,
        shipping: o.shipping,
        promotions: o.promotions,
        payment_id: o.paymentId,
        expires_at: o.expiresAt.toISOString(),
      })),
    )}::jsonb) AS o(id text, checkout_id text, buyer_id text, guest_email text, order_token_hash text, shop_id text, shop_name text, currency text,
                    subtotal_amount bigint, shipping_total_amount bigint, discount_total_amount bigint,
                    tax_total_amount bigint, shipping_tax_amount bigint, total_amount bigint, shipping_address jsonb, shipping jsonb,
                    promotions jsonb, payment_id text, expires_at timestamptz)
    RETURNING ${ORDER_COLUMNS}
    )
    SELECT placed.*, (SELECT row_to_json(a) FROM alongside a) AS alongside FROM placed`,
    { prepareShapesAs: 'orders_insert' },
  );
  return {
    orders: rows.map(({ alongside: _, ...order }) => order),
    alongside: alongside.answer(rows.slice(0, 1).map((row) => row.alongside)),
  };
}

export async function findOrder(db: Queryable, id: string, lock = false): Promise<OrderRow | undefined> {
  const [row] = await db.query<OrderRow>(
    lock
      ? sql`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ${id} FOR UPDATE`
      : sql`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ${id}`,
  );
  return row;
}

export async function findOrders(db: Queryable, ids: readonly string[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  return db.query<OrderRow>(
    sql`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY(${sqlArray(ids)}::text[]) ORDER BY id`,
  );
}

export async function findItems(db: Queryable, orderIds: readonly string[]): Promise<OrderItemRow[]> {
  if (orderIds.length === 0) return [];
  return db.query<OrderItemRow>(
    sql`SELECT ${ITEM_COLUMNS} FROM order_items WHERE order_id = ANY(${sqlArray(orderIds)}::text[]) ORDER BY order_id, id`,
  );
}

export type TimestampColumn = 'paid_at' | 'shipped_at' | 'delivered_at' | 'cancelled_at';

/**
 * Moves orders to `to` only from one of `from`, stamping `stamp`: of two racing transitions (an
 * expiry and a cancel, two webhooks) exactly one changes the row; the other gets nothing back.
 */
export async function transitionOrders(
  db: Queryable,
  ids: readonly string[],
  change: {
    from: readonly OrderStatus[];
    to: OrderStatus;
    stamp?: TimestampColumn;
    expired?: boolean;
    dueBefore?: 'expires_at';
    /** A parcel left: the first one is the order's `shipment`; the last one dates auto-delivery. */
    shipment?: { carrier: string; trackingNumber: string };
  },
): Promise<OrderRow[]> {
  const stamp = change.stamp ? sql`, ${sql.identifier(change.stamp)} = now()` : sql``;
  const shipment = change.shipment
    ? sql`, carrier = coalesce(carrier, ${change.shipment.carrier}),
        tracking_number = coalesce(tracking_number, ${change.shipment.trackingNumber}), last_shipped_at = now()`
    : sql``;
  const expired = change.expired ? sql`, expired = true` : sql``;
  const due = change.dueBefore ? sql` AND expires_at <= now()` : sql``;
  return db.query<OrderRow>(sql`
    UPDATE orders SET status = ${change.to}, updated_at = now()${stamp}${shipment}${expired}
    WHERE id = ANY(${sqlArray(ids)}::text[]) AND status = ANY(${sqlArray(change.from)}::text[])${due}
    RETURNING ${ORDER_COLUMNS}`);
}

/**
 * Raises the refunded amount, never beyond the total less what card disputes hold or took (the check
 * and the write are one statement; a CHECK constraint backs it). With `completes`, an order refunded
 * in full becomes `refunded`.
 */
export async function addRefunded(
  db: Queryable,
  id: string,
  amount: number,
  completes: boolean,
): Promise<OrderRow | undefined> {
  const [row] = await db.query<OrderRow>(sql`
    UPDATE orders
    SET refunded_amount = refunded_amount + ${amount},
        status = CASE WHEN ${completes} AND refunded_amount + ${amount} = total_amount THEN 'refunded' ELSE status END,
        updated_at = now()
    WHERE id = ${id} AND refunded_amount + disputed_amount + ${amount} <= total_amount
    RETURNING ${ORDER_COLUMNS}`);
  return row;
}

/** Orders held for the caller's transaction, in id order (so two holders never deadlock). */
export async function lockOrders(db: Queryable, ids: readonly string[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  return db.query<OrderRow>(
    sql`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY(${sqlArray(ids)}::text[]) ORDER BY id FOR UPDATE`,
  );
}

/**
 * Moves the disputed amount by `delta`, never below zero nor with refunds beyond the total; answers
 * whether it moved.
 */
export async function addDisputed(db: Queryable, id: string, delta: number): Promise<boolean> {
  const changed = await db.execute(sql`
    UPDATE orders SET disputed_amount = disputed_amount + ${delta}, updated_at = now()
    WHERE id = ${id} AND disputed_amount + ${delta} >= 0
      AND refunded_amount + disputed_amount + ${delta} <= total_amount`);
  return changed === 1;
}

/** The order's money arrived (a payment that succeeded after the order was cancelled). */
export async function stampPaid(db: Queryable, id: string): Promise<OrderRow | undefined> {
  const [row] = await db.query<OrderRow>(sql`
    UPDATE orders SET paid_at = coalesce(paid_at, now()), updated_at = now() WHERE id = ${id}
    RETURNING ${ORDER_COLUMNS}`);
  return row;
}

/** Takes units back out of an order's items, never more than each item has left. Answers the items changed. */
export async function addRestocked(
  db: Queryable,
  orderId: string,
  lines: readonly { itemId: string; quantity: number }[],
): Promise<number> {
  return db.execute(sql`
    UPDATE order_items i SET restocked_quantity = i.restocked_quantity + line.quantity
    FROM unnest(${sqlArray(lines.map((l) => l.itemId))}::text[], ${sqlArray(lines.map((l) => l.quantity))}::int[])
      AS line(item_id, quantity)
    WHERE i.id = line.item_id AND i.order_id = ${orderId} AND i.restocked_quantity + line.quantity <= i.quantity`);
}

/**
 * Ships units of an order's items, never more than each has left (quantity − shipped − taken back):
 * the check and the write are one statement. Answers the items changed.
 */
export async function addShipped(
  db: Queryable,
  orderId: string,
  lines: readonly { itemId: string; quantity: number }[],
): Promise<number> {
  return db.execute(sql`
    UPDATE order_items i SET shipped_quantity = i.shipped_quantity + line.quantity
    FROM unnest(${sqlArray(lines.map((l) => l.itemId))}::text[], ${sqlArray(lines.map((l) => l.quantity))}::int[])
      AS line(item_id, quantity)
    WHERE i.id = line.item_id AND i.order_id = ${orderId}
      AND i.shipped_quantity + i.restocked_quantity + line.quantity <= i.quantity`);
}

const SHIPMENT_COLUMNS = sql`id, order_id AS "orderId", carrier, tracking_number AS "trackingNumber", items,
  shipped_at AS "shippedAt"`;

export async function insertShipment(
  db: Queryable,
  shipment: Omit<ShipmentRow, 'shippedAt'>,
): Promise<ShipmentRow> {
  const [row] = await db.query<ShipmentRow>(sql`
    INSERT INTO shipments (id, order_id, carrier, tracking_number, items)
    VALUES (${shipment.id}, ${shipment.orderId}, ${shipment.carrier}, ${shipment.trackingNumber},
            ${JSON.stringify(shipment.items)}::jsonb)
    RETURNING ${SHIPMENT_COLUMNS}`);
  return row!;
}

/** The orders' parcels, oldest first. */
export async function findShipments(db: Queryable, orderIds: readonly string[]): Promise<ShipmentRow[]> {
  if (orderIds.length === 0) return [];
  return db.query<ShipmentRow>(sql`
    SELECT ${SHIPMENT_COLUMNS} FROM shipments WHERE order_id = ANY(${sqlArray(orderIds)}::text[])
    ORDER BY order_id, shipped_at, id`);
}

export interface OrderListFilter {
  buyerId?: string | undefined;
  shopId?: string | undefined;
  status?: OrderStatus | undefined;
  /** Placed at or after. */
  from?: Date | undefined;
  /** Placed before. */
  to?: Date | undefined;
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listOrders(
  db: Queryable,
  filter: OrderListFilter,
): Promise<(OrderRow & { createdKey: string })[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.buyerId !== undefined) conditions.push(sql`buyer_id = ${filter.buyerId}`);
  if (filter.shopId !== undefined) conditions.push(sql`shop_id = ${filter.shopId}`);
  if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
  if (filter.from !== undefined)
    conditions.push(sql`created_at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to !== undefined) conditions.push(sql`created_at < ${filter.to.toISOString()}::timestamptz`);
  if (filter.after !== undefined) {
    conditions.push(sql`(created_at, id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id})`);
  }
  return db.query<OrderRow & { createdKey: string }>(sql`
    SELECT ${ORDER_COLUMNS}, ${keysetTime(sql`created_at`)} AS "createdKey" FROM orders
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${filter.limit + 1}`);
}

/**
 * Guest orders placed with `email` (compared case-insensitively) become the user's; answers their
 * payments. Orders claimed before are left as they are.
 */
export async function claimGuestOrders(db: Queryable, userId: string, email: string): Promise<string[]> {
  const rows = await db.query<{ paymentId: string }>(sql`
    UPDATE orders SET buyer_id = ${userId}, updated_at = now()
    WHERE buyer_id IS NULL AND lower(guest_email) = lower(${email})
    RETURNING payment_id AS "paymentId"`);
  return [...new Set(rows.map((row) => row.paymentId))];
}

export interface ReviewableItemRow {
  orderItemId: string;
  productId: string;
  shopId: string;
  orderStatus: OrderStatus;
}

/** A buyer's order item with its order's shop and status; the order is held FOR SHARE. */
export async function findReviewableItem(
  db: Queryable,
  buyerId: string,
  orderItemId: string,
): Promise<ReviewableItemRow | undefined> {
  const [row] = await db.query<ReviewableItemRow>(sql`
    SELECT i.id AS "orderItemId", i.product_id AS "productId", o.shop_id AS "shopId", o.status AS "orderStatus"
    FROM order_items i JOIN orders o ON o.id = i.order_id
    WHERE i.id = ${orderItemId} AND o.buyer_id = ${buyerId}
    FOR SHARE OF o`);
  return row;
}

export async function countOrdersByStatus(db: Queryable): Promise<{ status: OrderStatus; count: number }[]> {
  return db.query(sql`SELECT status, count(*)::int AS count FROM orders GROUP BY status`);
}

/** Orders of a shop still under way: neither delivered, cancelled nor refunded. */
export async function countOpenOrdersOfShop(db: Queryable, shopId: string): Promise<number> {
  const [row] = await db.query<{ count: number }>(sql`
    SELECT count(*)::int AS count FROM orders
    WHERE shop_id = ${shopId} AND status NOT IN ('delivered', 'cancelled', 'refunded')`);
  return row?.count ?? 0;
}

/**
 * Where each order was taxed, and the net amount its tax was charged on: the lines with a rate
 * (their net: the line total, less its tax when prices include it) and the shipping when it was taxed.
 */
export async function findTaxBases(
  db: Queryable,
  orderIds: readonly string[],
  pricesIncludeTax: boolean,
): Promise<{ orderId: string; country: string; region: string | null; taxableAmount: number }[]> {
  if (orderIds.length === 0) return [];
  return db.query<{ orderId: string; country: string; region: string | null; taxableAmount: number }>(sql`
    SELECT o.id AS "orderId", o.shipping_address->>'country' AS country, o.shipping_address->>'region' AS region,
      (coalesce((SELECT sum(i.line_total_amount - CASE WHEN ${pricesIncludeTax} THEN i.tax_amount ELSE 0 END)
                 FROM order_items i WHERE i.order_id = o.id AND i.tax_rate_bps > 0), 0)
       + CASE WHEN o.shipping_tax_amount > 0 THEN o.shipping_total_amount ELSE 0 END)::bigint AS "taxableAmount"
    FROM orders o WHERE o.id = ANY(${sqlArray(orderIds)}::text[])`);
}

/** Whether a checkout has an order other than `except` that is not cancelled. */
export async function checkoutHasLiveOrders(
  db: Queryable,
  checkoutId: string,
  except: string,
): Promise<boolean> {
  const [row] = await db.query<{ live: boolean }>(sql`
    SELECT EXISTS (SELECT 1 FROM orders WHERE checkout_id = ${checkoutId} AND id <> ${except}
                   AND status <> 'cancelled') AS live`);
  return row!.live;
}
