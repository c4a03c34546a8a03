/**
 * Orders: checkout (one order per shop from a cart, one payment), the order lifecycle as data,
 * expiry and auto-delivery jobs, and refunds of orders (bounded by what was paid; the refund
 * itself is recorded by payments). OrderSettlement is what a settled payment does to its orders:
 * payments is given it at construction and calls it; it never calls payments. Owns the tables
 * orders and order_items.
 */

export { ordersErrors } from './orders.errors.js';
export { type OrderEventView, orderEvents } from './orders.events.js';
export { OrderJobPayload, orderJobs, registerOrderJobs } from './orders.jobs.js';
export { ordersRoutes } from './orders.routes.js';
export { Order, type OrderView, presentOrder } from './orders.schemas.js';
export {
  type DisputableOrder,
  type GuestOrderMailer,
  type OrdersDeps,
  OrdersService,
  type RefundInput,
  type ReturnableOrder,
} from './orders.service.js';
export { OrderSettlement, type SalesCounter } from './orders.settlement.js';
export { orderItems, type ReviewableItem, type ReviewLookup } from './review-lookup.js';
