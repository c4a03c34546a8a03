import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { formatDate, formatMoney } from '../format';
import { ErrorNotice, Spinner } from '../ui/feedback';
import { RequireAuth } from '../ui/layout';
import { STATUS_LABELS } from './timeline';
import type { Order, OrderStatus } from './types';
import { usePages } from './use-pages';

const STATUSES = Object.keys(STATUS_LABELS) as OrderStatus[];

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`badge status-${status}`}>{STATUS_LABELS[status]}</span>;
}

function OrderList() {
  const [params, setParams] = useSearchParams();
  const wanted = params.get('status');
  const status = STATUSES.find((candidate) => candidate === wanted);
  const orders = usePages<Order>(
    (cursor) => call(api.GET('/v1/orders', { params: { query: { status, cursor, limit: 10 } } })),
    [status],
  );
  return (
    <>
      <div className="field order-filter">
        <label htmlFor="order-status">Status</label>
        <select
          id="order-status"
          value={status ?? ''}
          onChange={(event) => setParams(event.target.value ? { status: event.target.value } : {})}
        >
          <option value="">All orders</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {STATUS_LABELS[value]}
            </option>
          ))}
        </select>
      </div>
      <ul className="order-list" aria-label="Orders">
        {orders.items.map((order) => (
          <li key={order.id} className="card order-row">
            <div>
              <Link to={`/orders/${order.id}`} className="order-number">
                Order {order.number}
              </Link>
              <p className="muted">
                {order.shop.name} · {formatDate(order.created_at)} · {order.items.length}{' '}
                {order.items.length === 1 ? 'item' : 'items'}
              </p>
            </div>
            <div className="order-row-end">
              <StatusBadge status={order.status} />
              <span className="num">{formatMoney(order.total)}</span>
            </div>
          </li>
        ))}
      </ul>
      {orders.state === 'ready' && orders.items.length === 0 && (
        <div className="empty-state">
          <p>{status ? 'No orders with this status.' : 'You have not ordered anything yet.'}</p>
          <Link to="/search">Start shopping</Link>
        </div>
      )}
      {orders.state === 'loading' && <Spinner label="Loading orders…" />}
      {orders.state === 'error' && <ErrorNotice error={orders.error} retry={orders.retry} />}
      {orders.more && orders.state === 'ready' && (
        <button type="button" className="button-secondary" onClick={orders.loadMore}>
          More orders
        </button>
      )}
    </>
  );
}

export function OrdersPage() {
  return (
    <RequireAuth>
      <h1>Your orders</h1>
      <OrderList />
    </RequireAuth>
  );
}
