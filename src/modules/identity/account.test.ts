import { randomBytes } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { FACTORY_PASSWORD, newUser, type TestUser } from '../../../test/factories/identity.js';
import { expectProblem } from '../../../test/problem.js';
import { RedisWindowCounters } from '../../platform/counters.js';
import { sql } from '../../platform/db.js';
import { RESETS_PER_CLIENT_PER_HOUR, RESETS_PER_EMAIL_PER_HOUR } from './account.service.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

let clients = 0;
/** A client address of its own, so the per-address limits of one test do not touch another's. */
const freshClient = () => `10.9.${Math.floor(++clients / 250)}.${clients % 250}`;

const post = (url: string, payload?: object, options: { token?: string; client?: string } = {}) =>
  t.app.inject({
    method: 'POST',
    url,
    ...(payload ? { payload } : {}),
    headers: options.token ? bearer(options.token) : {},
    remoteAddress: options.client ?? freshClient(),
  });

const me = (token: string) => t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });

/** Delivers the events and runs the jobs waiting, until nothing is left: the mail they make is made. */
async function drainJobs(): Promise<void> {
  while ((await t.services.outbox.drain()) + (await t.services.jobs.runDueJobs()) > 0) {}
}

/** The newest email to `to`, from the dev mailbox. */
async function lastEmailTo(to: string): Promise<{ subject: string; text: string; html: string } | undefined> {
  await drainJobs();
  const mailbox = await t.app.inject({ method: 'GET', url: '/v1/dev/mailbox' });
  expect(mailbox.statusCode).toBe(200);
  return mailbox.json().data.find((email: { to: string }) => email.to.toLowerCase() === to.toLowerCase());
}

async function emailsTo(to: string): Promise<number> {
  const [row] = await t.db.query<{ count: number }>(
    sql`SELECT count(*)::int AS count FROM emails WHERE lower(to_address) = lower(${to})`,
  );
  return row!.count;
}

/** The token of the link `page?token=…` in the newest email to `to`. */
async function linkToken(to: string, page: string): Promise<string> {
  const email = await lastEmailTo(to);
  const match = new RegExp(`/${page}\\?token=([A-Za-z0-9_-]+)`).exec(email?.text ?? '');
  if (!match) throw new Error(`no ${page} link in the last email to ${to}: ${email?.text}`);
  expect(email!.html).toContain(`/${page}?token=${match[1]}`);
  return match[1]!;
}

async function resetToken(user: TestUser): Promise<string> {
  expect((await post('/v1/auth/password-reset', { email: user.email.toUpperCase() })).statusCode).toBe(202);
  return linkToken(user.email, 'reset-password');
}

