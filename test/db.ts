import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../src/platform/db.js';
import { databaseUrlWithName, withDatabase } from './postgres-admin.js';

export const testDatabaseKind = (): 'embedded' | 'postgres' =>
  process.env.BAZAAR_TEST_DB === 'postgres' ? 'postgres' : 'embedded';

export interface TestDatabase {
  db: Database;
  /** The PostgreSQL URL of this test's database (postgres runs only), for extra connections. */
  url: string | undefined;
}

/** A fresh, migrated database of its own for the calling test file. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (testDatabaseKind() === 'postgres') {
    const template = inject('postgresTemplate');
    const adminUrl = inject('postgresUrl');
    const name = `${template.replace('_tpl_', '_t_')}_${randomBytes(4).toString('hex')}`;
    await withDatabase(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
    const url = databaseUrlWithName(adminUrl, name);
    return { db: await openDatabase({ databaseUrl: url, poolSize: options.poolSize ?? 10 }), url };
  }
  const dump = await readFile(inject('embeddedTemplatePath'));
  return { db: await openDatabase({ loadDataDir: new Blob([dump]) }), url: undefined };
}
