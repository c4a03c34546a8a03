import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, stockOf } from '../../../test/factories/inventory.js';
import { freshKey, moneyFlows, TEST_WEBHOOK_SECRET, usd } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
});
afterAll(async () => {
  await t.close();
});

const newSeller = () => newUser(t.db, { shop: true });
const orderOf = async (buyer: TestUser, orderId: string) =>
  (await flows.call('GET', `/v1/orders/${orderId}`, buyer.token)).json();
const balanceOf = async (seller: TestUser) =>
  (await flows.call('GET', '/v1/shop/balance', seller.token)).json();
const eventsOf = async (type: string, id: string) =>
  t.db.query(sql`SELECT 1 FROM outbox_events WHERE type = ${type} AND data->>'id' = ${id}`);
const paymentStatus = async (paymentId: string) =>
  (await t.db.query<{ status: string }>(sql`SELECT status FROM payments WHERE id = ${paymentId}`))[0]!.status;

async function shipAndDeliver(seller: TestUser, buyer: TestUser, orderId: string) {
  const shipped = await flows.call('POST', `/v1/orders/${orderId}/ship`, seller.token, {
    carrier: 'UPS',
    tracking_number: '1Z',
  });
  expect(shipped.statusCode, shipped.body).toBe(200);
  const delivered = await flows.call('POST', `/v1/orders/${orderId}/confirm-delivery`, buyer.token);
  expect(delivered.statusCode, delivered.body).toBe(200);
}

