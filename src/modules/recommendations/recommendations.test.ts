import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newProduct } from '../../../test/factories/catalog.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows } from '../../../test/factories/payments.js';
import { newId } from '../../platform/ids.js';
import type { EventType } from '../../platform/outbox.js';
import { startWorker } from '../../worker.js';
import { inventory } from '../inventory/index.js';
import { VIEW_WEIGHT } from './product-views.js';
import * as repo from './recommendations.repo.js';
import { RecommendationsService } from './recommendations.service.js';

let t: TestApp;
let seller: TestUser;

beforeAll(async () => {
  // The worker test waits for the refresh after the outbox relay: a short period keeps it quick.
  t = await createTestApp({ env: { BAZAAR_RECS_REFRESH_SECONDS: '1' } });
  seller = await newUser(t.db, { shop: true });
});
afterAll(async () => {
  await t.close();
});

const product = async (options: { title?: string; stock?: number } = {}) =>
  (
    await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      ...(options.title ? { title: options.title } : {}),
      variants: [{ stock: options.stock ?? 10 }],
    })
  ).id;

/** An order event with the part of the order that recommendations read. */
function orderEvent(
  type: EventType,
  order: { id: string; buyerId: string; productIds: string[]; paid?: boolean },
): Parameters<RecommendationsService['orderPaid']>[0] {
  return {
    id: newId('evt'),
    type,
    occurred_at: new Date().toISOString(),
    data: {
      id: order.id,
      buyer_id: order.buyerId,
      paid_at: order.paid === false ? null : new Date().toISOString(),
      items: order.productIds.map((productId) => ({ product_id: productId })),
    },
  };
}

/** One paid order of the buyer, as its order.paid.v1 event delivers it. */
async function buy(buyerId: string, productIds: string[]) {
  const event = orderEvent('order.paid.v1', { id: newId('ord'), buyerId, productIds });
  await t.services.recommendations.orderPaid(event);
  return event;
}

const productRecs = (id: string, query = '') =>
  t.app.inject({ method: 'GET', url: `/v1/products/${id}/recommendations${query}` });
const myRecs = (user: TestUser, query = '') =>
  t.app.inject({ method: 'GET', url: `/v1/me/recommendations${query}`, headers: bearer(user.token) });
const ids = (response: { json(): { data: { id: string }[] } }) => response.json().data.map((item) => item.id);
const popularityOf = async (productId: string) =>
  (await repo.allPopularity(t.db)).find((entry) => entry.productId === productId)?.score ?? 0;

