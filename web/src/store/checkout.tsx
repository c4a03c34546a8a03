import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAttemptKey } from '../api/attempt-key';
import { ApiError, api, call, fieldErrorsOf, orderTokens, stockShortagesOf } from '../api/client';
import { useAuth } from '../auth';
import { formatMoney, type Money } from '../format';
import { Async, ErrorNotice, Spinner } from '../ui/feedback';
import { SessionKnown } from '../ui/layout';
import { useAction, useApi } from '../ui/use-api';
import {
  type AddressErrors,
  addressErrorsOf,
  addressForApi,
  EMPTY_ADDRESS,
  validateAddress,
} from './address';
import { ADDRESS_FIELDS, AddressFields, addressLine } from './address-form';
import { DiscountTotal, LineDiscount, ShopDiscount } from './discount-lines';
import { loadCart } from './guest-cart';
import { PromotionCode } from './promotion-code';
import { planStockFixes, type StockFix, totalAfterFixes } from './stock-fix';
import type { Address, Cart, CheckoutBody, Quote, QuoteShop } from './types';

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

/** Where the parcels go: a saved address, or one typed here. */
type Destination = Pick<CheckoutBody, 'address_id' | 'shipping_address'>;

/** `value`, once it has stayed the same for `ms` (a typed address is quoted when the typing pauses). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  const serialised = JSON.stringify(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the serialised value stands for `value`.
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [serialised, ms]);
  return settled;
}

const fetchQuote = (destination: Destination, choices: Record<string, string>) =>
  call(api.POST('/v1/checkout/quote', { body: { ...destination, shipping_options: choices } }));

/**
 * What the quote prices the items at, as their tags say (gross when prices include tax, where the
 * quote's subtotal is net): what the cart page showed.
 */
export const itemsTotalOf = (quote: Quote): number =>
  quote.shops.reduce(
    (sum, shop) => sum + shop.items.reduce((items, item) => items + item.line_total.amount, 0),
    0,
  );

/** The choice per shop that the quote priced: what checkout is asked to charge. */
const choicesOf = (quote: Quote): Record<string, string> =>
  Object.fromEntries(
    quote.shops.flatMap((shop) => (shop.shipping ? [[shop.shop.id, shop.shipping.option_id]] : [])),
  );

function ShopSummary({
  shop,
  chosen,
  choose,
  disabled,
}: {
  shop: QuoteShop;
  /** The buyer's choice, shown at once while the quote that prices it loads. */
  chosen: string | undefined;
  choose(optionId: string): void;
  disabled: boolean;
}) {
  const picked = chosen ?? shop.shipping?.option_id;
  const group = `shipping-${shop.shop.id}`;
  return (
    <section className="quote-shop" aria-label={`From ${shop.shop.name}`}>
      <h3>From {shop.shop.name}</h3>
      <ul className="plain-list">
        {shop.items.map((line) => (
          <li key={line.id}>
            <p className="row summary-line">
              <span>
                {line.quantity} × {line.title}
              </span>
              <span className="num">{formatMoney(line.line_total)}</span>
            </p>
            <LineDiscount title={line.title} discount={line.discount} />
          </li>
        ))}
      </ul>
      <ShopDiscount name={shop.shop.name} discount={shop.discount_total} />
      {shop.shipping_options.length > 0 ? (
        <fieldset className="shipping-choice">
          <legend>Delivery from {shop.shop.name}</legend>
          {shop.shipping_options.map((option) => (
            <label key={option.id} className="radio-row">
              <input
                type="radio"
                name={group}
                value={option.id}
                checked={picked === option.id}
                disabled={disabled}
                onChange={() => choose(option.id)}
              />
              <span>
                {option.name} · {option.min_days}–{option.max_days} days
              </span>
              <span className="num">{option.amount.amount === 0 ? 'Free' : formatMoney(option.amount)}</span>
            </label>
          ))}
        </fieldset>
      ) : (
        <p className="muted">Free delivery</p>
      )}
      <p className="row summary-line">
        <span>Shop total</span> <span className="num">{formatMoney(shop.total)}</span>
      </p>
    </section>
  );
}

