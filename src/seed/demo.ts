import type { Services } from '../app.js';
import type { Caller } from '../platform/http.js';
import { seedDemoCatalog } from './demo-catalog.js';
import { seedDemoOrders } from './demo-orders.js';
import { seedDemoPromotions } from './demo-promotions.js';
import { seedDemoPurchases } from './demo-purchases.js';
import { seedDemoReviews } from './demo-reviews.js';
import { seedDemoShipping } from './demo-shipping.js';
import { seedDemoTax } from './demo-tax.js';

export const DEMO_PASSWORD = 'bazaar-demo-2026';

export interface DemoAccount {
  email: string;
  name: string;
  role: 'admin' | 'seller' | 'buyer';
  shop?: { name: string; description: string };
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: 'admin@demo.bazaar', name: 'Avery Admin', role: 'admin' },
  {
    email: 'ada@demo.bazaar',
    name: 'Ada Lovelace',
    role: 'seller',
    shop: { name: "Ada's Atelier", description: 'Hand-made homeware, prints and gifts.' },
  },
  {
    email: 'bo@demo.bazaar',
    name: 'Bo Jensen',
    role: 'seller',
    shop: { name: 'Bo & Co. Outfitters', description: 'Clothing and gear for city and trail.' },
  },
  {
    email: 'cy@demo.bazaar',
    name: 'Cy Okafor',
    role: 'seller',
    shop: { name: 'Okafor Audio', description: 'Speakers, headphones and desk gear, tuned by ear.' },
  },
  {
    email: 'dee@demo.bazaar',
    name: 'Dee Moreau',
    role: 'seller',
    shop: { name: 'Papeterie Moreau', description: 'Paper, ink and prints from a Lyon workshop.' },
  },
  {
    email: 'eli@demo.bazaar',
    name: 'Eli Park',
    role: 'seller',
    shop: { name: 'Park Pantry', description: 'Small-batch tea, coffee and spices.' },
  },
  { email: 'cleo@demo.bazaar', name: 'Cleo Buyer', role: 'buyer' },
  { email: 'dev@demo.bazaar', name: 'Dev Shopper', role: 'buyer' },
];

const DAY_MS = 86_400_000;
const VACATION_STARTS_IN_DAYS = 30;

/**
 * The demo's sellers can be paid out: each completes the sandbox's onboarding, as a seller does on
 * its page. With another provider configured, the account stays for the seller to complete.
 */
async function enableDemoPayouts(services: Services, seller: Caller): Promise<void> {
  const { view } = await services.payments.openPayoutAccount(seller);
  if (view.provider !== 'sandbox' || view.onboarding_url === null) return;
  await services.sandbox.completeOnboarding(new URL(view.onboarding_url).pathname.split('/').at(-1)!);
  await services.payments.getPayoutAccount(seller);
}

/**
 * Loads the demo marketplace through the same use cases the API runs, so demo data obeys every
 * rule real data does. Does nothing when the demo accounts already exist.
 */
export async function seedDemo(services: Services): Promise<{ seeded: boolean }> {
  const { identity } = services;
  if (await identity.userExists(DEMO_ACCOUNTS[0]!.email)) return { seeded: false };
  const sellers = new Map<string, Caller>();
  const buyers = new Map<string, Caller>();
  for (const account of DEMO_ACCOUNTS) {
    const { caller } = await identity.register({
      email: account.email,
      password: DEMO_PASSWORD,
      name: account.name,
    });
    // The demo's addresses are the operator's own: verified, so every page shows a finished account.
    await identity.markEmailVerified(account.email);
    if (account.role === 'admin') await identity.grantAdmin(account.email);
    if (account.role === 'buyer') buyers.set(account.email, caller);
    if (account.shop) {
      const shop = await identity.openShop(caller, account.shop);
      // The operator vouches for the demo shops (BAZAAR_SHOP_APPROVAL=manual would hold them back).
      if (shop.status === 'pending_review') await identity.changeShopStatus(shop.id, 'approve', undefined);
      const seller: Caller = {
        ...caller,
        roles: ['buyer', 'seller'],
        shop: { id: shop.id, name: shop.name },
      };
      sellers.set(account.email, seller);
      await enableDemoPayouts(services, seller);
    }
  }
  // One shop shows a vacation coming up (its products stay listed until it starts).
  const eli = sellers.get('eli@demo.bazaar');
  if (eli) {
    const from = new Date(Date.now() + VACATION_STARTS_IN_DAYS * DAY_MS);
    await identity.updateShop(eli, { vacation: { from, to: new Date(from.getTime() + 14 * DAY_MS) } });
  }
  await seedDemoTax(services);
  await seedDemoCatalog(services, sellers);
  await seedDemoShipping(services, sellers, buyers);
  await seedDemoOrders(services, buyers, sellers);
  await seedDemoPromotions(services, sellers);
  await seedDemoPurchases(services);
  await seedDemoReviews(services, buyers);
  return { seeded: true };
}