describe('GET /v1/products/{id}/recommendations', () => {
  it('ranks co-bought products first and never lists the product itself, archived or sold-out ones', async () => {
    const [anchor, partner, second, soldOut, other] = await Promise.all([
      product(),
      product(),
      product(),
      product({ stock: 0 }),
      product(),
    ]);
    const archived = (await newProduct(t.services, seller, { title: 'Soon archived' })).id;
    const [u1, u2, u3, u4] = await Promise.all([1, 2, 3, 4].map(() => newUser(t.db)));
    await buy(u1!.id, [anchor, partner]);
    await buy(u2!.id, [anchor, partner, second]);
    await buy(u3!.id, [anchor, soldOut, archived]);
    await buy(u4!.id, [other]);
    await t.services.catalog.takeDown(archived);
    await t.services.recommendations.refresh();

    const response = await productRecs(anchor);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().strategy).toBe('co_purchase');
    const listed = ids(response);
    expect(listed.slice(0, 2)).toEqual([partner, second]);
    expect(listed).not.toContain(anchor);
    expect(listed).not.toContain(soldOut);
    expect(listed).not.toContain(archived);
    expect(response.json().data[0]).toMatchObject({
      id: partner,
      in_stock: true,
      shop: { id: seller.shopId },
    });
  });

  it('gives a product nobody bought the products of similar text', async () => {
    const scarf = await product({ title: 'Red merino wool scarf' });
    const similar = await product({ title: 'Blue merino wool scarf' });
    await product({ title: 'Steel claw hammer' });
    await t.services.recommendations.refresh();

    const response = await productRecs(scarf, '?limit=1');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ strategy: 'content' });
    expect(ids(response)).toEqual([similar]);
  });

  it('answers at most `limit` items and validates it', async () => {
    const anchor = await product();
    const [a, b, c] = await Promise.all([product(), product(), product()]);
    const buyer = await newUser(t.db);
    await buy(buyer.id, [anchor, a, b, c]);
    await t.services.recommendations.refresh();

    expect(ids(await productRecs(anchor, '?limit=2'))).toHaveLength(2);
    for (const query of ['?limit=0', '?limit=101', '?limit=ten', '?other=1']) {
      const response = await productRecs(anchor, query);
      expect(response.statusCode, query).toBe(422);
      expect(response.json().code).toBe('validation_failed');
    }
  });

  it('reaches past a run of sold-out neighbours for the next best, in their order', async () => {
    // Fewer buyers than the popular products of the tests below have, and titles of their own,
    // so that these products stay out of the lists those tests expect.
    const anchor = await product({ title: 'Brass lantern' });
    const neighbours = await Promise.all(
      Array.from({ length: 7 }, (_, k) =>
        newStockedProduct(t.db, { shopId: seller.shopId!, title: `Lantern wick ${k}` }),
      ),
    );
    const buyers = await Promise.all(neighbours.map(() => newUser(t.db)));
    // Buyer k bought the anchor with the first 7 - k neighbours: the first is co-bought most.
    for (const [k, buyer] of buyers.entries()) {
      await buy(buyer.id, [anchor, ...neighbours.slice(0, 7 - k).map((neighbour) => neighbour.id)]);
    }
    await t.services.recommendations.refresh();
    const ranked = ids(await productRecs(anchor, '?limit=7'));
    expect(ranked).toHaveLength(7);

    // More than a first ask's margin beyond `limit`: the list needs a second ask of the catalog.
    for (const id of ranked.slice(0, 6)) {
      const neighbour = neighbours.find((candidate) => candidate.id === id)!;
      await inventory.setOnHand(t.db, neighbour.variants[0]!.id, 0);
    }

    const response = await productRecs(anchor, '?limit=1');
    expect(ids(response)).toEqual(ranked.slice(6));
    expect(response.json().strategy).toBe('co_purchase');
  });

  it('answers 404 for an unknown or archived product', async () => {
    const unknown = await productRecs('prod_unknown');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'not_found', reason: 'product_not_found' });
    const archived = (await newProduct(t.services, seller)).id;
    await t.services.catalog.takeDown(archived);
    expect((await productRecs(archived)).json()).toMatchObject({
      code: 'not_found',
      reason: 'product_not_found',
    });
  });
});

