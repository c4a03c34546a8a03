import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { callerOfUser, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, stockOf } from '../../../test/factories/inventory.js';
import { sql } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { unstoredAnswer } from '../../platform/idempotency.js';
import { HOT_AT_ONCE } from '../inventory/index.js';

let t: TestApp;
/** The same app with group commit off, on the same database. */
let inLine: TestApp;
let seller: TestUser;
let sellerCaller: Caller;
const buyers: Caller[] = [];

/** The use cases store their answer through this; here the answer is only handed back. */
const answer = unstoredAnswer;

beforeAll(async () => {
  t = await createTestApp();
  inLine = await createTestApp({ env: { BAZAAR_GROUP_COMMIT: 'false' }, database: { db: t.db, url: t.url } });
  seller = await newUser(t.db, { shop: 'Property Shop' });
  sellerCaller = callerOfUser(seller, 'Property Shop');
  for (let i = 0; i < 3; i++) buyers.push(callerOfUser(await newUser(t.db)));
});
afterAll(async () => {
  await inLine.close();
  await t.close();
});

type Op =
  | { kind: 'checkout'; buyer: number; lines: [number, number][] }
  | { kind: 'cancel' | 'expire' | 'pay' | 'ship' | 'deliver'; order: number }
  | { kind: 'refund'; order: number; full: boolean; restock: boolean };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('checkout' as const),
    buyer: fc.nat(2),
    lines: fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constantFrom(
      'cancel' as const,
      'expire' as const,
      'pay' as const,
      'ship' as const,
      'deliver' as const,
    ),
    order: fc.nat(20),
  }),
  fc.record({
    kind: fc.constant('refund' as const),
    order: fc.nat(20),
    full: fc.boolean(),
    restock: fc.boolean(),
  }),
);

/**
 * With group commit on, every checkout's variants are made hot first (as two checkouts of the
 * process reserving them at once would), so each checkout holds its units before its transaction.
 */
