import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { FACTORY_PASSWORD, newUser } from '../../../test/factories/identity.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';
import { hashToken } from './identity.service.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_ADMIN_EMAILS: 'boss@example.com' } });
});
afterAll(async () => {
  await t.close();
});

const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload, headers });
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

describe('POST /v1/auth/register', () => {
  it('creates a buyer, answers a working token, and stores only hashes', async () => {
    const response = await post('/v1/auth/register', {
      email: 'New@Example.com',
      password: 'a long enough secret',
      name: 'Nia',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.user).toMatchObject({ email: 'New@Example.com', name: 'Nia', roles: ['buyer'], shop: null });
    expect(body.user.id).toMatch(/^usr_/);
    expect(body.user.created_at).toMatch(/Z$/);
    expect(body.user).not.toHaveProperty('password_hash');

    const me = await get('/v1/me', bearer(body.token));
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual(body.user);

    const [user] = await t.db.query<{ password_hash: string }>(
      sql`SELECT password_hash FROM users WHERE id = ${body.user.id}`,
    );
    expect(user!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const sessions = await t.db.query<{ token_hash: Buffer }>(
      sql`SELECT token_hash FROM sessions WHERE user_id = ${body.user.id}`,
    );
    expect(sessions).toHaveLength(1);
    expect(Buffer.from(sessions[0]!.token_hash).equals(hashToken(body.token))).toBe(true);
    expect(Buffer.from(sessions[0]!.token_hash).toString()).not.toContain(body.token);
  });

  it('refuses a taken email, compared case-insensitively', async () => {
    await newUser(t.db, { email: 'taken@example.com' });
    const response = await post('/v1/auth/register', {
      email: 'TAKEN@example.com',
      password: 'a long enough secret',
      name: 'T',
    });
    expectProblem(response, 409, 'conflict', 'email_taken');
  });

  it.each([
    ['short', 'seven77', 'at least 8'],
    ['long', 'x'.repeat(129), 'at most 128'],
    ['common', 'password123', 'too common'],
  ])('refuses a %s password naming the field', async (_kind, password, message) => {
    const response = await post('/v1/auth/register', {
      email: `p-${_kind}@example.com`,
      password,
      name: 'P',
    });
    expectProblem(response, 422, 'validation_failed', 'password_rejected');
    expect(response.json().errors).toEqual([
      { path: '/password', message: expect.stringContaining(message) },
    ]);
  });

  it('refuses unknown fields, a bad email and a missing name', async () => {
    const response = await post('/v1/auth/register', {
      email: 'nope',
      password: 'a long enough secret',
      roles: ['admin'],
    });
    expectProblem(response, 422, 'validation_failed');
    // The request's shape is the platform's to check: no module case, no reason.
    expect(response.json()).not.toHaveProperty('reason');
    const paths = response
      .json()
      .errors.map((e: { path: string }) => e.path)
      .sort();
    expect(paths).toEqual(['/email', '/name', '/roles']);
  });

  it('answers malformed JSON with a 422, not a 500', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 422, 'validation_failed');
  });
});

