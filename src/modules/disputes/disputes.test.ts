import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows, TEST_WEBHOOK_SECRET, usd } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;
let sellerA: TestUser;
let sellerB: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
  sellerA = await newUser(t.db, { shop: 'Dispute Shop A' });
  sellerB = await newUser(t.db, { shop: 'Dispute Shop B' });
  outsider = await newUser(t.db, { shop: 'Not Disputed Shop' });
});
afterAll(async () => {
  await t.close();
});

let events = 0;
/** A sandbox dispute event, as the sandbox signs it. */
function disputeEvent(
  type: 'dispute.created' | 'dispute.closed',
  data: Record<string, unknown>,
  id = `evt_dispute_${process.pid}_${events++}`,
) {
  return JSON.stringify({ id, type, created: Math.floor(Date.now() / 1000), data });
}

const outcomeOf = async (body: string) => {
  const answer = await flows.sandboxWebhook(body);
  return answer.statusCode === 200 ? answer.json().outcome : answer.statusCode;
};

/** One checkout across shops A and B (prices by shop), paid by card: answers the payment and orders. */
async function paidCheckout(prices: { a: number; b?: number }, method = 'pm_card_visa') {
  const buyer = await newUser(t.db);
  const lines = [];
  const productA = await newStockedProduct(t.db, {
    shopId: sellerA.shopId!,
    variants: [{ priceMinor: prices.a, stock: 5 }],
  });
  lines.push({ variantId: productA.variants[0]!.id, quantity: 1 });
  if (prices.b !== undefined) {
    const productB = await newStockedProduct(t.db, {
      shopId: sellerB.shopId!,
      variants: [{ priceMinor: prices.b, stock: 5 }],
    });
    lines.push({ variantId: productB.variants[0]!.id, quantity: 1 });
  }
  const placed = await flows.placeOrder(buyer, lines);
  const paid = await flows.confirm(buyer, placed.payment.id, method);
  expect(paid.json().status, paid.body).toBe('succeeded');
  const orderOf = (shopId: string) => placed.orders.find((order) => order.shop.id === shopId)!;
  return {
    buyer,
    paymentId: placed.payment.id,
    orderA: orderOf(sellerA.shopId!),
    orderB: orderOf(sellerB.shopId!),
  };
}

const balanceOf = async (seller: TestUser) =>
  (await flows.call('GET', '/v1/shop/balance', seller.token)).json();
const totalOf = (balance: {
  pending: { amount: number };
  available: { amount: number };
  paid_out: { amount: number };
}) => balance.pending.amount + balance.available.amount + balance.paid_out.amount;

async function trialBalance() {
  const answer = (await flows.call('GET', '/v1/admin/ledger/trial-balance', admin.token)).json();
  expect(answer.totals.debits).toEqual(answer.totals.credits);
  const balance = (name: string) =>
    answer.accounts.find((account: { account: string }) => account.account === name).balance.amount;
  return { hold: balance('dispute_hold'), clearing: balance('provider_clearing') };
}

const shopDisputes = async (seller: TestUser, query = '') =>
  (await flows.call('GET', `/v1/shop/disputes${query}`, seller.token)).json();

