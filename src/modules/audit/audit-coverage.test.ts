import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { newDeliveredOrder } from '../../../test/factories/orders.js';
import { freshKey, moneyFlows, TEST_WEBHOOK_SECRET, usd } from '../../../test/factories/payments.js';
import { newShippingOption } from '../../../test/factories/shipping.js';
import { type Database, sql } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import { renderDemoImage } from '../../seed/demo-image.js';
import { insertShop } from '../identity/identity.repo.js';

/**
 * The audit trail's coverage, read off the OpenAPI document: every write operation (POST, PUT,
 * PATCH, DELETE) is either in AUDITED, with a case that sets up and performs one valid call by a
 * seller or an admin and says the one audit event it must leave, or in NOT_AUDITED with the reason
 * no seller or admin acts through it. A route added later with neither fails here by name.
 */

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
});
afterAll(async () => {
  await t.close();
});

interface Call {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  token: string;
  payload?: object | Buffer;
  headers?: Record<string, string>;
}

/** The one event a case's call must leave; `changes` must match exactly. */
interface Expected {
  action: string;
  target_type: string;
  target_id: string;
  shop_id: string | null;
  actor_id: string;
  changes: Record<string, [unknown, unknown]>;
}

/** Performs the case's one audited call (once per case) and answers its response. */
type Act = (call: Call) => Promise<LightMyRequestResponse>;
type Case = (act: Act) => Promise<Expected>;

/** Buyer-side, account and provider writes: no seller or admin acts through them. */
const NOT_AUDITED: Record<string, string> = {
  'POST /v1/auth/register': 'anyone signs up; not a seller’s or an admin’s act',
  'POST /v1/auth/login': 'a security event, audited in audit.test.ts (every user signs in)',
  'POST /v1/auth/logout': 'ends the caller’s own session',
  'POST /v1/me/password': 'the caller’s own account: a security event, audited in audit.test.ts',
  'POST /v1/me/2fa/setup': 'the caller’s own account; nothing changes until enable',
  'POST /v1/me/2fa/enable': 'the caller’s own account: a security event, audited in audit.test.ts',
  'POST /v1/me/2fa/disable': 'the caller’s own account: a security event, audited in audit.test.ts',
  'POST /v1/auth/password-reset': 'mails a link; changes nothing',
  'POST /v1/auth/password-reset/confirm':
    'a security event of whoever holds the link, audited in audit.test.ts',
  'POST /v1/me/email-verification': 'mails a link; changes nothing',
  'POST /v1/auth/verify-email': 'a security event of whoever holds the link, audited in audit.test.ts',
  'POST /v1/me/email': 'mails a link to the new address; the change is confirm-email-change',
  'POST /v1/auth/confirm-email-change':
    'a security event of whoever holds the link, audited in audit.test.ts',
  'POST /v1/me/notifications/read': 'the caller’s own inbox',
  'PATCH /v1/me/notification-preferences': 'the caller’s own email preferences',
  'POST /v1/me/addresses': 'a buyer’s own address book',
  'PATCH /v1/me/addresses/{id}': 'a buyer’s own address book',
  'DELETE /v1/me/addresses/{id}': 'a buyer’s own address book',
  'POST /v1/guest/cart': 'a guest’s cart',
  'POST /v1/cart/items': 'a buyer’s cart',
  'PATCH /v1/cart/items/{id}': 'a buyer’s cart',
  'DELETE /v1/cart/items/{id}': 'a buyer’s cart',
  'POST /v1/cart/promotions': 'a buyer’s cart',
  'DELETE /v1/cart/promotions/{code}': 'a buyer’s cart',
  'POST /v1/checkout': 'a buyer’s checkout',
  'POST /v1/checkout/quote': 'a buyer’s quote; changes nothing',
  'POST /v1/orders/{id}/cancel': 'only the order’s buyer (or guest) cancels; sellers refund instead',
  'POST /v1/orders/{id}/confirm-delivery': 'only the order’s buyer confirms delivery',
  'POST /v1/orders/{id}/returns': 'only the order’s buyer asks for a return',
  'POST /v1/returns/{id}/escalate': 'only the return’s buyer escalates',
  'POST /v1/products/{id}/reviews': 'a buyer’s own review',
  'PATCH /v1/reviews/{id}': 'a buyer’s own review',
  'POST /v1/payments/{id}/confirm': 'a buyer pays',
  'POST /v1/webhooks/{provider}': 'the payment provider’s signed events',
};

/** A fresh seller with a shop of its own, so no case sees another's state. */
const seller = () => newUser(t.db, { shop: true });

