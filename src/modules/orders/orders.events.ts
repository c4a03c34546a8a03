import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Order } from './orders.schemas.js';

/** Orders' events: each carries the order as the API shows it, after the change. */
export const orderEvents = defineEvents({
  /** One per order (one order per shop) at checkout. */
  'order.placed.v1': Order,
  'order.paid.v1': Order,
  'order.cancelled.v1': Order,
  'order.expired.v1': Order,
  'order.shipped.v1': Order,
  'order.delivered.v1': Order,
  'order.refunded.v1': Order,
});

export type OrderEventType = keyof typeof orderEvents;

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof orderEvents> {}
}