describe('sandbox disputes', () => {
  it("holds the sellers' shares while open, shows each seller only their part, and a loss takes it through the provider", async () => {
    const { buyer, paymentId, orderA, orderB } = await paidCheckout({ a: 3000, b: 1000 });
    const [beforeA, beforeB, books] = [
      await balanceOf(sellerA),
      await balanceOf(sellerB),
      await trialBalance(),
    ];
    const created = disputeEvent('dispute.created', {
      dispute_id: `dsp_http_${paymentId}`,
      payment_id: paymentId,
      amount: 2000,
      reason: 'fraudulent',
      evidence_due_by: '2030-01-01T00:00:00.000Z',
    });
    expect(await outcomeOf(created)).toBe('applied');
    expect(await outcomeOf(created)).toBe('duplicate');

    const listed = (await flows.call('GET', '/v1/admin/disputes', admin.token)).json();
    expect(listed.data[0]).toMatchObject({
      id: `dsp_http_${paymentId}`,
      payment_id: paymentId,
      amount: usd(2000),
      reason: 'fraudulent',
      status: 'open',
      evidence_due_by: '2030-01-01T00:00:00.000Z',
      closed_at: null,
    });
    expect([...listed.data[0].order_ids].sort()).toEqual([orderA.id, orderB.id].sort());
    // 2000 over what each order has left (3000 : 1000) by largest remainder.
    expect((await shopDisputes(sellerA)).data[0]).toMatchObject({
      order_ids: [orderA.id],
      amount: usd(1500),
    });
    expect((await shopDisputes(sellerB)).data[0]).toMatchObject({ order_ids: [orderB.id], amount: usd(500) });
    expect((await shopDisputes(outsider)).data).toEqual([]);

    // The seller's share of each part is held: the part less its 10 % commission.
    const [heldA, heldB] = [await balanceOf(sellerA), await balanceOf(sellerB)];
    expect(totalOf(beforeA) - totalOf(heldA)).toBe(1350);
    expect(totalOf(beforeB) - totalOf(heldB)).toBe(450);
    expect((await trialBalance()).hold - books.hold).toBe(-1800);

    // Refunds may take only what the dispute does not hold.
    const refused = await flows.refund(sellerA.token, orderA.id, { amount: usd(1501), reason: 'too much' });
    expectProblem(refused, 422, 'validation_failed');
    expect(refused.json().errors[0].message).toMatch(/1500 is under a card dispute/);
    expect(
      (await flows.refund(sellerA.token, orderA.id, { amount: usd(1500), reason: 'ok' })).statusCode,
    ).toBe(201);

    const lost = disputeEvent('dispute.closed', {
      dispute_id: `dsp_http_${paymentId}`,
      payment_id: paymentId,
      status: 'lost',
    });
    expect(await outcomeOf(lost)).toBe('applied');
    expect((await shopDisputes(sellerA)).data[0]).toMatchObject({
      status: 'lost',
      closed_at: expect.any(String),
    });
    const after = await trialBalance();
    expect(after.hold).toBe(books.hold);
    // The lost 2000 and the refund of 1500 left the provider.
    expect(books.clearing - after.clearing).toBe(3500);
    expect(totalOf(beforeB) - totalOf(await balanceOf(sellerB))).toBe(450);
    // Order A is fully taken back: 1500 refunded, 1500 lost.
    expectProblem(
      await flows.refund(sellerA.token, orderA.id, { amount: usd(1), reason: 'nothing left' }),
      422,
      'validation_failed',
    );
    // A lost dispute never reopens; a late created event changes nothing.
    expect(
      await outcomeOf(
        disputeEvent('dispute.created', {
          dispute_id: `dsp_http_${paymentId}`,
          payment_id: paymentId,
          amount: 2000,
          reason: 'fraudulent',
        }),
      ),
    ).toBe('applied');
    expect((await shopDisputes(sellerA)).data[0].status).toBe('lost');

    await t.services.outbox.drain();
    const notices = await t.db.query<{ userId: string; type: string }>(sql`
      SELECT user_id AS "userId", type FROM notifications
      WHERE type IN ('dispute_opened', 'dispute_closed', 'dispute_closed_buyer') ORDER BY type, user_id`);
    expect(notices).toEqual(
      expect.arrayContaining([
        { userId: sellerA.id, type: 'dispute_opened' },
        { userId: sellerB.id, type: 'dispute_opened' },
        { userId: sellerA.id, type: 'dispute_closed' },
        { userId: buyer.id, type: 'dispute_closed_buyer' },
      ]),
    );
  });

  it('applies a closing that arrives before the opening, and makes a closing without the amount wait for it', async () => {
    const first = await paidCheckout({ a: 2000 });
    const before = await balanceOf(sellerA);
    const books = await trialBalance();
    const dispute = { dispute_id: `dsp_shuffled_${first.paymentId}`, payment_id: first.paymentId };
    // Closed (won) first, carrying the whole dispute: it is opened and released at once.
    expect(
      await outcomeOf(
        disputeEvent('dispute.closed', { ...dispute, status: 'won', amount: 2000, reason: 'general' }),
      ),
    ).toBe('applied');
    expect(
      await outcomeOf(disputeEvent('dispute.created', { ...dispute, amount: 2000, reason: 'general' })),
    ).toBe('applied');
    const [won] = (await shopDisputes(sellerA)).data;
    expect(won).toMatchObject({ id: dispute.dispute_id, status: 'won', amount: usd(2000) });
    expect(await balanceOf(sellerA)).toEqual(before);
    expect(await trialBalance()).toEqual(books);
    const entries = await t.db.query<{ kind: string }>(
      sql`SELECT kind FROM ledger_entries WHERE reference = ${dispute.dispute_id} ORDER BY kind`,
    );
    expect(entries.map((entry) => entry.kind)).toEqual(['dispute_hold', 'dispute_release']);

    // A closing that does not say the amount, of a dispute not heard of: refused, so redelivered later.
    const second = await paidCheckout({ a: 1200 });
    const later = { dispute_id: `dsp_later_${second.paymentId}`, payment_id: second.paymentId };
    const closing = disputeEvent('dispute.closed', { ...later, status: 'lost' });
    expect(await outcomeOf(closing)).toBe(409);
    expect(
      await outcomeOf(disputeEvent('dispute.created', { ...later, amount: 1200, reason: 'fraudulent' })),
    ).toBe('applied');
    expect(await outcomeOf(closing)).toBe('applied');
    expect((await shopDisputes(sellerA)).data[0]).toMatchObject({ id: later.dispute_id, status: 'lost' });
  });

  it('keeps at most one open dispute per payment, and holds no more than was captured less refunded', async () => {
    const { paymentId, orderA } = await paidCheckout({ a: 2000 });
    expect(
      (await flows.refund(sellerA.token, orderA.id, { amount: usd(500), reason: 'part' })).statusCode,
    ).toBe(201);
    const first = { dispute_id: `dsp_one_${paymentId}`, payment_id: paymentId };
    expect(
      await outcomeOf(disputeEvent('dispute.created', { ...first, amount: 2000, reason: 'fraudulent' })),
    ).toBe('applied');
    const [held] = await t.db.query<{ held: number; disputed: number }>(sql`
      SELECT d.held_amount AS held, o.disputed_amount AS disputed
      FROM disputes d JOIN orders o ON o.id = ${orderA.id} WHERE d.id = ${first.dispute_id}`);
    expect(held).toEqual({ held: 1500, disputed: 1500 });

    const second = { dispute_id: `dsp_two_${paymentId}`, payment_id: paymentId };
    const opening = disputeEvent('dispute.created', { ...second, amount: 100, reason: 'duplicate' });
    expect(await outcomeOf(opening)).toBe(409);
    await expect(
      t.db.execute(sql`
        INSERT INTO disputes (id, payment_id, provider, provider_reference, amount, held_amount, currency, reason, status)
        VALUES ('dsp_forced', ${paymentId}, 'sandbox', 'dsp_forced', 1, 0, 'USD', 'x', 'open')`),
    ).rejects.toThrow(/disputes_one_open_per_payment|duplicate key/);
    expect(await outcomeOf(disputeEvent('dispute.closed', { ...first, status: 'won' }))).toBe('applied');
    // Redelivered once the first is decided: now it applies (over what is left: 1500).
    expect(await outcomeOf(opening)).toBe('applied');
    expect((await shopDisputes(sellerA)).data[0]).toMatchObject({ id: second.dispute_id, amount: usd(100) });
  });

  it('ignores disputes of unknown or unpaid payments, and refuses unsigned ones', async () => {
    const unknown = disputeEvent('dispute.created', {
      dispute_id: 'dsp_unknown_payment',
      payment_id: 'pay_nope',
      amount: 100,
      reason: 'fraudulent',
    });
    expect(await outcomeOf(unknown)).toBe('ignored');
    const buyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, {
      shopId: sellerA.shopId!,
      variants: [{ priceMinor: 900, stock: 2 }],
    });
    const placed = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    const unpaid = disputeEvent('dispute.created', {
      dispute_id: 'dsp_unpaid',
      payment_id: placed.payment.id,
      amount: 900,
      reason: 'fraudulent',
    });
    expect(await outcomeOf(unpaid)).toBe('ignored');
    expectProblem(await flows.sandboxWebhook(unpaid, { secret: 'whsec_other' }), 400, 'invalid_signature');
    expect(
      await t.db.query(sql`SELECT 1 FROM disputes WHERE id IN ('dsp_unknown_payment', 'dsp_unpaid')`),
    ).toEqual([]);
  });

  it('opens a dispute on a pm_card_disputed charge a few seconds later, through a durable job', async () => {
    const { paymentId, orderA } = await paidCheckout({ a: 2500 }, 'pm_card_disputed');
    await flows.drainJobs();
    expect((await shopDisputes(sellerA)).data.map((d: { payment_id: string }) => d.payment_id)).not.toContain(
      paymentId,
    );
    const due = await t.db.execute(sql`
      UPDATE jobs SET run_at = now() - interval '1 minute' WHERE kind = 'sandbox.open-dispute' AND status = 'pending'`);
    expect(due).toBe(1);
    await flows.drainJobs();
    const [dispute] = (await shopDisputes(sellerA)).data;
    expect(dispute).toMatchObject({
      id: expect.stringMatching(/^dsp_/),
      payment_id: paymentId,
      order_ids: [orderA.id],
      amount: usd(2500),
      reason: 'fraudulent',
      status: 'open',
      evidence_due_by: expect.any(String),
    });
    // A rerun of the job opens nothing more.
    const [intent] = await t.db.query<{ id: string }>(
      sql`SELECT id FROM sandbox_intents WHERE payment_id = ${paymentId}`,
    );
    await t.services.jobs.runDueJobs();
    expect(
      await t.db.query(sql`SELECT 1 FROM sandbox_disputes WHERE intent_id = ${intent!.id}`),
    ).toHaveLength(1);
  });
});

