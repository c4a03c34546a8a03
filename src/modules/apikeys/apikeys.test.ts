import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { expectProblem } from '../../../test/problem.js';
import { openDatabase, sql } from '../../platform/db.js';
import { API_KEY_SCOPES } from '../../platform/http.js';
import { touchApiKey } from './apikeys.repo.js';
import { LAST_USED_TOUCH_SECONDS } from './apikeys.service.js';

const ADMIN_EMAIL = 'keys-admin@example.com';
let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_ADMIN_EMAILS: ADMIN_EMAIL } });
  admin = await newUser(t.db, { email: ADMIN_EMAIL });
});
afterAll(async () => {
  await t.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, token?: string, payload?: object, app = t.app) =>
  app.inject({ method, url, ...(payload ? { payload } : {}), headers: token ? bearer(token) : {} });

interface CreatedKey {
  id: string;
  name: string;
  scopes: string[];
  key: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

async function createKey(
  owner: TestUser,
  body: { name?: string; scopes: string[]; expires_at?: string },
  page: 'shop' | 'admin' = 'shop',
): Promise<CreatedKey> {
  const answer = await call('POST', `/v1/${page}/api-keys`, owner.token, { name: 'sync', ...body });
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json();
}

const auditOf = async (target: string) => {
  const answer = await call('GET', `/v1/admin/audit?target=${target}`, admin.token);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json().data as { action: string; actor: { id: string } | null; api_key_id: string | null }[];
};

describe('making, listing and revoking keys', () => {
  it('answers the key once, lists keys without it, and the key acts as its owner', async () => {
    const seller = await newUser(t.db, { shop: true });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await createKey(seller, {
      name: 'ERP',
      scopes: ['products:read', 'orders:read'],
      expires_at: expiresAt,
    });
    expect(created).toMatchObject({
      name: 'ERP',
      scopes: ['products:read', 'orders:read'],
      expires_at: expiresAt,
      last_used_at: null,
    });
    expect(created.id).toMatch(/^apk_/);
    expect(created.key).toMatch(new RegExp(`^bzk_${created.id}_[A-Za-z0-9_-]{43}$`));

    const listed = await call('GET', '/v1/shop/api-keys', seller.token);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data).toEqual([{ ...created, key: undefined }].map(({ key: _, ...rest }) => rest));
    expect(listed.body).not.toContain(created.key.slice(-43));

    // Only a hash is stored.
    const [row] = await t.db.query<{ secretHash: Uint8Array }>(
      sql`SELECT secret_hash AS "secretHash" FROM api_keys WHERE id = ${created.id}`,
    );
    expect(Buffer.from(row!.secretHash).toString('base64url')).not.toBe(created.key.slice(-43));

    const products = await call('GET', '/v1/shop/products', created.key);
    expect(products.statusCode, products.body).toBe(200);
    // The admin page lists admins' keys only: the seller's key is not there, and not revocable there.
    expect((await call('GET', '/v1/admin/api-keys', admin.token)).json().data).toEqual([]);
  });

  it('refuses admin on a seller’s key, a past expiry, unknown or repeated scopes and unknown fields (422)', async () => {
    const seller = await newUser(t.db, { shop: true });
    const refused = async (body: object, path: string) => {
      const answer = await call('POST', '/v1/shop/api-keys', seller.token, body);
      expectProblem(answer, 422, 'validation_failed');
      expect(answer.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      return answer;
    };
    const admin422 = await refused({ name: 'x', scopes: ['orders:read', 'admin'] }, '/scopes');
    expect(admin422.json().reason).toBe('api_key_scope_not_allowed');
    const past = await refused(
      { name: 'x', scopes: ['orders:read'], expires_at: new Date(Date.now() - 1000).toISOString() },
      '/expires_at',
    );
    expect(past.json().reason).toBe('api_key_expiry_past');
    await refused({ name: 'x', scopes: ['orders:delete'] }, '/scopes/0');
    await refused({ name: 'x', scopes: ['orders:read', 'orders:read'] }, '/scopes');
    await refused({ name: 'x', scopes: [] }, '/scopes');
    await refused({ name: ' ', scopes: ['orders:read'] }, '/name');
    await refused({ name: 'x', scopes: ['orders:read'], owner_id: admin.id }, '/owner_id');
    expect((await call('GET', '/v1/shop/api-keys', seller.token)).json().data).toEqual([]);
  });

  it('lets admins make admin keys; the shop page needs a shop and the admin page an admin', async () => {
    const created = await createKey(admin, { scopes: ['admin', 'orders:read'] }, 'admin');
    const users = await call('GET', '/v1/admin/users', created.key);
    expect(users.statusCode, users.body).toBe(200);

    const buyer = await newUser(t.db);
    expectProblem(
      await call('POST', '/v1/shop/api-keys', buyer.token, { name: 'x', scopes: ['orders:read'] }),
      403,
      'forbidden',
    );
    const seller = await newUser(t.db, { shop: true });
    expectProblem(
      await call('POST', '/v1/admin/api-keys', seller.token, { name: 'x', scopes: ['admin'] }),
      403,
      'forbidden',
    );
    expectProblem(await call('GET', '/v1/shop/api-keys'), 401, 'unauthenticated');
  });

  it('revokes a key at once (204); another owner’s key, or one revoked already, is 404', async () => {
    const seller = await newUser(t.db, { shop: true });
    const other = await newUser(t.db, { shop: true });
    const created = await createKey(seller, { scopes: ['products:read'] });
    expect((await call('GET', '/v1/shop/products', created.key)).statusCode).toBe(200);

    expectProblem(await call('DELETE', `/v1/shop/api-keys/${created.id}`, other.token), 404, 'not_found');
    expectProblem(await call('DELETE', `/v1/admin/api-keys/${created.id}`, admin.token), 404, 'not_found');
    expect((await call('GET', '/v1/shop/products', created.key)).statusCode).toBe(200);

    const revoked = await call('DELETE', `/v1/shop/api-keys/${created.id}`, seller.token);
    expect(revoked.statusCode).toBe(204);
    expectProblem(await call('GET', '/v1/shop/products', created.key), 401, 'unauthenticated');
    expectProblem(await call('DELETE', `/v1/shop/api-keys/${created.id}`, seller.token), 404, 'not_found');
    expect((await call('GET', '/v1/shop/api-keys', seller.token)).json().data).toEqual([]);
  });
});

describe('authenticating with a key', () => {
  it('refuses a wrong secret, a malformed key, an expired key and a suspended owner’s key (401)', async () => {
    const seller = await newUser(t.db, { shop: true });
    const created = await createKey(seller, { scopes: ['products:read'] });
    const secret = created.key.slice(-43);
    const wrong = created.key.slice(0, -43) + (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
    for (const key of [
      wrong,
      `${created.key}x`,
      `bzk_${created.id}`,
      'bzk_',
      `bzk_apk_${'0'.repeat(26)}_${secret}`,
    ]) {
      expectProblem(await call('GET', '/v1/shop/products', key), 401, 'unauthenticated');
    }

    await t.db.execute(
      sql`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ${created.id}`,
    );
    expectProblem(await call('GET', '/v1/shop/products', created.key), 401, 'unauthenticated');
    await t.db.execute(
      sql`UPDATE api_keys SET expires_at = now() + interval '1 hour' WHERE id = ${created.id}`,
    );
    expect((await call('GET', '/v1/shop/products', created.key)).statusCode).toBe(200);

    const suspended = await call('POST', `/v1/admin/users/${seller.id}/suspend`, admin.token);
    expect(suspended.statusCode, suspended.body).toBe(200);
    expectProblem(await call('GET', '/v1/shop/products', created.key), 401, 'unauthenticated');
    expect((await call('POST', `/v1/admin/users/${seller.id}/unsuspend`, admin.token)).statusCode).toBe(200);
    expect((await call('GET', '/v1/shop/products', created.key)).statusCode).toBe(200);
  });

  it('notes last_used_at at most once a minute', async () => {
    const seller = await newUser(t.db, { shop: true });
    const created = await createKey(seller, { scopes: ['products:read'] });
    const lastUsed = async () =>
      (await call('GET', '/v1/shop/api-keys', seller.token)).json().data[0].last_used_at as string | null;

    expect((await call('GET', '/v1/shop/products', created.key)).statusCode).toBe(200);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    expect((await call('GET', '/v1/shop/products', created.key)).statusCode).toBe(200);
    expect(await lastUsed()).toBe(first);

    await t.db.execute(
      sql`UPDATE api_keys SET last_used_at = last_used_at - make_interval(secs => ${LAST_USED_TOUCH_SECONDS + 1})
          WHERE id = ${created.id}`,
    );
    const aged = await lastUsed();
    expect((await call('GET', '/v1/shop/products', created.key)).statusCode).toBe(200);
    expect(new Date((await lastUsed())!).getTime()).toBeGreaterThan(new Date(aged!).getTime());
  });

  it('writes last_used_at once when many requests on many connections find it stale at once', async () => {
    const seller = await newUser(t.db, { shop: true });
    const created = await createKey(seller, { scopes: ['products:read'] });
    // Twenty requests that each read the key as unused, racing to note it (on PostgreSQL, on
    // parallel connections): the conditional update lets exactly one write.
    const writes = await Promise.all(
      Array.from({ length: 20 }, () => touchApiKey(t.db, created.id, LAST_USED_TOUCH_SECONDS)),
    );
    expect(writes.filter(Boolean)).toHaveLength(1);
  });

  it('never lets a key manage keys or the account’s security (403)', async () => {
    const seller = await newUser(t.db, { shop: true });
    // Every scope a seller's key may hold.
    const created = await createKey(seller, { scopes: API_KEY_SCOPES.filter((scope) => scope !== 'admin') });
    const attempts: [Method, string, object?][] = [
      ['POST', '/v1/shop/api-keys', { name: 'child', scopes: ['orders:read'] }],
      ['GET', '/v1/shop/api-keys'],
      ['DELETE', `/v1/shop/api-keys/${created.id}`],
      ['POST', '/v1/me/password', { current_password: 'x', new_password: 'y-long-enough-1' }],
      ['POST', '/v1/me/email', { email: 'new@example.com', password: 'x' }],
      ['POST', '/v1/me/2fa/setup'],
      ['POST', '/v1/auth/logout'],
    ];
    for (const [method, url, body] of attempts) {
      const answer = await call(method, url, created.key, body);
      expectProblem(answer, 403, 'forbidden');
    }
    expect((await call('GET', '/v1/shop/api-keys', seller.token)).json().data).toHaveLength(1);
  });

  it('serves a public route to a key as to anyone, not as its owner', async () => {
    const seller = await newUser(t.db, { shop: true });
    const created = await createKey(seller, { scopes: ['orders:read'] });
    const answer = await call('GET', '/v1/products', created.key);
    expect(answer.statusCode, answer.body).toBe(200);
  });
});

describe('revocation across processes', () => {
  it('a key revoked on one process is refused by another on its very next request', async () => {
    // On PostgreSQL the second app has its own connection pool, as another process would; the
    // embedded database has one connection, which both share.
    const secondDb = t.url ? await openDatabase({ databaseUrl: t.url, poolSize: 2 }) : t.db;
    const second = await createTestApp({
      database: { db: secondDb, url: t.url },
      env: { BAZAAR_ADMIN_EMAILS: ADMIN_EMAIL },
    });
    try {
      const seller = await newUser(t.db, { shop: true });
      const created = await createKey(seller, { scopes: ['products:read'] });
      // Both processes have served it (anything they might keep of it, they keep now).
      expect((await call('GET', '/v1/shop/products', created.key, undefined, second.app)).statusCode).toBe(
        200,
      );
      expect((await call('GET', '/v1/shop/products', created.key)).statusCode).toBe(200);

      expect((await call('DELETE', `/v1/shop/api-keys/${created.id}`, seller.token)).statusCode).toBe(204);
      expectProblem(
        await call('GET', '/v1/shop/products', created.key, undefined, second.app),
        401,
        'unauthenticated',
      );
    } finally {
      await second.close();
      if (secondDb !== t.db) await secondDb.close();
    }
  });
});

describe('the audit trail', () => {
  it('records making and revoking a key, and names the key on its owner’s writes', async () => {
    const created = await createKey(admin, { name: 'ops bot', scopes: ['admin'] }, 'admin');
    const seller = await newUser(t.db, { shop: true });
    const suspended = await call('POST', `/v1/admin/shops/${seller.shopId}/suspend`, created.key, {
      reason: 'audit test',
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect((await call('DELETE', `/v1/admin/api-keys/${created.id}`, admin.token)).statusCode).toBe(204);

    const keyEvents = await auditOf(created.id);
    expect(keyEvents.map((e) => [e.action, e.actor?.id, e.api_key_id])).toEqual([
      ['api_key.revoked', admin.id, null],
      ['api_key.created', admin.id, null],
    ]);
    const [shopEvent] = await auditOf(seller.shopId!);
    expect(shopEvent).toMatchObject({
      action: 'shop.suspended',
      actor: { id: admin.id },
      api_key_id: created.id,
    });
  });

  it('shows a seller’s key making in the shop’s trail', async () => {
    const seller = await newUser(t.db, { shop: true });
    const created = await createKey(seller, { name: 'books', scopes: ['payouts:read'] });
    const trail = await call('GET', '/v1/shop/audit', seller.token);
    expect(trail.json().data).toMatchObject([
      {
        action: 'api_key.created',
        target_type: 'api_key',
        target_id: created.id,
        changes: { name: [null, 'books'], scopes: [null, ['payouts:read']] },
      },
    ]);
  });
});
