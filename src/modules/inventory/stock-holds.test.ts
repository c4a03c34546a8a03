import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/db.js';
import { type Database, sql } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import {
  HeldStockStale,
  HOT_AT_ONCE,
  inventory,
  releaseExpiredHolds,
  StockHolds,
  takeHolds,
} from './index.js';

let db: Database;

beforeAll(async () => {
  db = (await createTestDatabase()).db;
});
afterAll(async () => {
  await db.close();
});

async function stocked(onHand: number): Promise<string> {
  const variantId = newId('var');
  await inventory.createStock(db, variantId, onHand, 'test');
  return variantId;
}

const reservedOf = async (variantId: string) =>
  (await inventory.levels(db, [variantId])).get(variantId)!.reserved;

const holdsOf = (variantId: string) =>
  db.query<{ checkoutId: string; quantity: number }>(sql`
    SELECT checkout_id AS "checkoutId", quantity FROM stock_holds
    WHERE variant_id = ${variantId} ORDER BY checkout_id`);

/** The movement log's net reservation of the variant: it always equals `reserved`. */
const loggedReserved = async (variantId: string) => {
  const [row] = await db.query<{ net: number }>(sql`
    SELECT coalesce(sum(reserved_delta), 0)::int AS net FROM stock_movements WHERE variant_id = ${variantId}`);
  return row!.net;
};

/** A batcher with group commit on; `window` as BAZAAR_GROUP_COMMIT_WINDOW_MS. */
const batcher = (windowMs = 0) => new StockHolds(db, { enabled: true, windowMs });

/** Checkouts of the process reserving the variants at once, as many as make them hot. */
function contend(holds: StockHolds, variantIds: string[]): void {
  const leaving = Array.from({ length: HOT_AT_ONCE }, () => holds.enter(variantIds));
  for (const leave of leaving) leave();
}

const outcome = (promise: Promise<void>) =>
  promise.then(
    () => 'held',
    (error: { code?: string; errors?: unknown }) => ({ code: error.code, errors: error.errors }),
  );

