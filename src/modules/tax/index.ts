/**
 * Tax: rates by country, region and product category (admins keep them), the pure tax arithmetic
 * pricing uses, and the tax report. Owns the tables tax_rates and tax_transactions.
 */

export { matchTaxRate, shippingTaxRate, type TaxRateRule, taxOf } from './tax.compute.js';
export { taxRoutes } from './tax.routes.js';
export { TaxCategory } from './tax.schemas.js';
export { TaxService } from './tax.service.js';
