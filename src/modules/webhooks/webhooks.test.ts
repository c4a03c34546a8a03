import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { startWebhookReceiver } from '../../../test/webhook-receiver.js';
import { sql } from '../../platform/db.js';
import { verifyWebhookSignature } from '../payments/index.js';

let t: TestApp;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let admin: TestUser;
let flows: ReturnType<typeof moneyFlows>;

beforeAll(async () => {
  t = await createTestApp({
    env: { BAZAAR_ADMIN_EMAILS: 'webhooks-admin@example.com', BAZAAR_WEBHOOKS_ALLOW_PRIVATE: 'true' },
  });
  receiver = await startWebhookReceiver();
  admin = await newUser(t.db, { email: 'webhooks-admin@example.com' });
  flows = moneyFlows(t);
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

// Each test starts with every event so far relayed and every delivery settled.
beforeEach(async () => {
  await deliverAll();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, payload?: object) =>
  t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: token ? bearer(token) : {} });

/** Relays the outbox and runs the due jobs until neither has anything left. */
async function deliverAll(): Promise<void> {
  for (;;) {
    const relayed = await t.services.outbox.drain();
    const ran = await flows.drainJobs();
    if (relayed === 0 && ran === 0) return;
  }
}

/** Brings every scheduled delivery attempt forward to now (instead of waiting out the backoff). */
async function fastForwardRetries(): Promise<void> {
  await t.db.execute(
    sql`UPDATE jobs SET run_at = now() - interval '1 minute' WHERE kind = 'webhooks.deliver' AND status = 'pending'`,
  );
}

async function createEndpoint(token: string, side: 'shop' | 'admin', body: object) {
  const created = await call('POST', `/v1/${side}/webhook-endpoints`, token, body);
  expect(created.statusCode, created.body).toBe(201);
  return created.json() as { id: string; secret: string; url: string; events: string[]; status: string };
}

const deliveriesOf = async (token: string, side: 'shop' | 'admin', endpointId: string) => {
  const answer = await call('GET', `/v1/${side}/webhook-endpoints/${endpointId}/deliveries`, token);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json().data as {
    id: string;
    event_id: string;
    event_type: string;
    status: string;
    attempts: number;
    last_status_code: number | null;
    next_attempt_at: string | null;
  }[];
};

describe('webhook endpoints', () => {
  it('creates, lists, changes and deletes endpoints, the secret shown once and never audited', async () => {
    const seller = await newUser(t.db, { shop: true });
    const created = await createEndpoint(seller.token, 'shop', {
      url: receiver.url('/crud'),
      events: ['order.placed.v1', 'order.paid.v1'],
      description: 'ERP',
    });
    expect(created).toMatchObject({ status: 'enabled', events: ['order.placed.v1', 'order.paid.v1'] });
    expect(created.secret).toMatch(/^whsec_/);

    const listed = await call('GET', '/v1/shop/webhook-endpoints', seller.token);
    expect(listed.json().data).toEqual([expect.objectContaining({ id: created.id, description: 'ERP' })]);
    expect(listed.body).not.toContain(created.secret);

    const patched = await call('PATCH', `/v1/shop/webhook-endpoints/${created.id}`, seller.token, {
      events: ['*'],
      status: 'disabled',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ events: ['*'], status: 'disabled' });

    const rotated = await call(
      'POST',
      `/v1/shop/webhook-endpoints/${created.id}/rotate-secret`,
      seller.token,
    );
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(created.secret);

    const deleted = await call('DELETE', `/v1/shop/webhook-endpoints/${created.id}`, seller.token);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await call('GET', '/v1/shop/webhook-endpoints', seller.token)).json().data).toEqual([]);

    const trail = await t.db.query<{ action: string; shop_id: string; changes: unknown }>(
      sql`SELECT action, shop_id, changes FROM audit_events WHERE target_id = ${created.id} ORDER BY created_at, id`,
    );
    expect(trail.map((row) => row.action)).toEqual([
      'webhook_endpoint.created',
      'webhook_endpoint.updated',
      'webhook_endpoint.secret_rotated',
      'webhook_endpoint.deleted',
    ]);
    expect(trail.every((row) => row.shop_id === seller.shopId)).toBe(true);
    const written = JSON.stringify(trail);
    expect(written).not.toContain(created.secret);
    expect(written).not.toContain(rotated.json().secret);
  });

  it('refuses unknown event types and `*` beside others at /events, and a non-http(s) URL at /url', async () => {
    const seller = await newUser(t.db, { shop: true });
    for (const events of [['order.nonsense.v1'], ['*', 'order.placed.v1']]) {
      const answer = await call('POST', '/v1/shop/webhook-endpoints', seller.token, {
        url: receiver.url('/x'),
        events,
      });
      expectProblem(answer, 422, 'validation_failed');
      expect(answer.json().errors[0].path).toBe('/events');
    }
    const ftp = await call('POST', '/v1/shop/webhook-endpoints', seller.token, {
      url: 'ftp://127.0.0.1/x',
      events: ['*'],
    });
    expectProblem(ftp, 422, 'validation_failed');
    expect(ftp.json().errors[0].path).toBe('/url');
  });

  it('answers another owner’s endpoint and delivery with 404, other roles with 401/403', async () => {
    const owner = await newUser(t.db, { shop: true });
    const other = await newUser(t.db, { shop: true });
    const buyer = await newUser(t.db);
    const endpoint = await createEndpoint(owner.token, 'shop', {
      url: receiver.url('/authz'),
      events: ['*'],
    });
    const pinged = await call('POST', `/v1/shop/webhook-endpoints/${endpoint.id}/test`, owner.token);
    expect(pinged.statusCode, pinged.body).toBe(202);
    const deliveryId = pinged.json().id as string;
    const base = `/v1/shop/webhook-endpoints/${endpoint.id}`;
    const routes: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?][] = [
      ['PATCH', base, { status: 'disabled' }],
      ['POST', `${base}/rotate-secret`],
      ['GET', `${base}/deliveries`],
      ['POST', `${base}/test`],
      ['POST', `${base}/deliveries/${deliveryId}/retry`],
      ['DELETE', base],
    ];
    for (const [method, url, body] of routes) {
      expectProblem(await call(method, url, other.token, body), 404, 'not_found');
      // The marketplace's routes do not reach a shop's endpoint either.
      expectProblem(
        await call(method, url.replace('/v1/shop/', '/v1/admin/'), admin.token, body),
        404,
        'not_found',
      );
      expectProblem(await call(method, url, buyer.token, body), 403, 'forbidden');
      expectProblem(await call(method, url, undefined, body), 401, 'unauthenticated');
    }
    expect((await call('GET', '/v1/shop/webhook-endpoints', other.token)).json().data).toEqual([]);
    expectProblem(await call('GET', '/v1/admin/webhook-endpoints', owner.token), 403, 'forbidden');
    expectProblem(
      await call('POST', '/v1/admin/webhook-endpoints', owner.token, {
        url: receiver.url('/a'),
        events: ['*'],
      }),
      403,
      'forbidden',
    );
    // A delivery of another endpoint of the same owner is not found under this one.
    const second = await createEndpoint(owner.token, 'shop', { url: receiver.url('/authz2'), events: ['*'] });
    expectProblem(
      await call(
        'POST',
        `/v1/shop/webhook-endpoints/${second.id}/deliveries/${deliveryId}/retry`,
        owner.token,
      ),
      404,
      'not_found',
    );
    await deliverAll();
    // The owner's own calls all work.
    for (const [method, url, body] of routes) {
      const answer = await call(method, url, owner.token, body);
      expect(answer.statusCode, `${method} ${url}: ${answer.body}`).toBeLessThan(300);
    }
  });
});

