import type { Services } from '../app.js';

/**
 * The demo's tax rates: a few US states' sales tax (clothing exempt where those states exempt it,
 * shipping taxed where the state taxes it) and EU VAT with a reduced rate for books, so checkouts
 * to the demo buyers' addresses (Illinois, Washington) show tax, and a German or French address
 * shows VAT on the shipping too.
 */
const DEMO_TAX_RATES = [
  { name: 'Illinois', country: 'US', region: 'IL', category: null, rateBps: 625, appliesToShipping: false },
  { name: 'Washington', country: 'US', region: 'WA', category: null, rateBps: 650, appliesToShipping: true },
  { name: 'California', country: 'US', region: 'CA', category: null, rateBps: 725, appliesToShipping: false },
  { name: 'New York', country: 'US', region: 'NY', category: null, rateBps: 400, appliesToShipping: true },
  {
    name: 'New York clothing',
    country: 'US',
    region: 'NY',
    category: 'clothing',
    rateBps: 0,
    appliesToShipping: false,
  },
  {
    name: 'Pennsylvania',
    country: 'US',
    region: 'PA',
    category: null,
    rateBps: 600,
    appliesToShipping: true,
  },
  {
    name: 'Pennsylvania clothing',
    country: 'US',
    region: 'PA',
    category: 'clothing',
    rateBps: 0,
    appliesToShipping: false,
  },
  {
    name: 'Germany VAT',
    country: 'DE',
    region: null,
    category: null,
    rateBps: 1900,
    appliesToShipping: true,
  },
  {
    name: 'Germany VAT, books',
    country: 'DE',
    region: null,
    category: 'books',
    rateBps: 700,
    appliesToShipping: false,
  },
  { name: 'France VAT', country: 'FR', region: null, category: null, rateBps: 2000, appliesToShipping: true },
  {
    name: 'France VAT, books',
    country: 'FR',
    region: null,
    category: 'books',
    rateBps: 550,
    appliesToShipping: false,
  },
] as const;

export async function seedDemoTax(services: Services): Promise<void> {
  for (const rate of DEMO_TAX_RATES) await services.tax.create(rate);
}
