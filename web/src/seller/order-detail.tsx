import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAttemptKey } from '../api/attempt-key';
import { ApiError, api, call } from '../api/client';
import { formatDateTime, formatMoney } from '../format';
import { useMarketplace } from '../marketplace';
import { DataTable } from '../ui/data-table';
import { Async, ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { NotFound } from '../ui/not-found';
import { useAction, useApi } from '../ui/use-api';
import { checkAmount } from './amount';
import { ORDER_STATUS_LABELS } from './orders';
import { SellerPage } from './seller-page';
import type { Order } from './types';

const REFUNDABLE = new Set<Order['status']>(['paid', 'shipped', 'delivered']);

export function OrderDetailPage() {
  const { id = '' } = useParams();
  const order = useApi(() => call(api.GET('/v1/orders/{id}', { params: { path: { id } } })), [id]);
  if (order.state === 'error' && order.error instanceof ApiError && order.error.status === 404)
    return (
      <SellerPage title="Order">
        <NotFound what="order" />
      </SellerPage>
    );
  return (
    <SellerPage title={order.data ? `Order ${order.data.number}` : 'Order'}>
      <p>
        <Link to="/seller/orders">Back to orders</Link>
      </p>
      <Async value={order}>
        {(data) => (
          <div className="two-columns">
            <div>
              <OrderSummary order={data} />
            </div>
            <div className="seller-side">
              {data.status === 'paid' && <ShipForm order={data} onShipped={order.reload} />}
              {REFUNDABLE.has(data.status) && <RefundForm order={data} onRefunded={order.reload} />}
            </div>
          </div>
        )}
      </Async>
    </SellerPage>
  );
}

function OrderSummary({ order }: { order: Order }) {
  const address = order.shipping_address;
  return (
    <>
      <p className="row">
        <span className={`badge badge-${order.status}`}>{ORDER_STATUS_LABELS[order.status]}</span>
        <span className="muted">placed {formatDateTime(order.created_at)}</span>
      </p>
      <DataTable
        caption="Items"
        columns={['Item', { label: 'Qty', numeric: true }, { label: 'Total', numeric: true }]}
        footer={
          <>
            <tr>
              <th scope="row" colSpan={2}>
                Total
              </th>
              <td className="num">{formatMoney(order.total)}</td>
            </tr>
            {order.refunded.amount > 0 && (
              <tr>
                <th scope="row" colSpan={2}>
                  Refunded
                </th>
                <td className="num">−{formatMoney(order.refunded)}</td>
              </tr>
            )}
          </>
        }
      >
        {order.items.map((item) => (
          <tr key={item.id}>
            <td>
              {item.title}
              <div className="muted">SKU {item.sku}</div>
            </td>
            <td className="num">{item.quantity}</td>
            <td className="num">{formatMoney(item.line_total)}</td>
          </tr>
        ))}
      </DataTable>
      <h2>Ship to</h2>
      <address className="card">
        {address.name}
        <br />
        {address.line1}
        {address.line2 && (
          <>
            <br />
            {address.line2}
          </>
        )}
        <br />
        {address.postal_code} {address.city}
        <br />
        {address.country}
      </address>
      {order.shipment && (
        <>
          <h2>Shipment</h2>
          <p>
            {order.shipment.carrier}, tracking number <strong>{order.shipment.tracking_number}</strong>
            {order.shipped_at && <span className="muted"> · shipped {formatDateTime(order.shipped_at)}</span>}
          </p>
        </>
      )}
      {order.refunds.length > 0 && (
        <>
          <h2>Refunds</h2>
          <ul>
            {order.refunds.map((refund) => (
              <li key={refund.id}>
                {formatMoney(refund.amount)}: {refund.reason} <span className="badge">{refund.status}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function ShipForm({ order, onShipped }: { order: Order; onShipped(): void }) {
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const ship = useAction(async () => {
    await call(
      api.POST('/v1/orders/{id}/ship', {
        params: { path: { id: order.id } },
        body: { carrier: carrier.trim(), tracking_number: tracking.trim() },
      }),
    );
    onShipped();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void ship.run();
  };
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="ship-heading">
      <h2 id="ship-heading">Ship this order</h2>
      <TextField id="ship-carrier" label="Carrier" required value={carrier} onChange={setCarrier} />
      <TextField
        id="ship-tracking"
        label="Tracking number"
        required
        value={tracking}
        onChange={setTracking}
      />
      <ErrorNotice error={ship.error} />
      <div className="row">
        <button type="submit" disabled={ship.pending}>
          {ship.pending ? 'Shipping…' : 'Mark as shipped'}
        </button>
      </div>
    </form>
  );
}

function RefundForm({ order, onRefunded }: { order: Order; onRefunded(): void }) {
  const marketplace = useMarketplace();
  const refundable = { amount: order.total.amount - order.refunded.amount, currency: order.total.currency };
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  // A retried click after a lost answer reuses the attempt's key; editing the form starts a new attempt.
  const attempt = useAttemptKey();
  const [done, setDone] = useState(false);
  const refund = useAction(async (minor: number) => {
    await attempt.send((key) =>
      call(
        api.POST('/v1/orders/{id}/refunds', {
          params: { path: { id: order.id }, header: { 'idempotency-key': key } },
          body: { amount: { amount: minor, currency: marketplace.currency }, reason: reason.trim() },
        }),
      ),
    );
    setAmount('');
    setReason('');
    setDone(true);
    onRefunded();
  });
  const edit = (apply: () => void) => {
    apply();
    attempt.reset();
    setDone(false);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkAmount(amount, refundable, marketplace.currency_digits);
    if ('error' in checked) return setAmountError(checked.error);
    setAmountError(null);
    void refund.run(checked.amount);
  };
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="refund-heading" noValidate>
      <h2 id="refund-heading">Refund</h2>
      <p className="muted">Up to {formatMoney(refundable)} can be refunded.</p>
      <TextField
        id="refund-amount"
        label="Refund amount"
        inputMode="decimal"
        value={amount}
        error={amountError}
        onChange={(value) => edit(() => setAmount(value))}
      />
      <TextField
        id="refund-reason"
        label="Reason"
        required
        value={reason}
        onChange={(value) => edit(() => setReason(value))}
      />
      <ErrorNotice error={refund.error} />
      {done && (
        <p className="notice notice-success" role="status">
          Refund issued.
        </p>
      )}
      <div className="row">
        <button type="submit" className="button-danger" disabled={refund.pending || !reason.trim()}>
          {refund.pending ? 'Refunding…' : 'Issue refund'}
        </button>
      </div>
    </form>
  );
}
