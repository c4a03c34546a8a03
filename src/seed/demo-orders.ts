import type { Services } from '../app.js';
import type { Caller } from '../platform/http.js';
import { unstoredAnswer } from '../platform/idempotency.js';

/** Outside HTTP there is no key to store an answer under: the use case's answer is handed back. */
const directAnswer = unstoredAnswer;

type Stage = 'paid' | 'shipped' | 'delivered';

/** Who buys from which shops (seller emails), and how far the orders got. */
const DEMO_ORDERS: readonly { buyer: string; shops: readonly string[]; stage: Stage; refund?: string }[] = [
  { buyer: 'cleo@demo.bazaar', shops: ['ada@demo.bazaar', 'bo@demo.bazaar'], stage: 'delivered' },
  { buyer: 'cleo@demo.bazaar', shops: ['cy@demo.bazaar'], stage: 'shipped' },
  { buyer: 'dev@demo.bazaar', shops: ['dee@demo.bazaar'], stage: 'delivered' },
  { buyer: 'dev@demo.bazaar', shops: ['eli@demo.bazaar'], stage: 'paid', refund: 'One tin arrived dented.' },
  { buyer: 'dev@demo.bazaar', shops: ['ada@demo.bazaar'], stage: 'paid' },
];

const ADDRESS = {
  name: 'Demo Buyer',
  line1: '12 Market Street',
  city: 'Springfield',
  postal_code: '12345',
  country: 'US',
};

/** A variant of the shop with stock, the `nth` listed product's (wrapping around). */
async function variantInStock(services: Services, seller: Caller, nth: number): Promise<string | undefined> {
  const listed = (await services.catalog.listShopProducts(seller, { limit: 20 })).data.filter(
    (p) => p.in_stock,
  );
  const product = listed[nth % Math.max(listed.length, 1)];
  if (!product) return undefined;
  const detail = JSON.parse(await (await services.catalog.product(product.id, seller)).json()) as {
    variants: { id: string; stock: number }[];
  };
  return detail.variants.find((variant) => variant.stock > 0)?.id;
}

/**
 * Orders of the demo buyers, through the use cases the API runs: paid with the sandbox's
 * pm_card_visa, some shipped and delivered (their sellers' money available), one partly refunded,
 * and a payout, so that every seller money view has something to show. Needs the demo catalog.
 */
export async function seedDemoOrders(
  services: Services,
  buyers: ReadonlyMap<string, Caller>,
  sellers: ReadonlyMap<string, Caller>,
): Promise<number> {
  const { cart, orders, payments } = services;
  let placed = 0;
  for (const [index, plan] of DEMO_ORDERS.entries()) {
    const buyer = buyers.get(plan.buyer);
    const shops = plan.shops.flatMap((email) => sellers.get(email) ?? []);
    if (!buyer || shops.length === 0) continue;
    for (const seller of shops) {
      const variantId = await variantInStock(services, seller, index);
      if (variantId) await cart.addItem(buyer, { variantId, quantity: 1 });
    }
    const checkout = JSON.parse(await orders.checkout(buyer, { shippingAddress: ADDRESS }, directAnswer)) as {
      orders: { id: string; total: { amount: number }; shop: { id: string } }[];
      payment: { id: string };
    };
    await payments.confirm(buyer, checkout.payment.id, 'pm_card_visa', directAnswer);
    for (const order of checkout.orders) {
      const seller = shops.find((shop) => shop.shop!.id === order.shop.id)!;
      if (plan.stage !== 'paid') {
        await orders.ship(seller, order.id, {
          carrier: 'UPS',
          trackingNumber: `1Z${String(order.id).slice(-10).toUpperCase()}`,
        });
      }
      if (plan.stage === 'delivered') await orders.confirmDelivery(buyer, order.id);
      if (plan.refund) {
        const amount = Math.max(1, Math.floor(order.total.amount / 4));
        await orders.refund(
          seller,
          order.id,
          { amount, reason: plan.refund, restockItems: [] },
          directAnswer,
        );
      }
      placed++;
    }
  }
  const ada = sellers.get('ada@demo.bazaar');
  if (ada) {
    const { available } = await services.ledger.balance(ada.shop!.id);
    if (available.amount >= 2)
      await payments.requestPayout(ada, Math.floor(available.amount / 2), directAnswer);
  }
  return placed;
}
