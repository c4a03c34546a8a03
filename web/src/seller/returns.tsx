import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { formatDateTime } from '../format';
import { RETURN_REASON_LABELS, ReturnItems, ReturnStatusBadge, ReturnTimeline } from '../returns/parts';
import type { Return, ReturnStatus } from '../returns/types';
import { ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { FilteredPaged, type FilterOption } from '../ui/filtered-paged';
import { useAction } from '../ui/use-api';
import { SellerPage } from './seller-page';

const FILTERS: FilterOption<ReturnStatus | 'all'>[] = [
  { value: 'requested', label: 'To answer' },
  { value: 'approved', label: 'Awaiting the items' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'escalated', label: 'Escalated' },
  { value: 'refunded', label: 'Refunded' },
  { value: 'denied', label: 'Denied' },
  { value: 'all', label: 'All' },
];

/** One return in the queue, with what the seller can do to it now. */
function ReturnCard({ initial }: { initial: Return }) {
  const [ret, setRet] = useState(initial);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [restock, setRestock] = useState(true);
  const path = { params: { path: { id: ret.id } } };
  const approve = useAction(async () =>
    setRet(await call(api.POST('/v1/returns/{id}/approve', { ...path, body: {} }))),
  );
  const reject = useAction(async () =>
    setRet(await call(api.POST('/v1/returns/{id}/reject', { ...path, body: { reason: reason.trim() } }))),
  );
  const receive = useAction(async () =>
    setRet(await call(api.POST('/v1/returns/{id}/receive', { ...path, body: { restock } }))),
  );
  const label = `return for order ${ret.order_number}`;
  return (
    <li className="card return-card" aria-label={`Return for order ${ret.order_number}`}>
      <div className="row">
        <h2>
          Return for <Link to={`/seller/orders/${ret.order_id}`}>order {ret.order_number}</Link>
        </h2>
        <ReturnStatusBadge status={ret.status} />
      </div>
      <p className="muted">
        {RETURN_REASON_LABELS[ret.reason]}, asked {formatDateTime(ret.created_at)}
      </p>
      <ReturnItems ret={ret} />
      <ReturnTimeline ret={ret} />
      {ret.status === 'requested' && (
        <div className="order-actions">
          <p className="muted">
            Answer by {formatDateTime(ret.respond_by)}, or it is approved automatically.
          </p>
          <div className="row">
            <button type="button" onClick={() => void approve.run()} disabled={approve.pending}>
              Approve<span className="visually-hidden"> the {label}</span>
            </button>
            {!rejecting && (
              <button type="button" className="button-secondary" onClick={() => setRejecting(true)}>
                Reject<span className="visually-hidden"> the {label}</span>
              </button>
            )}
          </div>
          {rejecting && (
            <form
              className="form"
              onSubmit={(event) => {
                event.preventDefault();
                if (reason.trim()) void reject.run();
              }}
            >
              <TextField
                id={`reject-${ret.id}`}
                label="Why do you reject it?"
                required
                maxLength={2000}
                value={reason}
                onChange={setReason}
              />
              <button type="submit" className="button-danger" disabled={reject.pending || !reason.trim()}>
                Reject the return
              </button>
            </form>
          )}
        </div>
      )}
      {ret.status === 'approved' && (
        <div className="order-actions">
          <label className="choice">
            <input type="checkbox" checked={restock} onChange={(event) => setRestock(event.target.checked)} />
            Put the items back into stock
          </label>
          <button type="button" onClick={() => void receive.run()} disabled={receive.pending}>
            {receive.pending ? 'Refunding…' : 'Items received: refund'}
            <span className="visually-hidden"> the {label}</span>
          </button>
        </div>
      )}
      <ErrorNotice error={approve.error ?? reject.error ?? receive.error} />
    </li>
  );
}

export function SellerReturnsPage() {
  return (
    <SellerPage title="Returns">
      <FilteredPaged
        id="return-filter-status"
        param="status"
        fallback="requested"
        options={FILTERS}
        label="Returns"
        empty={<p className="empty-state">No returns here.</p>}
        load={(status, cursor) =>
          call(api.GET('/v1/shop/returns', { params: { query: { status, cursor } } }))
        }
      >
        {(returns) => (
          <ul className="plain-list">
            {returns.map((ret) => (
              <ReturnCard key={ret.id} initial={ret} />
            ))}
          </ul>
        )}
      </FilteredPaged>
    </SellerPage>
  );
}
