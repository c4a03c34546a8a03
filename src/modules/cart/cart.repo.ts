import { type Queryable, sql } from '../../platform/db.js';

export interface CartItemRow {
  id: string;
  variantId: string;
  quantity: number;
}

/** The user's cart id, creating the cart on first use; `lock` holds it until the transaction ends. */
export async function ensureCart(
  db: Queryable,
  cartId: string,
  userId: string,
  lock: boolean,
): Promise<string> {
  await db.execute(
    sql`INSERT INTO carts (id, user_id) VALUES (${cartId}, ${userId}) ON CONFLICT (user_id) DO NOTHING`,
  );
  const [row] = await db.query<{ id: string }>(
    lock
      ? sql`SELECT id FROM carts WHERE user_id = ${userId} FOR UPDATE`
      : sql`SELECT id FROM carts WHERE user_id = ${userId}`,
  );
  return row!.id;
}

export async function findCartId(db: Queryable, userId: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(sql`SELECT id FROM carts WHERE user_id = ${userId}`);
  return row?.id;
}

export async function lockCartOf(db: Queryable, userId: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(
    sql`SELECT id FROM carts WHERE user_id = ${userId} FOR UPDATE`,
  );
  return row?.id;
}

export async function findItems(db: Queryable, cartId: string): Promise<CartItemRow[]> {
  return db.query<CartItemRow>(sql`
    SELECT id, variant_id AS "variantId", quantity FROM cart_items
    WHERE cart_id = ${cartId} ORDER BY added_at, id`);
}

export async function upsertItem(
  db: Queryable,
  item: { id: string; cartId: string; variantId: string; quantity: number },
) {
  await db.execute(sql`
    INSERT INTO cart_items (id, cart_id, variant_id, quantity)
    VALUES (${item.id}, ${item.cartId}, ${item.variantId}, ${item.quantity})
    ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = excluded.quantity`);
}

export async function setItemQuantity(db: Queryable, cartId: string, itemId: string, quantity: number) {
  return db.execute(
    sql`UPDATE cart_items SET quantity = ${quantity} WHERE cart_id = ${cartId} AND id = ${itemId}`,
  );
}

export async function deleteItem(db: Queryable, cartId: string, itemId: string): Promise<number> {
  return db.execute(sql`DELETE FROM cart_items WHERE cart_id = ${cartId} AND id = ${itemId}`);
}

export async function clearCart(db: Queryable, cartId: string): Promise<void> {
  await db.execute(sql`
    WITH cleared AS (DELETE FROM cart_items WHERE cart_id = ${cartId})
    UPDATE carts SET updated_at = now() WHERE id = ${cartId}`);
}

/** Locks the user's cart and reads its lines and code in one round trip; no row means no cart. */
export async function lockCartWithItems(
  db: Queryable,
  userId: string,
): Promise<{ cartId: string | undefined; items: CartItemRow[]; promotionCode: string | null }> {
  const rows = await db.query<{
    cartId: string;
    promotionCode: string | null;
    id: string | null;
    variantId: string | null;
    quantity: number | null;
  }>(sql`
    SELECT c.id AS "cartId", c.promotion_code AS "promotionCode", i.id, i.variant_id AS "variantId", i.quantity
    FROM carts c LEFT JOIN cart_items i ON i.cart_id = c.id
    WHERE c.user_id = ${userId}
    ORDER BY i.added_at, i.id
    FOR UPDATE OF c`);
  const items = rows.flatMap((row) =>
    row.id && row.variantId && row.quantity
      ? [{ id: row.id, variantId: row.variantId, quantity: row.quantity }]
      : [],
  );
  return { cartId: rows[0]?.cartId, items, promotionCode: rows[0]?.promotionCode ?? null };
}

export async function touchCart(db: Queryable, cartId: string): Promise<void> {
  await db.execute(sql`UPDATE carts SET updated_at = now() WHERE id = ${cartId}`);
}

/** The one promotion code a cart holds, as the buyer typed it. */
export async function findPromotionCode(db: Queryable, cartId: string): Promise<string | null> {
  const [row] = await db.query<{ code: string | null }>(
    sql`SELECT promotion_code AS code FROM carts WHERE id = ${cartId}`,
  );
  return row?.code ?? null;
}

/** The code a user's cart holds, in one read. */
export async function findPromotionCodeOfUser(db: Queryable, userId: string): Promise<string | null> {
  const [row] = await db.query<{ code: string | null }>(
    sql`SELECT promotion_code AS code FROM carts WHERE user_id = ${userId}`,
  );
  return row?.code ?? null;
}

export async function setPromotionCode(db: Queryable, cartId: string, code: string | null): Promise<void> {
  await db.execute(sql`UPDATE carts SET promotion_code = ${code}, updated_at = now() WHERE id = ${cartId}`);
}
