import type { SQL } from 'drizzle-orm';
import { allAtOnce, type PlannedStatement, type Queryable, sql, sqlArray } from '../../platform/db.js';

export interface CartItemRow {
  id: string;
  variantId: string;
  quantity: number;
}

/** Whose cart: a user's (by id: a Caller will do), or the guest's whose cart token hashes to `guestTokenHash`. */
export type CartHolder = { id: string } | { guestTokenHash: Buffer };

/** A guest cart not used for this long is gone (its token stops working). */
export const GUEST_CART_IDLE_DAYS = 30;

/** The condition picking the holder's cart (alias `c`); a guest's only while it is not idle too long. */
const heldBy = (holder: CartHolder) =>
  'id' in holder
    ? sql`c.user_id = ${holder.id}`
    : sql`c.guest_token_hash = ${holder.guestTokenHash}
        AND c.updated_at > now() - make_interval(days => ${GUEST_CART_IDLE_DAYS})`;

/**
 * The holder's cart id; a user's cart is made on first use, a guest's exists only from
 * `insertGuestCart` (undefined when its token is unknown or idle too long). `lock` holds it until
 * the transaction ends.
 */
export async function ensureCart(
  db: Queryable,
  cartId: string,
  holder: CartHolder,
  lock: boolean,
): Promise<string | undefined> {
  if ('id' in holder)
    await db.execute(
      sql`INSERT INTO carts (id, user_id) VALUES (${cartId}, ${holder.id}) ON CONFLICT (user_id) DO NOTHING`,
    );
  const [row] = await db.query<{ id: string }>(
    lock
      ? sql`SELECT c.id FROM carts c WHERE ${heldBy(holder)} FOR UPDATE`
      : sql`SELECT c.id FROM carts c WHERE ${heldBy(holder)}`,
  );
  return row?.id;
}

export async function insertGuestCart(db: Queryable, cartId: string, tokenHash: Buffer): Promise<void> {
  await db.execute(sql`INSERT INTO carts (id, guest_token_hash) VALUES (${cartId}, ${tokenHash})`);
}

export async function findCartId(db: Queryable, holder: CartHolder): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(sql`SELECT c.id FROM carts c WHERE ${heldBy(holder)}`);
  return row?.id;
}

export async function lockCartOf(db: Queryable, holder: CartHolder): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(
    sql`SELECT c.id FROM carts c WHERE ${heldBy(holder)} FOR UPDATE`,
  );
  return row?.id;
}

/**
 * Locks a live guest cart for merging, with its code; a second sign-in with the same token waits
 * here and then finds nothing, as the first deletes the cart.
 */
export async function lockGuestCart(
  db: Queryable,
  tokenHash: Buffer,
): Promise<{ id: string; promotionCode: string | null } | undefined> {
  const [row] = await db.query<{ id: string; promotionCode: string | null }>(sql`
    SELECT c.id, c.promotion_code AS "promotionCode" FROM carts c
    WHERE ${heldBy({ guestTokenHash: tokenHash })} FOR UPDATE`);
  return row;
}

export async function deleteCart(db: Queryable, cartId: string): Promise<void> {
  await db.execute(sql`DELETE FROM carts WHERE id = ${cartId}`);
}

/** Forgets guest carts idle too long (their tokens stopped working already). */
export async function deleteIdleGuestCarts(db: Queryable): Promise<number> {
  return db.execute(sql`
    DELETE FROM carts WHERE guest_token_hash IS NOT NULL
      AND updated_at <= now() - make_interval(days => ${GUEST_CART_IDLE_DAYS})`);
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
  await db.execute(allAtOnce(clearCartStatements(cartId)));
}

/** What clearCart runs, for a caller that runs it with other statements at once. */
export const clearCartStatements = (cartId: string): SQL[] => [
  sql`DELETE FROM cart_items WHERE cart_id = ${cartId}`,
  sql`UPDATE carts SET updated_at = now() WHERE id = ${cartId}`,
];

/** A cart as checkout reads it: no cartId means the holder has no cart. */
export interface CartContents {
  cartId: string | undefined;
  items: CartItemRow[];
  promotionCode: string | null;
}

