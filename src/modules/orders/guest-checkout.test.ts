import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/db.js';
import { FACTORY_PASSWORD, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { ADDRESS, freshKey, usd } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';
import { hashToken } from '../../platform/tokens.js';
import { GUEST_CARTS_PER_ADDRESS_PER_HOUR } from '../cart/cart.service.js';
import { argon2id, type PasswordAlgorithm } from '../identity/index.js';

const onPostgres = testDatabaseKind() === 'postgres';

let t: TestApp;
let admin: TestUser;
let shopA: TestUser;
let shopB: TestUser;

/**
 * Sign-ins that check their passwords together: armed for `size`, each waits after its check
 * until all have checked, so their merges start at once (one process checks one account's
 * passwords one at a time, which would space them out: the tabs' sign-ins reach two processes).
 */
let gate: (() => Promise<void>) | undefined;
const armSignInBarrier = (size: number) => {
  let arrived = 0;
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  gate = async () => {
    if (++arrived >= size) open();
    await opened;
  };
};
const gatedPasswords: PasswordAlgorithm = {
  hash: argon2id.hash,
  async verify(passwordHash, password) {
    const matches = await argon2id.verify(passwordHash, password);
    await gate?.();
    return matches;
  },
};

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_DB_POOL_SIZE: '20' }, passwordAlgorithm: gatedPasswords });
  admin = await newUser(t.db, { admin: true });
  shopA = await newUser(t.db, { shop: 'Guest Shop A' });
  shopB = await newUser(t.db, { shop: 'Guest Shop B' });
});
afterAll(async () => {
  await t.close();
});

let clients = 0;
/** A client address of its own, so per-address limits of one test do not touch another's. */
const freshClient = () => `10.22.${Math.floor(++clients / 250)}.${clients % 250}`;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface As {
  token?: string;
  cart?: string;
  order?: string;
  key?: string;
  client?: string;
}
const call = (method: Method, url: string, as: As = {}, payload?: object) =>
  t.app.inject({
    method,
    url,
    ...(payload ? { payload } : {}),
    remoteAddress: as.client ?? '127.0.0.1',
    headers: {
      ...(as.token ? bearer(as.token) : {}),
      ...(as.cart ? { 'bazaar-cart-token': as.cart } : {}),
      ...(as.order ? { 'bazaar-order-token': as.order } : {}),
      ...(as.key ? { 'idempotency-key': as.key } : {}),
    },
  });

const newGuestCart = async (client = freshClient()): Promise<string> => {
  const response = await call('POST', '/v1/guest/cart', { client });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().cart_token;
};

const product = async (shop: TestUser, priceMinor: number, stock: number) =>
  (await newStockedProduct(t.db, { shopId: shop.shopId!, variants: [{ priceMinor, stock }] })).variants[0]!
    .id;

