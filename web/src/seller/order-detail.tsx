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

const REFUNDABLE = new Set<Order['status']>(['paid', 'partially_shipped', 'shipped', 'delivered']);

/** Units of each item not in any parcel yet. */
const unitsLeft = (order: Order): Map<string, number> => {
  const left = new Map(order.items.map((item) => [item.id, item.quantity]));
  for (const shipment of order.shipments)
    for (const line of shipment.items)
      left.set(line.order_item_id, (left.get(line.order_item_id) ?? 0) - line.quantity);
  return left;
};

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
              {(data.status === 'paid' || data.status === 'partially_shipped') && (
                <ShipForm key={data.shipments.length} order={data} onShipped={order.reload} />
              )}
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
                Delivery{order.shipping ? ` (${order.shipping.name})` : ''}
              </th>
              <td className="num">{formatMoney(order.shipping_total)}</td>
            </tr>
            {order.tax_total.amount > 0 && (
              <tr>
                <th scope="row" colSpan={2}>
                  Tax (collected by the marketplace, not yours)
                </th>
                <td className="num">{formatMoney(order.tax_total)}</td>
              </tr>
            )}
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
      {order.shipments.length > 0 && (
        <>
          <h2>Parcels</h2>
          <ol>
            {order.shipments.map((shipment) => (
              <li key={shipment.id}>
                {shipment.carrier}, tracking number <strong>{shipment.tracking_number}</strong>
                <span className="muted"> · shipped {formatDateTime(shipment.shipped_at)}</span>
                <ul>
                  {shipment.items.map((line) => (
                    <li key={line.order_item_id}>
                      {line.quantity} × {order.items.find((item) => item.id === line.order_item_id)?.title}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
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

/**
 * Ships a parcel: every unit left unless the seller lowers some quantities, in which case only
 * those units go and the order stays partly shipped.
 */
function ShipForm({ order, onShipped }: { order: Order; onShipped(): void }) {
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const left = unitsLeft(order);
  const [quantities, setQuantities] = useState<Record<string, string>>(() =>
    Object.fromEntries([...left].map(([id, units]) => [id, String(Math.max(0, units))])),
  );
  const chosen = order.items
    .map((item) => ({ order_item_id: item.id, quantity: Number(quantities[item.id] ?? 0) }))
    .filter((line) => Number.isInteger(line.quantity) && line.quantity > 0);
  const everything = order.items.every(
    (item) => Number(quantities[item.id] ?? 0) >= (left.get(item.id) ?? 0),
  );
  const ship = useAction(async () => {
    const parcel = { carrier: carrier.trim(), tracking_number: tracking.trim() };
    const path = { params: { path: { id: order.id } } };
    // Everything left: one call that ships the rest, whatever refunds took back meanwhile.
    if (everything) await call(api.POST('/v1/orders/{id}/ship', { ...path, body: parcel }));
    else await call(api.POST('/v1/orders/{id}/shipments', { ...path, body: { ...parcel, items: chosen } }));
    onShipped();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void ship.run();
  };
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="ship-heading">
      <h2 id="ship-heading">Ship this order</h2>
      {order.items.length > 0 && (
        <fieldset className="shipment-lines">
          <legend>In this parcel</legend>
          {order.items.map((item) => (
            <TextField
              key={item.id}
              id={`ship-quantity-${item.id}`}
              label={`${item.title} (${Math.max(0, left.get(item.id) ?? 0)} left)`}
              inputMode="numeric"
              value={quantities[item.id] ?? '0'}
              onChange={(value) => setQuantities({ ...quantities, [item.id]: value })}
            />
          ))}
        </fieldset>
      )}
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
        <button type="submit" disabled={ship.pending || (!everything && chosen.length === 0)}>
          {ship.pending ? 'Shipping…' : everything ? 'Mark as shipped' : 'Ship these items'}
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
