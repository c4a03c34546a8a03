import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { dumpEmbedded, openDatabase } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { databaseUrlWithName, withDatabase } from './postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated embedded database, copied for each test file. */
    embeddedTemplatePath: string;
    /** A migrated PostgreSQL database, cloned for each test file. */
    postgresTemplate: string;
    postgresUrl: string;
  }
}

/** Migrates one template per run; test files copy it, so migrations run once, not per file. */
export default async function setup(project: TestProject) {
  if (project.name === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    const template = `bazaar_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
    await withDatabase(url, (admin) => admin.query(`CREATE DATABASE ${template}`));
    const templateUrl = databaseUrlWithName(url, template);
    const db = await openDatabase({ databaseUrl: templateUrl, poolSize: 2 });
    await migrate(db);
    await db.close();
    project.provide('postgresTemplate', template);
    project.provide('postgresUrl', url);
    return async () => {
      await withDatabase(url, async (admin) => {
        const { rows } = await admin.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE datname LIKE $1',
          [`${template.replace('_tpl_', '_t_')}%`],
        );
        for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
        await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      });
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'bazaar-test-'));
  const db = await openDatabase({});
  await migrate(db);
  const dump = await dumpEmbedded(db);
  await db.close();
  const templatePath = path.join(dir, 'template.tar');
  await writeFile(templatePath, Buffer.from(await dump.arrayBuffer()));
  project.provide('embeddedTemplatePath', templatePath);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
