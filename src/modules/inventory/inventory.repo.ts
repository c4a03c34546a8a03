import type { SQL } from 'drizzle-orm';
import { allAtOnceReturning, type Queryable, sql, sqlArray } from '../../platform/db.js';

export type MovementKind = 'initial' | 'adjustment' | 'reservation' | 'release' | 'commit' | 'restock';

export interface StockLevelRow {
  variantId: string;
  onHand: number;
  reserved: number;
}

export interface StockLine {
  variantId: string;
  quantity: number;
}

const LEVEL_COLUMNS = sql`variant_id AS "variantId", on_hand AS "onHand", reserved`;

export async function insertStockLevel(
  db: Queryable,
  variantId: string,
  onHand: number,
  reference: string | null,
) {
  await db.execute(sql`
    WITH level AS (
      INSERT INTO stock_levels (variant_id, on_hand) VALUES (${variantId}, ${onHand}) RETURNING variant_id
    )
    INSERT INTO stock_movements (variant_id, kind, on_hand_delta, reserved_delta, reference)
    SELECT variant_id, 'initial', ${onHand}, 0, ${reference} FROM level`);
}

/** After bulk loads, outside any transaction: vacuumed and analysed, so autovacuum has nothing left to do. */
export async function vacuumStock(db: Queryable): Promise<void> {
  await db.execute(sql`VACUUM (ANALYZE) stock_levels, stock_movements`);
}

/** Many levels at once (bulk loads), each with its 'initial' movement. */
export async function insertStockLevels(
  db: Queryable,
  levels: readonly StockLine[],
  reference: string | null,
) {
  await db.execute(sql`
    WITH level AS (
      INSERT INTO stock_levels (variant_id, on_hand)
      SELECT * FROM unnest(${sqlArray(levels.map((l) => l.variantId))}::text[], ${sqlArray(levels.map((l) => l.quantity))}::int[])
      RETURNING variant_id, on_hand
    )
    INSERT INTO stock_movements (variant_id, kind, on_hand_delta, reserved_delta, reference)
    SELECT variant_id, 'initial', on_hand, 0, ${reference} FROM level`);
}

/**
 * SQL for other modules' statements, so they read stock live in one statement without naming this
 * module's table. `variantId` is a column of their statement; each is one primary-key lookup.
 */
/** What buyers can still get of the variant: on hand minus reserved (NULL without a stock row). */
export const availableSql = (variantId: SQL): SQL =>
  sql`(SELECT sl.on_hand - sl.reserved FROM stock_levels sl WHERE sl.variant_id = ${variantId})`;

/** The variant's stock as the JSON array [on_hand, reserved] (NULL without a stock row). */
export const levelJsonSql = (variantId: SQL): SQL =>
  sql`(SELECT json_build_array(sl.on_hand, sl.reserved) FROM stock_levels sl WHERE sl.variant_id = ${variantId})`;

export async function findStockLevels(
  db: Queryable,
  variantIds: readonly string[],
): Promise<StockLevelRow[]> {
  if (variantIds.length === 0) return [];
  return db.query<StockLevelRow>(stockLevelsStatement(variantIds));
}

/** What findStockLevels runs (see readAtOnce). */
export const stockLevelsStatement = (variantIds: readonly string[]): SQL =>
  sql`SELECT ${LEVEL_COLUMNS} FROM stock_levels WHERE variant_id = ANY(${sqlArray(variantIds)}::text[])`;

/** Sets the physical quantity unless it would fall below what is reserved. */
export async function setOnHand(
  db: Queryable,
  variantId: string,
  onHand: number,
  reference: string | null,
): Promise<StockLevelRow | undefined> {
  const [row] = await db.query<StockLevelRow>(sql`
    WITH before AS (
      SELECT variant_id, on_hand FROM stock_levels WHERE variant_id = ${variantId} FOR UPDATE
    ), changed AS (
      UPDATE stock_levels s SET on_hand = ${onHand}, updated_at = now()
      FROM before b
      WHERE s.variant_id = b.variant_id AND s.reserved <= ${onHand}
      RETURNING s.variant_id, s.on_hand, s.reserved, s.on_hand - b.on_hand AS delta
    ), logged AS (
      INSERT INTO stock_movements (variant_id, kind, on_hand_delta, reserved_delta, reference)
      SELECT variant_id, 'adjustment', delta, 0, ${reference} FROM changed WHERE delta <> 0
    )
    SELECT variant_id AS "variantId", on_hand AS "onHand", reserved FROM changed`);
  return row;
}

/**
 * Locks the variants' stock rows in variant-id order, so concurrent multi-line changes always
 * take their locks in the same order and never deadlock.
 */
