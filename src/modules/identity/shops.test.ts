import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({
    env: { BAZAAR_SHOP_APPROVAL: 'manual', BAZAAR_ADMIN_EMAILS: 'shops-admin@example.com' },
  });
  flows = moneyFlows(t);
  admin = await newUser(t.db, { email: 'shops-admin@example.com' });
});
afterAll(async () => {
  await t.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token?: string, payload?: object) =>
  t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: token ? bearer(token) : {} });

/** A user who opens a shop over HTTP (so BAZAAR_SHOP_APPROVAL applies) and lists one product. */
async function sellerWithProduct(name: string) {
  const user = await newUser(t.db);
  const opened = await call('POST', '/v1/me/shop', user.token, { name });
  expect(opened.statusCode, opened.body).toBe(201);
  const shopId: string = opened.json().id;
  const product = await call('POST', '/v1/products', user.token, {
    title: `${name} lamp`,
    description: 'A lamp for the shop tests.',
    variants: [{ sku: 'L-1', title: 'Lamp', price: { amount: 1500, currency: 'USD' }, stock: 5 }],
  });
  expect(product.statusCode, product.body).toBe(201);
  return {
    seller: { ...user, shopId },
    shopId,
    productId: product.json().id as string,
    variantId: product.json().variants[0].id as string,
  };
}

/** Whether a buyer finds, sees and can buy the product. */
async function buyerView(shopId: string, productId: string, variantId: string) {
  const buyer = await newUser(t.db);
  const listed = await call('GET', `/v1/products?shop=${shopId}`);
  const page = await call('GET', `/v1/products/${productId}`, buyer.token);
  const added = await call('POST', '/v1/cart/items', buyer.token, { variant_id: variantId, quantity: 1 });
  return {
    inSearch: listed.json().data.some((p: { id: string }) => p.id === productId),
    page: page.statusCode,
    addable: added.statusCode === 200,
  };
}

const adminAction = (shopId: string, action: string, reason?: string) =>
  call('POST', `/v1/admin/shops/${shopId}/${action}`, admin.token, reason ? { reason } : {});

