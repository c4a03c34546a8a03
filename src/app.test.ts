import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('operations endpoints', () => {
  it('GET /healthz and /readyz answer ok', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).statusCode).toBe(200);
  });

  it('GET /metrics counts requests by route', async () => {
    await t.app.inject('/healthz');
    const metrics = await t.app.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    expect(metrics.body).toMatch(/^jobs_backlog\{state="due"\} \d+$/m);
    expect(metrics.body).toMatch(/^jobs_backlog\{state="failed"\} \d+$/m);
  });

  it('serves an OpenAPI 3.1 document generated from the routes, and the docs page', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/auth/register', '/v1/me', '/v1/shops/{id}']),
    );
    expect(
      doc.paths['/v1/auth/register'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['email', 'password', 'name']));
    const docs = await t.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('<html');
  });

  it('GET /v1/events/schemas publishes the JSON Schema of every event type, as recorded', async () => {
    const answer = await t.app.inject('/v1/events/schemas');
    expect(answer.statusCode).toBe(200);
    const recorded = JSON.parse(
      readFileSync(new URL('./events.schemas.snapshot.json', import.meta.url), 'utf8'),
    );
    expect(answer.json()).toEqual(recorded);
    expect(answer.json()['order.placed.v1'].required).toEqual(
      expect.arrayContaining(['id', 'items', 'total']),
    );
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(doc.paths['/v1/events/schemas'].get.summary).toMatch(/JSON Schema/);
  });
});

describe('readiness', () => {
  it('GET /readyz answers 503 once the database stops answering, while /healthz stays up', async () => {
    const down = await createTestApp();
    try {
      await down.db.close();
      const ready = await down.app.inject('/readyz');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'unavailable' });
      expect((await down.app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await down.app.close();
      await down.services.close();
    }
  });
});

describe('errors', () => {
  it('answers an unknown route with a problem+json 404 and a request id', async () => {
    const response = await t.app.inject('/v1/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      code: 'not_found',
      status: 404,
      request_id: response.headers['x-request-id'],
    });
  });

  it('answers a body over 1 MiB with 413 payload_too_large', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1024 * 1024), name: 'n' }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('answers a body that is not JSON with 415 unsupported_media_type', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'unsupported_media_type' });
  });
});

describe('X-Request-Id', () => {
  const withRequestId = (id: string) => t.app.inject({ url: '/v1/me', headers: { 'x-request-id': id } });

  it.each(['abc', 'req-42_a.b', 'A'.repeat(64)])(
    'keeps a short plain id from the client (%s)',
    async (id) => {
      const response = await withRequestId(id);
      expect(response.headers['x-request-id']).toBe(id);
      expect(response.json()).toMatchObject({ request_id: id });
    },
  );

  it.each([
    ['65 characters', 'A'.repeat(65)],
    ['8,000 characters', 'x'.repeat(8000)],
    ['a space', 'two words'],
    ['a slash', 'a/b'],
    ['a quote', 'a"b'],
    ['non-ASCII letters', 'änderung'],
  ])('replaces an id with %s by one of its own', async (_what, id) => {
    const response = await withRequestId(id);
    const served = response.headers['x-request-id'];
    expect(served).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json()).toMatchObject({ request_id: served });
  });

  it('makes one when the client sends none', async () => {
    const response = await t.app.inject('/v1/me');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
