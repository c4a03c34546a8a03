import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatDate, formatDateTime, formatMoney } from '../format';
import { ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { FilteredPaged } from '../ui/filtered-paged';
import { useAction } from '../ui/use-api';
import { SellerPage } from './seller-page';

export type Dispute =
  paths['/v1/shop/disputes']['get']['responses'][200]['content']['application/json']['data'][number];

export const DISPUTE_FILTERS = [
  { value: 'open', label: 'Open' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
  { value: 'all', label: 'All' },
] as const;

const STATUS_LABELS: Record<Dispute['status'], string> = { open: 'Open', won: 'Won', lost: 'Lost' };

/** A dispute's status as a badge (open: waiting on the bank; won and lost: decided). */
export function DisputeStatus({ status }: { status: Dispute['status'] }) {
  return <span className={`badge badge-dispute-${status}`}>{STATUS_LABELS[status]}</span>;
}

/** The seller's card disputes: what each holds of their orders, by when evidence is due, and the evidence form. */
export function DisputesPage() {
  return (
    <SellerPage title="Disputes">
      <p className="muted">
        When a buyer's bank disputes a payment, the disputed part of your orders is held from your balance
        until the bank decides. Send your evidence (tracking, messages, what was agreed) before it is due.
      </p>
      <FilteredPaged
        id="dispute-filter"
        param="status"
        fallback="open"
        options={DISPUTE_FILTERS}
        label="Disputes"
        empty={<p className="empty-state">No disputes here.</p>}
        load={(status, cursor) =>
          call(api.GET('/v1/shop/disputes', { params: { query: { status, cursor } } }))
        }
      >
        {(disputes, reload) => (
          <ul className="seller-review-list">
            {disputes.map((dispute) => (
              <DisputeCard key={dispute.id} dispute={dispute} onChanged={reload} />
            ))}
          </ul>
        )}
      </FilteredPaged>
    </SellerPage>
  );
}

function DisputeCard({ dispute, onChanged }: { dispute: Dispute; onChanged(): void }) {
  const [text, setText] = useState('');
  const [current, setCurrent] = useState(dispute);
  const send = useAction(async () => {
    const answered = await call(
      api.POST('/v1/shop/disputes/{id}/evidence', {
        params: { path: { id: dispute.id } },
        body: { text: text.trim() },
      }),
    );
    setCurrent(answered);
    setText('');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) void send.run();
  };
  const headingId = `dispute-${dispute.id}`;
  return (
    <li className="card review-card">
      <article aria-labelledby={headingId}>
        <h2 id={headingId} className="review-title">
          Dispute of {formatMoney(current.amount)} <DisputeStatus status={current.status} />
        </h2>
        <p className="muted">
          Reason: {current.reason.replaceAll('_', ' ')}. Opened {formatDate(current.created_at)}
          {current.evidence_due_by && current.status === 'open'
            ? `; evidence due by ${formatDate(current.evidence_due_by)}`
            : ''}
          {current.closed_at ? `; decided ${formatDate(current.closed_at)}` : ''}.
        </p>
        <p>
          Orders:{' '}
          {current.order_ids.map((id, index) => (
            <span key={id}>
              {index > 0 && ', '}
              <Link to={`/seller/orders/${id}`}>{id}</Link>
            </span>
          ))}
        </p>
        {current.evidence.length > 0 && (
          <ul className="timeline" aria-label="Evidence sent">
            {current.evidence.map((item) => (
              <li key={item.id}>
                <span className="muted">{formatDateTime(item.submitted_at)}</span>
                <p>{item.text}</p>
              </li>
            ))}
          </ul>
        )}
        {current.status === 'open' && (
          <form className="form" onSubmit={submit}>
            <TextField
              id={`${headingId}-evidence`}
              label="Evidence for the bank"
              rows={4}
              required
              maxLength={20_000}
              value={text}
              onChange={setText}
            />
            <ErrorNotice error={send.error} retry={onChanged} />
            <div className="row">
              <button type="submit" disabled={send.pending || !text.trim()}>
                {send.pending ? 'Sending…' : 'Send evidence'}
              </button>
            </div>
          </form>
        )}
      </article>
    </li>
  );
}
