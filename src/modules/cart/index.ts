/**
 * Cart: one cart per user with quantities per variant; prices and availability are always read
 * live from the catalog and inventory. Owns the tables carts and cart_items.
 */
export { cartRoutes } from './cart.routes.js';
export { CartItem, type CartItemView } from './cart.schemas.js';
export { CartService, presentCartItem } from './cart.service.js';
export {
  lineTitle,
  type PurchasableVariant,
  UNAVAILABLE_REASONS,
  type UnavailableReason,
  type VariantDirectory,
} from './variant-directory.js';
