import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { newProduct } from '../../test/factories/catalog.js';
import { newUser } from '../../test/factories/identity.js';
import { seedDemoPurchases } from './demo-purchases.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

it('gives the demo products co-purchase lists', async () => {
  const seller = await newUser(t.db, { shop: true });
  const productIds: string[] = [];
  for (const name of ['Tea', 'Teapots', 'Scarves']) {
    const category = await t.services.catalog.createCategory({ name, slug: name.toLowerCase() });
    for (let n = 0; n < 4; n++) {
      const created = await newProduct(t.services, seller, {
        title: `${name} ${n}`,
        categoryId: category.id,
      });
      productIds.push(created.id);
    }
  }
  await seedDemoPurchases(t.services);

  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/products/${productIds[0]}/recommendations`,
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().strategy).toBe('co_purchase');
  expect(response.json().data.length).toBeGreaterThan(0);
});
