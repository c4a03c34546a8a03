import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { useAuth } from '../auth';
import { formatMoney } from '../format';
import { Async, ErrorNotice } from '../ui/feedback';
import { SessionKnown } from '../ui/layout';
import { useAction, useApi } from '../ui/use-api';
import { groupByShop, isOverStock, overStockLines } from './cart-lines';
import { LineDiscount, ShopDiscount } from './discount-lines';
import { discountOf, minus } from './discounts';
import { loadCart } from './guest-cart';
import { PromotionCode } from './promotion-code';
import type { Cart, CartLine } from './types';

/** Why a line cannot be bought now, as the buyer reads it. */
const UNAVAILABLE_TEXT: Record<NonNullable<CartLine['unavailable_reason']>, string> = {
  product_unavailable: 'No longer sold',
  shop_not_active: 'The shop is closed for now',
  shop_on_vacation: 'The shop is on vacation',
  seller_suspended: 'The seller is not selling now',
  price_over_limit: 'Not for sale at this price',
};

function CartLineRow({ line, update }: { line: CartLine; update(cart: Cart): void }) {
  const [quantity, setQuantity] = useState(String(line.quantity));
  const change = useAction(async (next: number) => {
    const cart = await call(
      api.PATCH('/v1/cart/items/{id}', { params: { path: { id: line.id } }, body: { quantity: next } }),
    );
    update(cart);
    return cart;
  });
  const remove = useAction(async () =>
    update(await call(api.DELETE('/v1/cart/items/{id}', { params: { path: { id: line.id } } }))),
  );
  const over = isOverStock(line);
  const inputId = `quantity-${line.id}`;
  const commit = () => {
    const next = Math.floor(Number(quantity));
    if (!Number.isFinite(next) || next < 1 || next > 99) {
      setQuantity(String(line.quantity));
      return;
    }
    if (next === line.quantity) return;
    // Refused (more than is left, say): the box shows the quantity the cart still has.
    void change.run(next).then((cart) => {
      if (!cart) setQuantity(String(line.quantity));
    });
  };
  return (
    <li className={`cart-line${over ? ' cart-line-over' : ''}`}>
      <div className="cart-line-title">
        <Link to={`/products/${line.product_id}`}>{line.title}</Link>
        <span className="muted">{formatMoney(line.unit_price)} each</span>
        {over && (
          <span className="field-error" role="status">
            {line.unavailable_reason
              ? `${UNAVAILABLE_TEXT[line.unavailable_reason]}: remove it to check out.`
              : line.available === 0
                ? 'Sold out: remove it to check out.'
                : `Only ${line.available} left: lower the quantity.`}
          </span>
        )}
      </div>
      <div className="row cart-line-actions">
        <label htmlFor={inputId} className="visually-hidden">
          Quantity of {line.title}
        </label>
        <input
          id={inputId}
          className="quantity-input"
          type="number"
          min={1}
          max={99}
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit();
          }}
          aria-invalid={over}
        />
        <button
          type="button"
          className="button-link"
          onClick={() => void remove.run()}
          disabled={remove.pending}
          aria-label={`Remove ${line.title}`}
        >
          Remove
        </button>
        <span className="num cart-line-total">{formatMoney(line.line_total)}</span>
      </div>
      <LineDiscount title={line.title} discount={line.discount} />
      <ErrorNotice error={change.error ?? remove.error} />
    </li>
  );
}

function CartContents() {
  const signedIn = useAuth().me !== null;
  const cart = useApi(() => loadCart(signedIn), [signedIn]);
  const [current, setCurrent] = useState<Cart>();
  const shown = current ?? cart.data;
  const navigate = useNavigate();
  return (
    <Async value={cart}>
      {() => {
        if (!shown || shown.items.length === 0) {
          return (
            <div className="empty-state">
              <h2>Your cart is empty</h2>
              <Link to="/search">Find something you like</Link>
            </div>
          );
        }
        const groups = groupByShop(shown.items);
        const blocked = overStockLines(shown.items).length > 0;
        return (
          <div className="cart-layout">
            <div>
              {groups.map((group) => (
                <section
                  key={group.shop.id}
                  className="card cart-group"
                  aria-label={`From ${group.shop.name}`}
                >
                  <h2>From {group.shop.name}</h2>
                  <ul className="cart-lines">
                    {group.lines.map((line) => (
                      <CartLineRow key={`${line.id}:${line.quantity}`} line={line} update={setCurrent} />
                    ))}
                  </ul>
                  <ShopDiscount
                    name={group.shop.name}
                    discount={discountOf(group.lines, shown.subtotal.currency)}
                  />
                </section>
              ))}
            </div>
            <aside className="card cart-summary">
              <p className="row cart-subtotal">
                <span>Subtotal</span> <strong>{formatMoney(shown.subtotal)}</strong>
              </p>
              <PromotionCode promotions={shown.promotions} changed={setCurrent} />
              {shown.discount_total.amount > 0 && (
                <>
                  <p className="row summary-line">
                    <span>Discounts</span> <span className="num">{minus(shown.discount_total)}</span>
                  </p>
                  <p className="row cart-subtotal">
                    <span>Items after discounts</span>{' '}
                    <strong data-testid="cart-total">
                      {formatMoney({
                        ...shown.subtotal,
                        amount: shown.subtotal.amount - shown.discount_total.amount,
                      })}
                    </strong>
                  </p>
                </>
              )}
              <p className="muted">Delivery and tax are added at checkout, for your address.</p>
              {groups.length > 1 && (
                <p className="muted">Each shop sends its items separately: you get one order per shop.</p>
              )}
              {blocked && (
                <p className="notice notice-error" role="alert">
                  Some items have less stock than you asked for. Change them to check out.
                </p>
              )}
              <button type="button" disabled={blocked} onClick={() => navigate('/checkout')}>
                Check out
              </button>
            </aside>
          </div>
        );
      }}
    </Async>
  );
}

export function CartPage() {
  return (
    <SessionKnown>
      <h1>Your cart</h1>
      <CartContents />
    </SessionKnown>
  );
}
