import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../platform/db.js';
import type { DomainEvent } from '../../platform/outbox.js';
import { entityOf, type ShopDirectory, shopViewsOf } from './event-scope.js';

const db = {} as Queryable;
const shops: ShopDirectory = {
  productShops: async (_db, ids) => new Map(ids.map((id) => [id, `shop_of_${id}`])),
  orderShops: async (_db, ids) => new Map(ids.map((id) => [id, `shop_of_${id}`])),
};
const event = (type: string, data: Record<string, unknown>): DomainEvent => ({
  id: 'evt_1',
  type: type as DomainEvent['type'],
  occurred_at: '2026-01-01T00:00:00.000Z',
  data,
});

describe('which shops an event is about', () => {
  it.each([
    ['order.placed.v1', { id: 'ord_1', shop: { id: 'shop_a', name: 'A' } }, ['shop_a']],
    ['product.updated.v1', { id: 'prod_1', shop: { id: 'shop_a', name: 'A' } }, ['shop_a']],
    ['shop.suspended.v1', { id: 'shop_a' }, ['shop_a']],
    ['return.requested.v1', { id: 'rtn_1', shop_id: 'shop_a' }, ['shop_a']],
    ['payout.paid.v1', { id: 'po_1', shop_id: 'shop_a' }, ['shop_a']],
    ['payout.created.v1', { id: 'po_2', shop_id: 'shop_b' }, ['shop_b']],
    ['shipment.created.v1', { id: 'shp_1', shop_id: 'shop_a' }, ['shop_a']],
    ['review.created.v1', { id: 'rev_1', product_id: 'prod_9' }, ['shop_of_prod_9']],
    ['refund.created.v1', { id: 'ref_1', order_id: 'ord_9' }, ['shop_of_ord_9']],
    // A payment may pay several shops' orders; users and categories are nobody's shop.
    ['payment.succeeded.v1', { id: 'pay_1', orders: ['ord_1', 'ord_2'] }, []],
    ['user.registered.v1', { id: 'usr_1', shop: { id: 'shop_a', name: 'A' } }, []],
    ['category.created.v1', { id: 'cat_1' }, []],
  ])('%s goes to %j', async (type, data, expected) => {
    expect([...(await shopViewsOf(event(type, data), db, shops)).keys()]).toEqual(expected);
  });

  it('gives each shop of a dispute only its own part of it', async () => {
    const dispute = {
      id: 'dsp_1',
      order_ids: ['ord_a', 'ord_b'],
      amount: { amount: 3000, currency: 'USD' },
      shops: [
        { shop_id: 'shop_a', order_ids: ['ord_a'], amount: { amount: 1000, currency: 'USD' } },
        { shop_id: 'shop_b', order_ids: ['ord_b'], amount: { amount: 2000, currency: 'USD' } },
      ],
    };
    const views = await shopViewsOf(event('dispute.opened.v1', dispute), db, shops);
    expect(views.get('shop_a')).toEqual({
      id: 'dsp_1',
      order_ids: ['ord_a'],
      amount: { amount: 1000, currency: 'USD' },
      shops: [dispute.shops[0]],
    });
    expect(JSON.stringify(views.get('shop_b'))).not.toContain('shop_a');
  });

  it('names the entity an event is about, for ordering', () => {
    expect(entityOf(event('order.paid.v1', { id: 'ord_1' }))).toBe('order:ord_1');
    expect(entityOf(event('order.paid.v1', {}))).toBeNull();
  });
});
