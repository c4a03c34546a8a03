import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/db.js';
import { failureOf } from '../../../test/problem.js';
import { type Database, readAtOnce, sql } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { inventory } from './index.js';

let db: Database;

beforeAll(async () => {
  db = (await createTestDatabase()).db;
});
afterAll(async () => {
  await db.close();
});

/** A variant id with `onHand` units of stock of its own. */
async function stocked(onHand: number): Promise<string> {
  const variantId = newId('var');
  await inventory.createStock(db, variantId, onHand, 'test');
  return variantId;
}

const levelOf = async (variantId: string) => {
  const level = (await inventory.levels(db, [variantId])).get(variantId);
  return level && { onHand: level.onHand, reserved: level.reserved, available: level.available };
};

const movementsOf = (variantId: string) =>
  db.query<{ kind: string; onHandDelta: number; reservedDelta: number; reference: string | null }>(sql`
    SELECT kind, on_hand_delta AS "onHandDelta", reserved_delta AS "reservedDelta", reference
    FROM stock_movements WHERE variant_id = ${variantId} ORDER BY id`);

describe('reserving stock', () => {
  it('reserves every line, summing lines of one variant, and logs one reservation movement per variant', async () => {
    const [a, b] = [await stocked(5), await stocked(3)];
    await db.transaction((tx) =>
      inventory.reserve(
        tx,
        [
          { variantId: a, quantity: 2 },
          { variantId: b, quantity: 3 },
          { variantId: a, quantity: 1 },
        ],
        'chk_1',
      ),
    );
    expect(await levelOf(a)).toEqual({ onHand: 5, reserved: 3, available: 2 });
    expect(await levelOf(b)).toEqual({ onHand: 3, reserved: 3, available: 0 });
    expect(await movementsOf(a)).toEqual([
      { kind: 'initial', onHandDelta: 5, reservedDelta: 0, reference: 'test' },
      { kind: 'reservation', onHandDelta: 0, reservedDelta: 3, reference: 'chk_1' },
    ]);
  });

  it('reserves nothing when one line is short, and names every short variant with what is left', async () => {
    const [enough, short, gone] = [await stocked(5), await stocked(2), await stocked(1)];
    await db.transaction((tx) => inventory.reserve(tx, [{ variantId: gone, quantity: 1 }], 'chk_before'));
    const lines = [
      { variantId: enough, quantity: 5 },
      { variantId: short, quantity: 3 },
      { variantId: gone, quantity: 1 },
    ];
    const error = await failureOf(() => db.transaction((tx) => inventory.reserve(tx, lines, 'chk_2')));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 409, code: 'insufficient_stock', reason: 'stock_short' });
    expect(
      [...((error as AppError).errors as { variant_id: string }[])].sort((x, y) =>
        x.variant_id.localeCompare(y.variant_id),
      ),
    ).toEqual(
      [
        { variant_id: short, requested: 3, available: 2 },
        { variant_id: gone, requested: 1, available: 0 },
      ].sort((x, y) => x.variant_id.localeCompare(y.variant_id)),
    );
    // All or nothing: the line that fitted was not reserved either, and no movement says it was.
    expect(await levelOf(enough)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect((await movementsOf(enough)).map((m) => m.kind)).toEqual(['initial']);
  });

  it('finds a visible shortage in levels read without locks (assertCovered), naming every short line', async () => {
    const [a, b] = [await stocked(1), await stocked(4)];
    const { levels } = await readAtOnce(db, { levels: inventory.levelsRead([a, b]) });
    const error = await failureOf(async () =>
      inventory.assertCovered(levels, [
        { variantId: a, quantity: 2 },
        { variantId: b, quantity: 5 },
      ]),
    );
    expect(error).toMatchObject({ code: 'insufficient_stock', reason: 'stock_short' });
    expect((error as AppError).errors).toHaveLength(2);
    inventory.assertCovered(levels, [{ variantId: b, quantity: 4 }]);
    expect(await levelOf(b)).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });
});

