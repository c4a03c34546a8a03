import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows, TEST_WEBHOOK_SECRET, usd } from '../../../test/factories/payments.js';
import { sql } from '../../platform/db.js';

/** An odd commission rate, so that rounding is exercised everywhere. */
const COMMISSION_BPS = 1234n;

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
const sellers: TestUser[] = [];
let buyer: TestUser;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      BAZAAR_COMMISSION_BPS: String(COMMISSION_BPS),
      BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    },
  });
  flows = moneyFlows(t);
  for (let i = 0; i < 2; i++) sellers.push(await newUser(t.db, { shop: `Disputed Property Shop ${i}` }));
  buyer = await newUser(t.db);
});
afterAll(async () => {
  await t.close();
});

// The oracle's own arithmetic, written apart from the ledger's on purpose.
const halfUp = (numerator: bigint, denominator: bigint) =>
  Number((2n * numerator + denominator) / (2n * denominator));
const commissionOf = (total: number) => halfUp(BigInt(total) * COMMISSION_BPS, 10_000n);
/** The seller's part of a cumulative amount T taken back of an order: T less the commission's share. */
const sellerTaken = (total: number, taken: number) =>
  taken - halfUp(BigInt(commissionOf(total)) * BigInt(taken), BigInt(total));

/** `amount` over `weights` by largest remainder (ties to the earlier), never more than Σ weights. */
function largestRemainder(amount: number, weights: number[]): number[] {
  const whole = weights.reduce((a, b) => a + b, 0);
  if (amount >= whole) return [...weights];
  const parts = weights.map((w) => Math.floor((amount * w) / whole));
  const order = weights
    .map((w, index) => ({ index, rest: (amount * w) % whole }))
    .sort((a, b) => b.rest - a.rest || a.index - b.index);
  let left = amount - parts.reduce((a, b) => a + b, 0);
  for (const { index } of order) {
    if (left-- <= 0) break;
    parts[index]! += 1;
  }
  return parts;
}

interface OracleOrder {
  id: string;
  shop: number;
  total: number;
  refunded: number;
  lost: number;
  /** Refunded and lost, in the order they happened: the ledger's cumulative amount. */
  taken: number;
  /** What the open dispute holds of it: its part and the seller's share held. */
  open: { part: number; held: number } | null;
  delivered: boolean;
  /** Its one item, and whether the buyer has returned it. */
  itemId: string;
  returned: boolean;
}

type Op =
  | { kind: 'refund'; order: number; tenths: number }
  | { kind: 'open'; tenths: number }
  | { kind: 'close'; won: boolean }
  | { kind: 'deliver'; order: number }
  | { kind: 'return'; order: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('refund' as const),
    order: fc.nat(1),
    tenths: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({ kind: fc.constant('open' as const), tenths: fc.integer({ min: 1, max: 11 }) }),
  fc.record({ kind: fc.constant('close' as const), won: fc.boolean() }),
  fc.record({ kind: fc.constant('deliver' as const), order: fc.nat(1) }),
  fc.record({ kind: fc.constant('return' as const), order: fc.nat(1) }),
);

let runs = 0;

