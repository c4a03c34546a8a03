/**
 * Bulk seeding for the order scenarios: sellers with shops and stocked variants, buyers with a
 * session and a filled cart. Rows go in a few multi-row statements (INSERT … SELECT FROM unnest of
 * array parameters), so tens of thousands of buyers take seconds, not one transaction each.
 */
import { randomBytes } from 'node:crypto';
import { hashToken } from '../src/modules/identity/identity.service.js';
import { inventory, type StockLine } from '../src/modules/inventory/index.js';
import { type Database, type Queryable, sql, sqlArray } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';

/** Bench users hold sessions and never sign in, so their password hash matches no password. */
const NO_PASSWORD = '!bench-user-without-password';
/** Where every bench order ships. */
export const BENCH_ADDRESS = {
  name: 'Bench Buyer',
  line1: '1 Bench Street',
  city: 'Benchville',
  region: 'NY',
  postal_code: '10001',
  country: 'US',
};

/** Rows per statement: large enough to amortise the round trip, small enough to keep memory flat. */
const BATCH = 5000;

export interface SeededShop {
  id: string;
  name: string;
}

export interface Buyer {
  id: string;
  token: string;
}

async function inBatches<T>(items: readonly T[], load: (batch: T[]) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH) await load(items.slice(start, start + BATCH));
}

