import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, call } from '../api/client';
import { formatDateTime } from '../format';
import { RETURN_REASON_LABELS, ReturnItems, ReturnStatusBadge, ReturnTimeline } from '../returns/parts';
import type { Return, ReturnReason } from '../returns/types';
import { Async, ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { RequireAuth } from '../ui/layout';
import { NotFound } from '../ui/not-found';
import { useAction, useApi } from '../ui/use-api';
import type { Order } from './types';

/** The buyer's form: how many of each item go back, why, and a note. */
function ReturnForm({ order, done }: { order: Order; done(ret: Return): void }) {
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const [reason, setReason] = useState<ReturnReason | ''>('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState('');
  const items = order.items
    .map((item) => ({ id: item.id, quantity: Number(quantities[item.id] || 0) }))
    .filter((line) => line.quantity > 0);
  const submit = useAction(async () =>
    done(
      await call(
        api.POST('/v1/orders/{id}/returns', {
          params: { path: { id: order.id } },
          body: {
            items: items.map((line) => ({ order_item_id: line.id, quantity: line.quantity })),
            reason: reason as ReturnReason,
            ...(note.trim() ? { note: note.trim() } : {}),
          },
        }),
      ),
    ),
  );
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (items.length === 0) setProblem('Choose at least one item to return.');
    else if (!reason) setProblem('Say why you are returning them.');
    else {
      setProblem('');
      void submit.run();
    }
  };
  return (
    <form className="form card" onSubmit={onSubmit} noValidate aria-label="Return items">
      <fieldset>
        <legend>Items to return</legend>
        {order.items.map((item) => (
          <div key={item.id} className="field-inline">
            <label htmlFor={`return-${item.id}`}>{item.title}</label>
            <input
              id={`return-${item.id}`}
              type="number"
              min={0}
              max={item.quantity}
              inputMode="numeric"
              value={quantities[item.id] ?? '0'}
              onChange={(event) => setQuantities({ ...quantities, [item.id]: event.target.value })}
            />
            <span className="muted">of {item.quantity}</span>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="return-reason">Reason</label>
        <select
          id="return-reason"
          value={reason}
          onChange={(event) => setReason(event.target.value as ReturnReason)}
        >
          <option value="">Choose a reason</option>
          {Object.entries(RETURN_REASON_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <TextField
        id="return-note"
        label={
          <>
            Note for the seller <span className="muted">(optional)</span>
          </>
        }
        rows={3}
        maxLength={2000}
        value={note}
        onChange={setNote}
      />
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNotice error={submit.error} />
      <button type="submit" disabled={submit.pending}>
        {submit.pending ? 'Sending…' : 'Ask for the return'}
      </button>
    </form>
  );
}

/** On the order page: the order's returns, and the way to ask for one once the order shipped. */
export function OrderReturns({ order }: { order: Order }) {
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  const returns = useApi(
    () => call(api.GET('/v1/orders/{id}/returns', { params: { path: { id: order.id } } })),
    [order.id, order.status],
  );
  const returnable = order.status === 'shipped' || order.status === 'delivered';
  const list = returns.data?.data ?? [];
  if (!returnable && list.length === 0) return null;
  return (
    <section className="card return-card" aria-labelledby="returns-heading">
      <h2 id="returns-heading">Returns</h2>
      {list.length > 0 && (
        <ul className="plain-list">
          {list.map((ret) => (
            <li key={ret.id} className="row">
              <Link to={`/returns/${ret.id}`}>
                Return of {ret.items.reduce((sum, item) => sum + item.quantity, 0)} item(s),{' '}
                {formatDateTime(ret.created_at)}
              </Link>
              <ReturnStatusBadge status={ret.status} />
            </li>
          ))}
        </ul>
      )}
      {returnable &&
        (asking ? (
          <ReturnForm order={order} done={(ret) => navigate(`/returns/${ret.id}`)} />
        ) : (
          <button type="button" className="button-secondary" onClick={() => setAsking(true)}>
            Return items
          </button>
        ))}
    </section>
  );
}

function ReturnView({ initial }: { initial: Return }) {
  const [ret, setRet] = useState(initial);
  const escalate = useAction(async () =>
    setRet(await call(api.POST('/v1/returns/{id}/escalate', { params: { path: { id: ret.id } }, body: {} }))),
  );
  return (
    <article className="order-page">
      <div className="row">
        <h1>Return for order {ret.order_number}</h1>
        <ReturnStatusBadge status={ret.status} />
      </div>
      <p className="muted">
        {RETURN_REASON_LABELS[ret.reason]}, asked {formatDateTime(ret.created_at)} ·{' '}
        <Link to={`/orders/${ret.order_id}`}>See the order</Link>
      </p>
      <ReturnTimeline ret={ret} />
      {ret.status === 'requested' && (
        <p className="muted">The seller answers by {formatDateTime(ret.respond_by)}, or it is approved.</p>
      )}
      {ret.status === 'approved' && (
        <p className="notice notice-info">
          Send the items back: you are refunded when the seller receives them.
        </p>
      )}
      {ret.status === 'refunded' && (
        <p className="notice notice-success" role="status">
          Refunded to your payment method.
        </p>
      )}
      {ret.status === 'rejected' && (
        <div className="order-actions">
          <p>Disagree with the seller? Ask the marketplace to decide.</p>
          <button type="button" onClick={() => void escalate.run()} disabled={escalate.pending}>
            {escalate.pending ? 'Escalating…' : 'Escalate to the marketplace'}
          </button>
          <ErrorNotice error={escalate.error} />
        </div>
      )}
      <section className="card" aria-labelledby="return-items-heading">
        <h2 id="return-items-heading">Items</h2>
        <ReturnItems ret={ret} />
      </section>
    </article>
  );
}

export function ReturnPage() {
  const { id = '' } = useParams();
  const ret = useApi(() => call(api.GET('/v1/returns/{id}', { params: { path: { id } } })), [id]);
  return (
    <RequireAuth>
      {ret.state === 'error' && ret.error instanceof ApiError && ret.error.status === 404 ? (
        <NotFound what="return" />
      ) : (
        <Async value={ret}>{(data) => <ReturnView key={data.id} initial={data} />}</Async>
      )}
    </RequireAuth>
  );
}
