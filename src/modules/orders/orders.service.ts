import type { Config } from '../../config.js';
import type { Database, Queryable } from '../../platform/db.js';
import { ValidationFailed } from '../../platform/errors.js';
import type { Caller } from '../../platform/http.js';
import type { IdempotentAnswer } from '../../platform/idempotency.js';
import { newId } from '../../platform/ids.js';
import { scheduleJob } from '../../platform/jobs.js';
import { addMinor, money } from '../../platform/money.js';
import { appendEvent } from '../../platform/outbox.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { type CartService, lineTitle, totalCart, type VariantDirectory } from '../cart/index.js';
import { inventory, shortageDetail } from '../inventory/index.js';
import type { LedgerService } from '../ledger/index.js';
import { type PaymentsService, presentPayment, type RefundView } from '../payments/index.js';
import { ordersErrors, PriceChanged } from './orders.errors.js';
import type { OrderEventType } from './orders.events.js';
import { type OrderJobPayload, orderJobs } from './orders.jobs.js';
import * as repo from './orders.repo.js';
import { OrderCursor, type OrderView, presentOrder } from './orders.schemas.js';
import { moneyOf } from './orders.settlement.js';
import { nextOrderStatus, type OrderEvent, type OrderStatus, statusesAllowing } from './orders.state.js';
import type { ReviewLookup } from './review-lookup.js';

type Viewer = 'buyer' | 'seller' | 'admin';

/** The units still in the order: its items less what refunds took back. */
const remainingLines = (items: readonly repo.OrderItemRow[]) =>
  items
    .map((item) => ({ variantId: item.variantId, quantity: item.quantity - item.restockedQuantity }))
    .filter((line) => line.quantity > 0);

export interface CheckoutInput {
  shippingAddress: repo.ShippingAddress;
  /** The total the buyer was shown; checkout refuses to charge another. */
  expectedTotalMinor?: number | undefined;
}

export interface RefundInput {
  amount: number;
  reason: string;
  restockItems: readonly { orderItemId: string; quantity: number }[];
}

type Effects = (
  tx: Queryable,
  order: repo.OrderRow,
  items: repo.OrderItemRow[],
) => Promise<{
  stamp: repo.TimestampColumn;
  events: OrderEventType[];
  shipment?: { carrier: string; trackingNumber: string };
}>;

export interface OrdersDeps {
  db: Database;
  config: Pick<Config, 'currency' | 'orderTtlSeconds' | 'autoDeliverSeconds'>;
  cart: CartService;
  directory: VariantDirectory;
  payments: PaymentsService;
  ledger: LedgerService;
  reviews: ReviewLookup;
}

export class OrdersService {
  private readonly db: Database;
  private readonly config: OrdersDeps['config'];
  private readonly cart: CartService;
  private readonly directory: VariantDirectory;
  private readonly payments: PaymentsService;
  private readonly ledger: LedgerService;
  private readonly reviews: ReviewLookup;

  constructor(deps: OrdersDeps) {
    this.db = deps.db;
    this.config = deps.config;
    this.cart = deps.cart;
    this.directory = deps.directory;
    this.payments = deps.payments;
    this.ledger = deps.ledger;
    this.reviews = deps.reviews;
  }

