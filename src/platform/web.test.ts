import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { buildWebApp, isBuilt } from './web.js';

let t: TestApp;
let dist: string;
const INDEX = '<!doctype html><title>Bazaar</title><div id="root"></div>';

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'bazaar-web-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), INDEX);
  await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  t = await createTestApp({ webDist: dist });
});
afterAll(async () => {
  await t.close();
  await rm(dist, { recursive: true, force: true });
});

const get = (url: string) => t.app.inject({ method: 'GET', url });

describe('the web app served beside the API', () => {
  it('serves index.html at / and revalidates it', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(INDEX);
  });

  it('serves hashed assets as immutable for a year', async () => {
    const response = await get('/assets/index-abc123.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each(['/products/some-id', '/seller/orders?status=paid', '/orders'])(
    'answers the client-side route %s with the app',
    async (url) => {
      const response = await get(url);
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(INDEX);
    },
  );

  it.each(['/v1/no-such-route', '/media/missing.png', '/docs/nothing'])(
    'keeps %s a problem+json 404',
    async (url) => {
      const response = await get(url);
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
    },
  );

  it('does not answer other methods with the app', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/products/some-id' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('still serves the API', async () => {
    expect((await get('/v1/categories')).statusCode).toBe(200);
  });
});

describe('without a built web app', () => {
  it('answers / with a problem+json 404', async () => {
    const bare = await createTestApp({ database: t });
    try {
      const response = await bare.app.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
    } finally {
      await bare.close();
    }
  });
});

describe('buildWebApp (npm start on a checkout without a build)', () => {
  it('builds the app that is then served at /', async () => {
    const built = await mkdtemp(path.join(tmpdir(), 'bazaar-web-build-'));
    try {
      expect(isBuilt(built)).toBe(false);
      await buildWebApp(built);
      expect(isBuilt(built)).toBe(true);
      const served = await createTestApp({ database: t, webDist: built });
      try {
        const page = await served.app.inject({ method: 'GET', url: '/orders' });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('<div id="root"></div>');
        const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
        expect((await served.app.inject({ method: 'GET', url: script! })).statusCode).toBe(200);
      } finally {
        await served.close();
      }
    } finally {
      await rm(built, { recursive: true, force: true });
    }
  });
});
