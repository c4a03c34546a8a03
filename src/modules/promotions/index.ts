/**
 * Promotions: discounts by code or automatic, funded by the platform or by one shop. Owns the
 * tables promotions and promotion_customer_uses.
 */

export { CODE_REFUSALS, type CodeRefusal, promotionsErrors } from './promotions.errors.js';
export { promotionsRoutes } from './promotions.routes.js';
export {
  type CartPromotions,
  type CategoryTree,
  PromotionsService,
  refusalOfPricing,
} from './promotions.service.js';
