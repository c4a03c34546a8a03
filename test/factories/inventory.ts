import { randomBytes } from 'node:crypto';
import { findShop } from '../../src/modules/identity/identity.repo.js';
import { inventory } from '../../src/modules/inventory/index.js';
import { type Database, sql } from '../../src/platform/db.js';
import { newId } from '../../src/platform/ids.js';

export interface StockedProduct {
  id: string;
  shopId: string;
  title: string;
  variants: { id: string; sku: string; priceMinor: number }[];
}

/**
 * An active product with several variants and their stock, inserted straight into the tables (the
 * shop's catalog projection too), for the tests of what comes after the catalog: carts, orders,
 * payments. Cheaper than the catalog use case, and free to set any stock.
 */
export async function newStockedProduct(
  db: Database,
  options: {
    shopId: string;
    title?: string;
    taxCategory?: string;
    variants?: { priceMinor?: number; stock?: number; weightGrams?: number }[];
  },
): Promise<StockedProduct> {
  const suffix = randomBytes(4).toString('hex');
  const variants = (options.variants ?? [{}]).map((v, position) => ({
    id: newId('var'),
    sku: `SKU-${suffix}-${position}`,
    priceMinor: v.priceMinor ?? 1000,
    stock: v.stock ?? 10,
    weightGrams: v.weightGrams ?? 0,
    position,
  }));
  const productId = newId('prod');
  const title = options.title ?? `Product ${suffix}`;
  const shop = await findShop(db, options.shopId);
  if (!shop) throw new Error(`no shop ${options.shopId}`);
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      INSERT INTO catalog_shops (shop_id, name) VALUES (${options.shopId}, ${shop.name})
      ON CONFLICT (shop_id) DO NOTHING`);
    await tx.execute(sql`
      INSERT INTO products (id, shop_id, title, description, currency, price_from_minor, variant_count, tax_category)
      VALUES (${productId}, ${options.shopId}, ${title}, 'A product made for tests.', 'USD',
              ${Math.min(...variants.map((v) => v.priceMinor))}, ${variants.length}, ${options.taxCategory ?? null})`);
    for (const v of variants) {
      await tx.execute(sql`
        INSERT INTO variants (id, product_id, shop_id, sku, title, price_minor, weight_grams, currency, position)
        VALUES (${v.id}, ${productId}, ${options.shopId}, ${v.sku}, ${`Variant ${v.position + 1}`}, ${v.priceMinor},
                ${v.weightGrams}, 'USD', ${v.position})`);
      await inventory.createStock(tx, v.id, v.stock, productId);
    }
  });
  return {
    id: productId,
    shopId: options.shopId,
    title,
    variants: variants.map(({ id, sku, priceMinor }) => ({ id, sku, priceMinor })),
  };
}

/** on_hand and reserved of a variant. */
export async function stockOf(
  db: Database,
  variantId: string,
): Promise<{ onHand: number; reserved: number }> {
  const level = (await inventory.levels(db, [variantId])).get(variantId);
  if (!level) throw new Error(`no stock level for ${variantId}`);
  return { onHand: level.onHand, reserved: level.reserved };
}
