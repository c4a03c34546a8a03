import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { callerOfUser, newUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { ADDRESS, moneyFlows } from '../../../test/factories/payments.js';
import { sql } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { unstoredAnswer } from '../../platform/idempotency.js';

/** An odd commission rate, so that rounding is exercised everywhere. */
const COMMISSION_BPS = 1234n;

let t: TestApp;
const sellers: Caller[] = [];
const buyers: Caller[] = [];

/** The use cases store their answer through this; here the answer is only handed back. */
const answer = unstoredAnswer;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_COMMISSION_BPS: String(COMMISSION_BPS) } });
  for (let i = 0; i < 2; i++) {
    const seller = await newUser(t.db, { shop: `Property Shop ${i}` });
    await moneyFlows(t).enablePayouts(seller);
    sellers.push(callerOfUser(seller, `Property Shop ${i}`));
  }
  for (let i = 0; i < 2; i++) buyers.push(callerOfUser(await newUser(t.db)));
  // Shop 0 charges for delivery (free from 5000, so some orders ship free); shop 1 ships free.
  await t.services.shipping.addOption(sellers[0]!, {
    name: 'Standard',
    countries: ['*'],
    rate: { type: 'per_item', firstMinor: 499, additionalMinor: 101 },
    freeOverMinor: 5000,
    minDays: 2,
    maxDays: 4,
    active: true,
  });
});
afterAll(async () => {
  await t.close();
});

// The oracle's own arithmetic, written apart from the ledger's on purpose.
const halfUp = (numerator: bigint, denominator: bigint) =>
  Number((2n * numerator + denominator) / (2n * denominator));
/** Commission is on the merchandise: the total less shipping (BAZAAR_COMMISSION_ON_SHIPPING is off). */
const commissionOf = (order: { total: number; shipping: number }) =>
  halfUp(BigInt(order.total - order.shipping) * COMMISSION_BPS, 10_000n);
/** The seller's share of a cumulative refund R of an order: R less the commission's proportional share. */
const sellerRefunded = (order: { total: number; shipping: number }, refunded: number) =>
  refunded - halfUp(BigInt(commissionOf(order)) * BigInt(refunded), BigInt(order.total));

interface OracleOrder {
  id: string;
  shop: number;
  buyer: Caller;
  paymentId: string;
  total: number;
  shipping: number;
  status: string;
  captured: boolean;
  delivered: boolean;
  refunded: number;
}

interface OraclePayment {
  id: string;
  buyer: Caller;
  status: string;
  orders: OracleOrder[];
}

type Op =
  | { kind: 'checkout'; buyer: number; lines: [number, number][] }
  | { kind: 'pay'; payment: number }
  | { kind: 'fail'; payment: number }
  | { kind: 'refund'; order: number; quarters: number; byAdmin: boolean }
  | { kind: 'ship' | 'deliver' | 'expire' | 'cancel'; order: number }
  | { kind: 'payout'; seller: number; amount: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('checkout' as const),
      buyer: fc.nat(1),
      lines: fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 3 }),
    }),
  },
  // Few distinct targets, so that operations pile up on the same orders (several partial refunds).
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constantFrom('pay' as const, 'fail' as const), payment: fc.nat(3) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      order: fc.nat(3),
      quarters: fc.integer({ min: 1, max: 5 }),
      byAdmin: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('ship' as const, 'deliver' as const, 'expire' as const, 'cancel' as const),
      order: fc.nat(3),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('payout' as const),
      seller: fc.nat(1),
      amount: fc.integer({ min: 1, max: 6000 }),
    }),
  },
);

