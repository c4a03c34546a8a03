import type { Queryable } from '../../platform/db.js';
import { findReviewableItem, type ReviewableItemRow } from './orders.repo.js';

/** What orders need to know of reviews to show them on order items; the reviews module provides it. */
export interface ReviewLookup {
  /** The id of the review of each of these order items that has one. */
  reviewIds(db: Queryable, orderItemIds: readonly string[]): Promise<Map<string, string>>;
}

/** An order item as the reviews module needs it to decide whether its buyer may review it. */
export type ReviewableItem = ReviewableItemRow;

export const orderItems = {
  /**
   * The buyer's order item, or undefined when it is not one of the buyer's. Its order is held
   * (FOR SHARE) until `tx` ends, so its status cannot change under a review being written.
   */
  reviewable: (tx: Queryable, buyerId: string, orderItemId: string): Promise<ReviewableItem | undefined> =>
    findReviewableItem(tx, buyerId, orderItemId),
};
