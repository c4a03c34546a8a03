import { appendAudit } from '../../platform/audit.js';
import type { Database, Queryable, Tx } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { appendEvent } from '../../platform/outbox.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import type { CatalogService } from '../catalog/index.js';
import type { IdentityService } from '../identity/index.js';
import { orderItems } from '../orders/index.js';
import { reviewsErrors } from './reviews.errors.js';
import * as repo from './reviews.repo.js';
import {
  type AdminReviewView,
  EDIT_WINDOW_DAYS,
  NewestReviewCursor,
  presentReview,
  ReviewCursor,
  type ReviewView,
  type ShopReviewView,
} from './reviews.schemas.js';

const DAY_MS = 24 * 3600 * 1000;

export interface NewReviewInput {
  orderItemId: string;
  rating: number;
  title?: string | undefined;
  body: string;
}

export interface ReviewChanges {
  rating?: number | undefined;
  title?: string | null | undefined;
  body?: string | undefined;
}

/** A visible rating appearing (1) or disappearing (-1) from a product's and its shop's aggregates. */
type RatingChange = { rating: number; delta: 1 | -1 };

const newestPosition = (row: repo.ReviewRow) => ({ createdAt: row.createdKey, id: row.id });

export class ReviewsService {
  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogService,
    private readonly identity: IdentityService,
  ) {}

  /**
   * A buyer reviews an order item of a delivered order of theirs, once. The database's unique
   * order item decides between concurrent attempts; aggregates change in the same transaction.
   */
  async create(caller: Caller, productId: string, input: NewReviewInput): Promise<ReviewView> {
    return this.db.transaction(async (tx) => {
      const item = await orderItems.reviewable(tx, caller.id, input.orderItemId);
      if (!item || item.productId !== productId) throw reviewsErrors.error('order_item_not_found');
      if (item.orderStatus !== 'delivered') {
        throw reviewsErrors.error(
          'order_not_delivered',
          `Only items of delivered orders can be reviewed; this order is ${item.orderStatus}.`,
        );
      }
      const row = await repo.insertReview(tx, {
        id: newId('rev'),
        orderItemId: item.orderItemId,
        productId,
        shopId: item.shopId,
        authorId: caller.id,
        rating: input.rating,
        title: input.title ?? null,
        body: input.body,
      });
      if (!row) throw reviewsErrors.error('item_already_reviewed');
      await this.applyRatings(tx, row, [{ rating: row.rating, delta: 1 }]);
      const view = presentReview(row, caller.name);
      await appendEvent(tx, 'review.created.v1', view);
      return view;
    });
  }

  /** The author edits a review within EDIT_WINDOW_DAYS of writing it; a new rating moves the aggregates. */
  async update(caller: Caller, id: string, changes: ReviewChanges): Promise<ReviewView> {
    return this.db.transaction(async (tx) => {
      const review = await repo.findReview(tx, id, true);
      if (!review || (review.hidden && review.authorId !== caller.id))
        throw reviewsErrors.error('review_not_found');
      if (review.authorId !== caller.id) throw reviewsErrors.error('not_review_author');
      if (Date.now() - review.createdAt.getTime() > EDIT_WINDOW_DAYS * DAY_MS) {
        throw reviewsErrors.error(
          'edit_window_closed',
          `A review can be edited for ${EDIT_WINDOW_DAYS} days after it was written.`,
        );
      }
      const rating = changes.rating ?? review.rating;
      await repo.updateReview(tx, id, {
        rating,
        title: changes.title === undefined ? review.title : changes.title,
        body: changes.body ?? review.body,
      });
      if (rating !== review.rating && !review.hidden) {
        await this.applyRatings(tx, review, [
          { rating: review.rating, delta: -1 },
          { rating, delta: 1 },
        ]);
      }
      return this.present(tx, (await repo.findReview(tx, id))!);
    });
  }

  /** A seller of the reviewed product's shop answers a review, once. */
  async reply(caller: Caller, id: string, body: string): Promise<ReviewView> {
    return this.db.transaction(async (tx) => {
      const review = await repo.findReview(tx, id);
      const ownShop = review !== undefined && caller.shop?.id === review.shopId;
      if (!review || (review.hidden && !ownShop)) throw reviewsErrors.error('review_not_found');
      if (!ownShop) throw reviewsErrors.error('not_review_shop');
      if (!(await repo.insertReply(tx, { reviewId: id, authorId: caller.id, body }))) {
        throw reviewsErrors.error('review_already_replied');
      }
      await appendAudit(tx, {
        action: 'review.replied',
        target: { type: 'review', id },
        shopId: review.shopId,
        changes: { reply: [null, body] },
      });
      return this.present(tx, (await repo.findReview(tx, id))!);
    });
  }

  /** An admin hides (or shows again) a review: it leaves (or rejoins) lists and aggregates. */
  async setHidden(id: string, hidden: boolean): Promise<ReviewView> {
    return this.db.transaction(async (tx) => {
      const review = await repo.findReview(tx, id, true);
      if (!review) throw reviewsErrors.error('review_not_found');
      if (review.hidden === hidden) return this.present(tx, review);
      await repo.setHidden(tx, id, hidden);
      await appendAudit(tx, {
        action: hidden ? 'review.hidden' : 'review.unhidden',
        target: { type: 'review', id },
        shopId: review.shopId,
        changes: { hidden: [review.hidden, hidden] },
      });
      await this.applyRatings(tx, review, [{ rating: review.rating, delta: hidden ? -1 : 1 }]);
      const view = await this.present(tx, { ...review, hidden });
      await appendEvent(tx, hidden ? 'review.hidden.v1' : 'review.unhidden.v1', view);
      return view;
    });
  }

  /** Visible reviews of a product `viewer` may see, with its rating summary. */
  async list(
    viewer: Caller | null,
    productId: string,
    query: {
      sort: repo.ReviewSort;
      rating?: number | undefined;
      limit: number;
      cursor?: string | undefined;
    },
  ) {
    const summary = await this.catalog.productRating(productId, viewer);
    const after = decodeCursor(query.cursor, ReviewCursor);
    const rows = await repo.listReviews(this.db, {
      productId,
      sort: query.sort,
      rating: query.rating,
      after,
      limit: query.limit,
    });
    const names = await this.identity.userNames(
      this.db,
      rows.map((row) => row.authorId),
    );
    const page = paginate(
      rows,
      query.limit,
      (row) => presentReview(row, names.get(row.authorId) ?? ''),
      (row) => ({ rating: row.rating, createdAt: row.createdKey, id: row.id }),
    );
    return { ...page, summary };
  }

  /** Reviews of the seller's shop's products, newest first; hidden ones have left every list. */
  listOfShop(
    caller: Caller,
    query: { replied?: boolean | undefined; limit: number; cursor?: string | undefined },
  ): Promise<{ data: ShopReviewView[]; next_cursor: string | null }> {
    const filter = { shopId: caller.shop!.id, hidden: false, replied: query.replied };
    return this.newest(filter, query, (review, product) => ({ ...review, product }));
  }

  /** Every review, hidden ones included, newest first, for moderation. */
  listAll(query: {
    hidden?: boolean | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<{ data: AdminReviewView[]; next_cursor: string | null }> {
    return this.newest({ hidden: query.hidden }, query, (review, product, row) => ({
      ...review,
      product,
      author: { id: row.authorId, name: review.author.name },
    }));
  }

  /** A page of reviews newest first, each presented with its product's title. */
  private async newest<V>(
    filter: Omit<repo.NewestReviewsQuery, 'after' | 'limit'>,
    query: { limit: number; cursor?: string | undefined },
    present: (review: ReviewView, product: { id: string; title: string }, row: repo.ReviewRow) => V,
  ): Promise<{ data: V[]; next_cursor: string | null }> {
    const rows = await repo.listNewestReviews(this.db, {
      ...filter,
      after: decodeCursor(query.cursor, NewestReviewCursor),
      limit: query.limit,
    });
    const { names, titles } = await this.namesAndTitles(rows);
    return paginate(
      rows,
      query.limit,
      (row) =>
        present(
          presentReview(row, names.get(row.authorId) ?? ''),
          { id: row.productId, title: titles.get(row.productId) ?? '' },
          row,
        ),
      newestPosition,
    );
  }

  private async namesAndTitles(rows: readonly repo.ReviewRow[]) {
    const [names, titles] = await Promise.all([
      this.identity.userNames(
        this.db,
        rows.map((row) => row.authorId),
      ),
      this.catalog.productTitles(
        this.db,
        rows.map((row) => row.productId),
      ),
    ]);
    return { names, titles };
  }

  private async present(tx: Queryable, row: repo.ReviewRow): Promise<ReviewView> {
    const names = await this.identity.userNames(tx, [row.authorId]);
    return presentReview(row, names.get(row.authorId) ?? '');
  }

  /** Product first, then shop: every review transaction takes these locks in one order. */
  private async applyRatings(
    tx: Tx,
    review: Pick<repo.ReviewRow, 'productId' | 'shopId'>,
    changes: readonly RatingChange[],
  ): Promise<void> {
    await this.catalog.recordRatings(
      tx,
      changes.map((change) => ({ productId: review.productId, ...change })),
    );
    await this.identity.recordShopRatings(
      tx,
      changes.map((change) => ({ shopId: review.shopId, ...change })),
    );
  }
}
