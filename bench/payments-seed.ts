/**
 * Bulk seeding for the payment scenarios: payments a provider is still processing, each for one
 * order, so that every webhook the load sends has real work to apply (pay the order, book it).
 */
import { type Database, sql, sqlArray } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';
import { BENCH_ADDRESS, type SeededShop, seedBuyers } from './orders-seed.js';

const BATCH = 5000;

export interface ProcessingPayment {
  paymentId: string;
  orderId: string;
}

/** `count` sandbox payments in `processing` (attempt 1), each paying one unpaid order of `priceMinor`. */
export async function seedProcessingPayments(
  db: Database,
  shops: readonly SeededShop[],
  count: number,
  priceMinor: number,
): Promise<ProcessingPayment[]> {
  const [buyer] = await seedBuyers(db, [[]]);
  const payments = Array.from({ length: count }, (_, i) => ({
    paymentId: newId('pay'),
    orderId: newId('ord'),
    shop: shops[i % shops.length]!,
  }));
  for (let start = 0; start < payments.length; start += BATCH) {
    const batch = payments.slice(start, start + BATCH);
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        INSERT INTO orders (id, checkout_id, buyer_id, shop_id, shop_name, status, currency, subtotal_amount,
                            total_amount, shipping_address, payment_id, expires_at)
        SELECT o.id, o.id, ${buyer!.id}, o.shop_id, o.shop_name, 'pending_payment', 'USD', ${priceMinor}, ${priceMinor},
               ${JSON.stringify(BENCH_ADDRESS)}::jsonb, o.payment_id, now() + interval '1 day'
        FROM unnest(${sqlArray(batch.map((p) => p.orderId))}::text[], ${sqlArray(batch.map((p) => p.paymentId))}::text[],
                    ${sqlArray(batch.map((p) => p.shop.id))}::text[], ${sqlArray(batch.map((p) => p.shop.name))}::text[])
          AS o(id, payment_id, shop_id, shop_name)`);
      await tx.execute(sql`
        INSERT INTO payments (id, buyer_id, status, amount, currency, provider, order_ids, attempt, payment_method,
                              processing_since)
        SELECT p.id, ${buyer!.id}, 'processing', ${priceMinor}, 'USD', 'sandbox', ARRAY[p.order_id], 1, 'pm_card_slow', now()
        FROM unnest(${sqlArray(batch.map((p) => p.paymentId))}::text[], ${sqlArray(batch.map((p) => p.orderId))}::text[])
          AS p(id, order_id)`);
    });
  }
  return payments.map(({ paymentId, orderId }) => ({ paymentId, orderId }));
}
