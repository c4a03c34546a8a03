/**
 * The payment scenarios of `npm run bench`: the whole buying flow (add to cart → checkout → confirm
 * with pm_card_visa → the order is paid) in flows per second, and the ingestion of signed sandbox
 * webhooks, duplicates included, in events per second; each beside its raw limit, the same use
 * cases run in this process with no HTTP.
 */
import autocannon from 'autocannon';
import { buildServices, type Services } from '../src/app.js';
import { sandboxWebhookSecret } from '../src/modules/payments/payments.providers.js';
import { signWebhook } from '../src/modules/payments/webhook-signature.js';
import { type Database, openDatabase, sql, sqlArray } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';
import {
  type DrivenRound,
  type DrivenScenario,
  type DriveSetup,
  httpLoad,
  loopFor,
  Tally,
} from './driven.js';
import {
  BENCH_ADDRESS,
  type Buyer,
  type SeededShop,
  seedBuyers,
  seedShops,
  seedVariants,
} from './orders-seed.js';
import { type ProcessingPayment, seedProcessingPayments } from './payments-seed.js';
import type { BenchContext } from './scenarios.js';
import { idempotentWithoutHttp, serverConfig } from './without-http.js';

const SHOPS = 20;
const VARIANTS = 2000;
const PRICE_MINOR = 1999;
const CONNECTIONS = 32;
/** Requests one flow makes: add to cart, checkout, confirm, read the order. */
const REQUESTS_PER_FLOW = 4;
/** Each distinct event is delivered this many times: once applied, then duplicates. */
const WEBHOOK_COPIES = 3;
/** Copies of a block of events go out together, so that duplicates race as well as arrive late. */
const WEBHOOK_BLOCK = 64;
/**
 * Distinct events seeded per second of the run, warm-up included: several times the rate of the
 * raw path on the 2-core development VM. A faster machine runs out, and the run fails saying so.
 */
const EVENTS_PER_SECOND_SEEDED = 1500;

interface PaymentsCatalog {
  shops: SeededShop[];
  variantIds: string[];
}

function paymentsCatalog(context: BenchContext): Promise<PaymentsCatalog> {
  return context.shared('payments-catalog', async () => {
    const shops = await seedShops(context.db, SHOPS);
    const variantIds = await seedVariants(context.db, shops, {
      count: VARIANTS,
      variantsPerProduct: 4,
      stock: 1_000_000,
      priceMinor: PRICE_MINOR,
    });
    return { shops, variantIds };
  });
}

const randomVariant = (variantIds: readonly string[]) =>
  variantIds[Math.floor(Math.random() * variantIds.length)]!;

/**
 * The app's services in this process, on a pool of the server's size, for a raw path's rounds:
 * opened (every connection) before a round, closed after it, so that the bench's references do
 * not hold their connections all run long (PostgreSQL's default limit is 100).
 */
function inProcessServices(setup: DriveSetup) {
  const config = serverConfig(setup.databaseUrl);
  let open: { db: Database; services: Services } | undefined;
  const close = async () => {
    if (!open) return;
    const { db, services } = open;
    open = undefined;
    await services.close();
    await db.close();
  };
  return {
    async ready() {
      const db = await openDatabase({ databaseUrl: setup.databaseUrl, poolSize: config.dbPoolSize });
      open = { db, services: buildServices(config, db) };
      await Promise.all(Array.from({ length: config.dbPoolSize }, () => db.ping()));
    },
    /** Runs a round on the services, then closes them. */
    async round(run: (services: Services) => Promise<DrivenRound>): Promise<DrivenRound> {
      try {
        return await run(open!.services);
      } finally {
        await close();
      }
    },
    close,
  };
}

// The buying flow

/** What a connection remembers during one flow (autocannon resets it when the flow starts over). */
interface FlowContext {
  started?: number;
  paymentId?: string;
  orderId?: string;
}
const flowOf = (context: object) => context as FlowContext;

/**
 * Flows over HTTP: each connection is a buyer of its own, doing one flow after another; a flow
 * counts when the order it placed reads back `paid`. Any other answer is unexpected.
 */