describe('POST /v1/orders/{id}/refunds', () => {
  it('refunds part, then the rest: the order shows both and becomes refunded; the provider refunds them', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    const { order, variantId } = await flows.paidOrder(buyer, seller, { priceMinor: 2500, quantity: 2 });

    const partial = await flows.refund(seller.token, order.id, { amount: usd(1000), reason: 'scratched' });
    expect(partial.statusCode, partial.body).toBe(201);
    expect(partial.json()).toMatchObject({
      order_id: order.id,
      amount: usd(1000),
      reason: 'scratched',
      status: 'pending',
    });
    expect(partial.json().id).toMatch(/^ref_/);
    expect(await orderOf(buyer, order.id)).toMatchObject({
      status: 'paid',
      refunded: usd(1000),
      refunds: [partial.json()],
    });

    const rest = await flows.refund(seller.token, order.id, { amount: usd(4000), reason: 'returned' });
    expect(rest.statusCode, rest.body).toBe(201);
    const refunded = await orderOf(buyer, order.id);
    expect(refunded).toMatchObject({ status: 'refunded', refunded: usd(5000) });
    expect(refunded.refunds.map((r: { amount: { amount: number } }) => r.amount.amount)).toEqual([
      1000, 4000,
    ]);
    // Refunded before shipping: nothing will ship, so the reservation is released.
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await eventsOf('refund.created.v1', partial.json().id)).toHaveLength(1);
    expect(await eventsOf('order.refunded.v1', order.id)).toHaveLength(1);

    await flows.drainJobs();
    const settled = await orderOf(buyer, order.id);
    expect(settled.refunds.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded']);
    const [provider] = await t.db.query<{ refunded: number }>(sql`
      SELECT sum(r.amount)::int AS refunded FROM sandbox_refunds r JOIN sandbox_intents i ON i.id = r.intent_id
      WHERE i.payment_id = ${refunded.payment_id}`);
    expect(provider!.refunded).toBe(5000);
    expect(await balanceOf(seller)).toEqual({ pending: usd(0), available: usd(0), paid_out: usd(0) });
  });

  it('keeps the books true when the provider refuses a refund: the money stays there, owed to the buyer', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 2500, quantity: 2 });
    // The provider has nothing left to refund on this charge (refunded elsewhere, say): it refuses.
    await t.db.execute(sql`
      UPDATE sandbox_intents SET refunded_amount = amount
      WHERE payment_id = (SELECT payment_id FROM orders WHERE id = ${order.id})`);
    const refund = await flows.refund(seller.token, order.id, { amount: usd(1000), reason: 'scratched' });
    expect(refund.statusCode, refund.body).toBe(201);
    await flows.drainJobs();
    const [settled] = (await orderOf(buyer, order.id)).refunds;
    expect(settled).toMatchObject({ id: refund.json().id, status: 'failed' });

    const postings = await t.db.query<{ name: string; kind: string; amount: number }>(sql`
      SELECT a.name, e.kind, sum(p.amount)::int AS amount
      FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id JOIN ledger_accounts a ON a.id = p.account_id
      WHERE e.order_id = ${order.id} AND a.shop_id IS NULL
      GROUP BY a.name, e.kind ORDER BY e.kind, a.name`);
    expect(postings).toEqual([
      { name: 'commission', kind: 'payment', amount: expect.any(Number) },
      { name: 'provider_clearing', kind: 'payment', amount: 5000 },
      { name: 'commission', kind: 'refund', amount: expect.any(Number) },
      { name: 'provider_clearing', kind: 'refund', amount: -1000 },
      { name: 'provider_clearing', kind: 'refund_failure', amount: 1000 },
      { name: 'refunds_owed', kind: 'refund_failure', amount: -1000 },
    ]);
    // Rerunning the outcome (a duplicate job or webhook) books nothing twice.
    await flows.drainJobs();
    const [{ entries }] = (await t.db.query<{ entries: number }>(sql`
      SELECT count(*)::int AS entries FROM ledger_entries WHERE kind = 'refund_failure' AND order_id = ${order.id}`)) as [
      { entries: number },
    ];
    expect(entries).toBe(1);
    const trial = await t.services.ledger.trialBalance();
    expect(trial.totals.debits).toEqual(trial.totals.credits);
  });

  it('refuses more than is left (422), an unpaid order (409), a buyer (403), another shop (404), and bad bodies', async () => {
    const [seller, other, buyer] = [await newSeller(), await newSeller(), await newUser(t.db)];
    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 3000 });
    const body = { amount: usd(100), reason: 'r' };

    expectProblem(
      await flows.refund(seller.token, order.id, { amount: usd(3001), reason: 'too much' }),
      422,
      'validation_failed',
    );
    expect(
      (await flows.refund(seller.token, order.id, { amount: usd(3001), reason: 'x' })).json().errors[0].path,
    ).toBe('/amount/amount');
    expectProblem(await flows.refund(buyer.token, order.id, body), 403, 'forbidden', 'not_order_seller');
    expectProblem(await flows.refund(other.token, order.id, body), 404, 'not_found', 'order_not_found');
    expectProblem(await flows.refund(seller.token, 'ord_unknown', body), 404, 'not_found', 'order_not_found');
    expectProblem(
      await flows.call('POST', `/v1/orders/${order.id}/refunds`, undefined, body, {
        'idempotency-key': freshKey(),
      }),
      401,
      'unauthenticated',
    );
    const noKey = await flows.call('POST', `/v1/orders/${order.id}/refunds`, seller.token, body);
    expectProblem(noKey, 422, 'validation_failed');
    expect(noKey.json().errors[0].path).toBe('/headers/idempotency-key');
    for (const bad of [
      { amount: { amount: 100, currency: 'EUR' }, reason: 'r' },
      { amount: usd(0), reason: 'r' },
      { amount: usd(10.5), reason: 'r' },
      { amount: usd(100) },
      { amount: usd(100), reason: 'r', status: 'succeeded' },
      { amount: usd(100), reason: 'r', restock_items: [{ order_item_id: 'oi_x', quantity: 0 }] },
    ]) {
      expectProblem(await flows.refund(seller.token, order.id, bad), 422, 'validation_failed');
    }
    const foreignItem = await flows.refund(seller.token, order.id, {
      ...body,
      restock_items: [{ order_item_id: 'oi_other', quantity: 1 }],
    });
    expectProblem(foreignItem, 422, 'validation_failed', 'restock_item_unknown');
    expect(foreignItem.json().errors[0].path).toBe('/restock_items/0/order_item_id');
    const tooMany = await flows.refund(seller.token, order.id, {
      ...body,
      restock_items: [{ order_item_id: order.items[0]!.id, quantity: 2 }],
    });
    expect(tooMany.json().errors[0].path).toBe('/restock_items/0/quantity');

    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 3 }] });
    const unpaid = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    expectProblem(
      await flows.refund(seller.token, unpaid.orders[0]!.id, body),
      409,
      'invalid_state',
      'order_not_paid',
    );
    // Nothing above refunded anything.
    expect((await orderOf(buyer, order.id)).refunded).toEqual(usd(0));

    const byAdmin = await flows.refund(admin.token, order.id, { amount: usd(3000), reason: 'chargeback' });
    expect(byAdmin.statusCode).toBe(201);
    expectProblem(
      await flows.refund(admin.token, order.id, body),
      422,
      'validation_failed',
      'refund_exceeds_remaining',
    );
  });

  it('replays a retried key, refuses the key with another body, and never refunds twice', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 3000 });
    const key = freshKey();
    const first = await flows.refund(seller.token, order.id, { amount: usd(700), reason: 'late' }, key);
    const retry = await flows.refund(seller.token, order.id, { amount: usd(700), reason: 'late' }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expectProblem(
      await flows.refund(seller.token, order.id, { amount: usd(800), reason: 'late' }, key),
      422,
      'idempotency_key_reused',
    );
    expect((await orderOf(buyer, order.id)).refunded).toEqual(usd(700));
  });

  it('restock_items releases reserved units before shipping (shipping commits the rest) and restocks after', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    const { order, variantId } = await flows.paidOrder(buyer, seller, {
      priceMinor: 1000,
      quantity: 3,
      stock: 10,
    });
    const itemId = order.items[0]!.id;
    const before = await flows.refund(seller.token, order.id, {
      amount: usd(1000),
      reason: 'one short',
      restock_items: [{ order_item_id: itemId, quantity: 1 }],
    });
    expect(before.statusCode, before.body).toBe(201);
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 10, reserved: 2 });
    await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
      carrier: 'UPS',
      tracking_number: '1Z',
    });
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 8, reserved: 0 });

    const after = await flows.refund(seller.token, order.id, {
      amount: usd(2000),
      reason: 'returned',
      restock_items: [
        { order_item_id: itemId, quantity: 1 },
        { order_item_id: itemId, quantity: 1 },
      ],
    });
    expect(after.statusCode, after.body).toBe(201);
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await orderOf(buyer, order.id)).toMatchObject({ status: 'refunded', refunded: usd(3000) });
  });
});

