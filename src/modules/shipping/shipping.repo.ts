import type { SQL } from 'drizzle-orm';
import { type PlannedStatement, type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { ShippingOptionRule, ShippingRate } from '../pricing/index.js';

export interface AddressRow {
  id: string;
  userId: string;
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  phone: string | null;
  isDefault: boolean;
}

export type AddressFieldsRow = Omit<AddressRow, 'id' | 'userId' | 'isDefault'>;

const ADDRESS_COLUMNS = sql`id, user_id AS "userId", name, line1, line2, city, region, postal_code AS "postalCode",
  country, phone, is_default AS "isDefault"`;

export async function listAddresses(db: Queryable, userId: string): Promise<AddressRow[]> {
  return db.query<AddressRow>(
    sql`SELECT ${ADDRESS_COLUMNS} FROM addresses WHERE user_id = ${userId} ORDER BY created_at, id`,
  );
}

export async function findAddress(
  db: Queryable,
  userId: string,
  id: string,
): Promise<AddressRow | undefined> {
  const [row] = await db.query<AddressRow>(
    sql`SELECT ${ADDRESS_COLUMNS} FROM addresses WHERE id = ${id} AND user_id = ${userId}`,
  );
  return row;
}

/** How many addresses the user has, holding the user's book (its rows) until the transaction ends. */
export async function lockAddressBook(db: Queryable, userId: string): Promise<number> {
  const rows = await db.query<{ id: string }>(
    sql`SELECT id FROM addresses WHERE user_id = ${userId} FOR UPDATE`,
  );
  return rows.length;
}

/** No address of the user is the default any more (before another one becomes it). */
export async function clearDefault(db: Queryable, userId: string): Promise<void> {
  await db.execute(sql`UPDATE addresses SET is_default = false WHERE user_id = ${userId} AND is_default`);
}

export async function insertAddress(db: Queryable, row: AddressRow): Promise<AddressRow> {
  const [inserted] = await db.query<AddressRow>(sql`
    INSERT INTO addresses (id, user_id, name, line1, line2, city, region, postal_code, country, phone, is_default)
    VALUES (${row.id}, ${row.userId}, ${row.name}, ${row.line1}, ${row.line2}, ${row.city}, ${row.region},
            ${row.postalCode}, ${row.country}, ${row.phone}, ${row.isDefault})
    RETURNING ${ADDRESS_COLUMNS}`);
  return inserted!;
}

export async function updateAddress(db: Queryable, row: AddressRow): Promise<AddressRow | undefined> {
  const [updated] = await db.query<AddressRow>(sql`
    UPDATE addresses SET name = ${row.name}, line1 = ${row.line1}, line2 = ${row.line2}, city = ${row.city},
      region = ${row.region}, postal_code = ${row.postalCode}, country = ${row.country}, phone = ${row.phone},
      is_default = ${row.isDefault}, updated_at = now()
    WHERE id = ${row.id} AND user_id = ${row.userId}
    RETURNING ${ADDRESS_COLUMNS}`);
  return updated;
}

export async function deleteAddress(
  db: Queryable,
  userId: string,
  id: string,
): Promise<AddressRow | undefined> {
  const [deleted] = await db.query<AddressRow>(
    sql`DELETE FROM addresses WHERE id = ${id} AND user_id = ${userId} RETURNING ${ADDRESS_COLUMNS}`,
  );
  return deleted;
}

/** The user's oldest address becomes the default (the default was deleted). */
export async function promoteOldest(db: Queryable, userId: string): Promise<void> {
  await db.execute(sql`
    UPDATE addresses SET is_default = true
    WHERE id = (SELECT id FROM addresses WHERE user_id = ${userId} ORDER BY created_at, id LIMIT 1)`);
}

/** The rate as stored: amounts in minor units, snake_case like the API. */
type StoredRate =
  | { type: 'flat'; amount: number }
  | { type: 'per_item'; first: number; additional: number }
  | { type: 'weight'; tiers: { up_to_grams: number; amount: number }[] };

const fromStored = (rate: StoredRate): ShippingRate => {
  switch (rate.type) {
    case 'flat':
      return { type: 'flat', amountMinor: rate.amount };
    case 'per_item':
      return { type: 'per_item', firstMinor: rate.first, additionalMinor: rate.additional };
    case 'weight':
      return {
        type: 'weight',
        tiers: rate.tiers.map((tier) => ({ upToGrams: tier.up_to_grams, amountMinor: tier.amount })),
      };
  }
};

const toStored = (rate: ShippingRate): StoredRate => {
  switch (rate.type) {
    case 'flat':
      return { type: 'flat', amount: rate.amountMinor };
    case 'per_item':
      return { type: 'per_item', first: rate.firstMinor, additional: rate.additionalMinor };
    case 'weight':
      return {
        type: 'weight',
        tiers: rate.tiers.map((tier) => ({ up_to_grams: tier.upToGrams, amount: tier.amountMinor })),
      };
  }
};

export interface ShippingOptionRow extends ShippingOptionRule {
  currency: string;
}

const OPTION_COLUMNS = sql`id, shop_id AS "shopId", name, countries, rate, free_over_amount AS "freeOverMinor",
  currency, min_days AS "minDays", max_days AS "maxDays", active`;

type StoredOptionRow = Omit<ShippingOptionRow, 'rate'> & { rate: StoredRate };

const optionOf = (row: StoredOptionRow): ShippingOptionRow => ({
  ...row,
  freeOverMinor: row.freeOverMinor === null ? null : Number(row.freeOverMinor),
  rate: fromStored(row.rate),
});

export async function listOptions(
  db: Queryable,
  shopIds: readonly string[],
  onlyActive: boolean,
): Promise<ShippingOptionRow[]> {
  if (shopIds.length === 0) return [];
  const active = onlyActive ? sql` AND active` : sql``;
  const rows = await db.query<StoredOptionRow>(
    sql`SELECT ${OPTION_COLUMNS} FROM shipping_options
        WHERE shop_id = ANY(${sqlArray(shopIds)}::text[])${active} ORDER BY created_at, id`,
    { prepareAs: onlyActive ? 'shipping_active_options' : 'shipping_all_options' },
  );
  return rows.map(optionOf);
}

/** The active options of the shops `shops` (a subquery) selects, for reading at once with others. */
export function activeOptionsRead(shops: SQL): PlannedStatement<ShippingOptionRow[]> {
  return {
    statement: sql`SELECT ${OPTION_COLUMNS} FROM shipping_options
      WHERE shop_id IN (${shops}) AND active ORDER BY created_at, id`,
    // Every column is text, a number, an array or the stored rate's JSON: its JSON is the row.
    answer: (rows) => (rows as unknown as StoredOptionRow[]).map(optionOf),
  };
}

export async function findOption(
  db: Queryable,
  shopId: string,
  id: string,
): Promise<ShippingOptionRow | undefined> {
  const [row] = await db.query<StoredOptionRow>(
    sql`SELECT ${OPTION_COLUMNS} FROM shipping_options WHERE id = ${id} AND shop_id = ${shopId} FOR UPDATE`,
  );
  return row && optionOf(row);
}

export async function countOptions(db: Queryable, shopId: string): Promise<number> {
  const [row] = await db.query<{ count: number }>(
    sql`SELECT count(*)::int AS count FROM shipping_options WHERE shop_id = ${shopId}`,
  );
  return row!.count;
}

export async function upsertOption(db: Queryable, option: ShippingOptionRow): Promise<ShippingOptionRow> {
  const [row] = await db.query<StoredOptionRow>(sql`
    INSERT INTO shipping_options (id, shop_id, name, countries, rate, free_over_amount, currency, min_days, max_days, active)
    VALUES (${option.id}, ${option.shopId}, ${option.name}, ${sqlArray(option.countries)}::text[],
            ${JSON.stringify(toStored(option.rate))}::jsonb, ${option.freeOverMinor}, ${option.currency},
            ${option.minDays}, ${option.maxDays}, ${option.active})
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, countries = excluded.countries, rate = excluded.rate,
      free_over_amount = excluded.free_over_amount, min_days = excluded.min_days, max_days = excluded.max_days,
      active = excluded.active, updated_at = now()
    WHERE shipping_options.shop_id = excluded.shop_id
    RETURNING ${OPTION_COLUMNS}`);
  return optionOf(row!);
}

export async function deleteOption(db: Queryable, shopId: string, id: string): Promise<boolean> {
  return (await db.execute(sql`DELETE FROM shipping_options WHERE id = ${id} AND shop_id = ${shopId}`)) > 0;
}
