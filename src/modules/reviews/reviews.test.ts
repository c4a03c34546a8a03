import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, type StockedProduct } from '../../../test/factories/inventory.js';
import { newDeliveredOrder } from '../../../test/factories/orders.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';
import type { OrderStatus } from '../orders/orders.state.js';

let t: TestApp;
let seller: TestUser;
let otherSeller: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  seller = await newUser(t.db, { shop: 'Reviewed Shop' });
  otherSeller = await newUser(t.db, { shop: 'Other Shop' });
  admin = await newUser(t.db, { admin: true });
});
afterAll(async () => {
  await t.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token?: string, payload?: object) =>
  t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: token ? bearer(token) : {} });

/** A buyer with a delivered (or `status`) order of one unit of each of the product's variants. */
async function bought(product: StockedProduct, status: OrderStatus = 'delivered', buyer?: TestUser) {
  const who = buyer ?? (await newUser(t.db));
  const order = await newDeliveredOrder(t.db, { buyerId: who.id, product, status });
  return { buyer: who, order };
}

const newProduct = (variants = 1, shopId = seller.shopId!) =>
  newStockedProduct(t.db, { shopId, variants: Array.from({ length: variants }, () => ({})) });

const review = (buyer: TestUser, productId: string, body: object) =>
  call('POST', `/v1/products/${productId}/reviews`, buyer.token, body);

async function reviewed(buyer: TestUser, productId: string, orderItemId: string, rating = 4) {
  const response = await review(buyer, productId, {
    order_item_id: orderItemId,
    rating,
    body: 'Works well.',
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const summaryOf = async (productId: string) =>
  (await call('GET', `/v1/products/${productId}/reviews`)).json().summary;

describe('POST /v1/products/{id}/reviews', () => {
  it('lets a buyer review an item of a delivered order, shown by name only', async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    const response = await review(buyer, product.id, {
      order_item_id: order.itemIds[0],
      rating: 5,
      title: 'Great',
      body: 'Exactly as described.',
    });
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      product_id: product.id,
      rating: 5,
      title: 'Great',
      body: 'Exactly as described.',
      author: { name: buyer.name },
      verified_purchase: true,
      reply: null,
    });
    expect(created.id).toMatch(/^rev_/);
    expect(response.body).not.toContain(buyer.email);
    const [event] = await t.db.query<{ data: { id: string } }>(
      sql`SELECT data FROM outbox_events WHERE type = 'review.created.v1' AND data->>'id' = ${created.id}`,
    );
    expect(event?.data.id).toBe(created.id);
  });

  it('shows review_id and reviewable on the order items', async () => {
    const product = await newProduct(2);
    const { buyer, order } = await bought(product);
    const before = (await call('GET', `/v1/orders/${order.id}`, buyer.token)).json();
    expect(before.items.map((i: { reviewable: boolean }) => i.reviewable)).toEqual([true, true]);
    const created = await reviewed(buyer, product.id, order.itemIds[0]!);
    const after = (await call('GET', `/v1/orders/${order.id}`, buyer.token)).json();
    const byId = new Map(after.items.map((i: { id: string }) => [i.id, i]));
    expect(byId.get(order.itemIds[0]!)).toMatchObject({ review_id: created.id, reviewable: false });
    expect(byId.get(order.itemIds[1]!)).toMatchObject({ review_id: null, reviewable: true });
  });

  it("answers 404 for someone else's item, an unknown item and an item of another product", async () => {
    const product = await newProduct();
    const { order } = await bought(product);
    const stranger = await newUser(t.db);
    const body = (orderItemId: string) => ({ order_item_id: orderItemId, rating: 3, body: 'Hm.' });
    expectProblem(await review(stranger, product.id, body(order.itemIds[0]!)), 404, 'not_found');
    expectProblem(
      await review(stranger, product.id, body('oi_unknown')),
      404,
      'not_found',
      'order_item_not_found',
    );
    const other = await newProduct();
    const { buyer, order: otherOrder } = await bought(other);
    expectProblem(await review(buyer, product.id, body(otherOrder.itemIds[0]!)), 404, 'not_found');
  });

  it.each(['pending_payment', 'paid', 'shipped', 'cancelled', 'refunded'] as const)(
    'answers 409 invalid_state for a %s order',
    async (status) => {
      const product = await newProduct();
      const { buyer, order } = await bought(product, status);
      const response = await review(buyer, product.id, {
        order_item_id: order.itemIds[0],
        rating: 4,
        body: 'Ok',
      });
      expectProblem(response, 409, 'invalid_state', 'order_not_delivered');
      expect((await summaryOf(product.id)).count).toBe(0);
    },
  );

  it('answers 409 conflict for a second review of the same item', async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    await reviewed(buyer, product.id, order.itemIds[0]!, 2);
    const again = await review(buyer, product.id, {
      order_item_id: order.itemIds[0],
      rating: 5,
      body: 'Again',
    });
    expectProblem(again, 409, 'conflict', 'item_already_reviewed');
    expect(await summaryOf(product.id)).toMatchObject({ count: 1, average: 2 });
  });

  it('rejects invalid bodies with 422 and anonymous callers with 401', async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    const valid = { order_item_id: order.itemIds[0], rating: 4, body: 'Fine' };
    for (const body of [
      { ...valid, rating: 0 },
      { ...valid, rating: 6 },
      { ...valid, rating: 4.5 },
      { ...valid, body: '' },
      { ...valid, body: 'x'.repeat(5001) },
      { ...valid, verified_purchase: false },
      { rating: 4, body: 'No item' },
    ]) {
      expectProblem(await review(buyer, product.id, body), 422, 'validation_failed');
    }
    expectProblem(
      await call('POST', `/v1/products/${product.id}/reviews`, undefined, valid),
      401,
      'unauthenticated',
    );
    expect((await review(buyer, product.id, { ...valid, body: 'x'.repeat(5000) })).statusCode).toBe(201);
  });
});