  /**
   * Turns the caller's cart into one order per shop and one payment, in ONE transaction: stock for
   * every line is reserved or none is, and the stored idempotent answer commits with the orders.
   */
  async checkout(caller: Caller, input: CheckoutInput, answer: IdempotentAnswer): Promise<string> {
    const { shippingAddress, expectedTotalMinor } = input;
    return this.db.transaction(async (tx) => {
      const { cartId, items } = await this.cart.lockForCheckout(tx, caller.id);
      if (!cartId || items.length === 0)
        throw ordersErrors.invalidAt('cart_empty', '/cart', 'the cart is empty');
      const variants = await this.directory.variants(
        tx,
        items.map((item) => item.variantId),
      );
      const unavailable = items.filter((item) => !variants.get(item.variantId)?.purchasable);
      if (unavailable.length > 0) {
        const shortages = unavailable.map((item) => ({
          variant_id: item.variantId,
          requested: item.quantity,
          available: 0,
        }));
        throw ordersErrors.error('variant_unavailable', shortageDetail(shortages), shortages);
      }
      const totals = totalCart(
        items.map((item) => ({
          unitPriceMinor: variants.get(item.variantId)!.priceMinor,
          quantity: item.quantity,
        })),
      );
      if (totals.overBound) {
        const { index, field, message } = totals.overBound;
        throw ValidationFailed.at(`/items/${index}/${field}`, message);
      }
      // Fails fast, without locks, when stock is visibly short (a sold-out flash sale).
      await inventory.assertAvailable(tx, items);
      const checkoutId = newId('chk');
      const paymentId = newId('pay');
      const expiresAt = new Date(Date.now() + this.config.orderTtlSeconds * 1000);
      const orders = new Map<string, repo.NewOrder>();
      const orderItems: repo.OrderItemRow[] = [];
      for (const [index, item] of items.entries()) {
        const variant = variants.get(item.variantId)!;
        let order = orders.get(variant.shopId);
        if (!order) {
          order = {
            id: newId('ord'),
            checkoutId,
            buyerId: caller.id,
            shopId: variant.shopId,
            shopName: variant.shopName,
            currency: this.config.currency,
            totalAmount: 0,
            shippingAddress,
            paymentId,
            expiresAt,
          };
          orders.set(variant.shopId, order);
        }
        const lineTotal = totals.lineTotalsMinor[index]!;
        order.totalAmount = addMinor(order.totalAmount, lineTotal);
        orderItems.push({
          id: newId('oi'),
          orderId: order.id,
          variantId: item.variantId,
          productId: variant.productId,
          title: lineTitle(variant),
          sku: variant.sku,
          quantity: item.quantity,
          unitPriceAmount: variant.priceMinor,
          lineTotalAmount: lineTotal,
          restockedQuantity: 0,
        });
      }
      const newOrders = [...orders.values()];
      const totalMinor = totals.subtotalMinor;
      if (expectedTotalMinor !== undefined && expectedTotalMinor !== totalMinor) {
        throw new PriceChanged(
          money(totalMinor, this.config.currency),
          money(expectedTotalMinor, this.config.currency),
        );
      }
      const payment = await this.payments.createForCheckout(tx, {
        id: paymentId,
        buyerId: caller.id,
        amount: totalMinor,
        currency: this.config.currency,
        orderIds: newOrders.map((order) => order.id),
      });
      const inserted = await repo.insertOrders(tx, newOrders, orderItems);
      const views = inserted.map((order) =>
        presentOrder(
          order,
          orderItems.filter((item) => item.orderId === order.id),
          [],
        ),
      );
      for (const view of views) {
        await appendEvent(tx, 'order.placed.v1', view);
        await scheduleJob(tx, {
          kind: orderJobs.expire,
          runAt: expiresAt,
          payload: { orderId: view.id } satisfies OrderJobPayload,
          dedupeKey: view.id,
        });
      }
      await this.cart.empty(tx, cartId);
      const body = await answer.complete(tx, 201, {
        id: checkoutId,
        orders: views,
        payment: presentPayment(payment),
      });
      // Reserving last holds the hot stock rows' locks only for this statement and the commit;
      // a shortage found here rolls every write above back.
      await inventory.reserve(tx, items, checkoutId);
      return body;
    });
  }

  async get(caller: Caller, id: string): Promise<OrderView> {
    const order = await repo.findOrder(this.db, id);
    if (!order || !this.viewerOf(caller, order)) throw ordersErrors.error('order_not_found');
    return (await this.present(this.db, [order]))[0]!;
  }

  /** Orders as the API shows them, with their items and refunds. */
  private async present(db: Queryable, orders: readonly repo.OrderRow[]): Promise<OrderView[]> {
    const ids = orders.map((order) => order.id);
    const items = await repo.findItems(db, ids);
    const refunds = await this.payments.refundsOf(db, ids);
    const reviewIds = await this.reviews.reviewIds(
      db,
      items.map((item) => item.id),
    );
    return orders.map((order) =>
      presentOrder(
        order,
        items.filter((item) => item.orderId === order.id),
        refunds.get(order.id) ?? [],
        reviewIds,
      ),
    );
  }

  async list(
    caller: Caller,
    scope: 'buyer' | 'shop',
    query: { limit: number; cursor?: string | undefined; status?: OrderStatus | undefined },
  ) {
    const after = decodeCursor(query.cursor, OrderCursor);
    const owner = scope === 'buyer' ? { buyerId: caller.id } : { shopId: caller.shop!.id };
    const rows = await repo.listOrders(this.db, {
      ...owner,
      status: query.status,
      after,
      limit: query.limit,
    });
    const views = new Map(
      (await this.present(this.db, rows.slice(0, query.limit))).map((view) => [view.id, view]),
    );
    return paginate(
      rows,
      query.limit,
      (row) => views.get(row.id)!,
      (row) => ({ createdAt: row.createdKey, id: row.id }),
    );
  }

