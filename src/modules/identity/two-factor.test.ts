import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/db.js';
import { callerOfUser, FACTORY_PASSWORD, newUser, type TestUser } from '../../../test/factories/identity.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';
import { TOTP } from './totp.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload, headers });
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

/**
 * The code an authenticator shows now, or `steps` periods later. A code is accepted once, so a
 * test that needs a second TOTP code after enabling takes the next period's (still accepted).
 */
const codeOf = (secret: string, steps = 0) =>
  generate({ secret, ...TOTP, epoch: Math.floor(Date.now() / 1000) + steps * TOTP.period });

const login = (user: TestUser, extra: { otp?: string; password?: string } = {}, app = t.app) =>
  app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: user.email, password: extra.password ?? FACTORY_PASSWORD, ...extra },
  });

/** A user with two-factor sign-in on: its secret and recovery codes. */
async function userWithTwoFactor(options: { admin?: boolean } = {}) {
  const user = await newUser(t.db, options);
  const setup = await post('/v1/me/2fa/setup', undefined, bearer(user.token));
  expect(setup.statusCode).toBe(200);
  const secret: string = setup.json().secret;
  const enabled = await post('/v1/me/2fa/enable', { code: await codeOf(secret) }, bearer(user.token));
  expect(enabled.statusCode).toBe(200);
  return { user, secret, recoveryCodes: enabled.json().recovery_codes as string[] };
}

const eventsOf = (userId: string) =>
  t.db.query<{ type: string; data: Record<string, unknown> }>(
    sql`SELECT type, data FROM outbox_events WHERE type LIKE 'user.two_factor_%' AND data->>'id' = ${userId} ORDER BY seq`,
  );

describe('POST /v1/me/2fa/setup', () => {
  it('answers a base32 secret of 160 bits and its otpauth URL, not active until enabled', async () => {
    const user = await newUser(t.db);
    const setup = await post('/v1/me/2fa/setup', undefined, bearer(user.token));
    expect(setup.statusCode).toBe(200);
    const { secret, otpauth_url } = setup.json();
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    const url = new URL(otpauth_url);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(decodeURIComponent(url.pathname)).toContain(user.email);

    expect((await get('/v1/me', bearer(user.token))).json().two_factor_enabled).toBe(false);
    expect((await login(user)).statusCode).toBe(200);
  });

  it('replaces the pending secret on a second setup: a code of the first no longer enables', async () => {
    const user = await newUser(t.db);
    const first = (await post('/v1/me/2fa/setup', undefined, bearer(user.token))).json().secret;
    const second = (await post('/v1/me/2fa/setup', undefined, bearer(user.token))).json().secret;
    expect(second).not.toBe(first);
    const stale = await post('/v1/me/2fa/enable', { code: await codeOf(first) }, bearer(user.token));
    expectProblem(stale, 422, 'validation_failed', 'two_factor_code_wrong');
    const fresh = await post('/v1/me/2fa/enable', { code: await codeOf(second) }, bearer(user.token));
    expect(fresh.statusCode).toBe(200);
  });

  it('needs a signed-in user', async () => {
    expectProblem(await post('/v1/me/2fa/setup'), 401, 'unauthenticated');
  });
});

describe('POST /v1/me/2fa/enable', () => {
  it('turns it on with a right code and answers ten recovery codes once, stored only hashed', async () => {
    const { user, recoveryCodes } = await userWithTwoFactor();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await get('/v1/me', bearer(user.token))).json().two_factor_enabled).toBe(true);

    const stored = await t.db.query<{ code_hash: Buffer }>(
      sql`SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = ${user.id}`,
    );
    expect(stored).toHaveLength(10);
    const storedText = stored.map((row) => Buffer.from(row.code_hash).toString('latin1')).join('');
    for (const code of recoveryCodes) {
      expect(storedText).not.toContain(code);
      expect(storedText).not.toContain(code.replaceAll('-', ''));
    }

    const events = await eventsOf(user.id);
    expect(events).toEqual([
      {
        type: 'user.two_factor_enabled.v1',
        data: expect.objectContaining({ id: user.id, email: user.email, name: user.name }),
      },
    ]);
  });

  it('refuses a wrong code with 422 naming /code, and stays off', async () => {
    const user = await newUser(t.db);
    const { secret } = (await post('/v1/me/2fa/setup', undefined, bearer(user.token))).json();
    const right = await codeOf(secret);
    const wrong = right === '000000' ? '000001' : '000000';
    const refused = await post('/v1/me/2fa/enable', { code: wrong }, bearer(user.token));
    expectProblem(refused, 422, 'validation_failed', 'two_factor_code_wrong');
    expect(refused.json().errors).toEqual([{ path: '/code', message: expect.any(String) }]);
    expect((await get('/v1/me', bearer(user.token))).json().two_factor_enabled).toBe(false);
    expect(await eventsOf(user.id)).toEqual([]);
  });

  it('refuses enabling without setup (409), and setting up or enabling again once on (409)', async () => {
    const user = await newUser(t.db);
    expectProblem(
      await post('/v1/me/2fa/enable', { code: '123456' }, bearer(user.token)),
      409,
      'conflict',
      'two_factor_not_set_up',
    );
    const { user: on } = await userWithTwoFactor();
    expectProblem(
      await post('/v1/me/2fa/setup', undefined, bearer(on.token)),
      409,
      'conflict',
      'two_factor_already_enabled',
    );
    expectProblem(
      await post('/v1/me/2fa/enable', { code: '123456' }, bearer(on.token)),
      409,
      'conflict',
      'two_factor_already_enabled',
    );
  });

  it('refuses a missing or empty code', async () => {
    const user = await newUser(t.db);
    expectProblem(await post('/v1/me/2fa/enable', {}, bearer(user.token)), 422, 'validation_failed');
    expectProblem(
      await post('/v1/me/2fa/enable', { code: ' ' }, bearer(user.token)),
      422,
      'validation_failed',
    );
  });
});

