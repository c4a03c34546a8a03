import type { OutboxRelay } from '../../platform/outbox.js';
import type { RecommendationsService } from './recommendations.service.js';

/**
 * Purchases arrive through order events, delivered at least once: the handlers are idempotent.
 * The worker's periodic refresh turns them into neighbour lists.
 */
export function subscribeToPurchases(outbox: OutboxRelay, service: RecommendationsService): void {
  outbox.subscribe('order.paid.v1', 'recommendations.purchases', service.orderPaid);
  outbox.subscribe('order.cancelled.v1', 'recommendations.cancellations', service.orderWithdrawn);
  outbox.subscribe('order.refunded.v1', 'recommendations.refunds', service.orderWithdrawn);
}
