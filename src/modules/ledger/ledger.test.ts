import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { freshKey, moneyFlows, usd } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
});
afterAll(async () => {
  await t.close();
});

const failureOf = async (work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the database to refuse');
};

describe('the books, as the database keeps them', () => {
  it('refuses an unbalanced entry at commit, an entry without postings, and postings in another currency', async () => {
    await t.db.execute(sql`
      INSERT INTO ledger_accounts (id, shop_id, name, currency) VALUES
        ('platform:provider_clearing:USD', NULL, 'provider_clearing', 'USD'),
        ('platform:commission:USD', NULL, 'commission', 'USD')
      ON CONFLICT DO NOTHING`);
    const entry = (tx: { execute: typeof t.db.execute }, id: string) =>
      tx.execute(
        sql`INSERT INTO ledger_entries (id, kind, reference, shop_id) VALUES (${id}, 'payment', ${id}, 'shop_x')`,
      );
    const posting = (
      tx: { execute: typeof t.db.execute },
      entryId: string,
      account: string,
      amount: number,
      currency = 'USD',
    ) =>
      tx.execute(sql`
        INSERT INTO ledger_postings (id, entry_id, account_id, currency, amount)
        VALUES (${newId('led')}, ${entryId}, ${account}, ${currency}, ${amount})`);

    const unbalanced = await failureOf(() =>
      t.db.transaction(async (tx) => {
        await entry(tx, 'je_unbalanced');
        await posting(tx, 'je_unbalanced', 'platform:provider_clearing:USD', 100);
        await posting(tx, 'je_unbalanced', 'platform:commission:USD', -99);
      }),
    );
    expect(unbalanced.code).toBe('23514');
    expect(unbalanced.message).toMatch(/does not balance/);
    const empty = await failureOf(() => t.db.transaction((tx) => entry(tx, 'je_empty')));
    expect(empty.message).toMatch(/has no postings/);
    const otherCurrency = await failureOf(() =>
      t.db.transaction(async (tx) => {
        await entry(tx, 'je_eur');
        await posting(tx, 'je_eur', 'platform:provider_clearing:USD', 100, 'EUR');
        await posting(tx, 'je_eur', 'platform:commission:USD', -100, 'EUR');
      }),
    );
    expect(otherCurrency.code).toBe('23503');
    expect(
      await t.db.query(sql`SELECT 1 FROM ledger_entries WHERE id IN ('je_unbalanced', 'je_empty', 'je_eur')`),
    ).toEqual([]);

    // Balanced, the same statements commit.
    await t.db.transaction(async (tx) => {
      await entry(tx, 'je_balanced');
      await posting(tx, 'je_balanced', 'platform:provider_clearing:USD', 100);
      await posting(tx, 'je_balanced', 'platform:commission:USD', -100);
    });
  });

  it('refuses to change or remove what was posted', async () => {
    const [seller, buyer] = [await newUser(t.db, { shop: true }), await newUser(t.db)];
    const { order } = await flows.paidOrder(buyer, seller);
    for (const change of [
      sql`UPDATE ledger_postings SET amount = amount + 1 WHERE entry_id IN (SELECT id FROM ledger_entries WHERE order_id = ${order.id})`,
      sql`DELETE FROM ledger_postings WHERE entry_id IN (SELECT id FROM ledger_entries WHERE order_id = ${order.id})`,
      sql`UPDATE ledger_entries SET reference = 'x' WHERE order_id = ${order.id}`,
      sql`DELETE FROM ledger_entries WHERE order_id = ${order.id}`,
      sql`TRUNCATE ledger_postings, ledger_entries`,
    ]) {
      const refused = await failureOf(() => t.db.execute(change));
      expect(refused.code).toBe('55000');
    }
  });

  it('posts each cause once, however often it is reported', async () => {
    const [seller, buyer] = [await newUser(t.db, { shop: true }), await newUser(t.db)];
    const { order, payment } = await flows.paidOrder(buyer, seller, { priceMinor: 1000 });
    const money = {
      orderId: order.id,
      shopId: seller.shopId!,
      totalAmount: 1000,
      shippingAmount: 0,
      taxAmount: 0,
      discounts: { platformAmount: 0, shopShippingAmount: 0 },
      currency: 'USD',
    };
    await t.db.transaction(async (tx) => {
      await t.services.ledger.paymentCaptured(tx, payment.id, [money]);
      await t.services.ledger.paymentCaptured(tx, payment.id, [money]);
    });
    expect(await t.db.query(sql`SELECT 1 FROM ledger_entries WHERE order_id = ${order.id}`)).toHaveLength(1);
    expect((await flows.call('GET', '/v1/shop/balance', seller.token)).json().pending).toEqual(usd(900));
  });
});

