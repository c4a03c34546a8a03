/**
 * Group commit for hot variants across a crash (`npm run test:cluster`): two `bazaar serve`
 * processes on one fresh PostgreSQL database sell one hot variant, and one is SIGKILLed while its
 * batched holds are granted and its checkouts are still turning them into orders. The holds it
 * leaves behind keep their units out of stock until they expire, and no more: every acknowledged
 * order is in the database, stock is never oversold, and the reservations and the movement log
 * balance before and after the expired holds are released.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseExpiredHolds } from '../../src/modules/inventory/index.js';
import { type Database, openDatabase, sql, sqlArray } from '../../src/platform/db.js';
import { migrate } from '../../src/platform/migrate.js';
import { newUser, type TestUser } from '../factories/identity.js';
import { newStockedProduct } from '../factories/inventory.js';
import { ADDRESS } from '../factories/payments.js';
import { freePort } from '../free-port.js';
import { databaseUrlWithName, withDatabase } from '../postgres-admin.js';
import { BazaarProcess } from './processes.js';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const UNITS = 300;
const BUYERS = 600;
/** The victim's buyers want two units each, the survivor's one: a hold's quantity says whose it is. */
const VICTIM_QUANTITY = 2;
/** The victim dies once it acknowledged this many orders and has this many holds not yet taken. */
const KILL_AFTER_ACKNOWLEDGED = 3;
const KILL_WITH_HOLDS = 5;
/** ...or, should its holds never show, once this many checkouts were answered. */
const KILL_ANYWAY_AFTER_ANSWERS = BUYERS / 4;

const databaseName = `bazaar_killbatch_${randomBytes(4).toString('hex')}`;
const databaseUrl = databaseUrlWithName(adminUrl, databaseName);
/** Behind a load balancer: every request comes from a client address of its own (a loopback one). */
const clientAddress = () => `127.${[...randomBytes(3)].join('.')}`;

let db: Database;
let api: BazaarProcess[] = [];

