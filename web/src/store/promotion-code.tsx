import { type FormEvent, useState } from 'react';
import { api, call, messageOf } from '../api/client';
import { ErrorNotice } from '../ui/feedback';
import { useAction } from '../ui/use-api';
import { type AppliedPromotion, minus, promotionLabel } from './discounts';
import type { Cart } from './types';

/**
 * The cart's discount code: a field to enter one (a refusal says why, as the API words it), and
 * the promotions that apply, each code with a button to take it off. `changed` gets the cart as
 * the API answers it after each change.
 */
export function PromotionCode({
  promotions,
  changed,
}: {
  promotions: readonly AppliedPromotion[];
  changed(cart: Cart): void;
}) {
  const [code, setCode] = useState('');
  const apply = useAction(async (text: string) => {
    const cart = await call(api.POST('/v1/cart/promotions', { body: { code: text } }));
    setCode('');
    changed(cart);
  });
  const remove = useAction(async (text: string) =>
    changed(await call(api.DELETE('/v1/cart/promotions/{code}', { params: { path: { code: text } } }))),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim()) void apply.run(code.trim());
  };
  return (
    <div className="promotion-code">
      {promotions.length > 0 && (
        <ul className="plain-list" aria-label="Discounts applied">
          {promotions.map((promotion) => (
            <li key={promotion.id} className="row summary-line">
              <span>
                {promotion.code !== null ? (
                  <>
                    Code <strong>{promotion.code}</strong>
                  </>
                ) : (
                  promotionLabel(promotion)
                )}
              </span>
              <span className="num">{minus(promotion.amount)}</span>
              {promotion.code !== null && (
                <button
                  type="button"
                  className="button-link"
                  disabled={remove.pending}
                  onClick={() => promotion.code !== null && void remove.run(promotion.code)}
                  aria-label={`Remove code ${promotion.code}`}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form className="row" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="promotion-code">Discount code</label>
          <input
            id="promotion-code"
            value={code}
            maxLength={40}
            autoComplete="off"
            aria-invalid={apply.error ? true : undefined}
            aria-describedby={apply.error ? 'promotion-code-error' : undefined}
            onChange={(event) => {
              setCode(event.target.value);
              apply.reset();
            }}
          />
          {apply.error !== null && (
            <span className="field-error" id="promotion-code-error" role="alert">
              {messageOf(apply.error)}
            </span>
          )}
        </div>
        <button type="submit" className="button-secondary" disabled={apply.pending || !code.trim()}>
          {apply.pending ? 'Applying…' : 'Apply'}
        </button>
      </form>
      <ErrorNotice error={remove.error} />
    </div>
  );
}
