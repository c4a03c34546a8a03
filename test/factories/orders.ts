import { findShop } from '../../src/modules/identity/identity.repo.js';
import type { OrderStatus } from '../../src/modules/orders/orders.state.js';
import { type Database, sql } from '../../src/platform/db.js';
import { newId } from '../../src/platform/ids.js';
import type { StockedProduct } from './inventory.js';

export interface DeliveredOrder {
  id: string;
  /** One item per variant of the product, in the product's variant order. */
  itemIds: string[];
}

/**
 * An order of one unit of every variant of `product`, inserted straight into the tables in
 * `status` (default delivered, with its timestamps): for what comes after delivery, such as
 * reviews, without the checkout, payment and shipping round trips. No stock or money moves.
 */
export async function newDeliveredOrder(
  db: Database,
  options: { buyerId: string; product: StockedProduct; status?: OrderStatus },
): Promise<DeliveredOrder> {
  const status = options.status ?? 'delivered';
  const shop = await findShop(db, options.product.shopId);
  if (!shop) throw new Error(`no shop ${options.product.shopId}`);
  const orderId = newId('ord');
  const total = options.product.variants.reduce((sum, v) => sum + v.priceMinor, 0);
  const stamp = (reached: boolean) => (reached ? sql`now()` : sql`NULL`);
  const paid = status !== 'pending_payment';
  const shipped = ['shipped', 'delivered', 'refunded'].includes(status);
  const items = options.product.variants.map((variant) => ({ id: newId('oi'), variant }));
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      INSERT INTO orders (id, checkout_id, buyer_id, shop_id, shop_name, status, currency, subtotal_amount,
                          total_amount, refunded_amount, shipping_address, carrier, tracking_number, payment_id,
                          expires_at, paid_at, shipped_at, delivered_at, cancelled_at)
      VALUES (${orderId}, ${newId('chk')}, ${options.buyerId}, ${shop.id}, ${shop.name}, ${status}, 'USD', ${total},
              ${total}, ${status === 'refunded' ? total : 0},
              ${JSON.stringify({ name: 'Test Buyer', line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' })}::jsonb,
              ${shipped ? 'UPS' : null}, ${shipped ? '1Z999' : null}, ${newId('pay')}, now() + interval '15 minutes',
              ${stamp(paid && status !== 'cancelled')}, ${stamp(shipped)}, ${stamp(status === 'delivered')},
              ${stamp(status === 'cancelled')})`);
    for (const { id, variant } of items) {
      await tx.execute(sql`
        INSERT INTO order_items (id, order_id, variant_id, product_id, title, sku, quantity, unit_price_amount,
                                 line_total_amount)
        VALUES (${id}, ${orderId}, ${variant.id}, ${options.product.id}, ${options.product.title}, ${variant.sku}, 1,
                ${variant.priceMinor}, ${variant.priceMinor})`);
    }
  });
  return { id: orderId, itemIds: items.map((item) => item.id) };
}
