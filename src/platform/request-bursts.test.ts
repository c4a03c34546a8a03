import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../test/app.js';
import { createTestDatabase } from '../../test/db.js';
import { callerOfUser, newUser, type TestUser } from '../../test/factories/identity.js';
import { newStockedProduct } from '../../test/factories/inventory.js';
import { countingRoundTrips, type RoundTripCounter } from '../../test/round-trips.js';
import { countBy } from '../../test/statuses.js';
import { sql } from './db.js';
import { claimKeys, storeAnswers } from './idempotency.js';
import { hashToken } from './tokens.js';

/**
 * A burst of requests shares its per-request statements (session lookups, Idempotency-Key claims,
 * cart reads before a checkout, refusals' stored answers: see Coalesced), and every request still
 * gets its own answer.
 */
const BURST = 24;
const ADDRESS = { name: 'B', line1: '1 St', city: 'C', postal_code: '1', country: 'US' };

let t: TestApp;
let counter: RoundTripCounter;
let seller: TestUser;

beforeAll(async () => {
  const database = await createTestDatabase();
  counter = countingRoundTrips(database.db, { record: true });
  t = await createTestApp({ database: { ...database, db: counter.db } });
  seller = await newUser(database.db, { shop: 'Burst Shop' });
});
afterAll(async () => {
  await t.close();
});

/** How many of the statements run since the last reset match `pattern`. */
const statementsLike = (pattern: RegExp) => counter.statements().filter((text) => pattern.test(text)).length;

