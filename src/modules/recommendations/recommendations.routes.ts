import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { IdParams } from '../catalog/index.js';
import { recommendationsErrors } from './recommendations.errors.js';
import { RecommendationList, RecommendationQuery } from './recommendations.schemas.js';
import type { RecommendationsService } from './recommendations.service.js';

export function recommendationsRoutes(
  app: FastifyInstance,
  service: RecommendationsService,
  guards: AuthGuards,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['recommendations'];

  r.get(
    '/v1/products/:id/recommendations',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Customers who bought this also bought',
        description:
          'Co-purchased products first, then products of similar text and category, then popular ones; never the product itself, archived or sold-out products. `strategy` names the signal behind most of the list.',
        params: IdParams,
        querystring: RecommendationQuery,
        response: { 200: RecommendationList, ...recommendationsErrors.responses('product_not_found') },
      },
    },
    async (request) => service.forProduct(request.params.id, request.query.limit),
  );

  r.get(
    '/v1/me/recommendations',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Recommendations for the caller from what they bought and viewed',
        description:
          'Never a product the caller bought. `personal` when the list comes mostly from their history, `popular` when mostly from popular products (a new user).',
        security: bearerSecurity,
        querystring: RecommendationQuery,
        response: { 200: RecommendationList },
      },
    },
    async (request) => service.forUser(callerOf(request).id, request.query.limit),
  );
}
