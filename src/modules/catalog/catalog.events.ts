import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Category, ProductDetail } from './catalog.schemas.js';

/** The catalog's events: categories as the API shows them, products as buyers see them. */
export const catalogEvents = defineEvents({
  'category.created.v1': Category,
  'category.updated.v1': Category,
  'product.created.v1': ProductDetail,
  'product.updated.v1': ProductDetail,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof catalogEvents> {}
}
