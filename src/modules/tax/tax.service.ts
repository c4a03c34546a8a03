import { type AuditAction, appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database, PlannedStatement, Queryable } from '../../platform/db.js';
import { isUniqueViolation } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { money } from '../../platform/money.js';
import type { TaxRateRule } from './tax.compute.js';
import { taxErrors } from './tax.errors.js';
import * as repo from './tax.repo.js';
import { presentTaxRate } from './tax.schemas.js';

/** Where the report's numbers come from: the ledger's tax_payable and the orders' places. */
export interface TaxReportSources {
  /** Tax credited (payments) or debited (refunds) to tax_payable per order in the period. */
  taxMovements(
    db: Queryable,
    period: { from: Date; to: Date },
  ): Promise<{ orderId: string; kind: string; credit: number }[]>;
  /** Each order's place and the net amount it was taxed on. */
  taxBases(
    db: Queryable,
    orderIds: readonly string[],
  ): Promise<{ orderId: string; country: string; region: string | null; taxableAmount: number }[]>;
}

export interface TaxDeps {
  db: Database;
  currency: string;
  sources: TaxReportSources;
}

const taken = (error: unknown) => {
  throw isUniqueViolation(error) ? taxErrors.error('tax_rate_exists') : error;
};

/**
 * Tax: the rates admins keep, and what pricing reads of them. Owns the table tax_rates. A rate
 * change reaches checkouts after it; placed orders keep the tax they were charged.
 */
export class TaxService {
  private readonly db: Database;
  private readonly currency: string;
  private readonly sources: TaxReportSources;

  constructor(deps: TaxDeps) {
    this.db = deps.db;
    this.currency = deps.currency;
    this.sources = deps.sources;
  }

  async list() {
    return { data: (await repo.listRates(this.db)).map(presentTaxRate) };
  }

  async create(fields: repo.TaxRateFields) {
    return this.db.transaction(async (tx) => {
      const row = await repo.insertRate(tx, newId('txr'), fields).catch(taken);
      await auditRate(tx, 'tax_rate.created', null, row);
      return presentTaxRate(row);
    });
  }

  async update(id: string, changes: Partial<repo.TaxRateFields>) {
    return this.db.transaction(async (tx) => {
      const before = await repo.lockRate(tx, id);
      if (!before) throw taxErrors.error('tax_rate_not_found');
      const row = (await repo.updateRate(tx, id, changes).catch(taken))!;
      await auditRate(tx, 'tax_rate.updated', before, row);
      return presentTaxRate(row);
    });
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await repo.deleteRate(tx, id);
      if (!row) throw taxErrors.error('tax_rate_not_found');
      await auditRate(tx, 'tax_rate.deleted', row, null);
    });
  }

  /**
   * The rates that may apply to an address in `country`: a read for the caller's transaction, with
   * its other reads at once (see readAtOnce).
   */
  ratesForRead(country: string): PlannedStatement<TaxRateRule[]> {
    return repo.ratesOfCountryRead(country.toUpperCase());
  }

  /**
   * Tax by place over a period [from, to): tax collected by the payments in it, tax given back by
   * its refunds, and the net amount the collected tax was charged on. Made from tax_payable's own
   * movements, so the net tax equals the ledger's to the cent.
   */
  async report(period: { from: Date; to: Date }) {
    return this.db.transaction(async (tx) => {
      const movements = await this.sources.taxMovements(tx, period);
      const bases = new Map(
        (await this.sources.taxBases(tx, [...new Set(movements.map((m) => m.orderId))])).map((b) => [
          b.orderId,
          b,
        ]),
      );
      const rows = new Map<
        string,
        { country: string; region: string | null; taxable: number; tax: number; refunded: number }
      >();
      for (const movement of movements) {
        const base = bases.get(movement.orderId);
        const country = base?.country ?? '';
        const region = base?.region ?? null;
        const key = `${country}:${region ?? ''}`;
        let row = rows.get(key);
        if (!row) {
          row = { country, region, taxable: 0, tax: 0, refunded: 0 };
          rows.set(key, row);
        }
        if (movement.kind === 'payment') {
          row.tax += movement.credit;
          row.taxable += base?.taxableAmount ?? 0;
        } else row.refunded -= movement.credit;
      }
      const amount = (minor: number) => money(minor, this.currency);
      const data = [...rows.values()]
        .filter((row) => row.tax !== 0 || row.refunded !== 0)
        .sort((a, b) => a.country.localeCompare(b.country) || (a.region ?? '').localeCompare(b.region ?? ''))
        .map((row) => ({
          country: row.country,
          region: row.region,
          taxable: amount(row.taxable),
          tax: amount(row.tax),
          refunded_tax: amount(row.refunded),
        }));
      const sum = (pick: (row: { taxable: number; tax: number; refunded: number }) => number) =>
        [...rows.values()].reduce((total, row) => total + pick(row), 0);
      const tax = sum((row) => row.tax);
      const refunded = sum((row) => row.refunded);
      return {
        from: period.from.toISOString(),
        to: period.to.toISOString(),
        data,
        totals: {
          taxable: amount(sum((row) => row.taxable)),
          tax: amount(tax),
          refunded_tax: amount(refunded),
          net_tax: amount(tax - refunded),
        },
      };
    });
  }
}

const AUDITED_RATE_FIELDS = [
  'name',
  'country',
  'region',
  'category',
  'rateBps',
  'appliesToShipping',
] as const satisfies readonly (keyof repo.TaxRateFields)[];

function auditRate(
  tx: Queryable,
  action: AuditAction,
  before: repo.TaxRateRow | null,
  after: repo.TaxRateRow | null,
): Promise<string> {
  return appendAudit(tx, {
    action,
    target: { type: 'tax_rate', id: (after ?? before)!.id },
    changes: changesBetween(before, after, AUDITED_RATE_FIELDS),
  });
}
