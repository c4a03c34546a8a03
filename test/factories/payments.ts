import { expect } from 'vitest';
import { signWebhook } from '../../src/modules/payments/webhook-signature.js';
import { bearer, type TestApp } from '../app.js';
import type { TestUser } from './identity.js';
import { newStockedProduct } from './inventory.js';

export const ADDRESS = {
  name: 'Cleo Buyer',
  line1: '1 Main St',
  city: 'Springfield',
  postal_code: '12345',
  country: 'US',
};

/** The sandbox webhook secret the payment tests configure (BAZAAR_SANDBOX_WEBHOOK_SECRET). */
export const TEST_WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

/** Money in the test marketplace's currency. */
export const usd = (amount: number) => ({ amount, currency: 'USD' });

let keys = 0;
export const freshKey = () => `key-${process.pid}-${Date.now()}-${keys++}`;

export interface PlacedCheckout {
  orders: {
    id: string;
    total: { amount: number };
    shop: { id: string };
    items: { id: string; quantity: number }[];
  }[];
  payment: { id: string; amount: { amount: number } };
}

/** HTTP helpers for the cart-to-money flows, bound to one test app. */
export function moneyFlows(t: TestApp) {
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    token?: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: { ...(token ? bearer(token) : {}), ...headers },
    });

  const confirm = (buyer: TestUser, paymentId: string, method: string, key = freshKey()) =>
    call(
      'POST',
      `/v1/payments/${paymentId}/confirm`,
      buyer.token,
      { payment_method: method },
      { 'idempotency-key': key },
    );

  /** Checks out `lines` (added to the buyer's cart) and answers the orders and the payment. */
  async function placeOrder(
    buyer: TestUser,
    lines: { variantId: string; quantity: number }[],
  ): Promise<PlacedCheckout> {
    for (const line of lines) {
      const added = await call('POST', '/v1/cart/items', buyer.token, {
        variant_id: line.variantId,
        quantity: line.quantity,
      });
      expect(added.statusCode, added.body).toBe(200);
    }
    const placed = await call(
      'POST',
      '/v1/checkout',
      buyer.token,
      { shipping_address: ADDRESS },
      { 'idempotency-key': freshKey() },
    );
    expect(placed.statusCode, placed.body).toBe(201);
    return placed.json();
  }

  /** A fresh product of the seller's shop, one order of `quantity` units by the buyer, paid by card. */
  async function paidOrder(
    buyer: TestUser,
    seller: TestUser,
    options: { priceMinor?: number; quantity?: number; stock?: number } = {},
  ) {
    const { priceMinor = 2500, quantity = 1, stock = 10 } = options;
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor, stock }],
    });
    const placed = await placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity }]);
    const paid = await confirm(buyer, placed.payment.id, 'pm_card_visa');
    expect(paid.json().status, paid.body).toBe('succeeded');
    return { product, variantId: product.variants[0]!.id, order: placed.orders[0]!, payment: placed.payment };
  }

  const refund = (token: string, orderId: string, body: object, key = freshKey()) =>
    call('POST', `/v1/orders/${orderId}/refunds`, token, body, { 'idempotency-key': key });

  /** Posts a sandbox webhook body, signed like the sandbox signs (or with what `signature` says). */
  const sandboxWebhook = (
    body: string,
    signature: { secret?: string; timestamp?: number; header?: string | null } = {},
  ) => {
    const timestamp = signature.timestamp ?? Math.floor(Date.now() / 1000);
    const header =
      signature.header === undefined
        ? signWebhook(signature.secret ?? TEST_WEBHOOK_SECRET, body, timestamp)
        : signature.header;
    return t.app.inject({
      method: 'POST',
      url: '/v1/webhooks/sandbox',
      payload: body,
      headers: {
        'content-type': 'application/json',
        ...(header === null ? {} : { 'bazaar-signature': header }),
      },
    });
  };

  /** Runs due jobs until none is left (webhook deliveries, refunds and payouts sent to the provider). */
  async function drainJobs(): Promise<number> {
    let total = 0;
    for (let ran = await t.services.jobs.runDueJobs(); ran > 0; ran = await t.services.jobs.runDueJobs())
      total += ran;
    return total;
  }

  /** Runs due jobs every 100 ms until `done` holds (the sandbox settles slow charges and payouts after ~2 s). */
  async function runJobsUntil(done: () => Promise<boolean>, timeoutMs = 6000): Promise<void> {
    const started = Date.now();
    while (!(await done())) {
      if (Date.now() - started > timeoutMs) throw new Error(`not done after ${timeoutMs} ms of running jobs`);
      await drainJobs();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Opens the seller's sandbox payout account and completes it the way a seller does: the
   * onboarding page's form, posted. Answers the account, enabled.
   */
  async function enablePayouts(seller: TestUser): Promise<{ id: string; reference: string }> {
    const opened = await call('POST', '/v1/shop/payout-account', seller.token);
    expect([200, 201], opened.body).toContain(opened.statusCode);
    const onboarding = new URL(opened.json().onboarding_url);
    const submitted = await t.app.inject({
      method: 'POST',
      url: onboarding.pathname,
      payload: 'accept_terms=yes',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    const account = await call('GET', '/v1/shop/payout-account', seller.token);
    expect(account.json().status).toBe('enabled');
    return { id: account.json().id, reference: onboarding.pathname.split('/').at(-1)! };
  }

  return {
    call,
    confirm,
    placeOrder,
    paidOrder,
    refund,
    sandboxWebhook,
    drainJobs,
    runJobsUntil,
    enablePayouts,
  };
}