describe('POST /v1/auth/login', () => {
  it('answers a new token each time', async () => {
    const user = await newUser(t.db);
    const first = await post('/v1/auth/login', {
      email: user.email.toUpperCase(),
      password: FACTORY_PASSWORD,
    });
    const second = await post('/v1/auth/login', { email: user.email, password: FACTORY_PASSWORD });
    expect(first.statusCode).toBe(200);
    expect(first.json().user.id).toBe(user.id);
    expect(first.json().token).not.toBe(second.json().token);
    expect((await get('/v1/me', bearer(first.json().token))).statusCode).toBe(200);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const user = await newUser(t.db);
    const wrong = await post('/v1/auth/login', { email: user.email, password: 'not the password' });
    const unknown = await post('/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'not the password',
    });
    expectProblem(wrong, 401, 'invalid_credentials', 'credentials_rejected');
    expectProblem(unknown, 401, 'invalid_credentials', 'credentials_rejected');
    const { request_id: _a, ...wrongBody } = wrong.json();
    const { request_id: _b, ...unknownBody } = unknown.json();
    expect(wrongBody).toEqual(unknownBody);
  });

  it('throttles an account after 10 failures with Retry-After, even for the right password', async () => {
    const user = await newUser(t.db);
    for (let i = 0; i < 10; i++) {
      expectProblem(
        await post('/v1/auth/login', { email: user.email, password: `wrong-${i}-password` }),
        401,
        'invalid_credentials',
      );
    }
    const limited = await post('/v1/auth/login', { email: user.email, password: FACTORY_PASSWORD });
    expectProblem(limited, 429, 'rate_limited', 'login_attempts_exceeded');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('throttles one client address after 100 failures across accounts', async () => {
    const address = '10.9.8.7';
    const attempt = (i: number) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: `ghost-${i}@example.com`, password: 'whatever-it-is' },
        remoteAddress: address,
      });
    for (let i = 0; i < 100; i++) expect((await attempt(i)).statusCode).toBe(401);
    expectProblem(await attempt(100), 429, 'rate_limited', 'login_attempts_exceeded');
    // Another address is unaffected.
    const other = await post('/v1/auth/login', { email: 'ghost-0@example.com', password: 'whatever-it-is' });
    expect(other.statusCode).toBe(401);
  });

  it('refuses a suspended account with invalid_credentials', async () => {
    const admin = await newUser(t.db, { admin: true });
    const user = await newUser(t.db);
    expect(
      (await post(`/v1/admin/users/${user.id}/suspend`, undefined, bearer(admin.token))).statusCode,
    ).toBe(200);
    expectProblem(
      await post('/v1/auth/login', { email: user.email, password: FACTORY_PASSWORD }),
      401,
      'invalid_credentials',
    );
  });
});

describe('sessions', () => {
  it('logout ends the token at once', async () => {
    const user = await newUser(t.db);
    const response = await post('/v1/auth/logout', undefined, bearer(user.token));
    expect(response.statusCode).toBe(204);
    expectProblem(await get('/v1/me', bearer(user.token)), 401, 'unauthenticated');
  });

  it('answers 401 without a token, with a malformed one, and with an unknown one', async () => {
    expectProblem(await get('/v1/me'), 401, 'unauthenticated');
    expectProblem(await get('/v1/me', { authorization: 'Basic abc' }), 401, 'unauthenticated');
    expectProblem(await get('/v1/me', bearer('bzr_unknown')), 401, 'unauthenticated');
    expectProblem(await post('/v1/auth/logout'), 401, 'unauthenticated');
  });

  it('authenticates before validating the body', async () => {
    expectProblem(await post('/v1/me/shop', { nonsense: true }), 401, 'unauthenticated');
  });

  it('expires a session idle for 30 days', async () => {
    const user = await newUser(t.db);
    await t.db.execute(
      sql`UPDATE sessions SET last_used_at = now() - interval '31 days' WHERE user_id = ${user.id}`,
    );
    expectProblem(await get('/v1/me', bearer(user.token)), 401, 'unauthenticated');
    expect(await t.services.identity.purgeExpiredSessions()).toBeGreaterThanOrEqual(1);
  });

  it('ends a session BAZAAR_SESSION_MAX_DAYS (90) after its login, however active', async () => {
    const user = await newUser(t.db);
    const young = await newUser(t.db);
    await t.db.execute(sql`
      UPDATE sessions SET created_at = now() - interval '91 days', last_used_at = now()
      WHERE user_id = ${user.id}`);
    await t.db.execute(
      sql`UPDATE sessions SET created_at = now() - interval '89 days' WHERE user_id = ${young.id}`,
    );
    expectProblem(await get('/v1/me', bearer(user.token)), 401, 'unauthenticated');
    expect((await get('/v1/me', bearer(young.token))).statusCode).toBe(200);
    await t.services.identity.purgeExpiredSessions();
    const left = await t.db.query<{ user_id: string }>(
      sql`SELECT user_id FROM sessions WHERE user_id IN (${user.id}, ${young.id})`,
    );
    expect(left).toEqual([{ user_id: young.id }]);
  });
});

