import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { AdminUser, Shop, User } from './identity.schemas.js';

/** A shop as its events carry it: the API's Shop, and whose it is. */
const ShopEvent = Shop.extend({ owner_id: z.string() });

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
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof identityEvents> {}
}
