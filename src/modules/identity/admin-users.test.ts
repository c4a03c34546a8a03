import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { expectProblem } from '../../../test/problem.js';

let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_ADMIN_EMAILS: 'users-admin@example.com' } });
  admin = await newUser(t.db, { email: 'users-admin@example.com', name: 'Root Admin' });
});
afterAll(async () => {
  await t.close();
});

const list = (query: string, token = admin.token) =>
  t.app.inject({ method: 'GET', url: `/v1/admin/users?${query}`, headers: bearer(token) });
const ids = async (query: string) => {
  const answer = await list(query);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json().data.map((user: { id: string }) => user.id) as string[];
};

describe('GET /v1/admin/users', () => {
  it('lists users newest first with roles, shop and suspension, filtered by text, role and status', async () => {
    const buyer = await newUser(t.db, { name: 'Quill Buyer', email: 'quill_buyer@example.com' });
    const seller = await newUser(t.db, { name: 'Quill Seller', shop: 'Quill Pens' });
    const stored = await newUser(t.db, { name: 'Other Admin', admin: true });
    const suspended = await newUser(t.db, { name: 'Quill Suspended' });
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/v1/admin/users/${suspended.id}/suspend`,
          headers: bearer(admin.token),
        })
      ).statusCode,
    ).toBe(200);

    expect(await ids('q=quill')).toEqual([suspended.id, seller.id, buyer.id]);
    // % and _ are literal, not wildcards; an id matches exactly.
    expect(await ids('q=quill_')).toEqual([buyer.id]);
    expect(await ids(`q=${seller.id}`)).toEqual([seller.id]);
    expect(await ids('q=quill&role=seller')).toEqual([seller.id]);
    expect((await ids('role=admin')).sort()).toEqual([admin.id, stored.id].sort());
    expect(await ids('q=quill&status=suspended')).toEqual([suspended.id]);
    expect(await ids('q=quill&status=active')).toEqual([seller.id, buyer.id]);

    const [shown] = (await list(`q=${seller.id}`)).json().data;
    expect(shown).toMatchObject({
      id: seller.id,
      name: 'Quill Seller',
      roles: ['buyer', 'seller'],
      shop: { id: seller.shopId, name: 'Quill Pens' },
      suspended: false,
      suspended_at: null,
    });
  });

  it('pages by cursor without gaps or repeats', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await newUser(t.db, { name: `Pager ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await list(`q=Pager&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...answer.json().data.map((user: { id: string }) => user.id));
      cursor = answer.json().next_cursor;
    } while (cursor);
    expect(seen).toEqual(made.map((user) => user.id).reverse());
  });

  it('is for admins only and refuses bad filters', async () => {
    const buyer = await newUser(t.db);
    expectProblem(await t.app.inject({ method: 'GET', url: '/v1/admin/users' }), 401, 'unauthenticated');
    expectProblem(await list('', buyer.token), 403, 'forbidden');
    expectProblem(await list('role=owner'), 422, 'validation_failed');
    expectProblem(await list('status=gone'), 422, 'validation_failed');
    expectProblem(await list('cursor=nope'), 422, 'validation_failed');
  });
});
