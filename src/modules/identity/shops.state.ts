import { identityErrors } from './identity.errors.js';

export const SHOP_STATUSES = ['pending_review', 'active', 'rejected', 'suspended', 'closed'] as const;
export type ShopStatus = (typeof SHOP_STATUSES)[number];

/** Admins approve, reject, suspend and reinstate; the seller closes. */
export type ShopAction = 'approve' | 'reject' | 'suspend' | 'reinstate' | 'close';
export const SHOP_ACTIONS = ['approve', 'reject', 'suspend', 'reinstate', 'close'] as const;

/**
 * The shop lifecycle as data: status → action → next status. Anything missing is refused.
 * A rejected shop may still be approved (the admin changes their mind); a suspended one is
 * reinstated, never closed by its seller (that would end the suspension's say over it). Closing
 * is final.
 */
export const SHOP_TRANSITIONS: Readonly<Record<ShopStatus, Partial<Record<ShopAction, ShopStatus>>>> = {
  pending_review: { approve: 'active', reject: 'rejected', close: 'closed' },
  active: { suspend: 'suspended', close: 'closed' },
  rejected: { approve: 'active', close: 'closed' },
  suspended: { reinstate: 'active' },
  closed: {},
};

/** The status `action` leads to from `from`, or 409 invalid_state. */
export function nextShopStatus(from: ShopStatus, action: ShopAction): ShopStatus {
  const to = SHOP_TRANSITIONS[from][action];
  if (!to) throw identityErrors.error('shop_transition_refused', `A shop that is ${from} cannot ${action}.`);
  return to;
}

export type UnlistedReason = 'shop_not_active' | 'shop_on_vacation' | 'seller_suspended';

/** Whether a shop's products are listed and buyable now, and why not. */
export type ShopListing = { listed: true; reason: null } | { listed: false; reason: UnlistedReason };

export interface Vacation {
  from: Date;
  to: Date;
}

export const isOnVacation = (vacation: Vacation | null, now: Date): boolean =>
  vacation !== null && vacation.from <= now && now < vacation.to;

/** Only an active shop of a seller in good standing, not on vacation, sells. */
export function listingOf(
  shop: { status: ShopStatus; vacation: Vacation | null },
  ownerSuspended: boolean,
  now: Date,
): ShopListing {
  if (ownerSuspended) return { listed: false, reason: 'seller_suspended' };
  if (shop.status !== 'active') return { listed: false, reason: 'shop_not_active' };
  if (isOnVacation(shop.vacation, now)) return { listed: false, reason: 'shop_on_vacation' };
  return { listed: true, reason: null };
}
