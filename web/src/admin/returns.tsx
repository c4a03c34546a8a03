import { useState } from 'react';
import { api, call } from '../api/client';
import { formatDateTime } from '../format';
import { RETURN_REASON_LABELS, ReturnItems, ReturnStatusBadge, ReturnTimeline } from '../returns/parts';
import type { Return } from '../returns/types';
import { ErrorNotice } from '../ui/feedback';
import { Paged } from '../ui/paged-list';
import { useAction } from '../ui/use-api';
import { AdminPage } from './admin-page';

type Resolution = { outcome: 'refund'; funded_by: 'shop' | 'platform' } | { outcome: 'deny' };

/** An escalated return and the admin's three answers. */
function Escalation({ initial }: { initial: Return }) {
  const [ret, setRet] = useState(initial);
  const resolve = useAction(async (body: Resolution) =>
    setRet(
      await call(api.POST('/v1/admin/returns/{id}/resolve', { params: { path: { id: ret.id } }, body })),
    ),
  );
  const label = ` the return for order ${ret.order_number}`;
  return (
    <li className="card return-card" aria-label={`Return for order ${ret.order_number}`}>
      <div className="row">
        <h2>Return for order {ret.order_number}</h2>
        <ReturnStatusBadge status={ret.status} />
      </div>
      <p className="muted">
        {RETURN_REASON_LABELS[ret.reason]}, asked {formatDateTime(ret.created_at)}
      </p>
      <ReturnItems ret={ret} />
      <ReturnTimeline ret={ret} />
      {ret.status === 'escalated' && (
        <div className="row order-actions">
          <button
            type="button"
            disabled={resolve.pending}
            onClick={() => void resolve.run({ outcome: 'refund', funded_by: 'shop' })}
          >
            Refund from the shop<span className="visually-hidden">:{label}</span>
          </button>
          <button
            type="button"
            className="button-secondary"
            disabled={resolve.pending}
            onClick={() => void resolve.run({ outcome: 'refund', funded_by: 'platform' })}
          >
            Refund at the platform’s cost<span className="visually-hidden">:{label}</span>
          </button>
          <button
            type="button"
            className="button-danger"
            disabled={resolve.pending}
            onClick={() => void resolve.run({ outcome: 'deny' })}
          >
            Deny<span className="visually-hidden">{label}</span>
          </button>
        </div>
      )}
      <ErrorNotice error={resolve.error} />
    </li>
  );
}

export function AdminReturnsPage() {
  return (
    <AdminPage title="Escalated returns">
      <Paged
        loadKey={['escalated']}
        load={(cursor) =>
          call(api.GET('/v1/admin/returns', { params: { query: { status: 'escalated', cursor } } }))
        }
        label="Escalated returns"
        empty={<p className="empty-state">No return waits for a decision.</p>}
      >
        {(returns) => (
          <ul className="plain-list">
            {returns.map((ret) => (
              <Escalation key={ret.id} initial={ret} />
            ))}
          </ul>
        )}
      </Paged>
    </AdminPage>
  );
}