describe('GET /v1/products/{id}/reviews', () => {
  it('lists visible reviews with sorts, a rating filter, keyset pages and the summary', async () => {
    const product = await newProduct(5);
    const ratings = [3, 5, 1, 5, 4];
    const { buyer, order } = await bought(product);
    const ids: string[] = [];
    for (const [index, rating] of ratings.entries()) {
      ids.push((await reviewed(buyer, product.id, order.itemIds[index]!, rating)).id);
    }
    const pages = async (query: string) => {
      const seen: { id: string; rating: number }[] = [];
      let cursor: string | null = null;
      do {
        const response = await call(
          'GET',
          `/v1/products/${product.id}/reviews?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(response.statusCode, response.body).toBe(200);
        const page = response.json();
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      return seen;
    };
    expect((await pages('')).map((r) => r.id)).toEqual([...ids].reverse());
    expect((await pages('&sort=newest')).map((r) => r.id)).toEqual([...ids].reverse());
    const newestFirst = [...ids.keys()].reverse();
    const byRating = (direction: 1 | -1) =>
      [...newestFirst].sort((a, b) => direction * (ratings[a]! - ratings[b]!)).map((i) => ids[i]);
    expect((await pages('&sort=rating_desc')).map((r) => r.id)).toEqual(byRating(-1));
    expect((await pages('&sort=rating_asc')).map((r) => r.id)).toEqual(byRating(1));
    expect((await pages('&rating=5')).map((r) => r.id)).toEqual([ids[3], ids[1]]);
    const first = (await call('GET', `/v1/products/${product.id}/reviews`)).json();
    expect(first.summary).toEqual({
      average: 3.6,
      score: expect.any(Number),
      count: 5,
      histogram: { 1: 1, 2: 0, 3: 1, 4: 1, 5: 2 },
    });
    expect(first.data[0]).toEqual({
      id: ids[4],
      product_id: product.id,
      rating: 4,
      title: null,
      body: 'Works well.',
      author: { name: buyer.name },
      verified_purchase: true,
      reply: null,
      hidden: false,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const detail = (await call('GET', `/v1/products/${product.id}`)).json();
    expect(detail.rating).toEqual(first.summary);
  });

  it('answers 422 for a bad cursor, limit, sort or rating and 404 for an unknown product', async () => {
    const product = await newProduct();
    for (const query of ['cursor=nonsense', 'limit=0', 'limit=101', 'sort=best', 'rating=6', 'extra=1']) {
      expectProblem(
        await call('GET', `/v1/products/${product.id}/reviews?${query}`),
        422,
        'validation_failed',
      );
    }
    expectProblem(await call('GET', '/v1/products/prod_unknown/reviews'), 404, 'not_found');
    const empty = (await call('GET', `/v1/products/${product.id}/reviews`)).json();
    expect(empty).toEqual({
      data: [],
      next_cursor: null,
      summary: { average: 0, score: 0, count: 0, histogram: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } },
    });
  });
});

describe('PATCH /v1/reviews/{id}', () => {
  it('lets the author edit, and the aggregates follow the new rating', async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    const created = await reviewed(buyer, product.id, order.itemIds[0]!, 2);
    const response = await call('PATCH', `/v1/reviews/${created.id}`, buyer.token, {
      rating: 5,
      title: 'Better',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      id: created.id,
      rating: 5,
      title: 'Better',
      body: 'Works well.',
    });
    expect(await summaryOf(product.id)).toMatchObject({ count: 1, average: 5, histogram: { 2: 0, 5: 1 } });
    const cleared = await call('PATCH', `/v1/reviews/${created.id}`, buyer.token, { title: null });
    expect(cleared.json()).toMatchObject({ title: null, rating: 5 });
  });

  it("answers 403 for someone else's review, 404 for an unknown one, 401 anonymously, 422 for bad bodies", async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    const created = await reviewed(buyer, product.id, order.itemIds[0]!);
    const stranger = await newUser(t.db);
    expectProblem(
      await call('PATCH', `/v1/reviews/${created.id}`, stranger.token, { rating: 1 }),
      403,
      'forbidden',
    );
    expectProblem(
      await call('PATCH', '/v1/reviews/rev_unknown', buyer.token, { rating: 1 }),
      404,
      'not_found',
    );
    expectProblem(
      await call('PATCH', `/v1/reviews/${created.id}`, undefined, { rating: 1 }),
      401,
      'unauthenticated',
    );
    for (const body of [{ rating: 7 }, { body: '' }, { product_id: 'prod_x' }]) {
      expectProblem(
        await call('PATCH', `/v1/reviews/${created.id}`, buyer.token, body),
        422,
        'validation_failed',
      );
    }
    expect(await summaryOf(product.id)).toMatchObject({ count: 1, average: 4 });
  });

  it('answers 409 invalid_state after 30 days', async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    const created = await reviewed(buyer, product.id, order.itemIds[0]!);
    await t.db.execute(
      sql`UPDATE reviews SET created_at = now() - interval '29 days' WHERE id = ${created.id}`,
    );
    expect(
      (await call('PATCH', `/v1/reviews/${created.id}`, buyer.token, { body: 'Still fine' })).statusCode,
    ).toBe(200);
    await t.db.execute(
      sql`UPDATE reviews SET created_at = now() - interval '31 days' WHERE id = ${created.id}`,
    );
    const late = await call('PATCH', `/v1/reviews/${created.id}`, buyer.token, { rating: 1 });
    expectProblem(late, 409, 'invalid_state', 'edit_window_closed');
    expect(await summaryOf(product.id)).toMatchObject({ count: 1, average: 4 });
  });
});

describe('POST /v1/reviews/{id}/reply', () => {
  it("lets a seller of the product's shop reply once", async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    const created = await reviewed(buyer, product.id, order.itemIds[0]!);
    const response = await call('POST', `/v1/reviews/${created.id}/reply`, seller.token, {
      body: 'Thank you!',
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().reply).toEqual({ body: 'Thank you!', created_at: expect.any(String) });
    expectProblem(
      await call('POST', `/v1/reviews/${created.id}/reply`, seller.token, { body: 'Twice' }),
      409,
      'conflict',
    );
    const listed = (await call('GET', `/v1/products/${product.id}/reviews`)).json();
    expect(listed.data[0].reply.body).toBe('Thank you!');
  });

  it('answers 403 to another shop or a buyer, 404 for an unknown review, 401, 422', async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    const created = await reviewed(buyer, product.id, order.itemIds[0]!);
    const url = `/v1/reviews/${created.id}/reply`;
    expectProblem(
      await call('POST', url, otherSeller.token, { body: 'Hi' }),
      403,
      'forbidden',
      'not_review_shop',
    );
    expectProblem(await call('POST', url, buyer.token, { body: 'Hi' }), 403, 'forbidden');
    expectProblem(
      await call('POST', '/v1/reviews/rev_unknown/reply', seller.token, { body: 'Hi' }),
      404,
      'not_found',
    );
    expectProblem(await call('POST', url, undefined, { body: 'Hi' }), 401, 'unauthenticated');
    expectProblem(await call('POST', url, seller.token, { body: '' }), 422, 'validation_failed');
    expect((await call('POST', url, seller.token, { body: 'Hi' })).statusCode).toBe(201);
  });
});

describe('POST /v1/admin/reviews/{id}/hide and /unhide', () => {
  it('takes a review out of the list and the aggregates, and back', async () => {
    const product = await newProduct(2);
    const { buyer, order } = await bought(product);
    const kept = await reviewed(buyer, product.id, order.itemIds[0]!, 5);
    const hidden = await reviewed(buyer, product.id, order.itemIds[1]!, 1);
    const shopBefore = await shopRating(seller.shopId!);

    const response = await call('POST', `/v1/admin/reviews/${hidden.id}/hide`, admin.token);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: hidden.id, hidden: true });
    const listed = (await call('GET', `/v1/products/${product.id}/reviews`)).json();
    expect(listed.data.map((r: { id: string }) => r.id)).toEqual([kept.id]);
    expect(listed.summary).toMatchObject({ count: 1, average: 5, histogram: { 1: 0, 5: 1 } });
    expect(await shopRating(seller.shopId!)).toEqual({
      count: shopBefore.count - 1,
      sum: shopBefore.sum - 1,
    });
    const [event] = await t.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'review.hidden.v1' AND data->>'id' = ${hidden.id}`,
    );
    expect(event?.n).toBe(1);
    // Hiding again changes nothing.
    expect((await call('POST', `/v1/admin/reviews/${hidden.id}/hide`, admin.token)).statusCode).toBe(200);
    expect((await summaryOf(product.id)).count).toBe(1);
    // Its author's new rating stays out of the aggregates while it is hidden; others cannot find it.
    const edited = await call('PATCH', `/v1/reviews/${hidden.id}`, buyer.token, { rating: 2 });
    expect(edited.json()).toMatchObject({ rating: 2, hidden: true });
    expect(await summaryOf(product.id)).toMatchObject({ count: 1, average: 5, histogram: { 1: 0, 2: 0 } });
    expectProblem(
      await call('PATCH', `/v1/reviews/${hidden.id}`, otherSeller.token, { rating: 3 }),
      404,
      'not_found',
    );
    expectProblem(
      await call('POST', `/v1/reviews/${hidden.id}/reply`, otherSeller.token, { body: 'Hi' }),
      404,
      'not_found',
    );

    const shown = await call('POST', `/v1/admin/reviews/${hidden.id}/unhide`, admin.token);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json().hidden).toBe(false);
    expect(await summaryOf(product.id)).toMatchObject({ count: 2, average: 3.5, histogram: { 2: 1, 5: 1 } });
    expect(await shopRating(seller.shopId!)).toEqual({ count: shopBefore.count, sum: shopBefore.sum + 1 });
  });

  it('answers 403 to non-admins, 404 for an unknown review, 401 anonymously', async () => {
    const product = await newProduct();
    const { buyer, order } = await bought(product);
    const created = await reviewed(buyer, product.id, order.itemIds[0]!);
    for (const action of ['hide', 'unhide']) {
      expectProblem(
        await call('POST', `/v1/admin/reviews/${created.id}/${action}`, seller.token),
        403,
        'forbidden',
      );
      expectProblem(await call('POST', `/v1/admin/reviews/${created.id}/${action}`), 401, 'unauthenticated');
      expectProblem(
        await call('POST', `/v1/admin/reviews/rev_unknown/${action}`, admin.token),
        404,
        'not_found',
      );
    }
  });
});

describe('rating sort', () => {
  it('ranks 200 reviews averaging 4.8 above a single 5-star review', async () => {
    const shop = await newUser(t.db, { shop: 'Bayes Shop' });
    const many = await newProduct(20, shop.shopId!);
    const single = await newProduct(1, shop.shopId!);
    const plain = await newProduct(20, otherSeller.shopId!);
    // A marketplace whose typical rating is lower than 4.8: 100 three-star reviews elsewhere.
    for (let buyerIndex = 0; buyerIndex < 10; buyerIndex++) {
      const { buyer, order } = await bought(many);
      for (const [index, itemId] of order.itemIds.entries()) {
        // 4 of every 20 are 4 stars, the rest 5: a mean of exactly 4.8.
        await reviewed(buyer, many.id, itemId, index < 4 ? 4 : 5);
      }
      if (buyerIndex < 5) {
        const { buyer: other, order: plainOrder } = await bought(plain);
        for (const itemId of plainOrder.itemIds) await reviewed(other, plain.id, itemId, 3);
      }
    }
    const { buyer, order } = await bought(single);
    await reviewed(buyer, single.id, order.itemIds[0]!, 5);

    const listing = await call('GET', `/v1/products?shop=${shop.shopId}&sort=rating`);
    expect(listing.statusCode, listing.body).toBe(200);
    const [first, second] = listing.json().data;
    expect(first).toMatchObject({ id: many.id, rating: { average: 4.8, count: 200 } });
    expect(second).toMatchObject({ id: single.id, rating: { average: 5, count: 1 } });
    expect(first.rating.score).toBeGreaterThan(second.rating.score);

    const [totals] = await t.db.query<{ count: number; sum: number }>(
      sql`SELECT rating_count::int AS count, rating_sum::int AS sum FROM catalog_rating_totals`,
    );
    const m = totals!.sum / totals!.count;
    expect(first.rating.score).toBeCloseTo((10 * m + 960) / 210, 2);
    expect(second.rating.score).toBeCloseTo((10 * m + 5) / 11, 2);
  });
});

async function shopRating(shopId: string): Promise<{ count: number; sum: number }> {
  const [row] = await t.db.query<{ count: number; sum: number }>(
    sql`SELECT rating_count AS count, rating_sum::int AS sum FROM shops WHERE id = ${shopId}`,
  );
  return row!;
}
