import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API that `npm run dev` proxies to: a `npm start` (or `bazaar serve`) running beside it. */
const api = process.env.BAZAAR_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: Object.fromEntries(['/v1', '/media', '/docs', '/openapi.json'].map((prefix) => [prefix, api])),
  },
});
