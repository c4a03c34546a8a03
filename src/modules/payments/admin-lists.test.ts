import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { freshKey, moneyFlows, usd } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;
let seller: TestUser;
let buyer: TestUser;
const paid: { orderId: string; paymentId: string }[] = [];
const refunds: string[] = [];
let payoutId: string;

/**
 * Three paid orders of one seller, two refunded in part, one delivered and paid out; one payment
 * left unconfirmed. Each list's rows are those of this file's app only.
 */
beforeAll(async () => {
  t = await createTestApp();
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
  seller = await newUser(t.db, { shop: 'Money Lists' });
  buyer = await newUser(t.db);
  for (let i = 0; i < 3; i++) {
    const { order, payment } = await flows.paidOrder(buyer, seller, { priceMinor: 3000 });
    paid.push({ orderId: order.id, paymentId: payment.id });
  }
  for (const { orderId } of paid.slice(0, 2)) {
    const refund = await flows.refund(seller.token, orderId, { amount: usd(500), reason: 'dent' });
    expect(refund.statusCode, refund.body).toBe(201);
    refunds.push(refund.json().id);
  }
  const delivered = paid[2]!.orderId;
  await flows.call('POST', `/v1/orders/${delivered}/ship`, seller.token, {
    carrier: 'UPS',
    tracking_number: '1Z',
  });
  await flows.call('POST', `/v1/orders/${delivered}/confirm-delivery`, buyer.token);
  await flows.enablePayouts(seller);
  const payout = await flows.call(
    'POST',
    '/v1/shop/payouts',
    seller.token,
    { amount: usd(1000) },
    { 'idempotency-key': freshKey() },
  );
  expect(payout.statusCode, payout.body).toBe(201);
  payoutId = payout.json().id;
});
afterAll(async () => {
  await t.close();
});

const list = (path: string, query = '', token = admin.token) =>
  t.app.inject({ method: 'GET', url: `/v1/admin/${path}?${query}`, headers: bearer(token) });

async function ids(path: string, query = ''): Promise<string[]> {
  const answer = await list(path, query);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json().data.map((row: { id: string }) => row.id);
}

