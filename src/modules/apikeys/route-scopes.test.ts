import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../platform/http.js';

/**
 * Walks every operation of the OpenAPI document: each /v1 route names what an API key needs
 * (`x-bazaar-scope`), and the auth guard holds every key to it — a key without the route's scope
 * gets 403, one with it gets past the guard, session-only routes refuse every key, and public ones
 * serve any.
 */

const OWNER_EMAIL = 'scopes-owner@example.com';
let t: TestApp;
let owner: TestUser;
/** One key per scope holding only it, and one per scope holding every other. */
const only = new Map<ApiKeyScope, string>();
const allBut = new Map<ApiKeyScope, string>();

interface Operation {
  method: string;
  path: string;
  url: string;
  scope: unknown;
}
let operations: Operation[];

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_ADMIN_EMAILS: OWNER_EMAIL } });
  // An admin with a shop: any role a route needs, so only the key's scopes can refuse it.
  owner = await newUser(t.db, { email: OWNER_EMAIL, shop: true });
  const make = async (scopes: ApiKeyScope[]) => {
    const answer = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/api-keys',
      headers: bearer(owner.token),
      payload: { name: scopes.join(' '), scopes },
    });
    expect(answer.statusCode, answer.body).toBe(201);
    return answer.json().key as string;
  };
  for (const scope of API_KEY_SCOPES) {
    only.set(scope, await make([scope]));
    allBut.set(scope, await make(API_KEY_SCOPES.filter((other) => other !== scope)));
  }
  const document = t.app.swagger() as {
    paths: Record<string, Record<string, { 'x-bazaar-scope'?: unknown }>>;
  };
  operations = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        url: path.replace(/\{[^}]+\}/g, 'xyz0000000000'),
        scope: operation['x-bazaar-scope'],
      })),
    );
});
afterAll(async () => {
  await t.close();
});

const request = (operation: Operation, key: string) =>
  t.app.inject({
    method: operation.method as 'GET',
    url: operation.url,
    headers: bearer(key),
    ...(operation.method === 'GET' || operation.method === 'DELETE' ? {} : { payload: {} }),
  });

const label = (operation: Operation) => `${operation.method} ${operation.path}`;

describe('API key scopes on every route', () => {
  it('every /v1 operation names a scope, `session` or `public`', () => {
    expect(operations.length).toBeGreaterThan(100);
    const valid = new Set<unknown>([...API_KEY_SCOPES, 'session', 'public']);
    const unnamed = operations.filter((operation) => !valid.has(operation.scope)).map(label);
    expect(unnamed).toEqual([]);
  });

  it('a key without the route’s scope gets 403 forbidden; one with it gets past the guard', async () => {
    const wrong: string[] = [];
    for (const operation of operations) {
      const scope = operation.scope as string;
      if (!API_KEY_SCOPES.includes(scope as ApiKeyScope)) continue;
      const without = await request(operation, allBut.get(scope as ApiKeyScope)!);
      if (without.statusCode !== 403 || without.json().code !== 'forbidden') {
        wrong.push(`${label(operation)} without ${scope}: ${without.statusCode}`);
      }
      const holding = await request(operation, only.get(scope as ApiKeyScope)!);
      if (holding.statusCode === 403 || holding.statusCode === 401) {
        wrong.push(`${label(operation)} with ${scope}: ${holding.statusCode} ${holding.body}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('session-only routes refuse a key holding every scope (403); public ones serve any key', async () => {
    const every = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/api-keys',
      headers: bearer(owner.token),
      payload: { name: 'everything', scopes: [...API_KEY_SCOPES] },
    });
    const key = every.json().key as string;
    const wrong: string[] = [];
    for (const operation of operations) {
      if (operation.scope === 'session') {
        const answer = await request(operation, key);
        if (answer.statusCode !== 403) wrong.push(`${label(operation)}: ${answer.statusCode}`);
      }
      if (operation.scope === 'public') {
        const answer = await request(operation, only.get('orders:read')!);
        if (answer.statusCode === 403 || answer.statusCode === 401) {
          wrong.push(`${label(operation)}: ${answer.statusCode} ${answer.body}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
