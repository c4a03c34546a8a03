import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, stockOf } from '../../../test/factories/inventory.js';
import { moneyFlows, usd } from '../../../test/factories/payments.js';
import { newShippingOption } from '../../../test/factories/shipping.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';
import { refundShares } from '../ledger/ledger.policy.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;
let seller: TestUser;
let otherSeller: TestUser;
let otherBuyer: TestUser;

/**
 * Every order of this file: 3 × 1000 (item a) and 1 × 500 (item b), a platform-funded 10% off,
 * 10% tax on merchandise and shipping, flat shipping 500. Discounts: a 300, b 50. Tax: a 270, b 45,
 * shipping 50. Total 4015; the buyer paid a 2970, b 495 and shipping 550. Commission: 10% of the
 * undiscounted merchandise (3500), 350; the platform's subsidy 350.
 */
const ORDER = { total: 4015, tax: 365, commission: 350, expense: 350, shipping: 550 };

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_DB_POOL_SIZE: '10' } });
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
  seller = await newUser(t.db, { shop: 'Return Shop' });
  otherSeller = await newUser(t.db, { shop: 'Other Shop' });
  otherBuyer = await newUser(t.db);
  await newShippingOption(t, seller);
  const rate = await flows.call('POST', '/v1/admin/tax-rates', admin.token, {
    name: 'US',
    country: 'US',
    rate_bps: 1000,
    applies_to_shipping: true,
  });
  expect(rate.statusCode, rate.body).toBe(201);
  const promotion = await flows.call('POST', '/v1/admin/promotions', admin.token, {
    automatic: true,
    type: 'percentage',
    percent_bps: 1000,
  });
  expect(promotion.statusCode, promotion.body).toBe(201);
});
afterAll(async () => {
  await t.close();
});

type Stage = 'paid' | 'shipped' | 'delivered';

/** A paid order of this file's shape, taken to `stage`. */
async function order(stage: Stage = 'shipped') {
  const buyer = await newUser(t.db);
  const product = await newStockedProduct(t.db, {
    shopId: seller.shopId!,
    variants: [
      { priceMinor: 1000, stock: 10 },
      { priceMinor: 500, stock: 10 },
    ],
  });
  const [va, vb] = product.variants.map((v) => v.id) as [string, string];
  const placed = await flows.placeOrder(buyer, [
    { variantId: va, quantity: 3 },
    { variantId: vb, quantity: 1 },
  ]);
  expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_visa')).json().status).toBe('succeeded');
  const placedOrder = placed.orders[0]!;
  expect(placedOrder.total.amount).toBe(ORDER.total);
  const itemOf = (variantId: string) =>
    (placedOrder.items as unknown as { id: string; variant_id: string }[]).find(
      (i) => i.variant_id === variantId,
    )!.id;
  if (stage !== 'paid') {
    const shipped = await flows.call('POST', `/v1/orders/${placedOrder.id}/ship`, seller.token, {
      carrier: 'UPS',
      tracking_number: '1Z',
    });
    expect(shipped.statusCode, shipped.body).toBe(200);
  }
  if (stage === 'delivered') {
    const delivered = await flows.call('POST', `/v1/orders/${placedOrder.id}/confirm-delivery`, buyer.token);
    expect(delivered.statusCode, delivered.body).toBe(200);
  }
  return { buyer, orderId: placedOrder.id, va, vb, a: itemOf(va), b: itemOf(vb) };
}

const ask = (orderId: string, token: string, body: object) =>
  flows.call('POST', `/v1/orders/${orderId}/returns`, token, body);
const act = (id: string, action: string, token: string, body: object = {}) =>
  flows.call('POST', `/v1/returns/${id}/${action}`, token, body);
const resolve = (id: string, body: object, token = admin.token) =>
  flows.call('POST', `/v1/admin/returns/${id}/resolve`, token, body);

