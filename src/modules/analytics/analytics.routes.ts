import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity } from '../../platform/http.js';
import { analyticsErrors } from './analytics.errors.js';
import { Analytics, AnalyticsQuery } from './analytics.schemas.js';
import type { AnalyticsService } from './analytics.service.js';

export function analyticsRoutes(app: FastifyInstance, service: AnalyticsService, guards: AuthGuards): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/admin/analytics',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags: ['admin'],
        summary:
          'Marketplace figures per day, ISO week or month (UTC, the marketplace currency): `?from=&to=&interval=`',
        security: bearerSecurity,
        querystring: AnalyticsQuery,
        response: {
          200: Analytics,
          ...analyticsErrors.responses('analytics_period_invalid', 'analytics_period_too_long'),
        },
      },
    },
    async (request) => service.report(request.query),
  );
}
