import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { pageOf } from '../../platform/pagination.js';
import { combineResponses } from '../../platform/problems.js';
import { paymentsErrors } from '../payments/index.js';
import { disputesErrors } from './disputes.errors.js';
import { Dispute, DisputeListQuery, DisputeParams, EvidenceBody } from './disputes.schemas.js';
import type { DisputesService } from './disputes.service.js';

export function disputesRoutes(app: FastifyInstance, service: DisputesService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['disputes'];

  r.get(
    '/v1/admin/disputes',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags,
        summary: 'Every card dispute, newest first',
        security: bearerSecurity,
        querystring: DisputeListQuery,
        response: { 200: pageOf(Dispute), ...disputesErrors.responses('period_invalid') },
      },
    },
    async (request) => service.list('all', request.query),
  );

  r.get(
    '/v1/shop/disputes',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'orders:read',
        tags,
        summary: "Card disputes touching the shop's orders, newest first, each with only the shop's part",
        security: bearerSecurity,
        querystring: DisputeListQuery,
        response: { 200: pageOf(Dispute), ...disputesErrors.responses('period_invalid') },
      },
    },
    async (request) => service.list({ shopId: callerOf(request).shop!.id }, request.query),
  );

  r.post(
    '/v1/shop/disputes/:id/evidence',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'orders:write',
        tags,
        summary:
          'Send evidence for an open dispute to the payment provider (sandbox: text with winning_evidence or losing_evidence decides it)',
        security: bearerSecurity,
        params: DisputeParams,
        body: EvidenceBody,
        response: {
          200: Dispute,
          ...combineResponses(
            disputesErrors.responses('dispute_not_found', 'dispute_closed', 'evidence_media_unknown'),
            paymentsErrors.responses('dispute_evidence_refused'),
          ),
        },
      },
    },
    async (request) => service.submitEvidence(callerOf(request), request.params.id, request.body),
  );
}