describe('moving reserved stock', () => {
  it('release gives reserved units back, commit takes them out, restock puts them on the shelf, each logged', async () => {
    const variantId = await stocked(10);
    await db.transaction(async (tx) => {
      await inventory.reserve(tx, [{ variantId, quantity: 6 }], 'ord_1');
      await inventory.release(tx, [{ variantId, quantity: 2 }], 'ord_1');
    });
    expect(await levelOf(variantId)).toEqual({ onHand: 10, reserved: 4, available: 6 });
    await db.transaction((tx) => inventory.commit(tx, [{ variantId, quantity: 4 }], 'ord_1'));
    expect(await levelOf(variantId)).toEqual({ onHand: 6, reserved: 0, available: 6 });
    await db.transaction((tx) => inventory.restock(tx, [{ variantId, quantity: 1 }], 'ord_1'));
    expect(await levelOf(variantId)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect(await movementsOf(variantId)).toEqual([
      { kind: 'initial', onHandDelta: 10, reservedDelta: 0, reference: 'test' },
      { kind: 'reservation', onHandDelta: 0, reservedDelta: 6, reference: 'ord_1' },
      { kind: 'release', onHandDelta: 0, reservedDelta: -2, reference: 'ord_1' },
      { kind: 'commit', onHandDelta: -4, reservedDelta: -4, reference: 'ord_1' },
      { kind: 'restock', onHandDelta: 1, reservedDelta: 0, reference: 'ord_1' },
    ]);
  });

  it('refuses to release or commit more than is reserved, and changes nothing', async () => {
    const variantId = await stocked(5);
    await db.transaction((tx) => inventory.reserve(tx, [{ variantId, quantity: 2 }], 'ord_2'));
    await failureOf(() =>
      db.transaction((tx) => inventory.release(tx, [{ variantId, quantity: 3 }], 'ord_2')),
    );
    await failureOf(() =>
      db.transaction((tx) => inventory.commit(tx, [{ variantId, quantity: 3 }], 'ord_2')),
    );
    expect(await levelOf(variantId)).toEqual({ onHand: 5, reserved: 2, available: 3 });
    expect((await movementsOf(variantId)).map((m) => m.kind)).toEqual(['initial', 'reservation']);
  });

  it('refuses to move stock of a variant it has no level for', async () => {
    const error = await failureOf(() =>
      db.transaction((tx) => inventory.release(tx, [{ variantId: newId('var'), quantity: 1 }], 'ord_3')),
    );
    expect((error as Error).message).toMatch(/touched 0 of 1 variants/);
  });
});

describe('setting on-hand stock', () => {
  it('sets on_hand and logs the adjustment; on_hand below the reserved units is refused as a conflict', async () => {
    const variantId = await stocked(5);
    await db.transaction((tx) => inventory.reserve(tx, [{ variantId, quantity: 3 }], 'ord_4'));
    expect(await inventory.setOnHand(db, variantId, 8, 'usr_1')).toEqual({
      variantId,
      onHand: 8,
      reserved: 3,
      available: 5,
    });
    expect(await inventory.setOnHand(db, variantId, 3, 'usr_1')).toMatchObject({ onHand: 3, available: 0 });

    const refused = await failureOf(() => inventory.setOnHand(db, variantId, 2, 'usr_1'));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 409, code: 'conflict' });
    expect((refused as Error).message).toMatch(/3 units reserved/);
    expect(await levelOf(variantId)).toEqual({ onHand: 3, reserved: 3, available: 0 });
    expect((await movementsOf(variantId)).slice(2)).toEqual([
      { kind: 'adjustment', onHandDelta: 3, reservedDelta: 0, reference: 'usr_1' },
      { kind: 'adjustment', onHandDelta: -5, reservedDelta: 0, reference: 'usr_1' },
    ]);
  });

  it('answers not found for a variant without stock', async () => {
    expect(await failureOf(() => inventory.setOnHand(db, newId('var'), 1))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });
});
