import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { testDatabaseKind } from '../../test/db.js';
import { databaseUrlWithName, withDatabase } from '../../test/postgres-admin.js';
import { buildApp, buildServices } from '../app.js';
import { loadConfig } from '../config.js';
import { type Database, openDatabase, sql } from './db.js';
import { migrate, readMigrations } from './migrate.js';

const appliedVersions = async (db: Database) =>
  (await db.query<{ version: string }>(sql`SELECT version FROM schema_migrations ORDER BY version`)).map(
    (row) => row.version,
  );

describe('migrate on a fresh embedded database', () => {
  it.skipIf(testDatabaseKind() !== 'embedded')(
    'applies every migration in order once, then nothing; a later one alone; a failing one not at all',
    async () => {
      const db = await openDatabase({});
      try {
        const migrations = await readMigrations();
        const versions = migrations.map((migration) => migration.version);
        expect(versions.length).toBeGreaterThan(0);
        expect(versions).toEqual([...versions].sort());

        expect(await migrate(db, migrations)).toEqual(versions);
        expect(await migrate(db, migrations)).toEqual([]);

        const later = { version: '9998_later', script: 'CREATE TABLE later_table (id integer PRIMARY KEY);' };
        expect(await migrate(db, [...migrations, later])).toEqual(['9998_later']);

        // The good one before the bad one must not stay applied: all of one call, or none of it.
        const good = { version: '9999_good', script: 'CREATE TABLE good_table (id integer PRIMARY KEY);' };
        const bad = { version: '9999_zbad', script: 'CREATE TABLE good_table (id integer PRIMARY KEY);' };
        await expect(migrate(db, [...migrations, later, good, bad])).rejects.toThrow(/good_table/);
        expect(await appliedVersions(db)).toEqual([...versions, '9998_later']);
        expect(
          await db.query(sql`SELECT 1 FROM information_schema.tables WHERE table_name = 'good_table'`),
        ).toEqual([]);
      } finally {
        await db.close();
      }
    },
  );
});

describe('migrate on a fresh PostgreSQL database', () => {
  it.skipIf(testDatabaseKind() !== 'postgres')(
    'two instances starting at the same moment: one applies every migration, the other none, both serve',
    async () => {
      const adminUrl = inject('postgresUrl');
      const name = `bazaar_race_${randomBytes(4).toString('hex')}`;
      await withDatabase(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
      const url = databaseUrlWithName(adminUrl, name);
      // Two pools, as two processes would have; connected first so that both reach the lock together.
      const databases = [
        await openDatabase({ databaseUrl: url, poolSize: 2 }),
        await openDatabase({ databaseUrl: url, poolSize: 2 }),
      ];
      const closers: (() => Promise<unknown>)[] = databases.map((db) => () => db.close());
      try {
        await Promise.all(databases.map((db) => db.ping()));
        const versions = (await readMigrations()).map((migration) => migration.version);

        const applied = await Promise.all(databases.map((db) => migrate(db)));

        expect(applied.map((list) => list.length).sort((a, b) => a - b)).toEqual([0, versions.length]);
        expect(applied.find((list) => list.length > 0)).toEqual(versions);
        expect(await appliedVersions(databases[0]!)).toEqual(versions);

        const apps = [];
        for (const db of databases) {
          const services = buildServices(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url }), db);
          const app = await buildApp(services);
          closers.unshift(
            () => app.close(),
            () => services.close(),
          );
          apps.push(app);
        }
        for (const [index, app] of apps.entries()) {
          const ready = await app.inject({ method: 'GET', url: '/readyz' });
          expect(ready.statusCode).toBe(200);
          expect(ready.json()).toEqual({ status: 'ok' });

          // Registered through one instance, logged in through the other: one database behind both.
          const email = `racer-${index}@example.com`;
          const password = `race winner ${index} passphrase`;
          const registered = await app.inject({
            method: 'POST',
            url: '/v1/auth/register',
            payload: { email, password, name: `Racer ${index}` },
          });
          expect(registered.statusCode).toBe(201);
          const other = apps[1 - index]!;
          const loggedIn = await other.inject({
            method: 'POST',
            url: '/v1/auth/login',
            payload: { email, password },
          });
          expect(loggedIn.statusCode).toBe(200);
          expect(loggedIn.json().user).toMatchObject({ id: registered.json().user.id, email });
        }
      } finally {
        for (const close of closers) await close();
        await withDatabase(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      }
    },
  );
});
