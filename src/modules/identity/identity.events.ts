import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { AdminUser, Shop, User } from './identity.schemas.js';

/**
 * A shop as its events carry it: the API's Shop, and whose it is. The lifecycle and details came
 * after shop.opened.v1 and shop.updated.v1 were published: optional there, as for users below.
 */
const ShopEvent = Shop.partial({
  status: true,
  return_window_days: true,
  handling_days: true,
  support_email: true,
  vacation: true,
}).extend({ owner_id: z.string() });
/** An admin's (or the seller's, for closing) change of a shop's status, and the reason given. */
const ShopStatusEvent = Shop.extend({ owner_id: z.string(), reason: z.string().nullable() });

/**
 * Fields the user representation gained after these events were published: optional in them, so
 * consumers coded against v1 keep reading them, and events recorded before them stay valid (the
 * data carries them all the same).
 */
const UserEvent = User.partial({ two_factor_enabled: true, email_verified: true });
const AdminUserEvent = AdminUser.partial({ two_factor_enabled: true, email_verified: true });
/** Whose two-factor sign-in changed, for the security notice (the data is the user as the API shows it). */
const TwoFactorChange = User.pick({ id: true, email: true, name: true });

/** Identity's events: the `data` of each is the entity as the API shows it. */
export const identityEvents = defineEvents({
  'user.registered.v1': UserEvent,
  /** An admin suspended the user: the admin view of the user. */
  'user.suspended.v1': AdminUserEvent,
  'user.unsuspended.v1': AdminUserEvent,
  'user.two_factor_enabled.v1': TwoFactorChange,
  'user.two_factor_disabled.v1': TwoFactorChange,
  /** The user changed the password (security notice). */
  'user.password_changed.v1': User,
  /** The password was set through a reset link; every session ended. */
  'user.password_reset.v1': User,
  /** The user proved the address by its verification link. */
  'user.email_verified.v1': User,
  /** The new address was confirmed by its link; `previous_email` is the one it replaced. */
  'user.email_changed.v1': User.extend({ previous_email: z.string() }),
  'shop.opened.v1': ShopEvent,
  'shop.updated.v1': ShopEvent,
  /** An admin approved a shop that was pending review (or rejected): its products are listed. */
  'shop.approved.v1': ShopStatusEvent,
  'shop.rejected.v1': ShopStatusEvent,
  /** An admin suspended the shop: its products are unlisted and not buyable. */
  'shop.suspended.v1': ShopStatusEvent,
  'shop.reinstated.v1': ShopStatusEvent,
  /** The seller closed the shop, for good. */
  'shop.closed.v1': ShopStatusEvent,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof identityEvents> {}
}
