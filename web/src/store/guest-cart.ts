import { ApiError, api, call, guestCart, session } from '../api/client';
import type { Cart } from './types';

/**
 * The shopper's cart: the signed-in user's, else the guest cart this browser holds; null for a
 * guest with no cart yet (or whose cart token stopped working: it is forgotten).
 */
export async function loadCart(signedIn: boolean): Promise<Cart | null> {
  if (!signedIn && !guestCart.token()) return null;
  try {
    return await call(api.GET('/v1/cart'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && !signedIn) {
      guestCart.set(null);
      return null;
    }
    throw error;
  }
}

/** Makes sure a signed-out shopper holds a guest cart (made on the first item added). */
export async function ensureGuestCart(): Promise<void> {
  if (session.token() || guestCart.token()) return;
  const answer = await call(api.POST('/v1/guest/cart'));
  guestCart.set(answer.cart_token);
}
