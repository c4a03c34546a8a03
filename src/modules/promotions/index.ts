/**
 * Promotions: discounts by code or automatic, funded by the platform or by one shop. Owns the
 * tables promotions and promotion_customer_uses.
 */

export { promotionsRoutes } from './promotions.routes.js';
export { PromotionsService } from './promotions.service.js';