function httpFlows(
  url: string,
  buyers: readonly Buyer[],
  variantIds: readonly string[],
  seconds: number,
): Promise<DrivenRound> {
  const tally = new Tally();
  const json = (buyer: Buyer, extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    authorization: `Bearer ${buyer.token}`,
    ...extra,
  });
  let nextBuyer = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: buyers.length,
        duration: seconds,
        // Never sent: each connection replaces it before its first request.
        requests: [{ method: 'GET', path: '/' }],
        setupClient: (client) => {
          const buyer = buyers[nextBuyer++ % buyers.length]!;
          const step = (name: string, status: number) => (actual: number) => {
            if (actual !== status) tally.count(`${name}:${actual}`, false);
            return actual === status;
          };
          client.setRequests([
            {
              setupRequest: (request, context) => {
                flowOf(context).started = performance.now();
                const body = JSON.stringify({ variant_id: randomVariant(variantIds), quantity: 1 });
                return { ...request, method: 'POST', path: '/v1/cart/items', headers: json(buyer), body };
              },
              onResponse: (status) => void step('cart', 200)(status),
            },
            {
              setupRequest: (request) => ({
                ...request,
                method: 'POST',
                path: '/v1/checkout',
                headers: json(buyer, { 'idempotency-key': newId('chk') }),
                body: JSON.stringify({ shipping_address: BENCH_ADDRESS }),
              }),
              onResponse: (status, body, context) => {
                if (!step('checkout', 201)(status)) return;
                const placed = JSON.parse(body);
                flowOf(context).paymentId = placed.payment.id;
                flowOf(context).orderId = placed.orders[0].id;
              },
            },
            {
              // After a failed checkout this confirms nothing: a 404, counted as unexpected.
              setupRequest: (request, context) => ({
                ...request,
                method: 'POST',
                path: `/v1/payments/${flowOf(context).paymentId ?? 'none'}/confirm`,
                headers: json(buyer, { 'idempotency-key': newId('chk') }),
                body: JSON.stringify({ payment_method: 'pm_card_visa' }),
              }),
              onResponse: (status) => void step('confirm', 200)(status),
            },
            {
              setupRequest: (request, context) => ({
                ...request,
                method: 'GET',
                path: `/v1/orders/${flowOf(context).orderId ?? 'none'}`,
                headers: { authorization: `Bearer ${buyer.token}` },
                body: undefined,
              }),
              onResponse: (status, body, context) => {
                if (!step('order', 200)(status)) return;
                const paid = JSON.parse(body).status === 'paid';
                tally.count(paid ? 'paid' : 'not_paid', paid);
                if (paid) tally.latenciesMs.push(performance.now() - flowOf(context).started!);
              },
            },
          ]);
        },
      },
      (error, result) =>
        error ? reject(error) : resolve(tally.round(result.duration, result.errors, result.timeouts)),
    );
  });
}

/** The same flow as the routes run it, minus HTTP: each route's caller lookup, then its use case. */
async function flowWithoutHttp(services: Services, buyer: Buyer, variantId: string) {
  const caller = async () => {
    const found = await services.identity.authenticate(buyer.token);
    if (!found) throw new Error('a bench buyer lost its session');
    return found;
  };
  await services.cart.addItem(await caller(), { variantId, quantity: 1 });
  const checkoutCaller = await caller();
  const placed = await idempotentWithoutHttp(
    services,
    checkoutCaller,
    { url: '/v1/checkout', body: { shipping_address: BENCH_ADDRESS } },
    async (answer) => ({
      status: 201,
      body: await services.orders.checkout(checkoutCaller, { shippingAddress: BENCH_ADDRESS }, answer),
    }),
  );
  if (placed.status !== 201) return { outcome: `checkout:${placed.status}`, expected: false };
  const { payment, orders } = JSON.parse(placed.body);
  const confirmCaller = await caller();
  const confirmed = await idempotentWithoutHttp(
    services,
    confirmCaller,
    { url: '/v1/payments/:id/confirm', params: { id: payment.id }, body: { payment_method: 'pm_card_visa' } },
    async (answer) => ({
      status: 200,
      body: await services.payments.confirm(confirmCaller, payment.id, 'pm_card_visa', answer),
    }),
  );
  if (confirmed.status !== 200) return { outcome: `confirm:${confirmed.status}`, expected: false };
  const order = await services.orders.get(await caller(), orders[0].id);
  return { outcome: order.status === 'paid' ? 'paid' : 'not_paid', expected: order.status === 'paid' };
}

