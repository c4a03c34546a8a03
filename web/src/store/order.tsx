import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, api, call, orderTokens } from '../api/client';
import { useAuth } from '../auth';
import { formatDateTime, formatMoney } from '../format';
import { Async, ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { SessionKnown } from '../ui/layout';
import { NotFound } from '../ui/not-found';
import { useAction, useApi } from '../ui/use-api';
import { CreateAccountOffer } from './create-account-offer';
import { DiscountTotal, LineDiscount } from './discount-lines';
import { StatusBadge } from './orders';
import { OrderReturns } from './returns';
import { orderTimeline } from './timeline';
import type { Order } from './types';

type OrderItem = Order['items'][number];

/** The order's path so far, step by step; the admin's order page shows it too. */
export function Timeline({ order }: { order: Order }) {
  return (
    <ol className="timeline" aria-label="Order progress">
      {orderTimeline(order).map((step) => (
        <li
          key={step.label}
          className={`timeline-step timeline-${step.state}`}
          aria-current={step.state === 'current' ? 'step' : undefined}
        >
          <span className="timeline-label">{step.label}</span>
          {step.at && <span className="muted timeline-time">{formatDateTime(step.at)}</span>}
        </li>
      ))}
    </ol>
  );
}

const RATING_LABELS = ['Terrible', 'Poor', 'Average', 'Good', 'Excellent'];

function ReviewForm({ item, done }: { item: OrderItem; done(outcome: 'posted' | 'already_reviewed'): void }) {
  const [rating, setRating] = useState<number | null>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState('');
  const submit = useAction(async () => {
    try {
      await call(
        api.POST('/v1/products/{id}/reviews', {
          params: { path: { id: item.product_id } },
          body: {
            order_item_id: item.id,
            rating: rating ?? 0,
            body: body.trim(),
            ...(title.trim() ? { title: title.trim() } : {}),
          },
        }),
      );
      done('posted');
    } catch (error) {
      if (error instanceof ApiError && error.code === 'conflict') {
        done('already_reviewed');
        return;
      }
      throw error;
    }
  });
  const prefix = `review-${item.id}`;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (rating === null) setProblem('Choose a rating from 1 to 5 stars.');
    else if (!body.trim()) setProblem('Write a few words about the item.');
    else {
      setProblem('');
      void submit.run();
    }
  };
  return (
    <form
      className="form review-form card"
      onSubmit={onSubmit}
      noValidate
      aria-label={`Review ${item.title}`}
    >
      <fieldset>
        <legend>Your rating</legend>
        <div className="choice-row">
          {RATING_LABELS.map((label, index) => (
            <label key={label} className="choice">
              <input
                type="radio"
                name={`${prefix}-rating`}
                value={index + 1}
                checked={rating === index + 1}
                onChange={() => setRating(index + 1)}
              />
              {index + 1} {index === 0 ? 'star' : 'stars'} ({label})
            </label>
          ))}
        </div>
      </fieldset>
      <TextField
        id={`${prefix}-title`}
        label={
          <>
            Title <span className="muted">(optional)</span>
          </>
        }
        value={title}
        maxLength={200}
        onChange={setTitle}
      />
      <TextField id={`${prefix}-body`} label="Review" rows={4} value={body} onChange={setBody} />
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNotice error={submit.error} />
      <button type="submit" disabled={submit.pending}>
        {submit.pending ? 'Sending…' : 'Post review'}
      </button>
    </form>
  );
}