describe('holding hot stock in batches', () => {
  it('grants the asks of one batch in arrival order while units last, a later smaller ask still fitting', async () => {
    const variantId = await stocked(5);
    const holds = batcher();
    const asks = [
      ['chk_a', 3],
      ['chk_b', 3],
      ['chk_c', 2],
      ['chk_d', 1],
    ] as const;
    // Asked in one turn of the event loop: one batch, one statement.
    const outcomes = await Promise.all(
      asks.map(([checkoutId, quantity]) => outcome(holds.hold(checkoutId, [{ variantId, quantity }]))),
    );
    const refused = { code: 'insufficient_stock', errors: [expect.objectContaining({ available: 0 })] };
    expect(outcomes).toEqual(['held', refused, 'held', refused]);
    expect(holds.counts).toEqual({ batches: 1, asks: 4 });
    expect(await reservedOf(variantId)).toBe(5);
    expect(await holdsOf(variantId)).toEqual([
      { checkoutId: 'chk_a', quantity: 3 },
      { checkoutId: 'chk_c', quantity: 2 },
    ]);
    expect(await loggedReserved(variantId)).toBe(5);
  });

  it('holds all of a checkout’s lines or none: a short line gives the others back', async () => {
    const [plenty, scarce] = [await stocked(5), await stocked(1)];
    const holds = batcher();
    await holds.hold('chk_first', [{ variantId: scarce, quantity: 1 }]);
    await expect(
      holds.hold('chk_second', [
        { variantId: plenty, quantity: 2 },
        { variantId: scarce, quantity: 1 },
      ]),
    ).rejects.toMatchObject({
      code: 'insufficient_stock',
      errors: [{ variant_id: scarce, requested: 1, available: 0 }],
    });
    expect(await reservedOf(plenty)).toBe(0);
    expect(await holdsOf(plenty)).toEqual([]);
    expect(await loggedReserved(plenty)).toBe(0);
    expect(await reservedOf(scarce)).toBe(1);
  });

  it('never mixes variants in a batch: asks for two variants in one turn are two statements', async () => {
    const [a, b] = [await stocked(3), await stocked(3)];
    const holds = batcher();
    await Promise.all([
      holds.hold('chk_1', [{ variantId: a, quantity: 1 }]),
      holds.hold('chk_2', [{ variantId: b, quantity: 1 }]),
      holds.hold('chk_3', [{ variantId: a, quantity: 1 }]),
    ]);
    expect(holds.counts).toEqual({ batches: 2, asks: 3 });
  });

  it('gathers a hot variant’s asks for the window, and never waits for it without contention', async () => {
    const variantId = await stocked(10);
    // Cold: a window far longer than the test's timeout would fail it if it were waited.
    const cold = new StockHolds(db, { enabled: true, windowMs: 60_000 });
    await cold.hold('chk_cold', [{ variantId, quantity: 1 }]);

    const hot = batcher(100);
    contend(hot, [variantId]);
    const first = hot.hold('chk_hot_1', [{ variantId, quantity: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = hot.hold('chk_hot_2', [{ variantId, quantity: 1 }]);
    await Promise.all([first, second]);
    expect(hot.counts).toEqual({ batches: 1, asks: 2 });
  });

  it('has checkouts read their carts first in a burst or while a variant is hot, not otherwise', () => {
    const holds = batcher();
    const ends = Array.from({ length: 64 }, () => holds.checkoutStarted());
    expect(holds.readsCartFirst()).toBe(false);
    const burst = holds.checkoutStarted();
    expect(holds.readsCartFirst()).toBe(true);
    burst();
    burst();
    expect(holds.readsCartFirst()).toBe(false);
    contend(holds, ['var_hot']);
    expect(holds.readsCartFirst()).toBe(true);
    for (const end of ends) end();
    const off = new StockHolds(db, { enabled: false, windowMs: 2 });
    for (let i = 0; i < 100; i++) off.checkoutStarted();
    expect(off.readsCartFirst()).toBe(false);
  });

  it('makes a variant hot when that many checkouts reserve it at once, never with group commit off', () => {
    const holds = batcher();
    const leaving = Array.from({ length: HOT_AT_ONCE - 1 }, () => holds.enter(['var_x']));
    expect(holds.anyHot()).toBe(false);
    leaving.push(holds.enter(['var_x']));
    expect(holds.isHot(['var_x'])).toBe(true);
    for (const leave of leaving) leave();

    const off = new StockHolds(db, { enabled: false, windowMs: 2 });
    for (let i = 0; i < HOT_AT_ONCE; i++) off.enter(['var_x']);
    expect(off.anyHot()).toBe(false);
    expect(off.isHot(['var_x'])).toBe(false);
  });
});

describe('taking and releasing holds', () => {
  it('takes a checkout’s holds in its transaction, its units staying reserved for its orders', async () => {
    const variantId = await stocked(4);
    await batcher().hold('chk_take', [{ variantId, quantity: 2 }]);
    await db.transaction((tx) => takeHolds(tx, 'chk_take', [{ variantId, quantity: 2 }]));
    expect(await holdsOf(variantId)).toEqual([]);
    expect(await reservedOf(variantId)).toBe(2);
  });

  it('finds holds that stopped matching the checkout stale, and leaves them for its release', async () => {
    const variantId = await stocked(4);
    const holds = batcher();
    await holds.hold('chk_stale', [{ variantId, quantity: 2 }]);
    await expect(
      db.transaction((tx) => takeHolds(tx, 'chk_stale', [{ variantId, quantity: 3 }])),
    ).rejects.toBeInstanceOf(HeldStockStale);
    expect(await holdsOf(variantId)).toEqual([{ checkoutId: 'chk_stale', quantity: 2 }]);
    await holds.release('chk_stale');
    await holds.release('chk_stale');
    expect(await reservedOf(variantId)).toBe(0);
    expect(await loggedReserved(variantId)).toBe(0);
  });

  it('releases expired holds once when releases race, and never a live one', async () => {
    const variantId = await stocked(6);
    const holds = batcher();
    await holds.hold('chk_dead', [{ variantId, quantity: 2 }]);
    await holds.hold('chk_live', [{ variantId, quantity: 1 }]);
    await db.execute(
      sql`UPDATE stock_holds SET expires_at = now() - interval '1 second' WHERE checkout_id = 'chk_dead'`,
    );
    const released = await Promise.all([releaseExpiredHolds(db), releaseExpiredHolds(db)]);
    expect(released.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await reservedOf(variantId)).toBe(1);
    expect(await holdsOf(variantId)).toEqual([{ checkoutId: 'chk_live', quantity: 1 }]);
    expect(await loggedReserved(variantId)).toBe(1);
  });
});
