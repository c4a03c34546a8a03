import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows, TEST_WEBHOOK_SECRET } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { ManualClock } from '../../../test/timing.js';
import { sql } from '../../platform/db.js';
import { JobRunner } from '../../platform/jobs.js';
import { sandboxWebhookSecret } from './payments.providers.js';
import { SandboxProvider } from './sandbox.js';
import { signWebhook } from './webhook-signature.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let seller: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  flows = moneyFlows(t);
  seller = await newUser(t.db, { shop: 'Webhook Shop' });
});
afterAll(async () => {
  await t.close();
});

/** A buyer's payment confirmed with pm_card_slow: processing until the sandbox settles it. */
async function processingPayment() {
  const buyer = await newUser(t.db);
  const product = await newStockedProduct(t.db, {
    shopId: seller.shopId!,
    variants: [{ priceMinor: 1999, stock: 5 }],
  });
  const placed = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
  const confirmed = await flows.confirm(buyer, placed.payment.id, 'pm_card_slow');
  expect(confirmed.json().status).toBe('processing');
  const [intent] = await t.db.query<{ id: string }>(
    sql`SELECT id FROM sandbox_intents WHERE payment_id = ${placed.payment.id} AND attempt = 1`,
  );
  return { buyer, paymentId: placed.payment.id, orderId: placed.orders[0]!.id, intentId: intent!.id };
}

const successBody = (eventId: string, payment: { paymentId: string; intentId: string }, attempt = 1) =>
  JSON.stringify({
    id: eventId,
    type: 'payment.succeeded',
    created: Math.floor(Date.now() / 1000),
    data: { payment_id: payment.paymentId, attempt, intent_id: payment.intentId, failure_code: null },
  });

const statusOf = async (paymentId: string) =>
  (await t.db.query<{ status: string }>(sql`SELECT status FROM payments WHERE id = ${paymentId}`))[0]!.status;

const countOf = async (query: ReturnType<typeof sql>) => (await t.db.query<{ n: number }>(query))[0]!.n;

