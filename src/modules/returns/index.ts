/**
 * Returns: a buyer's request to send back units of a shipped or delivered order, its lifecycle as
 * data (seller approval or rejection, automatic approval by a durable job, receipt and refund,
 * escalation to an admin), and its events. Owns the tables returns and return_items. The refund is
 * orders' refund use case, called in the return's transaction; the shop's return window comes from
 * identity; both through the ports given at construction.
 */
export { returnsErrors } from './returns.errors.js';
export { type ReturnEventView, returnEvents } from './returns.events.js';
export { registerReturnJobs, returnJobs } from './returns.jobs.js';
export { returnsRoutes } from './returns.routes.js';
export { Return, type ReturnView } from './returns.schemas.js';
export { type ReturnOrders, type ReturnShops, type ReturnsDeps, ReturnsService } from './returns.service.js';