describe('POST /v1/me/password', () => {
  it('changes the password and ends every other session', async () => {
    const user = await newUser(t.db);
    const other = (await post('/v1/auth/login', { email: user.email, password: FACTORY_PASSWORD })).json()
      .token;
    const response = await post(
      '/v1/me/password',
      { current_password: FACTORY_PASSWORD, new_password: 'a brand new phrase' },
      bearer(user.token),
    );
    expect(response.statusCode).toBe(204);
    expect((await get('/v1/me', bearer(user.token))).statusCode).toBe(200);
    expectProblem(await get('/v1/me', bearer(other)), 401, 'unauthenticated');
    expect(
      (await post('/v1/auth/login', { email: user.email, password: 'a brand new phrase' })).statusCode,
    ).toBe(200);
    expectProblem(
      await post('/v1/auth/login', { email: user.email, password: FACTORY_PASSWORD }),
      401,
      'invalid_credentials',
    );
  });

  it('refuses a wrong current password and a weak new one', async () => {
    const user = await newUser(t.db);
    const wrong = await post(
      '/v1/me/password',
      { current_password: 'nope-nope-nope', new_password: 'a brand new phrase' },
      bearer(user.token),
    );
    expectProblem(wrong, 422, 'validation_failed', 'current_password_wrong');
    expect(wrong.json().errors[0].path).toBe('/current_password');
    const weak = await post(
      '/v1/me/password',
      { current_password: FACTORY_PASSWORD, new_password: 'qwerty123' },
      bearer(user.token),
    );
    expectProblem(weak, 422, 'validation_failed', 'password_rejected');
    expect(weak.json().errors[0].path).toBe('/new_password');
    expectProblem(
      await post('/v1/me/password', { current_password: 'x', new_password: 'y' }),
      401,
      'unauthenticated',
    );
  });
});

