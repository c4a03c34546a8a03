import type { Services } from '../app.js';
import type { ShippingRate } from '../modules/pricing/index.js';
import type { Caller } from '../platform/http.js';

interface DemoOption {
  name: string;
  countries: string[];
  rate: ShippingRate;
  freeOverMinor: number | null;
  minDays: number;
  maxDays: number;
}

const flat = (amountMinor: number): ShippingRate => ({ type: 'flat', amountMinor });

/** Each demo shop's options (by seller email): standard and express, free over an amount, one domestic-only shop. */
const DEMO_SHIPPING: Readonly<Record<string, readonly DemoOption[]>> = {
  'ada@demo.bazaar': [
    { name: 'Standard', countries: ['*'], rate: flat(495), freeOverMinor: 7500, minDays: 3, maxDays: 6 },
    {
      name: 'Express',
      countries: ['US', 'CA'],
      rate: flat(1495),
      freeOverMinor: null,
      minDays: 1,
      maxDays: 2,
    },
  ],
  'bo@demo.bazaar': [
    {
      name: 'Standard',
      countries: ['*'],
      rate: { type: 'per_item', firstMinor: 500, additionalMinor: 150 },
      freeOverMinor: 10_000,
      minDays: 3,
      maxDays: 7,
    },
    { name: 'Express', countries: ['US'], rate: flat(1900), freeOverMinor: null, minDays: 1, maxDays: 2 },
  ],
  'cy@demo.bazaar': [
    {
      name: 'Tracked parcel',
      countries: ['*'],
      rate: {
        type: 'weight',
        tiers: [
          { upToGrams: 1000, amountMinor: 600 },
          { upToGrams: 5000, amountMinor: 1200 },
          { upToGrams: 20_000, amountMinor: 2500 },
        ],
      },
      freeOverMinor: 25_000,
      minDays: 2,
      maxDays: 5,
    },
    { name: 'Next day', countries: ['US'], rate: flat(2400), freeOverMinor: null, minDays: 1, maxDays: 1 },
  ],
  'dee@demo.bazaar': [
    { name: 'Lettre suivie', countries: ['*'], rate: flat(350), freeOverMinor: 4000, minDays: 4, maxDays: 9 },
  ],
  // Park Pantry ships food: within the US only.
  'eli@demo.bazaar': [
    { name: 'US standard', countries: ['US'], rate: flat(400), freeOverMinor: 3500, minDays: 2, maxDays: 5 },
    { name: 'US express', countries: ['US'], rate: flat(900), freeOverMinor: null, minDays: 1, maxDays: 2 },
  ],
};

const DEMO_ADDRESSES: Readonly<
  Record<
    string,
    {
      name: string;
      line1: string;
      city: string;
      region: string;
      postal_code: string;
      country: string;
      phone: string;
    }
  >
> = {
  'cleo@demo.bazaar': {
    name: 'Cleo Buyer',
    line1: '12 Market Street',
    city: 'Springfield',
    region: 'IL',
    postal_code: '62701',
    country: 'US',
    phone: '+1 217 555 0142',
  },
  'dev@demo.bazaar': {
    name: 'Dev Shopper',
    line1: '400 Harbor Way',
    city: 'Seattle',
    region: 'WA',
    postal_code: '98101',
    country: 'US',
    phone: '+1 206 555 0199',
  },
};

/** Every demo shop's shipping options, and a default address in each demo buyer's book. */
export async function seedDemoShipping(
  services: Services,
  sellers: ReadonlyMap<string, Caller>,
  buyers: ReadonlyMap<string, Caller>,
): Promise<void> {
  for (const [email, options] of Object.entries(DEMO_SHIPPING)) {
    const seller = sellers.get(email);
    if (!seller) continue;
    for (const option of options) await services.shipping.addOption(seller, { ...option, active: true });
  }
  for (const [email, address] of Object.entries(DEMO_ADDRESSES)) {
    const buyer = buyers.get(email);
    if (buyer) await services.shipping.addAddress(buyer, { ...address, isDefault: true });
  }
}
