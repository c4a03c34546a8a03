import type { FastifyInstance } from 'fastify';
import type { WindowCounters } from './counters.js';
import { RateLimited } from './errors.js';

/** Probes and scrapes come from the platform, not from clients: never refused. */
const UNLIMITED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

const WINDOW_SECONDS = 1;

/**
 * The general per-client limit (`BAZAAR_RATE_LIMIT_RPS`): at most `requestsPerSecond` requests per
 * client address in each one-second window, counted in `counters` — Redis, so shared by every API
 * process, when it is configured and answers; this process's own counts otherwise.
 */
export function registerRateLimit(app: FastifyInstance, counters: WindowCounters, requestsPerSecond: number) {
  app.addHook('onRequest', async (request) => {
    if (UNLIMITED_ROUTES.has(request.routeOptions.url ?? '')) return;
    const { count, resetSeconds } = await counters.hit(`rate:${request.ip}`, WINDOW_SECONDS);
    if (count > requestsPerSecond) throw new RateLimited(resetSeconds);
  });
}
