import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { FACTORY_PASSWORD, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_ADMIN_EMAILS: 'audit-admin@example.com' } });
  admin = await newUser(t.db, { email: 'audit-admin@example.com' });
});
afterAll(async () => {
  await t.close();
});

const call = (
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  token?: string,
  payload?: object,
  headers: Record<string, string> = {},
) =>
  t.app.inject({
    method,
    url,
    ...(payload ? { payload } : {}),
    headers: { ...(token ? bearer(token) : {}), ...headers },
  });

interface AuditEvent {
  id: string;
  actor: { id: string; name: string } | null;
  action: string;
  target_type: string;
  target_id: string;
  changes: Record<string, [unknown, unknown]>;
  request_id: string | null;
  ip: string | null;
  created_at: string;
}

async function trail(query: string, token = admin.token, url = '/v1/admin/audit'): Promise<AuditEvent[]> {
  const answer = await call('GET', `${url}?${query}`, token);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json().data;
}

describe('the audit trail', () => {
  it('records a seller’s settings change with before/after, request id and client address, in the shop’s trail', async () => {
    const seller = await newUser(t.db, { shop: 'Audited Lamps' });
    const changed = await call(
      'PATCH',
      '/v1/me/shop',
      seller.token,
      { return_window_days: 14, support_email: 'help@lamps.test' },
      { 'x-request-id': 'audit-req-1' },
    );
    expect(changed.statusCode, changed.body).toBe(200);

    const events = await trail(`target=${seller.shopId}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { id: seller.id, name: seller.name },
      action: 'shop.updated',
      target_type: 'shop',
      target_id: seller.shopId,
      changes: { return_window_days: [30, 14], support_email: [null, 'help@lamps.test'] },
      request_id: 'audit-req-1',
      ip: '127.0.0.1',
    });
    // The seller sees it in their shop's trail; another seller does not.
    expect((await trail('', seller.token, '/v1/shop/audit')).map((e) => e.id)).toEqual([events[0]!.id]);
    const other = await newUser(t.db, { shop: true });
    expect(await trail('', other.token, '/v1/shop/audit')).toEqual([]);
  });

  it('records an admin’s action on a shop, and a suspension, with the admin as actor', async () => {
    const seller = await newUser(t.db, { shop: true });
    const suspended = await call('POST', `/v1/admin/shops/${seller.shopId}/suspend`, admin.token, {
      reason: 'counterfeits',
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    const [shopEvent] = await trail(`target=${seller.shopId}&action=shop.suspended`);
    expect(shopEvent).toMatchObject({
      actor: { id: admin.id },
      changes: { status: ['active', 'suspended'], status_reason: [null, 'counterfeits'] },
    });
    // The seller sees what was done to their shop.
    expect((await trail('', seller.token, '/v1/shop/audit')).map((e) => e.action)).toEqual([
      'shop.suspended',
    ]);

    const user = await newUser(t.db);
    const answer = await call('POST', `/v1/admin/users/${user.id}/suspend`, admin.token);
    expect(answer.statusCode, answer.body).toBe(200);
    const [userEvent] = await trail(`target=${user.id}`);
    expect(userEvent).toMatchObject({ actor: { id: admin.id }, action: 'user.suspended' });
    expect(userEvent!.changes.suspended_at![0]).toBeNull();
    expect(typeof userEvent!.changes.suspended_at![1]).toBe('string');
  });

  it('records logins and failed logins; a failed one has no actor', async () => {
    const user = await newUser(t.db);
    const login = (password: string) =>
      call('POST', '/v1/auth/login', undefined, { email: user.email, password });
    expect((await login('not the password')).statusCode).toBe(401);
    expect((await login(FACTORY_PASSWORD)).statusCode).toBe(200);
    const unknown = await call('POST', '/v1/auth/login', undefined, {
      email: 'nobody-here@example.com',
      password: 'whatever-it-is',
    });
    expect(unknown.statusCode).toBe(401);

    const events = await trail(`target=${user.id}`);
    expect(events.map((e) => [e.action, e.actor?.id ?? null])).toEqual([
      ['user.logged_in', user.id],
      ['user.login_failed', null],
    ]);
    expect(await trail('target=nobody-here@example.com&action=user.login_failed')).toHaveLength(1);
    expect(await trail(`actor=${user.id}&action=user.logged_in`)).toHaveLength(1);
  });

  it('leaves no event for a write that rolls back', async () => {
    const flows = moneyFlows(t);
    const seller = await newUser(t.db, { shop: true });
    const buyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 2000 }],
    });
    await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    // The close transition is made, and audited, before the open order refuses it: all rolled back.
    expectProblem(await call('POST', '/v1/me/shop/close', seller.token), 409, 'invalid_state');
    expect(await trail(`target=${seller.shopId}`)).toEqual([]);
  });

  it('is append-only at the database', async () => {
    const seller = await newUser(t.db, { shop: true });
    await call('PATCH', '/v1/me/shop', seller.token, { handling_days: 5 });
    const [event] = await trail(`target=${seller.shopId}`);
    await expect(
      t.db.execute(sql`UPDATE audit_events SET action = 'shop.forged' WHERE id = ${event!.id}`),
    ).rejects.toThrow(/append-only/);
    await expect(t.db.execute(sql`DELETE FROM audit_events WHERE id = ${event!.id}`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.execute(sql`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    expect(await trail(`target=${seller.shopId}`)).toHaveLength(1);
  });

  it('filters by time and pages newest first without gaps', async () => {
    const seller = await newUser(t.db, { shop: true });
    for (const days of [3, 4, 5]) {
      expect((await call('PATCH', '/v1/me/shop', seller.token, { handling_days: days })).statusCode).toBe(
        200,
      );
    }
    const first = await call('GET', `/v1/admin/audit?target=${seller.shopId}&limit=2`, admin.token);
    const second = await call(
      'GET',
      `/v1/admin/audit?target=${seller.shopId}&limit=2&cursor=${first.json().next_cursor}`,
      admin.token,
    );
    const changes = [...first.json().data, ...second.json().data].map(
      (e: AuditEvent) => e.changes.handling_days,
    );
    expect(changes).toEqual([
      [4, 5],
      [3, 4],
      [2, 3],
    ]);
    expect(second.json().next_cursor).toBeNull();
    const today = new Date().toISOString().slice(0, 10);
    expect(await trail(`target=${seller.shopId}&from=${today}&to=${today}`)).toHaveLength(3);
    expect(await trail(`target=${seller.shopId}&to=${today}T00:00:00Z`)).toHaveLength(0);
  });

  it('is for admins (the whole trail) and sellers (their shop’s)', async () => {
    const buyer = await newUser(t.db);
    const seller = await newUser(t.db, { shop: true });
    expectProblem(await call('GET', '/v1/admin/audit'), 401, 'unauthenticated');
    expectProblem(await call('GET', '/v1/admin/audit', seller.token), 403, 'forbidden');
    expectProblem(await call('GET', '/v1/shop/audit'), 401, 'unauthenticated');
    expectProblem(await call('GET', '/v1/shop/audit', buyer.token), 403, 'forbidden');
    // A seller cannot ask for someone else's trail by actor.
    expectProblem(
      await call('GET', `/v1/shop/audit?actor=${admin.id}`, seller.token),
      422,
      'validation_failed',
    );
    expectProblem(
      await call('GET', '/v1/admin/audit?action=DROP TABLE', admin.token),
      422,
      'validation_failed',
    );
    expectProblem(await call('GET', '/v1/admin/audit?cursor=garbage', admin.token), 422, 'validation_failed');
    expectProblem(
      await call('GET', '/v1/admin/audit?from=2026-12-07&to=2026-12-01', admin.token),
      422,
      'validation_failed',
      'audit_period_invalid',
    );
  });
});
