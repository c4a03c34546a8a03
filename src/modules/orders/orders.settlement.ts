import type { Tx } from '../../platform/db.js';
import { appendEvent } from '../../platform/outbox.js';
import type { OrderDiscounts } from '../ledger/index.js';
import type { OrderMoney, PaymentSettlement, RefundView, SettledPayment } from '../payments/index.js';
import * as repo from './orders.repo.js';
import { orderEventData, presentOrder } from './orders.schemas.js';
import { statusesAllowing } from './orders.state.js';

/** The catalog's count of units sold (sort=best_selling), kept in the transaction that pays. */
export interface SalesCounter {
  recordSales(tx: Tx, lines: readonly { productId: string; quantity: number }[]): Promise<void>;
}

/** The buyers of paid orders, kept in the transaction that pays (the analytics' new buyers). */
export interface PaidOrdersListener {
  ordersPaid(
    tx: Tx,
    orders: readonly { buyerId: string | null; guestEmail: string | null; currency: string }[],
  ): Promise<void>;
}

/** Who pays for what the order's promotions took off: the ledger books the platform's part as its cost. */
export const discountsOf = (order: repo.OrderRow): OrderDiscounts => ({
  platformAmount: order.promotions
    .filter((promotion) => promotion.funded_by === 'platform')
    .reduce((sum, promotion) => sum + promotion.amount, 0),
  shopShippingAmount: order.promotions
    .filter((promotion) => promotion.funded_by === 'shop' && promotion.free_shipping)
    .reduce((sum, promotion) => sum + promotion.amount, 0),
});

export const moneyOf = (order: repo.OrderRow): OrderMoney => ({
  orderId: order.id,
  shopId: order.shopId,
  paymentId: order.paymentId,
  totalAmount: order.totalAmount,
  currency: order.currency,
});

/**
 * What a settled payment does to its orders. Payments calls it in the transaction that settles the
 * payment, and it never calls payments back: it answers the refunds due, and payments records them.
 */
export class OrderSettlement implements PaymentSettlement {
  private readonly sales: SalesCounter;
  private readonly paidOrders: PaidOrdersListener;

  constructor(deps: { sales: SalesCounter; paidOrders: PaidOrdersListener }) {
    this.sales = deps.sales;
    this.paidOrders = deps.paidOrders;
  }

  /**
   * The payment's orders still awaiting payment become paid. An order cancelled or expired while the
   * payment was processing did receive its money: it is stamped paid, its refunded amount raised to
   * its total, and its refund answered as due.
   */
  async paymentSucceeded(tx: Tx, payment: { id: string; orderIds: string[] }): Promise<SettledPayment> {
    const paid = await repo.transitionOrders(tx, payment.orderIds, {
      from: statusesAllowing('pay'),
      to: 'paid',
      stamp: 'paid_at',
    });
    const items = await repo.findItems(
      tx,
      paid.map((order) => order.id),
    );
    await this.sales.recordSales(
      tx,
      items.map((item) => ({ productId: item.productId, quantity: item.quantity })),
    );
    for (const order of paid) {
      // Paid this instant: no refund can exist yet.
      const view = presentOrder(
        order,
        items.filter((item) => item.orderId === order.id),
        [],
      );
      await appendEvent(tx, 'order.paid.v1', orderEventData(view, order));
    }
    const paidIds = new Set(paid.map((order) => order.id));
    // The others were cancelled or expired while the payment was processing.
    const withdrawn = await repo.findOrders(
      tx,
      payment.orderIds.filter((id) => !paidIds.has(id)),
    );
    const refundsDue: SettledPayment['refundsDue'] = [];
    for (const { id } of withdrawn) {
      // Its money did arrive: the order was paid, then refunded, never unpaid and refunded.
      const order = await repo.stampPaid(tx, id);
      if (order?.status !== 'cancelled') throw new Error(`order ${id} is not a cancelled order to refund`);
      const remaining = order.totalAmount - order.refundedAmount;
      if (remaining === 0) continue;
      if (!(await repo.addRefunded(tx, order.id, remaining, false)))
        throw new Error(`order ${id} has less than ${remaining} left to refund`);
      refundsDue.push({
        order: moneyOf(order),
        amount: remaining,
        refundedBefore: order.refundedAmount,
        reason: 'the payment succeeded after the order was cancelled',
      });
    }
    // A withdrawn order was paid too (then refunded in full): its buyer has paid for an order.
    await this.paidOrders.ordersPaid(tx, [...paid, ...withdrawn]);
    return {
      orders: [...paid, ...withdrawn].map((order) => ({
        orderId: order.id,
        shopId: order.shopId,
        currency: order.currency,
        totalAmount: order.totalAmount,
        shippingAmount: order.shippingTotalAmount,
        taxAmount: order.taxTotalAmount,
        discounts: discountsOf(order),
        paid: paidIds.has(order.id),
      })),
      refundsDue,
    };
  }

  /**
   * The refund of a withdrawn order is recorded: the order says so. It is the order's only refund
   * (the order was never paid before) and the order has no review (it was never delivered).
   */
  async withdrawnOrderRefunded(tx: Tx, refund: RefundView): Promise<void> {
    const order = await repo.findOrder(tx, refund.order_id);
    if (!order) throw new Error(`refund ${refund.id} is of no order`);
    const items = await repo.findItems(tx, [order.id]);
    await appendEvent(tx, 'order.refunded.v1', orderEventData(presentOrder(order, items, [refund]), order));
  }
}
