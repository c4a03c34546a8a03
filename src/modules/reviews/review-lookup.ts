import type { ReviewLookup } from '../orders/index.js';
import { findReviewIdsOfItems } from './reviews.repo.js';

/** Orders' view of reviews: which order items have one. */
export const reviewLookup: ReviewLookup = {
  async reviewIds(db, orderItemIds) {
    if (orderItemIds.length === 0) return new Map();
    const rows = await findReviewIdsOfItems(db, orderItemIds);
    return new Map(rows.map((row) => [row.orderItemId, row.id]));
  },
};