describe('cancelling a paid order', () => {
  it('cancels it with an automatic full refund; its stock and the seller money go back', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    const { order, variantId } = await flows.paidOrder(buyer, seller, { priceMinor: 1999, quantity: 2 });
    expect(await balanceOf(seller)).toMatchObject({ pending: usd(3598) });
    await flows.refund(seller.token, order.id, { amount: usd(500), reason: 'discount' });

    const cancelled = await flows.call('POST', `/v1/orders/${order.id}/cancel`, buyer.token);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', refunded: usd(3998), total: usd(3998) });
    expect(cancelled.json().refunds.map((r: { amount: { amount: number } }) => r.amount.amount)).toEqual([
      500, 3498,
    ]);
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await balanceOf(seller)).toEqual({ pending: usd(0), available: usd(0), paid_out: usd(0) });
    expect(await eventsOf('order.cancelled.v1', order.id)).toHaveLength(1);
    expect(await eventsOf('order.refunded.v1', order.id)).toHaveLength(1);
    expectProblem(
      await flows.call('POST', `/v1/orders/${order.id}/cancel`, buyer.token),
      409,
      'invalid_state',
    );
  });
});

describe('payment outcomes', () => {
  it('refunds automatically an order cancelled or expired while its payment was processing, and pays the rest', async () => {
    const [sellerA, sellerB, buyer] = [await newSeller(), await newSeller(), await newUser(t.db)];
    const a = await newStockedProduct(t.db, {
      shopId: sellerA.shopId!,
      variants: [{ priceMinor: 1000, stock: 5 }],
    });
    const b = await newStockedProduct(t.db, {
      shopId: sellerB.shopId!,
      variants: [{ priceMinor: 2000, stock: 5 }],
    });
    const c = await newStockedProduct(t.db, {
      shopId: sellerB.shopId!,
      variants: [{ priceMinor: 400, stock: 5 }],
    });
    const placed = await flows.placeOrder(buyer, [
      { variantId: a.variants[0]!.id, quantity: 1 },
      { variantId: b.variants[0]!.id, quantity: 1 },
    ]);
    const orderA = placed.orders.find((o) => o.shop.id === sellerA.shopId)!;
    const orderB = placed.orders.find((o) => o.shop.id === sellerB.shopId)!;
    expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_slow')).json().status).toBe('processing');

    const cancelled = await flows.call('POST', `/v1/orders/${orderA.id}/cancel`, buyer.token);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', refunded: usd(0) });
    expect(await stockOf(t.db, a.variants[0]!.id)).toEqual({ onHand: 5, reserved: 0 });
    // The charge in flight is for both orders: the payment keeps its amount.
    expect((await flows.call('GET', `/v1/payments/${placed.payment.id}`, buyer.token)).json()).toMatchObject({
      status: 'processing',
      amount: usd(3000),
    });
    await flows.runJobsUntil(async () => (await paymentStatus(placed.payment.id)) === 'succeeded');

    expect(await orderOf(buyer, orderB.id)).toMatchObject({ status: 'paid' });
    const refundedA = await orderOf(buyer, orderA.id);
    expect(refundedA).toMatchObject({ status: 'cancelled', refunded: usd(1000) });
    expect(refundedA.refunds).toHaveLength(1);
    // Its money did arrive: never refunded without having been paid.
    expect(refundedA.paid_at).not.toBeNull();
    // Orders announce the refund that payments recorded for it.
    const [announced] = await t.db.query<{ data: { refunded: unknown; refunds: { id: string }[] } }>(sql`
      SELECT data FROM outbox_events WHERE type = 'order.refunded.v1' AND data->>'id' = ${orderA.id}`);
    expect(announced?.data).toMatchObject({
      refunded: usd(1000),
      refunds: [{ id: refundedA.refunds[0].id }],
    });
    expect(await balanceOf(sellerA)).toMatchObject({ pending: usd(0) });
    expect(await balanceOf(sellerB)).toMatchObject({ pending: usd(1800) });

    // The same through expiry.
    const late = await flows.placeOrder(buyer, [{ variantId: c.variants[0]!.id, quantity: 2 }]);
    await flows.confirm(buyer, late.payment.id, 'pm_card_slow');
    await t.db.execute(
      sql`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ${late.orders[0]!.id}`,
    );
    expect(await t.services.orders.expire(late.orders[0]!.id)).toBe(true);
    await flows.runJobsUntil(async () => (await paymentStatus(late.payment.id)) === 'succeeded');
    expect(await orderOf(buyer, late.orders[0]!.id)).toMatchObject({
      status: 'cancelled',
      refunded: usd(800),
    });
    expect(await balanceOf(sellerB)).toMatchObject({ pending: usd(1800) });
  });

  it('a failure after every order left a processing payment cancels it', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 5 }] });
    const placed = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    await flows.confirm(buyer, placed.payment.id, 'pm_card_slow');
    await flows.call('POST', `/v1/orders/${placed.orders[0]!.id}/cancel`, buyer.token);
    const [intent] = await t.db.query<{ id: string }>(
      sql`SELECT id FROM sandbox_intents WHERE payment_id = ${placed.payment.id}`,
    );
    const failed = await flows.sandboxWebhook(
      JSON.stringify({
        id: `evt_fail_${placed.payment.id}`,
        type: 'payment.failed',
        created: Math.floor(Date.now() / 1000),
        data: {
          payment_id: placed.payment.id,
          attempt: 1,
          intent_id: intent!.id,
          failure_code: 'card_declined',
        },
      }),
    );
    expect(failed.json().outcome).toBe('applied');
    expect((await flows.call('GET', `/v1/payments/${placed.payment.id}`, buyer.token)).json()).toMatchObject({
      status: 'canceled',
      amount: usd(0),
      orders: [],
      failure_code: 'card_declined',
    });
    expect(await eventsOf('payment.failed.v1', placed.payment.id)).toHaveLength(1);
    expectProblem(
      await flows.confirm(buyer, placed.payment.id, 'pm_card_visa'),
      409,
      'invalid_state',
      'payment_not_confirmable',
    );
  });

  it('reconciliation settles a payment whose webhook was lost, and fails an attempt the provider never confirmed', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 1500, stock: 5 }],
    });
    const lost = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    await flows.confirm(buyer, lost.payment.id, 'pm_card_slow');
    // The provider settled it, and its webhook never came.
    await t.db.execute(
      sql`UPDATE sandbox_intents SET status = 'succeeded' WHERE payment_id = ${lost.payment.id}`,
    );
    await t.db.execute(sql`DELETE FROM jobs WHERE kind LIKE 'sandbox.%'`);
    expect(await t.services.payments.reconcile()).toBe(0);
    await t.db.execute(
      sql`UPDATE payments SET processing_since = now() - interval '6 minutes' WHERE id = ${lost.payment.id}`,
    );
    expect(await t.services.payments.reconcile()).toBe(1);
    expect(await orderOf(buyer, lost.orders[0]!.id)).toMatchObject({ status: 'paid' });

    // A process died after marking an attempt processing, before the provider heard of it.
    const interrupted = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    await t.db.execute(sql`
      UPDATE payments SET status = 'processing', attempt = 1, payment_method = 'pm_card_visa',
        processing_since = now() - interval '6 minutes'
      WHERE id = ${interrupted.payment.id}`);
    expect(await t.services.payments.reconcile()).toBe(1);
    expect(
      (await flows.call('GET', `/v1/payments/${interrupted.payment.id}`, buyer.token)).json(),
    ).toMatchObject({
      status: 'failed',
      failure_code: 'confirmation_interrupted',
    });
    expect((await flows.confirm(buyer, interrupted.payment.id, 'pm_card_visa')).json().status).toBe(
      'succeeded',
    );
    const charges = await t.db.query(sql`
      SELECT c.id FROM sandbox_charges c JOIN sandbox_intents i ON i.id = c.intent_id WHERE i.payment_id = ${interrupted.payment.id}`);
    expect(charges).toHaveLength(1);
  });
});

