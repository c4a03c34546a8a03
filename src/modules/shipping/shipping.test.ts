import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { flatRate, newShippingOption } from '../../../test/factories/shipping.js';
import { expectProblem } from '../../../test/problem.js';

let t: TestApp;
let seller: TestUser;
let otherSeller: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  seller = await newUser(t.db, { shop: 'Parcel Shop' });
  otherSeller = await newUser(t.db, { shop: 'Other Shop' });
});
afterAll(async () => {
  await t.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, payload?: object) =>
  t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: token ? bearer(token) : {} });

const HOME = {
  name: 'Cleo Buyer',
  line1: '1 Main St',
  city: 'San Jose',
  region: 'CA',
  postal_code: '95112',
  country: 'US',
};

describe('address book', () => {
  it('adds, lists, changes and deletes addresses, keeping exactly one default', async () => {
    const buyer = await newUser(t.db);
    const first = await call('POST', '/v1/me/addresses', buyer.token, { ...HOME, phone: '+1 408 555 0100' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ ...HOME, phone: '+1 408 555 0100', is_default: true });
    expect(first.json().id).toMatch(/^adr_/);

    const second = (
      await call('POST', '/v1/me/addresses', buyer.token, { ...HOME, line1: '2 Side St' })
    ).json();
    expect(second.is_default).toBe(false);
    const third = (
      await call('POST', '/v1/me/addresses', buyer.token, { ...HOME, line1: '3 Work Rd', is_default: true })
    ).json();
    expect(third.is_default).toBe(true);
    const list = (await call('GET', '/v1/me/addresses', buyer.token)).json();
    expect(list.data.map((a: { line1: string; is_default: boolean }) => [a.line1, a.is_default])).toEqual([
      ['1 Main St', false],
      ['2 Side St', false],
      ['3 Work Rd', true],
    ]);

    const changed = await call('PATCH', `/v1/me/addresses/${second.id}`, buyer.token, {
      city: 'Oakland',
      region: null,
      is_default: true,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ city: 'Oakland', is_default: true });
    expect(changed.json()).not.toHaveProperty('region');

    expect((await call('DELETE', `/v1/me/addresses/${second.id}`, buyer.token)).statusCode).toBe(204);
    const after = (await call('GET', '/v1/me/addresses', buyer.token)).json();
    // The default was deleted: the oldest address left takes its place.
    expect(after.data.map((a: { line1: string; is_default: boolean }) => [a.line1, a.is_default])).toEqual([
      ['1 Main St', true],
      ['3 Work Rd', false],
    ]);
  });

  it("answers 404 for another user's address", async () => {
    const [owner, stranger] = [await newUser(t.db), await newUser(t.db)];
    const address = (await call('POST', '/v1/me/addresses', owner.token, HOME)).json();
    expectProblem(
      await call('PATCH', `/v1/me/addresses/${address.id}`, stranger.token, { city: 'X' }),
      404,
      'not_found',
    );
    expectProblem(await call('DELETE', `/v1/me/addresses/${address.id}`, stranger.token), 404, 'not_found');
    expect((await call('GET', '/v1/me/addresses', stranger.token)).json().data).toEqual([]);
    expectProblem(await call('GET', '/v1/me/addresses'), 401, 'unauthenticated');
  });

  it('holds at most 20 addresses, and validates each field', async () => {
    const buyer = await newUser(t.db);
    for (let i = 0; i < 20; i++) {
      expect(
        (await call('POST', '/v1/me/addresses', buyer.token, { ...HOME, line1: `${i} Main St` })).statusCode,
      ).toBe(201);
    }
    expectProblem(
      await call('POST', '/v1/me/addresses', buyer.token, HOME),
      422,
      'validation_failed',
      'address_book_full',
    );
    const other = await newUser(t.db);
    for (const bad of [{ country: 'usa' }, { region: 'California' }, { phone: 'call me' }, { price: 1 }]) {
      expectProblem(
        await call('POST', '/v1/me/addresses', other.token, { ...HOME, ...bad }),
        422,
        'validation_failed',
      );
    }
  });
});

