import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { sql } from './db.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.execute(sql`CREATE TABLE after_commit_probe (id int PRIMARY KEY)`);
});
afterAll(async () => {
  await t.db.close();
});

describe('Tx.afterCommit', () => {
  it('runs its effects once the commit is visible, in order, and never for a rollback', async () => {
    const seen: string[] = [];
    await t.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO after_commit_probe VALUES (1)`);
      tx.afterCommit(() => seen.push('first'));
      tx.afterCommit(() => seen.push('second'));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['first', 'second']);
    // The effect ran after the commit, so a read outside the transaction sees its row.
    expect(await t.db.query(sql`SELECT id FROM after_commit_probe`)).toEqual([{ id: 1 }]);

    await expect(
      t.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO after_commit_probe VALUES (2)`);
        tx.afterCommit(() => seen.push('rolled back'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(seen).toEqual(['first', 'second']);
  });
});
