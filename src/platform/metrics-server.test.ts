import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { freePort } from '../../test/free-port.js';
import { expectProblem } from '../../test/problem.js';
import { METRICS_HOST } from './metrics-server.js';

let t: TestApp;
let metricsPort: number;

beforeAll(async () => {
  metricsPort = await freePort();
  t = await createTestApp({ env: { BAZAAR_METRICS_PORT: String(metricsPort) } });
  await t.app.metricsServer?.listen({ port: metricsPort, host: METRICS_HOST });
});
afterAll(async () => {
  await t.close();
});

describe('BAZAAR_METRICS_PORT', () => {
  it('serves /metrics on its own loopback port, counting the API port’s requests', async () => {
    await t.app.inject('/healthz');
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toMatch(
      /http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
  });

  it('serves nothing else there', async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/v1/categories`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('no longer serves /metrics on the API port', async () => {
    expectProblem(await t.app.inject('/metrics'), 404, 'not_found');
  });

  it('stops listening when the app closes', async () => {
    const port = await freePort();
    const other = await createTestApp({ database: t, env: { BAZAAR_METRICS_PORT: String(port) } });
    await other.app.metricsServer?.listen({ port, host: METRICS_HOST });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await other.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

describe('without BAZAAR_METRICS_PORT', () => {
  it('serves /metrics on the API port and has no metrics server', async () => {
    const plain = await createTestApp({ database: t });
    try {
      expect(plain.app.metricsServer).toBeNull();
      expect((await plain.app.inject('/metrics')).statusCode).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