describe('GET /v1/me/recommendations', () => {
  it('gives a new user the most popular products', async () => {
    const hit = await product();
    const fans = await Promise.all(Array.from({ length: 8 }, () => newUser(t.db)));
    for (const fan of fans) await buy(fan.id, [hit]);
    await t.services.recommendations.refresh();

    const response = await myRecs(await newUser(t.db), '?limit=3');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().strategy).toBe('popular');
    expect(ids(response)).toHaveLength(3);
    expect(ids(response)[0]).toBe(hit);
  });

  it('builds on what the caller bought, never listing it', async () => {
    const [bought, companion] = await Promise.all([product(), product()]);
    const caller = await newUser(t.db);
    const other = await newUser(t.db);
    await buy(caller.id, [bought]);
    await buy(other.id, [bought, companion]);
    await t.services.recommendations.refresh();

    const response = await myRecs(caller);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().strategy).toBe('personal');
    expect(ids(response)[0]).toBe(companion);
    expect(ids(response)).not.toContain(bought);
  });

  it('learns from product pages the caller reads', async () => {
    const [viewed, companion] = await Promise.all([product(), product()]);
    await buy((await newUser(t.db)).id, [viewed, companion]);
    const caller = await newUser(t.db);
    const page = await t.app.inject({
      method: 'GET',
      url: `/v1/products/${viewed}`,
      headers: bearer(caller.token),
    });
    expect(page.statusCode, page.body).toBe(200);
    await t.services.productViews.flush();
    await t.services.recommendations.refresh();

    // One item comes from the view: the list it is the most of.
    const response = await myRecs(caller, '?limit=1');
    expect(response.json().strategy).toBe('personal');
    expect(ids(response)[0]).toBe(companion);
  });

  it('never lists what the caller bought, however many interests came after it', async () => {
    const [old, viewed] = await Promise.all([product(), product()]);
    const caller = await newUser(t.db);
    await buy(caller.id, [old]);
    await buy((await newUser(t.db)).id, [viewed, old]);
    // Views of products no longer in the catalog are history all the same: 60 of them, then `viewed`.
    const later = Date.now() + 60_000;
    const views = [...Array.from({ length: 60 }, (_, n) => `prod_gone_${caller.id}_${n}`), viewed].map(
      (productId, n) => ({ userId: caller.id, productId, occurredAt: new Date(later + n * 1000) }),
    );
    await repo.insertViews(t.db, views, VIEW_WEIGHT);
    await t.services.recommendations.refresh();

    const response = await myRecs(caller, '?limit=100');
    expect(response.statusCode, response.body).toBe(200);
    expect(ids(response)).not.toContain(old);
  });

  it('follows the caller’s history as it is now, between refreshes', async () => {
    const [first, next] = await Promise.all([product(), product()]);
    const caller = await newUser(t.db);
    await buy((await newUser(t.db)).id, [first, next]);
    await buy(caller.id, [first]);
    await t.services.recommendations.refresh();
    expect(ids(await myRecs(caller))[0]).toBe(next);

    await buy(caller.id, [next]);

    expect(ids(await myRecs(caller))).not.toContain(next);
  });

  it('asks for a signed-in caller and validates `limit`', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/me/recommendations' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('unauthenticated');
    const tooMany = await myRecs(await newUser(t.db), '?limit=101');
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().code).toBe('validation_failed');
  });
});

describe('purchase events', () => {
  it('count an order delivered twice once, and a buyer’s repeat purchase once', async () => {
    const item = await product();
    const buyer = await newUser(t.db);
    const event = await buy(buyer.id, [item]);
    await t.services.recommendations.orderPaid(event);
    await buy(buyer.id, [item]);
    await t.services.recommendations.refresh();
    expect(await popularityOf(item)).toBe(1);
  });

  it('stop counting a purchase whose order is cancelled or refunded, even delivered out of order', async () => {
    const [sameOrder, cancelled, refunded] = await Promise.all([product(), product(), product()]);
    const buyer = await newUser(t.db);
    const order = { id: newId('ord'), buyerId: buyer.id, productIds: [sameOrder, cancelled] };
    await t.services.recommendations.orderPaid(orderEvent('order.paid.v1', order));
    await t.services.recommendations.refresh();
    expect(await popularityOf(cancelled)).toBe(1);

    await t.services.recommendations.orderWithdrawn(orderEvent('order.cancelled.v1', order));
    const late = { id: newId('ord'), buyerId: buyer.id, productIds: [refunded] };
    await t.services.recommendations.orderWithdrawn(orderEvent('order.refunded.v1', late));
    await t.services.recommendations.orderPaid(orderEvent('order.paid.v1', late));
    await t.services.recommendations.refresh();
    expect(await popularityOf(cancelled)).toBe(0);
    expect(await popularityOf(sameOrder)).toBe(0);
    expect(await popularityOf(refunded)).toBe(0);
  });

  it('ignore the cancellation of an order that was never paid', async () => {
    const item = await product();
    const buyer = await newUser(t.db);
    const order = { id: newId('ord'), buyerId: buyer.id, productIds: [item] };
    await t.services.recommendations.orderWithdrawn(
      orderEvent('order.cancelled.v1', { ...order, paid: false }),
    );
    await t.services.recommendations.orderPaid(orderEvent('order.paid.v1', order));
    await t.services.recommendations.refresh();
    expect(await popularityOf(item)).toBe(1);
  });

  it('arrive from a real checkout paid by card', async () => {
    const buyer = await newUser(t.db);
    const { product: bought } = await moneyFlows(t).paidOrder(buyer, seller);
    await t.services.outbox.drain();
    await t.services.recommendations.refresh();
    expect(await popularityOf(bought.id)).toBe(1);
  });
});

