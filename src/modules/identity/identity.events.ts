import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { AdminUser, Shop, User } from './identity.schemas.js';

/** A shop as its events carry it: the API's Shop, and whose it is. */
const ShopEvent = Shop.extend({ owner_id: z.string() });

/** Identity's events: the `data` of each is the entity as the API shows it. */
export const identityEvents = defineEvents({
  'user.registered.v1': User,
  /** An admin suspended the user: the admin view of the user. */
  'user.suspended.v1': AdminUser,
  'user.unsuspended.v1': AdminUser,
  'shop.opened.v1': ShopEvent,
  'shop.updated.v1': ShopEvent,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof identityEvents> {}
}
