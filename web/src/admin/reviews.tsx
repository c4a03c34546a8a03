import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatDate } from '../format';
import { Stars } from '../seller/reviews';
import { ErrorNotice } from '../ui/feedback';
import { FilteredPaged } from '../ui/filtered-paged';
import { useAction } from '../ui/use-api';
import { AdminPage } from './admin-page';

type AdminReview =
  paths['/v1/admin/reviews']['get']['responses'][200]['content']['application/json']['data'][number];

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'false', label: 'Visible' },
  { value: 'true', label: 'Hidden' },
] as const;

export function AdminReviewsPage() {
  return (
    <AdminPage title="Reviews">
      <FilteredPaged
        id="admin-review-filter"
        param="hidden"
        fallback="all"
        options={FILTERS}
        label="Reviews"
        empty={<p className="empty-state">No reviews here.</p>}
        load={(hidden, cursor) =>
          call(api.GET('/v1/admin/reviews', { params: { query: { hidden, cursor } } }))
        }
      >
        {(reviews, reload) => (
          <ul className="seller-review-list">
            {reviews.map((review) => (
              <ModeratedReview key={review.id} review={review} onChanged={reload} />
            ))}
          </ul>
        )}
      </FilteredPaged>
    </AdminPage>
  );
}

function ModeratedReview({ review, onChanged }: { review: AdminReview; onChanged(): void }) {
  const toggle = useAction(async () => {
    const path = review.hidden ? '/v1/admin/reviews/{id}/unhide' : '/v1/admin/reviews/{id}/hide';
    await call(api.POST(path, { params: { path: { id: review.id } } }));
    onChanged();
  });
  const headingId = `admin-review-${review.id}`;
  return (
    <li className={`card review-card${review.hidden ? ' review-hidden' : ''}`}>
      <article aria-labelledby={headingId}>
        <h2 id={headingId} className="review-title">
          <Stars rating={review.rating} /> {review.title ?? 'Review'}
          {review.hidden && <span className="badge">Hidden</span>}
        </h2>
        <p className="muted">
          {review.author.name} on {review.product.title}, {formatDate(review.created_at)}
        </p>
        <p>{review.body}</p>
        {review.reply && (
          <blockquote className="review-reply">
            <strong>Seller's reply</strong>
            <p>{review.reply.body}</p>
          </blockquote>
        )}
        <ErrorNotice error={toggle.error} />
        <button
          type="button"
          className={review.hidden ? 'button-secondary' : 'button-danger'}
          disabled={toggle.pending}
          aria-describedby={headingId}
          onClick={() => void toggle.run()}
        >
          {review.hidden ? 'Unhide' : 'Hide'}
        </button>
      </article>
    </li>
  );
}
