import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { declaredReasons } from '../../test/error-catalogues.js';
import { buildApp } from '../app.js';
import { AppError, problemOf } from './errors.js';
import { defineErrors } from './problems.js';

/**
 * Reasons of events no caller asks for (a payment settling, an order expiring or paid): the state
 * machines name them, but no route answers with them.
 */
const SYSTEM_EVENT_REASONS = [
  'order_not_payable',
  'order_not_expirable',
  'order_not_refundable',
  'payment_not_processing',
];

interface OpenApiResponse {
  content?: Record<string, { schema: { properties: Record<string, { enum?: string[] }> } }>;
}
interface OpenApiOperation {
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, OpenApiResponse>;
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

/** Every route of the app, read from Fastify's own route table (its printed radix tree). */
function routeTable(app: FastifyInstance): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const url = (prefixes[depth - 1] ?? '') + match[2];
    prefixes.length = depth;
    prefixes.push(url);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url });
  }
  return routes;
}

const enumOf = (response: OpenApiResponse | undefined, field: 'code' | 'reason'): string[] =>
  response?.content?.['application/problem+json']?.schema.properties[field]?.enum ?? [];

let t: TestApp;
let doc: OpenApiDocument;
beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.app.inject('/openapi.json')).json();
});
afterAll(async () => {
  await t.close();
});

describe("every /v1 route's error responses", () => {
  const v1Routes = () =>
    routeTable(t.app).filter(({ method, url }) => url.startsWith('/v1/') && method !== 'HEAD');

  it('are in the OpenAPI document: problem details with their codes, platform and module alike', () => {
    const routes = v1Routes();
    expect(routes.length).toBeGreaterThan(40);
    for (const { method, url } of routes) {
      const where = `${method} ${url}`;
      const operation = doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(operation, where).toBeDefined();
      const errors = Object.entries(operation!.responses).filter(([status]) => Number(status) >= 400);
      for (const [status, response] of errors) {
        expect(enumOf(response, 'code').length, `${where} ${status}`).toBeGreaterThan(0);
      }
      const codesAt = (status: number) => enumOf(operation!.responses[status], 'code');
      expect(codesAt(422), where).toContain('validation_failed');
      expect(codesAt(429), where).toContain('rate_limited');
      expect(codesAt(500), where).toContain('internal');
      if (operation!.security) expect(codesAt(401), where).toContain('unauthenticated');
      if (method !== 'GET') {
        expect(codesAt(413), where).toContain('payload_too_large');
        expect(codesAt(415), where).toContain('unsupported_media_type');
      }
      if (operation!.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key')) {
        expect(codesAt(409), where).toContain('idempotency_key_in_use');
        expect(codesAt(422), where).toContain('idempotency_key_reused');
      }
    }
  });

  it("name every module's reasons somewhere, and only declared ones", async () => {
    const declared = await declaredReasons();
    const documented = new Set(
      Object.values(doc.paths).flatMap((operations) =>
        Object.values(operations).flatMap((operation) =>
          Object.values(operation.responses).flatMap((response) => enumOf(response, 'reason')),
        ),
      ),
    );
    const undocumented = declared
      .map(({ module, reason }) => `${module}: ${reason}`)
      .filter((name) => !documented.has(name.split(': ')[1]!))
      .filter((name) => !SYSTEM_EVENT_REASONS.includes(name.split(': ')[1]!));
    expect(undocumented).toEqual([]);
    const known = new Set(declared.map(({ reason }) => reason));
    expect([...documented].filter((reason) => !known.has(reason))).toEqual([]);
  });

  it('answer 403 forbidden on routes for sellers and admins', () => {
    for (const [url, method] of [
      ['/v1/shop/payouts', 'post'],
      ['/v1/admin/ledger/trial-balance', 'get'],
    ] as const) {
      expect(enumOf(doc.paths[url]![method]!.responses[403], 'code')).toEqual(['forbidden']);
    }
  });

  it('list a reason with its code at its status', () => {
    const refund = doc.paths['/v1/orders/{id}/refunds']!.post!.responses;
    expect(enumOf(refund[409], 'code')).toEqual(['conflict', 'idempotency_key_in_use', 'invalid_state']);
    expect(enumOf(refund[409], 'reason')).toEqual(['order_not_paid']);
    expect(enumOf(refund[404], 'reason')).toEqual(['order_not_found']);
  });
});

describe('problem bodies', () => {
  let app: FastifyInstance;
  const testErrors = defineErrors({ test_busy: { code: 'invalid_state' } });
  const undeclared = new AppError(
    409,
    'price_changed',
    'Price changed',
    'The price changed.',
    [{ n: 1 }],
    {},
    'other',
  );
  beforeAll(async () => {
    app = await buildApp(t.services, {
      extraRoutes: (scope) =>
        scope
          .withTypeProvider<ZodTypeProvider>()
          .post('/v1/test/problem', { schema: { response: testErrors.responses('test_busy') } }, async () => {
            throw undeclared;
          }),
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('go out as the error handler made them, whatever codes the route documents', async () => {
    const answer = await app.inject({ method: 'POST', url: '/v1/test/problem' });
    expect(answer.statusCode).toBe(409);
    expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(answer.body).toBe(JSON.stringify(problemOf(undeclared, String(answer.headers['x-request-id']))));
  });
});
