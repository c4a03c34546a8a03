import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../test/app.js';
import { DEMO_PASSWORD, seedDemo } from './demo.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const login = async (email: string) =>
  (
    await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: DEMO_PASSWORD } })
  ).json().token as string;
const get = async (url: string, token: string) =>
  (await t.app.inject({ method: 'GET', url, headers: bearer(token) })).json();

describe('seedDemoOrders', () => {
  it('gives the demo buyers paid, shipped, delivered and refunded orders, and the sellers money to show', async () => {
    expect(await seedDemo(t.services)).toEqual({ seeded: true });

    const cleo = await get('/v1/orders', await login('cleo@demo.bazaar'));
    expect(cleo.data.map((o: { status: string }) => o.status).sort()).toEqual([
      'delivered',
      'delivered',
      'shipped',
    ]);
    const dev = await get('/v1/orders', await login('dev@demo.bazaar'));
    const refunded = dev.data.find((o: { refunds: unknown[] }) => o.refunds.length > 0);
    expect(refunded.refunded.amount).toBeGreaterThan(0);

    const ada = await get('/v1/shop/balance', await login('ada@demo.bazaar'));
    expect(ada.paid_out.amount).toBeGreaterThan(0);
    expect(ada.pending.amount).toBeGreaterThan(0);
    const bo = await get('/v1/shop/balance', await login('bo@demo.bazaar'));
    expect(bo.available.amount).toBeGreaterThan(0);

    const trial = await get('/v1/admin/ledger/trial-balance', await login('admin@demo.bazaar'));
    expect(trial.totals.debits).toEqual(trial.totals.credits);
    expect(trial.totals.debits.amount).toBeGreaterThan(0);
  }, 90_000);
});
