import { api, call } from '../api/client';
import { formatDate, formatMoney } from '../format';
import { DISPUTE_FILTERS, DisputeStatus } from '../seller/disputes';
import { DataTable } from '../ui/data-table';
import { FilteredPaged } from '../ui/filtered-paged';
import { AdminPage } from './admin-page';

/** Every card dispute: what the provider says is disputed, its status and when evidence is due. */
export function AdminDisputesPage() {
  return (
    <AdminPage title="Disputes">
      <FilteredPaged
        id="admin-dispute-filter"
        param="status"
        fallback="all"
        options={DISPUTE_FILTERS}
        label="Disputes"
        empty={<p className="empty-state">No disputes here.</p>}
        load={(status, cursor) =>
          call(api.GET('/v1/admin/disputes', { params: { query: { status, cursor } } }))
        }
      >
        {(disputes) => (
          <DataTable
            caption="Disputes"
            columns={[
              'Opened',
              'Payment',
              'Reason',
              { label: 'Amount', numeric: true },
              'Status',
              'Evidence due',
              'Evidence',
            ]}
          >
            {disputes.map((dispute) => (
              <tr key={dispute.id}>
                <td>{formatDate(dispute.created_at)}</td>
                <td>{dispute.payment_id}</td>
                <td>{dispute.reason.replaceAll('_', ' ')}</td>
                <td className="num">{formatMoney(dispute.amount)}</td>
                <td>
                  <DisputeStatus status={dispute.status} />
                </td>
                <td>{dispute.evidence_due_by ? formatDate(dispute.evidence_due_by) : '—'}</td>
                <td>{dispute.evidence.length}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </FilteredPaged>
    </AdminPage>
  );
}
