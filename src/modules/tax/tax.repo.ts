import { type PlannedStatement, type Queryable, sql } from '../../platform/db.js';
import type { TaxRateRule } from './tax.compute.js';

export interface TaxRateRow extends TaxRateRule {
  name: string;
  createdAt: Date;
}

const RATE_COLUMNS = sql`id, name, country, region, category, rate_bps AS "rateBps",
  applies_to_shipping AS "appliesToShipping", created_at AS "createdAt"`;

export interface TaxRateFields {
  name: string;
  country: string;
  region: string | null;
  category: string | null;
  rateBps: number;
  appliesToShipping: boolean;
}

export async function listRates(db: Queryable): Promise<TaxRateRow[]> {
  return db.query<TaxRateRow>(
    sql`SELECT ${RATE_COLUMNS} FROM tax_rates ORDER BY country, region NULLS FIRST, category NULLS FIRST, id`,
  );
}

/** The rates of one country: all that can match an address there. */
export async function ratesOfCountry(db: Queryable, country: string): Promise<TaxRateRow[]> {
  return db.query<TaxRateRow>(sql`SELECT ${RATE_COLUMNS} FROM tax_rates WHERE country = ${country}`, {
    prepareAs: 'tax_rates_of_country',
  });
}

/** ratesOfCountry's read, for reading at once with others. */
export function ratesOfCountryRead(country: string): PlannedStatement<TaxRateRow[]> {
  return {
    statement: sql`SELECT ${RATE_COLUMNS} FROM tax_rates WHERE country = ${country}`,
    answer: (rows) =>
      rows.map((row) => ({
        ...(row as unknown as TaxRateRow),
        createdAt: new Date(row.createdAt as string),
      })),
  };
}

export async function insertRate(db: Queryable, id: string, rate: TaxRateFields): Promise<TaxRateRow> {
  const [row] = await db.query<TaxRateRow>(sql`
    INSERT INTO tax_rates (id, name, country, region, category, rate_bps, applies_to_shipping)
    VALUES (${id}, ${rate.name}, ${rate.country}, ${rate.region}, ${rate.category}, ${rate.rateBps},
      ${rate.appliesToShipping})
    RETURNING ${RATE_COLUMNS}`);
  return row!;
}

export async function updateRate(
  db: Queryable,
  id: string,
  changes: Partial<TaxRateFields>,
): Promise<TaxRateRow | undefined> {
  const keep = (field: keyof TaxRateFields) => changes[field] === undefined;
  const [row] = await db.query<TaxRateRow>(sql`
    UPDATE tax_rates SET
      name = CASE WHEN ${keep('name')} THEN name ELSE ${changes.name ?? null} END,
      country = CASE WHEN ${keep('country')} THEN country ELSE ${changes.country ?? null} END,
      region = CASE WHEN ${keep('region')} THEN region ELSE ${changes.region ?? null} END,
      category = CASE WHEN ${keep('category')} THEN category ELSE ${changes.category ?? null} END,
      rate_bps = CASE WHEN ${keep('rateBps')} THEN rate_bps ELSE ${changes.rateBps ?? null}::int END,
      applies_to_shipping = CASE WHEN ${keep('appliesToShipping')} THEN applies_to_shipping
        ELSE ${changes.appliesToShipping ?? null}::boolean END,
      updated_at = now()
    WHERE id = ${id}
    RETURNING ${RATE_COLUMNS}`);
  return row;
}

/** The rate as it is before a change, its row locked until the transaction ends. */
export async function lockRate(db: Queryable, id: string): Promise<TaxRateRow | undefined> {
  const [row] = await db.query<TaxRateRow>(
    sql`SELECT ${RATE_COLUMNS} FROM tax_rates WHERE id = ${id} FOR UPDATE`,
  );
  return row;
}

/** The deleted rate, or undefined when there was none. */
export async function deleteRate(db: Queryable, id: string): Promise<TaxRateRow | undefined> {
  const [row] = await db.query<TaxRateRow>(
    sql`DELETE FROM tax_rates WHERE id = ${id} RETURNING ${RATE_COLUMNS}`,
  );
  return row;
}
