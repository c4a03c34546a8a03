import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { freshKey, moneyFlows, TEST_WEBHOOK_SECRET, usd } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  flows = moneyFlows(t);
});
afterAll(async () => {
  await t.close();
});

const payout = (seller: TestUser, amount: number, key = freshKey()) =>
  flows.call('POST', '/v1/shop/payouts', seller.token, { amount: usd(amount) }, { 'idempotency-key': key });

const balanceOf = async (seller: TestUser) =>
  (await flows.call('GET', '/v1/shop/balance', seller.token)).json();

/** A seller with 9000 available (one 10,000 order, delivered). */
async function sellerWithMoney(): Promise<TestUser> {
  const [seller, buyer] = [await newUser(t.db, { shop: true }), await newUser(t.db)];
  const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 10_000 });
  await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
    carrier: 'UPS',
    tracking_number: '1Z',
  });
  await flows.call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token);
  expect(await balanceOf(seller)).toMatchObject({ available: usd(9000) });
  return seller;
}

describe('sandbox payout accounts', () => {
  it('onboards on a server-rendered page whose form POST enables the account, then pays out', async () => {
    const seller = await sellerWithMoney();
    expectProblem(await payout(seller, 100_000), 409, 'payout_account_required');
    expectProblem(await flows.call('GET', '/v1/shop/payout-account', seller.token), 404, 'not_found');

    const opened = await flows.call('POST', '/v1/shop/payout-account', seller.token);
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({
      provider: 'sandbox',
      status: 'pending',
      requirements: ['external_account', 'tos_acceptance'],
    });
    const link = new URL(opened.json().onboarding_url);
    expect(link.pathname).toMatch(/^\/sandbox\/onboarding\/acct_[0-9a-f]{24}$/);
    expect(link.searchParams.get('return_to')).toMatch(/\/seller\/payouts$/);
    expectProblem(await payout(seller, 100), 409, 'payout_account_required');

    const form = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    expect(form.headers['content-security-policy']).toContain("default-src 'self'");
    expect(form.body).toContain('<form method="post">');
    expect(form.body).toContain('name="return_to" value="/seller/payouts"');
    expect(form.body).not.toMatch(/<script|style=/);

    const post = (body: string) =>
      t.app.inject({
        method: 'POST',
        url: link.pathname,
        payload: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    expect((await post('return_to=%2Fseller%2Fpayouts')).statusCode).toBe(422);
    const done = await post('accept_terms=yes&return_to=%2Fseller%2Fpayouts');
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/seller/payouts');
    // Somewhere else is never a place to send the seller.
    expect((await post('accept_terms=yes&return_to=https%3A%2F%2Fevil.example%2F')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/sandbox/onboarding/acct_nope' })).statusCode).toBe(
      404,
    );

    // The signed account.updated webhook reaches the endpoint through the job that delivers it.
    await flows.drainJobs();
    const [stored] = await t.db.query<{ status: string; requirements: string[] }>(
      sql`SELECT status, requirements FROM payout_accounts WHERE id = ${opened.json().id}`,
    );
    expect(stored).toEqual({ status: 'enabled', requirements: [] });
    expect((await flows.call('GET', '/v1/shop/payout-account', seller.token)).json()).toMatchObject({
      id: opened.json().id,
      status: 'enabled',
      onboarding_url: null,
    });
    expect((await flows.call('POST', '/v1/shop/payout-account', seller.token)).statusCode).toBe(200);

    expectProblem(await payout(seller, 9001), 422, 'validation_failed', 'payout_exceeds_available');
    const made = await payout(seller, 4000);
    expect(made.statusCode, made.body).toBe(201);
    await flows.runJobsUntil(
      async () =>
        (await flows.call('GET', '/v1/shop/payouts', seller.token)).json().data[0].status === 'paid',
    );
    const [row] = await t.db.query<{ destination: string }>(
      sql`SELECT destination FROM payouts WHERE id = ${made.json().id}`,
    );
    expect(row!.destination).toBe(link.pathname.split('/').at(-1));
    const paid = await t.db.query<{ data: { shop_id: string } }>(
      sql`SELECT data FROM outbox_events WHERE type = 'payout.paid.v1' AND data->>'id' = ${made.json().id}`,
    );
    expect(paid.map((e) => e.data.shop_id)).toEqual([seller.shopId]);
  });

  it('a failed payout puts its money back in available exactly once, however often the provider says so', async () => {
    const seller = await sellerWithMoney();
    await flows.enablePayouts(seller);
    const made = (await payout(seller, 3000)).json();
    expect(await balanceOf(seller)).toEqual({ pending: usd(0), available: usd(6000), paid_out: usd(3000) });
    const failed = JSON.stringify({
      id: `evt_fail_${made.id}`,
      type: 'payout.failed',
      created: Math.floor(Date.now() / 1000),
      data: { payment_id: null, payout_id: made.id, failure_code: 'account_closed' },
    });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await flows.sandboxWebhook(failed)).json().outcome);
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(await balanceOf(seller)).toEqual({ pending: usd(0), available: usd(9000), paid_out: usd(0) });
    // The job that would have sent it finds it failed and sends nothing.
    await flows.drainJobs();
    const listed = (await flows.call('GET', '/v1/shop/payouts', seller.token)).json().data[0];
    expect(listed).toMatchObject({ id: made.id, status: 'failed', failure_code: 'account_closed' });
    expect(await balanceOf(seller)).toEqual({ pending: usd(0), available: usd(9000), paid_out: usd(0) });
    const events = await t.db.query(
      sql`SELECT 1 FROM outbox_events WHERE type = 'payout.failed.v1' AND data->>'id' = ${made.id}`,
    );
    expect(events).toHaveLength(1);
    // The seller hears of it once, in the app and by email (group payouts).
    while ((await t.services.outbox.drain()) + (await t.services.jobs.runDueJobs()) > 0) {}
    const notices = (await flows.call('GET', '/v1/me/notifications', seller.token)).json().data;
    expect(notices.filter((n: { type: string }) => n.type === 'payout_failed')).toMatchObject([
      { title: 'Payout of $30.00 failed', link: '/seller/payouts' },
    ]);
  });

  it('only a seller may open or read a payout account', async () => {
    const buyer = await newUser(t.db);
    for (const method of ['GET', 'POST'] as const) {
      expectProblem(await flows.call(method, '/v1/shop/payout-account'), 401, 'unauthenticated');
      expectProblem(await flows.call(method, '/v1/shop/payout-account', buyer.token), 403, 'forbidden');
    }
  });
});
