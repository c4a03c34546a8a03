import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/db.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, stockOf } from '../../../test/factories/inventory.js';
import { freshKey, moneyFlows, usd } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let seller: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_DB_POOL_SIZE: '10' } });
  flows = moneyFlows(t);
  seller = await newUser(t.db, { shop: 'Parcel Shop' });
});
afterAll(async () => {
  await t.close();
});

/** A paid order of 3 units of variant 1 (1000 each) and 1 unit of variant 2 (500), stock 10 each. */
async function paidOrder() {
  const buyer = await newUser(t.db);
  const product = await newStockedProduct(t.db, {
    shopId: seller.shopId!,
    variants: [
      { priceMinor: 1000, stock: 10 },
      { priceMinor: 500, stock: 10 },
    ],
  });
  const [v1, v2] = product.variants.map((v) => v.id) as [string, string];
  const placed = await flows.placeOrder(buyer, [
    { variantId: v1, quantity: 3 },
    { variantId: v2, quantity: 1 },
  ]);
  expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_visa')).json().status).toBe('succeeded');
  const order = placed.orders[0]!;
  const itemOf = (variantId: string) =>
    (order.items as unknown as { id: string; variant_id: string }[]).find((i) => i.variant_id === variantId)!
      .id;
  return { buyer, order, v1, v2, item1: itemOf(v1), item2: itemOf(v2) };
}

const ship = (orderId: string, body: object, token = seller.token) =>
  flows.call('POST', `/v1/orders/${orderId}/shipments`, token, body);
const orderOf = async (orderId: string, token: string) =>
  (await flows.call('GET', `/v1/orders/${orderId}`, token)).json();
const eventsOf = async (orderId: string) =>
  (
    await t.db.query<{ type: string }>(
      sql`SELECT type FROM outbox_events
          WHERE (data->>'id' = ${orderId} OR data->>'order_id' = ${orderId}) AND type LIKE ANY (ARRAY['shipment.%', 'order.%ship%'])
          ORDER BY seq`,
    )
  ).map((row) => row.type);