  /**
   * A buyer cancels an order. Unpaid: its stock is released and its total leaves the payment.
   * Paid (not yet shipped): its stock is released and what was not refunded yet is refunded.
   */
  cancel(caller: Caller, id: string): Promise<OrderView> {
    return this.change(caller, id, 'buyer', 'cancel', async (tx, order, items) => {
      await inventory.release(tx, remainingLines(items), order.id);
      if (order.status !== 'paid') {
        await this.payments.orderCancelled(tx, order.paymentId, order.id, order.totalAmount);
        return { stamp: 'cancelled_at', events: ['order.cancelled.v1'] };
      }
      const remaining = order.totalAmount - order.refundedAmount;
      if (remaining > 0) await this.applyRefund(tx, order, remaining, 'the buyer cancelled the order', false);
      return { stamp: 'cancelled_at', events: ['order.cancelled.v1', 'order.refunded.v1'] };
    });
  }

  ship(
    caller: Caller,
    id: string,
    shipment: { carrier: string; trackingNumber: string },
  ): Promise<OrderView> {
    return this.change(caller, id, 'seller', 'ship', async (tx, order, items) => {
      await inventory.commit(tx, remainingLines(items), order.id);
      await scheduleJob(tx, {
        kind: orderJobs.autoDeliver,
        runAt: new Date(Date.now() + this.config.autoDeliverSeconds * 1000),
        payload: { orderId: order.id } satisfies OrderJobPayload,
        dedupeKey: order.id,
      });
      return { stamp: 'shipped_at', events: ['order.shipped.v1'], shipment };
    });
  }

  /** The buyer confirms delivery: the seller's proceeds become available in the same transaction. */
  confirmDelivery(caller: Caller, id: string): Promise<OrderView> {
    return this.change(caller, id, 'buyer', 'deliver', async (tx, order) => {
      await this.ledger.orderDelivered(tx, {
        orderId: order.id,
        shopId: order.shopId,
        currency: order.currency,
      });
      return { stamp: 'delivered_at', events: ['order.delivered.v1'] };
    });
  }

  /**
   * A seller of the order's shop, or an admin, refunds part or all of a paid order, never more than
   * was paid and not yet refunded (the order is held for the whole use case, so concurrent refunds
   * queue). Refunds reaching the total make the order `refunded`.
   */
  async refund(caller: Caller, id: string, input: RefundInput, answer: IdempotentAnswer): Promise<string> {
    return this.db.transaction(async (tx) => {
      const order = await repo.findOrder(tx, id, true);
      const viewer = order && this.viewerOf(caller, order);
      if (!order || !viewer) throw ordersErrors.error('order_not_found');
      if (viewer === 'buyer')
        throw ordersErrors.error(
          'not_order_seller',
          "Only a seller of the order's shop or an admin may refund it.",
        );
      // Never paid: nothing to give back. Paid and since refunded or cancelled: the bound below says so.
      if (!order.paidAt)
        throw ordersErrors.error(
          'order_not_paid',
          `An order that is ${order.status} and was never paid cannot be refunded.`,
        );
      const refundable = order.totalAmount - order.refundedAmount;
      if (input.amount > refundable) {
        throw ordersErrors.invalidAt(
          'refund_exceeds_remaining',
          '/amount/amount',
          `at most ${refundable} of this order can still be refunded`,
        );
      }
      await this.takeBack(tx, order, await repo.findItems(tx, [order.id]), input.restockItems);
      const completes = statusesAllowing('refund_in_full').includes(order.status);
      const { refunded, refund } = await this.applyRefund(tx, order, input.amount, input.reason, completes);
      if (refunded.status === 'refunded') {
        // Refunded before shipping: nothing will ship, so every unit still reserved goes back.
        if (order.status === 'paid')
          await inventory.release(tx, remainingLines(await repo.findItems(tx, [order.id])), order.id);
        await appendEvent(tx, 'order.refunded.v1', (await this.present(tx, [refunded]))[0]!);
      }
      return answer.complete(tx, 201, refund);
    });
  }

  /**
   * Units a refund takes back: before shipping their reservation is released (they leave the
   * shipment); after shipping they are back on the shelf. Never more than an item has left.
   */
  private async takeBack(
    tx: Queryable,
    order: repo.OrderRow,
    items: readonly repo.OrderItemRow[],
    lines: RefundInput['restockItems'],
  ): Promise<void> {
    if (lines.length === 0) return;
    const byId = new Map(items.map((item) => [item.id, item]));
    const wanted = new Map<string, number>();
    for (const [index, line] of lines.entries()) {
      const item = byId.get(line.orderItemId);
      if (!item)
        throw ordersErrors.invalidAt(
          'restock_item_unknown',
          `/restock_items/${index}/order_item_id`,
          'not an item of this order',
        );
      const quantity = (wanted.get(item.id) ?? 0) + line.quantity;
      if (item.restockedQuantity + quantity > item.quantity) {
        throw ordersErrors.invalidAt(
          'restock_quantity_exceeded',
          `/restock_items/${index}/quantity`,
          `at most ${item.quantity - item.restockedQuantity} of this item can come back`,
        );
      }
      wanted.set(item.id, quantity);
    }
    const taken = [...wanted].map(([itemId, quantity]) => ({ itemId, quantity }));
    if ((await repo.addRestocked(tx, order.id, taken)) !== taken.length) {
      throw new Error(`restocking order ${order.id} changed fewer items than asked`);
    }
    const stock = taken.map(({ itemId, quantity }) => ({ variantId: byId.get(itemId)!.variantId, quantity }));
    if (order.status === 'paid') await inventory.release(tx, stock, order.id);
    else await inventory.restock(tx, stock, order.id);
  }

