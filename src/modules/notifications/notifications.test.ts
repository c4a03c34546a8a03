import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { FACTORY_PASSWORD, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { newDeliveredOrder } from '../../../test/factories/orders.js';
import { moneyFlows } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let seller: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  flows = moneyFlows(t);
  seller = await newUser(t.db, { shop: 'Notice Shop' });
});
afterAll(async () => {
  await t.close();
});

async function settle(): Promise<void> {
  while ((await t.services.outbox.drain()) + (await t.services.jobs.runDueJobs()) > 0) {}
}

const notificationsOf = async (user: TestUser, query = '') => {
  const answer = await flows.call('GET', `/v1/me/notifications${query}`, user.token);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json();
};

const emailSubjects = async (user: TestUser) =>
  (
    await t.db.query<{ subject: string }>(
      sql`SELECT subject FROM emails WHERE user_id = ${user.id} ORDER BY created_at, id`,
    )
  ).map((row) => row.subject);

describe('in-app notifications', () => {
  it('lists what events told the user, newest first, with the unread count, and marks them read', async () => {
    const buyer = await newUser(t.db);
    const { order } = await flows.paidOrder(buyer, seller);
    await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
      carrier: 'DHL',
      tracking_number: 'JD01',
    });
    await settle();

    const page = await notificationsOf(buyer);
    expect(page.unread_count).toBe(2);
    expect(page.data.map((notice: { type: string }) => notice.type)).toEqual([
      'order_shipped',
      'order_placed',
    ]);
    expect(page.data[0]).toMatchObject({
      id: expect.stringMatching(/^ntf_/),
      title: expect.stringMatching(/^Order \d+ shipped$/),
      body: expect.stringContaining('JD01'),
      link: `/orders/${order.id}`,
      read_at: null,
      created_at: expect.any(String),
    });

    const first = await notificationsOf(buyer, '?limit=1');
    expect(first.data).toHaveLength(1);
    const second = await notificationsOf(buyer, `?limit=1&cursor=${first.next_cursor}`);
    expect(second.data[0].type).toBe('order_placed');
    expect(second.next_cursor).toBeNull();

    const read = await flows.call('POST', '/v1/me/notifications/read', buyer.token, {
      ids: [page.data[1].id],
    });
    expect(read.statusCode).toBe(204);
    const unread = await notificationsOf(buyer, '?unread=true');
    expect(unread.unread_count).toBe(1);
    expect(unread.data.map((notice: { type: string }) => notice.type)).toEqual(['order_shipped']);

    expect(
      (await flows.call('POST', '/v1/me/notifications/read', buyer.token, { all: true })).statusCode,
    ).toBe(204);
    const after = await notificationsOf(buyer);
    expect(after.unread_count).toBe(0);
    expect(after.data.every((notice: { read_at: string | null }) => notice.read_at !== null)).toBe(true);

    // The seller heard of the paid order.
    const sellerPage = await notificationsOf(seller);
    expect(
      sellerPage.data.some(
        (notice: { type: string; link: string }) =>
          notice.type === 'order_paid_seller' && notice.link === `/seller/orders/${order.id}`,
      ),
    ).toBe(true);
  });

  it('tells the buyer of each parcel, with its tracking and its items', async () => {
    const buyer = await newUser(t.db);
    const { order } = await flows.paidOrder(buyer, seller, { quantity: 3 });
    const itemId = order.items[0]!.id;
    const first = await flows.call('POST', `/v1/orders/${order.id}/shipments`, seller.token, {
      carrier: 'UPS',
      tracking_number: 'PARCEL-ONE',
      items: [{ order_item_id: itemId, quantity: 1 }],
    });
    expect(first.statusCode, first.body).toBe(201);
    const rest = await flows.call('POST', `/v1/orders/${order.id}/shipments`, seller.token, {
      carrier: 'DHL',
      tracking_number: 'PARCEL-TWO',
    });
    expect(rest.statusCode, rest.body).toBe(201);
    await settle();
    const shipped = (await notificationsOf(buyer)).data.filter(
      (notice: { type: string }) => notice.type === 'order_shipped',
    );
    expect(shipped.map((notice: { body: string }) => notice.body.match(/PARCEL-\w+/)?.[0]).sort()).toEqual([
      'PARCEL-ONE',
      'PARCEL-TWO',
    ]);
    const emails = await t.db.query<{ text_body: string }>(
      sql`SELECT text_body FROM emails WHERE user_id = ${buyer.id} AND template = 'order_shipped' ORDER BY created_at`,
    );
    expect(emails).toHaveLength(2);
    expect(emails[0]!.text_body).toMatch(/1 × /);
    expect(emails[1]!.text_body).toMatch(/2 × /);
  });

  it("answers 404 for another user's notification and changes nothing", async () => {
    const [owner, other] = [await newUser(t.db), await newUser(t.db)];
    await flows.paidOrder(owner, seller);
    await settle();
    const [notice] = (await notificationsOf(owner)).data;
    const mine = (await notificationsOf(other)).data;
    expect(mine).toEqual([]);
    expectProblem(
      await flows.call('POST', '/v1/me/notifications/read', other.token, { ids: [notice.id] }),
      404,
      'not_found',
    );
    expect((await notificationsOf(owner)).data[0].read_at).toBeNull();
  });

  it('validates the read body and the list query, and needs a user', async () => {
    const user = await newUser(t.db);
    for (const body of [{}, { ids: [] }, { all: false }, { ids: ['x'], all: true }]) {
      expectProblem(
        await flows.call('POST', '/v1/me/notifications/read', user.token, body),
        422,
        'validation_failed',
      );
    }
    expectProblem(
      await flows.call('GET', '/v1/me/notifications?unread=maybe', user.token),
      422,
      'validation_failed',
    );
    expectProblem(
      await flows.call('GET', '/v1/me/notifications?cursor=nonsense', user.token),
      422,
      'validation_failed',
    );
    expectProblem(await flows.call('GET', '/v1/me/notifications'), 401, 'unauthenticated');
  });

  it('tells the buyer of a failed payment and the seller of a new review', async () => {
    const buyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 900, stock: 5 }],
    });
    const placed = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_declined')).json().status).toBe('failed');

    const delivered = await newDeliveredOrder(t.db, { buyerId: buyer.id, product });
    const reviewed = await flows.call('POST', `/v1/products/${product.id}/reviews`, buyer.token, {
      order_item_id: delivered.itemIds[0],
      rating: 4,
      title: 'Sturdy',
      body: 'Does what it says.',
    });
    expect(reviewed.statusCode, reviewed.body).toBe(201);
    await settle();

    const failed = (await notificationsOf(buyer)).data.find(
      (notice: { type: string }) => notice.type === 'payment_failed',
    );
    expect(failed).toMatchObject({ title: 'Your payment failed', link: `/orders/${placed.orders[0]!.id}` });
    expect(failed.body).toContain('card_declined');
    const review = (await notificationsOf(seller)).data.find(
      (notice: { type: string }) => notice.type === 'review_created',
    );
    expect(review).toMatchObject({ title: 'New 4-star review', link: '/seller/reviews' });
  });
});

