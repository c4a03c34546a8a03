import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: `npm start` on a fresh embedded database with the demo marketplace, driven by
 * Debian's Chromium through playwright-core. Files run one at a time: each starts its own server,
 * and two at once would only fight over two cores.
 */
export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname,
    include: ['**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
