import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Category, ProductDetail, Variant } from './catalog.schemas.js';

/**
 * A product as buyers see it, where the variant fields added after the types were first published
 * are optional: events recorded before them stay readable (the compatibility rule of .v1 types).
 */
const ProductEventData = ProductDetail.partial({ tax_category: true }).extend({
  variants: Variant.partial({ weight_grams: true }).array(),
});

/** The catalog's events: categories as the API shows them, products as buyers see them. */
export const catalogEvents = defineEvents({
  'category.created.v1': Category,
  'category.updated.v1': Category,
  'product.created.v1': ProductEventData,
  'product.updated.v1': ProductEventData,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof catalogEvents> {}
}
