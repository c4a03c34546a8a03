import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type client from 'prom-client';
import { NotFound, problemOf } from './errors.js';
import { registerSecurityHeaders, type SecurityHeaderOptions } from './security-headers.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** `/metrics` on a port of its own (BAZAAR_METRICS_PORT), or null when the API port serves it. */
    metricsServer: FastifyInstance | null;
  }
}

/** Only this host reaches the metrics port; a scraper elsewhere goes through an ops sidecar or tunnel. */
export const METRICS_HOST = '127.0.0.1';

const METRICS_ROUTE_SCHEMA = { tags: ['ops'], summary: 'Prometheus metrics' };

/** Serves `registry` as Prometheus text at `/metrics` of `server`. */
export function metricsRoute(server: FastifyInstance, registry: client.Registry): void {
  server.get('/metrics', { schema: METRICS_ROUTE_SCHEMA }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

/**
 * A server that answers `/metrics` and nothing else, with the API's security headers. It is
 * not listening yet: `bazaar serve` and `start` bind it to METRICS_HOST, and closing the API
 * app closes it.
 */
export async function buildMetricsServer(
  registry: client.Registry,
  log: FastifyBaseLogger,
  securityHeaders: SecurityHeaderOptions,
): Promise<FastifyInstance> {
  const server = Fastify({ loggerInstance: log });
  await registerSecurityHeaders(server, securityHeaders);
  server.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type('application/problem+json')
      .send(problemOf(new NotFound('route'), request.id)),
  );
  metricsRoute(server, registry);
  await server.ready();
  return server;
}
