import { expect, it } from 'vitest';
import { testDatabaseKind } from '../../../test/db.js';
import { openDatabase, sql } from '../../platform/db.js';
import { migrate, readMigrations } from '../../platform/migrate.js';

const LISTS_MIGRATION = '0024_recommendation_lists';

it.skipIf(testDatabaseKind() !== 'embedded')(
  'migration 0024 keeps every stored neighbour list, one row of arrays per product and strategy, best first',
  async () => {
    const db = await openDatabase({});
    try {
      const migrations = await readMigrations();
      const at = migrations.findIndex((migration) => migration.version === LISTS_MIGRATION);
      await migrate(db, migrations.slice(0, at));
      await db.execute(sql`
        INSERT INTO recommendation_neighbours (product_id, strategy, rank, neighbour_id, score) VALUES
          ('prod_a', 'co_purchase', 1, 'prod_c', 0.25), ('prod_a', 'co_purchase', 0, 'prod_b', 0.5),
          ('prod_a', 'content', 0, 'prod_d', 0.125), ('prod_b', 'co_purchase', 0, 'prod_a', 0.75)`);

      await migrate(db, migrations);

      expect(
        await db.query(sql`
          SELECT product_id, strategy, neighbour_ids, scores FROM recommendation_lists
          ORDER BY product_id, strategy`),
      ).toEqual([
        {
          product_id: 'prod_a',
          strategy: 'co_purchase',
          neighbour_ids: ['prod_b', 'prod_c'],
          scores: [0.5, 0.25],
        },
        { product_id: 'prod_a', strategy: 'content', neighbour_ids: ['prod_d'], scores: [0.125] },
        { product_id: 'prod_b', strategy: 'co_purchase', neighbour_ids: ['prod_a'], scores: [0.75] },
      ]);
      expect(
        await db.query(
          sql`SELECT 1 FROM information_schema.tables WHERE table_name = 'recommendation_neighbours'`,
        ),
      ).toEqual([]);
    } finally {
      await db.close();
    }
  },
);