async function requested(placed: Awaited<ReturnType<typeof order>>, body: object) {
  const response = await ask(placed.orderId, placed.buyer.token, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const eventsOf = async (returnId: string) =>
  (
    await t.db.query<{ type: string }>(
      sql`SELECT type FROM outbox_events WHERE data->>'id' = ${returnId} ORDER BY seq`,
    )
  ).map((row) => row.type);

const sellerMoney = async () => {
  const balance = (await flows.call('GET', '/v1/shop/balance', seller.token)).json();
  return balance.pending.amount + balance.available.amount;
};

async function trialBalance() {
  const trial = (await flows.call('GET', '/v1/admin/ledger/trial-balance', admin.token)).json();
  expect(trial.totals.debits).toEqual(trial.totals.credits);
  const balanceOf = (account: string) =>
    trial.accounts.find((a: { account: string }) => a.account === account).balance.amount as number;
  return { refundsExpense: balanceOf('refunds_expense'), clearing: balanceOf('provider_clearing') };
}

describe('asking for a return', () => {
  it('records a request of shipped units, valued at what the buyer paid, for the seller to answer', async () => {
    const placed = await order('shipped');
    const response = await ask(placed.orderId, placed.buyer.token, {
      items: [{ order_item_id: placed.a, quantity: 1 }],
      reason: 'changed_mind',
      note: 'too big',
    });
    expect(response.statusCode, response.body).toBe(201);
    const ret = response.json();
    expect(ret.id).toMatch(/^rtn_/);
    expect(ret).toMatchObject({
      order_id: placed.orderId,
      buyer_id: placed.buyer.id,
      shop_id: seller.shopId,
      status: 'requested',
      reason: 'changed_mind',
      note: 'too big',
      // A third of item a's paid 2970 (price less discount plus tax); no shipping for a change of mind.
      items: [{ order_item_id: placed.a, quantity: 1, amount: usd(990) }],
      shipping: usd(0),
      amount: usd(990),
      refund_id: null,
      funded_by: null,
      restock: null,
      history: [{ status: 'requested', actor: 'buyer', note: 'too big' }],
    });
    const respondBy = new Date(ret.respond_by).getTime() - new Date(ret.created_at).getTime();
    expect(Math.round(respondBy / 86_400_000)).toBe(3);
    expect(await eventsOf(ret.id)).toEqual(['return.requested.v1']);
    const [job] = await t.db.query<{ kind: string }>(sql`SELECT kind FROM jobs WHERE dedupe_key = ${ret.id}`);
    expect(job?.kind).toBe('returns.auto-approve');
  });

  it('gives the shipping back when the seller is at fault or the whole order comes back, once', async () => {
    const damaged = await order('delivered');
    const first = await requested(damaged, {
      items: [{ order_item_id: damaged.a, quantity: 1 }],
      reason: 'damaged',
    });
    expect(first).toMatchObject({ shipping: usd(ORDER.shipping), amount: usd(990 + ORDER.shipping) });
    const second = await requested(damaged, {
      items: [{ order_item_id: damaged.a, quantity: 1 }],
      reason: 'wrong_item',
    });
    // Item a's second unit: 1980 − 990; the shipping went back with the first return.
    expect(second).toMatchObject({ shipping: usd(0), amount: usd(990) });

    const whole = await order('shipped');
    const all = await requested(whole, {
      items: [
        { order_item_id: whole.a, quantity: 3 },
        { order_item_id: whole.b, quantity: 1 },
      ],
      reason: 'other',
    });
    expect(all).toMatchObject({ shipping: usd(ORDER.shipping), amount: usd(ORDER.total) });
  });

  it('never asks back more than was shipped, less what is returned or refunded already', async () => {
    const placed = await order('shipped');
    const over = await ask(placed.orderId, placed.buyer.token, {
      items: [{ order_item_id: placed.a, quantity: 4 }],
      reason: 'other',
    });
    expectProblem(over, 422, 'validation_failed', 'return_quantity_exceeded');
    expect(over.json().errors).toEqual([
      { path: '/items/0/quantity', message: 'at most 3 of this item can be returned' },
    ]);
    // The same item twice counts together.
    expectProblem(
      await ask(placed.orderId, placed.buyer.token, {
        items: [
          { order_item_id: placed.a, quantity: 2 },
          { order_item_id: placed.a, quantity: 2 },
        ],
        reason: 'other',
      }),
      422,
      'validation_failed',
      'return_quantity_exceeded',
    );
    await requested(placed, { items: [{ order_item_id: placed.a, quantity: 2 }], reason: 'other' });
    const left = await ask(placed.orderId, placed.buyer.token, {
      items: [{ order_item_id: placed.a, quantity: 2 }],
      reason: 'other',
    });
    expectProblem(left, 422, 'validation_failed', 'return_quantity_exceeded');
    expect(left.json().errors[0].message).toBe('at most 1 of this item can be returned');
    // A seller refund that took a unit back (restocked) leaves it with nobody to return.
    const refund = await flows.refund(seller.token, placed.orderId, {
      amount: usd(990),
      reason: 'goodwill',
      restock_items: [{ order_item_id: placed.a, quantity: 1 }],
    });
    expect(refund.statusCode, refund.body).toBe(201);
    const none = await ask(placed.orderId, placed.buyer.token, {
      items: [{ order_item_id: placed.a, quantity: 1 }],
      reason: 'other',
    });
    expectProblem(none, 422, 'validation_failed', 'return_quantity_exceeded');
    expect(none.json().errors[0].message).toBe('no unit of this item is left to return');
    expectProblem(
      await ask(placed.orderId, placed.buyer.token, {
        items: [{ order_item_id: 'oi_unknown', quantity: 1 }],
        reason: 'other',
      }),
      422,
      'validation_failed',
      'return_item_unknown',
    );
    expectProblem(
      await ask(placed.orderId, placed.buyer.token, { items: [], reason: 'other' }),
      422,
      'validation_failed',
    );
    expectProblem(
      await ask(placed.orderId, placed.buyer.token, {
        items: [{ order_item_id: placed.b, quantity: 1 }],
        reason: 'broken',
      }),
      422,
      'validation_failed',
    );
  });

  it('refuses a refund past what is still refundable', async () => {
    const placed = await order('shipped');
    const refund = await flows.refund(seller.token, placed.orderId, {
      amount: usd(ORDER.total - 500),
      reason: 'most',
    });
    expect(refund.statusCode, refund.body).toBe(201);
    const response = await ask(placed.orderId, placed.buyer.token, {
      items: [{ order_item_id: placed.a, quantity: 1 }],
      reason: 'other',
    });
    expectProblem(response, 422, 'validation_failed', 'return_exceeds_refundable');
    expect(response.json().errors[0].path).toBe('/items');
  });

  it('takes returns only of shipped or delivered orders, within the shop’s window after delivery', async () => {
    const paid = await order('paid');
    expectProblem(
      await ask(paid.orderId, paid.buyer.token, {
        items: [{ order_item_id: paid.a, quantity: 1 }],
        reason: 'other',
      }),
      409,
      'invalid_state',
      'order_not_returnable',
    );
    const late = await order('delivered');
    await t.db.execute(
      sql`UPDATE orders SET delivered_at = now() - interval '31 days' WHERE id = ${late.orderId}`,
    );
    const closed = await ask(late.orderId, late.buyer.token, {
      items: [{ order_item_id: late.a, quantity: 1 }],
      reason: 'damaged',
    });
    expectProblem(closed, 422, 'validation_failed', 'return_window_closed');
    expect(closed.json().errors[0]).toMatchObject({ path: '/items' });
    await t.db.execute(
      sql`UPDATE orders SET delivered_at = now() - interval '29 days' WHERE id = ${late.orderId}`,
    );
    await requested(late, { items: [{ order_item_id: late.a, quantity: 1 }], reason: 'damaged' });

    const noReturns = await newUser(t.db, { shop: 'Final Sale' });
    expect(
      (await flows.call('PATCH', '/v1/me/shop', noReturns.token, { return_window_days: 0 })).statusCode,
    ).toBe(200);
    const buyer = await newUser(t.db);
    const sold = await flows.paidOrder(buyer, noReturns);
    await flows.call('POST', `/v1/orders/${sold.order.id}/ship`, noReturns.token, {
      carrier: 'UPS',
      tracking_number: '1',
    });
    const none = await ask(sold.order.id, buyer.token, {
      items: [{ order_item_id: sold.order.items[0]!.id, quantity: 1 }],
      reason: 'damaged',
    });
    expectProblem(none, 422, 'validation_failed', 'return_window_closed');
    expect(none.json().errors[0].message).toBe('this shop does not take returns');
  });

  it('is for the order’s buyer: anyone else who may read the order is refused, others learn nothing', async () => {
    const placed = await order('shipped');
    const body = { items: [{ order_item_id: placed.a, quantity: 1 }], reason: 'other' };
    expectProblem(await ask(placed.orderId, otherBuyer.token, body), 404, 'not_found');
    expectProblem(await ask(placed.orderId, otherSeller.token, body), 404, 'not_found');
    expectProblem(await ask(placed.orderId, seller.token, body), 403, 'forbidden', 'not_return_buyer');
    expectProblem(await ask('ord_unknown', placed.buyer.token, body), 404, 'not_found');
    expectProblem(await ask(placed.orderId, '', body), 401, 'unauthenticated');
  });
});

describe('reading returns', () => {
  it('shows a return to its buyer, its shop’s seller and admins, and to nobody else', async () => {
    const placed = await order('shipped');
    const ret = await requested(placed, {
      items: [{ order_item_id: placed.b, quantity: 1 }],
      reason: 'other',
    });
    for (const token of [placed.buyer.token, seller.token, admin.token]) {
      const one = await flows.call('GET', `/v1/returns/${ret.id}`, token);
      expect(one.statusCode, one.body).toBe(200);
      expect(one.json()).toEqual(ret);
      const ofOrder = await flows.call('GET', `/v1/orders/${placed.orderId}/returns`, token);
      expect(ofOrder.json()).toEqual({ data: [ret], next_cursor: null });
    }
    for (const token of [otherBuyer.token, otherSeller.token]) {
      expectProblem(await flows.call('GET', `/v1/returns/${ret.id}`, token), 404, 'not_found');
      expectProblem(await flows.call('GET', `/v1/orders/${placed.orderId}/returns`, token), 404, 'not_found');
    }
    expectProblem(await flows.call('GET', '/v1/returns/rtn_unknown', admin.token), 404, 'not_found');
  });

  it('lists the shop’s returns newest first, by status, and every shop’s for admins', async () => {
    const placed = await order('shipped');
    const first = await requested(placed, {
      items: [{ order_item_id: placed.a, quantity: 1 }],
      reason: 'other',
    });
    const second = await requested(placed, {
      items: [{ order_item_id: placed.b, quantity: 1 }],
      reason: 'other',
    });
    expect((await act(second.id, 'reject', seller.token, { reason: 'used' })).statusCode).toBe(200);
    const all = (await flows.call('GET', '/v1/shop/returns?limit=100', seller.token)).json();
    const ids = all.data.map((r: { id: string }) => r.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(ids).toContain(first.id);
    const rejected = (
      await flows.call('GET', '/v1/shop/returns?status=rejected&limit=100', seller.token)
    ).json();
    expect(rejected.data.map((r: { id: string }) => r.id)).toContain(second.id);
    expect(rejected.data.every((r: { status: string }) => r.status === 'rejected')).toBe(true);
    const paged = (await flows.call('GET', '/v1/shop/returns?limit=1', seller.token)).json();
    expect(paged.data).toHaveLength(1);
    const next = (
      await flows.call('GET', `/v1/shop/returns?limit=1&cursor=${paged.next_cursor}`, seller.token)
    ).json();
    expect(next.data[0].id).not.toBe(paged.data[0].id);
    expect((await flows.call('GET', '/v1/shop/returns', otherSeller.token)).json().data).toEqual([]);
    expectProblem(await flows.call('GET', '/v1/shop/returns', otherBuyer.token), 403, 'forbidden');
    expectProblem(
      await flows.call('GET', '/v1/shop/returns?status=lost', seller.token),
      422,
      'validation_failed',
    );
    const admins = (
      await flows.call('GET', '/v1/admin/returns?status=rejected&limit=100', admin.token)
    ).json();
    expect(admins.data.map((r: { id: string }) => r.id)).toContain(second.id);
    expectProblem(await flows.call('GET', '/v1/admin/returns', seller.token), 403, 'forbidden');
  });
});

describe('answering a return', () => {
  it('approves, then receives: one refund of the items, restocked, the seller bearing it', async () => {
    const placed = await order('delivered');
    const ret = await requested(placed, {
      items: [{ order_item_id: placed.a, quantity: 1 }],
      reason: 'changed_mind',
    });
    const before = { money: await sellerMoney(), stock: await stockOf(t.db, placed.va) };

    expectProblem(await act(ret.id, 'receive', seller.token, { restock: true }), 409, 'invalid_state');
    expectProblem(await act(ret.id, 'approve', placed.buyer.token), 403, 'forbidden', 'not_return_seller');
    expectProblem(await act(ret.id, 'approve', otherSeller.token), 404, 'not_found');
    expectProblem(await act(ret.id, 'approve', otherBuyer.token), 404, 'not_found');
    const approved = await act(ret.id, 'approve', seller.token, { note: 'send it back' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expectProblem(
      await act(ret.id, 'approve', seller.token),
      409,
      'invalid_state',
      'return_transition_refused',
    );
    expectProblem(await act(ret.id, 'reject', seller.token, { reason: 'no' }), 409, 'invalid_state');
    expectProblem(await act(ret.id, 'escalate', placed.buyer.token), 409, 'invalid_state');
    expectProblem(await act(ret.id, 'receive', placed.buyer.token, { restock: true }), 403, 'forbidden');
    expectProblem(await act(ret.id, 'receive', seller.token, {}), 422, 'validation_failed');

    const received = await act(ret.id, 'receive', seller.token, { restock: true });
    expect(received.statusCode, received.body).toBe(200);
    const done = received.json();
    expect(done).toMatchObject({ status: 'refunded', restock: true, funded_by: 'shop', amount: usd(990) });
    expect(done.history.map((h: { status: string; actor: string }) => `${h.status}:${h.actor}`)).toEqual([
      'requested:buyer',
      'approved:seller',
      'received:seller',
      'refunded:seller',
    ]);
    expect(done.history[1].note).toBe('send it back');
    expect(await eventsOf(ret.id)).toEqual([
      'return.requested.v1',
      'return.approved.v1',
      'return.received.v1',
      'return.refunded.v1',
    ]);
    const orderView = (await flows.call('GET', `/v1/orders/${placed.orderId}`, placed.buyer.token)).json();
    expect(orderView.status).toBe('delivered');
    expect(orderView.refunded).toEqual(usd(990));
    expect(orderView.refunds).toEqual([expect.objectContaining({ id: done.refund_id, amount: usd(990) })]);
    expect(await stockOf(t.db, placed.va)).toMatchObject({ onHand: before.stock.onHand + 1 });
    // The seller gives back its share of the refund (the oracle: the ledger's own rule on the order's figures).
    const shares = refundShares({
      capturedAmount: ORDER.total,
      commissionAmount: ORDER.commission,
      taxAmount: ORDER.tax,
      expenseAmount: ORDER.expense,
      refundedBefore: 0,
      refundedAfter: 990,
    });
    expect(shares.seller).toBe(900);
    expect(await sellerMoney()).toBe(before.money - shares.seller);
    await trialBalance();
    expectProblem(await act(ret.id, 'receive', seller.token, { restock: true }), 409, 'invalid_state');
    // Received and restocked, the unit is the order's to count: two units of a are left to return.
    const more = await ask(placed.orderId, placed.buyer.token, {
      items: [{ order_item_id: placed.a, quantity: 3 }],
      reason: 'other',
    });
    expect(more.json().errors[0].message).toBe('at most 2 of this item can be returned');
  });

  it('refunds the whole order, shipping included, and the order is refunded', async () => {
    const placed = await order('shipped');
    const ret = await requested(placed, {
      items: [
        { order_item_id: placed.a, quantity: 3 },
        { order_item_id: placed.b, quantity: 1 },
      ],
      reason: 'not_as_described',
    });
    expect((await act(ret.id, 'approve', seller.token)).statusCode).toBe(200);
    const stock = await stockOf(t.db, placed.vb);
    const received = await act(ret.id, 'receive', seller.token, { restock: false });
    expect(received.json()).toMatchObject({ status: 'refunded', restock: false, amount: usd(ORDER.total) });
    const orderView = (await flows.call('GET', `/v1/orders/${placed.orderId}`, placed.buyer.token)).json();
    expect(orderView).toMatchObject({ status: 'refunded', refunded: usd(ORDER.total) });
    expect(await stockOf(t.db, placed.vb)).toEqual(stock);
    await trialBalance();
  });

  it('refuses the refund at receipt when refunds since then leave too little (the refund’s own bound)', async () => {
    const placed = await order('shipped');
    const ret = await requested(placed, {
      items: [{ order_item_id: placed.b, quantity: 1 }],
      reason: 'other',
    });
    expect((await act(ret.id, 'approve', seller.token)).statusCode).toBe(200);
    expect(
      (await flows.refund(seller.token, placed.orderId, { amount: usd(ORDER.total - 100), reason: 'most' }))
        .statusCode,
    ).toBe(201);
    expectProblem(
      await act(ret.id, 'receive', seller.token, { restock: false }),
      422,
      'validation_failed',
      'refund_exceeds_remaining',
    );
    expect((await flows.call('GET', `/v1/returns/${ret.id}`, seller.token)).json().status).toBe('approved');
  });
});

describe('escalation', () => {
  async function escalated(reason = 'damaged') {
    const placed = await order('delivered');
    const ret = await requested(placed, { items: [{ order_item_id: placed.a, quantity: 1 }], reason });
    const rejected = await act(ret.id, 'reject', seller.token, { reason: 'looks fine to us' });
    expect(rejected.json()).toMatchObject({ status: 'rejected' });
    expectProblem(await act(ret.id, 'escalate', seller.token), 403, 'forbidden', 'not_return_buyer');
    expectProblem(await act(ret.id, 'escalate', otherBuyer.token), 404, 'not_found');
    expectProblem(await resolve(ret.id, { outcome: 'deny' }), 409, 'invalid_state');
    const up = await act(ret.id, 'escalate', placed.buyer.token, { note: 'it is broken' });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json().status).toBe('escalated');
    expectProblem(await act(ret.id, 'escalate', placed.buyer.token), 409, 'invalid_state');
    return { placed, ret: up.json() };
  }

  it('a platform-funded resolution is the platform’s cost: the seller’s money is untouched', async () => {
    const { placed, ret } = await escalated();
    const before = { money: await sellerMoney(), ledger: await trialBalance() };
    expectProblem(
      await resolve(ret.id, { outcome: 'refund', funded_by: 'platform' }, seller.token),
      403,
      'forbidden',
    );
    expectProblem(await resolve(ret.id, { outcome: 'deny', funded_by: 'shop' }), 422, 'validation_failed');
    const resolved = await resolve(ret.id, { outcome: 'refund', funded_by: 'platform' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const amount = 990 + ORDER.shipping;
    expect(resolved.json()).toMatchObject({ status: 'refunded', funded_by: 'platform', amount: usd(amount) });
    expect(resolved.json().history.at(-1)).toMatchObject({ status: 'refunded', actor: 'admin' });
    expect(await sellerMoney()).toBe(before.money);
    const after = await trialBalance();
    expect(after.refundsExpense - before.ledger.refundsExpense).toBe(amount);
    expect(after.clearing - before.ledger.clearing).toBe(-amount);
    const orderView = (await flows.call('GET', `/v1/orders/${placed.orderId}`, placed.buyer.token)).json();
    expect(orderView.refunded).toEqual(usd(amount));
    expect(await eventsOf(ret.id)).toEqual([
      'return.requested.v1',
      'return.rejected.v1',
      'return.escalated.v1',
      'return.refunded.v1',
    ]);
    expectProblem(await resolve(ret.id, { outcome: 'deny' }), 409, 'invalid_state');
  });

  it('a shop-funded resolution takes the seller’s share; a denial ends it', async () => {
    const { ret } = await escalated('other');
    const money = await sellerMoney();
    const resolved = await resolve(ret.id, { outcome: 'refund' });
    expect(resolved.json()).toMatchObject({ status: 'refunded', funded_by: 'shop', amount: usd(990) });
    expect(await sellerMoney()).toBe(money - 900);
    await trialBalance();

    const denied = await escalated();
    const response = await resolve(denied.ret.id, { outcome: 'deny' });
    expect(response.json()).toMatchObject({ status: 'denied', refund_id: null });
    expect(await eventsOf(denied.ret.id)).toContain('return.denied.v1');
    // A denied return no longer holds its units.
    await requested(denied.placed, {
      items: [{ order_item_id: denied.placed.a, quantity: 3 }],
      reason: 'other',
    });
  });
});

describe('automatic approval', () => {
  it('approves a request left unanswered, once, however many workers run the job', async () => {
    const placed = await order('shipped');
    const ret = await requested(placed, {
      items: [{ order_item_id: placed.a, quantity: 1 }],
      reason: 'other',
    });
    await t.db.execute(
      sql`UPDATE jobs SET run_at = now() - interval '1 minute' WHERE kind = 'returns.auto-approve' AND dedupe_key = ${ret.id}`,
    );
    const { JobRunner } = await import('../../platform/jobs.js');
    const { registerReturnJobs } = await import('./index.js');
    const workers = [new JobRunner(t.db, { workerId: 'one' }), new JobRunner(t.db, { workerId: 'two' })];
    for (const worker of workers) registerReturnJobs(worker, t.services.returns);
    await Promise.all(workers.map((worker) => worker.runDueJobs()));
    await Promise.all(workers.map((worker) => worker.runDueJobs()));
    const approved = (await flows.call('GET', `/v1/returns/${ret.id}`, placed.buyer.token)).json();
    expect(approved.status).toBe('approved');
    expect(approved.history.at(-1)).toMatchObject({
      status: 'approved',
      actor: 'system',
      note: 'not answered within 3 days',
    });
    expect(await eventsOf(ret.id)).toEqual(['return.requested.v1', 'return.approved.v1']);
    // The job is done; run again by hand, it changes nothing.
    expect(await t.services.returns.autoApprove(ret.id)).toBe(false);
    const [left] = await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM jobs WHERE dedupe_key = ${ret.id}`,
    );
    expect(left!.count).toBe(0);
  });

  it('leaves an answered request alone', async () => {
    const placed = await order('shipped');
    const ret = await requested(placed, {
      items: [{ order_item_id: placed.a, quantity: 1 }],
      reason: 'other',
    });
    expect((await act(ret.id, 'reject', seller.token, { reason: 'no' })).statusCode).toBe(200);
    expect(await t.services.returns.autoApprove(ret.id)).toBe(false);
    expect((await flows.call('GET', `/v1/returns/${ret.id}`, seller.token)).json().status).toBe('rejected');
  });
});

describe('racing actions', () => {
  it('two receipts at once refund once; an approval racing the automatic one approves once', async () => {
    const placed = await order('shipped');
    const ret = await requested(placed, {
      items: [{ order_item_id: placed.a, quantity: 2 }],
      reason: 'other',
    });
    const [manual, automatic] = await Promise.all([
      act(ret.id, 'approve', seller.token),
      t.services.returns.autoApprove(ret.id),
    ]);
    expect([manual.statusCode === 200, automatic].filter(Boolean)).toHaveLength(1);
    const receipts = await Promise.all([
      act(ret.id, 'receive', seller.token, { restock: true }),
      act(ret.id, 'receive', seller.token, { restock: true }),
    ]);
    expect(receipts.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const orderView = (await flows.call('GET', `/v1/orders/${placed.orderId}`, placed.buyer.token)).json();
    expect(orderView.refunds).toHaveLength(1);
    expect(orderView.refunded).toEqual(usd(1980));
    expect(await eventsOf(ret.id)).toEqual([
      'return.requested.v1',
      'return.approved.v1',
      'return.received.v1',
      'return.refunded.v1',
    ]);
    await trialBalance();
  });
});

describe('notifications', () => {
  const noticesOf = async (userId: string) => {
    while ((await t.services.outbox.drain()) > 0) {}
    return (
      await t.db.query<{ type: string; link: string }>(
        sql`SELECT type, link FROM notifications WHERE user_id = ${userId} AND type LIKE 'return%' ORDER BY created_at, id`,
      )
    ).map((row) => `${row.type} ${row.link}`);
  };

  it('tells the buyer and the seller of each step the other took', async () => {
    const seller2 = await newUser(t.db, { shop: 'Noticed Shop' });
    const buyer = await newUser(t.db);
    const sold = await flows.paidOrder(buyer, seller2);
    await flows.call('POST', `/v1/orders/${sold.order.id}/ship`, seller2.token, {
      carrier: 'UPS',
      tracking_number: '1',
    });
    const ret = (
      await ask(sold.order.id, buyer.token, {
        items: [{ order_item_id: sold.order.items[0]!.id, quantity: 1 }],
        reason: 'damaged',
      })
    ).json();
    expect(await noticesOf(seller2.id)).toEqual(['return_requested_seller /seller/returns']);
    await act(ret.id, 'reject', seller2.token, { reason: 'no' });
    await act(ret.id, 'escalate', buyer.token);
    await resolve(ret.id, { outcome: 'refund', funded_by: 'platform' });
    expect(await noticesOf(buyer.id)).toEqual([
      `return_rejected /returns/${ret.id}`,
      `return_refunded /returns/${ret.id}`,
    ]);
    expect(await noticesOf(seller2.id)).toEqual([
      'return_requested_seller /seller/returns',
      'return_escalated_seller /seller/returns',
      'return_resolved_seller /seller/returns',
    ]);
  });
});