describe('POST /v1/webhooks/sandbox', () => {
  it('refuses a missing, wrong, tampered, malformed, stale or future signature with 400 and changes nothing', async () => {
    const payment = await processingPayment();
    const body = successBody('evt_refused_1', payment);
    const now = Math.floor(Date.now() / 1000);
    const refusals = [
      await flows.sandboxWebhook(body, { header: null }),
      await flows.sandboxWebhook(body, { secret: 'whsec_someone_else' }),
      await flows.sandboxWebhook(body, { header: `t=${now},v1=${'0'.repeat(64)}` }),
      await flows.sandboxWebhook(body, { header: 'v1=abc' }),
      await flows.sandboxWebhook(body, { header: 'garbage' }),
      // Beyond the 300 s by more than this test takes: `now + 301` read a second later is 300 s
      // ahead, within the tolerance (seen once in CI on a loaded machine).
      await flows.sandboxWebhook(body, { timestamp: now - 330 }),
      await flows.sandboxWebhook(body, { timestamp: now + 330 }),
      // A signature of another body does not sign this one.
      await flows.sandboxWebhook(body, {
        header: signWebhook(TEST_WEBHOOK_SECRET, body.replace('payment.succeeded', 'payment.failed'), now),
      }),
    ];
    for (const response of refusals) {
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().code).toBe('invalid_signature');
    }
    expect(refusals.map((response) => response.json().reason)).toEqual([
      'signature_missing',
      'signature_mismatch',
      'signature_mismatch',
      'signature_malformed',
      'signature_malformed',
      'signature_stale',
      'signature_stale',
      'signature_mismatch',
    ]);
    expect(await statusOf(payment.paymentId)).toBe('processing');
    expect(await countOf(sql`SELECT count(*)::int AS n FROM payment_webhook_events`)).toBe(0);

    // Within the tolerance either way it is accepted.
    const accepted = await flows.sandboxWebhook(body, { timestamp: now - 290 });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ received: true, outcome: 'applied' });
    expect(await statusOf(payment.paymentId)).toBe('succeeded');
    const order = await flows.call('GET', `/v1/orders/${payment.orderId}`, payment.buyer.token);
    expect(order.json().status).toBe('paid');
  });

  it('answers a replayed event id 200 and applies nothing again, whatever its body says now', async () => {
    const payment = await processingPayment();
    const body = successBody('evt_replayed_1', payment);
    expect((await flows.sandboxWebhook(body)).json().outcome).toBe('applied');
    const before = await countOf(sql`SELECT count(*)::int AS n FROM outbox_events`);
    const entries = await countOf(sql`SELECT count(*)::int AS n FROM ledger_entries`);

    const replay = await flows.sandboxWebhook(body, { timestamp: Math.floor(Date.now() / 1000) + 5 });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ received: true, outcome: 'duplicate' });
    const sameIdOtherType = await flows.sandboxWebhook(
      JSON.stringify({
        ...JSON.parse(body),
        type: 'payment.failed',
        data: { ...JSON.parse(body).data, failure_code: 'card_declined' },
      }),
    );
    expect(sameIdOtherType.json().outcome).toBe('duplicate');
    expect(await statusOf(payment.paymentId)).toBe('succeeded');
    expect(await countOf(sql`SELECT count(*)::int AS n FROM outbox_events`)).toBe(before);
    expect(await countOf(sql`SELECT count(*)::int AS n FROM ledger_entries`)).toBe(entries);
  });

  it('answers an event for an unknown payment, refund or payout 200 and records nothing', async () => {
    const bodies = [
      successBody('evt_unknown_payment', { paymentId: 'pay_unknown', intentId: 'si_unknown' }),
      JSON.stringify({
        id: 'evt_unknown_refund',
        type: 'refund.succeeded',
        created: 1,
        data: { payment_id: 'pay_x', refund_id: 'ref_x' },
      }),
      JSON.stringify({
        id: 'evt_unknown_payout',
        type: 'payout.paid',
        created: 1,
        data: { payment_id: null, payout_id: 'po_x' },
      }),
      JSON.stringify({
        id: 'evt_unknown_type',
        type: 'charge.dispute.created',
        created: 1,
        data: { payment_id: null },
      }),
    ];
    for (const body of bodies) {
      const response = await flows.sandboxWebhook(body);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: true, outcome: 'ignored' });
    }
    expect(
      await countOf(
        sql`SELECT count(*)::int AS n FROM payment_webhook_events WHERE event_id LIKE 'evt_unknown%'`,
      ),
    ).toBe(0);
  });

  it('is 404 for a provider that is not configured, and refuses a signed body that is not an event', async () => {
    const stripe = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks/stripe',
      payload: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(stripe, 404, 'not_found', 'webhook_provider_unknown');
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/webhooks/paypal', payload: '{}' })).statusCode,
    ).toBe(404);
    const notAnEvent = await flows.sandboxWebhook('{"hello": "world"}');
    expect(notAnEvent.statusCode).toBe(400);
    expect(notAnEvent.json()).toMatchObject({ code: 'invalid_signature', reason: 'event_malformed' });
  });

  it('ignores a late failure of an earlier attempt: only the current attempt settles the payment', async () => {
    const buyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 5 }] });
    const placed = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_declined')).json().status).toBe('failed');
    expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_slow')).json().status).toBe('processing');
    const [attempt1] = await t.db.query<{ id: string }>(
      sql`SELECT id FROM sandbox_intents WHERE payment_id = ${placed.payment.id} AND attempt = 1`,
    );
    const lateFailure = JSON.stringify({
      id: 'evt_late_failure',
      type: 'payment.failed',
      created: Math.floor(Date.now() / 1000),
      data: {
        payment_id: placed.payment.id,
        attempt: 1,
        intent_id: attempt1!.id,
        failure_code: 'card_declined',
      },
    });
    expect((await flows.sandboxWebhook(lateFailure)).statusCode).toBe(200);
    expect(await statusOf(placed.payment.id)).toBe('processing');
  });
});