describe('POST /v1/shop/disputes/{id}/evidence', () => {
  it('sends the evidence to the sandbox, which decides on winning_evidence; other shops get 404, decided disputes 409', async () => {
    const { paymentId } = await paidCheckout({ a: 1800, b: 700 }, 'pm_card_disputed');
    await t.db.execute(
      sql`UPDATE jobs SET run_at = now() - interval '1 minute' WHERE kind = 'sandbox.open-dispute'`,
    );
    await flows.drainJobs();
    const [dispute] = (await shopDisputes(sellerA)).data;
    expect(dispute.payment_id).toBe(paymentId);
    const before = await balanceOf(sellerA);
    const url = `/v1/shop/disputes/${dispute.id}/evidence`;

    expectProblem(await flows.call('POST', url, outsider.token, { text: 'not mine' }), 404, 'not_found');
    expectProblem(await flows.call('POST', url, undefined, { text: 'x' }), 401, 'unauthenticated');
    expectProblem(
      await flows.call('POST', url, (await newUser(t.db)).token, { text: 'x' }),
      403,
      'forbidden',
    );
    expectProblem(
      await flows.call('POST', '/v1/shop/disputes/dsp_nope/evidence', sellerA.token, { text: 'x' }),
      404,
      'not_found',
    );
    expectProblem(await flows.call('POST', url, sellerA.token, { text: '' }), 422, 'validation_failed');
    expectProblem(
      await flows.call('POST', url, sellerA.token, { text: 'x', status: 'won' }),
      422,
      'validation_failed',
    );
    const unknownMedia = await flows.call('POST', url, sellerA.token, { text: 'x', media_ids: ['med_nope'] });
    expectProblem(unknownMedia, 422, 'validation_failed');
    expect(unknownMedia.json().errors[0].path).toBe('/media_ids/0');

    const sent = await flows.call('POST', url, sellerB.token, { text: 'Shipped with tracking 1Z.' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ id: dispute.id, status: 'open', amount: usd(700) });
    expect(sent.json().evidence).toMatchObject([
      { shop_id: sellerB.shopId, text: 'Shipped with tracking 1Z.' },
    ]);
    const deciding = await flows.call('POST', url, sellerA.token, { text: 'Signed for: winning_evidence' });
    expect(deciding.statusCode, deciding.body).toBe(200);
    // Each seller sees their own evidence; the sandbox got both.
    expect(deciding.json().evidence.map((e: { shop_id: string }) => e.shop_id)).toEqual([sellerA.shopId]);
    expect(await t.services.sandbox.disputeEvidence(dispute.id)).toBe(
      'Shipped with tracking 1Z.\n\nSigned for: winning_evidence',
    );
    const admins = (await flows.call('GET', '/v1/admin/disputes', admin.token)).json().data;
    expect(admins.find((d: { id: string }) => d.id === dispute.id).evidence).toHaveLength(2);

    await flows.runJobsUntil(async () => (await shopDisputes(sellerA)).data[0].status === 'won');
    // The hold (1800 less its 10 % commission) is back with the seller.
    expect(totalOf(await balanceOf(sellerA)) - totalOf(before)).toBe(1620);
    expectProblem(await flows.call('POST', url, sellerA.token, { text: 'late' }), 409, 'invalid_state');
  });
});

