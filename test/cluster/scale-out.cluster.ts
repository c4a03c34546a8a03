/**
 * `npm run test:cluster`: Bazaar as it runs at scale — three `bazaar serve` processes and two
 * `bazaar worker`s on a fresh PostgreSQL database, Redis and NATS JetStream — and what must hold
 * there, also when a process dies mid-request. The service URLs are TEST_DATABASE_URL (an admin
 * URL: the suite creates and drops its own database), TEST_REDIS_URL and TEST_NATS_URL, defaulting
 * to the local services .ci/run starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, sql, sqlArray } from '../../src/platform/db.js';
import { migrate } from '../../src/platform/migrate.js';
import { newUser, type TestUser } from '../factories/identity.js';
import { newStockedProduct } from '../factories/inventory.js';
import { ADDRESS } from '../factories/payments.js';
import { freePort } from '../free-port.js';
import { jetStreamReader, uniqueStream } from '../jetstream.js';
import { databaseUrlWithName, withDatabase } from '../postgres-admin.js';
import { BazaarProcess } from './processes.js';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const natsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const JOB_LEASE_SECONDS = 5;

const databaseName = `bazaar_cluster_${randomBytes(4).toString('hex')}`;
const databaseUrl = databaseUrlWithName(adminUrl, databaseName);
const names = uniqueStream();
/** Behind a load balancer: every test client comes from an address of this run's own. */
const clientAddress = () => `10.${[...randomBytes(3)].join('.')}`;

let db: Database;
let logDir: string;
let api: BazaarProcess[] = [];
let workers: BazaarProcess[] = [];
let reader: Awaited<ReturnType<typeof jetStreamReader>>;
let seller: TestUser;