const flowFigures = (measured: DrivenRound) => ({
  flows_per_s: Math.round(measured.completed / measured.seconds),
  requests_per_flow: REQUESTS_PER_FLOW,
});

const paymentFlowRaw: DrivenScenario = {
  name: 'payment-flow-raw',
  summary: `The raw limit of the buying flow: add to cart, checkout, confirm with pm_card_visa, read the paid order, as the routes' use cases, from ${CONNECTIONS} loops in the bench process, no HTTP`,
  async drive(setup) {
    const { variantIds } = await paymentsCatalog(setup.context);
    const buyers = await seedBuyers(
      setup.context.db,
      Array.from({ length: CONNECTIONS }, () => []),
    );
    const inProcess = inProcessServices(setup);
    // A buyer is in one flow at a time: each loop takes a free one for its flow and gives it back.
    const free = [...buyers];
    return {
      concurrency: CONNECTIONS,
      ready: inProcess.ready,
      run: (seconds) =>
        inProcess.round((services) =>
          loopFor(CONNECTIONS, seconds, async () => {
            const buyer = free.pop()!;
            try {
              return await flowWithoutHttp(services, buyer, randomVariant(variantIds));
            } finally {
              free.push(buyer);
            }
          }),
        ),
      async finish(measured) {
        await inProcess.close();
        return { figures: flowFigures(measured), problems: [] };
      },
    };
  },
};

const paymentFlow: DrivenScenario = {
  name: 'payment-flow',
  summary: `The buying flow over HTTP: POST /v1/cart/items, POST /v1/checkout, POST /v1/payments/{id}/confirm (pm_card_visa), GET /v1/orders/{id} reading paid; ${CONNECTIONS} connections, a buyer each`,
  compareTo: [{ scenario: 'payment-flow-raw' }],
  async drive(setup) {
    const { variantIds } = await paymentsCatalog(setup.context);
    const buyers = await seedBuyers(
      setup.context.db,
      Array.from({ length: CONNECTIONS }, () => []),
    );
    return {
      concurrency: CONNECTIONS,
      run: (seconds) => httpFlows(setup.serverUrl, buyers, variantIds, seconds),
      finish: async (measured) => ({ figures: flowFigures(measured), problems: [] }),
    };
  },
};

// Webhook ingestion

/**
 * Signed sandbox `payment.succeeded` events for the seeded payments, each sent WEBHOOK_COPIES
 * times: a block of events, then its copies. Past the last one it sends an event for an unknown
 * payment (answered `ignored`, so unexpected) and says the run ran out.
 */
