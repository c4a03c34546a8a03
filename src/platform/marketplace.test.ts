import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The settings an app configured with `currency` answers to a caller without a token. */
async function settingsOf(currency: string) {
  const other = await createTestApp({ env: { BAZAAR_CURRENCY: currency } });
  try {
    const res = await other.app.inject('/v1/marketplace');
    expect(res.statusCode).toBe(200);
    return res.json();
  } finally {
    await other.close();
  }
}

describe('GET /v1/marketplace', () => {
  it('answers the default currency and its minor-unit digits to anyone', async () => {
    const res = await t.app.inject('/v1/marketplace');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ currency: 'USD', currency_digits: 2 });
  });

  it('answers the configured currency', async () => {
    expect(await settingsOf('EUR')).toEqual({ currency: 'EUR', currency_digits: 2 });
    expect(await settingsOf('JPY')).toEqual({ currency: 'JPY', currency_digits: 0 });
  });

  it('documents request Money currencies as a string, not the configured code', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(doc.paths['/v1/marketplace'].get.responses['200']).toBeDefined();
    const body = doc.paths['/v1/products'].post.requestBody.content['application/json'].schema;
    const currency = body.properties.variants.items.properties.price.properties.currency;
    expect(currency).toEqual({ type: 'string' });
  });
});