beforeAll(async () => {
  await withDatabase(adminUrl, (admin) => admin.query(`CREATE DATABASE ${databaseName}`));
  db = await openDatabase({ databaseUrl, poolSize: 10 });
  await migrate(db);
  const logDir = await mkdtemp(path.join(tmpdir(), 'bazaar-killbatch-'));
  console.log(`kill-batch process logs: ${logDir}`);
  const ports = [await freePort(), await freePort()];
  api = await Promise.all(
    ports.map((port, i) =>
      BazaarProcess.serve(
        `api-${i}`,
        port,
        {
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          BAZAAR_TRUST_PROXY: '1',
          BAZAAR_SEED_DEMO: 'false',
          BAZAAR_DB_POOL_SIZE: '10',
          BAZAAR_DATA_DIR: logDir,
          BAZAAR_PUBLIC_URL: `http://127.0.0.1:${ports[0]}`,
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          // Group commit is on by default; no worker runs, so expired holds wait for this test.
        },
        logDir,
      ),
    ),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(api.map((process) => process.stop()));
  await db?.close();
  await withDatabase(adminUrl, (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`),
  );
}, 60_000);

/** One request to one process, as a load balancer would forward it; rejects on a connection error. */
async function call(
  to: BazaarProcess,
  url: string,
  options: { token: string; body: unknown; headers?: Record<string, string> },
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${to.url}${url}`, {
    method: 'POST',
    headers: {
      'x-forwarded-for': clientAddress(),
      authorization: `Bearer ${options.token}`,
      'content-type': 'application/json',
      ...options.headers,
    },
    body: JSON.stringify(options.body),
    signal: AbortSignal.timeout(45_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Runs `work` over `items`, `width` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  width: number,
  work: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
    }),
  );
}

interface CheckoutBody {
  id: string;
  orders: { id: string; items: { variant_id: string; quantity: number }[] }[];
}

const one = async <T extends object>(query: ReturnType<typeof sql>) => (await db.query<T>(query))[0]!;

describe('group commit when an API process is killed mid-batch', () => {
  it('finds stock balanced and no acknowledged order lost after one of two processes is SIGKILLed mid-burst', async () => {
    const [survivor, victim] = [api[0]!, api[1]!];
    const seller = await newUser(db, { shop: 'Kill Batch Shop' });
    const product = await newStockedProduct(db, { shopId: seller.shopId!, variants: [{ stock: UNITS }] });
    const variantId = product.variants[0]!.id;
    // Buyers with the variant in their carts, each sending its checkout to the process it is of.
    const buyers: { user: TestUser; to: BazaarProcess; quantity: number }[] = [];
    await eachLimited(
      Array.from({ length: BUYERS }, (_, i) => i),
      8,
      async (i) => {
        const to = i % 2 === 0 ? survivor : victim;
        const buyer = { user: await newUser(db), to, quantity: to === victim ? VICTIM_QUANTITY : 1 };
        const added = await call(to, '/v1/cart/items', {
          token: buyer.user.token,
          body: { variant_id: variantId, quantity: buyer.quantity },
        });
        expect(added.status, JSON.stringify(added.body)).toBe(200);
        buyers[i] = buyer;
      },
    );

    const answers: ({ status: number; body: unknown } | Error | undefined)[] = buyers.map(() => undefined);
    const outstandingOnVictim = () => buyers.filter((b, i) => b.to === victim && !answers[i]).length;
    let acknowledgedByVictim = 0;
    let burstDone = false;
    let killedWith: { victimHolds: number; acknowledgedByVictim: number; outstanding: number } | undefined;
    // The kill is decided from progress seen: once the victim has acknowledged orders and the
    // database shows holds of its batches (quantity VICTIM_QUANTITY) not yet taken by their checkouts.
    const watcher = (async () => {
      while (!burstDone && !killedWith) {
        const { victimHolds } = await one<{ victimHolds: number }>(sql`
          SELECT count(*)::int AS "victimHolds" FROM stock_holds WHERE quantity = ${VICTIM_QUANTITY}`);
        // (Holds that never show mean group commit broke: it dies later all the same, for the
        // checks below to tell how.)
        if (
          acknowledgedByVictim >= KILL_AFTER_ACKNOWLEDGED &&
          (victimHolds >= KILL_WITH_HOLDS || answers.filter(Boolean).length >= KILL_ANYWAY_AFTER_ANSWERS)
        ) {
          victim.kill('SIGKILL');
          killedWith = { victimHolds, acknowledgedByVictim, outstanding: outstandingOnVictim() };
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    // Every checkout at once, half to each process.
    await Promise.all(
      buyers.map(async (buyer, i) => {
        answers[i] = await call(buyer.to, '/v1/checkout', {
          token: buyer.user.token,
          body: { shipping_address: ADDRESS },
          headers: { 'idempotency-key': `burst-${i}` },
        }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        const answer = answers[i];
        if (buyer.to === victim && !(answer instanceof Error) && answer.status === 201)
          acknowledgedByVictim++;
      }),
    );
    burstDone = true;
    await watcher;

    // The kill came mid-burst: the victim had acknowledged orders, had checkouts in flight (they
    // got no answer) and holds granted that their checkouts had not taken.
    expect(killedWith, `the victim was not killed (${acknowledgedByVictim} acknowledged)`).toBeDefined();
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(survivor.running).toBe(true);
    const unanswered = buyers.filter((_, i) => answers[i] instanceof Error);
    expect(killedWith!.outstanding).toBeGreaterThan(0);
    expect(unanswered.length).toBeGreaterThan(0);
    expect(unanswered.every((buyer) => buyer.to === victim)).toBe(true);
    // Everything else was answered: sold (201) or sold out (409 insufficient_stock).
    const acknowledged: { buyer: (typeof buyers)[number]; body: CheckoutBody }[] = [];
    for (const [i, answer] of answers.entries()) {
      if (answer instanceof Error) continue;
      if (answer!.status === 409) expect(answer!.body).toMatchObject({ code: 'insufficient_stock' });
      else expect(answer!.status, JSON.stringify(answer!.body)).toBe(201);
      if (answer!.status === 201)
        acknowledged.push({ buyer: buyers[i]!, body: answer!.body as CheckoutBody });
    }

    // The dead process's backends may still be finishing a statement it sent (a batch's holds
    // commit even so): the checks below wait for the database to be quiet.
    await expect
      .poll(
        async () =>
          (
            await one<{ busy: number }>(sql`
              SELECT count(*)::int AS busy FROM pg_stat_activity
              WHERE datname = current_database() AND backend_type = 'client backend'
                AND pid <> pg_backend_pid() AND state <> 'idle'`)
          ).busy,
        { timeout: 20_000, interval: 100 },
      )
      .toBe(0);

    // No acknowledged order lost: each 201's orders are in the database, of its checkout and buyer,
    // with the line it bought.
    const expected = acknowledged.flatMap(({ buyer, body }) =>
      body.orders.map((order) => ({
        orderId: order.id,
        checkoutId: body.id,
        buyerId: buyer.user.id,
        quantity: buyer.quantity,
      })),
    );
    expect(expected).toHaveLength(acknowledged.length);
    const stored = await db.query<(typeof expected)[number]>(sql`
      SELECT o.id AS "orderId", o.checkout_id AS "checkoutId", o.buyer_id AS "buyerId", i.quantity
      FROM orders o JOIN order_items i ON i.order_id = o.id AND i.variant_id = ${variantId}
      WHERE o.id = ANY(${sqlArray(expected.map((order) => order.orderId))}::text[])`);
    const byOrder = (a: { orderId: string }, b: { orderId: string }) => a.orderId.localeCompare(b.orderId);
    expect(stored.sort(byOrder)).toEqual(expected.sort(byOrder));

    const balance = async () =>
      one<{
        onHand: number;
        reserved: number;
        orders: number;
        orderedUnits: number;
        openUnits: number;
        heldUnits: number;
        holds: number;
        survivorHolds: number;
        buyersWithTwo: number;
        movedOnHand: number;
        movedReserved: number;
      }>(sql`
        SELECT
          s.on_hand AS "onHand", s.reserved,
          (SELECT count(DISTINCT i.order_id) FROM order_items i WHERE i.variant_id = s.variant_id)::int AS orders,
          (SELECT coalesce(sum(i.quantity), 0) FROM order_items i WHERE i.variant_id = s.variant_id)::int
            AS "orderedUnits",
          (SELECT coalesce(sum(i.quantity - i.shipped_quantity), 0) FROM order_items i
             JOIN orders o ON o.id = i.order_id
             WHERE i.variant_id = s.variant_id AND o.status IN ('pending_payment', 'paid'))::int AS "openUnits",
          (SELECT coalesce(sum(h.quantity), 0) FROM stock_holds h WHERE h.variant_id = s.variant_id)::int
            AS "heldUnits",
          (SELECT count(*) FROM stock_holds)::int AS holds,
          (SELECT count(*) FROM stock_holds WHERE quantity <> ${VICTIM_QUANTITY})::int AS "survivorHolds",
          (SELECT count(*) FROM (SELECT buyer_id FROM orders GROUP BY buyer_id HAVING count(*) > 1) b)::int
            AS "buyersWithTwo",
          (SELECT coalesce(sum(m.on_hand_delta), 0) FROM stock_movements m WHERE m.variant_id = s.variant_id)::int
            AS "movedOnHand",
          (SELECT coalesce(sum(m.reserved_delta), 0) FROM stock_movements m WHERE m.variant_id = s.variant_id)::int
            AS "movedReserved"
        FROM stock_levels s WHERE s.variant_id = ${variantId}`);

    // After the crash: reserved is what open orders and the holds left have between them, never
    // more than on hand, and the movement log says so too.
    const before = await balance();
    console.log(
      `kill-batch: killed ${victim.name} with ${killedWith!.victimHolds} of its holds seen, ` +
        `${killedWith!.acknowledgedByVictim} orders acknowledged and ${killedWith!.outstanding} checkouts in flight; ` +
        `${acknowledged.length} acknowledged, ${unanswered.length} unanswered; ${before.orders} orders ` +
        `(${before.orderedUnits} units), ${before.holds} holds left (${before.heldUnits} units), reserved ${before.reserved}`,
    );
    expect(before.onHand).toBe(UNITS);
    expect(before.openUnits).toBe(before.orderedUnits);
    expect(before.reserved).toBe(before.openUnits + before.heldUnits);
    expect(before.reserved).toBeLessThanOrEqual(before.onHand);
    expect(before.orders).toBeLessThanOrEqual(UNITS);
    expect(before.orders).toBeGreaterThanOrEqual(acknowledged.length);
    expect(before.buyersWithTwo).toBe(0);
    expect([before.movedOnHand, before.movedReserved]).toEqual([before.onHand, before.reserved]);
    // The kill cut the victim's batched reservation short: holds granted to its checkouts that
    // never took them are left, and only its (the survivor took or gave back every one of its own).
    expect(before.holds).toBeGreaterThan(0);
    expect(before.survivorHolds).toBe(0);

    // Once every hold has expired, the expiry job gives their units back, and only theirs.
    const { lastExpiry } = await one<{ lastExpiry: Date }>(
      sql`SELECT max(expires_at) AS "lastExpiry" FROM stock_holds`,
    );
    expect(await releaseExpiredHolds(db, new Date(new Date(lastExpiry).getTime() + 1))).toBe(before.holds);
    const after = await balance();
    expect(after).toEqual({
      ...before,
      reserved: before.orderedUnits,
      heldUnits: 0,
      holds: 0,
      movedReserved: before.orderedUnits,
    });
  });
});