async function webhookStream(setup: DriveSetup) {
  const { shops } = await paymentsCatalog(setup.context);
  const seconds = setup.warmupSeconds + setup.measuredSeconds;
  const payments = await seedProcessingPayments(
    setup.context.db,
    shops,
    Math.ceil(EVENTS_PER_SECOND_SEEDED * seconds),
    PRICE_MINOR,
  );
  // The same secret the server signs and verifies with: configured, or the one kept in the database.
  const secret = await sandboxWebhookSecret(
    setup.context.db,
    process.env.BAZAAR_SANDBOX_WEBHOOK_SECRET?.trim() || undefined,
  )();
  const eventOf = (payment: ProcessingPayment | undefined, index: number) =>
    JSON.stringify({
      id: payment ? `evt_bench_${payment.paymentId}` : newId('evt'),
      type: 'payment.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: {
        payment_id: payment?.paymentId ?? 'pay_none',
        attempt: 1,
        intent_id: `si_bench_${index}`,
        failure_code: null,
      },
    });
  let sent = 0;
  let highest = -1;
  return {
    next(): { body: string; signature: string } {
      const block = Math.floor(sent / (WEBHOOK_BLOCK * WEBHOOK_COPIES));
      const index = block * WEBHOOK_BLOCK + ((sent % (WEBHOOK_BLOCK * WEBHOOK_COPIES)) % WEBHOOK_BLOCK);
      sent++;
      highest = Math.max(highest, index);
      const body = eventOf(payments[index], index);
      return { body, signature: signWebhook(secret, body, Math.floor(Date.now() / 1000)) };
    },
    /** What the sent events did: each applied once (its order paid and booked once), none ignored. */
    async finish(measured: DrivenRound) {
      const reached = payments.slice(0, highest + 1);
      const [row] = await setup.context.db.query<{ applied: number; bookedTwice: number }>(sql`
        SELECT (SELECT count(*)::int FROM payments
                WHERE id = ANY(${sqlArray(reached.map((p) => p.paymentId))}::text[]) AND status = 'succeeded') AS applied,
               (SELECT count(*)::int FROM (
                  SELECT order_id FROM ledger_entries WHERE order_id = ANY(${sqlArray(reached.map((p) => p.orderId))}::text[])
                  GROUP BY order_id HAVING count(*) > 1) AS twice) AS "bookedTwice"`);
      return {
        figures: {
          events_per_s: Math.round(measured.completed / measured.seconds),
          copies_per_event: WEBHOOK_COPIES,
          // Over the whole run, warm-up included: every distinct event sent, and the payments it settled.
          distinct_events_in_run: reached.length,
          payments_settled_in_run: row!.applied,
        },
        problems: [
          ...(highest >= payments.length
            ? ['ran out of seeded payments: raise EVENTS_PER_SECOND_SEEDED in bench/payments-scenarios.ts']
            : []),
          ...(row!.bookedTwice > 0 ? [`${row!.bookedTwice} orders booked twice`] : []),
        ],
      };
    },
  };
}

const webhooksRaw: DrivenScenario = {
  name: 'webhooks-raw',
  summary: `The raw limit of webhook ingestion: the endpoint's verification and exactly-once application in the bench process, ${CONNECTIONS} loops, each event ${WEBHOOK_COPIES} times`,
  async drive(setup) {
    const stream = await webhookStream(setup);
    const inProcess = inProcessServices(setup);
    return {
      concurrency: CONNECTIONS,
      ready: inProcess.ready,
      run: (seconds) =>
        inProcess.round((services) =>
          loopFor(CONNECTIONS, seconds, async () => {
            const { body, signature } = stream.next();
            const outcome = await services.payments.receiveWebhook('sandbox', Buffer.from(body), {
              'bazaar-signature': signature,
            });
            return { outcome, expected: outcome !== 'ignored' };
          }),
        ),
      async finish(measured) {
        await inProcess.close();
        return stream.finish(measured);
      },
    };
  },
};

const webhooks: DrivenScenario = {
  name: 'webhooks',
  summary: `POST /v1/webhooks/sandbox, signed payment.succeeded events of processing payments, each sent ${WEBHOOK_COPIES} times (duplicates racing and late), ${CONNECTIONS} connections`,
  compareTo: [{ scenario: 'webhooks-raw' }],
  async drive(setup) {
    const stream = await webhookStream(setup);
    return {
      concurrency: CONNECTIONS,
      run: (seconds) =>
        httpLoad({
          url: setup.serverUrl,
          connections: CONNECTIONS,
          seconds,
          next: () => {
            const { body, signature } = stream.next();
            return {
              method: 'POST',
              path: '/v1/webhooks/sandbox',
              headers: { 'content-type': 'application/json', 'bazaar-signature': signature },
              body,
            };
          },
          expected: (status, body) => status === 200 && JSON.parse(body).outcome !== 'ignored',
        }),
      finish: (measured) => stream.finish(measured),
    };
  },
};

/** In SCENARIOS order: each after the scenario it compares itself to. */
export const PAYMENT_SCENARIOS: DrivenScenario[] = [paymentFlowRaw, paymentFlow, webhooksRaw, webhooks];
