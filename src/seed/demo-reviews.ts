import type { Services } from '../app.js';
import type { Caller } from '../platform/http.js';

const DEMO_REVIEWS: readonly { rating: number; title: string; body: string }[] = [
  { rating: 5, title: 'Lovely', body: 'Well made and arrived quickly. Exactly as pictured.' },
  {
    rating: 4,
    title: 'Very good',
    body: 'Good quality for the price; the colour is a shade darker than shown.',
  },
  { rating: 5, title: 'Would buy again', body: 'Second one I have bought. Still as good as the first.' },
  { rating: 3, title: 'Fine', body: 'Does the job. Packaging could have been better.' },
];

/**
 * Reviews of the demo buyers' delivered order items, through the use case the API runs, so the
 * products they bought show ratings from the start. Needs the demo orders.
 */
export async function seedDemoReviews(
  services: Services,
  buyers: ReadonlyMap<string, Caller>,
): Promise<void> {
  let written = 0;
  for (const buyer of buyers.values()) {
    const delivered = await services.orders.list(buyer, 'buyer', { limit: 100, status: 'delivered' });
    for (const order of delivered.data) {
      for (const item of order.items.filter((i) => i.reviewable)) {
        const text = DEMO_REVIEWS[written % DEMO_REVIEWS.length]!;
        await services.reviews.create(buyer, item.product_id, { orderItemId: item.id, ...text });
        written++;
      }
    }
  }
}