export async function lockStockLevels(db: Queryable, variantIds: readonly string[]): Promise<void> {
  await db.execute(sql`
    SELECT variant_id FROM stock_levels
    WHERE variant_id = ANY(${sqlArray(variantIds)}::text[])
    ORDER BY variant_id
    FOR UPDATE`);
}

const linesTable = (lines: readonly StockLine[]) =>
  sql`unnest(${sqlArray(lines.map((l) => l.variantId))}::text[], ${sqlArray(lines.map((l) => l.quantity))}::int[]) AS line(variant_id, quantity)`;

/** A line's stock as reserveLines left it: whether it was reserved, and what is available now. */
export interface ReservedLine {
  variantId: string;
  reserved: boolean;
  available: number;
}

/**
 * Reserves each line where on_hand - reserved covers it, in one statement: the rows are locked
 * first in variant-id order (so multi-line reservations never deadlock), then each line's check
 * and write are one conditional update (re-checked on the row's latest version when another
 * transaction changed it meanwhile), with its movement logged. Answers every line with a stock row.
 */
export async function reserveLines(
  db: Queryable,
  lines: readonly StockLine[],
  reference: string,
): Promise<ReservedLine[]> {
  return db.query<ReservedLine>(
    sql`
    WITH locked AS MATERIALIZED (
      SELECT variant_id, on_hand - reserved AS available FROM stock_levels
      WHERE variant_id = ANY(${sqlArray(lines.map((l) => l.variantId))}::text[])
      ORDER BY variant_id
      FOR UPDATE
    ), reserved AS (
      UPDATE stock_levels s SET reserved = s.reserved + line.quantity, updated_at = now()
      FROM ${linesTable(lines)}, locked
      WHERE s.variant_id = line.variant_id AND locked.variant_id = line.variant_id
        AND s.on_hand - s.reserved >= line.quantity
      RETURNING s.variant_id, line.quantity
    ), logged AS (
      INSERT INTO stock_movements (variant_id, kind, on_hand_delta, reserved_delta, reference)
      SELECT variant_id, 'reservation', 0, quantity, ${reference} FROM reserved
    )
    SELECT l.variant_id AS "variantId", r.variant_id IS NOT NULL AS reserved,
           l.available - coalesce(r.quantity, 0) AS available
    FROM locked l LEFT JOIN reserved r ON r.variant_id = l.variant_id`,
    { prepareAs: 'inventory_reserve_lines' },
  );
}

/**
 * Moves reserved stock: `release` gives it back (cancel, expiry), `commit` takes it out of the
 * building (shipped), `restock` returns shipped goods to on-hand stock. Answers the lines applied;
 * the CHECK constraints refuse anything that would unbalance a level.
 */
export async function moveStock(
  db: Queryable,
  kind: 'release' | 'commit' | 'restock',
  lines: readonly StockLine[],
  reference: string,
): Promise<number> {
  const onHandSign = kind === 'release' ? 0 : kind === 'commit' ? -1 : 1;
  const reservedSign = kind === 'restock' ? 0 : -1;
  return db.execute(sql`
    WITH moved AS (
      UPDATE stock_levels s
      SET on_hand = s.on_hand + ${onHandSign}::int * line.quantity,
          reserved = s.reserved + ${reservedSign}::int * line.quantity,
          updated_at = now()
      FROM ${linesTable(lines)}
      WHERE s.variant_id = line.variant_id
      RETURNING s.variant_id, line.quantity
    )
    INSERT INTO stock_movements (variant_id, kind, on_hand_delta, reserved_delta, reference)
    SELECT variant_id, ${kind}, ${onHandSign}::int * quantity, ${reservedSign}::int * quantity, ${reference}
    FROM moved`);
}

/** One checkout's ask in a batch of holds of one variant, in arrival order. */
export interface HoldAsk {
  checkoutId: string;
  quantity: number;
}

/** A batch's answer to one ask: whether its units are held, and what buyers have left after the batch. */
export interface HoldGrant {
  granted: boolean;
  unitsLeft: number;
}

/**
 * Holds units of one variant for many checkouts in ONE statement, run on its own (it commits at
 * once, so the hot row is locked only while it runs): the row is locked, the asks are granted in
 * arrival order while units are left (an ask too big is refused, a later smaller one may still
 * fit), and the granted total is added to `reserved` by a conditional update, re-checked on the
 * row's latest version, that the movements and holds written depend on: nothing is held unless
 * the units were reserved. `applied` is false when there was something to grant and the
 * update refused it (nothing was written; the caller asks again).
 */