/** Locks the holder's cart and reads its lines and code in one round trip. */
export async function lockCartWithItems(db: Queryable, holder: CartHolder): Promise<CartContents> {
  return cartContentsOf(
    await db.query<CartWithItemsRow>(lockedCartStatement(holder), { prepareShapesAs: 'cart_with_items' }),
  );
}

/** What lockCartWithItems runs, for a caller reading it with other reads at once (see readAtOnce). */
export const lockedCartRead = (holder: CartHolder): PlannedStatement<CartContents> => ({
  statement: lockedCartStatement(holder),
  answer: (rows) => cartContentsOf(rows as unknown as CartWithItemsRow[]),
});

interface CartWithItemsRow {
  cartId: string;
  promotionCode: string | null;
  id: string | null;
  variantId: string | null;
  quantity: number | null;
}

const lockedCartStatement = (holder: CartHolder) => sql`
    SELECT c.id AS "cartId", c.promotion_code AS "promotionCode", i.id, i.variant_id AS "variantId", i.quantity
    FROM carts c LEFT JOIN cart_items i ON i.cart_id = c.id
    WHERE ${heldBy(holder)}
    ORDER BY i.added_at, i.id
    FOR UPDATE OF c`;

function cartContentsOf(rows: readonly CartWithItemsRow[]): CartContents {
  const items = rows.flatMap((row) =>
    row.id && row.variantId && row.quantity
      ? [{ id: row.id, variantId: row.variantId, quantity: row.quantity }]
      : [],
  );
  return { cartId: rows[0]?.cartId, items, promotionCode: rows[0]?.promotionCode ?? null };
}

/** Whose cart a batched read answers for: `user:<id>` or `guest:<token hash hex>`. */
export const holderKeyOf = (holder: CartHolder): string =>
  'id' in holder ? `user:${holder.id}` : `guest:${holder.guestTokenHash.toString('hex')}`;

/**
 * Several holders' carts with their lines and codes in one statement, unlocked, by holder key (see
 * holderKeyOf); a holder without a cart has no entry. Written so that its generic plan (prepared)
 * looks every cart and its lines up by index, whatever the tables' statistics: the lateral join's
 * OFFSET 0 keeps PostgreSQL from hashing all cart lines, and updated_at is not compared bare, so
 * no index on it competes.
 */
export async function findCartsWithItems(
  db: Queryable,
  holderKeys: readonly string[],
): Promise<Map<string, CartContents>> {
  const userIds = holderKeys.flatMap((key) => (key.startsWith('user:') ? [key.slice(5)] : []));
  const guestHashes = holderKeys.flatMap((key) => (key.startsWith('guest:') ? [key.slice(6)] : []));
  const rows = await db.query<CartWithItemsRow & { holderKey: string }>(
    sql`
    SELECT CASE WHEN c.user_id IS NOT NULL THEN 'user:' || c.user_id
                ELSE 'guest:' || encode(c.guest_token_hash, 'hex') END AS "holderKey",
           c.id AS "cartId", c.promotion_code AS "promotionCode", i.id, i.variant_id AS "variantId", i.quantity
    FROM carts c
    LEFT JOIN LATERAL (SELECT * FROM cart_items WHERE cart_id = c.id OFFSET 0) i ON true
    WHERE c.user_id = ANY(${sqlArray(userIds)}::text[])
       OR (c.guest_token_hash = ANY(ARRAY(SELECT decode(h, 'hex') FROM unnest(${sqlArray(guestHashes)}::text[]) h))
           AND c.updated_at + make_interval(days => ${GUEST_CART_IDLE_DAYS}) > now())
    ORDER BY c.id, i.added_at, i.id`,
    { prepareAs: 'cart_find_carts_with_items' },
  );
  const byHolder = new Map<string, CartWithItemsRow[]>();
  for (const row of rows) byHolder.set(row.holderKey, [...(byHolder.get(row.holderKey) ?? []), row]);
  return new Map([...byHolder].map(([key, cartRows]) => [key, cartContentsOf(cartRows)]));
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

/** The code the holder's cart holds, in one read. */
export async function setPromotionCode(db: Queryable, cartId: string, code: string | null): Promise<void> {
  await db.execute(sql`UPDATE carts SET promotion_code = ${code}, updated_at = now() WHERE id = ${cartId}`);
}
