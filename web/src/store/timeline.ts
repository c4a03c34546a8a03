import type { Order } from './types';

export interface TimelineStep {
  label: string;
  at: string | null;
  state: 'done' | 'current' | 'upcoming' | 'stopped';
}

/**
 * The order's path: placed → paid → shipped → delivered, with the time of each step reached; a
 * cancelled or refunded order ends in that state after the last step it reached.
 */
export function orderTimeline(
  order: Pick<
    Order,
    'status' | 'created_at' | 'paid_at' | 'shipped_at' | 'delivered_at' | 'cancelled_at' | 'refunds'
  >,
): TimelineStep[] {
  const happy = [
    { label: 'Placed', at: order.created_at },
    { label: 'Paid', at: order.paid_at },
    { label: 'Shipped', at: order.shipped_at },
    { label: 'Delivered', at: order.delivered_at },
  ];
  if (order.status === 'cancelled' || order.status === 'refunded') {
    const reached = happy.filter((step) => step.at !== null);
    const endedAt =
      order.status === 'cancelled'
        ? order.cancelled_at
        : (order.refunds.filter((refund) => refund.status === 'succeeded').at(-1)?.created_at ?? null);
    return [
      ...reached.map((step) => ({ ...step, state: 'done' as const })),
      { label: order.status === 'cancelled' ? 'Cancelled' : 'Refunded', at: endedAt, state: 'stopped' },
    ];
  }
  const current = happy.findLastIndex((step) => step.at !== null);
  return happy.map((step, index) => ({
    ...step,
    state: index < current ? 'done' : index === current ? 'current' : 'upcoming',
  }));
}

export const STATUS_LABELS: Record<Order['status'], string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  partially_shipped: 'Partly shipped',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};
