import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatDate } from '../format';
import { DataTable } from '../ui/data-table';
import { ErrorNotice } from '../ui/feedback';
import { FilteredPaged } from '../ui/filtered-paged';
import { SearchForm } from '../ui/search-form';
import { useAction } from '../ui/use-api';
import { AdminPage } from './admin-page';

type AdminShop =
  paths['/v1/admin/shops']['get']['responses'][200]['content']['application/json']['data'][number];
type Action = 'approve' | 'reject' | 'suspend' | 'reinstate';

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'pending_review', label: 'Pending review' },
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'closed', label: 'Closed' },
] as const;

/** What an admin may do with a shop of each status (the server's state table decides; this offers it). */
const ACTIONS: Record<AdminShop['status'], Action[]> = {
  pending_review: ['approve', 'reject'],
  active: ['suspend'],
  rejected: ['approve'],
  suspended: ['reinstate'],
  closed: [],
};

const LABELS: Record<Action, string> = {
  approve: 'Approve',
  reject: 'Reject',
  suspend: 'Suspend',
  reinstate: 'Reinstate',
};

export function AdminShopsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  return (
    <AdminPage title="Shops">
      <SearchForm
        id="admin-shop-search"
        label="Shop name, owner email or id"
        value={q}
        submitLabel="Search"
        onSearch={(text) => {
          const next = new URLSearchParams(params);
          if (text) next.set('q', text);
          else next.delete('q');
          setParams(next);
        }}
      />
      <FilteredPaged
        key={q}
        id="admin-shop-filter"
        param="status"
        fallback="all"
        options={FILTERS}
        label="Shops"
        empty={<p className="empty-state">No shops here.</p>}
        load={(status, cursor) =>
          call(api.GET('/v1/admin/shops', { params: { query: { status, cursor, ...(q ? { q } : {}) } } }))
        }
      >
        {(shops, reload) => (
          <DataTable columns={['Shop', 'Owner', 'Opened', 'Status', 'Actions']}>
            {shops.map((shop) => (
              <ShopRow key={shop.id} shop={shop} onChanged={reload} />
            ))}
          </DataTable>
        )}
      </FilteredPaged>
    </AdminPage>
  );
}

function ShopRow({ shop, onChanged }: { shop: AdminShop; onChanged(): void }) {
  const [reason, setReason] = useState('');
  const act = useAction(async (action: Action) => {
    await call(
      api.POST(`/v1/admin/shops/{id}/${action}`, {
        params: { path: { id: shop.id } },
        body: reason.trim() ? { reason: reason.trim() } : {},
      }),
    );
    setReason('');
    onChanged();
  });
  const actions = ACTIONS[shop.status];
  const reasonId = `shop-reason-${shop.id}`;
  return (
    <tr>
      <td>
        {shop.name}
        <div className="muted">
          <code>{shop.id}</code>
        </div>
      </td>
      <td>
        {shop.owner.name}
        <div className="muted">{shop.owner.email}</div>
      </td>
      <td>{formatDate(shop.created_at)}</td>
      <td>
        <span className="badge">{shop.status.replace('_', ' ')}</span>
        {shop.status_reason && <div className="muted">{shop.status_reason}</div>}
      </td>
      <td>
        {actions.length > 0 && (
          <div className="row">
            <label htmlFor={reasonId} className="visually-hidden">
              Reason for {shop.name}
            </label>
            <input
              id={reasonId}
              placeholder="Reason (optional)"
              value={reason}
              maxLength={1000}
              onChange={(event) => setReason(event.target.value)}
            />
            {actions.map((action) => (
              <button
                key={action}
                type="button"
                className={action === 'suspend' || action === 'reject' ? 'button-danger' : undefined}
                disabled={act.pending}
                onClick={() => void act.run(action)}
              >
                {LABELS[action]}
              </button>
            ))}
          </div>
        )}
        <ErrorNotice error={act.error} />
      </td>
    </tr>
  );
}