describe('seller money views', () => {
  it('shows balance, ledger lines, sales and the trial balance after a sale, a delivery, a refund and a payout', async () => {
    const [seller, buyer] = [await newUser(t.db, { shop: true }), await newUser(t.db)];
    await flows.enablePayouts(seller);
    const { order, payment } = await flows.paidOrder(buyer, seller, { priceMinor: 1999 });
    await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
      carrier: 'UPS',
      tracking_number: '1Z',
    });
    await flows.call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token);
    // Commission 200 of 1999; a refund of 999 takes back round_half_up(200 × 999 / 1999) = 100 of it.
    const refund = (await flows.refund(seller.token, order.id, { amount: usd(999), reason: 'dent' })).json();
    const payout = (
      await flows.call(
        'POST',
        '/v1/shop/payouts',
        seller.token,
        { amount: usd(500) },
        { 'idempotency-key': freshKey() },
      )
    ).json();

    expect((await flows.call('GET', '/v1/shop/balance', seller.token)).json()).toEqual({
      pending: usd(0),
      available: usd(1799 - 899 - 500),
      paid_out: usd(500),
    });

    const lines = (await flows.call('GET', '/v1/shop/ledger', seller.token)).json();
    const summary = lines.data.map(
      (l: { kind: string; account: string; amount: { amount: number }; reference: string }) => [
        l.kind,
        l.account,
        l.amount.amount,
        l.reference,
      ],
    );
    expect(summary).toHaveLength(6);
    expect(summary.slice(0, 2)).toEqual(
      expect.arrayContaining([
        ['payout', 'available', -500, payout.id],
        ['payout', 'paid_out', 500, payout.id],
      ]),
    );
    expect(summary[2]).toEqual(['refund', 'available', -899, refund.id]);
    expect(summary.slice(3, 5)).toEqual(
      expect.arrayContaining([
        ['delivery', 'pending', -1799, order.id],
        ['delivery', 'available', 1799, order.id],
      ]),
    );
    expect(summary[5]).toEqual(['payment', 'pending', 1799, payment.id]);
    expect(lines.data[5]).toMatchObject({ order_id: order.id, amount: usd(1799) });
    expect(lines.data[0].id).toMatch(/^led_/);
    expect(lines.data[0].entry_id).toMatch(/^je_/);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = (
        await flows.call('GET', `/v1/shop/ledger?limit=4${cursor ? `&cursor=${cursor}` : ''}`, seller.token)
      ).json();
      pages.push(...page.data.map((line) => line.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages).toEqual(lines.data.map((line: { id: string }) => line.id));

    const sales = (await flows.call('GET', '/v1/shop/sales?days=7', seller.token)).json();
    expect(sales.data).toHaveLength(7);
    expect(sales.data.at(-1)).toEqual({
      date: new Date().toISOString().slice(0, 10),
      orders: 1,
      gross: usd(1999),
      net: usd(1799 - 899),
    });
    expect(sales.data[0]).toMatchObject({ orders: 0, gross: usd(0), net: usd(0) });
    expect((await flows.call('GET', '/v1/shop/sales', seller.token)).json().data).toHaveLength(30);

    const trial = (await flows.call('GET', '/v1/admin/ledger/trial-balance', admin.token)).json();
    expect(trial.totals.debits).toEqual(trial.totals.credits);
    expect(trial.accounts.map((a: { account: string }) => a.account)).toEqual([
      'provider_clearing',
      'commission',
      'payouts',
      'refunds_owed',
      'tax_payable',
      'promotions_expense',
      'dispute_hold',
      'refunds_expense',
      'pending',
      'available',
      'paid_out',
    ]);
    for (const account of trial.accounts) {
      expect(account.balance.amount).toBe(account.debits.amount - account.credits.amount);
    }
    const [clearing] = await t.db.query<{ balance: number }>(
      sql`SELECT coalesce(sum(amount), 0)::int AS balance FROM ledger_postings WHERE account_id = 'platform:provider_clearing:USD'`,
    );
    expect(trial.accounts[0].balance.amount).toBe(clearing!.balance);
  });

  it('lets only sellers read their shop money and only admins the trial balance', async () => {
    const buyer = await newUser(t.db);
    const seller = await newUser(t.db, { shop: true });
    for (const url of ['/v1/shop/balance', '/v1/shop/ledger', '/v1/shop/sales']) {
      expectProblem(await flows.call('GET', url), 401, 'unauthenticated');
      expectProblem(await flows.call('GET', url, buyer.token), 403, 'forbidden');
      expect((await flows.call('GET', url, seller.token)).statusCode).toBe(200);
    }
    expect((await flows.call('GET', '/v1/shop/balance', seller.token)).json()).toEqual({
      pending: usd(0),
      available: usd(0),
      paid_out: usd(0),
    });
    expectProblem(await flows.call('GET', '/v1/admin/ledger/trial-balance', seller.token), 403, 'forbidden');
    expectProblem(await flows.call('GET', '/v1/admin/ledger/trial-balance'), 401, 'unauthenticated');
    for (const url of [
      '/v1/shop/ledger?cursor=nope',
      '/v1/shop/ledger?limit=101',
      '/v1/shop/sales?days=0',
      '/v1/shop/sales?days=367',
      '/v1/shop/sales?x=1',
    ]) {
      expectProblem(await flows.call('GET', url, seller.token), 422, 'validation_failed');
    }
  });
});
