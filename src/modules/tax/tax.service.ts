import type { Database, Queryable } from '../../platform/db.js';
import { isUniqueViolation } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { TaxRateRule } from './tax.compute.js';
import { taxErrors } from './tax.errors.js';
import * as repo from './tax.repo.js';
import { presentTaxRate } from './tax.schemas.js';

const taken = (error: unknown) => {
  throw isUniqueViolation(error) ? taxErrors.error('tax_rate_exists') : error;
};

/**
 * Tax: the rates admins keep, and what pricing reads of them. Owns the table tax_rates. A rate
 * change reaches checkouts after it; placed orders keep the tax they were charged.
 */
export class TaxService {
  constructor(private readonly db: Database) {}

  async list() {
    return { data: (await repo.listRates(this.db)).map(presentTaxRate) };
  }

  async create(fields: repo.TaxRateFields) {
    return presentTaxRate(await repo.insertRate(this.db, newId('txr'), fields).catch(taken));
  }

  async update(id: string, changes: Partial<repo.TaxRateFields>) {
    const row = await repo.updateRate(this.db, id, changes).catch(taken);
    if (!row) throw taxErrors.error('tax_rate_not_found');
    return presentTaxRate(row);
  }

  async remove(id: string): Promise<void> {
    if (!(await repo.deleteRate(this.db, id))) throw taxErrors.error('tax_rate_not_found');
  }

  /** The rates that may apply to an address in `country`, read in the caller's transaction. */
  ratesFor(db: Queryable, country: string): Promise<TaxRateRule[]> {
    return repo.ratesOfCountry(db, country.toUpperCase());
  }
}