describe('POST /v1/auth/login with two-factor sign-in', () => {
  it('answers mfa_required only after a right password', async () => {
    const { user } = await userWithTwoFactor();
    expectProblem(await login(user), 401, 'mfa_required', 'otp_required');
    expectProblem(await login(user, { otp: '' }), 401, 'mfa_required', 'otp_required');
    expectProblem(
      await login(user, { password: 'not the password' }),
      401,
      'invalid_credentials',
      'credentials_rejected',
    );
    expectProblem(
      await login(user, { password: 'not the password', otp: '123456' }),
      401,
      'invalid_credentials',
      'credentials_rejected',
    );
  });

  it('takes a right code once: a replay, and the code that enabled it, are refused', async () => {
    const { user, secret } = await userWithTwoFactor();
    const enablingCode = await codeOf(secret);
    const code = await codeOf(secret, 1);
    const signedIn = await login(user, { otp: code });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user).toMatchObject({ id: user.id, two_factor_enabled: true });
    expect((await get('/v1/me', bearer(signedIn.json().token))).statusCode).toBe(200);

    expectProblem(await login(user, { otp: code }), 401, 'invalid_credentials', 'otp_rejected');
    expectProblem(await login(user, { otp: enablingCode }), 401, 'invalid_credentials', 'otp_rejected');
  });

  it('refuses a wrong code with invalid_credentials', async () => {
    const { user, secret } = await userWithTwoFactor();
    const right = await codeOf(secret, 1);
    const wrong = right === '999999' ? '999998' : '999999';
    expectProblem(await login(user, { otp: wrong }), 401, 'invalid_credentials', 'otp_rejected');
    expectProblem(
      await login(user, { otp: 'not-a-recovery-code' }),
      401,
      'invalid_credentials',
      'otp_rejected',
    );
  });

  it('takes each recovery code once, however it is typed', async () => {
    const { user, recoveryCodes } = await userWithTwoFactor();
    const [first, second] = recoveryCodes as [string, string];
    expect((await login(user, { otp: first })).statusCode).toBe(200);
    expectProblem(await login(user, { otp: first }), 401, 'invalid_credentials', 'otp_rejected');
    expect((await login(user, { otp: ` ${second.toUpperCase().replaceAll('-', '')} ` })).statusCode).toBe(
      200,
    );
    expectProblem(await login(user, { otp: second }), 401, 'invalid_credentials', 'otp_rejected');
    // Another user's codes are not this user's.
    const other = await userWithTwoFactor();
    expectProblem(
      await login(user, { otp: other.recoveryCodes[0]! }),
      401,
      'invalid_credentials',
      'otp_rejected',
    );
  });

  it('counts missing and wrong codes as failed logins: the 11th attempt is throttled', async () => {
    const { user, secret } = await userWithTwoFactor();
    const right = await codeOf(secret, 1);
    const wrong = right === '111111' ? '111112' : '111111';
    for (let i = 0; i < 5; i++) expectProblem(await login(user), 401, 'mfa_required');
    for (let i = 0; i < 5; i++) expectProblem(await login(user, { otp: wrong }), 401, 'invalid_credentials');
    expectProblem(await login(user, { otp: right }), 429, 'rate_limited', 'login_attempts_exceeded');
  });

  it('a right code clears the failures of the account from this address', async () => {
    const { user, secret } = await userWithTwoFactor();
    for (let i = 0; i < 9; i++) expectProblem(await login(user), 401, 'mfa_required');
    expect((await login(user, { otp: await codeOf(secret, 1) })).statusCode).toBe(200);
    for (let i = 0; i < 9; i++) expectProblem(await login(user), 401, 'mfa_required');
  });
});

