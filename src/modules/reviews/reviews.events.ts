import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Review } from './reviews.schemas.js';

/** Reviews' events: the review as buyers see it on the product (`hidden` says whether it is listed). */
export const reviewEvents = defineEvents({
  'review.created.v1': Review,
  'review.hidden.v1': Review,
  'review.unhidden.v1': Review,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof reviewEvents> {}
}