const product = (owner: TestUser, variants: { priceMinor?: number; stock?: number }[] = [{}]) =>
  newStockedProduct(t.db, { shopId: owner.shopId!, variants });

/** A paid order of one unit (a fresh buyer), and the order's one item. */
async function paidOrder(owner: TestUser, quantity = 1) {
  const buyer = await newUser(t.db);
  const { order } = await flows.paidOrder(buyer, owner, { priceMinor: 2000, quantity, stock: 10 });
  return { buyer, order, itemId: order.items[0]!.id };
}

async function ok(response: Promise<LightMyRequestResponse>): Promise<Record<string, unknown>> {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBeLessThan(300);
  return answer.statusCode === 204 ? {} : answer.json();
}

/** A shipped order and the buyer's return request of its item. */
async function requestedReturn(owner: TestUser) {
  const { buyer, order, itemId } = await paidOrder(owner);
  await ok(
    flows.call('POST', `/v1/orders/${order.id}/ship`, owner.token, { carrier: 'UPS', tracking_number: '1Z' }),
  );
  const asked = await ok(
    flows.call('POST', `/v1/orders/${order.id}/returns`, buyer.token, {
      items: [{ order_item_id: itemId, quantity: 1 }],
      reason: 'damaged',
    }),
  );
  return { buyer, id: asked.id as string };
}

/** A review by a buyer of a delivered order of the seller's product. */
async function review(owner: TestUser) {
  const buyer = await newUser(t.db);
  const stocked = await product(owner);
  const order = await newDeliveredOrder(t.db, { buyerId: buyer.id, product: stocked });
  const written = await ok(
    flows.call('POST', `/v1/products/${stocked.id}/reviews`, buyer.token, {
      order_item_id: order.itemIds[0],
      rating: 4,
      title: 'Good',
      body: 'It works.',
    }),
  );
  return written.id as string;
}

async function shopOfStatus(db: Database, status: 'pending_review' | 'suspended') {
  const owner = await newUser(db);
  const shop = await insertShop(db, {
    id: newId('shop'),
    ownerId: owner.id,
    name: `Shop ${owner.name}`,
    description: '',
    status,
  });
  return shop.id;
}