it('keeps the books balanced, refunded + lost within captured, and each shop at the oracle, whatever refunds, returns and dispute outcomes do', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.tuple(fc.integer({ min: 101, max: 9_999 }), fc.integer({ min: 101, max: 9_999 })),
      fc.array(opArbitrary, { minLength: 2, maxLength: 10 }),
      async (prices, ops) => {
        const run = runs++;
        const totalOf = async (seller: TestUser) => {
          const balance = (await flows.call('GET', '/v1/shop/balance', seller.token)).json();
          return balance.pending.amount + balance.available.amount + balance.paid_out.amount;
        };
        const start = [await totalOf(sellers[0]!), await totalOf(sellers[1]!)];
        const lines = [];
        for (const [shop, price] of prices.entries()) {
          const product = await newStockedProduct(t.db, {
            shopId: sellers[shop]!.shopId!,
            variants: [{ priceMinor: price, stock: 5 }],
          });
          lines.push({ variantId: product.variants[0]!.id, quantity: 1 });
        }
        const placed = await flows.placeOrder(buyer, lines);
        expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_visa')).json().status).toBe(
          'succeeded',
        );
        // In id order, as the disputes module spreads a dispute over them.
        const orders: OracleOrder[] = placed.orders
          .map((order) => ({
            id: order.id,
            shop: sellers.findIndex((seller) => seller.shopId === order.shop.id),
            total: order.total.amount,
            refunded: 0,
            lost: 0,
            taken: 0,
            open: null,
            delivered: false,
            itemId: order.items[0]!.id,
            returned: false,
          }))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        const byShop = (shop: number) => orders.find((order) => order.shop === shop)!;
        let disputes = 0;
        let openId: string | null = null;
        const deliver = async (order: OracleOrder) => {
          if (order.delivered) return;
          const seller = sellers[order.shop]!;
          await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
            carrier: 'UPS',
            tracking_number: '1Z',
          });
          const delivered = await flows.call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token);
          // A fully refunded order is no longer delivered.
          if (delivered.statusCode === 200) order.delivered = true;
        };
        const left = (order: OracleOrder) =>
          order.total - order.refunded - order.lost - (order.open?.part ?? 0);

        for (const op of ops) {
          if (op.kind === 'refund') {
            const order = byShop(op.order);
            const amount = Math.max(1, Math.floor((order.total * op.tenths) / 10));
            const answer = await flows.refund(sellers[order.shop]!.token, order.id, {
              amount: usd(amount),
              reason: 'property',
            });
            if (amount <= left(order)) {
              expect(answer.statusCode, answer.body).toBe(201);
              order.refunded += amount;
              order.taken += amount;
            } else {
              expect(answer.statusCode, answer.body).toBe(422);
            }
          } else if (op.kind === 'open') {
            const captured = orders.reduce((sum, order) => sum + order.total, 0);
            const amount = Math.max(1, Math.floor((captured * op.tenths) / 10));
            const id = `dsp_prop_${process.pid}_${run}_${disputes++}`;
            const answer = await flows.sandboxWebhook(
              JSON.stringify({
                id: `evt_${id}`,
                type: 'dispute.created',
                created: Math.floor(Date.now() / 1000),
                data: { dispute_id: id, payment_id: placed.payment.id, amount, reason: 'fraudulent' },
              }),
            );
            if (openId !== null) {
              expect(answer.statusCode).toBe(409);
              continue;
            }
            expect(answer.json().outcome, answer.body).toBe('applied');
            openId = id;
            const parts = largestRemainder(amount, orders.map(left));
            for (const [index, order] of orders.entries()) {
              const part = parts[index]!;
              order.open = {
                part,
                held: sellerTaken(order.total, order.taken + part) - sellerTaken(order.total, order.taken),
              };
            }
          } else if (op.kind === 'close') {
            if (openId === null) continue;
            const answer = await flows.sandboxWebhook(
              JSON.stringify({
                id: `evt_close_${openId}`,
                type: 'dispute.closed',
                created: Math.floor(Date.now() / 1000),
                data: { dispute_id: openId, payment_id: placed.payment.id, status: op.won ? 'won' : 'lost' },
              }),
            );
            expect(answer.json().outcome, answer.body).toBe('applied');
            for (const order of orders) {
              if (!op.won) {
                order.lost += order.open!.part;
                order.taken += order.open!.part;
              }
              order.open = null;
            }
            openId = null;
          } else if (op.kind === 'return') {
            // The order is delivered if it can be; the buyer returns the item as damaged; the seller approves and receives it,
            // which refunds what it was paid (the whole order: one item, free shipping).
            const order = byShop(op.order);
            await deliver(order);
            if (!order.delivered || order.returned) continue;
            const requested = await flows.call('POST', `/v1/orders/${order.id}/returns`, buyer.token, {
              items: [{ order_item_id: order.itemId, quantity: 1 }],
              reason: 'damaged',
            });
            if (order.total > left(order)) {
              expect(requested.statusCode, requested.body).toBe(422);
              continue;
            }
            expect(requested.statusCode, requested.body).toBe(201);
            expect(requested.json().amount.amount).toBe(order.total);
            const seller = sellers[order.shop]!;
            const returnId: string = requested.json().id;
            const approved = await flows.call('POST', `/v1/returns/${returnId}/approve`, seller.token, {});
            expect(approved.statusCode, approved.body).toBe(200);
            const received = await flows.call('POST', `/v1/returns/${returnId}/receive`, seller.token, {
              restock: false,
            });
            expect(received.statusCode, received.body).toBe(200);
            expect(received.json().status).toBe('refunded');
            order.refunded += order.total;
            order.taken += order.total;
            order.returned = true;
          } else {
            await deliver(byShop(op.order));
          }

          const trial = await t.services.ledger.trialBalance();
          expect(trial.totals.debits).toEqual(trial.totals.credits);
          for (const order of orders) {
            expect(order.refunded + order.lost).toBeLessThanOrEqual(order.total);
            const [row] = await t.db.query<{ refunded: number; disputed: number }>(
              sql`SELECT refunded_amount AS refunded, disputed_amount AS disputed FROM orders WHERE id = ${order.id}`,
            );
            expect(row).toEqual({ refunded: order.refunded, disputed: order.lost + (order.open?.part ?? 0) });
          }
          for (const [shop, seller] of sellers.entries()) {
            const order = byShop(shop);
            const expected =
              start[shop]! +
              order.total -
              commissionOf(order.total) -
              sellerTaken(order.total, order.taken) -
              (order.open?.held ?? 0);
            expect(await totalOf(seller)).toBe(expected);
          }
        }
        // Whatever is left open is decided, so the next run starts with nothing held.
        if (openId !== null) {
          await flows.sandboxWebhook(
            JSON.stringify({
              id: `evt_close_${openId}`,
              type: 'dispute.closed',
              created: Math.floor(Date.now() / 1000),
              data: { dispute_id: openId, payment_id: placed.payment.id, status: 'won' },
            }),
          );
        }
      },
    ),
    { numRuns: 12 },
  );
}, 300_000);
