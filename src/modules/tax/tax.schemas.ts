import { z } from 'zod';
import type { TaxRateRow } from './tax.repo.js';

export const CountryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US')
  .transform((code) => code.toUpperCase());
export const RegionCode = z
  .string()
  .regex(/^[A-Za-z0-9]{1,3}$/, 'an ISO 3166-2 subdivision code without the country, such as CA')
  .transform((code) => code.toUpperCase());
export const TaxCategory = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _, up to 40')
  .describe('a product tax category such as "reduced" or "books"');

export const TaxRate = z.object({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  region: z.string().nullable(),
  category: z.string().nullable(),
  rate_bps: z.number().int().describe('basis points: 725 is 7.25%'),
  applies_to_shipping: z.boolean(),
});
export const TaxRateList = z.object({ data: z.array(TaxRate) });

export const TaxRateBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  country: CountryCode,
  region: RegionCode.nullable().optional(),
  category: TaxCategory.nullable().optional(),
  rate_bps: z.number().int().min(0).max(10_000),
  applies_to_shipping: z.boolean().optional(),
});
export const TaxRatePatch = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  country: CountryCode.optional(),
  region: RegionCode.nullable().optional(),
  category: TaxCategory.nullable().optional(),
  rate_bps: z.number().int().min(0).max(10_000).optional(),
  applies_to_shipping: z.boolean().optional(),
});
export const TaxRateParams = z.strictObject({ id: z.string().min(1).max(64) });

export const presentTaxRate = (row: TaxRateRow): z.infer<typeof TaxRate> => ({
  id: row.id,
  name: row.name,
  country: row.country,
  region: row.region,
  category: row.category,
  rate_bps: row.rateBps,
  applies_to_shipping: row.appliesToShipping,
});

const Day = z.iso.date().describe('a date, YYYY-MM-DD (UTC)');
export const TaxReportQuery = z.strictObject({
  from: Day.optional().describe('the first day of the period (default: the first of this month)'),
  to: Day.optional().describe('the last day of the period, included (default: today)'),
});

const TaxMoney = z.object({ amount: z.number().int(), currency: z.string() });
export const TaxReport = z.object({
  from: z.string(),
  to: z.string().describe('the end of the period, excluded'),
  data: z.array(
    z.object({
      country: z.string(),
      region: z.string().nullable(),
      taxable: TaxMoney.describe('the net amount the tax collected in the period was charged on'),
      tax: TaxMoney.describe('tax collected by payments in the period'),
      refunded_tax: TaxMoney.describe('tax given back by refunds in the period'),
    }),
  ),
  totals: z.object({
    taxable: TaxMoney,
    tax: TaxMoney,
    refunded_tax: TaxMoney,
    net_tax: TaxMoney.describe("tax − refunded_tax: the ledger's tax_payable movement in the period"),
  }),
});
