import type { Services } from '../app.js';
import type { Caller } from '../platform/http.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The demo's promotions: a marketplace-wide welcome code (platform-funded, once per buyer, over a
 * minimum) and one shop's automatic sale, so the cart and checkout show both kinds of discount.
 * Seeded after the demo orders, which keep their undiscounted prices.
 */
export async function seedDemoPromotions(
  services: Services,
  sellers: ReadonlyMap<string, Caller>,
): Promise<void> {
  await services.promotions.create(
    { fundedBy: 'platform' },
    {
      code: 'WELCOME10',
      type: 'percentage',
      percentBps: 1000,
      minSubtotalMinor: 2500,
      perCustomerLimit: 1,
    },
  );
  const bo = sellers.get('bo@demo.bazaar');
  if (bo?.shop) {
    await services.promotions.create(
      { fundedBy: 'shop', shopId: bo.shop.id },
      {
        automatic: true,
        type: 'percentage',
        percentBps: 1500,
        endsAt: new Date(Date.now() + 30 * DAY_MS),
      },
    );
  }
}
