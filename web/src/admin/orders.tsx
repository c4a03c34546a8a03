import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatDateTime, formatMoney } from '../format';
import { ORDER_STATUS_LABELS } from '../seller/orders';
import type { OrderStatus } from '../seller/types';
import { CsvExportButton } from '../ui/csv-export';
import { DataTable } from '../ui/data-table';
import { Paged } from '../ui/paged-list';
import { AdminPage } from './admin-page';

const FIELDS = [
  { name: 'shop', label: 'Shop id', type: 'text' },
  { name: 'buyer', label: 'Buyer id', type: 'text' },
  { name: 'from', label: 'Placed from', type: 'date' },
  { name: 'to', label: 'Placed to', type: 'date' },
] as const;
type Field = (typeof FIELDS)[number]['name'] | 'status';
type Filters = Partial<Record<Field, string>>;

/** Every order of the marketplace, by status, shop, buyer and period; exported as CSV with the same filters. */
export function AdminOrdersPage() {
  const [params, setParams] = useSearchParams();
  const filters: Filters = Object.fromEntries(
    (['status', ...FIELDS.map((field) => field.name)] as Field[]).flatMap((name) => {
      const value = params.get(name);
      return value ? [[name, value]] : [];
    }),
  );
  const [draft, setDraft] = useState<Filters>(filters);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(draft)) if (value?.trim()) next.set(name, value.trim());
    setParams(next);
  };
  const query = { ...filters, status: filters.status as OrderStatus | undefined };
  const key = JSON.stringify(filters);
  return (
    <AdminPage title="Orders">
      <form className="row audit-filters" onSubmit={apply} aria-label="Filter the orders">
        <div className="field">
          <label htmlFor="admin-orders-status">Status</label>
          <select
            id="admin-orders-status"
            value={draft.status ?? ''}
            onChange={(event) => setDraft({ ...draft, status: event.target.value })}
          >
            <option value="">Any</option>
            {Object.entries(ORDER_STATUS_LABELS).map(([status, label]) => (
              <option key={status} value={status}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {FIELDS.map((field) => (
          <div className="field" key={field.name}>
            <label htmlFor={`admin-orders-${field.name}`}>{field.label}</label>
            <input
              id={`admin-orders-${field.name}`}
              type={field.type}
              value={draft[field.name] ?? ''}
              onChange={(event) => setDraft({ ...draft, [field.name]: event.target.value })}
            />
          </div>
        ))}
        <button type="submit">Filter</button>
      </form>
      <CsvExportButton
        filename="orders.csv"
        label="Export these orders (CSV)"
        load={() =>
          call(
            api.GET('/v1/admin/orders', {
              params: { query },
              headers: { accept: 'text/csv' },
              parseAs: 'blob',
            }),
          )
        }
      />
      <Paged
        key={key}
        loadKey={[key]}
        label="Orders"
        empty={<p className="empty-state">No orders match.</p>}
        load={(cursor) => call(api.GET('/v1/admin/orders', { params: { query: { ...query, cursor } } }))}
      >
        {(orders) => <AdminOrderTable orders={orders} />}
      </Paged>
    </AdminPage>
  );
}

type AdminOrder =
  paths['/v1/admin/orders']['get']['responses'][200]['content']['application/json']['data'][number];

/** Orders as admins list them, each linked to its page and to its buyer's. */
export function AdminOrderTable({ orders }: { orders: readonly AdminOrder[] }) {
  return (
    <DataTable columns={['Order', 'Placed', 'Shop', 'Buyer', 'Status', { label: 'Total', numeric: true }]}>
      {orders.map((order) => (
        <tr key={order.id}>
          <th scope="row">
            <Link to={`/admin/orders/${order.id}`}>Order {order.number}</Link>
            <div className="muted">
              <code>{order.id}</code>
            </div>
          </th>
          <td>{formatDateTime(order.created_at)}</td>
          <td>{order.shop.name}</td>
          <td>
            <OrderBuyer order={order} />
          </td>
          <td>
            <span className={`badge badge-${order.status}`}>{ORDER_STATUS_LABELS[order.status]}</span>
          </td>
          <td className="num">{formatMoney(order.total)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** A user's order links to the buyer's page; a guest's shows the address the guest checked out with. */
export function OrderBuyer({ order }: { order: Pick<AdminOrder, 'buyer_id' | 'guest_email'> }) {
  if (order.buyer_id)
    return (
      <Link to={`/admin/users/${order.buyer_id}`}>
        <code>{order.buyer_id}</code>
      </Link>
    );
  return <span>guest {order.guest_email}</span>;
}
