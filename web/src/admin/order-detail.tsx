import { useParams } from 'react-router';
import { ApiError, api, call } from '../api/client';
import { formatDateTime, formatMoney } from '../format';
import { ORDER_STATUS_LABELS } from '../seller/orders';
import { Timeline } from '../store/order';
import { AuditEventList } from '../ui/audit-trail';
import { DataTable } from '../ui/data-table';
import { Async } from '../ui/feedback';
import { NotFound } from '../ui/not-found';
import { useApi } from '../ui/use-api';
import { AdminPage } from './admin-page';
import { OrderBuyer } from './orders';

/** One order, as an admin reads any order: its items and totals, progress, buyer, shop and audit trail. */
export function AdminOrderPage() {
  const { id = '' } = useParams();
  const order = useApi(() => call(api.GET('/v1/orders/{id}', { params: { path: { id } } })), [id]);
  if (order.state === 'error' && order.error instanceof ApiError && order.error.status === 404)
    return (
      <AdminPage title="Order">
        <NotFound what="order" />
      </AdminPage>
    );
  return (
    <AdminPage title={order.data ? `Order ${order.data.number}` : 'Order'}>
      <Async value={order}>
        {(data) => (
          <>
            <p className="row">
              <span className={`badge badge-${data.status}`}>{ORDER_STATUS_LABELS[data.status]}</span>
              <span className="muted">placed {formatDateTime(data.created_at)}</span>
            </p>
            <Timeline order={data} />
            <dl className="details">
              <dt>Buyer</dt>
              <dd>
                <OrderBuyer order={data} />
              </dd>
              <dt>Shop</dt>
              <dd>
                {data.shop.name} <code>{data.shop.id}</code>
              </dd>
              <dt>Order id</dt>
              <dd>
                <code>{data.id}</code>
              </dd>
            </dl>
            <DataTable
              caption="Items"
              columns={[
                'Item',
                { label: 'Qty', numeric: true },
                { label: 'Unit price', numeric: true },
                { label: 'Total', numeric: true },
              ]}
              footer={[
                ['Subtotal', formatMoney(data.subtotal)],
                [
                  `Shipping${data.shipping ? ` (${data.shipping.name})` : ''}`,
                  formatMoney(data.shipping_total),
                ],
                ['Tax', formatMoney(data.tax_total)],
                ['Discount', `−${formatMoney(data.discount_total)}`],
                ['Total', formatMoney(data.total)],
                ['Refunded', `−${formatMoney(data.refunded)}`],
              ].map(([label, value]) => (
                <tr key={label}>
                  <th scope="row" colSpan={3}>
                    {label}
                  </th>
                  <td className="num">{value}</td>
                </tr>
              ))}
            >
              {data.items.map((item) => (
                <tr key={item.id}>
                  <td>
                    {item.title}
                    <div className="muted">SKU {item.sku}</div>
                  </td>
                  <td className="num">{item.quantity}</td>
                  <td className="num">{formatMoney(item.unit_price)}</td>
                  <td className="num">{formatMoney(item.line_total)}</td>
                </tr>
              ))}
            </DataTable>
          </>
        )}
      </Async>
      <h2>Audit trail</h2>
      <AuditEventList
        key={id}
        loadKey={[id]}
        label="Changes to this order"
        empty="No audit events."
        load={(cursor) => call(api.GET('/v1/admin/audit', { params: { query: { target: id, cursor } } }))}
      />
    </AdminPage>
  );
}