describe('manual approval', () => {
  it('opens new shops pending review: products are the seller’s only, until an admin approves', async () => {
    const { seller, shopId, productId, variantId } = await sellerWithProduct('Pending Lamps');
    const own = await call('GET', '/v1/me/shop', seller.token);
    expect(own.json()).toMatchObject({
      id: shopId,
      status: 'pending_review',
      return_window_days: 30,
      handling_days: 2,
      support_email: null,
      vacation: null,
      status_reason: null,
    });
    expect(await buyerView(shopId, productId, variantId)).toEqual({
      inSearch: false,
      page: 404,
      addable: false,
    });
    expect((await call('GET', `/v1/products/${productId}`, seller.token)).statusCode).toBe(200);

    // No body at all is no reason.
    const approved = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/shops/${shopId}/approve`,
      headers: bearer(admin.token),
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ id: shopId, status: 'active', owner: { id: seller.id } });
    expect(await buyerView(shopId, productId, variantId)).toEqual({
      inSearch: true,
      page: 200,
      addable: true,
    });
    const events = await t.db.query<{ type: string; data: { id: string; owner_id: string } }>(
      sql`SELECT type, data FROM outbox_events WHERE type = 'shop.approved.v1' AND data->>'id' = ${shopId}`,
    );
    expect(events).toEqual([
      { type: 'shop.approved.v1', data: expect.objectContaining({ owner_id: seller.id }) },
    ]);
  });

  it('rejects with a reason the seller sees; impossible transitions are 409 invalid_state', async () => {
    const { seller, shopId, productId, variantId } = await sellerWithProduct('Rejected Lamps');
    const rejected = await adminAction(shopId, 'reject', 'counterfeit goods');
    expect(rejected.json()).toMatchObject({ status: 'rejected', status_reason: 'counterfeit goods' });
    expect((await call('GET', '/v1/me/shop', seller.token)).json().status_reason).toBe('counterfeit goods');
    expectProblem(await adminAction(shopId, 'suspend'), 409, 'invalid_state', 'shop_transition_refused');
    expectProblem(await adminAction(shopId, 'reinstate'), 409, 'invalid_state', 'shop_transition_refused');
    expect(await buyerView(shopId, productId, variantId)).toEqual({
      inSearch: false,
      page: 404,
      addable: false,
    });
    expectProblem(await adminAction('shop_missing', 'approve'), 404, 'not_found');
  });
});

describe('suspension', () => {
  it('takes an active shop’s products out of search, pages and carts, and reinstating brings them back', async () => {
    const { seller, shopId, productId, variantId } = await sellerWithProduct('Suspended Lamps');
    await adminAction(shopId, 'approve');
    const buyer = await newUser(t.db);
    expect(
      (await call('POST', '/v1/cart/items', buyer.token, { variant_id: variantId, quantity: 1 })).statusCode,
    ).toBe(200);

    const suspended = await adminAction(shopId, 'suspend', 'chargebacks');
    expect(suspended.json()).toMatchObject({ status: 'suspended', status_reason: 'chargebacks' });
    expect(await buyerView(shopId, productId, variantId)).toEqual({
      inSearch: false,
      page: 404,
      addable: false,
    });
    const cart = await call('GET', '/v1/cart', buyer.token);
    expect(cart.json().items).toMatchObject([
      { variant_id: variantId, available: 0, purchasable: false, unavailable_reason: 'shop_not_active' },
    ]);
    const checkout = await flows.call(
      'POST',
      '/v1/checkout',
      buyer.token,
      {
        shipping_address: {
          name: 'B',
          line1: '1 Main St',
          city: 'Springfield',
          postal_code: '12345',
          country: 'US',
        },
      },
      { 'idempotency-key': `suspended-${shopId}` },
    );
    expect(checkout.statusCode).toBe(409);
    expect(checkout.json()).toMatchObject({
      code: 'invalid_state',
      errors: [{ variant_id: variantId, reason: 'shop_not_active' }],
    });

    while ((await t.services.outbox.drain()) + (await t.services.jobs.runDueJobs()) > 0) {}
    const notices = (await call('GET', '/v1/me/notifications', seller.token)).json().data;
    expect(notices.filter((n: { type: string }) => n.type.startsWith('shop_'))).toMatchObject([
      { type: 'shop_suspended', title: 'Suspended Lamps is suspended', link: '/seller/shop' },
      { type: 'shop_approved', title: 'Suspended Lamps is open' },
    ]);
    expect((await adminAction(shopId, 'reinstate')).json().status).toBe('active');
    expect(await buyerView(shopId, productId, variantId)).toEqual({
      inSearch: true,
      page: 200,
      addable: true,
    });
  });
});

describe('vacation', () => {
  it('unlists the products during the window and lists them again when it ends (a durable job)', async () => {
    const { seller, shopId, productId, variantId } = await sellerWithProduct('Vacation Lamps');
    await adminAction(shopId, 'approve');
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const patched = await call('PATCH', '/v1/me/shop', seller.token, {
      vacation: { from, to },
      return_window_days: 14,
      handling_days: 3,
      support_email: 'help@lamps.example',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      status: 'active',
      return_window_days: 14,
      handling_days: 3,
      support_email: 'help@lamps.example',
      vacation: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    });
    expect(await buyerView(shopId, productId, variantId)).toEqual({
      inSearch: false,
      page: 404,
      addable: false,
    });
    const [job] = await t.db.query<{ runAt: Date }>(
      sql`SELECT run_at AS "runAt" FROM jobs WHERE kind = 'identity.refresh-shop-listing' AND payload->>'shopId' = ${shopId}`,
    );
    expect(job!.runAt.toISOString()).toBe(new Date(to).toISOString());

    // The window ends: the job that was due then lists the shop again.
    await t.db.execute(
      sql`UPDATE shops SET vacation_to = now() - interval '1 second', vacation_from = now() - interval '2 minutes' WHERE id = ${shopId}`,
    );
    // Due a minute ago by the database's clock, which may run a little ahead of this process's.
    await t.db.execute(
      sql`UPDATE jobs SET run_at = now() - interval '1 minute' WHERE kind = 'identity.refresh-shop-listing' AND payload->>'shopId' = ${shopId}`,
    );
    // Other due jobs (mail from earlier tests) may come first: run until none is left.
    while ((await t.services.jobs.runDueJobs()) > 0) {}
    const left = await t.db.query(
      sql`SELECT status FROM jobs WHERE kind = 'identity.refresh-shop-listing' AND payload->>'shopId' = ${shopId}`,
    );
    expect(left).toEqual([]);
    expect(await buyerView(shopId, productId, variantId)).toEqual({
      inSearch: true,
      page: 200,
      addable: true,
    });

    const cleared = await call('PATCH', '/v1/me/shop', seller.token, { vacation: null, support_email: null });
    expect(cleared.json()).toMatchObject({ vacation: null, support_email: null, return_window_days: 14 });
  });

  it('validates the window and the details', async () => {
    const seller = await newUser(t.db, { shop: true });
    const now = Date.now();
    for (const body of [
      { vacation: { from: new Date(now + 1000).toISOString(), to: new Date(now).toISOString() } },
      { vacation: { from: 'tomorrow', to: new Date(now).toISOString() } },
      { return_window_days: -1 },
      { handling_days: 61 },
      { support_email: 'not an email' },
      { status: 'active' },
    ]) {
      expectProblem(await call('PATCH', '/v1/me/shop', seller.token, body), 422, 'validation_failed');
    }
  });
});

describe('closing', () => {
  it('closes a shop with no open orders and a zero balance, for good', async () => {
    const { seller, shopId, productId, variantId } = await sellerWithProduct('Closing Lamps');
    const closed = await call('POST', '/v1/me/shop/close', seller.token);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().status).toBe('closed');
    expect(await buyerView(shopId, productId, variantId)).toEqual({
      inSearch: false,
      page: 404,
      addable: false,
    });
    expectProblem(
      await call('POST', '/v1/me/shop/close', seller.token),
      409,
      'invalid_state',
      'shop_transition_refused',
    );
    expectProblem(await adminAction(shopId, 'approve'), 409, 'invalid_state', 'shop_transition_refused');
  });

  it('is refused while an order is open, and while money is pending', async () => {
    const seller = await newUser(t.db, { shop: true });
    const buyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 2000 }],
    });
    await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    expectProblem(
      await call('POST', '/v1/me/shop/close', seller.token),
      409,
      'invalid_state',
      'shop_not_closable',
    );
    expect((await call('GET', '/v1/me/shop', seller.token)).json().status).toBe('active');

    const other = await newUser(t.db, { shop: true });
    const { order } = await flows.paidOrder(buyer, other);
    const cancelled = await flows.call('POST', `/v1/orders/${order.id}/cancel`, buyer.token);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    // The order is cancelled and refunded in full: nothing is open and nothing is owed.
    expect((await call('POST', '/v1/me/shop/close', other.token)).statusCode).toBe(200);

    const third = await newUser(t.db, { shop: true });
    const paid = await flows.paidOrder(buyer, third);
    await t.db.execute(sql`UPDATE orders SET status = 'delivered' WHERE id = ${paid.order.id}`);
    expectProblem(
      await call('POST', '/v1/me/shop/close', third.token),
      409,
      'invalid_state',
      'shop_not_closable',
    );
  });
});

describe('who may call', () => {
  it('admin routes need an admin; shop routes need a shop', async () => {
    const buyer = await newUser(t.db);
    const seller = await newUser(t.db, { shop: true });
    for (const url of ['/v1/admin/shops', `/v1/admin/shops/${seller.shopId}/approve`]) {
      const method = url.endsWith('approve') ? 'POST' : 'GET';
      expectProblem(await call(method, url), 401, 'unauthenticated');
      expectProblem(
        await call(method, url, seller.token, method === 'POST' ? {} : undefined),
        403,
        'forbidden',
      );
    }
    expectProblem(await call('POST', '/v1/me/shop/close', buyer.token), 403, 'forbidden');
    expectProblem(await call('GET', '/v1/me/shop', buyer.token), 403, 'forbidden');
    expectProblem(await call('POST', '/v1/me/shop/close'), 401, 'unauthenticated');
  });
});

describe('GET /v1/admin/shops', () => {
  it('filters by status and by name or owner email, newest first, with keyset pages', async () => {
    const a = await sellerWithProduct('Filter Alpha');
    const b = await sellerWithProduct('Filter Beta');
    await adminAction(b.shopId, 'approve');
    const pending = await call('GET', '/v1/admin/shops?status=pending_review&q=filter', admin.token);
    expect(pending.statusCode, pending.body).toBe(200);
    expect(pending.json().data.map((s: { id: string }) => s.id)).toEqual([a.shopId]);
    expect(pending.json().data[0]).toMatchObject({
      status: 'pending_review',
      owner: { id: a.seller.id, email: a.seller.email, suspended: false },
    });
    const byEmail = await call('GET', `/v1/admin/shops?q=${encodeURIComponent(b.seller.email)}`, admin.token);
    expect(byEmail.json().data.map((s: { id: string }) => s.id)).toEqual([b.shopId]);

    const first = await call('GET', '/v1/admin/shops?q=filter&limit=1', admin.token);
    expect(first.json().data.map((s: { id: string }) => s.id)).toEqual([b.shopId]);
    const second = await call(
      'GET',
      `/v1/admin/shops?q=filter&limit=1&cursor=${first.json().next_cursor}`,
      admin.token,
    );
    expect(second.json()).toMatchObject({ data: [{ id: a.shopId }], next_cursor: null });
    expectProblem(await call('GET', '/v1/admin/shops?status=open', admin.token), 422, 'validation_failed');
    expectProblem(await call('GET', '/v1/admin/shops?cursor=zzz', admin.token), 422, 'validation_failed');
  });
});
