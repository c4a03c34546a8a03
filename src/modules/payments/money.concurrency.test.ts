import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/db.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { freshKey, moneyFlows, TEST_WEBHOOK_SECRET, usd } from '../../../test/factories/payments.js';
import { countBy } from '../../../test/statuses.js';
import { sql } from '../../platform/db.js';

/**
 * Real parallel connections on PostgreSQL; the embedded database runs the same races at a smaller
 * scale, serialised by its single connection.
 */
const scale = (postgres: number, embedded: number) =>
  testDatabaseKind() === 'postgres' ? postgres : embedded;

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  flows = moneyFlows(t);
});
afterAll(async () => {
  await t.close();
});

const chargesOf = async (paymentId: string) =>
  (
    await t.db.query<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM sandbox_charges c JOIN sandbox_intents i ON i.id = c.intent_id
      WHERE i.payment_id = ${paymentId}`)
  )[0]!.n;

async function unpaidCheckout(seller: TestUser) {
  const buyer = await newUser(t.db);
  const product = await newStockedProduct(t.db, {
    shopId: seller.shopId!,
    variants: [{ priceMinor: 4200, stock: 5 }],
  });
  const placed = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
  return { buyer, placed };
}

describe('money under concurrency', () => {
  it('charges once for many identical confirms with one Idempotency-Key', async () => {
    const seller = await newUser(t.db, { shop: true });
    const { buyer, placed } = await unpaidCheckout(seller);
    const key = freshKey();
    const answers = await Promise.all(
      Array.from({ length: scale(100, 20) }, () =>
        flows.confirm(buyer, placed.payment.id, 'pm_card_visa', key),
      ),
    );
    const counts = countBy(answers.map((a) => a.statusCode));
    expect(Object.keys(counts).every((status) => status === '200' || status === '409')).toBe(true);
    for (const answer of answers.filter((a) => a.statusCode === 409))
      expect(answer.json().code).toBe('idempotency_key_in_use');
    const succeeded = answers.filter((a) => a.statusCode === 200);
    expect(new Set(succeeded.map((a) => a.body)).size).toBe(1);
    expect(succeeded.filter((a) => a.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect(JSON.parse(succeeded[0]!.body).status).toBe('succeeded');
    expect(await chargesOf(placed.payment.id)).toBe(1);
    const paidEvents = await t.db.query(
      sql`SELECT 1 FROM outbox_events WHERE type = 'order.paid.v1' AND data->>'id' = ${placed.orders[0]!.id}`,
    );
    expect(paidEvents).toHaveLength(1);
  });

  it('charges once when confirms with different keys race: the others are 409 invalid_state', async () => {
    const seller = await newUser(t.db, { shop: true });
    const { buyer, placed } = await unpaidCheckout(seller);
    const answers = await Promise.all(
      Array.from({ length: scale(30, 10) }, () => flows.confirm(buyer, placed.payment.id, 'pm_card_visa')),
    );
    expect(countBy(answers.map((a) => a.statusCode))).toEqual({ 200: 1, 409: answers.length - 1 });
    for (const answer of answers.filter((a) => a.statusCode === 409))
      expect(answer.json().code).toBe('invalid_state');
    expect(await chargesOf(placed.payment.id)).toBe(1);
  });

  it('never refunds more than was paid when refunds race', async () => {
    const [seller, buyer] = [await newUser(t.db, { shop: true }), await newUser(t.db)];
    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 1000, quantity: 10, stock: 10 });
    const answers = await Promise.all(
      Array.from({ length: scale(30, 14) }, () =>
        flows.refund(seller.token, order.id, { amount: usd(1000), reason: 'race' }),
      ),
    );
    expect(countBy(answers.map((a) => a.statusCode))).toEqual({ 201: 10, 422: answers.length - 10 });
    const [sums] = await t.db.query<{ refunds: number; refunded: number }>(sql`
      SELECT (SELECT sum(amount)::int FROM refunds WHERE order_id = ${order.id}) AS refunds,
             (SELECT refunded_amount::int FROM orders WHERE id = ${order.id}) AS refunded`);
    expect(sums).toEqual({ refunds: 10_000, refunded: 10_000 });
    expect((await flows.call('GET', '/v1/shop/balance', seller.token)).json()).toEqual({
      pending: usd(0),
      available: usd(0),
      paid_out: usd(0),
    });
  });

  it('never pays out more than is available when payouts race', async () => {
    const [seller, buyer] = [await newUser(t.db, { shop: true }), await newUser(t.db)];
    await flows.enablePayouts(seller);
    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 10_000 });
    await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
      carrier: 'UPS',
      tracking_number: '1Z',
    });
    await flows.call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token);
    const answers = await Promise.all(
      Array.from({ length: scale(30, 12) }, () =>
        flows.call(
          'POST',
          '/v1/shop/payouts',
          seller.token,
          { amount: usd(1000) },
          { 'idempotency-key': freshKey() },
        ),
      ),
    );
    expect(countBy(answers.map((a) => a.statusCode))).toEqual({ 201: 9, 422: answers.length - 9 });
    expect((await flows.call('GET', '/v1/shop/balance', seller.token)).json()).toEqual({
      pending: usd(0),
      available: usd(0),
      paid_out: usd(9000),
    });
  });

  it('applies one webhook event once when a burst of copies arrives together', async () => {
    const seller = await newUser(t.db, { shop: true });
    const { buyer, placed } = await unpaidCheckout(seller);
    await flows.confirm(buyer, placed.payment.id, 'pm_card_slow');
    const [intent] = await t.db.query<{ id: string }>(
      sql`SELECT id FROM sandbox_intents WHERE payment_id = ${placed.payment.id}`,
    );
    const body = JSON.stringify({
      id: `evt_burst_${placed.payment.id}`,
      type: 'payment.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { payment_id: placed.payment.id, attempt: 1, intent_id: intent!.id, failure_code: null },
    });
    const answers = await Promise.all(
      Array.from({ length: scale(40, 10) }, () => flows.sandboxWebhook(body)),
    );
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(answers.filter((a) => a.json().outcome === 'applied')).toHaveLength(1);
    const entries = await t.db.query(
      sql`SELECT 1 FROM ledger_entries WHERE order_id = ${placed.orders[0]!.id}`,
    );
    expect(entries).toHaveLength(1);
  });
});