/** Every page of a list at `limit` per page, following next_cursor. */
async function everyPage(path: string, query: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const answer = await list(path, `${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.statusCode, answer.body).toBe(200);
    seen.push(...answer.json().data.map((row: { id: string }) => row.id));
    cursor = answer.json().next_cursor;
  } while (cursor);
  return seen;
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('GET /v1/admin/payments, /refunds, /payouts', () => {
  it('lists payments newest first with their buyer, by status and period', async () => {
    const payments = paid.map((row) => row.paymentId).reverse();
    expect(await ids('payments')).toEqual(payments);
    const [first] = (await list('payments')).json().data;
    expect(first).toMatchObject({
      id: payments[0],
      status: 'succeeded',
      buyer_id: buyer.id,
      amount: usd(3000),
    });
    expect(await ids('payments', 'status=succeeded')).toEqual(payments);
    expect(await ids('payments', 'status=failed')).toEqual([]);
    expect(await ids('payments', `from=${tomorrow()}`)).toEqual([]);
    expect(await ids('payments', `to=${tomorrow()}`)).toEqual(payments);
    // One payment made a moment ago, the others backdated a day: an instant splits them.
    await t.db.execute(
      sql`UPDATE payments SET created_at = created_at - interval '1 day' WHERE id <> ${payments[0]!}`,
    );
    const split = new Date(Date.now() - 3_600_000).toISOString();
    expect(await ids('payments', `from=${split}`)).toEqual([payments[0]]);
    expect(await ids('payments', `to=${split}`)).toEqual(payments.slice(1));
  });

  it('lists refunds with their payment and shop, and payouts with their shop', async () => {
    expect(await ids('refunds')).toEqual([...refunds].reverse());
    expect((await list('refunds')).json().data[0]).toMatchObject({
      id: refunds[1],
      order_id: paid[1]!.orderId,
      payment_id: paid[1]!.paymentId,
      shop_id: seller.shopId,
      amount: usd(500),
    });
    const refundStatus = (await list('refunds')).json().data[0].status as string;
    expect(await ids('refunds', `status=${refundStatus}`)).toContain(refunds[1]);
    expect((await list('payouts')).json().data).toMatchObject([
      { id: payoutId, shop_id: seller.shopId, amount: usd(1000), status: 'pending' },
    ]);
    expect(await ids('payouts', 'status=pending')).toEqual([payoutId]);
    expect(await ids('payouts', 'status=paid')).toEqual([]);
  });

  it('pages each list by cursor without gaps or repeats', async () => {
    for (const path of ['payments', 'refunds', 'payouts']) {
      expect(await everyPage(path, '')).toEqual(await ids(path, 'limit=100'));
    }
    expect(await everyPage('payments', 'status=succeeded')).toHaveLength(3);
  });

  it('refuses bad filters with 422 naming the field', async () => {
    const refused = async (path: string, query: string, field: string) => {
      const answer = await list(path, query);
      expectProblem(answer, 422, 'validation_failed');
      expect(answer.json().errors.map((error: { path: string }) => error.path)).toContain(field);
    };
    for (const path of ['payments', 'refunds', 'payouts']) {
      await refused(path, 'status=lost', '/query/status');
      await refused(path, 'from=yesterday', '/query/from');
      await refused(path, 'to=2026-13-01', '/query/to');
      await refused(path, 'from=2026-05-02&to=2026-05-01', '/query/to');
      await refused(path, 'cursor=nope', '/query/cursor');
      await refused(path, 'limit=0', '/query/limit');
    }
    expect((await list('payments', 'from=2026-05-02&to=2026-05-01')).json().reason).toBe('period_invalid');
  });
});

describe('every admin route', () => {
  it('answers 403 to sellers and buyers and 401 to strangers', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/admin/'))
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => ({
          method: method.toUpperCase() as 'GET',
          url: path.replaceAll(/\{[^}]+\}/g, 'x_1'),
        })),
      );
    expect(routes.map((route) => route.url)).toEqual(
      expect.arrayContaining([
        '/v1/admin/payments',
        '/v1/admin/refunds',
        '/v1/admin/payouts',
        '/v1/admin/audit',
      ]),
    );
    for (const route of routes) {
      for (const caller of [seller, buyer]) {
        const answer = await t.app.inject({ ...route, headers: bearer(caller.token) });
        expect(answer.statusCode, `${route.method} ${route.url}: ${answer.body}`).toBe(403);
      }
      expect((await t.app.inject(route)).statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });
});

describe('GET /v1/admin/returns, /v1/admin/disputes and /v1/admin/orders by period', () => {
  it('filters by ?from=&to= and refuses a bad bound naming it', async () => {
    const { orderId } = paid[2]!;
    const order = (await flows.call('GET', `/v1/orders/${orderId}`, buyer.token)).json();
    const asked = await flows.call('POST', `/v1/orders/${orderId}/returns`, buyer.token, {
      items: [{ order_item_id: order.items[0].id, quantity: 1 }],
      reason: 'damaged',
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids('returns', `from=${today}&to=${today}`)).toEqual([asked.json().id]);
    expect(await ids('returns', `from=${tomorrow()}`)).toEqual([]);
    expect(await ids('disputes', `from=${tomorrow()}`)).toEqual([]);
    for (const path of ['returns', 'disputes', 'orders']) {
      const answer = await list(path, 'from=yesterday');
      expectProblem(answer, 422, 'validation_failed');
      expect(answer.json().errors.map((error: { path: string }) => error.path)).toContain('/query/from');
      const backwards = await list(path, 'from=2026-05-02&to=2026-05-01');
      expectProblem(backwards, 422, 'validation_failed');
      expect(backwards.json().reason, path).toBe('period_invalid');
      expect(backwards.json().errors.map((error: { path: string }) => error.path)).toContain('/query/to');
    }
  });
});