export async function holdUnits(
  db: Queryable,
  variantId: string,
  asks: readonly HoldAsk[],
  ttlSeconds: number,
): Promise<{ grants: HoldGrant[]; applied: boolean }> {
  const rows = await db.query<{ granted: boolean | null; unitsLeft: number | null; applied: boolean }>(
    sql`
    WITH RECURSIVE asked AS (
      SELECT * FROM unnest(
        ${sqlArray(asks.map((ask) => ask.checkoutId))}::text[],
        ${sqlArray(asks.map((ask) => ask.quantity))}::int[]
      ) WITH ORDINALITY AS a(checkout_id, quantity, seq)
    ), level AS MATERIALIZED (
      SELECT on_hand - reserved AS available FROM stock_levels WHERE variant_id = ${variantId} FOR UPDATE
    ), walk AS (
      SELECT 0::bigint AS seq, (SELECT available FROM level) AS units_left, false AS granted
      UNION ALL
      SELECT a.seq,
             CASE WHEN a.quantity <= w.units_left THEN w.units_left - a.quantity ELSE w.units_left END,
             coalesce(a.quantity <= w.units_left, false)
      FROM walk w JOIN asked a ON a.seq = w.seq + 1
    ), grants AS MATERIALIZED (
      SELECT a.checkout_id, a.quantity FROM walk w JOIN asked a ON a.seq = w.seq WHERE w.granted
    ), reserved AS (
      UPDATE stock_levels s SET reserved = s.reserved + g.total, updated_at = now()
      FROM (SELECT sum(quantity)::int AS total FROM grants) g
      WHERE s.variant_id = ${variantId} AND g.total > 0 AND s.on_hand - s.reserved >= g.total
      RETURNING s.variant_id
    ), logged AS (
      INSERT INTO stock_movements (variant_id, kind, on_hand_delta, reserved_delta, reference)
      SELECT ${variantId}, 'reservation', 0, g.quantity, g.checkout_id FROM grants g, reserved
    ), held AS (
      INSERT INTO stock_holds (checkout_id, variant_id, quantity, expires_at)
      SELECT g.checkout_id, ${variantId}, g.quantity, now() + make_interval(secs => ${ttlSeconds})
      FROM grants g, reserved
    )
    SELECT w.granted, (SELECT units_left FROM walk ORDER BY seq DESC LIMIT 1) AS "unitsLeft",
           EXISTS (SELECT 1 FROM reserved) OR NOT EXISTS (SELECT 1 FROM grants) AS applied
    FROM walk w WHERE w.seq > 0 ORDER BY w.seq`,
    { prepareAs: 'inventory_hold_units' },
  );
  const applied = rows.every((row) => row.applied);
  return {
    applied,
    grants: rows.map((row) => ({ granted: applied && row.granted === true, unitsLeft: row.unitsLeft ?? 0 })),
  };
}

/**
 * Deletes a checkout's holds in its transaction, turning the units into its orders' reservations
 * (`reserved` already counts them). Answers the lines deleted; another transaction releasing the
 * same holds (expiry) waits for this one, or this one finds them gone. The caller's `alongside`
 * writes run in the same statement (see allAtOnce).
 */
export async function takeHolds(
  db: Queryable,
  checkoutId: string,
  alongside: readonly SQL[] = [],
): Promise<StockLine[]> {
  return db.query<StockLine>(
    allAtOnceReturning(
      alongside,
      sql`DELETE FROM stock_holds WHERE checkout_id = ${checkoutId} RETURNING variant_id AS "variantId", quantity`,
    ),
    { prepareShapesAs: 'inventory_take_holds' },
  );
}

/**
 * Gives held units back: the holds of one checkout, or every hold expired by `expiredBy`. The
 * holds are deleted first and only what was deleted is released, so two releases of one hold (or
 * a release racing the checkout that takes it) give its units back once at most. Stock rows are
 * locked in variant-id order, as every multi-row stock change takes them.
 */
export async function releaseHolds(
  db: Queryable,
  which: { checkoutId: string } | { expiredBy: Date },
): Promise<number> {
  const chosen =
    'checkoutId' in which
      ? sql`checkout_id = ${which.checkoutId}`
      : sql`expires_at <= ${which.expiredBy.toISOString()}::timestamptz`;
  return db.execute(sql`
    WITH freed AS MATERIALIZED (
      DELETE FROM stock_holds WHERE ${chosen} RETURNING checkout_id, variant_id, quantity
    ), locked AS MATERIALIZED (
      SELECT variant_id FROM stock_levels WHERE variant_id IN (SELECT variant_id FROM freed)
      ORDER BY variant_id FOR UPDATE
    ), released AS (
      UPDATE stock_levels s SET reserved = s.reserved - f.quantity, updated_at = now()
      FROM (SELECT variant_id, sum(quantity)::int AS quantity FROM freed GROUP BY variant_id) f, locked
      WHERE s.variant_id = f.variant_id AND locked.variant_id = f.variant_id
    )
    INSERT INTO stock_movements (variant_id, kind, on_hand_delta, reserved_delta, reference)
    SELECT variant_id, 'release', 0, -quantity, checkout_id FROM freed`);
}