describe('units sold', () => {
  it('count when an order is paid, not before, and sort=best_selling follows at once', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    const first = await flows.paidOrder(buyer, seller, { quantity: 2 });
    const second = await flows.paidOrder(buyer, seller, { quantity: 3 });
    // Placed but not paid: does not count.
    await flows.placeOrder(buyer, [{ variantId: first.variantId, quantity: 5 }]);
    const bestSelling = async () =>
      (await flows.call('GET', `/v1/products?shop=${seller.shopId}&sort=best_selling`))
        .json()
        .data.map((product: { id: string }) => product.id);
    expect(await bestSelling()).toEqual([second.product.id, first.product.id]);

    const placed = await flows.placeOrder(buyer, [{ variantId: first.variantId, quantity: 2 }]);
    const paid = await flows.confirm(buyer, placed.payment.id, 'pm_card_visa');
    expect(paid.json().status).toBe('succeeded');
    // The listing page cached above was dropped when the payment committed.
    expect(await bestSelling()).toEqual([first.product.id, second.product.id]);
  });
});

describe('payouts', () => {
  it('pays out available money only, never more; the provider pays it and says so by webhook', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    await flows.enablePayouts(seller);
    const payout = (amount: number, key = freshKey()) =>
      flows.call(
        'POST',
        '/v1/shop/payouts',
        seller.token,
        { amount: usd(amount) },
        { 'idempotency-key': key },
      );
    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 10_000 });
    expect(await balanceOf(seller)).toEqual({ pending: usd(9000), available: usd(0), paid_out: usd(0) });
    expectProblem(await payout(1), 422, 'validation_failed');

    await shipAndDeliver(seller, buyer, order.id);
    expect(await balanceOf(seller)).toEqual({ pending: usd(0), available: usd(9000), paid_out: usd(0) });
    const tooMuch = await payout(9001);
    expectProblem(tooMuch, 422, 'validation_failed', 'payout_exceeds_available');
    expect(tooMuch.json().errors[0].path).toBe('/amount');

    const key = freshKey();
    const made = await payout(4000, key);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ amount: usd(4000), status: 'pending' });
    expect(made.json().id).toMatch(/^po_/);
    const replay = await payout(4000, key);
    expect(replay.body).toBe(made.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await balanceOf(seller)).toEqual({ pending: usd(0), available: usd(5000), paid_out: usd(4000) });
    expect(await eventsOf('payout.created.v1', made.json().id)).toHaveLength(1);
    // Its shop rides along, so the shop's webhook endpoints receive it (and no other shop's do).
    const [created] = await t.db.query<{ shop_id: string }>(
      sql`SELECT data->>'shop_id' AS shop_id FROM outbox_events WHERE type = 'payout.created.v1' AND data->>'id' = ${made.json().id}`,
    );
    expect(created!.shop_id).toBe(seller.shopId);

    const listed = async () => (await flows.call('GET', '/v1/shop/payouts', seller.token)).json();
    expect((await listed()).data).toEqual([made.json()]);
    await flows.runJobsUntil(async () => (await listed()).data[0].status === 'paid');
    expect(await balanceOf(seller)).toEqual({ pending: usd(0), available: usd(5000), paid_out: usd(4000) });
  });

  it('needs a shop, an Idempotency-Key and the marketplace currency; lists newest first with a cursor', async () => {
    const [seller, buyer] = [await newSeller(), await newUser(t.db)];
    await flows.enablePayouts(seller);
    expectProblem(
      await flows.call(
        'POST',
        '/v1/shop/payouts',
        buyer.token,
        { amount: usd(1) },
        { 'idempotency-key': freshKey() },
      ),
      403,
      'forbidden',
    );
    expectProblem(await flows.call('GET', '/v1/shop/payouts', buyer.token), 403, 'forbidden');
    expectProblem(await flows.call('GET', '/v1/shop/payouts'), 401, 'unauthenticated');
    const noKey = await flows.call('POST', '/v1/shop/payouts', seller.token, { amount: usd(1) });
    expect(noKey.json().errors[0].path).toBe('/headers/idempotency-key');
    expectProblem(
      await flows.call(
        'POST',
        '/v1/shop/payouts',
        seller.token,
        { amount: { amount: 1, currency: 'EUR' } },
        { 'idempotency-key': freshKey() },
      ),
      422,
      'validation_failed',
    );

    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 1000 });
    await shipAndDeliver(seller, buyer, order.id);
    const ids: string[] = [];
    for (const amount of [100, 200, 300]) {
      const made = await flows.call(
        'POST',
        '/v1/shop/payouts',
        seller.token,
        { amount: usd(amount) },
        { 'idempotency-key': freshKey() },
      );
      ids.push(made.json().id);
    }
    const first = (await flows.call('GET', '/v1/shop/payouts?limit=2', seller.token)).json();
    const second = (
      await flows.call('GET', `/v1/shop/payouts?limit=2&cursor=${first.next_cursor}`, seller.token)
    ).json();
    expect([...first.data, ...second.data].map((p: { id: string }) => p.id)).toEqual([...ids].reverse());
    expect(second.next_cursor).toBeNull();
    expectProblem(
      await flows.call('GET', '/v1/shop/payouts?cursor=nope', seller.token),
      422,
      'validation_failed',
    );
  });
});
