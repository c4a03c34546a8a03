/**
 * Outbound webhook fan-out: outbox events relayed to 10 marketplace endpoints on a loopback
 * receiver in this process, by the app's own relay and delivery jobs, measured beside the relay's
 * own rate in the same rounds.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildServices, type Services } from '../src/app.js';
import { registerWebhookJobs } from '../src/modules/webhooks/index.js';
import { type Database, openDatabase, sql } from '../src/platform/db.js';
import { JobRunner } from '../src/platform/jobs.js';
import type { DrivenRound, DrivenScenario } from './driven.js';
import { serverConfig } from './without-http.js';

const ENDPOINTS = 10;
/** Events waiting in the outbox when a round starts: more than a round relays. */
const BACKLOG = 20_000;
/** Job runners taking deliveries side by side (each sends its claimed batch one after another). */
const DELIVERY_RUNNERS = 8;

/** A receiver that answers 200 to every POST and counts each (path, event id) it sees. */
async function startReceiver() {
  const seen = new Map<string, number>();
  const server = createServer((request, response) => {
    const eventId = request.headers['bazaar-event-id'];
    request.resume();
    request.on('end', () => {
      const key = `${request.url} ${eventId}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const counts = async (db: Database) => {
  const [row] = await db.query<{ relayed: number; delivered: number }>(sql`
    SELECT (SELECT count(*)::int FROM outbox_events WHERE published_at IS NOT NULL AND id LIKE 'evt_fanout_%') AS relayed,
      (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'delivered') AS delivered`);
  return row!;
};

const webhookFanout: DrivenScenario = {
  name: 'webhook-fanout',
  summary: `Outbox events (product.updated.v1, one product each) relayed and POSTed, signed, to ${ENDPOINTS} endpoints on a loopback receiver by the delivery jobs (${DELIVERY_RUNNERS} runners); req/s = events delivered to all ${ENDPOINTS} per second, beside the relay's own events/s`,
  async drive(setup) {
    const config = { ...serverConfig(setup.databaseUrl), webhooksAllowPrivate: true };
    const receiver = await startReceiver();
    const db = await openDatabase({ databaseUrl: setup.databaseUrl, poolSize: config.dbPoolSize });
    const services: Services = buildServices(config, db);
    const runners = Array.from({ length: DELIVERY_RUNNERS }, (_, i) => {
      const runner = new JobRunner(db, { workerId: `bench-fanout-${i}`, batchSize: 20 });
      registerWebhookJobs(runner, services.webhooks);
      return runner;
    });
    for (let i = 0; i < ENDPOINTS; i++) {
      await services.webhooks.create(
        { shopId: null, userId: 'usr_bench_fanout' },
        { url: `http://127.0.0.1:${receiver.port}/endpoint-${i}`, events: ['product.updated.v1'] },
      );
    }
    let round = 0;
    const relayRates: number[] = [];
    return {
      concurrency: DELIVERY_RUNNERS,
      async ready() {
        // Each round starts from its own backlog, with nothing of the last round left to deliver.
        await db.execute(sql`UPDATE outbox_events SET published_at = now() WHERE published_at IS NULL`);
        await db.execute(sql`DELETE FROM jobs WHERE kind = 'webhooks.deliver'`);
        await db.execute(sql`DELETE FROM webhook_deliveries WHERE status = 'pending'`);
        round += 1;
        await db.execute(sql`
          INSERT INTO outbox_events (id, type, data)
          SELECT 'evt_fanout_' || ${round} || '_' || g, 'product.updated.v1',
            jsonb_build_object('id', 'prod_fanout_' || ${round} || '_' || g, 'title', 'Bench lamp',
                               'shop', jsonb_build_object('id', 'shop_bench', 'name', 'Bench'))
          FROM generate_series(1, ${BACKLOG}) AS g`);
      },
      async run(seconds): Promise<DrivenRound> {
        const before = await counts(db);
        const started = performance.now();
        const deadline = started + seconds * 1000;
        const relay = async () => {
          while (performance.now() < deadline) {
            if ((await services.outbox.relayOnce()) === 0) await new Promise((r) => setTimeout(r, 5));
          }
        };
        const deliver = async (runner: JobRunner) => {
          while (performance.now() < deadline) {
            if ((await runner.runDueJobs()) === 0) await new Promise((r) => setTimeout(r, 5));
          }
        };
        await Promise.all([relay(), ...runners.map(deliver)]);
        const elapsed = (performance.now() - started) / 1000;
        const after = await counts(db);
        relayRates.push((after.relayed - before.relayed) / elapsed);
        const eventsDelivered = Math.floor((after.delivered - before.delivered) / ENDPOINTS);
        return {
          completed: eventsDelivered,
          seconds: elapsed,
          latenciesMs: [],
          outcomes: { delivered: eventsDelivered },
          unexpected: 0,
          errors: 0,
          timeouts: 0,
        };
      },
      async finish(measured) {
        const duplicates = [...receiver.seen.values()].filter((count) => count > 1).length;
        const [failed] = await db.query<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'failed' OR last_status_code <> 200`,
        );
        await services.close();
        await db.close();
        await receiver.close();
        // The relay's rate over the measured rounds (the first is the warm-up, when there is one).
        const measuredRelay = relayRates.slice(-Math.max(1, relayRates.length - 1));
        return {
          figures: {
            endpoints: ENDPOINTS,
            relay_events_per_s: Math.round(
              measuredRelay.reduce((sum, rate) => sum + rate, 0) / measuredRelay.length,
            ),
            delivered_events_per_s: Math.round(measured.completed / measured.seconds),
            deliveries_per_s: Math.round((measured.completed * ENDPOINTS) / measured.seconds),
          },
          problems: [
            ...(duplicates > 0 ? [`${duplicates} (endpoint, event) pairs received twice`] : []),
            ...(failed!.n > 0 ? [`${failed!.n} deliveries failed or were refused`] : []),
          ],
        };
      },
    };
  },
};

export const WEBHOOK_SCENARIOS: DrivenScenario[] = [webhookFanout];
