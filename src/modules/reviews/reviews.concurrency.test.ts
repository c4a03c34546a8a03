import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { createTestDatabase, testDatabaseKind } from '../../../test/db.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { newDeliveredOrder } from '../../../test/factories/orders.js';
import { countBy } from '../../../test/statuses.js';
import { sql } from '../../platform/db.js';

const onPostgres = testDatabaseKind() === 'postgres';
const scale = (postgres: number, embedded: number) => (onPostgres ? postgres : embedded);

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await createTestApp({ database: await createTestDatabase({ poolSize: 20 }) });
  admin = await newUser(t.db, { admin: true });
});
afterAll(async () => {
  await t.close();
  await t.db.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: object) =>
  t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: bearer(token) });

interface Aggregates {
  count: number;
  sum: number;
  histogram: number[];
}

async function productAggregates(productId: string): Promise<Aggregates> {
  const [row] = await t.db.query<{ count: number; sum: number; histogram: number[] }>(sql`
    SELECT rating_count AS count, rating_sum::int AS sum,
           json_build_array(rating_1, rating_2, rating_3, rating_4, rating_5) AS histogram
    FROM products WHERE id = ${productId}`);
  return row!;
}

async function shopAggregates(shopId: string): Promise<{ count: number; sum: number }> {
  const [row] = await t.db.query<{ count: number; sum: number }>(
    sql`SELECT rating_count AS count, rating_sum::int AS sum FROM shops WHERE id = ${shopId}`,
  );
  return row!;
}

async function marketplaceTotals(): Promise<{ count: number; sum: number }> {
  const [row] = await t.db.query<{ count: number; sum: number }>(
    sql`SELECT rating_count::int AS count, rating_sum::int AS sum FROM catalog_rating_totals`,
  );
  return row!;
}

const aggregatesOf = (ratings: readonly number[]): Aggregates => ({
  count: ratings.length,
  sum: ratings.reduce((sum, rating) => sum + rating, 0),
  histogram: [1, 2, 3, 4, 5].map((star) => ratings.filter((rating) => rating === star).length),
});

describe('one review per order item', () => {
  it(`lets exactly one of ${scale(20, 6)} concurrent attempts through`, async () => {
    const seller = await newUser(t.db, { shop: true });
    const product = await newStockedProduct(t.db, { shopId: seller.shopId! });
    const buyer = await newUser(t.db);
    const order = await newDeliveredOrder(t.db, { buyerId: buyer.id, product });
    const attempts = await Promise.all(
      Array.from({ length: scale(20, 6) }, (_, index) =>
        call('POST', `/v1/products/${product.id}/reviews`, buyer.token, {
          order_item_id: order.itemIds[0],
          rating: (index % 5) + 1,
          body: `Attempt ${index}`,
        }),
      ),
    );
    expect(countBy(attempts.map((a) => a.statusCode))).toEqual({ 201: 1, 409: scale(20, 6) - 1 });
    for (const attempt of attempts.filter((a) => a.statusCode === 409))
      expect(attempt.json().code).toBe('conflict');
    const winner = attempts.find((a) => a.statusCode === 201)!.json();
    expect(await productAggregates(product.id)).toEqual(aggregatesOf([winner.rating]));
    expect(await shopAggregates(seller.shopId!)).toEqual({ count: 1, sum: winner.rating });
  });
});

type Step = { kind: 'edit'; rating: number } | { kind: 'hide' } | { kind: 'unhide' } | { kind: 'again' };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), rating: fc.integer({ min: 1, max: 5 }) }),
  fc.constant({ kind: 'hide' as const }),
  fc.constant({ kind: 'unhide' as const }),
  fc.constant({ kind: 'again' as const }),
);

/** One order item's story: reviewed with `rating`, then `steps`, in order. */
const storyArbitrary = fc.record({
  rating: fc.integer({ min: 1, max: 5 }),
  steps: fc.array(stepArbitrary, { maxLength: 4 }),
});

describe('rating aggregates', () => {
  it('match an oracle over random create, edit, hide and unhide sequences, run concurrently per item', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(storyArbitrary, { minLength: 1, maxLength: scale(8, 4) }),
        async (stories) => {
          const seller = await newUser(t.db, { shop: true });
          const product = await newStockedProduct(t.db, {
            shopId: seller.shopId!,
            variants: stories.map(() => ({})),
          });
          const buyer = await newUser(t.db);
          const order = await newDeliveredOrder(t.db, { buyerId: buyer.id, product });
          const totalsBefore = await marketplaceTotals();

          // Each story runs in order; the stories run at once, on the same product and shop.
          const finals = await Promise.all(
            stories.map(async (story, index) => {
              const itemId = order.itemIds[index]!;
              const body = { order_item_id: itemId, rating: story.rating, body: 'A review.' };
              const created = await call('POST', `/v1/products/${product.id}/reviews`, buyer.token, body);
              expect(created.statusCode, created.body).toBe(201);
              const id: string = created.json().id;
              const state = { rating: story.rating, hidden: false };
              for (const step of story.steps) {
                if (step.kind === 'again') {
                  const again = await call('POST', `/v1/products/${product.id}/reviews`, buyer.token, body);
                  expect(again.statusCode).toBe(409);
                } else if (step.kind === 'edit') {
                  const edited = await call('PATCH', `/v1/reviews/${id}`, buyer.token, {
                    rating: step.rating,
                  });
                  expect(edited.statusCode, edited.body).toBe(200);
                  state.rating = step.rating;
                } else {
                  const moderated = await call('POST', `/v1/admin/reviews/${id}/${step.kind}`, admin.token);
                  expect(moderated.statusCode, moderated.body).toBe(200);
                  state.hidden = step.kind === 'hide';
                }
              }
              return state;
            }),
          );

          const visible = finals.filter((state) => !state.hidden).map((state) => state.rating);
          const expected = aggregatesOf(visible);
          expect(await productAggregates(product.id)).toEqual(expected);
          expect(await shopAggregates(seller.shopId!)).toEqual({ count: expected.count, sum: expected.sum });
          const totalsAfter = await marketplaceTotals();
          expect(totalsAfter).toEqual({
            count: totalsBefore.count + expected.count,
            sum: totalsBefore.sum + expected.sum,
          });
          const listed = await call('GET', `/v1/products/${product.id}/reviews?limit=100`, buyer.token);
          expect(
            listed
              .json()
              .data.map((r: { rating: number }) => r.rating)
              .sort(),
          ).toEqual([...visible].sort());
        },
      ),
      { numRuns: scale(15, 8) },
    );
  });
});
