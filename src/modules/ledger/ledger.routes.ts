import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { pageOf } from '../../platform/pagination.js';
import { Balance, LedgerLine, LedgerQuery, Sales, SalesQuery, TrialBalance } from './ledger.schemas.js';
import type { LedgerService } from './ledger.service.js';

export function ledgerRoutes(app: FastifyInstance, service: LedgerService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['seller money'];
  const security = bearerSecurity;

  r.get(
    '/v1/shop/balance',
    {
      onRequest: guards.seller,
      schema: { tags, summary: "The caller's shop balances", security, response: { 200: Balance } },
    },
    async (request) => service.balance(callerOf(request).shop!.id),
  );

  r.get(
    '/v1/shop/ledger',
    {
      onRequest: guards.seller,
      schema: {
        tags,
        summary: "The shop's ledger lines, newest first",
        security,
        querystring: LedgerQuery,
        response: { 200: pageOf(LedgerLine) },
      },
    },
    async (request) => service.lines(callerOf(request).shop!.id, request.query),
  );

  r.get(
    '/v1/shop/sales',
    {
      onRequest: guards.seller,
      schema: {
        tags,
        summary: "The shop's sales per day",
        security,
        querystring: SalesQuery,
        response: { 200: Sales },
      },
    },
    async (request) => service.sales(callerOf(request).shop!.id, request.query.days),
  );

  r.get(
    '/v1/admin/ledger/trial-balance',
    {
      onRequest: guards.admin,
      schema: {
        tags,
        summary: 'Debits and credits per account; the totals are always equal',
        security,
        response: { 200: TrialBalance },
      },
    },
    async () => service.trialBalance(),
  );
}
