import { defineConfig } from 'vitest/config';

/**
 * Three projects: pure unit tests (`*.unit.test.ts`) once, and every database test twice: on the
 * embedded database and, when TEST_DATABASE_URL is set, on PostgreSQL. Each test file gets a
 * database of its own, cloned from one migrated template per run.
 */
const databaseTests = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  exclude: ['**/*.unit.test.ts', '**/node_modules/**'],
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'] } },
      { test: { ...databaseTests, name: 'embedded', env: { BAZAAR_TEST_DB: 'embedded' } } },
      ...(process.env.TEST_DATABASE_URL
        ? [{ test: { ...databaseTests, name: 'postgres', env: { BAZAAR_TEST_DB: 'postgres' } } }]
        : []),
    ],
  },
});
