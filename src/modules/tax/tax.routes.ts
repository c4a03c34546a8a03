import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { type CsvColumn, moneyCell, sendCsv, wantsCsv } from '../../platform/csv.js';
import { type AuthGuards, bearerSecurity, NoContent } from '../../platform/http.js';
import { majorUnits } from '../../platform/money.js';
import { taxErrors } from './tax.errors.js';
import {
  TaxRate,
  TaxRateBody,
  TaxRateList,
  TaxRateParams,
  TaxRatePatch,
  TaxReport,
  TaxReportQuery,
} from './tax.schemas.js';
import type { TaxService } from './tax.service.js';

type TaxReportRow = z.infer<typeof TaxReport>['data'][number];
/** One row per place, amounts in major units, as a filing wants them. */
const TAX_CSV_COLUMNS: readonly CsvColumn<TaxReportRow>[] = [
  { header: 'country', value: (row) => row.country },
  { header: 'region', value: (row) => row.region },
  { header: 'taxable', value: moneyCell((row: TaxReportRow) => row.taxable) },
  { header: 'tax', value: moneyCell((row: TaxReportRow) => row.tax) },
  { header: 'refunded_tax', value: moneyCell((row: TaxReportRow) => row.refunded_tax) },
  {
    header: 'net_tax',
    value: (row) => majorUnits(row.tax.amount - row.refunded_tax.amount, row.tax.currency),
  },
  { header: 'currency', value: (row) => row.tax.currency },
];

export function taxRoutes(app: FastifyInstance, service: TaxService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { tags: ['tax'], security: bearerSecurity };

  r.get(
    '/v1/admin/tax-rates',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        ...admin,
        summary: 'Every tax rate',
        response: { 200: TaxRateList },
      },
    },
    async () => service.list(),
  );

  r.post(
    '/v1/admin/tax-rates',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        ...admin,
        summary: 'Add a tax rate (it applies to checkouts from now on)',
        body: TaxRateBody,
        response: { 201: TaxRate, ...taxErrors.responses('tax_rate_exists') },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const rate = await service.create({
        name: body.name,
        country: body.country,
        region: body.region ?? null,
        category: body.category ?? null,
        rateBps: body.rate_bps,
        appliesToShipping: body.applies_to_shipping ?? false,
      });
      return reply.status(201).send(rate);
    },
  );

  r.patch(
    '/v1/admin/tax-rates/:id',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        ...admin,
        summary: 'Change a tax rate (placed orders keep the tax they were charged)',
        params: TaxRateParams,
        body: TaxRatePatch,
        response: { 200: TaxRate, ...taxErrors.responses('tax_rate_not_found', 'tax_rate_exists') },
      },
    },
    async (request) => {
      const body = request.body;
      return service.update(request.params.id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.country !== undefined ? { country: body.country } : {}),
        ...(body.region !== undefined ? { region: body.region } : {}),
        ...(body.category !== undefined ? { category: body.category } : {}),
        ...(body.rate_bps !== undefined ? { rateBps: body.rate_bps } : {}),
        ...(body.applies_to_shipping !== undefined ? { appliesToShipping: body.applies_to_shipping } : {}),
      });
    },
  );

  r.delete(
    '/v1/admin/tax-rates/:id',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        ...admin,
        summary: 'Remove a tax rate',
        params: TaxRateParams,
        response: { 204: NoContent, ...taxErrors.responses('tax_rate_not_found') },
      },
    },
    async (request, reply) => {
      await service.remove(request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/v1/admin/tax/report',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        ...admin,
        summary:
          'Tax collected and refunded by place over a period; the net equals the ledger (`Accept: text/csv`: the rows as CSV)',
        querystring: TaxReportQuery,
        response: { 200: TaxReport, ...taxErrors.responses('report_period_invalid') },
      },
    },
    async (request, reply) => {
      const report = await service.report(reportPeriod(request.query));
      if (!wantsCsv(request)) return report;
      return sendCsv(
        reply,
        `tax-report-${request.query.from ?? report.from.slice(0, 10)}.csv`,
        TAX_CSV_COLUMNS,
        report.data,
      );
    },
  );
}

const DAY_MS = 24 * 3600 * 1000;

/** [from 00:00 UTC, the day after `to` 00:00 UTC); by default this month up to today. */
export function reportPeriod(
  query: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
) {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const from = query.from
    ? new Date(`${query.from}T00:00:00Z`)
    : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  const last = query.to ? new Date(`${query.to}T00:00:00Z`) : today;
  if (last < from)
    throw taxErrors.invalidAt('report_period_invalid', '/query/to', 'the period ends before it starts');
  return { from, to: new Date(last.getTime() + DAY_MS) };
}