describe('a burst of requests', () => {
  it('looks its sessions up in fewer statements than requests, each request as its own user', async () => {
    const users = await Promise.all(Array.from({ length: BURST }, () => newUser(t.db)));
    counter.reset();
    const tokens = [...users.map((user) => user.token), 'bzr_unknown', 'bzr_also_unknown'];
    const answers = await Promise.all(
      tokens.map((token) => t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual([...users.map(() => 200), 401, 401]);
    expect(answers.slice(0, BURST).map((answer) => answer.json().id)).toEqual(users.map((user) => user.id));
    const lookups = statementsLike(/FROM sessions s/);
    expect(lookups).toBeGreaterThan(0);
    expect(lookups).toBeLessThan(tokens.length);
  });

  it('claims its Idempotency-Keys in fewer statements than requests, one checkout per buyer', async () => {
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 500 }] });
    const variantId = product.variants[0]!.id;
    const buyers = await Promise.all(Array.from({ length: BURST }, () => newUser(t.db)));
    // Each buyer wants a different quantity, so an order made from another buyer's cart shows.
    for (const [i, buyer] of buyers.entries())
      await t.services.cart.addItem(callerOfUser(buyer), { variantId, quantity: 1 + (i % 7) });
    counter.reset();
    const answers = await Promise.all(
      buyers.map((buyer, i) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/checkout',
          payload: { shipping_address: ADDRESS },
          // Two buyers send the same key: keys are per caller, so both are claimed.
          headers: { ...bearer(buyer.token), 'idempotency-key': i < 2 ? 'same-key' : `burst-${i}` },
        }),
      ),
    );
    expect(countBy(answers.map((answer) => answer.statusCode))).toEqual({ 201: BURST });
    for (const [i, answer] of answers.entries())
      expect(answer.json().orders[0].items[0].quantity, `buyer ${i}`).toBe(1 + (i % 7));
    const claims = statementsLike(/^INSERT INTO idempotency_keys/);
    expect(claims).toBeGreaterThan(0);
    // The embedded database answers each statement before the next request gets that far.
    if (t.db.kind === 'postgres') expect(claims).toBeLessThan(BURST);
  });

  it("stores refused checkouts' answers in fewer statements than requests, each under its own key", async () => {
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 5 }] });
    const variantId = product.variants[0]!.id;
    const buyers = await Promise.all(Array.from({ length: BURST }, () => newUser(t.db)));
    for (const buyer of buyers)
      await t.services.cart.addItem(callerOfUser(buyer), { variantId, quantity: 1 });
    // Sold out after the carts were filled: every checkout is refused, and its refusal stored.
    await t.db.execute(sql`UPDATE stock_levels SET on_hand = 0 WHERE variant_id = ${variantId}`);
    const checkout = (buyer: TestUser) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/checkout',
        payload: { shipping_address: ADDRESS },
        headers: { ...bearer(buyer.token), 'idempotency-key': `sold-out-${buyer.id}` },
      });
    counter.reset();
    const refused = await Promise.all(buyers.map(checkout));
    expect(countBy(refused.map((answer) => answer.statusCode))).toEqual({ 409: BURST });
    const stores = statementsLike(/^WITH w0 AS \(\s*UPDATE idempotency_keys/);
    expect(stores).toBeGreaterThan(0);
    if (t.db.kind === 'postgres') expect(stores).toBeLessThan(BURST);
    // Each retry replays its own request's answer (its request id differs from every other's).
    const replays = await Promise.all(buyers.map(checkout));
    for (const [i, replay] of replays.entries()) {
      expect(replay.statusCode, `buyer ${i}`).toBe(409);
      expect(replay.headers['idempotent-replayed'], `buyer ${i}`).toBe('true');
      expect(replay.body, `buyer ${i}`).toBe(refused[i]!.body);
    }
  });

  it('claims a key asked twice in one statement for its first ask only', async () => {
    const claim = { scope: 'user-1 POST /v1/checkout {}', key: 'twice', requestHash: 'h' };
    const other = { ...claim, key: 'once' };
    expect(await claimKeys(t.db, [claim, claim, other])).toEqual([true, false, true]);
    expect(await claimKeys(t.db, [claim, other])).toEqual([false, false]);
  });

  it('stores three answers in one statement, each under its own key and no other', async () => {
    const scope = 'user-2 POST /v1/checkout {}';
    const claims = ['a', 'b', 'c', 'untouched'].map((key) => ({ scope, key, requestHash: 'h' }));
    expect(await claimKeys(t.db, claims)).toEqual([true, true, true, true]);
    counter.reset();
    await storeAnswers(
      t.db,
      ['a', 'b', 'c'].map((key, i) => ({ scope, key, status: 409, text: `{"n":${i}}` })),
    );
    expect(counter.statements()).toHaveLength(1);
    const rows = await t.db.query<{ key: string; status: string; response_body: string | null }>(
      sql`SELECT key, status, response_body FROM idempotency_keys WHERE scope = ${scope} ORDER BY key`,
    );
    expect(rows.map((row) => [row.key, row.status, row.response_body])).toEqual([
      ['a', 'completed', '{"n":0}'],
      ['b', 'completed', '{"n":1}'],
      ['c', 'completed', '{"n":2}'],
      ['untouched', 'in_progress', null],
    ]);
  });

  it("reads users' and guests' carts in one statement, each holder its own", async () => {
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 100 }] });
    const variantId = product.variants[0]!.id;
    const users = await Promise.all(Array.from({ length: 3 }, () => newUser(t.db)));
    for (const [i, user] of users.entries())
      await t.services.cart.addItem(callerOfUser(user), { variantId, quantity: i + 1 });
    const guests = await Promise.all([1, 2].map(() => t.services.cart.createGuestCart('127.0.0.1')));
    for (const [i, guest] of guests.entries())
      await t.services.cart.addItem(
        { guestTokenHash: hashToken(guest.cartToken) },
        { variantId, quantity: 10 + i },
      );
    const cartless = await newUser(t.db);
    counter.reset();
    const [userCarts, guestCarts, noCart, unknownGuest] = await Promise.all([
      Promise.all(users.map((user) => t.services.cart.contentsOf(callerOfUser(user)))),
      Promise.all(
        guests.map((guest) => t.services.cart.contentsOf({ guestTokenHash: hashToken(guest.cartToken) })),
      ),
      t.services.cart.contentsOf(callerOfUser(cartless)),
      t.services.cart.contentsOf({ guestTokenHash: hashToken('bzr_no_such_cart') }).catch((error) => error),
    ]);
    expect(statementsLike(/FROM carts c/)).toBe(1);
    expect(userCarts.map((cart) => cart.items.map((item) => item.quantity))).toEqual([[1], [2], [3]]);
    expect(guestCarts.map((cart) => cart.items.map((item) => item.quantity))).toEqual([[10], [11]]);
    expect(new Set([...userCarts, ...guestCarts].map((cart) => cart.cartId)).size).toBe(5);
    expect(noCart).toEqual({ cartId: undefined, items: [], promotionCode: null });
    expect(unknownGuest).toMatchObject({ code: 'unauthenticated' });
  });
});
