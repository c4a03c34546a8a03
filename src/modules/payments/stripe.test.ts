import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { freshKey, moneyFlows, usd } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { StripeStandIn } from '../../../test/stripe-stand-in.js';
import { sql } from '../../platform/db.js';
import { disputeStatusOf, StripeProvider } from './stripe.js';

const SECRET_KEY = 'sk_test_standin';
const WEBHOOK_SECRET = 'whsec_standin';
const CONNECT_SECRET = 'whsec_connect_standin';

const standIn = new StripeStandIn();
let apiUrl: string;
let sut: StripeProvider;

beforeAll(async () => {
  apiUrl = await standIn.start();
  sut = new StripeProvider({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    connectWebhookSecret: CONNECT_SECRET,
    apiUrl,
  });
});
afterAll(async () => {
  await standIn.stop();
});

/** A Stripe event as Stripe signs it, with the SDK's own test-header helper. */
function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  options: { id?: string; timestamp?: number; secret?: string } = {},
) {
  const payload = JSON.stringify({
    id: options.id ?? `evt_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type,
    api_version: '2025-01-01',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  return { payload, header };
}

describe('the Stripe provider against a stand-in of the Stripe API', () => {
  it('creates one intent per attempt, confirms it, and maps declines to failure codes', async () => {
    const request = { paymentId: 'pay_s1', attempt: 1, amount: 2500, currency: 'USD' };
    const { reference } = await sut.createIntent(request);
    expect((await sut.createIntent(request)).reference).toBe(reference);
    const created = standIn.calls.filter((c) => c.path === '/v1/payment_intents');
    expect(created[0]).toMatchObject({
      method: 'POST',
      idempotencyKey: 'bazaar-intent-pay_s1-1',
      authorization: `Bearer ${SECRET_KEY}`,
      form: { amount: '2500', currency: 'usd', 'metadata[payment_id]': 'pay_s1', 'metadata[attempt]': '1' },
    });
    expect(await sut.fetchStatus(reference)).toEqual({ status: 'requires_confirmation' });
    expect(await sut.confirm(reference, 'pm_card_visa')).toEqual({ status: 'succeeded' });
    expect(await sut.fetchStatus(reference)).toEqual({ status: 'succeeded' });

    const declined = (await sut.createIntent({ ...request, paymentId: 'pay_s2' })).reference;
    expect(await sut.confirm(declined, 'pm_card_chargeDeclined')).toEqual({
      status: 'failed',
      failureCode: 'card_declined',
    });
    expect(await sut.fetchStatus(declined)).toEqual({ status: 'failed', failureCode: 'card_declined' });
    const poor = (await sut.createIntent({ ...request, paymentId: 'pay_s3' })).reference;
    expect(await sut.confirm(poor, 'pm_card_chargeDeclinedInsufficientFunds')).toEqual({
      status: 'failed',
      failureCode: 'insufficient_funds',
    });
    const slow = (await sut.createIntent({ ...request, paymentId: 'pay_s4' })).reference;
    expect(await sut.confirm(slow, 'pm_card_processing')).toEqual({ status: 'processing' });

    await sut.cancel(declined);
    expect(await sut.fetchStatus(declined)).toEqual({ status: 'canceled' });
    await sut.cancel(reference);
    expect(() => sut.assertKnownMethod('visa')).toThrow(/PaymentMethod/);
  });

  it('refunds with our ids as idempotency keys', async () => {
    const { reference } = await sut.createIntent({
      paymentId: 'pay_r1',
      attempt: 1,
      amount: 900,
      currency: 'USD',
    });
    await sut.confirm(reference, 'pm_card_visa');
    const refund = await sut.refund({
      refundId: 'ref_1',
      paymentReference: reference,
      amount: 400,
      currency: 'USD',
    });
    expect(refund).toMatchObject({ status: 'succeeded', failureCode: null });
    expect(standIn.calls.at(-1)).toMatchObject({
      idempotencyKey: 'bazaar-refund-ref_1',
      form: { payment_intent: reference, amount: '400', 'metadata[refund_id]': 'ref_1' },
    });
  });

  it('pays out by a transfer to the connected account, keyed by the payout id, never a platform payout', async () => {
    const opened = await sut.createPayoutAccount({
      accountId: 'pa_1',
      shopId: 'shop_1',
      email: 'ada@example.com',
    });
    expect(opened).toMatchObject({
      status: 'pending',
      requirements: ['external_account', 'tos_acceptance.date'],
    });
    expect(standIn.calls.at(-1)).toMatchObject({
      path: '/v1/accounts',
      idempotencyKey: 'bazaar-account-pa_1',
      form: {
        type: 'express',
        email: 'ada@example.com',
        'capabilities[transfers][requested]': 'true',
        'metadata[shop_id]': 'shop_1',
      },
    });
    expect(
      (await sut.createPayoutAccount({ accountId: 'pa_1', shopId: 'shop_1', email: undefined })).reference,
    ).toBe(opened.reference);
    const link = await sut.onboardingLink(opened.reference, 'http://bazaar.test/seller/payouts');
    expect(link).toMatch(/^https:\/\/connect\.stripe\.test\//);
    expect(standIn.calls.at(-1)).toMatchObject({
      path: '/v1/account_links',
      form: {
        account: opened.reference,
        type: 'account_onboarding',
        return_url: 'http://bazaar.test/seller/payouts',
        refresh_url: 'http://bazaar.test/seller/payouts',
      },
    });

    const request = {
      payoutId: 'po_1',
      shopId: 'shop_1',
      amount: 300,
      currency: 'USD',
      destination: opened.reference,
    };
    // Not onboarded yet: Stripe refuses the transfer and nothing moves.
    expect(await sut.payout(request)).toMatchObject({ status: 'failed', failureCode: 'account_invalid' });
    standIn.completeAccount(opened.reference);
    expect(await sut.fetchPayoutAccount(opened.reference)).toEqual({ status: 'enabled', requirements: [] });

    const paid = await sut.payout({ ...request, payoutId: 'po_2' });
    expect(paid).toMatchObject({ status: 'paid', failureCode: null });
    expect(paid.reference).toMatch(/^tr_/);
    expect(standIn.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/transfers',
      idempotencyKey: 'po_2',
      form: { amount: '300', currency: 'usd', destination: opened.reference, 'metadata[payout_id]': 'po_2' },
    });
    expect((await sut.payout({ ...request, payoutId: 'po_2' })).reference).toBe(paid.reference);
    expect(standIn.calls.filter((c) => c.path === '/v1/payouts')).toEqual([]);

    standIn.platformBalance = 100;
    expect(await sut.payout({ ...request, payoutId: 'po_3' })).toMatchObject({
      status: 'failed',
      failureCode: 'balance_insufficient',
    });
    standIn.platformBalance = 1_000_000;
  });

  it('verifies webhooks with constructEvent on the raw body: missing, wrong, stale or future signatures are refused', async () => {
    const intent = {
      id: 'pi_x',
      object: 'payment_intent',
      status: 'succeeded',
      metadata: { payment_id: 'pay_w', attempt: '2' },
    };
    const { payload, header } = stripeEvent('payment_intent.succeeded', intent, { id: 'evt_ok' });
    expect(await sut.parseWebhook(Buffer.from(payload), { 'stripe-signature': header })).toEqual({
      id: 'evt_ok',
      type: 'payment_intent.succeeded',
      about: 'payment',
      paymentId: 'pay_w',
      attempt: 2,
      reference: 'pi_x',
      outcome: { status: 'succeeded' },
    });
    const now = Math.floor(Date.now() / 1000);
    for (const [body, headers] of [
      [payload, {}],
      [
        payload,
        {
          'stripe-signature': stripeEvent('payment_intent.succeeded', intent, { secret: 'whsec_other' })
            .header,
        },
      ],
      [
        payload,
        {
          'stripe-signature': stripeEvent('payment_intent.succeeded', intent, { timestamp: now - 330 })
            .header,
        },
      ],
      [
        payload,
        {
          'stripe-signature': stripeEvent('payment_intent.succeeded', intent, { timestamp: now + 330 })
            .header,
        },
      ],
      [payload.replace('succeeded', 'canceled'), { 'stripe-signature': header }],
    ] as const) {
      await expect(sut.parseWebhook(Buffer.from(body), headers)).rejects.toMatchObject({
        code: 'invalid_signature',
        status: 400,
      });
    }
    const failed = stripeEvent('payment_intent.payment_failed', {
      ...intent,
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' },
    });
    expect(
      await sut.parseWebhook(Buffer.from(failed.payload), { 'stripe-signature': failed.header }),
    ).toMatchObject({
      about: 'payment',
      outcome: { status: 'failed', failureCode: 'insufficient_funds' },
    });
    const refund = stripeEvent('refund.updated', {
      id: 're_1',
      object: 'refund',
      status: 'succeeded',
      metadata: { refund_id: 'ref_9' },
    });
    expect(
      await sut.parseWebhook(Buffer.from(refund.payload), { 'stripe-signature': refund.header }),
    ).toMatchObject({
      about: 'refund',
      refundId: 'ref_9',
      outcome: 'succeeded',
    });
    // Connect events come signed with the Connect endpoint's secret.
    const account = stripeEvent(
      'account.updated',
      {
        id: 'acct_9',
        object: 'account',
        details_submitted: true,
        payouts_enabled: false,
        capabilities: { transfers: 'inactive' },
        requirements: {
          currently_due: ['individual.verification.document'],
          past_due: [],
          disabled_reason: null,
        },
      },
      { secret: CONNECT_SECRET },
    );
    expect(
      await sut.parseWebhook(Buffer.from(account.payload), { 'stripe-signature': account.header }),
    ).toMatchObject({
      about: 'payout_account',
      reference: 'acct_9',
      state: { status: 'restricted', requirements: ['individual.verification.document'] },
    });
    const reversed = stripeEvent(
      'transfer.reversed',
      { id: 'tr_9', object: 'transfer', amount: 500, amount_reversed: 500, metadata: { payout_id: 'po_9' } },
      { secret: CONNECT_SECRET },
    );
    expect(
      await sut.parseWebhook(Buffer.from(reversed.payload), { 'stripe-signature': reversed.header }),
    ).toMatchObject({
      about: 'payout',
      payoutId: 'po_9',
      outcome: 'failed',
      failureCode: 'transfer_reversed',
    });
    const partly = stripeEvent('transfer.reversed', {
      id: 'tr_8',
      object: 'transfer',
      amount: 500,
      amount_reversed: 100,
      metadata: { payout_id: 'po_8' },
    });
    expect(
      await sut.parseWebhook(Buffer.from(partly.payload), { 'stripe-signature': partly.header }),
    ).toMatchObject({ about: 'nothing' });
    const other = stripeEvent('customer.created', { id: 'cus_1', object: 'customer' });
    expect(
      await sut.parseWebhook(Buffer.from(other.payload), { 'stripe-signature': other.header }),
    ).toMatchObject({ about: 'nothing' });
  });
});

describe('Stripe disputes', () => {
  it('map every dispute status: inquiries and disputes hold, warning_closed and prevented end as won', () => {
    const expected = {
      warning_needs_response: 'open',
      warning_under_review: 'open',
      needs_response: 'open',
      under_review: 'open',
      appeal_needs_response: 'open',
      appeal_under_review: 'open',
      warning_closed: 'won',
      prevented: 'won',
      won: 'won',
      lost: 'lost',
    } as const;
    for (const [status, ours] of Object.entries(expected)) expect(disputeStatusOf(status)).toBe(ours);
  });

  it('parse charge.dispute.* into the whole dispute, named by its PaymentIntent', async () => {
    const dispute = {
      id: 'du_1',
      object: 'dispute',
      amount: 1500,
      currency: 'usd',
      payment_intent: 'pi_d1',
      reason: 'product_not_received',
      status: 'under_review',
      evidence_details: { due_by: 1_900_000_000 },
    };
    for (const type of ['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed']) {
      const event = stripeEvent(type, dispute, { id: `evt_${type}` });
      expect(
        await sut.parseWebhook(Buffer.from(event.payload), { 'stripe-signature': event.header }),
      ).toEqual({
        id: `evt_${type}`,
        type,
        about: 'dispute',
        payment: { reference: 'pi_d1' },
        dispute: {
          reference: 'du_1',
          status: 'open',
          amount: 1500,
          reason: 'product_not_received',
          evidenceDueBy: new Date(1_900_000_000_000),
        },
      });
    }
    const chargeOnly = stripeEvent('charge.dispute.created', { ...dispute, payment_intent: null });
    expect(
      await sut.parseWebhook(Buffer.from(chargeOnly.payload), { 'stripe-signature': chargeOnly.header }),
    ).toMatchObject({ about: 'nothing' });
  });
});

describe('payments through the app with BAZAAR_PAYMENT_PROVIDER=stripe', () => {
  let t: TestApp;
  let flows: ReturnType<typeof moneyFlows>;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        BAZAAR_PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_CONNECT_WEBHOOK_SECRET: CONNECT_SECRET,
        STRIPE_API_URL: apiUrl,
      },
    });
    flows = moneyFlows(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('charges, refunds through Stripe, and applies its signed webhooks once', async () => {
    const [seller, buyer] = [await newUser(t.db, { shop: true }), await newUser(t.db)];
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 3000, stock: 5 }],
    });
    const placed = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    expect((await flows.call('GET', `/v1/payments/${placed.payment.id}`, buyer.token)).json().provider).toBe(
      'stripe',
    );
    expectProblem(await flows.confirm(buyer, placed.payment.id, 'visa'), 422, 'validation_failed');
    const unknownToStripe = await flows.confirm(buyer, placed.payment.id, 'pm_card_slow');
    expect(unknownToStripe.json()).toMatchObject({ status: 'failed', failure_code: 'resource_missing' });
    const declined = await flows.confirm(buyer, placed.payment.id, 'pm_card_chargeDeclined');
    expect(declined.json()).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
    const processing = await flows.confirm(buyer, placed.payment.id, 'pm_card_processing');
    expect(processing.json().status).toBe('processing');
    expect(standIn.calls.filter((c) => c.form['metadata[payment_id]'] === placed.payment.id)).toHaveLength(3);
    const [payment] = await t.db.query<{ reference: string }>(
      sql`SELECT provider_reference AS reference FROM payments WHERE id = ${placed.payment.id}`,
    );

    const succeeded = stripeEvent(
      'payment_intent.succeeded',
      {
        id: payment!.reference,
        object: 'payment_intent',
        status: 'succeeded',
        metadata: { payment_id: placed.payment.id, attempt: '3' },
      },
      { id: 'evt_app_1' },
    );
    const deliver = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/webhooks/stripe',
        payload: succeeded.payload,
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': succeeded.header },
      });
    expect((await deliver()).json()).toEqual({ received: true, outcome: 'applied' });
    expect((await deliver()).json()).toEqual({ received: true, outcome: 'duplicate' });
    const order = (await flows.call('GET', `/v1/orders/${placed.orders[0]!.id}`, buyer.token)).json();
    expect(order.status).toBe('paid');
    const unsigned = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks/stripe',
      payload: succeeded.payload,
    });
    expectProblem(unsigned, 400, 'invalid_signature');

    // Stripe marks the stand-in's intent succeeded too, so the refund goes through.
    standIn.intents.get(payment!.reference)!.status = 'succeeded';
    const refund = await flows.refund(seller.token, order.id, { amount: usd(1000), reason: 'part' });
    expect(refund.statusCode, refund.body).toBe(201);
    await flows.drainJobs();
    expect(standIn.calls.at(-1)).toMatchObject({
      path: '/v1/refunds',
      idempotencyKey: `bazaar-refund-${refund.json().id}`,
    });
    const refunded = (await flows.call('GET', `/v1/orders/${order.id}`, buyer.token)).json();
    expect(refunded.refunds).toMatchObject([
      { id: refund.json().id, status: 'succeeded', amount: usd(1000) },
    ]);
  });

  it('applies signed charge.dispute.* events once in any order, and sends the evidence to Stripe once', async () => {
    const [seller, buyer, admin] = [
      await newUser(t.db, { shop: true }),
      await newUser(t.db),
      await newUser(t.db, { admin: true }),
    ];
    const deliver = (event: { payload: string; header: string }) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/webhooks/stripe',
        payload: event.payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': event.header },
      });
    const outcome = async (event: { payload: string; header: string }) => {
      const answer = await deliver(event);
      return answer.statusCode === 200 ? answer.json().outcome : answer.statusCode;
    };
    const balance = async () => (await flows.call('GET', '/v1/shop/balance', seller.token)).json();
    const disputes = async () => (await flows.call('GET', '/v1/shop/disputes', seller.token)).json().data;

    // One dispute delivered shuffled: closed (won) first, then created, then updated, each twice.
    const first = await flows.paidOrder(buyer, seller, { priceMinor: 4000 });
    const [paid] = await t.db.query<{ reference: string }>(
      sql`SELECT provider_reference AS reference FROM payments WHERE id = ${first.payment.id}`,
    );
    const before = await balance();
    const opened = standIn.openDispute(paid!.reference, 4000);
    const created = stripeEvent('charge.dispute.created', opened);
    const updated = stripeEvent('charge.dispute.updated', { ...opened, status: 'under_review' });
    const closed = stripeEvent('charge.dispute.closed', { ...opened, status: 'won' });
    const outcomes = [];
    for (const event of [closed, created, updated, closed, created, updated])
      outcomes.push(await outcome(event));
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'duplicate', 'duplicate', 'duplicate']);
    expect(await disputes()).toMatchObject([{ status: 'won', amount: usd(4000), reason: 'fraudulent' }]);
    expect(await balance()).toEqual(before);
    const kinds = await t.db.query<{ kind: string }>(sql`
      SELECT e.kind FROM ledger_entries e JOIN disputes d ON d.id = e.reference
      WHERE d.provider_reference = ${opened.id} ORDER BY e.kind`);
    expect(kinds.map((row) => row.kind)).toEqual(['dispute_hold', 'dispute_release']);

    // Another, in order: held while open, evidence submitted at Stripe once, then lost.
    const second = await flows.paidOrder(buyer, seller, { priceMinor: 2000 });
    const [paid2] = await t.db.query<{ reference: string }>(
      sql`SELECT provider_reference AS reference FROM payments WHERE id = ${second.payment.id}`,
    );
    const lostOne = standIn.openDispute(paid2!.reference, 2000, 'product_not_received');
    const beforeHold = await balance();
    expect(await outcome(stripeEvent('charge.dispute.created', lostOne))).toBe('applied');
    expect(beforeHold.pending.amount - (await balance()).pending.amount).toBe(1800);
    const [open] = await disputes();
    expect(open).toMatchObject({
      status: 'open',
      order_ids: [second.order.id],
      evidence_due_by: expect.any(String),
    });
    const sent = await flows.call('POST', `/v1/shop/disputes/${open.id}/evidence`, seller.token, {
      text: 'Delivered, signed by the buyer.',
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(standIn.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: `/v1/disputes/${lostOne.id}`,
      form: { 'evidence[uncategorized_text]': 'Delivered, signed by the buyer.', submit: 'true' },
    });
    expectProblem(
      await flows.call('POST', `/v1/shop/disputes/${open.id}/evidence`, seller.token, { text: 'more' }),
      409,
      'invalid_state',
    );
    expect(await outcome(stripeEvent('charge.dispute.closed', { ...lostOne, status: 'lost' }))).toBe(
      'applied',
    );
    expect((await disputes())[0]).toMatchObject({ id: open.id, status: 'lost' });
    expect(beforeHold.pending.amount - (await balance()).pending.amount).toBe(1800);
    const books = (await flows.call('GET', '/v1/admin/ledger/trial-balance', admin.token)).json();
    expect(books.totals.debits).toEqual(books.totals.credits);
    expectProblem(
      await flows.refund(seller.token, second.order.id, { amount: usd(1), reason: 'after a lost dispute' }),
      422,
      'validation_failed',
    );
  });

  it('pays each seller into their own connected account; a reversed transfer fails the payout once', async () => {
    const [seller, buyer] = [await newUser(t.db, { shop: true }), await newUser(t.db)];
    const payout = (amount: number) =>
      flows.call(
        'POST',
        '/v1/shop/payouts',
        seller.token,
        { amount: usd(amount) },
        { 'idempotency-key': freshKey() },
      );
    const deliver = (event: { payload: string; header: string }) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/webhooks/stripe',
        payload: event.payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': event.header },
      });
    // Checked before the amount: nothing is available either, which would be a 422.
    expectProblem(await payout(100), 409, 'payout_account_required');
    expectProblem(await flows.call('GET', '/v1/shop/payout-account', seller.token), 404, 'not_found');

    const opened = await flows.call('POST', '/v1/shop/payout-account', seller.token);
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({
      id: expect.stringMatching(/^pa_/),
      provider: 'stripe',
      status: 'pending',
      requirements: ['external_account', 'tos_acceptance.date'],
      onboarding_url: expect.stringMatching(/^https:\/\/connect\.stripe\.test\//),
    });
    const account = [...standIn.accounts.values()].find(
      (a) => (a.metadata as Record<string, string>).shop_id === seller.shopId,
    )!;
    expect((await flows.call('POST', '/v1/shop/payout-account', seller.token)).statusCode).toBe(200);
    expect([...standIn.accounts.values()].filter((a) => a.id === account.id)).toHaveLength(1);
    expectProblem(await payout(100), 409, 'payout_account_required');

    standIn.completeAccount(account.id);
    const updated = stripeEvent('account.updated', account, { secret: CONNECT_SECRET });
    expect((await deliver(updated)).json()).toEqual({ received: true, outcome: 'applied' });
    const [stored] = await t.db.query<{ status: string }>(
      sql`SELECT status FROM payout_accounts WHERE provider_account_id = ${account.id}`,
    );
    expect(stored!.status).toBe('enabled');
    expect((await flows.call('GET', '/v1/shop/payout-account', seller.token)).json()).toMatchObject({
      status: 'enabled',
      requirements: [],
      onboarding_url: null,
    });

    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 10_000 });
    await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
      carrier: 'UPS',
      tracking_number: '1Z',
    });
    await flows.call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token);
    const made = await payout(4000);
    expect(made.statusCode, made.body).toBe(201);
    await flows.drainJobs();
    const transfer = standIn.calls.filter((c) => c.path === '/v1/transfers').at(-1)!;
    expect(transfer).toMatchObject({
      idempotencyKey: made.json().id,
      form: { amount: '4000', currency: 'usd', destination: account.id },
    });
    expect(standIn.calls.filter((c) => c.path === '/v1/payouts')).toEqual([]);
    const listed = async () => (await flows.call('GET', '/v1/shop/payouts', seller.token)).json().data[0];
    expect(await listed()).toMatchObject({ id: made.json().id, status: 'paid' });
    const balance = async () => (await flows.call('GET', '/v1/shop/balance', seller.token)).json();
    expect(await balance()).toEqual({ pending: usd(0), available: usd(5000), paid_out: usd(4000) });

    const [sent] = [...standIn.transfers.values()].filter((tr) => tr.destination === account.id);
    const reversed = stripeEvent('transfer.reversed', standIn.reverseTransfer(sent!.id), {
      id: `evt_rev_${made.json().id}`,
      secret: CONNECT_SECRET,
    });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await deliver(reversed)).json().outcome);
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate']);
    // The same news under another event id changes nothing either.
    const again = stripeEvent('transfer.reversed', sent!, { secret: CONNECT_SECRET });
    expect((await deliver(again)).json().outcome).toBe('applied');
    expect(await listed()).toMatchObject({ status: 'failed', failure_code: 'transfer_reversed' });
    expect(await balance()).toEqual({ pending: usd(0), available: usd(9000), paid_out: usd(0) });
    const reversals = await t.db.query(
      sql`SELECT 1 FROM ledger_entries WHERE kind = 'payout_reversal' AND reference = ${made.json().id}`,
    );
    expect(reversals).toHaveLength(1);
    const failedEvents = await t.db.query<{ data: { shop_id: string } }>(
      sql`SELECT data FROM outbox_events WHERE type = 'payout.failed.v1' AND data->>'id' = ${made.json().id}`,
    );
    expect(failedEvents.map((e) => e.data.shop_id)).toEqual([seller.shopId]);
  });
});