function ItemRow({ order, item }: { order: Order; item: OrderItem }) {
  const [review, setReview] = useState<'closed' | 'writing' | 'posted' | 'already_reviewed'>('closed');
  const reviewed = item.review_id !== null || review === 'already_reviewed';
  return (
    <li className="order-item">
      <div className="row order-item-line">
        <span>
          <Link to={`/products/${item.product_id}`}>{item.title}</Link>{' '}
          <span className="muted">
            {item.quantity} × {formatMoney(item.unit_price)}
          </span>
        </span>
        <span className="num">{formatMoney(item.line_total)}</span>
      </div>
      <LineDiscount title={item.title} discount={item.discount} />
      {/* A guest's order is reviewed once an account claims it. */}
      {order.status === 'delivered' &&
        order.buyer_id !== null &&
        (review === 'posted' ? (
          <p className="notice notice-success" role="status">
            Thank you for your review!
          </p>
        ) : reviewed ? (
          <p className="muted" role={review === 'already_reviewed' ? 'status' : undefined}>
            You have already reviewed this item.
          </p>
        ) : review === 'writing' ? (
          <ReviewForm item={item} done={setReview} />
        ) : (
          item.reviewable && (
            <button type="button" className="button-secondary" onClick={() => setReview('writing')}>
              Write a review<span className="visually-hidden"> of {item.title}</span>
            </button>
          )
        ))}
    </li>
  );
}

function OrderActions({ order, update }: { order: Order; update(order: Order): void }) {
  // A guest (by its order token) pays and cancels; confirming delivery takes an account.
  const guest = useAuth().me === null;
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const cancel = useAction(async () =>
    update(await call(api.POST('/v1/orders/{id}/cancel', { params: { path: { id: order.id } } }))),
  );
  const deliver = useAction(async () =>
    update(await call(api.POST('/v1/orders/{id}/confirm-delivery', { params: { path: { id: order.id } } }))),
  );
  const cancellable =
    order.status === 'pending_payment' || order.status === 'paid' || order.status === 'partially_shipped';
  return (
    <div className="order-actions">
      <div className="row">
        {order.status === 'pending_payment' && (
          <button type="button" onClick={() => navigate(`/checkout/pay/${order.payment_id}`)}>
            Pay now
          </button>
        )}
        {order.status === 'shipped' && !guest && (
          <button type="button" onClick={() => void deliver.run()} disabled={deliver.pending}>
            {deliver.pending ? 'Confirming…' : 'Confirm delivery'}
          </button>
        )}
        {cancellable && !confirming && (
          <button type="button" className="button-secondary" onClick={() => setConfirming(true)}>
            Cancel order
          </button>
        )}
      </div>
      {cancellable && confirming && (
        <div className="notice notice-info" role="alertdialog" aria-labelledby="cancel-question">
          <p id="cancel-question">
            Cancel order {order.number}?{' '}
            {order.status === 'paid' ? `You will be refunded ${formatMoney(order.total)}.` : ''}
            {order.status === 'partially_shipped'
              ? 'The parcels already sent still come; the items not sent yet are cancelled and refunded.'
              : ''}
          </p>
          <div className="row">
            <button
              type="button"
              className="button-danger"
              disabled={cancel.pending}
              onClick={async () => {
                await cancel.run();
                setConfirming(false);
              }}
            >
              {cancel.pending ? 'Cancelling…' : 'Yes, cancel the order'}
            </button>
            <button type="button" className="button-secondary" onClick={() => setConfirming(false)}>
              Keep the order
            </button>
          </div>
        </div>
      )}
      <ErrorNotice error={cancel.error ?? deliver.error} />
    </div>
  );
}

