import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/db.js';
import { callerOfUser, newUser } from '../../../test/factories/identity.js';
import { newStockedProduct, type StockedProduct } from '../../../test/factories/inventory.js';
import { failureOf } from '../../../test/problem.js';
import { MemoryWindowCounters } from '../../platform/counters.js';
import { type Database, sql } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { catalogCategoryTree, catalogVariantDirectory } from '../catalog/index.js';
import { inventory } from '../inventory/index.js';
import { PromotionsService } from '../promotions/index.js';
import { AddItemBody, ChangeItemBody } from './cart.schemas.js';
import { CartService, MAX_LINE_QUANTITY } from './cart.service.js';

let db: Database;
let cart: CartService;
let shopId: string;

beforeAll(async () => {
  db = (await createTestDatabase()).db;
  cart = new CartService({
    db,
    directory: catalogVariantDirectory,
    currency: 'USD',
    promotions: new PromotionsService({ db, currency: 'USD', categories: catalogCategoryTree }),
    counters: new MemoryWindowCounters(),
  });
  shopId = (await newUser(db, { shop: true })).shopId!;
});
afterAll(async () => {
  await db.close();
});

const newBuyer = async (): Promise<Caller> => callerOfUser(await newUser(db));
const product = (variants: { priceMinor?: number; stock?: number }[]): Promise<StockedProduct> =>
  newStockedProduct(db, { shopId, variants });
const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('adding to the cart', () => {
  it('adds a line at the current price, and adding the same variant again adds to its quantity', async () => {
    const buyer = await newBuyer();
    const { variants } = await product([{ priceMinor: 1250, stock: 10 }, { priceMinor: 300 }]);
    const [a, b] = [variants[0]!.id, variants[1]!.id];
    expect((await cart.view(buyer)).items).toEqual([]);

    await cart.addItem(buyer, { variantId: a, quantity: 2 });
    await cart.addItem(buyer, { variantId: b, quantity: 1 });
    const merged = await cart.addItem(buyer, { variantId: a, quantity: 3 });
    expect(
      merged.items.map((line) => [line.variant_id, line.quantity, line.unit_price, line.line_total]),
    ).toEqual([
      [a, 5, usd(1250), usd(6250)],
      [b, 1, usd(300), usd(300)],
    ]);
    expect(merged.items[0]).toMatchObject({ shop: { id: shopId }, available: 10 });
    expect(merged.subtotal).toEqual(usd(6550));
    expect(await cart.view(buyer)).toEqual(merged);
  });

  it('holds 1 to 99 units a line: the bodies refuse 0 and 100, and a merge beyond 99 is refused', async () => {
    for (const Body of [AddItemBody.omit({ variant_id: true }), ChangeItemBody]) {
      expect(Body.safeParse({ quantity: 0 }).success).toBe(false);
      expect(Body.safeParse({ quantity: 1 }).success).toBe(true);
      expect(Body.safeParse({ quantity: MAX_LINE_QUANTITY }).success).toBe(true);
      expect(Body.safeParse({ quantity: MAX_LINE_QUANTITY + 1 }).success).toBe(false);
    }
    const buyer = await newBuyer();
    const variantId = (await product([{ stock: 500 }])).variants[0]!.id;
    await cart.addItem(buyer, { variantId, quantity: 98 });
    expect((await cart.addItem(buyer, { variantId, quantity: 1 })).items[0]!.quantity).toBe(99);
    const refused = await failureOf(() => cart.addItem(buyer, { variantId, quantity: 1 }));
    expect(refused).toMatchObject({
      status: 422,
      code: 'validation_failed',
      errors: [{ path: '/quantity' }],
    });
    expect((await cart.view(buyer)).items[0]!.quantity).toBe(99);
  });

  it('refuses more than is in stock, counting what the line already holds, and naming the shortage', async () => {
    const buyer = await newBuyer();
    const variantId = (await product([{ stock: 4 }])).variants[0]!.id;
    await cart.addItem(buyer, { variantId, quantity: 3 });
    const refused = await failureOf(() => cart.addItem(buyer, { variantId, quantity: 2 }));
    expect(refused).toMatchObject({
      status: 409,
      code: 'insufficient_stock',
      errors: [{ variant_id: variantId, requested: 5, available: 4 }],
    });
    const line = (await cart.view(buyer)).items[0]!;
    expect(line.quantity).toBe(3);
    expect(await failureOf(() => cart.changeItem(buyer, line.id, 5))).toMatchObject({
      status: 409,
      code: 'insufficient_stock',
    });
    // Lowering a line is always allowed, even below what stock now allows.
    await db.transaction((tx) => inventory.setOnHand(tx, variantId, 1));
    expect((await cart.changeItem(buyer, line.id, 2)).items[0]).toMatchObject({ quantity: 2, available: 1 });
  });

  it('refuses a variant that is not for sale', async () => {
    const buyer = await newBuyer();
    const stocked = await product([{}]);
    await db.execute(sql`UPDATE products SET status = 'archived' WHERE id = ${stocked.id}`);
    expect(
      await failureOf(() => cart.addItem(buyer, { variantId: stocked.variants[0]!.id, quantity: 1 })),
    ).toMatchObject({ status: 422, errors: [{ path: '/variant_id' }] });
    expect(
      await failureOf(() => cart.addItem(buyer, { variantId: 'var_missing', quantity: 1 })),
    ).toMatchObject({ status: 422, errors: [{ path: '/variant_id' }] });
    expect((await cart.view(buyer)).items).toEqual([]);
  });
});

describe('the cart as shown', () => {
  it('shows current prices and stock, not those of when the line was added', async () => {
    const buyer = await newBuyer();
    const variantId = (await product([{ priceMinor: 1000, stock: 6 }])).variants[0]!.id;
    await cart.addItem(buyer, { variantId, quantity: 2 });
    await db.execute(sql`UPDATE variants SET price_minor = 1500 WHERE id = ${variantId}`);
    await db.transaction((tx) => inventory.reserve(tx, [{ variantId, quantity: 1 }], 'chk_other'));
    const shown = await cart.view(buyer);
    expect(shown.items[0]).toMatchObject({ unit_price: usd(1500), line_total: usd(3000), available: 5 });
    expect(shown.subtotal).toEqual(usd(3000));
  });

  it('changes and removes lines of the caller only', async () => {
    const [buyer, other] = [await newBuyer(), await newBuyer()];
    const { variants } = await product([{ priceMinor: 200 }, { priceMinor: 700 }]);
    await cart.addItem(buyer, { variantId: variants[0]!.id, quantity: 1 });
    const both = await cart.addItem(buyer, { variantId: variants[1]!.id, quantity: 1 });
    const [first, second] = both.items;

    expect((await cart.changeItem(buyer, second!.id, 3)).subtotal).toEqual(usd(200 + 2100));
    expect(await failureOf(() => cart.changeItem(other, first!.id, 2))).toMatchObject({ status: 404 });
    expect(await failureOf(() => cart.removeItem(other, first!.id))).toMatchObject({ status: 404 });

    const left = await cart.removeItem(buyer, first!.id);
    expect(left.items.map((line) => line.id)).toEqual([second!.id]);
    expect(left.subtotal).toEqual(usd(2100));
    expect(await failureOf(() => cart.removeItem(buyer, first!.id))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect((await cart.removeItem(buyer, second!.id)).items).toEqual([]);
  });
});
