import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_ADMIN_EMAILS: 'exports-admin@example.com' } });
  flows = moneyFlows(t);
  admin = await newUser(t.db, { email: 'exports-admin@example.com' });
});
afterAll(async () => {
  await t.close();
});

const get = (url: string, token: string, accept = 'application/json') =>
  t.app.inject({ method: 'GET', url, headers: { ...bearer(token), accept } });
const csvRows = (body: string): Record<string, string>[] => parse(body, { columns: true });

describe('admin orders and CSV exports', () => {
  it('lists every order for admins, filtered by status, shop, buyer and period, paged by cursor', async () => {
    const [sellerA, sellerB] = [await newUser(t.db, { shop: true }), await newUser(t.db, { shop: true })];
    const [ann, ben] = [await newUser(t.db), await newUser(t.db)];
    const a1 = await flows.paidOrder(ann, sellerA);
    const b1 = await flows.paidOrder(ben, sellerB);
    const product = await newStockedProduct(t.db, { shopId: sellerA.shopId! });
    const unpaid = await flows.placeOrder(ben, [{ variantId: product.variants[0]!.id, quantity: 1 }]);

    const ids = async (query: string) => {
      const answer = await get(`/v1/admin/orders?${query}`, admin.token);
      expect(answer.statusCode, answer.body).toBe(200);
      return answer.json().data.map((order: { id: string }) => order.id) as string[];
    };
    expect(await ids(`shop=${sellerA.shopId}`)).toEqual([unpaid.orders[0]!.id, a1.order.id]);
    expect(await ids(`buyer=${ben.id}`)).toEqual([unpaid.orders[0]!.id, b1.order.id]);
    expect(await ids(`buyer=${ben.id}&status=paid`)).toEqual([b1.order.id]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(`shop=${sellerB.shopId}&from=${today}&to=${today}`)).toEqual([b1.order.id]);
    expect(await ids(`shop=${sellerB.shopId}&to=${today}T00:00:00Z`)).toEqual([]);

    const first = (await get(`/v1/admin/orders?buyer=${ben.id}&limit=1`, admin.token)).json();
    const second = (
      await get(`/v1/admin/orders?buyer=${ben.id}&limit=1&cursor=${first.next_cursor}`, admin.token)
    ).json();
    expect([...first.data, ...second.data].map((o: { id: string }) => o.id)).toEqual([
      unpaid.orders[0]!.id,
      b1.order.id,
    ]);
    expect(second.next_cursor).toBeNull();

    expectProblem(await get('/v1/admin/orders', sellerA.token), 403, 'forbidden');
    expectProblem(await t.app.inject({ method: 'GET', url: '/v1/admin/orders' }), 401, 'unauthenticated');
    expectProblem(await get('/v1/admin/orders?status=lost', admin.token), 422, 'validation_failed');
    expectProblem(await get('/v1/admin/orders?from=yesterday', admin.token), 422, 'validation_failed');
  });

  it('exports every matching order as CSV, amounts in major units, formulas escaped', async () => {
    const seller = await newUser(t.db, { shop: '=SUM(A1:A9)' });
    const buyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      title: '=HYPERLINK("http://evil.test","Click")',
      variants: [{ priceMinor: 1999, stock: 500 }],
    });
    // More orders than a JSON page (20): the export holds them all (csv.unit.test.ts walks export pages).
    for (let i = 0; i < 21; i++) {
      await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    }
    const answer = await get(`/v1/admin/orders?shop=${seller.shopId}`, admin.token, 'text/csv');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="orders.csv"');
    const rows = csvRows(answer.body);
    expect(rows).toHaveLength(21);
    expect(new Set(rows.map((row) => row.order_id)).size).toBe(21);
    const json = (await get(`/v1/admin/orders?shop=${seller.shopId}&limit=1`, admin.token)).json().data[0];
    expect(rows[0]).toMatchObject({
      order_id: json.id,
      status: 'pending_payment',
      shop_id: seller.shopId,
      buyer_id: buyer.id,
      subtotal: '19.99',
      currency: 'USD',
      total: String(json.total.amount / 100),
    });
    // A cell a spreadsheet would run as a formula is escaped with a leading quote; one that merely
    // holds an = further in is left as it is.
    expect(rows[0]!.shop).toBe("'=SUM(A1:A9)");
    expect(rows[0]!.items).toMatch(/^1 × =HYPERLINK/);
    expect(answer.body).not.toMatch(/(^|,)"?=/m);

    // The seller's own export holds their shop's orders only.
    const mine = await get('/v1/shop/orders', seller.token, 'text/csv');
    expect(csvRows(mine.body)).toHaveLength(21);
    const other = await newUser(t.db, { shop: true });
    expect(csvRows((await get('/v1/shop/orders', other.token, 'text/csv')).body)).toHaveLength(0);
    // Without Accept: text/csv the same route answers its JSON page.
    expect((await get('/v1/shop/orders', seller.token)).json().data).toHaveLength(20);
  });

  it('exports the shop ledger and the tax report as CSV', async () => {
    const seller = await newUser(t.db, { shop: true });
    const buyer = await newUser(t.db);
    await flows.paidOrder(buyer, seller, { priceMinor: 4000 });
    const json = (await get('/v1/shop/ledger', seller.token)).json().data;
    const rows = csvRows((await get('/v1/shop/ledger', seller.token, 'text/csv')).body);
    expect(rows.map((row) => [row.line_id, row.kind, row.account, Number(row.amount)])).toEqual(
      json.map((line: { id: string; kind: string; account: string; amount: { amount: number } }) => [
        line.id,
        line.kind,
        line.account,
        line.amount.amount / 100,
      ]),
    );

    const report = await get('/v1/admin/tax/report', admin.token, 'text/csv');
    expect(report.statusCode, report.body).toBe(200);
    expect(report.body.split('\n')[0]).toBe('country,region,taxable,tax,refunded_tax,net_tax,currency');
    expectProblem(await get('/v1/admin/tax/report', seller.token, 'text/csv'), 403, 'forbidden');
  });
});
