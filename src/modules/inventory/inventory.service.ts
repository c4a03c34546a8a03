import type { PlannedStatement, Queryable } from '../../platform/db.js';
import type { AppError } from '../../platform/errors.js';
import { inventoryErrors, shortageDetail } from './inventory.errors.js';
import type { StockLine } from './inventory.repo.js';
import * as repo from './inventory.repo.js';

export interface StockLevel {
  variantId: string;
  onHand: number;
  reserved: number;
  /** What buyers can still get: on hand minus reserved by open orders. */
  available: number;
}

const levelOf = (row: repo.StockLevelRow): StockLevel => ({ ...row, available: row.onHand - row.reserved });
const levelsOf = (rows: readonly repo.StockLevelRow[]) =>
  new Map(rows.map((row) => [row.variantId, levelOf(row)]));

/** One line per variant, quantities summed, in variant-id order (the lock order). */
export function normaliseLines(lines: readonly StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.variantId, (totals.get(line.variantId) ?? 0) + line.quantity);
  return [...totals]
    .map(([variantId, quantity]) => ({ variantId, quantity }))
    .sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0));
}

/**
 * Stock of every variant: on hand, reserved by open orders, and the movement log saying why each
 * changed. Every function runs inside the caller's transaction.
 */
export const inventory = {
  async createStock(tx: Queryable, variantId: string, onHand: number, reference: string | null = null) {
    await repo.insertStockLevel(tx, variantId, onHand, reference);
  },

  /** Stock of many new variants at once (bulk loads). */
  async createStocks(tx: Queryable, levels: readonly StockLine[], reference: string | null = null) {
    if (levels.length > 0) await repo.insertStockLevels(tx, levels, reference);
  },

  /** After a bulk load of stock, outside any transaction (see the repo). */
  vacuumAfterBulkLoad: (db: Queryable) => repo.vacuumStock(db),

  /** SQL fragments over stock levels for other modules' statements (see the repo). */
  availableSql: repo.availableSql,
  levelJsonSql: repo.levelJsonSql,

  async levels(db: Queryable, variantIds: readonly string[]): Promise<Map<string, StockLevel>> {
    return levelsOf(await repo.findStockLevels(db, variantIds));
  },

  /** What levels reads, for a caller reading it with other modules' reads at once (see readAtOnce). */
  levelsRead: (variantIds: readonly string[]): PlannedStatement<Map<string, StockLevel>> => ({
    statement: repo.stockLevelsStatement(variantIds),
    answer: (rows) => levelsOf(rows as unknown as repo.StockLevelRow[]),
  }),

  /** Throws insufficient_stock when `levels` (read without locks) are visibly short of the lines. */
  assertCovered(levels: Map<string, StockLevel>, lines: readonly StockLine[]): void {
    const short = normaliseLines(lines)
      .map((line) => ({ ...line, available: levels.get(line.variantId)?.available ?? 0 }))
      .filter((line) => line.available < line.quantity);
    if (short.length > 0) throw shortageOf(short);
  },

  async setOnHand(
    tx: Queryable,
    variantId: string,
    onHand: number,
    reference: string | null = null,
  ): Promise<StockLevel> {
    const row = await repo.setOnHand(tx, variantId, onHand, reference);
    if (row) return levelOf(row);
    const [current] = await repo.findStockLevels(tx, [variantId]);
    if (!current) throw inventoryErrors.error('variant_not_found');
    throw inventoryErrors.error(
      'on_hand_below_reserved',
      `on_hand cannot go below the ${current.reserved} units reserved by open orders.`,
    );
  },

  /** Reserves every line or none: a line short of stock throws insufficient_stock naming all short lines. */
  async reserve(tx: Queryable, lines: readonly StockLine[], reference: string): Promise<void> {
    const wanted = normaliseLines(lines);
    if (wanted.length === 0) return;
    const answered = new Map((await repo.reserveLines(tx, wanted, reference)).map((l) => [l.variantId, l]));
    const short = wanted.filter((line) => !answered.get(line.variantId)?.reserved);
    if (short.length === 0) return;
    throw shortageOf(
      short.map((line) => ({ ...line, available: answered.get(line.variantId)?.available ?? 0 })),
    );
  },

  /** Gives reserved stock back (an order cancelled or expired). */
  release: (tx: Queryable, lines: readonly StockLine[], reference: string) =>
    move(tx, 'release', lines, reference),
  /** Reserved stock leaves the building (an order shipped): on hand and reserved both fall. */
  commit: (tx: Queryable, lines: readonly StockLine[], reference: string) =>
    move(tx, 'commit', lines, reference),
  /** Returned goods go back on the shelf (a refund with restock). */
  restock: (tx: Queryable, lines: readonly StockLine[], reference: string) =>
    move(tx, 'restock', lines, reference),
};

/** insufficient_stock naming every short line, with what is available of each. */
export function shortageOf(short: readonly (StockLine & { available: number })[]): AppError {
  const shortages = short.map((line) => ({
    variant_id: line.variantId,
    requested: line.quantity,
    available: Math.max(0, line.available),
  }));
  return inventoryErrors.error('stock_short', shortageDetail(shortages), shortages);
}

async function move(
  tx: Queryable,
  kind: 'release' | 'commit' | 'restock',
  lines: readonly StockLine[],
  reference: string,
): Promise<void> {
  const normalised = normaliseLines(lines);
  if (normalised.length === 0) return;
  if (normalised.length > 1)
    await repo.lockStockLevels(
      tx,
      normalised.map((l) => l.variantId),
    );
  const moved = await repo.moveStock(tx, kind, normalised, reference);
  if (moved !== normalised.length)
    throw new Error(`stock ${kind} touched ${moved} of ${normalised.length} variants`);
}