async function insertUsers(tx: Queryable, ids: readonly string[], label: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO users (id, email, name, password_hash)
    SELECT id, id || '@bench.bazaar', ${label} || ' ' || ordinality, ${NO_PASSWORD}
    FROM unnest(${sqlArray(ids)}::text[]) WITH ORDINALITY AS u(id, ordinality)`);
}

/** Sellers, each with a shop that the catalog lists. */
export async function seedShops(db: Database, count: number): Promise<SeededShop[]> {
  const owners = Array.from({ length: count }, () => newId('usr'));
  const shops = owners.map((_, i) => ({ id: newId('shop'), name: `Bench Shop ${i + 1}` }));
  await db.transaction(async (tx) => {
    await insertUsers(tx, owners, 'Bench Seller');
    await tx.execute(sql`
      WITH shop AS (
        INSERT INTO shops (id, owner_id, name)
        SELECT * FROM unnest(${sqlArray(shops.map((s) => s.id))}::text[], ${sqlArray(owners)}::text[],
                             ${sqlArray(shops.map((s) => s.name))}::text[])
        RETURNING id, name
      )
      INSERT INTO catalog_shops (shop_id, name) SELECT id, name FROM shop`);
  });
  return shops;
}

/**
 * Two shipping options per shop, as a real shop has: standard (flat, free over an amount) and
 * express (per item), both to everywhere, so every checkout prices and picks one per shop.
 */
export async function seedShippingOptions(db: Database, shops: readonly SeededShop[]): Promise<void> {
  const ids = shops.flatMap(() => [newId('so'), newId('so')]);
  const shopIds = shops.flatMap((shop) => [shop.id, shop.id]);
  const names = shops.flatMap(() => ['Standard', 'Express']);
  const rates = shops.flatMap(() => [
    JSON.stringify({ type: 'flat', amount: 495 }),
    JSON.stringify({ type: 'per_item', first: 1200, additional: 300 }),
  ]);
  const freeOver = shops.flatMap(() => [10_000, null]);
  await db.execute(sql`
    INSERT INTO shipping_options (id, shop_id, name, countries, rate, free_over_amount, currency, min_days, max_days)
    SELECT id, shop_id, name, ARRAY['*'], rate::jsonb, free_over, 'USD', 1, 5
    FROM unnest(${sqlArray(ids)}::text[], ${sqlArray(shopIds)}::text[], ${sqlArray(names)}::text[],
                ${sqlArray(rates)}::text[], ${sqlArray(freeOver)}::bigint[])
      AS o(id, shop_id, name, rate, free_over)`);
}

/**
 * Sales tax where the bench buyers live, as a US marketplace has it: the state's rate (shipping
 * taxed too), a category it exempts, and the rates of other states beside them, so every checkout
 * reads and matches rates.
 */
export async function seedTaxRates(db: Database): Promise<void> {
  const rates = [
    ['New York', 'NY', null, 400, true],
    ['New York clothing', 'NY', 'clothing', 0, false],
    ['California', 'CA', null, 725, false],
    ['Texas', 'TX', null, 625, true],
  ] as const;
  await db.execute(sql`
    INSERT INTO tax_rates (id, name, country, region, category, rate_bps, applies_to_shipping)
    SELECT id, name, 'US', region, category, rate_bps, applies_to_shipping
    FROM unnest(${sqlArray(rates.map(() => newId('txr')))}::text[], ${sqlArray(rates.map((r) => r[0]))}::text[],
                ${sqlArray(rates.map((r) => r[1]))}::text[], ${sqlArray(rates.map((r) => r[2]))}::text[],
                ${sqlArray(rates.map((r) => r[3]))}::int[], ${sqlArray(rates.map((r) => r[4]))}::boolean[])
      AS r(id, name, region, category, rate_bps, applies_to_shipping)`);
}

/**
 * Active products of `variantsPerProduct` variants each, `count` variants in all, spread over the
 * shops in turn, every variant with `stock` units on hand. Answers the variant ids in order.
 */
export async function seedVariants(
  db: Database,
  shops: readonly SeededShop[],
  options: { count: number; variantsPerProduct: number; stock: number; priceMinor: number },
): Promise<string[]> {
  const { count, variantsPerProduct, stock, priceMinor } = options;
  const products = Array.from({ length: Math.ceil(count / variantsPerProduct) }, (_, p) => ({
    id: newId('prod'),
    shopId: shops[p % shops.length]!.id,
  }));
  const variants = Array.from({ length: count }, (_, i) => {
    const product = products[Math.floor(i / variantsPerProduct)]!;
    return {
      id: newId('var'),
      productId: product.id,
      shopId: product.shopId,
      position: i % variantsPerProduct,
    };
  });
  const skuPrefix = `B-${randomBytes(3).toString('hex')}-`;
  await db.transaction(async (tx) => {
    await inBatches(products, async (batch) => {
      await tx.execute(sql`
        INSERT INTO products (id, shop_id, title, description, currency, price_from_minor, variant_count)
        SELECT id, shop_id, 'Bench product ' || id, 'A product seeded by the bench.', 'USD', ${priceMinor},
               ${variantsPerProduct}
        FROM unnest(${sqlArray(batch.map((p) => p.id))}::text[], ${sqlArray(batch.map((p) => p.shopId))}::text[])
          AS p(id, shop_id)`);
    });
    await inBatches(variants, async (batch) => {
      await tx.execute(sql`
        INSERT INTO variants (id, product_id, shop_id, sku, title, price_minor, currency, position)
        SELECT id, product_id, shop_id, ${skuPrefix} || id, 'Variant ' || (position + 1), ${priceMinor}, 'USD', position
        FROM unnest(${sqlArray(batch.map((v) => v.id))}::text[], ${sqlArray(batch.map((v) => v.productId))}::text[],
                    ${sqlArray(batch.map((v) => v.shopId))}::text[], ${sqlArray(batch.map((v) => v.position))}::int[])
          AS v(id, product_id, shop_id, position)`);
      await inventory.createStocks(
        tx,
        batch.map((v) => ({ variantId: v.id, quantity: stock })),
        'bench',
      );
    });
  });
  return variants.map((v) => v.id);
}

/** The code every checkout bench cart holds: 10% off, platform-funded, once per buyer. */
export const BENCH_CODE = 'BENCH10';

/**
 * The promotions a marketplace runs while it sells: a platform-funded code (10% off, once per
 * buyer, a usage limit never reached) and an automatic free shipping over 25.00, so a checkout of
 * two lines reserves a use of each. A one-unit flash-sale cart is below the minimum.
 */
export async function seedPromotions(db: Database): Promise<void> {
  await db.execute(sql`
    INSERT INTO promotions (id, code, automatic, type, percent_bps, usage_limit, per_customer_limit, funded_by)
    VALUES (${newId('prm')}, ${BENCH_CODE}, false, 'percentage', 1000, 100000000, 1, 'platform')`);
  await db.execute(sql`
    INSERT INTO promotions (id, automatic, type, min_subtotal, funded_by)
    VALUES (${newId('prm')}, true, 'free_shipping', 2500, 'platform')`);
}

/**
 * One buyer per cart: a user with a live session and a cart holding exactly those lines, and the
 * discount code when one is given.
 */
export async function seedBuyers(
  db: Database,
  carts: readonly (readonly StockLine[])[],
  promotionCode: string | null = null,
): Promise<Buyer[]> {
  const buyers = carts.map((lines) => ({
    id: newId('usr'),
    token: `bzr_${randomBytes(32).toString('base64url')}`,
    cartId: newId('cart'),
    lines,
  }));
  await inBatches(buyers, (batch) =>
    db.transaction(async (tx) => {
      const ids = batch.map((b) => b.id);
      await insertUsers(tx, ids, 'Bench Buyer');
      await tx.execute(sql`
        INSERT INTO sessions (token_hash, user_id)
        SELECT decode(hash, 'hex'), user_id
        FROM unnest(${sqlArray(batch.map((b) => hashToken(b.token).toString('hex')))}::text[], ${sqlArray(ids)}::text[])
          AS s(hash, user_id)`);
      await tx.execute(sql`
        INSERT INTO carts (id, user_id, promotion_code)
        SELECT id, user_id, ${promotionCode}::text
        FROM unnest(${sqlArray(batch.map((b) => b.cartId))}::text[], ${sqlArray(ids)}::text[]) AS c(id, user_id)`);
      const items = batch.flatMap((b) => b.lines.map((line) => ({ cartId: b.cartId, ...line })));
      await tx.execute(sql`
        INSERT INTO cart_items (id, cart_id, variant_id, quantity)
        SELECT * FROM unnest(${sqlArray(items.map(() => newId('ci')))}::text[], ${sqlArray(items.map((i) => i.cartId))}::text[],
                             ${sqlArray(items.map((i) => i.variantId))}::text[], ${sqlArray(items.map((i) => i.quantity))}::int[])`);
    }),
  );
  return buyers.map(({ id, token }) => ({ id, token }));
}