describe('shops', () => {
  it('opens a shop once; the opener becomes a seller and may edit it; anyone may read it', async () => {
    const user = await newUser(t.db);
    const opened = await post(
      '/v1/me/shop',
      { name: 'Knots & Bolts', description: 'Hardware' },
      bearer(user.token),
    );
    expect(opened.statusCode).toBe(201);
    const shop = opened.json();
    expect(shop).toMatchObject({
      name: 'Knots & Bolts',
      description: 'Hardware',
      rating: { average: 0, count: 0 },
    });
    expect(shop.id).toMatch(/^shop_/);

    const me = (await get('/v1/me', bearer(user.token))).json();
    expect(me.roles).toEqual(['buyer', 'seller']);
    expect(me.shop).toEqual({ id: shop.id, name: 'Knots & Bolts' });

    expectProblem(
      await post('/v1/me/shop', { name: 'Second' }, bearer(user.token)),
      409,
      'conflict',
      'shop_already_open',
    );

    const edited = await t.app.inject({
      method: 'PATCH',
      url: '/v1/me/shop',
      payload: { name: 'Knots and Bolts' },
      headers: bearer(user.token),
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ id: shop.id, name: 'Knots and Bolts', description: 'Hardware' });

    const read = await get(`/v1/shops/${shop.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(edited.json());
  });

  it('refuses editing without a shop (403), bad names (422), unknown shops (404)', async () => {
    const buyer = await newUser(t.db);
    expectProblem(
      await t.app.inject({
        method: 'PATCH',
        url: '/v1/me/shop',
        payload: { name: 'x' },
        headers: bearer(buyer.token),
      }),
      403,
      'forbidden',
    );
    expectProblem(await post('/v1/me/shop', { name: '' }, bearer(buyer.token)), 422, 'validation_failed');
    expectProblem(
      await post('/v1/me/shop', { name: 'ok', owner_id: 'usr_x' }, bearer(buyer.token)),
      422,
      'validation_failed',
    );
    expectProblem(await post('/v1/me/shop', { name: 'ok' }), 401, 'unauthenticated');
    expectProblem(await get('/v1/shops/shop_nope'), 404, 'not_found', 'shop_not_found');
  });

  it('records shop.opened.v1 and user.registered.v1 in the outbox', async () => {
    const registered = (
      await post('/v1/auth/register', {
        email: 'events@example.com',
        password: 'a long enough secret',
        name: 'E',
      })
    ).json();
    await post('/v1/me/shop', { name: 'Evented' }, bearer(registered.token));
    const events = await t.db.query<{ type: string; data: { id: string } }>(
      sql`SELECT type, data FROM outbox_events WHERE type IN ('user.registered.v1', 'shop.opened.v1') ORDER BY seq`,
    );
    expect(events.some((e) => e.type === 'user.registered.v1' && e.data.id === registered.user.id)).toBe(
      true,
    );
    expect(
      events.some((e) => e.type === 'shop.opened.v1' && (e.data as { name?: string }).name === 'Evented'),
    ).toBe(true);
  });
});

describe('admin', () => {
  it('grants admin by BAZAAR_ADMIN_EMAILS and by the service (CLI)', async () => {
    const boss = await newUser(t.db, { email: 'Boss@Example.com' });
    expect((await get('/v1/me', bearer(boss.token))).json().roles).toEqual(['buyer', 'admin']);
    const later = await newUser(t.db);
    expect((await get('/v1/me', bearer(later.token))).json().roles).toEqual(['buyer']);
    await t.services.identity.grantAdmin(later.email.toUpperCase());
    expect((await get('/v1/me', bearer(later.token))).json().roles).toEqual(['buyer', 'admin']);
    await expect(t.services.identity.grantAdmin('missing@example.com')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('suspension ends sessions at once; unsuspension lets the user log in again', async () => {
    const admin = await newUser(t.db, { admin: true });
    const user = await newUser(t.db, { shop: true });
    const suspended = await post(`/v1/admin/users/${user.id}/suspend`, undefined, bearer(admin.token));
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({ id: user.id, suspended: true, roles: ['buyer', 'seller'] });
    expectProblem(await get('/v1/me', bearer(user.token)), 401, 'unauthenticated');

    const reinstated = await post(`/v1/admin/users/${user.id}/unsuspend`, undefined, bearer(admin.token));
    expect(reinstated.json()).toMatchObject({ suspended: false, suspended_at: null });
    expect((await post('/v1/auth/login', { email: user.email, password: FACTORY_PASSWORD })).statusCode).toBe(
      200,
    );
    const events = await t.db.query<{ type: string }>(
      sql`SELECT type FROM outbox_events WHERE data->>'id' = ${user.id} AND type LIKE 'user.%suspended.v1' ORDER BY seq`,
    );
    expect(events.map((e) => e.type)).toEqual(['user.suspended.v1', 'user.unsuspended.v1']);
  });

  it('refuses non-admins (403), anonymous (401), unknown users (404) and self-suspension (409)', async () => {
    const admin = await newUser(t.db, { admin: true });
    const buyer = await newUser(t.db);
    expectProblem(
      await post(`/v1/admin/users/${admin.id}/suspend`, undefined, bearer(buyer.token)),
      403,
      'forbidden',
    );
    expectProblem(await post(`/v1/admin/users/${buyer.id}/suspend`), 401, 'unauthenticated');
    expectProblem(
      await post('/v1/admin/users/usr_missing/suspend', undefined, bearer(admin.token)),
      404,
      'not_found',
      'user_not_found',
    );
    expectProblem(
      await post(`/v1/admin/users/${admin.id}/suspend`, undefined, bearer(admin.token)),
      409,
      'conflict',
      'self_suspension',
    );
  });
});
