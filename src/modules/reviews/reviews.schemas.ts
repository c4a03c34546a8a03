import { z } from 'zod';
import { CreatedPosition, PageQuery, pageOf } from '../../platform/pagination.js';
import { RatingDetail } from '../catalog/index.js';
import { REVIEW_SORTS, type ReviewRow } from './reviews.repo.js';

/** How long after writing it an author may still edit a review. */
export const EDIT_WINDOW_DAYS = 30;

const Rating = z.number().int().min(1).max(5);
const Title = z.string().trim().min(1).max(200);
const Body = z.string().trim().min(1).max(5000);

export const ProductParams = z.strictObject({ id: z.string().min(1).max(64) });
export const ReviewParams = z.strictObject({ id: z.string().min(1).max(64) });

export const NewReviewBody = z.strictObject({
  order_item_id: z.string().min(1).max(64),
  rating: Rating,
  title: Title.optional(),
  body: Body,
});

/** `title: null` removes the title. */
export const ReviewChangesBody = z.strictObject({
  rating: Rating.optional(),
  title: Title.nullable().optional(),
  body: Body.optional(),
});

export const ReplyBody = z.strictObject({ body: Body });

export const ReviewListQuery = PageQuery.extend({
  sort: z.enum(REVIEW_SORTS).default('newest'),
  rating: z.coerce.number().int().min(1).max(5).optional(),
}).strict();

export const ReviewCursor = CreatedPosition.extend({ rating: z.number().int().min(1).max(5) });
/** The position in a newest-first list. */
export const NewestReviewCursor = ReviewCursor.omit({ rating: true });

/** `?flag=true|false`; anything else is a 422 at the parameter. */
const QueryFlag = z.enum(['true', 'false']).transform((flag) => flag === 'true');

export const ShopReviewListQuery = PageQuery.extend({
  /** false: only reviews still waiting for the shop's reply. */
  replied: QueryFlag.optional(),
}).strict();

export const AdminReviewListQuery = PageQuery.extend({ hidden: QueryFlag.optional() }).strict();

export const Review = z.object({
  id: z.string(),
  product_id: z.string(),
  rating: z.number().int(),
  title: z.string().nullable(),
  body: z.string(),
  author: z.object({ name: z.string() }),
  /** Every review is of an order item its author received. */
  verified_purchase: z.literal(true),
  reply: z.object({ body: z.string(), created_at: z.string() }).nullable(),
  hidden: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ReviewView = z.infer<typeof Review>;

const ProductRef = z.object({ id: z.string(), title: z.string() });

/** A review as its shop sees it: hidden ones are never listed to the shop, so `hidden` is false. */
export const ShopReview = Review.extend({ product: ProductRef });
export type ShopReviewView = z.infer<typeof ShopReview>;

export const AdminReview = Review.extend({
  product: ProductRef,
  author: z.object({ id: z.string(), name: z.string() }),
});
export type AdminReviewView = z.infer<typeof AdminReview>;

export const ShopReviewPage = pageOf(ShopReview);
export const AdminReviewPage = pageOf(AdminReview);

export const ReviewPage = z.object({
  data: z.array(Review),
  next_cursor: z.string().nullable(),
  summary: RatingDetail,
});

export const presentReview = (row: ReviewRow, authorName: string): ReviewView => ({
  id: row.id,
  product_id: row.productId,
  rating: row.rating,
  title: row.title,
  body: row.body,
  author: { name: authorName },
  verified_purchase: true,
  reply:
    row.replyBody !== null && row.replyCreatedAt !== null
      ? { body: row.replyBody, created_at: row.replyCreatedAt.toISOString() }
      : null,
  hidden: row.hidden,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});