const add = async (as: As, variantId: string, quantity: number) => {
  const response = await call('POST', '/v1/cart/items', as, { variant_id: variantId, quantity });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

const guestEmail = () => `guest-${randomBytes(4).toString('hex')}@example.com`;

/** A guest's cart with a line from each shop, checked out with `email`. */
async function guestCheckout(email = guestEmail()) {
  const cart = await newGuestCart();
  await add({ cart }, await product(shopA, 1500, 10), 2);
  await add({ cart }, await product(shopB, 700, 10), 1);
  const key = freshKey();
  const placed = await call('POST', '/v1/checkout', { cart, key }, { email, shipping_address: ADDRESS });
  expect(placed.statusCode, placed.body).toBe(201);
  return { cart, key, email, placed: placed.json() };
}

/** Delivers the events and runs the jobs waiting, until nothing is left. */
async function drainJobs(): Promise<void> {
  while ((await t.services.outbox.drain()) + (await t.services.jobs.runDueJobs()) > 0) {}
}

async function emailsTo(to: string): Promise<{ subject: string; text: string; html: string }[]> {
  await drainJobs();
  const mailbox = await t.app.inject({ method: 'GET', url: '/v1/dev/mailbox' });
  return mailbox.json().data.filter((email: { to: string }) => email.to.toLowerCase() === to.toLowerCase());
}

describe('guest carts', () => {
  it('answers a 256-bit token of which only the hash is stored', async () => {
    const token = await newGuestCart();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const rows = await t.db.query<{ userId: string | null; hash: Uint8Array }>(
      sql`SELECT user_id AS "userId", guest_token_hash AS hash FROM carts WHERE guest_token_hash = ${hashToken(token)}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.userId).toBeNull();
    const [plain] = await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM carts WHERE encode(guest_token_hash, 'escape') LIKE ${`%${token}%`}`,
    );
    expect(plain!.count).toBe(0);
  });

  it('serves every cart endpoint by its token, and one guest never reaches another’s cart', async () => {
    const mine = await newGuestCart();
    const theirs = await newGuestCart();
    const variantId = await product(shopA, 1000, 5);
    const added = await add({ cart: mine }, variantId, 2);
    expect(added).toMatchObject({ items: [{ variant_id: variantId, quantity: 2 }], subtotal: usd(2000) });
    const lineId = added.items[0].id;

    expect((await call('GET', '/v1/cart', { cart: theirs })).json().items).toEqual([]);
    expectProblem(
      await call('PATCH', `/v1/cart/items/${lineId}`, { cart: theirs }, { quantity: 1 }),
      404,
      'not_found',
    );
    expectProblem(await call('DELETE', `/v1/cart/items/${lineId}`, { cart: theirs }), 404, 'not_found');
    expect((await call('GET', '/v1/cart', { cart: mine })).json().items).toHaveLength(1);

    const changed = await call('PATCH', `/v1/cart/items/${lineId}`, { cart: mine }, { quantity: 3 });
    expect(changed.json().items[0].quantity).toBe(3);
    const quote = await call('POST', '/v1/checkout/quote', { cart: mine }, { shipping_address: ADDRESS });
    expect(quote.statusCode, quote.body).toBe(200);
    expect(quote.json().total).toEqual(usd(3000));
    expect((await call('DELETE', `/v1/cart/items/${lineId}`, { cart: mine })).json().items).toEqual([]);
  });

  it('refuses an unknown or idle token (401), and a bearer token wins over a cart token', async () => {
    expectProblem(await call('GET', '/v1/cart', { cart: 'not-a-token' }), 401, 'unauthenticated');
    expectProblem(await call('GET', '/v1/cart'), 401, 'unauthenticated');

    const idle = await newGuestCart();
    await t.db.execute(
      sql`UPDATE carts SET updated_at = now() - interval '31 days' WHERE guest_token_hash = ${hashToken(idle)}`,
    );
    expectProblem(await call('GET', '/v1/cart', { cart: idle }), 401, 'unauthenticated');
    expect(await t.services.cart.purgeIdleGuestCarts()).toBeGreaterThanOrEqual(1);

    const cart = await newGuestCart();
    await add({ cart }, await product(shopA, 500, 5), 1);
    const user = await newUser(t.db);
    const both = await call('GET', '/v1/cart', { cart, token: user.token });
    expect(both.json().items).toEqual([]);
    expectProblem(await call('GET', '/v1/cart', { cart, token: 'bzr_wrong' }), 401, 'unauthenticated');
  });

  it(`makes at most ${GUEST_CARTS_PER_ADDRESS_PER_HOUR} carts per client address an hour`, async () => {
    const client = freshClient();
    for (let made = 0; made < GUEST_CARTS_PER_ADDRESS_PER_HOUR; made++) await newGuestCart(client);
    const refused = await call('POST', '/v1/guest/cart', { client });
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await newGuestCart(freshClient());
  });
});

describe('guest checkout', () => {
  it('needs an email (422 at /email) and a full address', async () => {
    const cart = await newGuestCart();
    await add({ cart }, await product(shopA, 500, 5), 1);
    const noEmail = await call(
      'POST',
      '/v1/checkout',
      { cart, key: freshKey() },
      { shipping_address: ADDRESS },
    );
    expectProblem(noEmail, 422, 'validation_failed');
    expect(noEmail.json().errors).toEqual([expect.objectContaining({ path: '/email' })]);
    const saved = await call(
      'POST',
      '/v1/checkout',
      { cart, key: freshKey() },
      { email: guestEmail(), address_id: 'addr_x' },
    );
    expect(saved.json().errors).toEqual([expect.objectContaining({ path: '/address_id' })]);
    expectProblem(
      await call(
        'POST',
        '/v1/checkout',
        { key: freshKey() },
        { email: guestEmail(), shipping_address: ADDRESS },
      ),
      401,
      'unauthenticated',
    );
  });

  it('places one order per shop with no buyer, the guest email and an order token; replays by the cart token', async () => {
    const { cart, key, email, placed } = await guestCheckout();
    expect(placed.orders).toHaveLength(2);
    for (const order of placed.orders) expect(order).toMatchObject({ buyer_id: null, guest_email: email });
    expect(Buffer.from(placed.order_token, 'base64url')).toHaveLength(32);
    expect((await call('GET', '/v1/cart', { cart })).json().items).toEqual([]);

    const replay = await call('POST', '/v1/checkout', { cart, key }, { email, shipping_address: ADDRESS });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(JSON.stringify(placed));
    // The same key from another guest is another request.
    const other = await newGuestCart();
    expectProblem(
      await call('POST', '/v1/checkout', { cart: other, key }, { email, shipping_address: ADDRESS }),
      422,
      'validation_failed',
      'cart_empty',
    );

    const [stored] = await t.db.query<{ count: number }>(sql`
      SELECT count(*)::int AS count FROM orders
      WHERE checkout_id = ${placed.id} AND order_token_hash = ${hashToken(placed.order_token)}`);
    expect(stored!.count).toBe(2);
  });

  it('lets the order token read, pay and cancel its own orders only', async () => {
    const first = await guestCheckout();
    const second = await guestCheckout();
    const token = first.placed.order_token;
    const [orderA, orderB] = first.placed.orders;

    const read = await call('GET', `/v1/orders/${orderA.id}`, { order: token });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id: orderA.id, buyer_id: null, guest_email: first.email });
    expect((await call('GET', `/v1/payments/${first.placed.payment.id}`, { order: token })).statusCode).toBe(
      200,
    );

    // Another checkout's orders and payment, with this token or the other's on these: 404.
    for (const [id, paymentId, orderToken] of [
      [second.placed.orders[0].id, second.placed.payment.id, token],
      [orderA.id, first.placed.payment.id, second.placed.order_token],
    ]) {
      expectProblem(await call('GET', `/v1/orders/${id}`, { order: orderToken }), 404, 'not_found');
      expectProblem(await call('GET', `/v1/payments/${paymentId}`, { order: orderToken }), 404, 'not_found');
      expectProblem(await call('POST', `/v1/orders/${id}/cancel`, { order: orderToken }), 404, 'not_found');
      expectProblem(
        await call(
          'POST',
          `/v1/payments/${paymentId}/confirm`,
          { order: orderToken, key: freshKey() },
          { payment_method: 'pm_card_visa' },
        ),
        404,
        'not_found',
      );
    }
    // A signed-in stranger gets nothing either; no token at all is 401.
    const stranger = await newUser(t.db);
    expectProblem(await call('GET', `/v1/orders/${orderA.id}`, { token: stranger.token }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/orders/${orderA.id}`), 401, 'unauthenticated');
    // It is no cart token, no session, and opens nothing beyond reading, paying and cancelling.
    expectProblem(await call('GET', '/v1/cart', { cart: token }), 401, 'unauthenticated');
    expectProblem(await call('GET', '/v1/orders', { order: token }), 401, 'unauthenticated');
    expectProblem(
      await call('POST', `/v1/orders/${orderA.id}/confirm-delivery`, { order: token }),
      401,
      'unauthenticated',
    );

    const cancelled = await call('POST', `/v1/orders/${orderB.id}/cancel`, { order: token });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    const paid = await call(
      'POST',
      `/v1/payments/${first.placed.payment.id}/confirm`,
      { order: token, key: freshKey() },
      { payment_method: 'pm_card_visa' },
    );
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ status: 'succeeded', amount: orderA.total });
    await drainJobs();
    expect((await call('GET', `/v1/orders/${orderA.id}`, { order: token })).json().status).toBe('paid');
  });

  it('mails the guest each order with a link that opens it', async () => {
    const { email, placed } = await guestCheckout();
    const mails = (await emailsTo(email)).filter((mail) => /placed/.test(mail.subject));
    expect(mails).toHaveLength(2);
    for (const order of placed.orders) {
      const mail = mails.find((m) => m.text.includes(`/orders/${order.id}?order_token=`))!;
      const token = /order_token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
      expect(token).toBe(placed.order_token);
      expect(mail.html).toContain(`/orders/${order.id}?order_token=${token}`);
      expect((await call('GET', `/v1/orders/${order.id}`, { order: token })).statusCode).toBe(200);
    }
    // The order token never travels in an event.
    const [leaked] = await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM outbox_events WHERE data::text LIKE ${`%${placed.order_token}%`}`,
    );
    expect(leaked!.count).toBe(0);
  });

  it('mails the guest the notices of its orders that events make (a parcel shipped)', async () => {
    const { email, placed } = await guestCheckout();
    const paid = await call(
      'POST',
      `/v1/payments/${placed.payment.id}/confirm`,
      { order: placed.order_token, key: freshKey() },
      { payment_method: 'pm_card_visa' },
    );
    expect(paid.json().status).toBe('succeeded');
    await drainJobs();
    const order = placed.orders.find((o: { shop: { id: string } }) => o.shop.id === shopA.shopId);
    const shipped = await call(
      'POST',
      `/v1/orders/${order.id}/ship`,
      { token: shopA.token },
      { carrier: 'UPS', tracking_number: '1Z999' },
    );
    expect(shipped.statusCode, shipped.body).toBe(200);
    const mail = (await emailsTo(email)).find((m) => /shipped/.test(m.subject));
    expect(mail?.text).toContain('1Z999');
  });

  it('counts a guest by email (any case) for per-customer promotion limits', async () => {
    const code = `GUEST${Date.now().toString(36)}`;
    const created = await call(
      'POST',
      '/v1/admin/promotions',
      { token: admin.token },
      {
        code,
        type: 'percentage',
        percent_bps: 1000,
        per_customer_limit: 1,
      },
    );
    expect(created.statusCode, created.body).toBe(201);
    const email = guestEmail();
    const variantId = await product(shopA, 2000, 10);
    const checkoutWithCode = async (address: string) => {
      const cart = await newGuestCart();
      await add({ cart }, variantId, 1);
      expect((await call('POST', '/v1/cart/promotions', { cart }, { code })).statusCode).toBe(200);
      return call(
        'POST',
        '/v1/checkout',
        { cart, key: freshKey() },
        { email: address, shipping_address: ADDRESS },
      );
    };
    expect((await checkoutWithCode(email)).statusCode).toBe(201);
    expectProblem(await checkoutWithCode(email.toUpperCase()), 409, 'promotion_exhausted');
    expect((await checkoutWithCode(guestEmail())).statusCode).toBe(201);
  });
});

