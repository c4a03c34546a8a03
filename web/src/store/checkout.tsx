import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAttemptKey } from '../api/attempt-key';
import { ApiError, api, call, fieldErrorsOf, stockShortagesOf } from '../api/client';
import { formatMoney, type Money } from '../format';
import { Async, ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { RequireAuth } from '../ui/layout';
import { useAction, useApi } from '../ui/use-api';
import {
  type AddressErrors,
  type AddressField,
  addressErrorsOf,
  addressForApi,
  EMPTY_ADDRESS,
  validateAddress,
} from './address';

import { planStockFixes, type StockFix, totalAfterFixes } from './stock-fix';
import type { Cart } from './types';

const FIELDS: readonly { field: AddressField; label: string; autoComplete: string; optional?: boolean }[] = [
  { field: 'name', label: 'Full name', autoComplete: 'name' },
  { field: 'line1', label: 'Address line 1', autoComplete: 'address-line1' },
  { field: 'line2', label: 'Address line 2', autoComplete: 'address-line2', optional: true },
  { field: 'city', label: 'City', autoComplete: 'address-level2' },
  { field: 'postal_code', label: 'Postal code', autoComplete: 'postal-code' },
  { field: 'country', label: 'Country', autoComplete: 'country-name' },
];

function StockProblem({ fixes, apply, pending }: { fixes: StockFix[]; apply(): void; pending: boolean }) {
  return (
    <div className="notice notice-error stock-problem" role="alert">
      <div>
        <p>
          <strong>Some items ran out while you were shopping:</strong>
        </p>
        <ul>
          {fixes.map((fix) => (
            <li key={fix.lineId}>{fix.message}</li>
          ))}
        </ul>
        <div className="row">
          <button type="button" onClick={apply} disabled={pending}>
            {pending ? 'Updating…' : 'Update my cart and place the order'}
          </button>
          <Link to="/cart">Review my cart</Link>
        </div>
      </div>
    </div>
  );
}

/** The total changed between the page and checkout: say so, and charge the new one only when asked. */
function PriceProblem({
  shown,
  current,
  accept,
  pending,
}: {
  shown: Money;
  current: Money;
  accept(): void;
  pending: boolean;
}) {
  return (
    <div className="notice notice-error price-problem" role="alert">
      <div>
        <p>
          <strong>
            Prices changed: your total is now {formatMoney(current)}, not {formatMoney(shown)}.
          </strong>
        </p>
        <div className="row">
          <button type="button" onClick={accept} disabled={pending}>
            {pending ? 'Placing your order…' : `Place the order for ${formatMoney(current)}`}
          </button>
          <Link to="/cart">Review my cart</Link>
        </div>
      </div>
    </div>
  );
}

function CheckoutForm({ cart, reloadCart }: { cart: Cart; reloadCart(): void }) {
  const navigate = useNavigate();
  const [address, setAddress] = useState(EMPTY_ADDRESS);
  const [errors, setErrors] = useState<AddressErrors>({});
  const [fixes, setFixes] = useState<StockFix[]>([]);
  // The total the buyer agreed to pay: the cart's, until checkout names a new one and they accept it.
  const [agreedTotal, setAgreedTotal] = useState<Money>(cart.subtotal);
  const [changedTotal, setChangedTotal] = useState<Money | null>(null);
  const attempt = useAttemptKey();

  const placeOrder = useAction(async (expectedTotal: Money = agreedTotal) => {
    setFixes([]);
    setChangedTotal(null);
    try {
      const answer = await attempt.send((key) =>
        call(
          api.POST('/v1/checkout', {
            params: { header: { 'idempotency-key': key } },
            body: { shipping_address: addressForApi(address), expected_total: expectedTotal },
          }),
        ),
      );
      navigate(`/checkout/pay/${answer.payment.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'insufficient_stock') {
        setFixes(planStockFixes(stockShortagesOf(error.problem), cart.items));
        return;
      }
      if (error instanceof ApiError && error.code === 'price_changed' && error.problem.current_total) {
        // The refusal is stored under this key: the next attempt needs a new one.
        attempt.reset();
        setChangedTotal(error.problem.current_total);
        reloadCart();
        return;
      }
      if (error instanceof ApiError && error.code === 'validation_failed') {
        const fieldErrors = addressErrorsOf(fieldErrorsOf(error.problem));
        if (Object.keys(fieldErrors).length) {
          setErrors(fieldErrors);
          return;
        }
      }
      throw error;
    }
  });

  const fixCart = useAction(async () => {
    for (const fix of fixes) {
      const path = { params: { path: { id: fix.lineId } } };
      if (fix.fix.kind === 'remove') await call(api.DELETE('/v1/cart/items/{id}', path));
      else await call(api.PATCH('/v1/cart/items/{id}', { ...path, body: { quantity: fix.fix.quantity } }));
    }
    const fixedTotal = totalAfterFixes(cart.items, fixes, agreedTotal.currency);
    setFixes([]);
    setAgreedTotal(fixedTotal);
    attempt.reset();
    reloadCart();
    await placeOrder.run(fixedTotal);
  });

  const acceptChangedTotal = (total: Money) => {
    setAgreedTotal(total);
    void placeOrder.run(total);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateAddress(address);
    setErrors(found);
    if (Object.keys(found).length) {
      const first = FIELDS.find(({ field }) => found[field]);
      if (first) document.getElementById(`address-${first.field}`)?.focus();
      return;
    }
    void placeOrder.run();
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="address-heading">
      <h2 id="address-heading">Shipping address</h2>
      {FIELDS.map(({ field, label, autoComplete, optional }) => (
        <TextField
          key={field}
          id={`address-${field}`}
          label={
            <>
              {label}
              {optional && <span className="muted"> (optional)</span>}
            </>
          }
          autoComplete={autoComplete}
          value={address[field]}
          required={!optional}
          error={errors[field]}
          onChange={(value) => {
            setAddress({ ...address, [field]: value });
            attempt.reset();
            if (errors[field]) setErrors({ ...errors, [field]: undefined });
          }}
        />
      ))}
      {changedTotal && (
        <PriceProblem
          shown={agreedTotal}
          current={changedTotal}
          accept={() => acceptChangedTotal(changedTotal)}
          pending={placeOrder.pending}
        />
      )}
      {fixes.length > 0 && (
        <StockProblem fixes={fixes} apply={() => void fixCart.run()} pending={fixCart.pending} />
      )}
      <ErrorNotice error={placeOrder.error ?? fixCart.error} />
      <button type="submit" disabled={placeOrder.pending || fixCart.pending}>
        {placeOrder.pending ? 'Placing your order…' : 'Continue to payment'}
      </button>
    </form>
  );
}

export function CheckoutSteps({ step }: { step: 1 | 2 }) {
  return (
    <ol className="checkout-steps">
      <li aria-current={step === 1 ? 'step' : undefined}>Address</li>
      <li aria-current={step === 2 ? 'step' : undefined}>Payment</li>
    </ol>
  );
}

export function CheckoutPage() {
  const cart = useApi(() => call(api.GET('/v1/cart')), []);
  return (
    <RequireAuth>
      <h1>Check out</h1>
      <CheckoutSteps step={1} />
      <Async value={cart}>
        {(data) =>
          data.items.length === 0 ? (
            <div className="empty-state">
              <h2>Your cart is empty</h2>
              <Link to="/orders">See your orders</Link>
            </div>
          ) : (
            <div className="two-columns checkout-layout">
              <CheckoutForm cart={data} reloadCart={cart.reload} />
              <aside className="card">
                <h2>Your order</h2>
                <ul className="plain-list">
                  {data.items.map((line) => (
                    <li key={line.id} className="row summary-line">
                      <span>
                        {line.quantity} × {line.title}
                      </span>
                      <span className="num">{formatMoney(line.line_total)}</span>
                    </li>
                  ))}
                </ul>
                <p className="row summary-line">
                  <strong>Total</strong> <strong>{formatMoney(data.subtotal)}</strong>
                </p>
              </aside>
            </div>
          )
        }
      </Async>
    </RequireAuth>
  );
}
