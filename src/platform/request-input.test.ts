import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../test/app.js';
import { newUser, type TestUser } from '../../test/factories/identity.js';
import { newStockedProduct } from '../../test/factories/inventory.js';
import { encodeCursor } from './pagination.js';

interface Route {
  method: string;
  /** Fastify's form: `/v1/orders/:id`. */
  url: string;
  params: string[];
  /** The query parameters its OpenAPI description names. */
  query: string[];
}

/** Every /v1 route of the app, from its route table, with the query parameters it documents. */
function v1Routes(app: FastifyInstance): Route[] {
  const document = app.swagger() as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
  };
  const routes: Route[] = [];
  const segments: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    segments.length = depth;
    segments.push(match[2]!);
    const url = segments.join('');
    if (!url.startsWith('/v1/') || !match[3]) continue;
    for (const method of match[3].split(', ').filter((m) => m !== 'HEAD')) {
      const documented = document.paths[url.replaceAll(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      routes.push({
        method,
        url,
        params: [...url.matchAll(/:(\w+)/g)].map((param) => param[1]!),
        query: (documented?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  return routes;
}

let t: TestApp;
/** A buyer with a shop and the admin role: no route refuses it for want of a role. */
let user: TestUser;
let productId: string;
let routes: Route[];

beforeAll(async () => {
  t = await createTestApp();
  user = await newUser(t.db, { admin: true, shop: true });
  productId = (await newStockedProduct(t.db, { shopId: user.shopId! })).id;
  routes = v1Routes(t.app);
});
afterAll(async () => {
  await t.close();
});

const send = (route: Route, values: Record<string, string>, query: string) =>
  t.app.inject({
    method: route.method as 'GET',
    url: `${route.url.replaceAll(/:(\w+)/g, (_, name: string) => values[name] ?? productId)}${query}`,
    // Routes that need an Idempotency-Key get one, so that only the input under test is wrong.
    headers: { ...bearer(user.token), 'idempotency-key': `key-${Math.random()}` },
  });

/** A 422 naming exactly `path`, and never a 500. */
async function expectRefusedAt(response: Awaited<ReturnType<typeof send>>, path: string, route: Route) {
  const what = `${route.method} ${route.url}: ${response.body}`;
  expect(response.statusCode, what).toBe(422);
  expect(
    response.json().errors?.map((error: { path: string }) => error.path),
    what,
  ).toEqual([path]);
}

describe('input rules on every /v1 route', () => {
  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContainEqual(expect.objectContaining({ method: 'PATCH', url: '/v1/cart/items/:id' }));
  });

  it('refuses a NUL in each path parameter with 422 naming it', async () => {
    for (const route of routes) {
      for (const param of route.params) {
        await expectRefusedAt(await send(route, { [param]: 'a%00b' }, ''), `/params/${param}`, route);
      }
    }
  });

  it('refuses an unknown query parameter with 422 naming it', async () => {
    for (const route of routes) {
      await expectRefusedAt(await send(route, {}, '?no_such_parameter=1'), '/query/no_such_parameter', route);
    }
  });

  it('refuses a NUL in a query parameter with 422 naming it', async () => {
    for (const route of routes) {
      const name = route.query[0] ?? 'no_such_parameter';
      await expectRefusedAt(await send(route, {}, `?${name}=a%00b`), `/query/${name}`, route);
    }
  });

  it('refuses a cursor that decodes but holds garbage with 422 at /query/cursor', async () => {
    const lists = routes.filter((route) => route.query.includes('cursor'));
    expect(lists.length).toBeGreaterThanOrEqual(6);
    // Every key of every list's position at once: each list reads the ones it knows.
    const position = (time: string, id = 'x') => ({ s: 'newest', k: time, createdAt: time, rating: 5, id });
    const garbage = [
      position('not a time'),
      position('2024-02-30T00:00:00.000000Z'),
      position('2024-13-01T00:00:00.000000Z'),
      position('2024-01-01T24:00:00.000000Z'),
      position('2024-01-01T00:00:00.000000Z', 'a\u0000b'),
    ];
    for (const route of lists) {
      for (const cursor of garbage) {
        await expectRefusedAt(
          await send(route, {}, `?cursor=${encodeCursor(cursor)}`),
          '/query/cursor',
          route,
        );
      }
    }
  });
});

describe('NUL characters in bodies', () => {
  it('refuses a NUL in any string of a JSON body with 422 naming the field', async () => {
    const product = await t.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: bearer(user.token),
      payload: {
        title: 'Lamp',
        description: '',
        variants: [{ sku: 'LAMP\u0000', title: 'Lamp', price: { amount: 100, currency: 'USD' }, stock: 1 }],
      },
    });
    expect(product.statusCode, product.body).toBe(422);
    expect(product.json().errors).toEqual([{ path: '/variants/0/sku', message: expect.any(String) }]);

    const shop = await t.app.inject({
      method: 'PATCH',
      url: '/v1/me/shop',
      headers: bearer(user.token),
      payload: { description: 'open \u0000 late' },
    });
    expect(shop.statusCode, shop.body).toBe(422);
    expect(shop.json().errors).toEqual([{ path: '/description', message: expect.any(String) }]);
  });
});