  /** Raises the order's refunded amount and records the refund (ledger, provider job, event). */
  private async applyRefund(
    tx: Queryable,
    order: repo.OrderRow,
    amount: number,
    reason: string,
    completes: boolean,
  ): Promise<{ refunded: repo.OrderRow; refund: RefundView }> {
    const refunded = await repo.addRefunded(tx, order.id, amount, completes);
    if (!refunded)
      throw ordersErrors.invalidAt(
        'refund_exceeds_remaining',
        '/amount/amount',
        'more than the order has left to refund',
      );
    const refund = await this.payments.recordRefund(tx, {
      order: moneyOf(order),
      amount,
      refundedBefore: order.refundedAmount,
      reason,
    });
    return { refunded, refund };
  }

  /** Job: an order still unpaid at its expiry is cancelled and its stock released, exactly once. */
  async expire(orderId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [order] = await repo.transitionOrders(tx, [orderId], {
        from: statusesAllowing('expire'),
        to: 'cancelled',
        stamp: 'cancelled_at',
        expired: true,
        dueBefore: 'expires_at',
      });
      if (!order) return false;
      const items = await repo.findItems(tx, [order.id]);
      await inventory.release(tx, remainingLines(items), order.id);
      await this.payments.orderCancelled(tx, order.paymentId, order.id, order.totalAmount);
      await appendEvent(tx, 'order.expired.v1', (await this.present(tx, [order]))[0]!);
      return true;
    });
  }

  /** Job: a shipped order the buyer never confirmed is delivered automatically, proceeds and all. */
  async autoDeliver(orderId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [order] = await repo.transitionOrders(tx, [orderId], {
        from: ['shipped'],
        to: 'delivered',
        stamp: 'delivered_at',
      });
      if (!order) return false;
      await this.ledger.orderDelivered(tx, {
        orderId: order.id,
        shopId: order.shopId,
        currency: order.currency,
      });
      await appendEvent(tx, 'order.delivered.v1', (await this.present(tx, [order]))[0]!);
      return true;
    });
  }

  private viewerOf(caller: Caller, order: repo.OrderRow): Viewer | undefined {
    if (order.buyerId === caller.id) return 'buyer';
    if (caller.shop?.id === order.shopId) return 'seller';
    if (caller.roles.includes('admin')) return 'admin';
    return undefined;
  }

  /**
   * Applies one lifecycle event for an authorised caller: 404 for who may not read the order,
   * 403 for who may read but not act, 409 for a status the event cannot leave.
   */
  private change(
    caller: Caller,
    id: string,
    actor: 'buyer' | 'seller',
    event: OrderEvent,
    effects: Effects,
  ): Promise<OrderView> {
    return this.db.transaction(async (tx) => {
      const order = await repo.findOrder(tx, id, true);
      const viewer = order && this.viewerOf(caller, order);
      if (!order || !viewer) throw ordersErrors.error('order_not_found');
      if (viewer !== actor)
        throw ordersErrors.error(
          actor === 'buyer' ? 'not_order_buyer' : 'not_order_seller',
          `Only the order's ${actor} may do this.`,
        );
      const to = nextOrderStatus(order.status, event);
      const outcome = await effects(tx, order, await repo.findItems(tx, [order.id]));
      const [changed] = await repo.transitionOrders(tx, [order.id], {
        from: [order.status],
        to,
        stamp: outcome.stamp,
        ...(outcome.shipment ? { shipment: outcome.shipment } : {}),
      });
      const view = (await this.present(tx, [changed!]))[0]!;
      for (const type of outcome.events) await appendEvent(tx, type, view);
      return view;
    });
  }

  /** How many orders are in each status, for /metrics. */
  /** Each order's number, buyer and shop: who an order's notices go to. */
  async orderParties(db: Queryable, orderIds: readonly string[]) {
    return (await repo.findOrders(db, orderIds)).map((order) => ({
      orderId: order.id,
      number: String(order.number),
      buyerId: order.buyerId,
      shopId: order.shopId,
    }));
  }

  countByStatus(): Promise<{ status: OrderStatus; count: number }[]> {
    return repo.countOrdersByStatus(this.db);
  }
}
