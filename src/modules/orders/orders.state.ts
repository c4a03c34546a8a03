import { ordersErrors } from './orders.errors.js';

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'partially_shipped',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** `ship`: the last units leave (a shipment of everything left); `ship_part`: some units stay behind. */
export type OrderEvent = 'pay' | 'cancel' | 'expire' | 'ship' | 'ship_part' | 'deliver' | 'refund_in_full';

/** The order lifecycle as data: status → event → next status. Anything missing is invalid. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>> = {
  pending_payment: { pay: 'paid', cancel: 'cancelled', expire: 'cancelled' },
  paid: { ship: 'shipped', ship_part: 'partially_shipped', cancel: 'cancelled', refund_in_full: 'refunded' },
  // A cancel ends a partly shipped order as shipped: the units not shipped are cancelled and refunded.
  partially_shipped: {
    ship: 'shipped',
    ship_part: 'partially_shipped',
    cancel: 'shipped',
    refund_in_full: 'refunded',
  },
  shipped: { deliver: 'delivered', refund_in_full: 'refunded' },
  delivered: { refund_in_full: 'refunded' },
  cancelled: {},
  refunded: {},
};

/** The reason 409 invalid_state gives when an order's status does not allow the event. */
export const REFUSED_EVENT_REASONS = {
  pay: 'order_not_payable',
  cancel: 'order_not_cancellable',
  expire: 'order_not_expirable',
  ship: 'order_not_shippable',
  ship_part: 'order_not_shippable',
  deliver: 'order_not_deliverable',
  refund_in_full: 'order_not_refundable',
} as const satisfies Record<OrderEvent, keyof typeof ordersErrors.cases>;

/** The status `event` leads to from `from`, or 409 invalid_state. */
export function nextOrderStatus(from: OrderStatus, event: OrderEvent): OrderStatus {
  const to = ORDER_TRANSITIONS[from][event];
  if (!to) {
    throw ordersErrors.error(
      REFUSED_EVENT_REASONS[event],
      `An order that is ${from} cannot ${event.replaceAll('_', ' ')}.`,
    );
  }
  return to;
}

/** Every status from which `event` is allowed (the WHERE of a conditional transition). */
export const statusesAllowing = (event: OrderEvent): OrderStatus[] =>
  ORDER_STATUSES.filter((status) => ORDER_TRANSITIONS[status][event] !== undefined);