/** The multipart body of an image upload. */
function imageForm(): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----audit-${randomBytes(8).toString('hex')}`;
  const image = renderDemoImage({ seed: 3, label: 'Audit', width: 32, height: 24 });
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      image,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const rateBody = { type: 'flat', amount: usd(500) };

const AUDITED: Record<string, Case> = {
  'POST /v1/me/shop': async (act) => {
    const user = await newUser(t.db);
    const opened = (
      await act({
        method: 'POST',
        url: '/v1/me/shop',
        token: user.token,
        payload: { name: 'Fresh Audit Shop' },
      })
    ).json();
    return {
      action: 'shop.opened',
      target_type: 'shop',
      target_id: opened.id,
      shop_id: opened.id,
      actor_id: user.id,
      changes: { name: [null, 'Fresh Audit Shop'], description: [null, ''], status: [null, 'active'] },
    };
  },
  'PATCH /v1/me/shop': async (act) => {
    const owner = await seller();
    await act({
      method: 'PATCH',
      url: '/v1/me/shop',
      token: owner.token,
      payload: { return_window_days: 21 },
    });
    return {
      action: 'shop.updated',
      target_type: 'shop',
      target_id: owner.shopId!,
      shop_id: owner.shopId!,
      actor_id: owner.id,
      changes: { return_window_days: [30, 21] },
    };
  },
  'POST /v1/me/shop/close': async (act) => {
    const owner = await seller();
    await act({ method: 'POST', url: '/v1/me/shop/close', token: owner.token });
    return {
      action: 'shop.closed',
      target_type: 'shop',
      target_id: owner.shopId!,
      shop_id: owner.shopId!,
      actor_id: owner.id,
      changes: { status: ['active', 'closed'] },
    };
  },
  ...Object.fromEntries(
    (
      [
        ['approve', 'pending_review', 'approved', 'active'],
        ['reject', 'pending_review', 'rejected', 'rejected'],
        ['suspend', 'active', 'suspended', 'suspended'],
        ['reinstate', 'suspended', 'reinstated', 'active'],
      ] as const
    ).map(([verb, from, done, to]): [string, Case] => [
      `POST /v1/admin/shops/{id}/${verb}`,
      async (act) => {
        const shopId = from === 'active' ? (await seller()).shopId! : await shopOfStatus(t.db, from);
        await act({
          method: 'POST',
          url: `/v1/admin/shops/${shopId}/${verb}`,
          token: admin.token,
          payload: { reason: 'audit' },
        });
        return {
          action: `shop.${done}`,
          target_type: 'shop',
          target_id: shopId,
          shop_id: shopId,
          actor_id: admin.id,
          changes: { status: [from, to], status_reason: [null, 'audit'] },
        };
      },
    ]),
  ),
  'POST /v1/admin/users/{id}/suspend': async (act) => {
    const user = await newUser(t.db);
    const answer = (
      await act({ method: 'POST', url: `/v1/admin/users/${user.id}/suspend`, token: admin.token })
    ).json();
    return {
      action: 'user.suspended',
      target_type: 'user',
      target_id: user.id,
      shop_id: null,
      actor_id: admin.id,
      changes: { suspended_at: [null, answer.suspended_at] },
    };
  },
  'POST /v1/admin/users/{id}/unsuspend': async (act) => {
    const user = await newUser(t.db);
    const suspended = await ok(flows.call('POST', `/v1/admin/users/${user.id}/suspend`, admin.token));
    await act({ method: 'POST', url: `/v1/admin/users/${user.id}/unsuspend`, token: admin.token });
    return {
      action: 'user.unsuspended',
      target_type: 'user',
      target_id: user.id,
      shop_id: null,
      actor_id: admin.id,
      changes: { suspended_at: [suspended.suspended_at, null] },
    };
  },
  'POST /v1/categories': async (act) => {
    const slug = `audit-${randomBytes(3).toString('hex')}`;
    const created = (
      await act({
        method: 'POST',
        url: '/v1/categories',
        token: admin.token,
        payload: { name: 'Audit', slug },
      })
    ).json();
    return {
      action: 'category.created',
      target_type: 'category',
      target_id: created.id,
      shop_id: null,
      actor_id: admin.id,
      changes: { name: [null, 'Audit'], slug: [null, slug] },
    };
  },
  'PATCH /v1/categories/{id}': async (act) => {
    const slug = `audit-${randomBytes(3).toString('hex')}`;
    const created = await ok(flows.call('POST', '/v1/categories', admin.token, { name: 'Audit', slug }));
    await act({
      method: 'PATCH',
      url: `/v1/categories/${created.id}`,
      token: admin.token,
      payload: { name: 'Audited' },
    });
    return {
      action: 'category.updated',
      target_type: 'category',
      target_id: created.id as string,
      shop_id: null,
      actor_id: admin.id,
      changes: { name: ['Audit', 'Audited'] },
    };
  },
  'POST /v1/products': async (act) => {
    const owner = await seller();
    const created = (
      await act({
        method: 'POST',
        url: '/v1/products',
        token: owner.token,
        payload: {
          title: 'Audit lamp',
          description: 'Bright.',
          variants: [
            { sku: `AUD-${randomBytes(3).toString('hex')}`, title: 'One', price: usd(1500), stock: 3 },
          ],
        },
      })
    ).json();
    return {
      action: 'product.created',
      target_type: 'product',
      target_id: created.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: {
        title: [null, 'Audit lamp'],
        description: [null, 'Bright.'],
        images: [null, []],
        status: [null, 'active'],
      },
    };
  },
  'PATCH /v1/products/{id}': async (act) => {
    const owner = await seller();
    const stocked = await product(owner);
    await act({
      method: 'PATCH',
      url: `/v1/products/${stocked.id}`,
      token: owner.token,
      payload: { title: 'Renamed', status: 'archived' },
    });
    return {
      action: 'product.updated',
      target_type: 'product',
      target_id: stocked.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { title: [stocked.title, 'Renamed'], status: ['active', 'archived'] },
    };
  },
  'POST /v1/products/{id}/variants': async (act) => {
    const owner = await seller();
    const stocked = await product(owner);
    const sku = `AUD-${randomBytes(3).toString('hex')}`;
    const created = (
      await act({
        method: 'POST',
        url: `/v1/products/${stocked.id}/variants`,
        token: owner.token,
        payload: { sku, title: 'Large', price: usd(2500), stock: 2 },
      })
    ).json();
    return {
      action: 'variant.created',
      target_type: 'variant',
      target_id: created.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: {
        sku: [null, sku],
        title: [null, 'Large'],
        options: [null, {}],
        price: [null, usd(2500)],
        weight_grams: [null, 0],
        on_hand: [null, 2],
      },
    };
  },
  'PATCH /v1/variants/{id}': async (act) => {
    const owner = await seller();
    const stocked = await product(owner, [{ priceMinor: 1000, stock: 10 }]);
    const variantId = stocked.variants[0]!.id;
    await act({
      method: 'PATCH',
      url: `/v1/variants/${variantId}`,
      token: owner.token,
      payload: { price: usd(1200), on_hand: 7 },
    });
    // A price change targets the variant, not its product.
    return {
      action: 'variant.updated',
      target_type: 'variant',
      target_id: variantId,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { price: [usd(1000), usd(1200)], on_hand: [10, 7] },
    };
  },
  'POST /v1/admin/products/{id}/archive': async (act) => {
    const owner = await seller();
    const stocked = await product(owner);
    await act({ method: 'POST', url: `/v1/admin/products/${stocked.id}/archive`, token: admin.token });
    return {
      action: 'product.taken_down',
      target_type: 'product',
      target_id: stocked.id,
      shop_id: owner.shopId,
      actor_id: admin.id,
      changes: { status: ['active', 'archived'] },
    };
  },
  'POST /v1/media': async (act) => {
    const owner = await seller();
    const { payload, headers } = imageForm();
    const stored = (
      await act({ method: 'POST', url: '/v1/media', token: owner.token, payload, headers })
    ).json();
    return {
      action: 'media.uploaded',
      target_type: 'media',
      target_id: stored.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { url: [null, stored.url], width: [null, 32], height: [null, 24] },
    };
  },
  'POST /v1/shop/shipping-options': async (act) => {
    const owner = await seller();
    const created = (
      await act({
        method: 'POST',
        url: '/v1/shop/shipping-options',
        token: owner.token,
        payload: { name: 'Courier', countries: ['US'], rate: rateBody, min_days: 1, max_days: 2 },
      })
    ).json();
    return {
      action: 'shipping_option.created',
      target_type: 'shipping_option',
      target_id: created.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: {
        name: [null, 'Courier'],
        countries: [null, ['US']],
        rate: [null, rateBody],
        min_days: [null, 1],
        max_days: [null, 2],
        active: [null, true],
      },
    };
  },
  'PATCH /v1/shop/shipping-options/{id}': async (act) => {
    const owner = await seller();
    const option = await newShippingOption(t, owner);
    await act({
      method: 'PATCH',
      url: `/v1/shop/shipping-options/${option.id}`,
      token: owner.token,
      payload: { max_days: 9 },
    });
    return {
      action: 'shipping_option.updated',
      target_type: 'shipping_option',
      target_id: option.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { max_days: [5, 9] },
    };
  },
  'DELETE /v1/shop/shipping-options/{id}': async (act) => {
    const owner = await seller();
    const option = await newShippingOption(t, owner);
    await act({ method: 'DELETE', url: `/v1/shop/shipping-options/${option.id}`, token: owner.token });
    return {
      action: 'shipping_option.deleted',
      target_type: 'shipping_option',
      target_id: option.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: {
        name: ['Standard', null],
        countries: [['*'], null],
        rate: [rateBody, null],
        min_days: [3, null],
        max_days: [5, null],
        active: [true, null],
      },
    };
  },
  'POST /v1/admin/tax-rates': async (act) => {
    const created = (
      await act({
        method: 'POST',
        url: '/v1/admin/tax-rates',
        token: admin.token,
        payload: { name: 'Audit VAT', country: 'FR', rate_bps: 2000 },
      })
    ).json();
    return {
      action: 'tax_rate.created',
      target_type: 'tax_rate',
      target_id: created.id,
      shop_id: null,
      actor_id: admin.id,
      changes: {
        name: [null, 'Audit VAT'],
        country: [null, 'FR'],
        rate_bps: [null, 2000],
        applies_to_shipping: [null, false],
      },
    };
  },
  'PATCH /v1/admin/tax-rates/{id}': async (act) => {
    const created = await ok(
      flows.call('POST', '/v1/admin/tax-rates', admin.token, { name: 'DE', country: 'DE', rate_bps: 1900 }),
    );
    await act({
      method: 'PATCH',
      url: `/v1/admin/tax-rates/${created.id}`,
      token: admin.token,
      payload: { rate_bps: 700 },
    });
    return {
      action: 'tax_rate.updated',
      target_type: 'tax_rate',
      target_id: created.id as string,
      shop_id: null,
      actor_id: admin.id,
      changes: { rate_bps: [1900, 700] },
    };
  },
  'DELETE /v1/admin/tax-rates/{id}': async (act) => {
    const created = await ok(
      flows.call('POST', '/v1/admin/tax-rates', admin.token, { name: 'IT', country: 'IT', rate_bps: 2200 }),
    );
    await act({ method: 'DELETE', url: `/v1/admin/tax-rates/${created.id}`, token: admin.token });
    return {
      action: 'tax_rate.deleted',
      target_type: 'tax_rate',
      target_id: created.id as string,
      shop_id: null,
      actor_id: admin.id,
      changes: {
        name: ['IT', null],
        country: ['IT', null],
        rate_bps: [2200, null],
        applies_to_shipping: [false, null],
      },
    };
  },
  ...Object.fromEntries(
    (['admin', 'shop'] as const).flatMap((owner): [string, Case][] => {
      const path = `/v1/${owner}/promotions`;
      const who = async () => (owner === 'admin' ? admin : await seller());
      const code = () => `AUD${randomBytes(3).toString('hex').toUpperCase()}`;
      return [
        [
          `POST ${path}`,
          async (act) => {
            const caller = await who();
            const wanted = code();
            const created = (
              await act({
                method: 'POST',
                url: path,
                token: caller.token,
                payload: { code: wanted, type: 'percentage', percent_bps: 500 },
              })
            ).json();
            return {
              action: 'promotion.created',
              target_type: 'promotion',
              target_id: created.id,
              shop_id: caller.shopId,
              actor_id: caller.id,
              changes: {
                code: [null, wanted],
                automatic: [null, false],
                type: [null, 'percentage'],
                percent_bps: [null, 500],
                scope: [null, owner === 'shop' ? { shop_id: caller.shopId } : {}],
                starts_at: [null, created.starts_at],
                status: [null, 'active'],
              },
            };
          },
        ],
        [
          `PATCH ${path}/{id}`,
          async (act) => {
            const caller = await who();
            const created = await ok(
              flows.call('POST', path, caller.token, { code: code(), type: 'percentage', percent_bps: 500 }),
            );
            await act({
              method: 'PATCH',
              url: `${path}/${created.id}`,
              token: caller.token,
              payload: { status: 'inactive', percent_bps: 750 },
            });
            return {
              action: 'promotion.updated',
              target_type: 'promotion',
              target_id: created.id as string,
              shop_id: caller.shopId,
              actor_id: caller.id,
              changes: { percent_bps: [500, 750], status: ['active', 'inactive'] },
            };
          },
        ],
      ];
    }),
  ),
  'POST /v1/orders/{id}/ship': async (act) => {
    const owner = await seller();
    const { order } = await paidOrder(owner);
    await act({
      method: 'POST',
      url: `/v1/orders/${order.id}/ship`,
      token: owner.token,
      payload: { carrier: 'UPS', tracking_number: 'AUD1' },
    });
    const [shipment] = (await ok(flows.call('GET', `/v1/orders/${order.id}`, owner.token)))
      .shipments as object[];
    return {
      action: 'order.shipped',
      target_type: 'order',
      target_id: order.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { status: ['paid', 'shipped'], shipment: [null, shipment] },
    };
  },
  'POST /v1/orders/{id}/shipments': async (act) => {
    const owner = await seller();
    const { order, itemId } = await paidOrder(owner, 2);
    const shipment = (
      await act({
        method: 'POST',
        url: `/v1/orders/${order.id}/shipments`,
        token: owner.token,
        payload: { carrier: 'DHL', tracking_number: 'AUD2', items: [{ order_item_id: itemId, quantity: 1 }] },
      })
    ).json();
    return {
      action: 'order.partially_shipped',
      target_type: 'order',
      target_id: order.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { status: ['paid', 'partially_shipped'], shipment: [null, shipment] },
    };
  },
  'POST /v1/orders/{id}/refunds': async (act) => {
    const owner = await seller();
    const { order } = await paidOrder(owner);
    const refund = (
      await act({
        method: 'POST',
        url: `/v1/orders/${order.id}/refunds`,
        token: owner.token,
        payload: { amount: usd(700), reason: 'scratched' },
        headers: { 'idempotency-key': freshKey() },
      })
    ).json();
    return {
      action: 'refund.created',
      target_type: 'refund',
      target_id: refund.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: {
        order_id: [null, order.id],
        amount: [null, usd(700)],
        reason: [null, 'scratched'],
        status: [null, refund.status],
      },
    };
  },
  'POST /v1/returns/{id}/approve': async (act) => {
    const owner = await seller();
    const { id } = await requestedReturn(owner);
    await act({ method: 'POST', url: `/v1/returns/${id}/approve`, token: owner.token, payload: {} });
    return {
      action: 'return.approved',
      target_type: 'return',
      target_id: id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { status: ['requested', 'approved'] },
    };
  },
  'POST /v1/returns/{id}/reject': async (act) => {
    const owner = await seller();
    const { id } = await requestedReturn(owner);
    await act({
      method: 'POST',
      url: `/v1/returns/${id}/reject`,
      token: owner.token,
      payload: { reason: 'used' },
    });
    return {
      action: 'return.rejected',
      target_type: 'return',
      target_id: id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { status: ['requested', 'rejected'] },
    };
  },
  'POST /v1/returns/{id}/receive': async (act) => {
    const owner = await seller();
    const { id } = await requestedReturn(owner);
    await ok(flows.call('POST', `/v1/returns/${id}/approve`, owner.token, {}));
    const received = (
      await act({
        method: 'POST',
        url: `/v1/returns/${id}/receive`,
        token: owner.token,
        payload: { restock: true },
      })
    ).json();
    return {
      action: 'return.received',
      target_type: 'return',
      target_id: id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: {
        status: ['approved', 'refunded'],
        refund_id: [null, received.refund_id],
        funded_by: [null, 'shop'],
        restock: [null, true],
      },
    };
  },
  'POST /v1/admin/returns/{id}/resolve': async (act) => {
    const owner = await seller();
    const { buyer, id } = await requestedReturn(owner);
    await ok(flows.call('POST', `/v1/returns/${id}/reject`, owner.token, { reason: 'used' }));
    await ok(flows.call('POST', `/v1/returns/${id}/escalate`, buyer.token, {}));
    const resolved = (
      await act({
        method: 'POST',
        url: `/v1/admin/returns/${id}/resolve`,
        token: admin.token,
        payload: { outcome: 'refund', funded_by: 'platform' },
      })
    ).json();
    return {
      action: 'return.resolved',
      target_type: 'return',
      target_id: id,
      shop_id: owner.shopId,
      actor_id: admin.id,
      changes: {
        status: ['escalated', 'refunded'],
        refund_id: [null, resolved.refund_id],
        funded_by: [null, 'platform'],
      },
    };
  },
  'POST /v1/reviews/{id}/reply': async (act) => {
    const owner = await seller();
    const id = await review(owner);
    await act({
      method: 'POST',
      url: `/v1/reviews/${id}/reply`,
      token: owner.token,
      payload: { body: 'Thank you!' },
    });
    return {
      action: 'review.replied',
      target_type: 'review',
      target_id: id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { reply: [null, 'Thank you!'] },
    };
  },
  'POST /v1/admin/reviews/{id}/hide': async (act) => {
    const owner = await seller();
    const id = await review(owner);
    await act({ method: 'POST', url: `/v1/admin/reviews/${id}/hide`, token: admin.token });
    return {
      action: 'review.hidden',
      target_type: 'review',
      target_id: id,
      shop_id: owner.shopId,
      actor_id: admin.id,
      changes: { hidden: [false, true] },
    };
  },
  'POST /v1/admin/reviews/{id}/unhide': async (act) => {
    const owner = await seller();
    const id = await review(owner);
    await ok(flows.call('POST', `/v1/admin/reviews/${id}/hide`, admin.token));
    await act({ method: 'POST', url: `/v1/admin/reviews/${id}/unhide`, token: admin.token });
    return {
      action: 'review.unhidden',
      target_type: 'review',
      target_id: id,
      shop_id: owner.shopId,
      actor_id: admin.id,
      changes: { hidden: [true, false] },
    };
  },
  'POST /v1/shop/payout-account': async (act) => {
    const owner = await seller();
    const account = (
      await act({ method: 'POST', url: '/v1/shop/payout-account', token: owner.token })
    ).json();
    return {
      action: 'payout_account.opened',
      target_type: 'payout_account',
      target_id: account.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { provider: [null, 'sandbox'], status: [null, 'pending'] },
    };
  },
  'POST /v1/shop/payouts': async (act) => {
    const owner = await seller();
    const { buyer, order } = await paidOrder(owner);
    await ok(
      flows.call('POST', `/v1/orders/${order.id}/ship`, owner.token, {
        carrier: 'UPS',
        tracking_number: '1Z',
      }),
    );
    await ok(flows.call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token));
    await flows.enablePayouts(owner);
    const payout = (
      await act({
        method: 'POST',
        url: '/v1/shop/payouts',
        token: owner.token,
        payload: { amount: usd(1000) },
        headers: { 'idempotency-key': freshKey() },
      })
    ).json();
    return {
      action: 'payout.created',
      target_type: 'payout',
      target_id: payout.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { amount: [null, usd(1000)], status: [null, 'pending'] },
    };
  },
  ...Object.fromEntries(
    (['admin', 'shop'] as const).flatMap((owner): [string, Case][] => {
      const path = `/v1/${owner}/api-keys`;
      const who = async () => (owner === 'admin' ? admin : await seller());
      const body = { name: 'Audit integration', scopes: ['orders:read'] };
      return [
        [
          `POST ${path}`,
          async (act) => {
            const caller = await who();
            const created = (
              await act({ method: 'POST', url: path, token: caller.token, payload: body })
            ).json();
            return {
              action: 'api_key.created',
              target_type: 'api_key',
              target_id: created.id,
              shop_id: caller.shopId,
              actor_id: caller.id,
              changes: { name: [null, body.name], scopes: [null, body.scopes] },
            };
          },
        ],
        [
          `DELETE ${path}/{id}`,
          async (act) => {
            const caller = await who();
            const created = await ok(flows.call('POST', path, caller.token, body));
            await act({ method: 'DELETE', url: `${path}/${created.id}`, token: caller.token });
            return {
              action: 'api_key.revoked',
              target_type: 'api_key',
              target_id: created.id as string,
              shop_id: caller.shopId,
              actor_id: caller.id,
              changes: {},
            };
          },
        ],
      ];
    }),
  ),
  ...Object.fromEntries(
    (['admin', 'shop'] as const).flatMap((owner): [string, Case][] => {
      const path = `/v1/${owner}/webhook-endpoints`;
      const who = async () => (owner === 'admin' ? admin : await seller());
      // Subscribed to an event no case makes, and (when made here) at a loopback address the guard
      // refuses before connecting: whatever jobs later cases run, no delivery reaches any network.
      const events = ['webhook_endpoint.disabled.v1'];
      const endpointOf = async (caller: TestUser) => {
        const id = newId('whe');
        await t.db.execute(sql`
          INSERT INTO webhook_endpoints (id, shop_id, created_by, url, events, status, secret)
          VALUES (${id}, ${caller.shopId}, ${caller.id}, 'https://127.0.0.1/never',
                  ${JSON.stringify(events)}::jsonb, 'enabled', 'whsec_audit')`);
        return id;
      };
      const expected = (caller: TestUser, id: string, action: string, changes: Expected['changes']) => ({
        action,
        target_type: 'webhook_endpoint',
        target_id: id,
        shop_id: caller.shopId,
        actor_id: caller.id,
        changes,
      });
      return [
        [
          `POST ${path}`,
          async (act) => {
            const caller = await who();
            // A public address, so the guard takes it without a flag or DNS; nothing is sent to it.
            const url = 'https://93.184.216.34/audit-hook';
            const created = (
              await act({ method: 'POST', url: path, token: caller.token, payload: { url, events } })
            ).json();
            return expected(caller, created.id, 'webhook_endpoint.created', {
              url: [null, url],
              events: [null, events],
              status: [null, 'enabled'],
            });
          },
        ],
        [
          `PATCH ${path}/{id}`,
          async (act) => {
            const caller = await who();
            const id = await endpointOf(caller);
            await act({
              method: 'PATCH',
              url: `${path}/${id}`,
              token: caller.token,
              payload: { status: 'disabled' },
            });
            return expected(caller, id, 'webhook_endpoint.updated', { status: ['enabled', 'disabled'] });
          },
        ],
        [
          `DELETE ${path}/{id}`,
          async (act) => {
            const caller = await who();
            const id = await endpointOf(caller);
            await act({ method: 'DELETE', url: `${path}/${id}`, token: caller.token });
            return expected(caller, id, 'webhook_endpoint.deleted', {
              url: ['https://127.0.0.1/never', null],
              events: [events, null],
              status: ['enabled', null],
            });
          },
        ],
        [
          `POST ${path}/{id}/rotate-secret`,
          async (act) => {
            const caller = await who();
            const id = await endpointOf(caller);
            const rotated = (
              await act({ method: 'POST', url: `${path}/${id}/rotate-secret`, token: caller.token })
            ).json();
            return expected(caller, id, 'webhook_endpoint.secret_rotated', {
              previous_secret_expires_at: [null, rotated.previous_secret_expires_at],
            });
          },
        ],
        [
          `POST ${path}/{id}/test`,
          async (act) => {
            const caller = await who();
            const id = await endpointOf(caller);
            await act({ method: 'POST', url: `${path}/${id}/test`, token: caller.token });
            return expected(caller, id, 'webhook_endpoint.tested', {});
          },
        ],
        [
          `POST ${path}/{id}/deliveries/{delivery_id}/retry`,
          async (act) => {
            const caller = await who();
            const id = await endpointOf(caller);
            const ping = await ok(flows.call('POST', `${path}/${id}/test`, caller.token));
            await act({
              method: 'POST',
              url: `${path}/${id}/deliveries/${ping.id}/retry`,
              token: caller.token,
            });
            return {
              ...expected(caller, ping.id as string, 'webhook_delivery.retried', {}),
              target_type: 'webhook_delivery',
            };
          },
        ],
      ];
    }),
  ),
  'POST /v1/shop/disputes/{id}/evidence': async (act) => {
    const owner = await seller();
    const buyer = await newUser(t.db);
    const stocked = await product(owner, [{ priceMinor: 1500, stock: 5 }]);
    const placed = await flows.placeOrder(buyer, [{ variantId: stocked.variants[0]!.id, quantity: 1 }]);
    await ok(flows.confirm(buyer, placed.payment.id, 'pm_card_disputed'));
    await t.db.execute(
      sql`UPDATE jobs SET run_at = now() - interval '1 minute' WHERE kind = 'sandbox.open-dispute'`,
    );
    await flows.drainJobs();
    const [dispute] = (await ok(flows.call('GET', '/v1/shop/disputes', owner.token))).data as {
      id: string;
    }[];
    await act({
      method: 'POST',
      url: `/v1/shop/disputes/${dispute!.id}/evidence`,
      token: owner.token,
      payload: { text: 'Signed for.' },
    });
    const [evidence] = await t.db.query<{ id: string }>(
      sql`SELECT id FROM dispute_evidence WHERE dispute_id = ${dispute!.id}`,
    );
    return {
      action: 'dispute.evidence_submitted',
      target_type: 'dispute',
      target_id: dispute!.id,
      shop_id: owner.shopId,
      actor_id: owner.id,
      changes: { evidence: [null, { id: evidence!.id, text: 'Signed for.', media_ids: [] }] },
    };
  },
};

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

async function writeRoutes(): Promise<string[]> {
  const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => WRITES.has(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

const auditCount = async () =>
  Number((await t.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_events`))[0]!.n);

