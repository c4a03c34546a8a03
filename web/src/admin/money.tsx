import { Link } from 'react-router';
import { api, call } from '../api/client';
import { formatDateTime, formatMoney } from '../format';
import { DataTable } from '../ui/data-table';
import { FilteredPaged } from '../ui/filtered-paged';
import { AdminPage } from './admin-page';

/** A row's own audit trail: every audited change of it, in the admin's audit log. */
export function AuditLink({ id }: { id: string }) {
  return <Link to={`/admin/audit?target=${encodeURIComponent(id)}`}>Audit trail</Link>;
}

const PAYMENT_FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'requires_confirmation', label: 'Awaiting confirmation' },
  { value: 'processing', label: 'Processing' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'canceled', label: 'Cancelled' },
] as const;

/** Every payment of the marketplace, newest first, by status. */
export function AdminPaymentsPage() {
  return (
    <AdminPage title="Payments">
      <FilteredPaged
        id="admin-payments-filter"
        param="status"
        fallback="all"
        options={PAYMENT_FILTERS}
        label="Payments"
        empty={<p className="empty-state">No payments here.</p>}
        load={(status, cursor) =>
          call(api.GET('/v1/admin/payments', { params: { query: { status, cursor } } }))
        }
      >
        {(payments) => (
          <DataTable
            columns={['Payment', 'Made', 'Buyer', 'Orders', 'Status', { label: 'Amount', numeric: true }]}
          >
            {payments.map((payment) => (
              <tr key={payment.id}>
                <th scope="row">
                  <code>{payment.id}</code>
                  <div className="muted">
                    <AuditLink id={payment.id} />
                  </div>
                </th>
                <td>{formatDateTime(payment.created_at)}</td>
                <td>
                  {payment.buyer_id ? <code>{payment.buyer_id}</code> : <span className="muted">guest</span>}
                </td>
                <td>{payment.orders.length}</td>
                <td>
                  <span className="badge">{payment.status}</span>
                </td>
                <td className="num">{formatMoney(payment.amount)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </FilteredPaged>
    </AdminPage>
  );
}

const REFUND_FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
] as const;

/** Every refund of the marketplace, newest first, by status. */
export function AdminRefundsPage() {
  return (
    <AdminPage title="Refunds">
      <FilteredPaged
        id="admin-refunds-filter"
        param="status"
        fallback="all"
        options={REFUND_FILTERS}
        label="Refunds"
        empty={<p className="empty-state">No refunds here.</p>}
        load={(status, cursor) =>
          call(api.GET('/v1/admin/refunds', { params: { query: { status, cursor } } }))
        }
      >
        {(refunds) => (
          <DataTable
            columns={[
              'Refund',
              'Made',
              'Order',
              'Shop',
              'Reason',
              'Status',
              { label: 'Amount', numeric: true },
            ]}
          >
            {refunds.map((refund) => (
              <tr key={refund.id}>
                <th scope="row">
                  <code>{refund.id}</code>
                  <div className="muted">
                    <AuditLink id={refund.id} />
                  </div>
                </th>
                <td>{formatDateTime(refund.created_at)}</td>
                <td>
                  <code>{refund.order_id}</code>
                </td>
                <td>
                  <code>{refund.shop_id}</code>
                </td>
                <td>{refund.reason}</td>
                <td>
                  <span className="badge">{refund.status}</span>
                </td>
                <td className="num">{formatMoney(refund.amount)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </FilteredPaged>
    </AdminPage>
  );
}

const PAYOUT_FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'paid', label: 'Paid' },
  { value: 'failed', label: 'Failed' },
] as const;

/** Every payout to a shop, newest first, by status. */
export function AdminPayoutsPage() {
  return (
    <AdminPage title="Payouts">
      <FilteredPaged
        id="admin-payouts-filter"
        param="status"
        fallback="all"
        options={PAYOUT_FILTERS}
        label="Payouts"
        empty={<p className="empty-state">No payouts here.</p>}
        load={(status, cursor) =>
          call(api.GET('/v1/admin/payouts', { params: { query: { status, cursor } } }))
        }
      >
        {(payouts) => (
          <DataTable columns={['Payout', 'Made', 'Shop', 'Status', { label: 'Amount', numeric: true }]}>
            {payouts.map((payout) => (
              <tr key={payout.id}>
                <th scope="row">
                  <code>{payout.id}</code>
                  <div className="muted">
                    <AuditLink id={payout.id} />
                  </div>
                </th>
                <td>{formatDateTime(payout.created_at)}</td>
                <td>
                  <code>{payout.shop_id}</code>
                </td>
                <td>
                  <span className="badge">{payout.status}</span>
                  {payout.failure_code ? <div className="muted">{payout.failure_code}</div> : null}
                </td>
                <td className="num">{formatMoney(payout.amount)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </FilteredPaged>
    </AdminPage>
  );
}
