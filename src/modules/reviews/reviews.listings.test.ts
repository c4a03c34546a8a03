import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, type StockedProduct } from '../../../test/factories/inventory.js';
import { newDeliveredOrder } from '../../../test/factories/orders.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await newUser(t.db, { admin: true });
});
afterAll(async () => {
  await t.close();
});

type Item = { id: string; hidden: boolean; reply: object | null; created_at: string };

const get = (url: string, user?: TestUser) =>
  t.app.inject({ method: 'GET', url, headers: user ? bearer(user.token) : {} });

const post = (url: string, user: TestUser, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: bearer(user.token), ...(payload ? { payload } : {}) });

const errorPaths = (response: { json(): { errors?: { path: string }[] } }) =>
  (response.json().errors ?? []).map((e) => e.path);

const ids = (items: readonly Item[]) => items.map((item) => item.id);

/** Every item of a list, walked page by page (`limit` per page), checking each page's size. */
async function walk(url: string, user: TestUser, limit: number): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const response = await get(`${url}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, user);
    expect(response.statusCode, response.body).toBe(200);
    const page: { data: Item[]; next_cursor: string | null } = response.json();
    expect(page.data.length).toBeLessThanOrEqual(limit);
    // A page repeating an item would walk forever.
    expect(ids(page.data).filter((id) => ids(items).includes(id))).toEqual([]);
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

const expectNewestFirst = (items: readonly Item[]) => {
  const times = items.map((item) => Date.parse(item.created_at));
  expect(times).toEqual([...times].sort((a, b) => b - a));
};

/** A new buyer reviews each variant of `product` (one order item each); answers the review ids in order. */
async function reviewsOf(product: StockedProduct): Promise<{ buyer: TestUser; ids: string[] }> {
  const buyer = await newUser(t.db);
  const order = await newDeliveredOrder(t.db, { buyerId: buyer.id, product });
  const created: string[] = [];
  for (const itemId of order.itemIds) {
    const response = await post(`/v1/products/${product.id}/reviews`, buyer, {
      order_item_id: itemId,
      rating: 4,
      body: 'Works well.',
    });
    expect(response.statusCode, response.body).toBe(201);
    created.push(response.json().id);
  }
  return { buyer, ids: created };
}

const newProduct = (shop: TestUser, variants: number, title?: string) =>
  newStockedProduct(t.db, {
    shopId: shop.shopId!,
    ...(title ? { title } : {}),
    variants: Array.from({ length: variants }, () => ({})),
  });

describe('GET /v1/shop/reviews', () => {
  it("lists the shop's visible reviews newest first, with their product, in pages", async () => {
    const seller = await newUser(t.db, { shop: 'Listing Shop' });
    const other = await newUser(t.db, { shop: 'Elsewhere' });
    const lamp = await newProduct(seller, 2, 'Desk lamp');
    const chair = await newProduct(seller, 2, 'Chair');
    const foreign = await newProduct(other, 1);
    const first = await reviewsOf(lamp);
    await reviewsOf(foreign);
    const second = await reviewsOf(chair);
    const [hiddenId] = (await reviewsOf(await newProduct(seller, 1))).ids;
    expect((await post(`/v1/admin/reviews/${hiddenId}/hide`, admin)).statusCode).toBe(200);

    // Written last, though its id is the lowest: the order is by time, not by id.
    await t.db.execute(
      sql`UPDATE reviews SET created_at = now() + interval '1 hour' WHERE id = ${first.ids[0]!}`,
    );
    const expected = [first.ids[0], second.ids[1], second.ids[0], first.ids[1]];
    expect(ids(await walk('/v1/shop/reviews', seller, 2))).toEqual(expected);
    expect(ids(await walk('/v1/shop/reviews', seller, 100))).toEqual(expected);

    const page = (await get('/v1/shop/reviews?limit=2', seller)).json();
    expect(page.next_cursor).toEqual(expect.any(String));
    expect(page.data[1]).toEqual({
      id: second.ids[1],
      product_id: chair.id,
      product: { id: chair.id, title: 'Chair' },
      rating: 4,
      title: null,
      body: 'Works well.',
      author: { name: second.buyer.name },
      verified_purchase: true,
      reply: null,
      hidden: false,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(page.data[0].product).toEqual({ id: lamp.id, title: 'Desk lamp' });

    // The other shop sees its own review only.
    expect(ids(await walk('/v1/shop/reviews', other, 20))).toHaveLength(1);
  });

  it('filters by whether the shop has replied', async () => {
    const seller = await newUser(t.db, { shop: 'Replying Shop' });
    const product = await newProduct(seller, 3);
    const { ids: created } = await reviewsOf(product);
    const replied = created[1]!;
    const reply = await post(`/v1/reviews/${replied}/reply`, seller, { body: 'Thank you!' });
    expect(reply.statusCode, reply.body).toBe(201);

    const answered = await walk('/v1/shop/reviews?replied=true', seller, 1);
    expect(ids(answered)).toEqual([replied]);
    expect(answered[0]!.reply).toEqual({ body: 'Thank you!', created_at: expect.any(String) });
    expect(ids(await walk('/v1/shop/reviews?replied=false', seller, 1))).toEqual([created[2], created[0]]);
    expect(ids(await walk('/v1/shop/reviews', seller, 1))).toEqual([...created].reverse());
  });

  it('answers an empty page to a shop without reviews', async () => {
    const seller = await newUser(t.db, { shop: 'Quiet Shop' });
    expect((await get('/v1/shop/reviews', seller)).json()).toEqual({ data: [], next_cursor: null });
  });

  it('answers 403 to a buyer, 401 anonymously and 422 at the bad parameter', async () => {
    const buyer = await newUser(t.db);
    const seller = await newUser(t.db, { shop: 'Strict Shop' });
    expectProblem(await get('/v1/shop/reviews', buyer), 403, 'forbidden');
    expectProblem(await get('/v1/shop/reviews', admin), 403, 'forbidden');
    expectProblem(await get('/v1/shop/reviews'), 401, 'unauthenticated');
    for (const [query, path] of [
      ['replied=yes', '/query/replied'],
      ['replied=1', '/query/replied'],
      ['limit=0', '/query/limit'],
      ['limit=101', '/query/limit'],
      ['cursor=nonsense', '/query/cursor'],
    ]) {
      const response = await get(`/v1/shop/reviews?${query}`, seller);
      expectProblem(response, 422, 'validation_failed');
      expect(errorPaths(response)).toEqual([path]);
    }
    expectProblem(await get('/v1/shop/reviews?hidden=true', seller), 422, 'validation_failed');
  });
});

describe('GET /v1/admin/reviews', () => {
  it('lists every review newest first, hidden ones included, with product and author', async () => {
    const seller = await newUser(t.db, { shop: 'Moderated Shop' });
    const other = await newUser(t.db, { shop: 'Other Moderated Shop' });
    const product = await newProduct(seller, 2, 'Teapot');
    const { buyer, ids: mine } = await reviewsOf(product);
    const { ids: theirs } = await reviewsOf(await newProduct(other, 1));
    const hiddenId = mine[0]!;
    expect((await post(`/v1/admin/reviews/${hiddenId}/hide`, admin)).statusCode).toBe(200);
    const newestFirst = [...mine, ...theirs].reverse();

    const [{ total, hidden } = { total: -1, hidden: -1 }] = await t.db.query<{
      total: number;
      hidden: number;
    }>(sql`SELECT count(*)::int AS total, (count(*) FILTER (WHERE hidden))::int AS hidden FROM reviews`);
    const all = await walk('/v1/admin/reviews', admin, 2);
    expect(all).toHaveLength(total);
    expectNewestFirst(all);
    expect(ids(all).filter((id) => newestFirst.includes(id))).toEqual(newestFirst);
    expect(all.find((item) => item.id === hiddenId)).toEqual({
      id: hiddenId,
      product_id: product.id,
      product: { id: product.id, title: 'Teapot' },
      rating: 4,
      title: null,
      body: 'Works well.',
      author: { id: buyer.id, name: buyer.name },
      verified_purchase: true,
      reply: null,
      hidden: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });

    const hiddenOnes = await walk('/v1/admin/reviews?hidden=true', admin, 1);
    expect(hiddenOnes).toHaveLength(hidden);
    expect(hiddenOnes.every((item) => item.hidden)).toBe(true);
    expectNewestFirst(hiddenOnes);
    expect(ids(hiddenOnes)).toContain(hiddenId);
    const shown = await walk('/v1/admin/reviews?hidden=false', admin, 2);
    expect(shown).toHaveLength(total - hidden);
    expect(shown.every((item) => !item.hidden)).toBe(true);
    expectNewestFirst(shown);
    expect(ids(shown).filter((id) => newestFirst.includes(id))).toEqual(newestFirst.slice(0, 2));
  });

  it('answers 403 to non-admins, 401 anonymously and 422 at the bad parameter', async () => {
    const buyer = await newUser(t.db);
    const seller = await newUser(t.db, { shop: 'Curious Shop' });
    expectProblem(await get('/v1/admin/reviews', buyer), 403, 'forbidden');
    expectProblem(await get('/v1/admin/reviews', seller), 403, 'forbidden');
    expectProblem(await get('/v1/admin/reviews'), 401, 'unauthenticated');
    for (const [query, path] of [
      ['hidden=maybe', '/query/hidden'],
      ['limit=ten', '/query/limit'],
      ['cursor=nonsense', '/query/cursor'],
    ]) {
      const response = await get(`/v1/admin/reviews?${query}`, admin);
      expectProblem(response, 422, 'validation_failed');
      expect(errorPaths(response)).toEqual([path]);
    }
    expectProblem(await get('/v1/admin/reviews?replied=true', admin), 422, 'validation_failed');
  });
});

describe('OpenAPI', () => {
  it('describes both listings, their filters and their items', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    const parameters = (path: string) =>
      doc.paths[path].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(parameters('/v1/shop/reviews')).toEqual(
      expect.arrayContaining(['query:limit', 'query:cursor', 'query:replied']),
    );
    expect(parameters('/v1/admin/reviews')).toEqual(
      expect.arrayContaining(['query:limit', 'query:cursor', 'query:hidden']),
    );
    const itemOf = (path: string) =>
      doc.paths[path].get.responses['200'].content['application/json'].schema.properties.data.items;
    for (const path of ['/v1/shop/reviews', '/v1/admin/reviews']) {
      expect(itemOf(path).required).toEqual(expect.arrayContaining(['id', 'product', 'reply', 'hidden']));
      expect(itemOf(path).properties.product.required).toEqual(['id', 'title']);
    }
    expect(itemOf('/v1/shop/reviews').properties.author.required).toEqual(['name']);
    expect(itemOf('/v1/admin/reviews').properties.author.required).toEqual(['id', 'name']);
  });
});