describe('signing in with a guest cart', () => {
  const login = (user: TestUser, cart: string) =>
    call(
      'POST',
      '/v1/auth/login',
      { cart, client: freshClient() },
      { email: user.email, password: FACTORY_PASSWORD },
    );

  it('merges the guest cart into the user’s: quantities added, capped at stock and 99; the token then stops', async () => {
    const user = await newUser(t.db);
    const both = await product(shopA, 1000, 50);
    const scarce = await product(shopA, 300, 4);
    const plenty = await product(shopB, 100, 500);
    await add({ token: user.token }, both, 2);
    await add({ token: user.token }, plenty, 60);
    const cart = await newGuestCart();
    await add({ cart }, both, 3);
    await add({ cart }, scarce, 4);
    await add({ cart }, plenty, 60);
    // Stock left since the guest put it in the cart.
    await t.db.execute(sql`UPDATE stock_levels SET on_hand = 2 WHERE variant_id = ${scarce}`);

    const signedIn = await login(user, cart);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const lines = (await call('GET', '/v1/cart', { token: user.token })).json().items;
    const quantityOf = (variantId: string) =>
      lines.find((line: { variant_id: string }) => line.variant_id === variantId)?.quantity;
    expect([quantityOf(both), quantityOf(scarce), quantityOf(plenty)]).toEqual([5, 2, 99]);
    expectProblem(await call('GET', '/v1/cart', { cart }), 401, 'unauthenticated');

    // Doing it again changes nothing.
    expect((await login(user, cart)).statusCode).toBe(200);
    expect((await call('GET', '/v1/cart', { token: user.token })).json().items).toEqual(lines);
  });

  it('merges at registration, keeping a code only while it applies', async () => {
    const code = `MERGE${Date.now().toString(36)}`;
    const created = await call(
      'POST',
      '/v1/admin/promotions',
      { token: admin.token },
      {
        code,
        type: 'fixed',
        amount: usd(500),
        min_subtotal: usd(3000),
      },
    );
    expect(created.statusCode, created.body).toBe(201);
    const variantId = await product(shopA, 1000, 10);
    const keeps = await newGuestCart();
    await add({ cart: keeps }, variantId, 3);
    expect((await call('POST', '/v1/cart/promotions', { cart: keeps }, { code })).statusCode).toBe(200);
    const register = (cart: string) =>
      call(
        'POST',
        '/v1/auth/register',
        { cart, client: freshClient() },
        { email: guestEmail(), password: 'a long enough passphrase', name: 'Merged' },
      );
    const kept = await register(keeps);
    expect(kept.statusCode, kept.body).toBe(201);
    const keptCart = (await call('GET', '/v1/cart', { token: kept.json().token })).json();
    expect(keptCart).toMatchObject({
      items: [{ variant_id: variantId, quantity: 3 }],
      discount_total: usd(500),
    });

    // Stock falls to 2 before sign-in: the line is capped, the code's minimum is missed, and it is dropped.
    const drops = await newGuestCart();
    await add({ cart: drops }, variantId, 3);
    expect((await call('POST', '/v1/cart/promotions', { cart: drops }, { code })).statusCode).toBe(200);
    await t.db.execute(sql`UPDATE stock_levels SET on_hand = 2 WHERE variant_id = ${variantId}`);
    const dropped = await register(drops);
    expect(dropped.statusCode, dropped.body).toBe(201);
    const droppedCart = (await call('GET', '/v1/cart', { token: dropped.json().token })).json();
    expect(droppedCart).toMatchObject({ items: [{ quantity: 2 }], promotions: [], discount_total: usd(0) });
  });

  it.runIf(onPostgres)('merges exactly once when two tabs sign in at once (on two processes)', async () => {
    const other = await createTestApp({
      database: t,
      env: { BAZAAR_DB_POOL_SIZE: '20' },
      passwordAlgorithm: gatedPasswords,
    });
    const loginAt = (app: TestApp, user: TestUser, cart: string) =>
      app.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: freshClient(),
        headers: { 'bazaar-cart-token': cart },
        payload: { email: user.email, password: FACTORY_PASSWORD },
      });
    onTestFinished(() => other.close());
    for (let round = 0; round < 3; round++) {
      const user = await newUser(t.db);
      const variantId = await product(shopA, 100, 90);
      await add({ token: user.token }, variantId, 1);
      const cart = await newGuestCart();
      await add({ cart }, variantId, 10);
      armSignInBarrier(2);
      const answers = await Promise.all([loginAt(t, user, cart), loginAt(other, user, cart)]);
      gate = undefined;
      expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
      const lines = (await call('GET', '/v1/cart', { token: user.token })).json().items;
      expect(lines).toEqual([expect.objectContaining({ variant_id: variantId, quantity: 11 })]);
    }
  });
});