describe('shipments', () => {
  it('ships an order in parcels: partially_shipped, then shipped when nothing is left', async () => {
    const { buyer, order, v1, v2, item1, item2 } = await paidOrder();
    const first = await ship(order.id, {
      carrier: 'UPS',
      tracking_number: '1Z-1',
      items: [{ order_item_id: item1, quantity: 2 }],
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      carrier: 'UPS',
      tracking_number: '1Z-1',
      items: [{ order_item_id: item1, quantity: 2 }],
    });
    expect(first.json().id).toMatch(/^shp_/);
    // The parcel's units left the shelf; the rest stay reserved.
    expect(await stockOf(t.db, v1)).toMatchObject({ onHand: 8, reserved: 1 });
    const partly = await orderOf(order.id, buyer.token);
    expect(partly).toMatchObject({
      status: 'partially_shipped',
      shipment: { carrier: 'UPS', tracking_number: '1Z-1' },
      shipped_at: null,
    });
    expect(partly.shipments).toHaveLength(1);

    const rest = await ship(order.id, { carrier: 'DHL', tracking_number: 'JD-2' });
    expect(rest.statusCode, rest.body).toBe(201);
    expect(rest.json().items).toEqual(
      [
        { order_item_id: item1, quantity: 1 },
        { order_item_id: item2, quantity: 1 },
      ].sort((a, b) => (a.order_item_id < b.order_item_id ? -1 : 1)),
    );
    expect(await stockOf(t.db, v1)).toMatchObject({ onHand: 7, reserved: 0 });
    expect(await stockOf(t.db, v2)).toMatchObject({ onHand: 9, reserved: 0 });
    const shipped = await orderOf(order.id, buyer.token);
    expect(shipped.status).toBe('shipped');
    expect(shipped.shipped_at).not.toBeNull();
    expect(shipped.shipment).toEqual({ carrier: 'UPS', tracking_number: '1Z-1' });
    expect(shipped.shipments.map((s: { tracking_number: string }) => s.tracking_number)).toEqual([
      '1Z-1',
      'JD-2',
    ]);
    expect(await eventsOf(order.id)).toEqual([
      'shipment.created.v1',
      'order.partially_shipped.v1',
      'shipment.created.v1',
      'order.shipped.v1',
    ]);
    const [event] = await t.db.query<{ data: Record<string, unknown> }>(
      sql`SELECT data FROM outbox_events WHERE type = 'shipment.created.v1' AND data->>'order_id' = ${order.id} ORDER BY seq LIMIT 1`,
    );
    expect(event!.data).toMatchObject({
      order_id: order.id,
      buyer_id: buyer.id,
      shop_id: seller.shopId,
      carrier: 'UPS',
    });
    expectProblem(await ship(order.id, { carrier: 'UPS', tracking_number: 'again' }), 409, 'invalid_state');
  });

  it('keeps `ship` as "ship everything left", also after a partial shipment', async () => {
    const { buyer, order, v1, item1 } = await paidOrder();
    await ship(order.id, {
      carrier: 'UPS',
      tracking_number: '1',
      items: [{ order_item_id: item1, quantity: 1 }],
    });
    const shipped = await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
      carrier: 'USPS',
      tracking_number: '2',
    });
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json()).toMatchObject({
      status: 'shipped',
      shipment: { carrier: 'UPS', tracking_number: '1' },
    });
    expect(shipped.json().shipments).toHaveLength(2);
    expect(await stockOf(t.db, v1)).toMatchObject({ onHand: 7, reserved: 0 });
    expect(
      (await flows.call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token)).json().status,
    ).toBe('delivered');
  });

  it('refuses more than is left, unknown items, buyers, other shops and unpaid orders', async () => {
    const { buyer, order, item1 } = await paidOrder();
    const over = await ship(order.id, {
      carrier: 'UPS',
      tracking_number: '1',
      items: [{ order_item_id: item1, quantity: 4 }],
    });
    expectProblem(over, 422, 'validation_failed', 'shipment_exceeds_remaining');
    expect(over.json().errors).toEqual([{ path: '/items/0/quantity', message: expect.any(String) }]);
    expectProblem(
      await ship(order.id, {
        carrier: 'UPS',
        tracking_number: '1',
        items: [
          { order_item_id: item1, quantity: 2 },
          { order_item_id: item1, quantity: 2 },
        ],
      }),
      422,
      'validation_failed',
      'shipment_exceeds_remaining',
    );
    expectProblem(
      await ship(order.id, {
        carrier: 'UPS',
        tracking_number: '1',
        items: [{ order_item_id: 'oi_nope', quantity: 1 }],
      }),
      422,
      'validation_failed',
      'shipment_item_unknown',
    );
    expectProblem(
      await ship(order.id, { carrier: 'UPS', tracking_number: '1' }, buyer.token),
      403,
      'forbidden',
    );
    const otherSeller = await newUser(t.db, { shop: true });
    expectProblem(
      await ship(order.id, { carrier: 'UPS', tracking_number: '1' }, otherSeller.token),
      404,
      'not_found',
    );

    const unpaidBuyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 5 }] });
    const unpaid = await flows.placeOrder(unpaidBuyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    expectProblem(
      await ship(unpaid.orders[0]!.id, { carrier: 'UPS', tracking_number: '1' }),
      409,
      'invalid_state',
    );
  });

  it('counts units taken back by a refund out of what is left to ship', async () => {
    const { order, v1, item1 } = await paidOrder();
    await ship(order.id, {
      carrier: 'UPS',
      tracking_number: '1',
      items: [{ order_item_id: item1, quantity: 1 }],
    });
    const refund = await flows.refund(seller.token, order.id, {
      amount: usd(1000),
      reason: 'one unit out of stock',
      restock_items: [{ order_item_id: item1, quantity: 1 }],
    });
    expect(refund.statusCode, refund.body).toBe(201);
    // The unshipped unit was still reserved: its reservation is released.
    expect(await stockOf(t.db, v1)).toMatchObject({ onHand: 9, reserved: 1 });
    expectProblem(
      await ship(order.id, {
        carrier: 'UPS',
        tracking_number: '2',
        items: [{ order_item_id: item1, quantity: 2 }],
      }),
      422,
      'validation_failed',
      'shipment_exceeds_remaining',
    );
    const rest = (await ship(order.id, { carrier: 'UPS', tracking_number: '2' })).json();
    expect(rest.items.find((i: { order_item_id: string }) => i.order_item_id === item1)).toEqual({
      order_item_id: item1,
      quantity: 1,
    });
    expect(await stockOf(t.db, v1)).toMatchObject({ onHand: 8, reserved: 0 });
  });

  it('cancels the units not shipped of a partly shipped order: refunded, released, the order shipped', async () => {
    const { buyer, order, v1, v2, item1 } = await paidOrder();
    await ship(order.id, {
      carrier: 'UPS',
      tracking_number: '1',
      items: [{ order_item_id: item1, quantity: 2 }],
    });
    const cancelled = await flows.call('POST', `/v1/orders/${order.id}/cancel`, buyer.token);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    // One unit of variant 1 and one of variant 2 did not ship: 1000 + 500 back.
    expect(cancelled.json()).toMatchObject({ status: 'shipped', refunded: usd(1500) });
    expect(await stockOf(t.db, v1)).toMatchObject({ onHand: 8, reserved: 0 });
    expect(await stockOf(t.db, v2)).toMatchObject({ onHand: 10, reserved: 0 });
  });
});

