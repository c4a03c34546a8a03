/**
 * What `npm run bench` measures. A scenario seeds what it needs into the bench database, then
 * answers the requests autocannon cycles through; it may name scenarios it is compared to (measured
 * in the same run, against the same server) and the least ratio of req/s it must reach.
 * To add one: append it to SCENARIOS, after the scenarios it compares itself to.
 */
import type autocannon from 'autocannon';
import type { Database } from '../src/platform/db.js';
import { newUser, type TestUser } from '../test/factories/identity.js';
import { BACK_OFFICE_SCENARIOS } from './analytics-scenarios.js';
import { CATALOG_SCENARIOS } from './catalog-scenarios.js';
import { type DrivenScenario, type GetRequest, PACE_PER_SECOND, pacedScenario } from './driven.js';
import { ORDER_SCENARIOS } from './orders-scenarios.js';
import { PAYMENT_SCENARIOS } from './payments-scenarios.js';
import { RECOMMENDATION_SCENARIOS } from './recommendations-scenarios.js';
import { WEBHOOK_SCENARIOS } from './webhook-scenarios.js';

export interface BenchContext {
  /** The bench database, for seeding (the server has its own pool on it). */
  db: Database;
  /** Computes `make` once per run, so scenarios share what they seed. */
  shared<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface Comparison {
  scenario: string;
  /**
   * What is compared: req/s (the default), or the p99 latency of two loads at one pace, which
   * answer the same req/s (the ratio is then this scenario's p99 over the other's).
   */
  figure?: 'p99_ms';
  /** The target: this scenario's req/s at least this fraction of the other's. */
  atLeast?: number;
}

export interface Scenario {
  name: string;
  summary: string;
  compareTo?: Comparison[];
  /** Concurrent connections, when not the run's (1 measures a request's latency, not throughput). */
  connections?: number;
  /** The requests each connection sends in turn, over and over. */
  prepare(context: BenchContext): Promise<autocannon.Request[]>;
  /**
   * The warm-up first sends each request once, over one connection: for routes whose caches fill
   * per request (a product's or a user's), so that the rounds measure the steady state and not the
   * first visit of whatever the timed warm-up did not reach.
   */
  warmEachRequest?: boolean;
}

const SEEDED_USERS = 1000;
const SEED_CONCURRENCY = 20;

/** Users with a live session, one in four with a shop (so both branches of the caller lookup run). */
function seededUsers(context: BenchContext): Promise<TestUser[]> {
  return context.shared('users', async () => {
    const users: TestUser[] = [];
    for (let start = 0; start < SEEDED_USERS; start += SEED_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(SEED_CONCURRENCY, SEEDED_USERS - start) }, (_, i) =>
        newUser(context.db, { shop: (start + i) % 4 === 0 }),
      );
      users.push(...(await Promise.all(batch)));
    }
    return users;
  });
}

const selectOneRequests = async (context: BenchContext): Promise<GetRequest[]> =>
  (await seededUsers(context)).map((user) => ({
    method: 'GET',
    path: `/__bench/select-one?id=${encodeURIComponent(user.id)}`,
  }));

export const SCENARIOS: (Scenario | DrivenScenario)[] = [
  {
    name: 'bare',
    summary: 'GET /__bench/bare: a Fastify JSON route on the app, no database (the ceiling)',
    prepare: async () => [{ method: 'GET', path: '/__bench/bare' }],
  },
  {
    name: 'select-one',
    summary: 'GET /__bench/select-one: one primary-key SELECT of a user through the app pool',
    prepare: selectOneRequests,
  },
  {
    name: 'select-one-latency',
    summary:
      'GET /__bench/select-one over one connection: the latency floor of a request that reads the database',
    connections: 1,
    prepare: selectOneRequests,
  },
  pacedScenario({
    name: 'select-one-paced',
    summary: `GET /__bench/select-one at ${PACE_PER_SECOND} req/s: the latency floor of a database read at that pace`,
    ratePerSecond: PACE_PER_SECOND,
    requests: selectOneRequests,
  }),
  {
    name: 'me',
    summary: 'GET /v1/me, authenticated, rotating over the seeded users’ session tokens',
    compareTo: [{ scenario: 'select-one', atLeast: 0.8 }, { scenario: 'bare' }],
    prepare: async (context) =>
      (await seededUsers(context)).map((user) => ({
        method: 'GET',
        path: '/v1/me',
        headers: { authorization: `Bearer ${user.token}` },
      })),
  },
  {
    name: 'me-latency',
    summary: 'GET /v1/me over one connection: the latency floor of an authenticated request',
    connections: 1,
    compareTo: [{ scenario: 'select-one-latency' }],
    prepare: async (context) =>
      (await seededUsers(context)).map((user) => ({
        method: 'GET',
        path: '/v1/me',
        headers: { authorization: `Bearer ${user.token}` },
      })),
  },
  ...ORDER_SCENARIOS,
  ...PAYMENT_SCENARIOS,
  ...CATALOG_SCENARIOS,
  ...RECOMMENDATION_SCENARIOS,
  ...BACK_OFFICE_SCENARIOS,
  ...WEBHOOK_SCENARIOS,
];