/** Each parcel with its carrier, tracking number and what it holds. */
function Parcels({ order }: { order: Order }) {
  if (order.shipments.length === 0) return null;
  const titleOf = new Map(order.items.map((item) => [item.id, item.title]));
  return (
    <section aria-labelledby="parcels-heading">
      <h3 id="parcels-heading">
        {order.shipments.length === 1 ? 'Parcel' : `${order.shipments.length} parcels`}
      </h3>
      <ol className="plain-list parcels">
        {order.shipments.map((shipment, index) => (
          <li key={shipment.id} className="parcel">
            <p>
              Parcel {index + 1}, sent {formatDateTime(shipment.shipped_at)} with {shipment.carrier}, tracking
              number <strong>{shipment.tracking_number}</strong>
            </p>
            <ul>
              {shipment.items.map((line) => (
                <li key={line.order_item_id}>
                  {line.quantity} × {titleOf.get(line.order_item_id) ?? line.order_item_id}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}

function OrderView({ initial }: { initial: Order }) {
  const [order, setOrder] = useState(initial);
  const guest = useAuth().me === null;
  const address = order.shipping_address;
  return (
    <article className="order-page">
      <div className="row">
        <h1>Order {order.number}</h1>
        <StatusBadge status={order.status} />
      </div>
      <p className="muted">
        From <strong>{order.shop.name}</strong>, placed {formatDateTime(order.created_at)}
      </p>
      <Timeline order={order} />
      <OrderActions order={order} update={setOrder} />
      {/* Returns are asked for by an account: a guest is offered one first. */}
      {guest ? <CreateAccountOffer email={order.guest_email} /> : <OrderReturns order={order} />}
      <div className="two-columns">
        <section className="card" aria-labelledby="items-heading">
          <h2 id="items-heading">Items</h2>
          <ul className="plain-list">
            {order.items.map((item) => (
              <ItemRow key={item.id} order={order} item={item} />
            ))}
          </ul>
          <p className="row summary-line">
            <span>Subtotal</span> <span className="num">{formatMoney(order.subtotal)}</span>
          </p>
          <DiscountTotal
            promotions={order.promotions}
            discount={order.discount_total}
            testId="order-discount"
          />
          <p className="row summary-line">
            <span>Delivery{order.shipping ? ` (${order.shipping.name})` : ''}</span>{' '}
            <span className="num">
              {order.shipping_total.amount === 0 ? 'Free' : formatMoney(order.shipping_total)}
            </span>
          </p>
          {order.tax_total.amount > 0 && (
            <p className="row summary-line">
              <span>Tax</span> <span className="num">{formatMoney(order.tax_total)}</span>
            </p>
          )}
          {order.refunded.amount > 0 && (
            <p className="row summary-line">
              <span>Refunded</span> <span className="num">−{formatMoney(order.refunded)}</span>
            </p>
          )}
          <p className="row summary-line">
            <strong>Total</strong> <strong className="num">{formatMoney(order.total)}</strong>
          </p>
        </section>
        <section className="card" aria-labelledby="shipping-heading">
          <h2 id="shipping-heading">Shipping</h2>
          <address>
            {address.name}
            <br />
            {address.line1}
            <br />
            {address.line2 && (
              <>
                {address.line2}
                <br />
              </>
            )}
            {address.postal_code} {address.city}
            {address.region ? `, ${address.region}` : ''}
            <br />
            {address.country}
          </address>
          {order.shipping && (
            <p className="muted">
              {order.shipping.name}: {order.shipping.min_days}–{order.shipping.max_days} days
            </p>
          )}
          <Parcels order={order} />
          {order.status === 'pending_payment' && (
            <p className="muted">Pay before {formatDateTime(order.expires_at)} or the order is cancelled.</p>
          )}
        </section>
      </div>
    </article>
  );
}

/** Opens an order with the order token of its email link, kept for its payment too. */
async function loadOrder(id: string, linkToken: string | null) {
  if (linkToken) orderTokens.remember(linkToken, [id]);
  const order = await call(api.GET('/v1/orders/{id}', { params: { path: { id } } }));
  const token = orderTokens.of(id);
  if (token) orderTokens.remember(token, [order.payment_id]);
  return order;
}

export function OrderPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const linkToken = params.get('order_token');
  const order = useApi(() => loadOrder(id, linkToken), [id, linkToken]);
  return (
    <SessionKnown>
      {order.state === 'error' && order.error instanceof ApiError && order.error.status === 404 ? (
        <NotFound what="order" />
      ) : (
        <Async value={order}>{(data) => <OrderView key={data.id} initial={data} />}</Async>
      )}
    </SessionKnown>
  );
}
