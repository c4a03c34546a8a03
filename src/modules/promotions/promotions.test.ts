import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let admin: TestUser;
let seller: TestUser;
let otherSeller: TestUser;
let buyer: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await newUser(t.db, { admin: true });
  seller = await newUser(t.db, { shop: 'Promo Shop' });
  otherSeller = await newUser(t.db, { shop: 'Other Promo Shop' });
  buyer = await newUser(t.db);
});
afterAll(async () => {
  await t.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: object) =>
  t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: bearer(token) });
const usd = (amount: number) => ({ amount, currency: 'USD' });
let codes = 0;
const uniqueCode = (stem: string) => `${stem}${Date.now().toString(36)}${codes++}`;

describe('admin promotions', () => {
  it('creates a platform-funded code with defaults, lists and changes it', async () => {
    const code = uniqueCode('Welcome');
    const created = await call('POST', '/v1/admin/promotions', admin.token, {
      code,
      type: 'percentage',
      percent_bps: 1000,
      min_subtotal: usd(2000),
      usage_limit: 100,
    });
    expect(created.statusCode, created.body).toBe(201);
    const promotion = created.json();
    expect(promotion).toMatchObject({
      code,
      automatic: false,
      type: 'percentage',
      percent_bps: 1000,
      scope: {},
      min_subtotal: usd(2000),
      ends_at: null,
      usage_limit: 100,
      per_customer_limit: null,
      used_count: 0,
      funded_by: 'platform',
      status: 'active',
    });
    expect(promotion.id).toMatch(/^prm_/);
    expect(promotion.amount).toBeUndefined();

    const list = (await call('GET', '/v1/admin/promotions', admin.token)).json();
    expect(list.data.map((p: { id: string }) => p.id)).toContain(promotion.id);

    const ends = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const changed = await call('PATCH', `/v1/admin/promotions/${promotion.id}`, admin.token, {
      ends_at: ends,
      usage_limit: null,
      status: 'inactive',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ ends_at: ends, usage_limit: null, status: 'inactive', code });
  });

  it('keeps an active code unique whatever its case, and frees it when deactivated', async () => {
    const code = uniqueCode('Sale');
    const first = (
      await call('POST', '/v1/admin/promotions', admin.token, { code, type: 'fixed', amount: usd(500) })
    ).json();
    expectProblem(
      await call('POST', '/v1/shop/promotions', seller.token, {
        code: code.toUpperCase(),
        type: 'free_shipping',
      }),
      409,
      'conflict',
      'promotion_code_taken',
    );
    expect(
      (await call('PATCH', `/v1/admin/promotions/${first.id}`, admin.token, { status: 'inactive' }))
        .statusCode,
    ).toBe(200);
    const again = await call('POST', '/v1/shop/promotions', seller.token, {
      code: code.toLowerCase(),
      type: 'free_shipping',
    });
    expect(again.statusCode, again.body).toBe(201);
    // Reactivating the first would make two active promotions with one code.
    expectProblem(
      await call('PATCH', `/v1/admin/promotions/${first.id}`, admin.token, { status: 'active' }),
      409,
      'conflict',
      'promotion_code_taken',
    );
  });

  it('refuses promotions that contradict themselves', async () => {
    const refused = async (body: object, path: string) => {
      const response = await call('POST', '/v1/admin/promotions', admin.token, body);
      expectProblem(response, 422, 'validation_failed');
      expect(JSON.stringify(response.json())).toContain(path);
    };
    await refused({ type: 'percentage', percent_bps: 500 }, '/code');
    await refused({ automatic: true, code: uniqueCode('x'), type: 'percentage', percent_bps: 500 }, '/code');
    await refused({ code: uniqueCode('x'), type: 'percentage' }, '/percent_bps');
    await refused({ code: uniqueCode('x'), type: 'fixed', percent_bps: 500 }, '/percent_bps');
    await refused({ code: uniqueCode('x'), type: 'fixed' }, '/amount');
    await refused({ code: uniqueCode('x'), type: 'free_shipping', amount: usd(5) }, '/amount');
    await refused(
      {
        automatic: true,
        type: 'free_shipping',
        starts_at: '2030-01-02T00:00:00Z',
        ends_at: '2030-01-01T00:00:00Z',
      },
      '/ends_at',
    );
    expectProblem(
      await call('POST', '/v1/admin/promotions', admin.token, {
        code: uniqueCode('x'),
        type: 'fixed',
        amount: { amount: 500, currency: 'EUR' },
      }),
      422,
      'validation_failed',
    );
  });

  it('pages newest first by cursor and filters by ?status=&from=&to=, naming a bad filter', async () => {
    const seller3 = await newUser(t.db, { shop: 'Paged Promo Shop' });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await call('POST', '/v1/shop/promotions', seller3.token, {
        code: uniqueCode('Page'),
        type: 'percentage',
        percent_bps: 500,
      });
      expect(created.statusCode, created.body).toBe(201);
      made.unshift(created.json().id);
    }
    await call('PATCH', `/v1/shop/promotions/${made[1]}`, seller3.token, { status: 'inactive' });
    const list = (query: string) => call('GET', `/v1/shop/promotions?${query}`, seller3.token);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = (
        await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((p: { id: string }) => p.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(made);
    const ids = async (query: string) => (await list(query)).json().data.map((p: { id: string }) => p.id);
    expect(await ids('status=inactive')).toEqual([made[1]]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(`from=${today}&to=${today}`)).toEqual(made);
    expect(await ids('from=2999-01-01')).toEqual([]);
    expectProblem(await list('status=lost'), 422, 'validation_failed');
    expectProblem(await list('cursor=nope'), 422, 'validation_failed');
    const backwards = await list('from=2026-05-02&to=2026-05-01');
    expectProblem(backwards, 422, 'validation_failed', 'period_invalid');
    expect(backwards.json().errors[0].path).toBe('/query/to');
  });

  it('is for admins only', async () => {
    expectProblem(await call('GET', '/v1/admin/promotions', seller.token), 403, 'forbidden');
    expectProblem(await call('GET', '/v1/shop/promotions', buyer.token), 403, 'forbidden');
  });
});

describe('shop promotions', () => {
  it("are funded by and limited to the caller's shop; another shop's are not found", async () => {
    const created = await call('POST', '/v1/shop/promotions', seller.token, {
      automatic: true,
      type: 'percentage',
      percent_bps: 2000,
      scope: { product_ids: ['prod_x'] },
      per_customer_limit: 1,
    });
    expect(created.statusCode, created.body).toBe(201);
    const promotion = created.json();
    expect(promotion).toMatchObject({
      code: null,
      automatic: true,
      funded_by: 'shop',
      scope: { shop_id: seller.shopId, product_ids: ['prod_x'] },
      per_customer_limit: 1,
    });

    expectProblem(
      await call('POST', '/v1/shop/promotions', seller.token, {
        automatic: true,
        type: 'free_shipping',
        scope: { shop_id: otherSeller.shopId },
      }),
      422,
      'validation_failed',
      'promotion_invalid',
    );

    const mine = (await call('GET', '/v1/shop/promotions', seller.token)).json();
    expect(mine.data.map((p: { id: string }) => p.id)).toContain(promotion.id);
    const theirs = (await call('GET', '/v1/shop/promotions', otherSeller.token)).json();
    expect(theirs.data.map((p: { id: string }) => p.id)).not.toContain(promotion.id);
    const platform = (await call('GET', '/v1/admin/promotions', admin.token)).json();
    expect(platform.data.map((p: { id: string }) => p.id)).not.toContain(promotion.id);

    expectProblem(
      await call('PATCH', `/v1/shop/promotions/${promotion.id}`, otherSeller.token, { status: 'inactive' }),
      404,
      'not_found',
      'promotion_not_found',
    );
    expectProblem(
      await call('PATCH', `/v1/admin/promotions/${promotion.id}`, admin.token, { status: 'inactive' }),
      404,
      'not_found',
      'promotion_not_found',
    );
    const changed = await call('PATCH', `/v1/shop/promotions/${promotion.id}`, seller.token, {
      percent_bps: 2500,
      scope: { category_ids: ['cat_y'] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      percent_bps: 2500,
      scope: { shop_id: seller.shopId, category_ids: ['cat_y'] },
    });
    expect(changed.json().scope.product_ids).toBeUndefined();
  });

  it('never lowers the usage limit below the uses already counted', async () => {
    const promotion = (
      await call('POST', '/v1/shop/promotions', seller.token, {
        code: uniqueCode('Limited'),
        type: 'fixed',
        amount: usd(100),
        usage_limit: 5,
      })
    ).json();
    await t.db.execute(sql`UPDATE promotions SET used_count = 3 WHERE id = ${promotion.id}`);
    expectProblem(
      await call('PATCH', `/v1/shop/promotions/${promotion.id}`, seller.token, { usage_limit: 2 }),
      422,
      'validation_failed',
      'promotion_invalid',
    );
    const raised = await call('PATCH', `/v1/shop/promotions/${promotion.id}`, seller.token, {
      usage_limit: 3,
    });
    expect(raised.json()).toMatchObject({ usage_limit: 3, used_count: 3 });
  });
});