describe('password reset', () => {
  it('mails a single-use link that sets the password and ends every session', async () => {
    const user = await newUser(t.db);
    const answer = await post('/v1/auth/password-reset', { email: user.email });
    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toEqual({});
    const token = await resetToken(user);
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits in base64url
    const stored = await t.db.query<{ token_hash: Uint8Array }>(sql`SELECT token_hash FROM account_tokens`);
    expect(stored.every((row) => !Buffer.from(row.token_hash).toString().includes(token))).toBe(true);

    const confirmed = await post('/v1/auth/password-reset/confirm', {
      token,
      new_password: 'a brand new secret',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    expect((await me(user.token)).statusCode).toBe(401);
    const login = await post('/v1/auth/login', { email: user.email, password: 'a brand new secret' });
    expect(login.statusCode).toBe(200);
    expectProblem(
      await post('/v1/auth/login', { email: user.email, password: FACTORY_PASSWORD }),
      401,
      'invalid_credentials',
    );

    const reused = await post('/v1/auth/password-reset/confirm', {
      token,
      new_password: 'yet another secret',
    });
    expectProblem(reused, 400, 'invalid_token', 'token_invalid');
    const notice = await lastEmailTo(user.email);
    expect(notice?.subject).toBe('Your password was reset');
  });

  it('answers unknown emails the same, mailing nothing', async () => {
    const unknown = await post('/v1/auth/password-reset', { email: 'nobody-here@example.com' });
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe('{}');
    await drainJobs();
    expect(await emailsTo('nobody-here@example.com')).toBe(0);
  });

  it('refuses an expired token, a token of another purpose, and a weak password without using the token', async () => {
    const user = await newUser(t.db);
    const token = await resetToken(user);
    expectProblem(
      await post('/v1/auth/password-reset/confirm', { token, new_password: 'short' }),
      422,
      'validation_failed',
    );
    expectProblem(
      await post('/v1/auth/password-reset/confirm', { token, new_password: 'password1' }),
      422,
      'validation_failed',
    );
    await t.db.execute(
      sql`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL AND purpose = 'password_reset'`,
    );
    expectProblem(
      await post('/v1/auth/password-reset/confirm', { token, new_password: 'a fine new passphrase' }),
      400,
      'invalid_token',
    );
    expectProblem(
      await post('/v1/auth/password-reset/confirm', {
        token: 'made-up-token',
        new_password: 'a fine new passphrase',
      }),
      400,
      'invalid_token',
    );

    // A verification link is no reset link.
    const other = await newUser(t.db);
    expect((await post('/v1/me/email-verification', undefined, { token: other.token })).statusCode).toBe(202);
    const verification = await linkToken(other.email, 'verify-email');
    expectProblem(
      await post('/v1/auth/password-reset/confirm', {
        token: verification,
        new_password: 'a fine new passphrase',
      }),
      400,
      'invalid_token',
    );
    expect((await me(other.token)).statusCode).toBe(200);
  });

  it("sets only its own user's password: another user's link leaves this one alone", async () => {
    const [first, second] = [await newUser(t.db), await newUser(t.db)];
    const secondToken = await resetToken(second);
    await post('/v1/auth/password-reset/confirm', { token: secondToken, new_password: 'second user secret' });
    expect((await me(first.token)).statusCode).toBe(200);
    expect(
      (await post('/v1/auth/login', { email: first.email, password: FACTORY_PASSWORD })).statusCode,
    ).toBe(200);
    expect(
      (await post('/v1/auth/login', { email: second.email, password: 'second user secret' })).statusCode,
    ).toBe(200);
  });

  it('voids the other reset links of the user once one is used', async () => {
    const user = await newUser(t.db);
    const first = await resetToken(user);
    const second = await resetToken(user);
    expect(first).not.toBe(second);
    expect(
      (await post('/v1/auth/password-reset/confirm', { token: second, new_password: 'chosen by link two' }))
        .statusCode,
    ).toBe(204);
    expectProblem(
      await post('/v1/auth/password-reset/confirm', { token: first, new_password: 'chosen by link one' }),
      400,
      'invalid_token',
    );
  });

  it(`throttles ${RESETS_PER_EMAIL_PER_HOUR} requests per email and ${RESETS_PER_CLIENT_PER_HOUR} per client address an hour`, async () => {
    const user = await newUser(t.db);
    for (let i = 0; i < RESETS_PER_EMAIL_PER_HOUR; i++) {
      expect((await post('/v1/auth/password-reset', { email: user.email })).statusCode).toBe(202);
    }
    const refused = await post('/v1/auth/password-reset', { email: user.email.toUpperCase() });
    expectProblem(refused, 429, 'rate_limited', 'password_resets_exceeded');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    const client = freshClient();
    for (let i = 0; i < RESETS_PER_CLIENT_PER_HOUR; i++) {
      expect(
        (await post('/v1/auth/password-reset', { email: `someone-${i}@example.com` }, { client })).statusCode,
      ).toBe(202);
    }
    expectProblem(
      await post('/v1/auth/password-reset', { email: 'one-more@example.com' }, { client }),
      429,
      'rate_limited',
    );
  });

  it.runIf(process.env.TEST_REDIS_URL)('counts reset requests across processes through Redis', async () => {
    const redis = [new Redis(process.env.TEST_REDIS_URL!), new Redis(process.env.TEST_REDIS_URL!)];
    const apps = await Promise.all(
      redis.map((connection) =>
        createTestApp({ database: t, counters: new RedisWindowCounters(connection) }),
      ),
    );
    try {
      // An address of this run's own: Redis counts outlive the test process.
      const email = `shared-${randomBytes(6).toString('hex')}@example.com`;
      const ask = (app: TestApp) =>
        app.app.inject({
          method: 'POST',
          url: '/v1/auth/password-reset',
          payload: { email },
          remoteAddress: freshClient(),
        });
      const answers = [];
      for (let i = 0; i < RESETS_PER_EMAIL_PER_HOUR + 1; i++)
        answers.push((await ask(apps[i % 2]!)).statusCode);
      expect(answers).toEqual([...Array(RESETS_PER_EMAIL_PER_HOUR).fill(202), 429]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      for (const connection of redis) connection.disconnect();
    }
  });

  // The same work either way, checked as the statements run rather than timed (a timed test
  // flaked under CI's load): the request only schedules a job, which looks the user up later.
  it('runs the same statements for an unknown email as for a registered one', async () => {
    const user = await newUser(t.db);
    const dialect = new PgDialect();
    const statementsOf = async (email: string) => {
      const texts: string[] = [];
      const record = (statement: SQL) => {
        texts.push(dialect.sqlToQuery(statement).sql.replace(/\s+/g, ' ').trim());
      };
      const query = vi.spyOn(t.db, 'query').mockImplementation((statement, options) => {
        record(statement);
        return original.query(statement, options);
      });
      const execute = vi.spyOn(t.db, 'execute').mockImplementation((statement, options) => {
        record(statement);
        return original.execute(statement, options);
      });
      try {
        expect((await post('/v1/auth/password-reset', { email })).statusCode).toBe(202);
      } finally {
        query.mockRestore();
        execute.mockRestore();
      }
      return texts.filter((text) => /\b(users|jobs)\b/.test(text));
    };
    const original = { query: t.db.query.bind(t.db), execute: t.db.execute.bind(t.db) };
    const known = await statementsOf(user.email);
    const unknown = await statementsOf(`unknown-${Date.now()}@example.com`);
    expect(known).toHaveLength(1);
    expect(known[0]).toMatch(/^INSERT INTO jobs/);
    expect(unknown).toEqual(known);
  });
});

describe('email verification', () => {
  it('verifies the address by its link; /v1/me says so', async () => {
    const user = await newUser(t.db);
    expect((await me(user.token)).json().email_verified).toBe(false);
    expect((await post('/v1/me/email-verification', undefined, { token: user.token })).statusCode).toBe(202);
    const token = await linkToken(user.email, 'verify-email');
    const verified = await post('/v1/auth/verify-email', { token });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().user).toMatchObject({ id: user.id, email: user.email, email_verified: true });
    expect((await me(user.token)).json().email_verified).toBe(true);
    expectProblem(await post('/v1/auth/verify-email', { token }), 400, 'invalid_token');
  });

  it('mails a verification link to a person who signs up', async () => {
    const email = `signup-${Date.now()}@example.com`;
    const registered = await post('/v1/auth/register', {
      email,
      password: 'a sign-up secret',
      name: 'New Person',
    });
    expect(registered.statusCode).toBe(201);
    expect(registered.json().user.email_verified).toBe(false);
    const token = await linkToken(email, 'verify-email');
    expect((await post('/v1/auth/verify-email', { token })).json().user.email_verified).toBe(true);
  });

  it('needs a signed-in user, and sends nothing to a verified one', async () => {
    expectProblem(await post('/v1/me/email-verification'), 401, 'unauthenticated');
    const user = await newUser(t.db);
    await t.db.execute(sql`UPDATE users SET email_verified_at = now() WHERE id = ${user.id}`);
    expect((await post('/v1/me/email-verification', undefined, { token: user.token })).statusCode).toBe(202);
    expect(await emailsTo(user.email)).toBe(0);
  });

  it('throttles verification emails per user', async () => {
    const user = await newUser(t.db);
    for (let i = 0; i < 5; i++) {
      expect((await post('/v1/me/email-verification', undefined, { token: user.token })).statusCode).toBe(
        202,
      );
    }
    expectProblem(
      await post('/v1/me/email-verification', undefined, { token: user.token }),
      429,
      'rate_limited',
      'verification_emails_exceeded',
    );
  });
});

describe('email change', () => {
  it('changes the address only when the new one confirms, with a notice to the old one', async () => {
    const user = await newUser(t.db);
    const newEmail = `moved-${Date.now()}@example.com`;
    const asked = await post(
      '/v1/me/email',
      { new_email: newEmail, current_password: FACTORY_PASSWORD },
      { token: user.token },
    );
    expect(asked.statusCode, asked.body).toBe(202);
    expect((await me(user.token)).json().email).toBe(user.email);
    const notice = await lastEmailTo(user.email);
    expect(notice?.subject).toBe('A change of your email address was requested');
    expect(notice?.text).toContain(newEmail);

    const token = await linkToken(newEmail, 'confirm-email-change');
    const confirmed = await post('/v1/auth/confirm-email-change', { token });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().user).toMatchObject({ email: newEmail, email_verified: true });
    expect((await me(user.token)).json().email).toBe(newEmail);
    expectProblem(await post('/v1/auth/confirm-email-change', { token }), 400, 'invalid_token');

    const changed = await lastEmailTo(user.email);
    expect(changed?.subject).toBe('Your email address was changed');
  });

  it('answers 409 at confirmation when the new address was taken meanwhile', async () => {
    const user = await newUser(t.db);
    const wanted = `wanted-${Date.now()}@example.com`;
    await post(
      '/v1/me/email',
      { new_email: wanted, current_password: FACTORY_PASSWORD },
      { token: user.token },
    );
    const token = await linkToken(wanted, 'confirm-email-change');
    await newUser(t.db, { email: wanted.toUpperCase() });
    expectProblem(await post('/v1/auth/confirm-email-change', { token }), 409, 'conflict', 'email_taken');
    expect((await me(user.token)).json().email).toBe(user.email);
  });

  it('needs the current password and a different address', async () => {
    const user = await newUser(t.db);
    const wrong = await post(
      '/v1/me/email',
      { new_email: 'x-new@example.com', current_password: 'not it at all' },
      { token: user.token },
    );
    expectProblem(wrong, 422, 'validation_failed', 'current_password_wrong');
    const same = await post(
      '/v1/me/email',
      { new_email: user.email.toUpperCase(), current_password: FACTORY_PASSWORD },
      { token: user.token },
    );
    expectProblem(same, 422, 'validation_failed', 'new_email_unchanged');
    expect(same.json().errors).toEqual([{ path: '/new_email', message: expect.any(String) }]);
    expectProblem(
      await post(
        '/v1/me/email',
        { new_email: 'not an email', current_password: FACTORY_PASSWORD },
        { token: user.token },
      ),
      422,
      'validation_failed',
    );
    expectProblem(
      await post('/v1/me/email', { new_email: 'x@example.com', current_password: 'x' }),
      401,
      'unauthenticated',
    );
  });
});

describe('verified sellers', () => {
  it('with BAZAAR_REQUIRE_VERIFIED_SELLERS, opening a shop needs a verified email', async () => {
    const strict = await createTestApp({ env: { BAZAAR_REQUIRE_VERIFIED_SELLERS: 'true' }, database: t });
    try {
      const user = await newUser(t.db);
      const open = () =>
        strict.app.inject({
          method: 'POST',
          url: '/v1/me/shop',
          headers: bearer(user.token),
          payload: { name: 'Verified Goods' },
        });
      expectProblem(await open(), 403, 'email_unverified');
      await t.db.execute(sql`UPDATE users SET email_verified_at = now() WHERE id = ${user.id}`);
      expect((await open()).statusCode).toBe(201);
    } finally {
      await strict.close();
    }
  });
});
