/**
 * Orders: checkout (one order per shop from a cart, one payment), the order lifecycle as data,
 * expiry and auto-delivery jobs, and refunds of orders (bounded by what was paid; the refund
 * itself is recorded by payments). Owns the tables orders and order_items.
 */

export { orderEvents } from './orders.events.js';
export { AUTO_DELIVER_JOB, EXPIRE_ORDER_JOB, registerOrderJobs } from './orders.jobs.js';
export { ordersRoutes } from './orders.routes.js';
export { Order, type OrderView, presentOrder } from './orders.schemas.js';
export { OrdersService, type SalesCounter } from './orders.service.js';
export { orderItems, type ReviewableItem, type ReviewLookup } from './review-lookup.js';
