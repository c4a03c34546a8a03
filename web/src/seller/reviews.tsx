import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, call } from '../api/client';
import { formatDate } from '../format';
import { ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { FilteredPaged } from '../ui/filtered-paged';
import { useAction } from '../ui/use-api';
import { SellerPage } from './seller-page';
import type { ShopReview } from './types';

const FILTERS = [
  { value: 'false', label: 'Awaiting a reply' },
  { value: 'true', label: 'Replied' },
  { value: 'all', label: 'All' },
] as const;

export function Stars({ rating }: { rating: number }) {
  return (
    <span className="seller-stars" role="img" aria-label={`${rating} out of 5 stars`}>
      {'★'.repeat(rating)}
      <span aria-hidden="true" className="seller-stars-empty">
        {'★'.repeat(5 - rating)}
      </span>
    </span>
  );
}

export function ReviewsPage() {
  return (
    <SellerPage title="Reviews">
      <FilteredPaged
        id="review-filter"
        param="replied"
        fallback="false"
        options={FILTERS}
        label="Reviews"
        empty={<p className="empty-state">No reviews here.</p>}
        load={(replied, cursor) =>
          call(api.GET('/v1/shop/reviews', { params: { query: { replied, cursor } } }))
        }
      >
        {(reviews, reload) => (
          <ul className="seller-review-list">
            {reviews.map((review) => (
              <ReviewCard key={review.id} review={review} onReplied={reload} />
            ))}
          </ul>
        )}
      </FilteredPaged>
    </SellerPage>
  );
}

function ReviewCard({ review, onReplied }: { review: ShopReview; onReplied(): void }) {
  const [reply, setReply] = useState('');
  // The reply just sent: shown in place, so that the review does not vanish from "Awaiting a reply".
  const [sent, setSent] = useState(review.reply);
  const [conflict, setConflict] = useState(false);
  const send = useAction(async () => {
    try {
      const answered = await call(
        api.POST('/v1/reviews/{id}/reply', {
          params: { path: { id: review.id } },
          body: { body: reply.trim() },
        }),
      );
      setSent(answered.reply);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setConflict(true);
        return;
      }
      throw error;
    }
    setReply('');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reply.trim()) void send.run();
  };
  const fieldId = `reply-${review.id}`;
  return (
    <li className="card review-card">
      <article aria-labelledby={`${fieldId}-heading`}>
        <header>
          <h2 id={`${fieldId}-heading`} className="review-title">
            <Stars rating={review.rating} /> {review.title ?? 'Review'}
          </h2>
          <p className="muted">
            {review.author.name} on <Link to={`/products/${review.product.id}`}>{review.product.title}</Link>,{' '}
            {formatDate(review.created_at)}
          </p>
        </header>
        <p>{review.body}</p>
        {sent ? (
          <blockquote className="review-reply">
            <strong>Your reply</strong> <span className="muted">({formatDate(sent.created_at)})</span>
            <p>{sent.body}</p>
          </blockquote>
        ) : conflict ? (
          <p className="notice notice-info" role="status">
            This review already has a reply.{' '}
            <button type="button" className="button-link" onClick={onReplied}>
              Show it
            </button>
          </p>
        ) : (
          <form className="form" onSubmit={submit}>
            <TextField
              id={fieldId}
              label={`Reply to ${review.author.name}`}
              rows={3}
              required
              value={reply}
              onChange={setReply}
            />
            <ErrorNotice error={send.error} />
            <div className="row">
              <button type="submit" disabled={send.pending || !reply.trim()}>
                {send.pending ? 'Sending…' : 'Send reply'}
              </button>
            </div>
          </form>
        )}
      </article>
    </li>
  );
}