describe('the sandbox provider', () => {
  it('settles pm_card_slow later by its own signed webhook, delivered by a durable job', async () => {
    const payment = await processingPayment();
    await t.services.jobs.runDueJobs();
    // The settling job is due about two seconds on; a loaded machine may take longer to get there.
    expect(await statusOf(payment.paymentId)).toBe('processing');
    const started = Date.now();
    while ((await statusOf(payment.paymentId)) !== 'succeeded' && Date.now() - started < 15_000) {
      await t.services.jobs.runDueJobs();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await statusOf(payment.paymentId)).toBe('succeeded');
    const order = (await flows.call('GET', `/v1/orders/${payment.orderId}`, payment.buyer.token)).json();
    expect(order.status).toBe('paid');
    const [event] = await t.db.query<{ type: string; deliveredAt: Date | null }>(sql`
      SELECT type, delivered_at AS "deliveredAt" FROM sandbox_events
      WHERE body::jsonb->'data'->>'payment_id' = ${payment.paymentId}`);
    expect(event).toMatchObject({ type: 'payment.succeeded' });
    expect(event!.deliveredAt).not.toBeNull();
    expect(
      await countOf(
        sql`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'payment.succeeded.v1' AND data->>'id' = ${payment.paymentId}`,
      ),
    ).toBe(1);
  });

  it('retries a delivery the endpoint did not take, with backoff, until it is taken', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const flaky = new SandboxProvider(t.db, {
      webhookUrl: 'http://bazaar.invalid/v1/webhooks/sandbox',
      onboardingUrl: 'http://bazaar.invalid/sandbox/onboarding',
      secret: async () => TEST_WEBHOOK_SECRET,
      now: clock.now,
      transport: async ({ headers, body }) => {
        attempts++;
        if (attempts === 1) return { status: 503 };
        const response = await t.app.inject({
          method: 'POST',
          url: '/v1/webhooks/sandbox',
          headers,
          payload: body,
        });
        return { status: response.statusCode };
      },
    });
    const runner = new JobRunner(t.db, { now: clock.now, retryBaseSeconds: 10 });
    flaky.registerJobs(runner);

    const payment = await processingPayment();
    // The sandbox's own settle job is due in 2 s; this runner takes it over at the moved clock.
    clock.advance(3);
    await runner.runDueJobs();
    await runner.runDueJobs();
    expect(attempts).toBe(1);
    expect(await statusOf(payment.paymentId)).toBe('processing');
    const [waiting] = await t.db.query<{ lastError: string }>(
      sql`SELECT last_error AS "lastError" FROM jobs WHERE kind = 'sandbox.deliver-event' AND status = 'pending'`,
    );
    expect(waiting!.lastError).toMatch(/503/);

    clock.advance(5);
    await runner.runDueJobs();
    expect(attempts).toBe(1);
    clock.advance(6);
    await runner.runDueJobs();
    expect(attempts).toBe(2);
    expect(await statusOf(payment.paymentId)).toBe('succeeded');
  });

  it('generates its webhook secret once and keeps it in the database when none is configured', async () => {
    const first = sandboxWebhookSecret(t.db, undefined);
    const second = sandboxWebhookSecret(t.db, undefined);
    const [a, b] = await Promise.all([first(), second()]);
    expect(a).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(await first()).toBe(a);
    const [stored] = await t.db.query<{ value: string }>(
      sql`SELECT value FROM payment_settings WHERE name = 'sandbox_webhook_secret'`,
    );
    expect(stored!.value).toBe(a);
    expect(await sandboxWebhookSecret(t.db, 'whsec_configured')()).toBe('whsec_configured');
  });
});

describe('exactly once', () => {
  it('applies each provider event once when delivered 1–10 times, shuffled among others, some at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.nat(),
        async (copies, noiseCopies, seed) => {
          const payments = await Promise.all(copies.map(() => processingPayment()));
          const deliveries = payments.flatMap((payment, i) =>
            Array.from({ length: copies[i]! }, () => successBody(`evt_once_${payment.paymentId}`, payment)),
          );
          const noise = JSON.stringify({
            id: `evt_noise_${seed}`,
            type: 'refund.succeeded',
            created: 1,
            data: { refund_id: 'ref_none' },
          });
          deliveries.push(...Array.from({ length: noiseCopies }, () => noise));
          const shuffled = shuffle(deliveries, seed);
          // Pairs go at once: duplicates race each other as well as arriving late.
          for (let i = 0; i < shuffled.length; i += 2) {
            const answers = await Promise.all(
              shuffled.slice(i, i + 2).map((body) => flows.sandboxWebhook(body)),
            );
            for (const answer of answers) expect(answer.statusCode).toBe(200);
          }
          for (const payment of payments) {
            expect(await statusOf(payment.paymentId)).toBe('succeeded');
            expect(
              await countOf(
                sql`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'payment.succeeded.v1' AND data->>'id' = ${payment.paymentId}`,
              ),
            ).toBe(1);
            expect(
              await countOf(
                sql`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'order.paid.v1' AND data->>'id' = ${payment.orderId}`,
              ),
            ).toBe(1);
            expect(
              await countOf(
                sql`SELECT count(*)::int AS n FROM ledger_entries WHERE order_id = ${payment.orderId}`,
              ),
            ).toBe(1);
            expect(
              await countOf(
                sql`SELECT count(*)::int AS n FROM payment_webhook_events WHERE event_id = ${`evt_once_${payment.paymentId}`}`,
              ),
            ).toBe(1);
          }
        },
      ),
      { numRuns: 5 },
    );
  });
});

/** A deterministic Fisher–Yates shuffle (fast-check shrinks the seed). */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const shuffled = [...items];
  let state = seed || 1;
  for (let i = shuffled.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled;
}
