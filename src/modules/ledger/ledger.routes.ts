import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { type CsvColumn, everyItem, moneyCell, sendCsv, wantsCsv } from '../../platform/csv.js';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { pageOf } from '../../platform/pagination.js';
import { Balance, LedgerLine, LedgerQuery, Sales, SalesQuery, TrialBalance } from './ledger.schemas.js';
import type { LedgerService } from './ledger.service.js';

type LedgerLineView = z.infer<typeof LedgerLine>;

/** One row per ledger line of the shop, amounts in major units (positive: a credit to the shop). */
const LEDGER_CSV_COLUMNS: readonly CsvColumn<LedgerLineView>[] = [
  { header: 'created_at', value: (line) => line.created_at },
  { header: 'kind', value: (line) => line.kind },
  { header: 'account', value: (line) => line.account },
  { header: 'amount', value: moneyCell((line: LedgerLineView) => line.amount) },
  { header: 'currency', value: (line) => line.amount.currency },
  { header: 'reference', value: (line) => line.reference },
  { header: 'order_id', value: (line) => line.order_id },
  { header: 'entry_id', value: (line) => line.entry_id },
  { header: 'line_id', value: (line) => line.id },
];

export function ledgerRoutes(app: FastifyInstance, service: LedgerService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['seller money'];
  const security = bearerSecurity;

  r.get(
    '/v1/shop/balance',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'payouts:read',
        tags,
        summary: "The caller's shop balances",
        security,
        response: { 200: Balance },
      },
    },
    async (request) => service.balance(callerOf(request).shop!.id),
  );

  r.get(
    '/v1/shop/ledger',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'payouts:read',
        tags,
        summary: "The shop's ledger lines, newest first (`Accept: text/csv`: every line as CSV)",
        security,
        querystring: LedgerQuery,
        response: { 200: pageOf(LedgerLine) },
      },
    },
    async (request, reply) => {
      const shopId = callerOf(request).shop!.id;
      if (!wantsCsv(request)) return service.lines(shopId, request.query);
      return sendCsv(
        reply,
        'ledger.csv',
        LEDGER_CSV_COLUMNS,
        everyItem((limit, cursor) => service.lines(shopId, { limit, cursor })),
      );
    },
  );

  r.get(
    '/v1/shop/sales',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'payouts:read',
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
        'x-bazaar-scope': 'admin',
        tags,
        summary: 'Debits and credits per account; the totals are always equal',
        security,
        response: { 200: TrialBalance },
      },
    },
    async () => service.trialBalance(),
  );
}
