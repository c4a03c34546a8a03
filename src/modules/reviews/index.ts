/**
 * Reviews: verified-purchase reviews of delivered order items, seller replies and moderation.
 * Owns the tables reviews and review_replies; keeps the rating aggregates of the catalog
 * (products, marketplace) and of identity (shops) exact in the transaction of every change.
 */
export { reviewLookup } from './review-lookup.js';
export { reviewEvents } from './reviews.events.js';
export { reviewsRoutes } from './reviews.routes.js';
export { ReviewsService } from './reviews.service.js';
