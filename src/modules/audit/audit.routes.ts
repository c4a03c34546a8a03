import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { pageOf } from '../../platform/pagination.js';
import { auditErrors } from './audit.errors.js';
import { AdminAuditQuery, AuditEvent, ShopAuditQuery } from './audit.schemas.js';
import type { AuditService } from './audit.service.js';

export function auditRoutes(app: FastifyInstance, service: AuditService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/admin/audit',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags: ['admin'],
        summary: 'The audit trail, newest first: `?actor=&target=&action=&from=&to=`',
        security: bearerSecurity,
        querystring: AdminAuditQuery,
        response: { 200: pageOf(AuditEvent), ...auditErrors.responses('audit_period_invalid') },
      },
    },
    async (request) => service.list(request.query),
  );

  r.get(
    '/v1/shop/audit',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'session',
        tags: ['shop'],
        summary: "The audit trail of the caller's shop, newest first: `?target=&action=&from=&to=`",
        security: bearerSecurity,
        querystring: ShopAuditQuery,
        response: { 200: pageOf(AuditEvent), ...auditErrors.responses('audit_period_invalid') },
      },
    },
    async (request) => service.list(request.query, callerOf(request).shop!.id),
  );
}
