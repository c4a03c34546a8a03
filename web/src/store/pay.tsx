import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAttemptKey } from '../api/attempt-key';
import { ApiError, api, call } from '../api/client';
import { useAuth } from '../auth';
import { formatMoney } from '../format';
import { Async, ErrorNotice, Spinner } from '../ui/feedback';
import { SessionKnown } from '../ui/layout';
import { NotFound } from '../ui/not-found';
import { useAction, useApi } from '../ui/use-api';
import { CheckoutSteps } from './checkout';
import { CreateAccountOffer } from './create-account-offer';
import { nextPaymentStep, PAYMENT_METHODS, pollDelay } from './payment-follow';
import type { Payment } from './types';

/** Reads a `processing` payment again, backing off, until it settles; returns the latest reading. */
function useFollowedPayment(initial: Payment): [Payment, (payment: Payment) => void, unknown] {
  const [payment, setPayment] = useState(initial);
  const [attempt, setAttempt] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const polling = nextPaymentStep(payment).kind === 'poll';
  useEffect(() => {
    if (!polling) return;
    let stopped = false;
    const timer = setTimeout(async () => {
      try {
        const latest = await call(api.GET('/v1/payments/{id}', { params: { path: { id: payment.id } } }));
        if (stopped) return;
        setError(null);
        setPayment(latest);
      } catch (caught) {
        if (!stopped) setError(caught);
      }
      if (!stopped) setAttempt((n) => n + 1);
    }, pollDelay(attempt));
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [polling, attempt, payment.id]);
  const replace = (next: Payment) => {
    setAttempt(0);
    setPayment(next);
  };
  return [payment, replace, error];
}

function PaymentForm({ initial }: { initial: Payment }) {
  const guest = useAuth().me === null;
  const [payment, setPayment, pollError] = useFollowedPayment(initial);
  const [method, setMethod] = useState('pm_card_visa');
  const attempt = useAttemptKey();
  const confirm = useAction(async () => {
    try {
      const answer = await attempt.send((key) =>
        call(
          api.POST('/v1/payments/{id}/confirm', {
            params: { path: { id: payment.id }, header: { 'idempotency-key': key } },
            body: { payment_method: method },
          }),
        ),
      );
      setPayment(answer);
    } catch (error) {
      // Someone (another tab, a webhook) moved the payment on: show where it is now.
      if (error instanceof ApiError && error.code === 'invalid_state')
        setPayment(await call(api.GET('/v1/payments/{id}', { params: { path: { id: payment.id } } })));
      else throw error;
    }
  });
  const step = nextPaymentStep(payment);

  if (step.kind === 'succeeded') {
    return (
      <div className="notice notice-success payment-result" role="status">
        <div>
          <p>
            <strong>Payment received: {formatMoney(payment.amount)}.</strong> Thank you! The shops have your
            {payment.orders.length > 1 ? ` ${payment.orders.length} orders` : ' order'}.
          </p>
          <ul className="plain-list">
            {payment.orders.map((orderId, index) => (
              <li key={orderId}>
                <Link to={`/orders/${orderId}`}>
                  {payment.orders.length > 1
                    ? `Order ${index + 1} of ${payment.orders.length}`
                    : 'See the order'}
                </Link>
              </li>
            ))}
          </ul>
          {guest ? <CreateAccountOffer /> : <Link to="/orders">All your orders</Link>}
        </div>
      </div>
    );
  }
  if (step.kind === 'poll') {
    return (
      <div className="payment-result">
        <Spinner label="Waiting for your bank to confirm the payment…" />
        {pollError !== null && <ErrorNotice error={pollError} />}
      </div>
    );
  }
  if (step.kind === 'canceled') {
    return (
      <div className="notice notice-info" role="status">
        {step.message} <Link to="/orders">Your orders</Link>
      </div>
    );
  }
  return (
    <form
      className="form payment-form"
      onSubmit={(event) => {
        event.preventDefault();
        void confirm.run();
      }}
    >
      {step.kind === 'failed' && (
        <p className="notice notice-error" role="alert">
          {step.message}
        </p>
      )}
      <fieldset className="payment-methods">
        <legend>Payment method (sandbox test cards)</legend>
        {PAYMENT_METHODS.map((option) => (
          <label key={option.id} className="payment-method card" data-checked={method === option.id}>
            <input
              type="radio"
              name="payment-method"
              value={option.id}
              checked={method === option.id}
              onChange={() => {
                setMethod(option.id);
                attempt.reset();
              }}
            />
            <span>
              <span className="payment-method-label">{option.label}</span>
              <span className="muted payment-method-hint">{option.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <ErrorNotice error={confirm.error} />
      <button type="submit" disabled={confirm.pending}>
        {confirm.pending ? 'Paying…' : `Pay ${formatMoney(payment.amount)}`}
      </button>
    </form>
  );
}

export function PaymentPage() {
  const { paymentId = '' } = useParams();
  const payment = useApi(
    () => call(api.GET('/v1/payments/{id}', { params: { path: { id: paymentId } } })),
    [paymentId],
  );
  return (
    <SessionKnown>
      <h1>Payment</h1>
      <CheckoutSteps step={2} />
      {payment.state === 'error' && payment.error instanceof ApiError && payment.error.status === 404 ? (
        <NotFound what="payment" />
      ) : (
        <Async value={payment}>{(data) => <PaymentForm key={data.id} initial={data} />}</Async>
      )}
    </SessionKnown>
  );
}