describe('POST /v1/me/2fa/disable', () => {
  it('turns it off with the password and a TOTP code; logins need no code again', async () => {
    const { user, secret } = await userWithTwoFactor();
    const disabled = await post(
      '/v1/me/2fa/disable',
      { current_password: FACTORY_PASSWORD, code: await codeOf(secret, 1) },
      bearer(user.token),
    );
    expect(disabled.statusCode).toBe(204);
    expect((await get('/v1/me', bearer(user.token))).json().two_factor_enabled).toBe(false);
    expect((await login(user)).statusCode).toBe(200);
    expect((await eventsOf(user.id)).map((event) => event.type)).toEqual([
      'user.two_factor_enabled.v1',
      'user.two_factor_disabled.v1',
    ]);
    const left = await t.db.query(sql`SELECT 1 FROM two_factor_recovery_codes WHERE user_id = ${user.id}`);
    expect(left).toEqual([]);
  });

  it('turns it off with a recovery code', async () => {
    const { user, recoveryCodes } = await userWithTwoFactor();
    const disabled = await post(
      '/v1/me/2fa/disable',
      { current_password: FACTORY_PASSWORD, code: recoveryCodes[3] },
      bearer(user.token),
    );
    expect(disabled.statusCode).toBe(204);
  });

  it('refuses a wrong password (422 /current_password) and a wrong or used code (422 /code)', async () => {
    const { user, secret } = await userWithTwoFactor();
    const code = await codeOf(secret, 1);
    const wrongPassword = await post(
      '/v1/me/2fa/disable',
      { current_password: 'not the password', code },
      bearer(user.token),
    );
    expectProblem(wrongPassword, 422, 'validation_failed', 'current_password_wrong');
    expect(wrongPassword.json().errors).toEqual([{ path: '/current_password', message: expect.any(String) }]);

    const enablingCode = await codeOf(secret);
    const used = await post(
      '/v1/me/2fa/disable',
      { current_password: FACTORY_PASSWORD, code: enablingCode },
      bearer(user.token),
    );
    expectProblem(used, 422, 'validation_failed', 'two_factor_code_wrong');
    expect(used.json().errors).toEqual([{ path: '/code', message: expect.any(String) }]);
    expect((await get('/v1/me', bearer(user.token))).json().two_factor_enabled).toBe(true);
  });

  it('refuses when two-factor sign-in is off (409)', async () => {
    const user = await newUser(t.db);
    expectProblem(
      await post(
        '/v1/me/2fa/disable',
        { current_password: FACTORY_PASSWORD, code: '123456' },
        bearer(user.token),
      ),
      409,
      'conflict',
      'two_factor_not_enabled',
    );
  });
});

describe('BAZAAR_REQUIRE_ADMIN_2FA', () => {
  const unsuspendSomeone = async (app: TestApp['app'], admin: TestUser) => {
    const target = await newUser(t.db);
    return app.inject({
      method: 'POST',
      url: `/v1/admin/users/${target.id}/unsuspend`,
      headers: bearer(admin.token),
    });
  };

  it('is off by default: an admin without two-factor sign-in may use admin routes', async () => {
    const admin = await newUser(t.db, { admin: true });
    expect((await unsuspendSomeone(t.app, admin)).statusCode).toBe(200);
  });

  it('when on, admin routes answer 403 until the admin turns two-factor sign-in on', async () => {
    const strict = await createTestApp({
      env: { BAZAAR_REQUIRE_ADMIN_2FA: 'true' },
      database: { db: t.db, url: t.url },
    });
    try {
      const admin = await newUser(t.db, { admin: true });
      const refused = await unsuspendSomeone(strict.app, admin);
      expectProblem(refused, 403, 'forbidden');
      expect(refused.json().detail).toMatch(/two-factor/);
      // The admin can still reach their own account to turn it on.
      const setup = await strict.app.inject({
        method: 'POST',
        url: '/v1/me/2fa/setup',
        headers: bearer(admin.token),
      });
      const enable = await strict.app.inject({
        method: 'POST',
        url: '/v1/me/2fa/enable',
        headers: bearer(admin.token),
        payload: { code: await codeOf(setup.json().secret) },
      });
      expect(enable.statusCode).toBe(200);
      expect((await unsuspendSomeone(strict.app, admin)).statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe.runIf(testDatabaseKind() === 'postgres')('concurrent logins with the same code (PostgreSQL)', () => {
  // The second step of two logins whose passwords were right, run at once on two connections.
  it('let exactly one of two checks of the same TOTP code pass, every time', async () => {
    const twoFactor = t.services.identity.twoFactor;
    for (let round = 0; round < 10; round++) {
      const user = await newUser(t.db);
      const caller = callerOfUser(user);
      const { secret } = await twoFactor.setup(caller);
      await twoFactor.enable(caller, await codeOf(secret));
      const code = await codeOf(secret, 1);
      const outcomes = await Promise.allSettled([
        twoFactor.checkLogin(user.id, code),
        twoFactor.checkLogin(user.id, code),
      ]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    }
  });
});