function OrderSummary({
  cart,
  quote,
  choices,
  choose,
  codeChanged,
}: {
  cart: Cart;
  quote: ReturnType<typeof useApi<Quote | null>>;
  choices: Record<string, string>;
  choose(shopId: string, optionId: string): void;
  /** The cart's code was put on or taken off: the cart and the quote are read again. */
  codeChanged(): void;
}) {
  const data = quote.data;
  const code = <PromotionCode promotions={data?.promotions ?? cart.promotions} changed={codeChanged} />;
  if (!data) {
    return (
      <aside className="card order-summary">
        <h2>Your order</h2>
        <ul className="plain-list">
          {cart.items.map((line) => (
            <li key={line.id} className="row summary-line">
              <span>
                {line.quantity} × {line.title}
              </span>
              <span className="num">{formatMoney(line.line_total)}</span>
            </li>
          ))}
        </ul>
        <p className="row summary-line">
          <strong>Items</strong> <strong>{formatMoney(cart.subtotal)}</strong>
        </p>
        {code}
        {quote.state === 'loading' ? (
          <Spinner label="Pricing delivery…" />
        ) : (
          <p className="muted">Delivery is priced once the address is complete.</p>
        )}
      </aside>
    );
  }
  return (
    <aside className="card order-summary" aria-busy={quote.state === 'loading'}>
      <h2>Your order</h2>
      {data.shops.map((shop) => (
        <ShopSummary
          key={shop.shop.id}
          shop={shop}
          chosen={choices[shop.shop.id]}
          disabled={quote.state === 'loading'}
          choose={(optionId) => choose(shop.shop.id, optionId)}
        />
      ))}
      {data.problems.length > 0 && (
        <div className="notice notice-error" role="status">
          <ul>
            {data.problems.map((problem) => (
              <li key={`${problem.code}-${problem.shop_id ?? problem.variant_id ?? ''}`}>
                {problem.shop_id
                  ? `${data.shops.find((shop) => shop.shop.id === problem.shop_id)?.shop.name ?? 'A shop'}: `
                  : ''}
                {problem.detail}
              </li>
            ))}
          </ul>
        </div>
      )}
      {code}
      <p className="row summary-line">
        <span>Items</span> <span className="num">{formatMoney(data.subtotal)}</span>
      </p>
      <DiscountTotal promotions={data.promotions} discount={data.discount_total} testId="checkout-discount" />
      <p className="row summary-line">
        <span>Delivery</span> <span className="num">{formatMoney(data.shipping_total)}</span>
      </p>
      <p className="row summary-line">
        <span>Tax</span> <span className="num">{formatMoney(data.tax_total)}</span>
      </p>
      <p className="row summary-line">
        <strong>Total</strong>{' '}
        <strong className="num" data-testid="checkout-total">
          {formatMoney(data.total)}
        </strong>
      </p>
    </aside>
  );
}

/** A guest's email, as far as the page can tell before the server does. */
const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());