describe('shipments racing a refund', () => {
  it('never ship more than is left', async () => {
    const rounds = testDatabaseKind() === 'postgres' ? 8 : 3;
    for (let round = 0; round < rounds; round++) {
      const { buyer, order, v1, item1 } = await paidOrder();
      const results = await Promise.all([
        ship(order.id, {
          carrier: 'A',
          tracking_number: `${round}-a`,
          items: [{ order_item_id: item1, quantity: 2 }],
        }),
        flows.refund(
          seller.token,
          order.id,
          { amount: usd(2000), reason: 'race', restock_items: [{ order_item_id: item1, quantity: 2 }] },
          freshKey(),
        ),
        ship(order.id, {
          carrier: 'B',
          tracking_number: `${round}-b`,
          items: [{ order_item_id: item1, quantity: 2 }],
        }),
      ]);
      for (const result of results) expect([200, 201, 409, 422], result.body).toContain(result.statusCode);
      const [item] = await t.db.query<{ quantity: number; shipped: number; restocked: number }>(
        sql`SELECT quantity, shipped_quantity AS shipped, restocked_quantity AS restocked FROM order_items WHERE id = ${item1}`,
      );
      const shippedUnits = results
        .filter((r, i) => i !== 1 && r.statusCode === 201)
        .reduce((sum, r) => sum + r.json().items[0].quantity, 0);
      expect(item!.shipped).toBe(shippedUnits);
      expect(item!.shipped).toBeLessThanOrEqual(item!.quantity);
      // Stock is conserved: 10 on hand at first, minus what shipped, plus what came back after shipping.
      const stock = await stockOf(t.db, v1);
      const left = item!.quantity - Math.min(item!.quantity, item!.shipped + item!.restocked);
      expect(stock.reserved).toBe(Math.max(0, left));
      expect(stock.onHand).toBeGreaterThanOrEqual(10 - item!.shipped);
      expect((await orderOf(order.id, buyer.token)).shipments.length).toBe(
        results.filter((r, i) => i !== 1 && r.statusCode === 201).length,
      );
    }
  });
});