beforeAll(async () => {
  await withDatabase(adminUrl, (admin) => admin.query(`CREATE DATABASE ${databaseName}`));
  db = await openDatabase({ databaseUrl, poolSize: 10 });
  await migrate(db);
  reader = await jetStreamReader(natsUrl);
  seller = await newUser(db, { shop: 'Cluster Shop' });

  logDir = await mkdtemp(path.join(tmpdir(), 'bazaar-cluster-'));
  console.log(`cluster process logs: ${logDir}`);
  const ports = [await freePort(), await freePort(), await freePort()];
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    NATS_URL: natsUrl,
    BAZAAR_NATS_STREAM: names.stream,
    BAZAAR_NATS_SUBJECT_PREFIX: names.subjectPrefix,
    BAZAAR_TRUST_PROXY: '1',
    BAZAAR_JOB_LEASE_SECONDS: String(JOB_LEASE_SECONDS),
    BAZAAR_SEED_DEMO: 'false',
    BAZAAR_DB_POOL_SIZE: '10',
    BAZAAR_DATA_DIR: logDir,
    BAZAAR_PUBLIC_URL: `http://127.0.0.1:${ports[0]}`,
    HOST: '127.0.0.1',
  };
  [api, workers] = await Promise.all([
    Promise.all(
      ports.map((port, i) => BazaarProcess.serve(`api-${i}`, port, { ...env, LOG_LEVEL: 'warn' }, logDir)),
    ),
    Promise.all(
      [0, 1].map((i) => BazaarProcess.worker(`worker-${i}`, { ...env, LOG_LEVEL: 'info' }, logDir)),
    ),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([...api, ...workers].map((process) => process.stop()));
  await reader?.close([names.stream]);
  await db?.close();
  await withDatabase(adminUrl, (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`),
  );
}, 60_000);

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One request to one process, as a load balancer would forward it. */
async function call(
  to: BazaarProcess,
  method: 'GET' | 'POST',
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; from?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${to.url}${url}`, {
    method,
    headers: {
      'x-forwarded-for': options.from ?? clientAddress(),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

interface CheckoutBody {
  id: string;
  orders: { id: string; items: { variant_id: string; quantity: number }[] }[];
  payment: { id: string };
}

const checkout = (to: BazaarProcess, buyer: TestUser, key: string) =>
  call(to, 'POST', '/v1/checkout', {
    token: buyer.token,
    body: { shipping_address: ADDRESS },
    headers: { 'idempotency-key': key },
  });

/** Buyers whose carts hold `lines(i)`, filled through the API processes in turn. */
async function buyersWithCarts(
  count: number,
  lines: (i: number) => { variantId: string; quantity: number }[],
) {
  const buyers: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const buyer = await newUser(db);
    for (const line of lines(i)) {
      const added = await call(api[i % 2]!, 'POST', '/v1/cart/items', {
        token: buyer.token,
        body: { variant_id: line.variantId, quantity: line.quantity },
      });
      expect(added.status, JSON.stringify(added.body)).toBe(200);
    }
    buyers.push(buyer);
  }
  return buyers;
}

const stockLevels = async (variantIds: string[]) =>
  db.query<{ variantId: string; onHand: number; reserved: number }>(sql`
    SELECT variant_id AS "variantId", on_hand AS "onHand", reserved FROM stock_levels
    WHERE variant_id = ANY(${sqlArray(variantIds)}::text[]) ORDER BY variant_id`);

const countBy = (values: (string | number)[]) =>
  values.reduce<Record<string, number>>((counts, value) => {
    counts[value] = (counts[value] ?? 0) + 1;
    return counts;
  }, {});

describe('three API processes and two workers on PostgreSQL, Redis and NATS', () => {
  it('sells a flash sale spread across all three processes without overselling', async () => {
    const units = 25;
    const product = await newStockedProduct(db, { shopId: seller.shopId!, variants: [{ stock: units }] });
    const variantId = product.variants[0]!.id;
    const buyers = await buyersWithCarts(75, () => [{ variantId, quantity: 1 }]);

    const answers = await Promise.all(buyers.map((buyer, i) => checkout(api[i % 3]!, buyer, `flash-${i}`)));

    expect(countBy(answers.map((answer) => answer.status))).toEqual({ 201: units, 409: 75 - units });
    for (const answer of answers.filter((a) => a.status === 409)) {
      expect(answer.body).toMatchObject({ code: 'insufficient_stock' });
    }
    expect(await stockLevels([variantId])).toEqual([{ variantId, onHand: units, reserved: units }]);
    const [sold] = await db.query<{ units: number }>(
      sql`SELECT coalesce(sum(quantity), 0)::int AS units FROM order_items WHERE variant_id = ${variantId}`,
    );
    expect(sold!.units).toBe(units);
  });

  it('makes one checkout of one Idempotency-Key sent to different processes', async () => {
    const product = await newStockedProduct(db, { shopId: seller.shopId!, variants: [{ stock: 10 }] });
    const [buyer] = await buyersWithCarts(1, () => [{ variantId: product.variants[0]!.id, quantity: 2 }]);
    const key = `one-key-${randomBytes(4).toString('hex')}`;

    const racing = await Promise.all(api.map((to) => checkout(to, buyer!, key)));
    const executed = racing.filter(
      (a) => a.status === 201 && a.headers.get('idempotent-replayed') !== 'true',
    );
    expect(executed).toHaveLength(1);
    for (const answer of racing.filter((a) => a !== executed[0])) {
      if (answer.status === 409) expect(answer.body).toMatchObject({ code: 'idempotency_key_in_use' });
      else expect(answer).toMatchObject({ status: 201, body: executed[0]!.body });
    }
    for (const to of api) {
      const retried = await checkout(to, buyer!, key);
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(retried.body).toEqual(executed[0]!.body);
    }
    const [made] = await db.query<{ checkouts: number; payments: number }>(sql`
      SELECT (SELECT count(DISTINCT checkout_id) FROM orders WHERE buyer_id = ${buyer!.id})::int AS checkouts,
             (SELECT count(*) FROM payments WHERE buyer_id = ${buyer!.id})::int AS payments`);
    expect(made).toEqual({ checkouts: 1, payments: 1 });
  });

  it('throttles failed logins across processes', async () => {
    const user = await newUser(db);
    const from = clientAddress();
    const login = (to: BazaarProcess, password: string) =>
      call(to, 'POST', '/v1/auth/login', { body: { email: user.email, password }, from });

    for (let i = 0; i < 10; i++) {
      const failed = await login(api[i % 3]!, 'not-the-password');
      expect(failed.body).toMatchObject({ status: 401, code: 'invalid_credentials' });
    }
    for (const to of api) {
      const refused = await login(to, user.password);
      expect(refused.body).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('loses no acknowledged order, leaves no half-made one and keeps stock balanced when a process is killed mid-stream', async () => {
    const product = await newStockedProduct(db, {
      shopId: seller.shopId!,
      variants: [{ stock: 1000 }, { stock: 1000 }, { stock: 1000 }],
    });
    const variantIds = product.variants.map((variant) => variant.id);
    const buyers = await buyersWithCarts(120, (i) => [
      { variantId: variantIds[i % 3]!, quantity: 1 + (i % 2) },
      ...(i % 4 === 0 ? [{ variantId: variantIds[(i + 1) % 3]!, quantity: 1 }] : []),
    ]);
    const victim = api[2]!;
    const inFlight = new Map<BazaarProcess, number>(api.map((to) => [to, 0]));
    const acknowledged: CheckoutBody[] = [];
    let unanswered = 0;
    let next = 0;
    let killed = false;

    // Twelve clients; the victim is killed while it has checkouts in flight, and what would have
    // gone to it after goes to the others, as a load balancer's health check would have it.
    const client = async () => {
      for (let i = next++; i < buyers.length; i = next++) {
        const to = killed && i % 3 === 2 ? api[i % 2]! : api[i % 3]!;
        inFlight.set(to, inFlight.get(to)! + 1);
        if (!killed && to === victim && i > 30 && (inFlight.get(victim)! >= 3 || i > 60)) {
          killed = true;
          victim.kill('SIGKILL');
        }
        const answer = await checkout(to, buyers[i]!, `stream-${i}`).catch((error: unknown) => {
          if (to !== victim) throw error;
          return undefined;
        });
        inFlight.set(to, inFlight.get(to)! - 1);
        if (!answer) {
          unanswered++;
          continue;
        }
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        acknowledged.push(answer.body as CheckoutBody);
      }
    };
    await Promise.all(Array.from({ length: 12 }, client));
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(unanswered).toBeGreaterThan(0);

    const orderIds = acknowledged.flatMap((body) => body.orders.map((order) => order.id));
    const [found] = await db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM orders WHERE id = ANY(${sqlArray(orderIds)}::text[])`,
    );
    expect(found!.count).toBe(orderIds.length);

    // Per buyer: one whole checkout (orders with items, a payment of their total, an empty cart)
    // or none at all (the cart as it was).
    const outcomes = await db.query<{
      checkouts: number;
      itemless: number;
      paymentGap: number;
      cartLines: number;
    }>(sql`
      SELECT
        (SELECT count(DISTINCT checkout_id) FROM orders o WHERE o.buyer_id = u.id)::int AS checkouts,
        (SELECT count(*) FROM orders o WHERE o.buyer_id = u.id
           AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id))::int AS itemless,
        (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.buyer_id = u.id)::bigint
          - (SELECT coalesce(sum(o.total_amount), 0) FROM orders o WHERE o.buyer_id = u.id)::bigint AS "paymentGap",
        (SELECT count(*) FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = u.id)::int AS "cartLines"
      FROM unnest(${sqlArray(buyers.map((b) => b.id))}::text[]) AS u(id)`);
    for (const [i, outcome] of outcomes.entries()) {
      const lines = i % 4 === 0 ? 2 : 1;
      expect([
        { checkouts: 1, itemless: 0, paymentGap: 0, cartLines: 0 },
        { checkouts: 0, itemless: 0, paymentGap: 0, cartLines: lines },
      ]).toContainEqual({ ...outcome, paymentGap: Number(outcome.paymentGap) });
    }
    expect(outcomes.filter((o) => o.checkouts === 1).length).toBeGreaterThanOrEqual(acknowledged.length);

    // Every unit reserved is held by an order line or by a hold the killed process's batches
    // granted to checkouts it never finished (they expire: kill-batch.cluster.ts releases them),
    // and every movement is accounted for.
    const balance = await db.query<{
      variantId: string;
      ordered: number;
      held: number;
      movedOnHand: number;
      movedReserved: number;
    }>(sql`
      SELECT v.id AS "variantId",
        (SELECT coalesce(sum(quantity), 0) FROM order_items WHERE variant_id = v.id)::int AS ordered,
        (SELECT coalesce(sum(quantity), 0) FROM stock_holds WHERE variant_id = v.id)::int AS held,
        (SELECT coalesce(sum(on_hand_delta), 0) FROM stock_movements WHERE variant_id = v.id)::int AS "movedOnHand",
        (SELECT coalesce(sum(reserved_delta), 0) FROM stock_movements WHERE variant_id = v.id)::int AS "movedReserved"
      FROM unnest(${sqlArray(variantIds)}::text[]) AS v(id) ORDER BY v.id`);
    const levels = await stockLevels(variantIds);
    expect(levels).toEqual(
      balance.map((b) => ({ variantId: b.variantId, onHand: 1000, reserved: b.ordered + b.held })),
    );
    expect(balance.map((b) => [b.movedOnHand, b.movedReserved])).toEqual(
      levels.map((l) => [l.onHand, l.reserved]),
    );
  });

  it('finishes the requests in flight on SIGTERM before exiting', async () => {
    const to = api[1]!;
    const product = await newStockedProduct(db, { shopId: seller.shopId!, variants: [{ stock: 5 }] });
    const variantId = product.variants[0]!.id;
    const [buyer] = await buyersWithCarts(1, () => [{ variantId, quantity: 1 }]);
    // The checkout waits on the stock row this transaction holds, so it is in flight for sure.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM stock_levels WHERE variant_id = $1 FOR UPDATE', [variantId]);
      const pending = checkout(to, buyer!, `graceful-${randomBytes(4).toString('hex')}`);
      await expect.poll(() => waitingOnLocks(holder), { timeout: 10_000 }).toBeGreaterThan(0);

      to.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(to.running).toBe(true);
      await holder.query('COMMIT');

      const answer = await pending;
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(await to.exited).toEqual({ code: 0, signal: null });
    } finally {
      await holder.end();
    }
  });

  it('lets another worker finish a job whose worker was killed mid-run, once its lease ends', async () => {
    const product = await newStockedProduct(db, { shopId: seller.shopId!, variants: [{ stock: 5 }] });
    const variantId = product.variants[0]!.id;
    const [buyer] = await buyersWithCarts(1, () => [{ variantId, quantity: 2 }]);
    const placed = await checkout(api[0]!, buyer!, `expiring-${randomBytes(4).toString('hex')}`);
    expect(placed.status).toBe(201);
    const orderId = (placed.body as CheckoutBody).orders[0]!.id;

    await db.execute(sql`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ${orderId}`);
    const claim = async () =>
      (
        await db.query<{ lockedBy: string | null; lockedUntil: Date | null }>(sql`
          SELECT locked_by AS "lockedBy", locked_until AS "lockedUntil"
          FROM jobs WHERE kind = 'orders.expire' AND dedupe_key = ${orderId}`)
      )[0];
    let leaseEnd: Date | undefined;
    // The expiry job waits on the order row this transaction holds: its worker is mid-job.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
      await db.execute(
        sql`UPDATE jobs SET run_at = now() WHERE kind = 'orders.expire' AND dedupe_key = ${orderId}`,
      );
      await expect.poll(async () => (await claim())?.lockedBy, { timeout: 10_000 }).toBeTruthy();
      const claimed = (await claim())!;
      leaseEnd = new Date(claimed.lockedUntil!);
      // locked_by is host:pid:random.
      const pid = Number(claimed.lockedBy!.split(':').at(-2));
      const owner = workers.find((worker) => worker.pid === pid);
      expect(owner).toBeDefined();
      await expect.poll(() => waitingOnLocks(holder), { timeout: 10_000 }).toBeGreaterThan(0);

      owner!.kill('SIGKILL');
      await owner!.exited;
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }

    // The handler commits the cancellation, then the runner deletes the job in its own transaction.
    await expect
      .poll(
        async () =>
          (
            await db.query<{ status: string; jobs: number }>(sql`
              SELECT
                (SELECT status FROM orders WHERE id = ${orderId}) AS status,
                (SELECT count(*) FROM jobs WHERE kind = 'orders.expire' AND dedupe_key = ${orderId})::int AS jobs`)
          )[0],
        { timeout: 30_000, interval: 250 },
      )
      .toEqual({ status: 'cancelled', jobs: 0 });
    const [once] = await db.query<{
      cancelledAt: Date;
      releases: number;
      events: number;
      jobs: number;
      reserved: number;
    }>(sql`
      SELECT
        (SELECT cancelled_at FROM orders WHERE id = ${orderId}) AS "cancelledAt",
        (SELECT count(*) FROM stock_movements WHERE reference = ${orderId} AND kind = 'release')::int AS releases,
        (SELECT count(*) FROM outbox_events WHERE type = 'order.expired.v1' AND data->>'id' = ${orderId})::int AS events,
        (SELECT count(*) FROM jobs WHERE kind = 'orders.expire' AND dedupe_key = ${orderId})::int AS jobs,
        (SELECT reserved FROM stock_levels WHERE variant_id = ${variantId}) AS reserved`);
    expect(once).toEqual({ cancelledAt: expect.any(Date), releases: 1, events: 1, jobs: 0, reserved: 0 });
    // Taken over only once the dead worker's lease had ended, and soon after.
    const takenOverAfterMs = new Date(once!.cancelledAt).getTime() - leaseEnd!.getTime();
    expect(takenOverAfterMs).toBeGreaterThanOrEqual(0);
    expect(takenOverAfterMs).toBeLessThan(JOB_LEASE_SECONDS * 1000);
  });

  it('publishes every event to JetStream exactly once', async () => {
    await expect
      .poll(
        async () =>
          (
            await db.query<{ count: number }>(
              sql`SELECT count(*)::int AS count FROM outbox_events WHERE published_at IS NULL`,
            )
          )[0]!.count,
        { timeout: 60_000, interval: 500 },
      )
      .toBe(0);
    const events = await db.query<{ id: string; type: string }>(
      sql`SELECT id, type FROM outbox_events ORDER BY seq`,
    );
    expect(events.filter((event) => event.type === 'order.placed.v1').length).toBeGreaterThan(100);
    const stored = await reader.messages(names.stream);
    expect(stored.every((message) => message.msgId === message.event.id)).toBe(true);
    expect(stored.every((message) => message.subject === `${names.subjectPrefix}${message.event.type}`)).toBe(
      true,
    );
    expect(countBy(stored.map((message) => message.event.id))).toEqual(
      countBy(events.map((event) => event.id)),
    );
  });
});

/** Backends of the cluster's database waiting for a lock (on what `holder` holds). */
async function waitingOnLocks(holder: pg.Client): Promise<number> {
  const { rows } = await holder.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
  );
  return rows[0]!.count;
}