describe('shipping options', () => {
  it('lets a seller add, change, list and delete the shop’s options; anyone sees the active ones', async () => {
    const express = await newShippingOption(t, seller, {
      name: 'Express',
      countries: ['US', 'CA'],
      rate: {
        type: 'per_item',
        first: { amount: 900, currency: 'USD' },
        additional: { amount: 200, currency: 'USD' },
      },
      free_over: { amount: 10_000, currency: 'USD' },
      min_days: 1,
      max_days: 2,
    });
    expect(express).toMatchObject({
      name: 'Express',
      countries: ['US', 'CA'],
      rate: { type: 'per_item', first: { amount: 900, currency: 'USD' }, additional: { amount: 200 } },
      free_over: { amount: 10_000, currency: 'USD' },
      min_days: 1,
      max_days: 2,
      active: true,
    });
    const heavy = await newShippingOption(t, seller, {
      name: 'Freight',
      rate: {
        type: 'weight',
        tiers: [
          { up_to_grams: 1000, amount: { amount: 700, currency: 'USD' } },
          { up_to_grams: 20_000, amount: { amount: 2500, currency: 'USD' } },
        ],
      },
    });
    const paused = await call('PATCH', `/v1/shop/shipping-options/${heavy.id}`, seller.token, {
      active: false,
      rate: flatRate(800),
    });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({
      active: false,
      rate: { type: 'flat', amount: { amount: 800 } },
      name: 'Freight',
    });

    const own = (await call('GET', '/v1/shop/shipping-options', seller.token)).json();
    expect(own.data.map((o: { name: string }) => o.name)).toEqual(['Express', 'Freight']);
    const published = (await call('GET', `/v1/shops/${seller.shopId}/shipping-options`)).json();
    expect(published.data.map((o: { name: string }) => o.name)).toEqual(['Express']);

    expect((await call('DELETE', `/v1/shop/shipping-options/${heavy.id}`, seller.token)).statusCode).toBe(
      204,
    );
    expect((await call('GET', '/v1/shop/shipping-options', seller.token)).json().data).toHaveLength(1);
  });

  it("refuses another shop's option (404), buyers (403) and bad bodies (422)", async () => {
    const option = await newShippingOption(t, seller);
    const buyer = await newUser(t.db);
    expectProblem(
      await call('PATCH', `/v1/shop/shipping-options/${option.id}`, otherSeller.token, { name: 'Mine' }),
      404,
      'not_found',
      'shipping_option_not_found',
    );
    expectProblem(
      await call('DELETE', `/v1/shop/shipping-options/${option.id}`, otherSeller.token),
      404,
      'not_found',
    );
    expectProblem(await call('GET', '/v1/shop/shipping-options', buyer.token), 403, 'forbidden');
    expectProblem(await call('POST', '/v1/shop/shipping-options', buyer.token, {}), 403, 'forbidden');
    const base = { name: 'X', countries: ['*'], rate: flatRate(100), min_days: 1, max_days: 2 };
    for (const bad of [
      { countries: ['*', 'US'] },
      { countries: [] },
      { min_days: 5, max_days: 2 },
      { rate: { type: 'flat', amount: { amount: 100, currency: 'EUR' } } },
      { rate: { type: 'weight', tiers: [] } },
      {
        rate: {
          type: 'weight',
          tiers: [
            { up_to_grams: 500, amount: { amount: 1, currency: 'USD' } },
            { up_to_grams: 100, amount: { amount: 2, currency: 'USD' } },
          ],
        },
      },
      { shop_id: otherSeller.shopId },
    ]) {
      expectProblem(
        await call('POST', '/v1/shop/shipping-options', seller.token, { ...base, ...bad }),
        422,
        'validation_failed',
      );
    }
    expectProblem(
      await call('PATCH', `/v1/shop/shipping-options/${option.id}`, seller.token, { min_days: 9 }),
      422,
      'validation_failed',
      'shipping_option_days',
    );
  });
});
