import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Order, OrderItem, ShipmentEvent } from './orders.schemas.js';

/**
 * The order as the API shows it, where the fields added after a type was first published are
 * optional: events recorded before them stay readable (the compatibility rule of .v1 types).
 */
const OrderItemEventData = OrderItem.partial({ tax: true, tax_rate_bps: true, discount: true });
/** `buyer_id` stays a string in events: a guest's order names its guest `gst_…` (see guestBuyerId). */
const EventBuyerId = z.string();
export const OrderEventData = Order.partial({
  shipping_total: true,
  discount_total: true,
  tax_total: true,
  shipping: true,
  shipments: true,
  promotions: true,
  guest_email: true,
}).extend({ buyer_id: EventBuyerId, items: z.array(OrderItemEventData) });
/** A type first published with the shipping fields: only the later ones are optional. */
const PartiallyShippedEventData = Order.partial({ promotions: true, guest_email: true }).extend({
  buyer_id: EventBuyerId,
  items: z.array(OrderItemEventData),
});

/** Orders' events: each carries the order as the API shows it, after the change. */
export const orderEvents = defineEvents({
  /** One per order (one order per shop) at checkout. */
  'order.placed.v1': OrderEventData,
  'order.paid.v1': OrderEventData,
  'order.cancelled.v1': OrderEventData,
  'order.expired.v1': OrderEventData,
  /** A parcel left and units are still to ship. */
  'order.partially_shipped.v1': PartiallyShippedEventData,
  /** Everything left has shipped (or the units not shipped were cancelled). */
  'order.shipped.v1': OrderEventData,
  /** One per parcel: the buyer's "shipped" notice comes from it. */
  'shipment.created.v1': ShipmentEvent,
  'order.delivered.v1': OrderEventData,
  'order.refunded.v1': OrderEventData,
});

export type OrderEventType = keyof typeof orderEvents;
export type OrderEventView = z.infer<typeof OrderEventData>;

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof orderEvents> {}
}
