/**
 * Cart: one cart per user, or per guest token, with quantities per variant; prices and
 * availability are always read live from the catalog and inventory. A guest cart merges into the
 * user's at sign-in. Owns the tables carts and cart_items.
 */
export type { CartContents, CartHolder } from './cart.repo.js';
export { cartHolderOf, cartRoutes } from './cart.routes.js';
export { CartItem, type CartItemView } from './cart.schemas.js';
export { CartService, presentCartItem, sameCartContents } from './cart.service.js';
export {
  lineTitle,
  type PurchasableVariant,
  UNAVAILABLE_REASONS,
  type UnavailableReason,
  type VariantDirectory,
} from './variant-directory.js';

/** The cart module's durable jobs, by name. */
export const cartJobs = {
  /** Periodic, no payload: guest carts idle past their lifetime. */
  purgeIdleGuestCarts: 'cart.purge-idle-guest-carts',
} as const;