it.each(['on', 'off'] as const)(
  'keeps on_hand − reserved equal to the oracle, never negative, over random order lifecycles (group commit %s)',
  async (mode) => {
    const checkoutApp = mode === 'on' ? t : inLine;
    const batchesBefore = t.services.stockHolds.counts.batches;
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 5, maxLength: 25 }), async (ops) => {
        const product = await newStockedProduct(t.db, {
          shopId: seller.shopId!,
          variants: [{ stock: 6 }, { stock: 3 }, { stock: 9 }],
        });
        const variantIds = product.variants.map((v) => v.id);
        const oracle = variantIds.map((_, i) => ({ onHand: [6, 3, 9][i]!, reserved: 0 }));
        const orders: {
          id: string;
          buyer: Caller;
          paymentId: string;
          status: string;
          paid: boolean;
          total: number;
          refunded: number;
          /** Units per item still in the order (refunds with restock take some back). */
          items: { id: string; variant: number; remaining: number }[];
        }[] = [];
        /** Gives back what an order still reserves. */
        const release = (order: (typeof orders)[number]) => {
          for (const item of order.items) oracle[item.variant]!.reserved -= item.remaining;
        };

        for (const op of ops) {
          if (op.kind === 'checkout') {
            const buyer = buyers[op.buyer]!;
            const wanted = new Map<number, number>();
            for (const [variant, quantity] of op.lines)
              wanted.set(variant, (wanted.get(variant) ?? 0) + quantity);
            // The cart itself refuses lines over stock at add time; add what it accepts.
            const accepted = new Map<number, number>();
            for (const [variant, quantity] of wanted) {
              try {
                await t.services.cart.addItem(buyer, { variantId: variantIds[variant]!, quantity });
                accepted.set(variant, quantity);
              } catch (error) {
                expect(error).toMatchObject({ code: 'insufficient_stock' });
              }
            }
            if (accepted.size === 0) continue;
            const fits = [...accepted].every(([v, q]) => oracle[v]!.onHand - oracle[v]!.reserved >= q);
            if (mode === 'on') {
              const contended = [...accepted.keys()].map((v) => variantIds[v]!);
              const leaving = Array.from({ length: HOT_AT_ONCE }, () =>
                t.services.stockHolds.enter(contended),
              );
              for (const leave of leaving) leave();
            }
            try {
              const placed = JSON.parse(
                await checkoutApp.services.orders.checkout(
                  buyer,
                  { shippingAddress: { name: 'n', line1: 'l', city: 'c', postal_code: 'p', country: 'US' } },
                  answer,
                ),
              );
              expect(fits).toBe(true);
              for (const [v, q] of accepted) oracle[v]!.reserved += q;
              const placedOrder = placed.orders[0];
              orders.push({
                id: placedOrder.id,
                buyer,
                paymentId: placed.payment.id,
                status: 'pending_payment',
                paid: false,
                total: placedOrder.total.amount,
                refunded: 0,
                items: placedOrder.items.map(
                  (item: { id: string; variant_id: string; quantity: number }) => ({
                    id: item.id,
                    variant: variantIds.indexOf(item.variant_id),
                    remaining: item.quantity,
                  }),
                ),
              });
            } catch (error) {
              expect(error).toMatchObject({ code: 'insufficient_stock' });
              expect(fits).toBe(false);
              const cart = await t.services.cart.view(buyer);
              for (const item of cart.items) await t.services.cart.removeItem(buyer, item.id);
            }
          } else {
            const order = orders[op.order % Math.max(orders.length, 1)];
            if (!order) continue;
            const attempt = async (
              run: () => Promise<unknown>,
              from: string[],
              to: string,
              effect?: () => void,
            ) => {
              try {
                await run();
                expect(from).toContain(order.status);
                order.status = to;
                effect?.();
              } catch (error) {
                expect(from).not.toContain(order.status);
                expect((error as { code?: string }).code).toMatch(/invalid_state/);
              }
            };
            if (op.kind === 'cancel')
              await attempt(
                () => t.services.orders.cancel(order.buyer, order.id),
                ['pending_payment', 'paid'],
                'cancelled',
                () => {
                  release(order);
                  if (order.paid) order.refunded = order.total;
                },
              );
            if (op.kind === 'pay') {
              await attempt(
                () => t.services.payments.confirm(order.buyer, order.paymentId, 'pm_card_visa', answer),
                ['pending_payment'],
                'paid',
                () => {
                  order.paid = true;
                },
              );
            }
            if (op.kind === 'refund') await refund(order, op);
            if (op.kind === 'ship') {
              await attempt(
                () => t.services.orders.ship(sellerCaller, order.id, { carrier: 'c', trackingNumber: 't' }),
                ['paid'],
                'shipped',
                () => {
                  for (const item of order.items) {
                    oracle[item.variant]!.reserved -= item.remaining;
                    oracle[item.variant]!.onHand -= item.remaining;
                  }
                },
              );
            }
            if (op.kind === 'deliver')
              await attempt(
                () => t.services.orders.confirmDelivery(order.buyer, order.id),
                ['shipped'],
                'delivered',
              );
            if (op.kind === 'expire') {
              await t.db.execute(
                sql`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ${order.id}`,
              );
              const expired = await t.services.orders.expire(order.id);
              expect(expired).toBe(order.status === 'pending_payment');
              if (expired) {
                order.status = 'cancelled';
                release(order);
              }
            }
          }
          /**
           * A refund of one minor unit, or of all that is left; with restock, one unit of an item still
           * in the order comes back: released before shipping, back on hand after. A refund in full
           * of an order not shipped releases what it still reserves.
           */
          async function refund(order: (typeof orders)[number], op: { full: boolean; restock: boolean }) {
            const remaining = order.total - order.refunded;
            const amount = op.full ? Math.max(1, remaining) : 1;
            const item = op.restock ? order.items.find((i) => i.remaining > 0) : undefined;
            const run = () =>
              t.services.orders.refund(
                sellerCaller,
                order.id,
                {
                  amount,
                  reason: 'property',
                  restockItems: item ? [{ orderItemId: item.id, quantity: 1 }] : [],
                },
                answer,
              );
            if (!order.paid) return expect(run()).rejects.toMatchObject({ code: 'invalid_state' });
            if (amount > remaining) return expect(run()).rejects.toMatchObject({ code: 'validation_failed' });
            await run();
            if (item) {
              item.remaining -= 1;
              if (order.status === 'paid') oracle[item.variant]!.reserved -= 1;
              else oracle[item.variant]!.onHand += 1;
            }
            order.refunded += amount;
            if (order.refunded === order.total) {
              if (order.status === 'paid') release(order);
              order.status = 'refunded';
            }
          }
          for (const [i, variantId] of variantIds.entries()) {
            const level = await stockOf(t.db, variantId);
            expect(level).toEqual(oracle[i]);
            expect(level.onHand - level.reserved).toBeGreaterThanOrEqual(0);
          }
        }
        // Leave the shared buyers with empty carts for the next run.
        for (const buyer of buyers) {
          const cart = await t.services.cart.view(buyer);
          for (const item of cart.items) await t.services.cart.removeItem(buyer, item.id);
        }
      }),
      { numRuns: 12 },
    );
    const batches = t.services.stockHolds.counts.batches - batchesBefore;
    if (mode === 'on') expect(batches).toBeGreaterThan(0);
    else expect(batches).toBe(0);
    expect(await t.db.query(sql`SELECT 1 FROM stock_holds`)).toHaveLength(0);
  },
);
