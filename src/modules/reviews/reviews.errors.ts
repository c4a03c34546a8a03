import { defineErrors } from '../../platform/problems.js';

/** The reviews module's error cases: reason → the API.md code it answers with. */
export const reviewsErrors = defineErrors({
  order_item_not_found: { code: 'not_found', detail: 'The order item does not exist.' },
  /** Only items of delivered orders can be reviewed. */
  order_not_delivered: { code: 'invalid_state' },
  item_already_reviewed: { code: 'conflict', detail: 'This order item has been reviewed already.' },
  review_not_found: { code: 'not_found', detail: 'The review does not exist.' },
  not_review_author: { code: 'forbidden', detail: 'Only its author may edit a review.' },
  edit_window_closed: { code: 'invalid_state' },
  not_review_shop: { code: 'forbidden', detail: "Only the reviewed product's shop may reply." },
  review_already_replied: { code: 'conflict', detail: 'This review has a reply already.' },
});
