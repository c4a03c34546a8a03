import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { formatDateTime, formatMoney } from '../format';
import { CsvExportButton } from '../ui/csv-export';
import { DataTable } from '../ui/data-table';
import { FilteredPaged, type FilterOption } from '../ui/filtered-paged';
import { SellerPage } from './seller-page';
import type { OrderStatus } from './types';

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: 'Awaiting payment',
  paid: 'To ship',
  partially_shipped: 'Partly shipped',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

const FILTERS: FilterOption<OrderStatus | 'all'>[] = [
  { value: 'paid', label: 'To ship' },
  { value: 'partially_shipped', label: 'Partly shipped' },
  { value: 'shipped', label: 'Shipped' },
  { value: 'delivered', label: 'Delivered' },
  { value: 'refunded', label: 'Refunded' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'pending_payment', label: 'Awaiting payment' },
  { value: 'all', label: 'All' },
];

export function OrdersPage() {
  const [params] = useSearchParams();
  const status = params.get('status') ?? 'paid';
  return (
    <SellerPage title="Orders">
      <CsvExportButton
        filename="orders.csv"
        label="Export these orders (CSV)"
        load={() =>
          call(
            api.GET('/v1/shop/orders', {
              params: { query: status === 'all' ? {} : { status: status as OrderStatus } },
              headers: { accept: 'text/csv' },
              parseAs: 'blob',
            }),
          )
        }
      />
      <FilteredPaged
        id="order-filter-status"
        param="status"
        fallback="paid"
        options={FILTERS}
        label="Orders"
        empty={<p className="empty-state">No orders here.</p>}
        load={(status, cursor) => call(api.GET('/v1/shop/orders', { params: { query: { status, cursor } } }))}
      >
        {(orders) => (
          <DataTable columns={['Order', 'Placed', 'Items', 'Status', { label: 'Total', numeric: true }]}>
            {orders.map((order) => (
              <tr key={order.id}>
                <th scope="row">
                  <Link to={`/seller/orders/${order.id}`}>Order {order.number}</Link>
                </th>
                <td>{formatDateTime(order.created_at)}</td>
                <td>{order.items.reduce((sum, item) => sum + item.quantity, 0)}</td>
                <td>
                  <span className={`badge badge-${order.status}`}>{ORDER_STATUS_LABELS[order.status]}</span>
                </td>
                <td className="num">{formatMoney(order.total)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </FilteredPaged>
    </SellerPage>
  );
}
