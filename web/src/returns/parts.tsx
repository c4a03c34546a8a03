import { formatDateTime, formatMoney } from '../format';
import type { Return, ReturnReason, ReturnStatus } from './types';

export const RETURN_STATUS_LABELS: Record<ReturnStatus, string> = {
  requested: 'Requested',
  approved: 'Approved',
  rejected: 'Rejected',
  received: 'Received',
  refunded: 'Refunded',
  escalated: 'Escalated',
  denied: 'Denied',
};

export const RETURN_REASON_LABELS: Record<ReturnReason, string> = {
  damaged: 'Arrived damaged',
  not_as_described: 'Not as described',
  wrong_item: 'Wrong item sent',
  changed_mind: 'Changed my mind',
  other: 'Other',
};

const ACTOR_LABELS: Record<Return['history'][number]['actor'], string> = {
  buyer: 'buyer',
  seller: 'seller',
  admin: 'marketplace',
  system: 'automatically',
};

export function ReturnStatusBadge({ status }: { status: ReturnStatus }) {
  return <span className={`badge badge-return-${status}`}>{RETURN_STATUS_LABELS[status]}</span>;
}

/** The return's items and what it refunds. */
export function ReturnItems({ ret }: { ret: Return }) {
  return (
    <ul className="plain-list">
      {ret.items.map((item) => (
        <li key={item.order_item_id} className="row summary-line">
          <span>
            {item.quantity} × {item.title}
          </span>
          <span className="num">{formatMoney(item.amount)}</span>
        </li>
      ))}
      {ret.shipping.amount > 0 && (
        <li className="row summary-line">
          <span>Shipping</span> <span className="num">{formatMoney(ret.shipping)}</span>
        </li>
      )}
      <li className="row summary-line">
        <strong>{ret.status === 'refunded' ? 'Refunded' : 'Refund'}</strong>{' '}
        <strong className="num">{formatMoney(ret.amount)}</strong>
      </li>
    </ul>
  );
}

/** Every status the return reached, who moved it and what they said. */
export function ReturnTimeline({ ret }: { ret: Return }) {
  return (
    <ol className="timeline" aria-label="Return progress">
      {ret.history.map((entry, index) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: the history only grows at its end
          key={index}
          className={`timeline-step ${index === ret.history.length - 1 ? 'timeline-current' : 'timeline-done'}`}
          aria-current={index === ret.history.length - 1 ? 'step' : undefined}
        >
          <span className="timeline-label">
            {RETURN_STATUS_LABELS[entry.status]} <span className="muted">({ACTOR_LABELS[entry.actor]})</span>
          </span>
          <span className="muted timeline-time">{formatDateTime(entry.at)}</span>
          {entry.note && <span className="timeline-note">“{entry.note}”</span>}
        </li>
      ))}
    </ol>
  );
}