function CheckoutForm({
  cart,
  addresses,
  reloadCart,
  guest,
}: {
  cart: Cart;
  addresses: Address[];
  reloadCart(): void;
  /** Signed out: the confirmation goes to the email typed here. */
  guest: boolean;
}) {
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [emailError, setEmailError] = useState<string>();
  const saved = addresses.find((address) => address.is_default) ?? addresses[0];
  // A saved address id, or 'new' for the form.
  const [addressId, setAddressId] = useState<string>(saved?.id ?? 'new');
  const [address, setAddress] = useState(EMPTY_ADDRESS);
  const [errors, setErrors] = useState<AddressErrors>({});
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [fixes, setFixes] = useState<StockFix[]>([]);
  const [changedTotal, setChangedTotal] = useState<{ shown: Money; current: Money } | null>(null);
  const attempt = useAttemptKey();

  const typedComplete = Object.keys(validateAddress(address)).length === 0;
  const destination: Destination | null =
    addressId !== 'new'
      ? { address_id: addressId }
      : typedComplete
        ? { shipping_address: addressForApi(address) }
        : null;
  const settled = useSettled(destination, addressId === 'new' ? 400 : 0);
  const [cartVersion, setCartVersion] = useState(0);
  const quote = useApi<Quote | null>(
    () => (settled ? fetchQuote(settled, choices) : Promise.resolve(null)),
    [JSON.stringify(settled), JSON.stringify(choices), cartVersion],
  );

  const checkout = async (target: Destination, priced: Quote, expectedTotal: Money) => {
    const answer = await attempt.send((key) =>
      call(
        api.POST('/v1/checkout', {
          params: { header: { 'idempotency-key': key } },
          body: {
            ...target,
            ...(guest ? { email: email.trim() } : {}),
            shipping_options: choicesOf(priced),
            expected_total: expectedTotal,
          },
        }),
      ),
    );
    // A guest's orders and payment open with the order token, kept in this browser.
    if (answer.order_token)
      orderTokens.remember(answer.order_token, [
        answer.payment.id,
        ...answer.orders.map((order) => order.id),
      ]);
    navigate(`/checkout/pay/${answer.payment.id}`);
  };

  /** Checks out what the buyer was shown: the quote's total, or a changed total they accepted. */
  const placeOrder = useAction(async (accepted?: Money) => {
    setFixes([]);
    setChangedTotal(null);
    if (!destination) return;
    const current = JSON.stringify(destination) === JSON.stringify(settled) ? quote.data : null;
    const priced = current ?? (await fetchQuote(destination, choices));
    // Without a quote on the page the buyer saw only the items' prices: a fresh quote that prices
    // them otherwise is shown before anything is charged.
    if (!current && accepted === undefined && itemsTotalOf(priced) !== cart.subtotal.amount) {
      const shown = {
        ...cart.subtotal,
        amount: cart.subtotal.amount + priced.shipping_total.amount + priced.tax_total.amount,
      };
      setChangedTotal({ shown, current: priced.total });
      return;
    }
    try {
      await checkout(destination, priced, accepted ?? priced.total);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'insufficient_stock') {
        setFixes(planStockFixes(stockShortagesOf(error.problem), cart.items));
        return;
      }
      if (error instanceof ApiError && error.code === 'price_changed' && error.problem.current_total) {
        // The refusal is stored under this key: the next attempt needs a new one.
        attempt.reset();
        setChangedTotal({ shown: accepted ?? priced.total, current: error.problem.current_total });
        reloadCart();
        setCartVersion((version) => version + 1);
        return;
      }
      if (
        error instanceof ApiError &&
        (error.code === 'promotion_exhausted' || error.code === 'promotion_not_applicable')
      ) {
        // The code stopped applying since the quote: the refusal (stored under this key) says why,
        // and the quote shown is priced again without it.
        attempt.reset();
        reloadCart();
        setCartVersion((version) => version + 1);
        throw error;
      }
      if (error instanceof ApiError && error.code === 'validation_failed') {
        const emailProblem = fieldErrorsOf(error.problem).find((field) => field.path === '/email');
        if (emailProblem) {
          setEmailError('Enter the email address your confirmation should go to.');
          return;
        }
        const fieldErrors = addressErrorsOf(fieldErrorsOf(error.problem));
        if (Object.keys(fieldErrors).length) {
          setErrors(fieldErrors);
          return;
        }
      }
      throw error;
    }
  });

  /**
   * Sets the short lines to what is left, then places the order if the merchandise comes to what
   * the shown prices say it should; otherwise the buyer is shown the new total first.
   */
  const fixCart = useAction(async () => {
    for (const fix of fixes) {
      const path = { params: { path: { id: fix.lineId } } };
      if (fix.fix.kind === 'remove') await call(api.DELETE('/v1/cart/items/{id}', path));
      else await call(api.PATCH('/v1/cart/items/{id}', { ...path, body: { quantity: fix.fix.quantity } }));
    }
    const expectedItems = totalAfterFixes(cart.items, fixes, cart.subtotal.currency);
    setFixes([]);
    attempt.reset();
    reloadCart();
    setCartVersion((version) => version + 1);
    if (!destination) return;
    const priced = await fetchQuote(destination, choices);
    if (itemsTotalOf(priced) !== expectedItems.amount) {
      const shown = {
        ...expectedItems,
        amount: expectedItems.amount + priced.shipping_total.amount + priced.tax_total.amount,
      };
      setChangedTotal({ shown, current: priced.total });
      return;
    }
    await checkout(destination, priced, priced.total);
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (guest && !looksLikeEmail(email)) {
      setEmailError('Enter the email address your confirmation should go to.');
      document.getElementById('guest-email')?.focus();
      return;
    }
    if (addressId === 'new') {
      const found = validateAddress(address);
      setErrors(found);
      if (Object.keys(found).length) {
        const first = ADDRESS_FIELDS.find(({ field }) => found[field]);
        if (first) document.getElementById(`address-${first.field}`)?.focus();
        return;
      }
    }
    void placeOrder.run();
  };

  const busy = placeOrder.pending || fixCart.pending;
  return (
    <div className="two-columns checkout-layout">
      <form className="form" onSubmit={submit} noValidate aria-labelledby="address-heading">
        {guest && (
          <fieldset className="guest-contact">
            <legend>Checking out as a guest</legend>
            <label htmlFor="guest-email">Email for your order confirmation</label>
            <input
              id="guest-email"
              type="email"
              autoComplete="email"
              value={email}
              aria-invalid={emailError !== undefined}
              aria-describedby={emailError ? 'guest-email-error' : undefined}
              onChange={(event) => {
                setEmail(event.target.value);
                setEmailError(undefined);
                attempt.reset();
              }}
            />
            {emailError && (
              <span id="guest-email-error" className="field-error">
                {emailError}
              </span>
            )}
            <p className="muted">
              Have an account? <Link to="/login?next=/checkout">Sign in</Link> and your cart comes with you.
            </p>
          </fieldset>
        )}
        <h2 id="address-heading">Shipping address</h2>
        {addresses.length > 0 && (
          <fieldset className="address-picker">
            <legend>Deliver to</legend>
            {addresses.map((option) => (
              <label key={option.id} className="radio-row">
                <input
                  type="radio"
                  name="address"
                  value={option.id}
                  checked={addressId === option.id}
                  onChange={() => {
                    setAddressId(option.id);
                    attempt.reset();
                  }}
                />
                <span>{addressLine(option)}</span>
              </label>
            ))}
            <label className="radio-row">
              <input
                type="radio"
                name="address"
                value="new"
                checked={addressId === 'new'}
                onChange={() => {
                  setAddressId('new');
                  attempt.reset();
                }}
              />
              <span>A new address</span>
            </label>
            <Link to="/account/addresses">Manage my addresses</Link>
          </fieldset>
        )}
        {addressId === 'new' && (
          <AddressFields
            idPrefix="address"
            address={address}
            errors={errors}
            onChange={(field, value) => {
              setAddress({ ...address, [field]: value });
              attempt.reset();
              if (errors[field]) setErrors({ ...errors, [field]: undefined });
            }}
          />
        )}
        {changedTotal && (
          <PriceProblem
            shown={changedTotal.shown}
            current={changedTotal.current}
            accept={() => void placeOrder.run(changedTotal.current)}
            pending={placeOrder.pending}
          />
        )}
        {fixes.length > 0 && (
          <StockProblem fixes={fixes} apply={() => void fixCart.run()} pending={fixCart.pending} />
        )}
        <ErrorNotice error={placeOrder.error ?? fixCart.error} />
        <button type="submit" disabled={busy}>
          {placeOrder.pending ? 'Placing your order…' : 'Continue to payment'}
        </button>
      </form>
      <OrderSummary
        cart={cart}
        quote={quote}
        choices={choices}
        choose={(shopId, optionId) => {
          setChoices({ ...choices, [shopId]: optionId });
          attempt.reset();
        }}
        codeChanged={() => {
          attempt.reset();
          reloadCart();
          setCartVersion((version) => version + 1);
        }}
      />
    </div>
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

function CheckoutContents({ guest }: { guest: boolean }) {
  const cart = useApi(() => loadCart(!guest), [guest]);
  // A guest has no address book.
  const addresses = useApi(
    () => (guest ? Promise.resolve({ data: [] as Address[] }) : call(api.GET('/v1/me/addresses'))),
    [guest],
  );
  return (
    <Async value={cart}>
      {(data) =>
        !data || data.items.length === 0 ? (
          <div className="empty-state">
            <h2>Your cart is empty</h2>
            {guest ? (
              <Link to="/search">Find something you like</Link>
            ) : (
              <Link to="/orders">See your orders</Link>
            )}
          </div>
        ) : (
          <Async value={addresses}>
            {(book) => (
              <CheckoutForm cart={data} addresses={book.data} reloadCart={cart.reload} guest={guest} />
            )}
          </Async>
        )
      }
    </Async>
  );
}

export function CheckoutPage() {
  const { me } = useAuth();
  return (
    <SessionKnown>
      <h1>Check out</h1>
      <CheckoutSteps step={1} />
      <CheckoutContents key={me ? me.id : 'guest'} guest={me === null} />
    </SessionKnown>
  );
}
