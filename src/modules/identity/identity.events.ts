import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { AdminUser, Shop, User } from './identity.schemas.js';

/** A shop as its events carry it: the API's Shop, and whose it is. */
const ShopEvent = Shop.extend({ owner_id: z.string() });

/**
 * Fields the user representation gained after these events were published: optional in them, so
 * consumers coded against v1 keep reading them (the data carries them all the same).
 */
const UserEvent = User.partial({ two_factor_enabled: true });
const AdminUserEvent = AdminUser.partial({ two_factor_enabled: true });
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
  'shop.opened.v1': ShopEvent,
  'shop.updated.v1': ShopEvent,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof identityEvents> {}
}