describe('claiming guest orders', () => {
  it('gives a user the guest orders of an address only once they verify it', async () => {
    const email = guestEmail();
    const { placed } = await guestCheckout(email);
    const registered = await call(
      'POST',
      '/v1/auth/register',
      { client: freshClient() },
      { email: email.toUpperCase(), password: 'a long enough passphrase', name: 'Claimer' },
    );
    expect(registered.statusCode, registered.body).toBe(201);
    const token = registered.json().token;
    const orders = () => call('GET', '/v1/orders', { token });
    expect((await orders()).json().data).toEqual([]);
    expectProblem(await call('GET', `/v1/orders/${placed.orders[0].id}`, { token }), 404, 'not_found');

    const mail = (await emailsTo(email)).find((m) => /verify-email\?token=/.test(m.text))!;
    const link = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    expect((await call('POST', '/v1/auth/verify-email', {}, { token: link })).statusCode).toBe(200);

    const claimed = (await orders()).json().data;
    expect(claimed.map((order: { id: string }) => order.id).sort()).toEqual(
      placed.orders.map((order: { id: string }) => order.id).sort(),
    );
    const me = (await call('GET', '/v1/me', { token })).json();
    for (const order of claimed) expect(order).toMatchObject({ buyer_id: me.id, guest_email: null });
    expect((await call('GET', `/v1/payments/${placed.payment.id}`, { token })).statusCode).toBe(200);
  });
});