describe('audit coverage of the OpenAPI document’s write routes', () => {
  it('has every write route in the table: audited with a case, or not audited with a reason', async () => {
    const routes = await writeRoutes();
    const unlisted = routes.filter((route) => !(route in AUDITED) && !(route in NOT_AUDITED));
    expect(
      unlisted,
      'write routes with no entry: add a case to AUDITED in src/modules/audit/audit-coverage.test.ts (and appendAudit in its use case), or a reason to NOT_AUDITED',
    ).toEqual([]);
    const stale = [...Object.keys(AUDITED), ...Object.keys(NOT_AUDITED)].filter(
      (route) => !routes.includes(route),
    );
    expect(stale, 'entries naming no route of the OpenAPI document').toEqual([]);
    const both = Object.keys(AUDITED).filter((route) => route in NOT_AUDITED);
    expect(both, 'entries both audited and not').toEqual([]);
  });

  it.each(Object.keys(AUDITED))('%s leaves exactly one audit event with its before/after', async (route) => {
    let performed: { before: number; requestId: string; response: LightMyRequestResponse } | undefined;
    const act: Act = async (call) => {
      if (performed) throw new Error(`${route}: a case performs its audited call once`);
      const requestId = `audit-coverage-${randomBytes(6).toString('hex')}`;
      const before = await auditCount();
      const response = await t.app.inject({
        method: call.method,
        url: call.url,
        ...(call.payload ? { payload: call.payload } : {}),
        headers: { ...bearer(call.token), 'x-request-id': requestId, ...call.headers },
      });
      expect(response.statusCode, `${route}: ${response.body}`).toBeLessThan(300);
      performed = { before, requestId, response };
      return response;
    };
    const expected = await AUDITED[route]!(act);
    if (!performed) throw new Error(`${route}: the case never performed its call`);
    expect(await auditCount(), `${route} must leave exactly one audit event`).toBe(performed.before + 1);
    const events = await t.db.query<Expected & { request_id: string }>(sql`
      SELECT action, target_type, target_id, shop_id, actor_id, changes, request_id
      FROM audit_events WHERE request_id = ${performed.requestId}`);
    expect(events, `${route}: the event carries the call's request id`).toHaveLength(1);
    expect(events[0]).toEqual({ ...expected, request_id: performed.requestId });
  });
});

describe('a write that rolls back', () => {
  it('leaves no audit event: closing a shop with an open order appends shop.closed, then refuses', async () => {
    const owner = await seller();
    await paidOrder(owner);
    const before = await auditCount();
    const refused = await flows.call('POST', '/v1/me/shop/close', owner.token);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(await auditCount()).toBe(before);
    const [shop] = await t.db.query<{ status: string }>(
      sql`SELECT status FROM shops WHERE id = ${owner.shopId}`,
    );
    expect(shop!.status).toBe('active');
  });
});
