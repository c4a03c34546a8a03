import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Database, sql } from './db.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
/** Any fixed number: all processes that migrate one database agree on it. */
const MIGRATION_LOCK_KEY = 7_245_001;

export interface Migration {
  version: string;
  script: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name)).sort();
  return Promise.all(
    files.map(async (name) => ({
      version: path.basename(name, '.sql'),
      script: await readFile(path.join(dir, name), 'utf8'),
    })),
  );
}

/**
 * Applies the migrations not yet applied, in order, in one transaction under an advisory lock:
 * processes starting together on a fresh database wait for the first, then find nothing to do.
 * Answers the versions this call applied.
 */
export async function migrate(db: Database, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: string }>(sql`SELECT version FROM schema_migrations`)).map((r) => r.version),
    );
    const applied: string[] = [];
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.script);
      await tx.execute(sql`INSERT INTO schema_migrations (version) VALUES (${migration.version})`);
      applied.push(migration.version);
    }
    return applied;
  });
}