describe('refresh', () => {
  it('recomputes only the lists of products whose co-occurrences or text changed', async () => {
    await t.services.recommendations.refresh();
    expect(await t.services.recommendations.refresh()).toEqual({ coPurchase: [], content: [] });

    const [x, y] = await Promise.all([product(), product()]);
    const buyer = await newUser(t.db);
    await buy(buyer.id, [x, y]);
    const outcome = await t.services.recommendations.refresh();
    expect(outcome.coPurchase.sort()).toEqual([x, y].sort());
    expect(outcome.content.sort()).toEqual([x, y].sort());

    const z = await product();
    await buy(buyer.id, [z]);
    const next = await t.services.recommendations.refresh();
    expect(next.coPurchase.sort()).toEqual([x, y, z].sort());
    expect(next.content).toEqual([z]);
  });

  it('picks up where another process left off', async () => {
    const [x, y] = await Promise.all([product(), product()]);
    await buy((await newUser(t.db)).id, [x, y]);
    await t.services.recommendations.refresh();
    const fresh = new RecommendationsService(t.db, t.services.catalog, {
      refreshSeconds: t.services.config.recsRefreshSeconds,
    });
    expect(await fresh.refresh()).toEqual({ coPurchase: [], content: [] });
    await buy((await newUser(t.db)).id, [y]);
    expect((await fresh.refresh()).coPurchase).toEqual([y]);
  });

  it('in a process that missed a refresh’s message, serves the new lists within a refresh period', async () => {
    // Its own caches, and no Redis: the refresh below drops only the test app's.
    const elsewhere = new RecommendationsService(t.db, t.services.catalog, {
      refreshSeconds: t.services.config.recsRefreshSeconds,
    });
    const [anchor, partner] = await Promise.all([product({ title: 'Copper kettle' }), product()]);
    expect((await elsewhere.forProduct(anchor, 1)).strategy).not.toBe('co_purchase');

    await buy((await newUser(t.db)).id, [anchor, partner]);
    await t.services.recommendations.refresh();

    expect((await elsewhere.forProduct(anchor, 1)).strategy).not.toBe('co_purchase');
    await vi.waitFor(
      async () => {
        const list = await elsewhere.forProduct(anchor, 1);
        expect(list.strategy).toBe('co_purchase');
        expect(list.data[0]!.id).toBe(partner);
      },
      { timeout: 5_000, interval: 200 },
    );
  });

  it('serves the lists the latest refresh wrote, with visibility and stock read now', async () => {
    const anchor = await product();
    const partner = await newStockedProduct(t.db, { shopId: seller.shopId! });
    expect((await productRecs(anchor)).json().strategy).toBe('popular');
    await buy((await newUser(t.db)).id, [anchor, partner.id]);
    await t.services.recommendations.refresh();

    const refreshed = await productRecs(anchor, '?limit=1');
    expect(refreshed.json().strategy).toBe('co_purchase');
    expect(ids(refreshed)[0]).toBe(partner.id);
    await inventory.setOnHand(t.db, partner.variants[0]!.id, 0);
    expect(ids(await productRecs(anchor))).not.toContain(partner.id);
    await t.services.catalog.takeDown(anchor);
    expect((await productRecs(anchor)).json().code).toBe('not_found');
  });
});

// The seller's own product pages are not interest.
it('does not record a seller reading their own product', async () => {
  const own = (await newProduct(t.services, seller)).id;
  const page = await t.app.inject({
    method: 'GET',
    url: `/v1/products/${own}`,
    headers: bearer(seller.token),
  });
  expect(page.statusCode).toBe(200);
  await t.services.productViews.flush();
  expect(await repo.historyOf(t.db, seller.id, 10)).toEqual([]);
});

it('is refreshed by the worker, which relays purchases from the outbox', async () => {
  const buyer = await newUser(t.db);
  const { product: bought } = await moneyFlows(t).paidOrder(buyer, seller);
  const log = { info: vi.fn() };
  const worker = startWorker(t.services, log);
  try {
    await vi.waitFor(async () => expect(await popularityOf(bought.id)).toBe(1), { timeout: 5_000 });
  } finally {
    await worker.stop();
  }
  expect(log.info).toHaveBeenCalledWith(
    expect.objectContaining({ coPurchase: expect.any(Number) }),
    'refreshed recommendation lists',
  );
});