it('keeps the books balanced and every seller balance equal to the oracle over random money lifecycles, shipping included', async () => {
  const admin = callerOfUser(await newUser(t.db, { admin: true }));
  admin.roles = ['buyer', 'admin'];
  await fc.assert(
    fc.asyncProperty(fc.array(opArbitrary, { minLength: 5, maxLength: 30 }), async (ops) => {
      // Fresh products per run; prices chosen so that commissions and refunds round.
      const products = await Promise.all(
        [1999, 333, 1, 4567].map((priceMinor, i) =>
          newStockedProduct(t.db, {
            shopId: sellers[i % 2]!.shop!.id,
            variants: [{ priceMinor, stock: 1000 }],
          }),
        ),
      );
      const balancesBefore = await Promise.all(
        sellers.map((seller) => t.services.ledger.balance(seller.shop!.id)),
      );
      const orders: OracleOrder[] = [];
      const payments: OraclePayment[] = [];
      const paidOut = [0, 0];

      const expectRefused = async (run: () => Promise<unknown>, code: string) => {
        await expect(run()).rejects.toMatchObject({ code });
      };

      for (const op of ops) {
        if (op.kind === 'checkout') {
          const buyer = buyers[op.buyer]!;
          for (const [product, quantity] of op.lines) {
            await t.services.cart.addItem(buyer, { variantId: products[product]!.variants[0]!.id, quantity });
          }
          const placed = JSON.parse(
            await t.services.orders.checkout(buyer, { shippingAddress: ADDRESS }, answer),
          );
          const payment: OraclePayment = {
            id: placed.payment.id,
            buyer,
            status: 'requires_confirmation',
            orders: [],
          };
          for (const order of placed.orders) {
            const oracleOrder: OracleOrder = {
              id: order.id,
              shop: sellers.findIndex((s) => s.shop!.id === order.shop.id),
              buyer,
              paymentId: payment.id,
              total: order.total.amount,
              shipping: order.shipping_total.amount,
              status: 'pending_payment',
              captured: false,
              delivered: false,
              refunded: 0,
            };
            orders.push(oracleOrder);
            payment.orders.push(oracleOrder);
          }
          payments.push(payment);
        } else if (op.kind === 'pay' || op.kind === 'fail') {
          const payment = payments[op.payment % Math.max(payments.length, 1)];
          if (!payment) continue;
          const method = op.kind === 'pay' ? 'pm_card_visa' : 'pm_card_declined';
          const run = () => t.services.payments.confirm(payment.buyer, payment.id, method, answer);
          if (!['requires_confirmation', 'failed'].includes(payment.status)) {
            await expectRefused(run, 'invalid_state');
            continue;
          }
          const confirmed = JSON.parse(await run());
          payment.status = op.kind === 'pay' ? 'succeeded' : 'failed';
          expect(confirmed.status).toBe(payment.status);
          if (op.kind === 'pay') {
            for (const order of payment.orders.filter((o) => o.status === 'pending_payment')) {
              order.status = 'paid';
              order.captured = true;
            }
          }
        } else if (op.kind === 'payout') {
          const seller = sellers[op.seller]!;
          // Earlier runs leave money on the same sellers: the payout bound is the whole balance.
          const available =
            balancesBefore[op.seller]!.available.amount +
            expectedBalance(orders, op.seller, paidOut[op.seller]!).available;
          const run = () => t.services.payments.requestPayout(seller, op.amount, answer);
          if (op.amount > available) {
            await expectRefused(run, 'validation_failed');
          } else {
            await run();
            paidOut[op.seller]! += op.amount;
          }
        } else {
          const order = orders[op.order % Math.max(orders.length, 1)];
          if (!order) continue;
          const seller = sellers[order.shop]!;
          if (op.kind === 'refund') {
            const remaining = order.total - order.refunded;
            const amount = Math.max(1, Math.floor((remaining * op.quarters) / 4));
            const run = () =>
              t.services.orders.refund(
                op.byAdmin ? admin : seller,
                order.id,
                { amount, reason: 'property', restockItems: [] },
                answer,
              );
            if (!order.captured) await expectRefused(run, 'invalid_state');
            else if (amount > remaining) await expectRefused(run, 'validation_failed');
            else {
              await run();
              order.refunded += amount;
              if (order.refunded === order.total && order.status !== 'cancelled') order.status = 'refunded';
            }
          } else if (op.kind === 'ship' || op.kind === 'deliver') {
            const [from, to] = op.kind === 'ship' ? ['paid', 'shipped'] : ['shipped', 'delivered'];
            const run = () =>
              op.kind === 'ship'
                ? t.services.orders.ship(seller, order.id, { carrier: 'c', trackingNumber: 't' })
                : t.services.orders.confirmDelivery(order.buyer, order.id);
            if (order.status !== from) await expectRefused(run, 'invalid_state');
            else {
              await run();
              order.status = to!;
              order.delivered = to === 'delivered';
            }
          } else if (op.kind === 'cancel') {
            const run = () => t.services.orders.cancel(order.buyer, order.id);
            if (order.status !== 'pending_payment' && order.status !== 'paid')
              await expectRefused(run, 'invalid_state');
            else {
              await run();
              if (order.status === 'paid') order.refunded = order.total;
              order.status = 'cancelled';
              settleCancelledPayment(payments, order);
            }
          } else {
            await t.db.execute(
              sql`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ${order.id}`,
            );
            expect(await t.services.orders.expire(order.id)).toBe(order.status === 'pending_payment');
            if (order.status === 'pending_payment') {
              order.status = 'cancelled';
              settleCancelledPayment(payments, order);
            }
          }
        }

        // After every step: the books balance, and every seller's balance is the oracle's.
        const trial = await t.services.ledger.trialBalance();
        expect(trial.totals.debits).toEqual(trial.totals.credits);
        for (const [i, seller] of sellers.entries()) {
          const expected = expectedBalance(orders, i, paidOut[i]!);
          const before = balancesBefore[i]!;
          const actual = await t.services.ledger.balance(seller.shop!.id);
          expect({
            pending: actual.pending.amount - before.pending.amount,
            available: actual.available.amount - before.available.amount,
            paidOut: actual.paid_out.amount - before.paid_out.amount,
          }).toEqual(expected);
        }
        const [unpaidButRefunded] = await t.db.query<{ n: number }>(sql`
          SELECT count(*)::int AS n FROM orders
          WHERE (refunded_amount > 0 OR status = 'refunded') AND paid_at IS NULL`);
        expect(unpaidButRefunded!.n).toBe(0);
        for (const order of orders) {
          const [row] = await t.db.query<{ status: string; refunded: number }>(
            sql`SELECT status, refunded_amount AS refunded FROM orders WHERE id = ${order.id}`,
          );
          expect(row).toEqual({ status: order.status, refunded: order.refunded });
        }
      }
    }),
    { numRuns: 15 },
  );
});

/**
 * Money per seller, from the orders alone: an order's seller share less the seller's part of its
 * refunds is pending until delivery, available after; payouts leave available.
 */
function expectedBalance(orders: readonly OracleOrder[], shop: number, paidOut: number) {
  let pending = 0;
  let available = 0 - paidOut;
  for (const order of orders.filter((o) => o.shop === shop && o.captured)) {
    const proceeds = order.total - commissionOf(order) - sellerRefunded(order, order.refunded);
    if (order.delivered) available += proceeds;
    else pending += proceeds;
  }
  return { pending, available, paidOut };
}

/** An unpaid order left its payment: a payment left with no open order is canceled. */
function settleCancelledPayment(payments: OraclePayment[], order: OracleOrder) {
  const payment = payments.find((p) => p.id === order.paymentId)!;
  if (payment.status === 'succeeded') return;
  if (payment.orders.every((o) => o.status === 'cancelled')) payment.status = 'canceled';
}