describe('preferences', () => {
  it('switches a group of email off; the in-app notice stays, and security notices always mail', async () => {
    const buyer = await newUser(t.db);
    expect((await flows.call('GET', '/v1/me/notification-preferences', buyer.token)).json()).toEqual({
      email: { orders: true, shop: true, reviews: true, payouts: true },
    });
    const patched = await flows.call('PATCH', '/v1/me/notification-preferences', buyer.token, {
      email: { orders: false },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toEqual({ email: { orders: false, shop: true, reviews: true, payouts: true } });
    expect(
      (await flows.call('GET', '/v1/me/notification-preferences', buyer.token)).json().email.orders,
    ).toBe(false);

    await flows.paidOrder(buyer, seller);
    const changed = await flows.call('POST', '/v1/me/password', buyer.token, {
      current_password: FACTORY_PASSWORD,
      new_password: 'another good passphrase',
    });
    expect(changed.statusCode).toBe(204);
    await settle();

    expect((await notificationsOf(buyer)).data.map((notice: { type: string }) => notice.type)).toEqual([
      'password_changed',
      'order_placed',
    ]);
    expect(await emailSubjects(buyer)).toEqual(['Your password was changed']);
  });

  it('refuses unknown groups and non-boolean values', async () => {
    const user = await newUser(t.db);
    for (const body of [{ email: { security: false } }, { email: { orders: 'no' } }, { sms: {} }]) {
      expectProblem(
        await flows.call('PATCH', '/v1/me/notification-preferences', user.token, body),
        422,
        'validation_failed',
      );
    }
  });
});

describe('dev mailbox', () => {
  it('shows the latest emails to loopback clients only', async () => {
    const user = await newUser(t.db);
    await flows.call('POST', '/v1/me/email-verification', user.token);
    const mailbox = await t.app.inject({ method: 'GET', url: '/v1/dev/mailbox' });
    expect(mailbox.statusCode).toBe(200);
    const email = mailbox.json().data.find((mail: { to: string }) => mail.to === user.email);
    expect(email).toMatchObject({
      id: expect.stringMatching(/^eml_/),
      subject: 'Verify your email address for Bazaar',
      text: expect.stringContaining('/verify-email?token='),
      html: expect.stringContaining('/verify-email?token='),
      sent_at: expect.any(String),
    });
    for (const remoteAddress of ['10.0.0.7', '192.168.1.20', '::ffff:10.0.0.7', '2001:db8::1']) {
      expectProblem(
        await t.app.inject({ method: 'GET', url: '/v1/dev/mailbox', remoteAddress }),
        404,
        'not_found',
      );
    }
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect((await t.app.inject({ method: 'GET', url: '/v1/dev/mailbox', remoteAddress })).statusCode).toBe(
        200,
      );
    }
  });

  it('is off with BAZAAR_DEV_MAILBOX=false', async () => {
    const off = await createTestApp({ env: { BAZAAR_DEV_MAILBOX: 'false' }, database: t });
    try {
      expectProblem(await off.app.inject({ method: 'GET', url: '/v1/dev/mailbox' }), 404, 'not_found');
    } finally {
      await off.close();
    }
  });

  it('keeps at most the last 100', async () => {
    const user = await newUser(t.db);
    await t.db.execute(sql`
      INSERT INTO emails (id, user_id, to_address, subject, text_body, html_body, template, sent_at)
      SELECT 'eml_bulk_' || n, ${user.id}, 'bulk@example.com', 'Bulk ' || n, 't', '<p>h</p>', 'bulk', now()
      FROM generate_series(1, 120) AS n`);
    const mailbox = await t.app.inject({
      method: 'GET',
      url: '/v1/dev/mailbox',
      headers: bearer(user.token),
    });
    expect(mailbox.json().data).toHaveLength(100);
  });
});
