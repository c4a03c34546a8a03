import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../test/db.js';
import { TcpProxy } from '../../test/tcp-proxy.js';
import { openDatabase, sql, sqlArray } from './db.js';

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

describe('prepared statements of several shapes', () => {
  it('prepares each shape of a statement under its own name, so one connection answers both right', async () => {
    const shaped = (withCode: boolean) =>
      withCode
        ? sql`SELECT 'with code' AS shape, ${1}::int AS n`
        : sql`SELECT 'without' AS shape, ${2}::int AS n`;
    // One transaction: every statement on the same connection, where a shared name would replay the
    // first shape's plan for the second.
    const answers = await t.db.transaction(async (tx) => [
      await tx.query(shaped(true), { prepareShapesAs: 'probe_shapes' }),
      await tx.query(shaped(false), { prepareShapesAs: 'probe_shapes' }),
      await tx.query(shaped(true), { prepareShapesAs: 'probe_shapes' }),
    ]);
    expect(answers).toEqual([
      [{ shape: 'with code', n: 1 }],
      [{ shape: 'without', n: 2 }],
      [{ shape: 'with code', n: 1 }],
    ]);
  });
});

describe.runIf(testDatabaseKind() === 'postgres')('prepared statements (PostgreSQL)', () => {
  it('are planned once, without their values, and never again per run', async () => {
    // A lookup whose plan with its values always looks cheaper than the generic one: PostgreSQL's
    // default would plan it again on every run.
    const lookup = (ids: string[]) =>
      sql`SELECT id FROM after_commit_probe WHERE id = ANY(${sqlArray(ids.map(Number))}::int[])`;
    const plans = await t.db.transaction(async (tx) => {
      for (let run = 0; run < 8; run++) await tx.query(lookup([String(run)]), { prepareAs: 'probe_generic' });
      return tx.query<{ generic: number; custom: number }>(sql`
        SELECT generic_plans::int AS generic, custom_plans::int AS custom
        FROM pg_prepared_statements WHERE name = 'probe_generic'`);
    });
    expect(plans).toEqual([{ generic: 8, custom: 0 }]);
  });
});

describe.runIf(testDatabaseKind() === 'postgres')('a transaction on PostgreSQL', () => {
  /** A database of one connection through a proxy that counts what the client writes. */
  async function throughProxy() {
    const proxy = await TcpProxy.to(t.url!);
    const db = await openDatabase({ databaseUrl: proxy.url(t.url!), poolSize: 1 });
    await db.query(sql`SELECT 1`);
    return {
      db,
      proxy,
      async close() {
        await db.close();
        await proxy.stop();
      },
    };
  }

  it('sends BEGIN with its first statement: one round trip for both', async () => {
    const { db, proxy, close } = await throughProxy();
    try {
      const before = proxy.chunksFromClients;
      const answer = await db.transaction(async (tx) => {
        const [row] = await tx.query<{ n: number }>(sql`SELECT ${40}::int + 1 AS n`);
        await tx.execute(sql`INSERT INTO after_commit_probe VALUES (${row!.n})`);
        return row!.n;
      });
      expect(answer).toBe(41);
      // The first statement with its BEGIN, the insert, the COMMIT.
      expect(proxy.chunksFromClients - before).toBe(3);
      expect(await t.db.query(sql`SELECT id FROM after_commit_probe WHERE id = 41`)).toEqual([{ id: 41 }]);
    } finally {
      await close();
    }
  });

  it('rolls back when its first statement fails, and parses that statement again next time', async () => {
    const { db, close } = await throughProxy();
    try {
      const later = () =>
        db.transaction((tx) =>
          tx.execute(sql`INSERT INTO probe_made_later VALUES (${1})`, { prepareAs: 'probe_made_later' }),
        );
      await expect(later()).rejects.toThrow('relation "probe_made_later" does not exist');
      await t.db.execute(sql`CREATE TABLE probe_made_later (id int)`);
      // The same connection: were the failed statement counted as parsed, this would bind a
      // statement PostgreSQL never made.
      expect(await later()).toBe(1);
      expect(await db.query(sql`SELECT count(*)::int AS n FROM probe_made_later`)).toEqual([{ n: 1 }]);
    } finally {
      await close();
    }
  });
});