describe('GET /v1/admin/disputes and /v1/shop/disputes', () => {
  it('pages newest first with a keyset cursor, filters by status, and lets only admins and sellers in', async () => {
    const all = (await flows.call('GET', '/v1/admin/disputes?limit=100', admin.token)).json().data;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const created = all.map((d: { created_at: string }) => d.created_at);
    expect(created).toEqual([...created].sort().reverse());
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = (
        await flows.call('GET', `/v1/admin/disputes?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin.token)
      ).json();
      seen.push(...page.data.map((d) => d.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.map((d: { id: string }) => d.id));
    const won = (await flows.call('GET', '/v1/shop/disputes?status=won', sellerA.token)).json().data;
    expect(won.length).toBeGreaterThan(0);
    expect(won.every((d: { status: string }) => d.status === 'won')).toBe(true);

    expectProblem(await flows.call('GET', '/v1/admin/disputes', sellerA.token), 403, 'forbidden');
    expectProblem(
      await flows.call('GET', '/v1/shop/disputes', (await newUser(t.db)).token),
      403,
      'forbidden',
    );
    expectProblem(await flows.call('GET', '/v1/shop/disputes'), 401, 'unauthenticated');
    expectProblem(
      await flows.call('GET', '/v1/admin/disputes?limit=0', admin.token),
      422,
      'validation_failed',
    );
    expectProblem(
      await flows.call('GET', '/v1/admin/disputes?cursor=nope', admin.token),
      422,
      'validation_failed',
    );
    expectProblem(
      await flows.call('GET', '/v1/shop/disputes?status=maybe', sellerA.token),
      422,
      'validation_failed',
    );
  });
});
