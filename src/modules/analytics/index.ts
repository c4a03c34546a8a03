/**
 * Analytics: the marketplace's figures (GMV, net revenue, orders, refunds, disputes, new buyers,
 * active sellers) per day, week and month, from rollups the money-posting use cases keep in their
 * own transactions. Owns the tables analytics_daily, analytics_first_orders and
 * analytics_active_shops; reads no other module's tables.
 */
export { analyticsErrors } from './analytics.errors.js';
export type { PostedEntry } from './analytics.figures.js';
export { analyticsRoutes } from './analytics.routes.js';
export { AnalyticsService, type PaidOrderBuyer } from './analytics.service.js';