describe('deliveries', () => {
  it('sends each shop only its own order, signed, once per endpoint even when the relay redelivers', async () => {
    const shopA = await newUser(t.db, { shop: true });
    const shopB = await newUser(t.db, { shop: true });
    const buyer = await newUser(t.db);
    const endpointA = await createEndpoint(shopA.token, 'shop', {
      url: receiver.url('/a'),
      events: ['order.placed.v1'],
    });
    const endpointB = await createEndpoint(shopB.token, 'shop', { url: receiver.url('/b'), events: ['*'] });
    const market = await createEndpoint(admin.token, 'admin', {
      url: receiver.url('/market'),
      events: ['order.placed.v1'],
    });
    const productA = await newStockedProduct(t.db, { shopId: shopA.shopId! });
    const productB = await newStockedProduct(t.db, { shopId: shopB.shopId! });
    // One checkout, two shops: one order each, one order.placed.v1 each.
    const placed = await flows.placeOrder(buyer, [
      { variantId: productA.variants[0]!.id, quantity: 1 },
      { variantId: productB.variants[0]!.id, quantity: 1 },
    ]);
    await deliverAll();

    const orderOf = (shopId: string) => placed.orders.find((order) => order.shop.id === shopId)!.id;
    const toA = receiver.at('/a');
    expect(toA.map((r) => [r.event.type, r.event.data.id])).toEqual([
      ['order.placed.v1', orderOf(shopA.shopId!)],
    ]);
    const toB = receiver.at('/b').filter((r) => r.event.type.startsWith('order.'));
    expect(toB.map((r) => [r.event.type, r.event.data.id])).toEqual([
      ['order.placed.v1', orderOf(shopB.shopId!)],
    ]);
    // Nothing B receives is about A's order or shop.
    expect(receiver.at('/b').some((r) => r.body.includes(shopA.shopId!))).toBe(false);
    expect(
      receiver
        .at('/market')
        .map((r) => r.event.data.id)
        .sort(),
    ).toEqual(placed.orders.map((order) => order.id).sort());

    for (const [request, secret] of [
      [toA[0]!, endpointA.secret],
      [toB[0]!, endpointB.secret],
    ] as const) {
      expect(request.headers['bazaar-event-id']).toBe(request.event.id);
      expect(request.headers['content-type']).toBe('application/json');
      expect(Object.keys(request.event).sort()).toEqual(['data', 'id', 'occurred_at', 'type']);
      const header = request.headers['bazaar-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(() =>
        verifyWebhookSignature(secret, Buffer.from(request.body), header, Math.floor(Date.now() / 1000)),
      ).not.toThrow();
      // Another endpoint's secret does not verify it.
      expect(() =>
        verifyWebhookSignature(
          endpointA.secret === secret ? endpointB.secret : endpointA.secret,
          Buffer.from(request.body),
          header,
          Math.floor(Date.now() / 1000),
        ),
      ).toThrow();
    }

    // The relay delivers every event again (as after a crash mid-batch): no endpoint hears twice.
    const before = receiver.received.length;
    await t.db.execute(sql`UPDATE outbox_events SET published_at = NULL, locked_until = NULL`);
    await deliverAll();
    expect(receiver.received.length).toBe(before);
    const [rows] = await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM webhook_deliveries WHERE endpoint_id = ${market.id}`,
    );
    expect(rows!.count).toBe(2);
    expect((await deliveriesOf(shopA.token, 'shop', endpointA.id)).map((d) => d.status)).toEqual([
      'delivered',
    ]);
  });

  it('retries a failing receiver with backoff, holding later events of the same order until it takes the first', async () => {
    const seller = await newUser(t.db, { shop: true });
    const buyer = await newUser(t.db);
    const endpoint = await createEndpoint(seller.token, 'shop', {
      url: receiver.url('/flaky'),
      events: ['order.placed.v1', 'order.paid.v1'],
    });
    receiver.failNext('/flaky', 3);
    const { order } = await flows.paidOrder(buyer, seller);
    await deliverAll();

    // The first attempt failed; the retry comes within 30 s; order.paid waits, never tried.
    let log = await deliveriesOf(seller.token, 'shop', endpoint.id);
    const placed = log.find((d) => d.event_type === 'order.placed.v1')!;
    const paid = log.find((d) => d.event_type === 'order.paid.v1')!;
    expect(placed).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
    const retryIn = new Date(placed.next_attempt_at!).getTime() - Date.now();
    expect(retryIn).toBeGreaterThan(0);
    expect(retryIn).toBeLessThanOrEqual(30_000);
    expect(paid).toMatchObject({ status: 'pending', attempts: 0 });

    for (const attempts of [2, 3]) {
      await fastForwardRetries();
      await deliverAll();
      log = await deliveriesOf(seller.token, 'shop', endpoint.id);
      expect(log.find((d) => d.id === placed.id)).toMatchObject({ status: 'pending', attempts });
      expect(log.find((d) => d.id === paid.id)).toMatchObject({ status: 'pending', attempts: 0 });
    }
    await fastForwardRetries();
    await deliverAll();
    log = await deliveriesOf(seller.token, 'shop', endpoint.id);
    expect(log.find((d) => d.id === placed.id)).toMatchObject({
      status: 'delivered',
      attempts: 4,
      last_status_code: 200,
    });
    expect(log.find((d) => d.id === paid.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    // The receiver saw placed four times (three refused), then paid: in the order they occurred.
    expect(receiver.at('/flaky').map((r) => r.event.type)).toEqual([
      'order.placed.v1',
      'order.placed.v1',
      'order.placed.v1',
      'order.placed.v1',
      'order.paid.v1',
    ]);
    expect(receiver.at('/flaky')[0]!.event.data.id).toBe(order.id);
  });

  it('signs with both secrets for 24 h after a rotation, then with the new one only', async () => {
    const seller = await newUser(t.db, { shop: true });
    const endpoint = await createEndpoint(seller.token, 'shop', {
      url: receiver.url('/rotating'),
      events: ['*'],
    });
    const rotated = await call(
      'POST',
      `/v1/shop/webhook-endpoints/${endpoint.id}/rotate-secret`,
      seller.token,
    );
    const newSecret = rotated.json().secret as string;
    expect(new Date(rotated.json().previous_secret_expires_at).getTime() - Date.now()).toBeGreaterThan(
      23.9 * 3600 * 1000,
    );
    const ping = async () => {
      expect(
        (await call('POST', `/v1/shop/webhook-endpoints/${endpoint.id}/test`, seller.token)).statusCode,
      ).toBe(202);
      await deliverAll();
      const request = receiver.at('/rotating').at(-1)!;
      expect(request.event.type).toBe('webhook_endpoint.pinged.v1');
      return { body: Buffer.from(request.body), header: request.headers['bazaar-signature'] as string };
    };
    const now = () => Math.floor(Date.now() / 1000);
    const during = await ping();
    expect(during.header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const [t0, first, second] = during.header.split(',');
    // Each signature alone verifies with its own secret.
    expect(() => verifyWebhookSignature(newSecret, during.body, `${t0},${first}`, now())).not.toThrow();
    expect(() =>
      verifyWebhookSignature(endpoint.secret, during.body, `${t0},${second}`, now()),
    ).not.toThrow();

    await t.db.execute(
      sql`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = ${endpoint.id}`,
    );
    const afterwards = await ping();
    expect(afterwards.header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(() => verifyWebhookSignature(newSecret, afterwards.body, afterwards.header, now())).not.toThrow();
    expect(() =>
      verifyWebhookSignature(endpoint.secret, afterwards.body, afterwards.header, now()),
    ).toThrow();
  });

  it('disables an endpoint that failed for 24 h straight and tells its owner; enabling sends what waited', async () => {
    const seller = await newUser(t.db, { shop: true });
    const endpoint = await createEndpoint(seller.token, 'shop', {
      url: receiver.url('/down'),
      events: ['*'],
    });
    receiver.failNext('/down', 1000);
    await call('POST', `/v1/shop/webhook-endpoints/${endpoint.id}/test`, seller.token);
    await deliverAll();
    const list = async () => (await call('GET', '/v1/shop/webhook-endpoints', seller.token)).json().data[0];
    expect(await list()).toMatchObject({ status: 'enabled', failing_since: expect.any(String) });

    // A day later, still failing.
    await t.db.execute(
      sql`UPDATE webhook_endpoints SET failing_since = now() - interval '24 hours 1 minute' WHERE id = ${endpoint.id}`,
    );
    await fastForwardRetries();
    await deliverAll();
    expect(await list()).toMatchObject({ status: 'disabled' });
    const notices = await t.db.query<{ type: string; link: string }>(
      sql`SELECT type, link FROM notifications WHERE user_id = ${seller.id}`,
    );
    expect(notices).toEqual([{ type: 'webhook_endpoint_disabled', link: '/seller/webhooks' }]);
    const [audited] = await t.db.query<{ actor_id: string | null }>(
      sql`SELECT actor_id FROM audit_events WHERE target_id = ${endpoint.id} AND action = 'webhook_endpoint.disabled'`,
    );
    expect(audited).toEqual({ actor_id: null });

    // Disabled: nothing is attempted, however due.
    const attemptsSoFar = receiver.at('/down').length;
    await fastForwardRetries();
    await deliverAll();
    expect(receiver.at('/down').length).toBe(attemptsSoFar);

    // The receiver is fixed and the owner enables it: the pending delivery goes at once.
    receiver.failNext('/down', 0);
    const enabled = await call('PATCH', `/v1/shop/webhook-endpoints/${endpoint.id}`, seller.token, {
      status: 'enabled',
    });
    expect(enabled.json()).toMatchObject({ status: 'enabled', failing_since: null });
    await deliverAll();
    expect((await deliveriesOf(seller.token, 'shop', endpoint.id))[0]).toMatchObject({ status: 'delivered' });
  });

  it('gives a delivery up after 3 days, and sends it again on a manual retry', async () => {
    const endpoint = await createEndpoint(admin.token, 'admin', {
      url: receiver.url('/late'),
      events: ['user.registered.v1'],
    });
    receiver.failNext('/late', 1);
    await call('POST', `/v1/admin/webhook-endpoints/${endpoint.id}/test`, admin.token);
    await t.db.execute(
      sql`UPDATE webhook_deliveries SET give_up_at = now() WHERE endpoint_id = ${endpoint.id}`,
    );
    await deliverAll();
    const [failed] = await deliveriesOf(admin.token, 'admin', endpoint.id);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_status_code: 500,
      next_attempt_at: null,
    });

    const retried = await call(
      'POST',
      `/v1/admin/webhook-endpoints/${endpoint.id}/deliveries/${failed!.id}/retry`,
      admin.token,
    );
    expect(retried.statusCode, retried.body).toBe(202);
    await deliverAll();
    expect((await deliveriesOf(admin.token, 'admin', endpoint.id))[0]).toMatchObject({
      status: 'delivered',
      attempts: 2,
    });
    expect(receiver.at('/late').map((r) => r.event.id)).toEqual([failed!.event_id, failed!.event_id]);
    const [audited] = await t.db.query<{ actor_id: string }>(
      sql`SELECT actor_id FROM audit_events WHERE target_id = ${failed!.id} AND action = 'webhook_delivery.retried'`,
    );
    expect(audited).toEqual({ actor_id: admin.id });
  });
});
