import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { renderDemoImage } from '../seed/demo-image.js';

let t: TestApp;
let dist: string;
let dataDir: string;
let imageUrl: string;

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'bazaar-web-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Bazaar</title><div id="root"></div>');
  await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  dataDir = await mkdtemp(path.join(tmpdir(), 'bazaar-headers-'));
  t = await createTestApp({ webDist: dist, env: { BAZAAR_DATA_DIR: dataDir } });
  const image = renderDemoImage({ seed: 1, label: 'Pot', width: 16, height: 16 });
  imageUrl = (await t.services.media.store(image)).url;
});
afterAll(async () => {
  await t.close();
  await rm(dist, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

/** The directives of a Content-Security-Policy header, by name. */
function directivesOf(header: unknown): Map<string, string[]> {
  expect(typeof header).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  const csp = directivesOf(headers['content-security-policy']);
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('script-src')).toContain("'self'");
  expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
}

describe('security headers on every answer', () => {
  it.each([
    ['the web app', '/', 200],
    ['a web app asset', '/assets/index-abc123.js', 200],
    ['a client-side route (the SPA fallback)', '/seller/payouts', 200],
    ['an API success', '/v1/categories', 200],
    ['an API error', '/v1/me', 401],
    ['an unknown API route', '/v1/no-such-route', 404],
    ['the docs page', '/docs', 200],
    ['the docs assets', '/docs/static/swagger-ui.css', 200],
    ['the OpenAPI document', '/openapi.json', 200],
    ['a missing image', '/media/med_missing.png', 404],
    ['the health check', '/healthz', 200],
  ])('%s (%s)', async (_what, url, status) => {
    const response = await t.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(status);
    expectSecurityHeaders(response.headers);
  });

  it('an uploaded image', async () => {
    const response = await t.app.inject({ method: 'GET', url: imageUrl });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expectSecurityHeaders(response.headers);
  });

  it('a validation error on a POST', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email: 'not an email' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectSecurityHeaders(response.headers);
  });

  it('lets images come from any https host or a data URL, and nothing else from elsewhere', async () => {
    const csp = directivesOf((await t.app.inject('/')).headers['content-security-policy']);
    expect(csp.get('img-src')).toEqual(["'self'", 'https:', 'data:']);
    for (const [name, values] of csp) {
      if (name === 'img-src') continue;
      expect(values.filter((value) => value.includes(':') || value === '*')).toEqual([]);
    }
  });
});

describe('Strict-Transport-Security', () => {
  it('is not sent while the public URL is http', async () => {
    const response = await t.app.inject('/v1/categories');
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(directivesOf(response.headers['content-security-policy']).has('upgrade-insecure-requests')).toBe(
      false,
    );
  });

  it('is sent, with the upgrade of insecure requests, when the public URL is https', async () => {
    const secure = await createTestApp({
      database: t,
      env: { BAZAAR_PUBLIC_URL: 'https://shop.example.com' },
    });
    try {
      for (const url of ['/v1/categories', '/v1/no-such-route', '/docs']) {
        const response = await secure.app.inject(url);
        expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
        const csp = directivesOf(response.headers['content-security-policy']);
        expect(csp.has('upgrade-insecure-requests')).toBe(true);
      }
    } finally {
      await secure.close();
    }
  });
});
