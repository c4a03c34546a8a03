import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Four projects: pure unit tests (`*.unit.test.ts`) once, the web app's component tests, and every
 * database test twice: on the embedded database and, when TEST_DATABASE_URL is set, on PostgreSQL. Each test file gets a
 * database of its own, cloned from one migrated template per run.
 */
const databaseTests = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  exclude: ['**/*.unit.test.ts', '**/node_modules/**'],
  globalSetup: ['test/global-setup.ts'],
  setupFiles: ['test/check-event-data.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'] } },
      // The web app's component tests, in a simulated browser.
      {
        plugins: [react()],
        test: { name: 'web', include: ['web/src/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
      },
      { test: { ...databaseTests, name: 'embedded', env: { BAZAAR_TEST_DB: 'embedded' } } },
      ...(process.env.TEST_DATABASE_URL
        ? [{ test: { ...databaseTests, name: 'postgres', env: { BAZAAR_TEST_DB: 'postgres' } } }]
        : []),
    ],
  },
});
