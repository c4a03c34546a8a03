import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import { decimalText, formatMoney, type Money, parseMoneyInput } from '../format';
import { useMarketplace } from '../marketplace';
import { Async, ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { useAction, useApi } from '../ui/use-api';
import { SellerPage } from './seller-page';
import type { NewShippingOption, ShippingOption } from './types';

type RateType = ShippingOption['rate']['type'];

/** The editor's text fields; amounts as typed, tiers as "up to grams = amount" lines. */
export interface Draft {
  name: string;
  countries: string;
  type: RateType;
  amount: string;
  first: string;
  additional: string;
  tiers: string;
  freeOver: string;
  minDays: string;
  maxDays: string;
  active: boolean;
}

export const EMPTY: Draft = {
  name: '',
  countries: '*',
  type: 'flat',
  amount: '',
  first: '',
  additional: '',
  tiers: '',
  freeOver: '',
  minDays: '2',
  maxDays: '5',
  active: true,
};

/** What a draft sends, or the first field that is wrong and why. */
export function bodyOf(
  draft: Draft,
  currency: string,
  digits: number,
): { body: NewShippingOption } | { field: string; error: string } {
  const money = (text: string, field: string): Money | { field: string; error: string } => {
    const amount = parseMoneyInput(text, digits);
    return amount === null || amount < 0
      ? { field, error: `Enter an amount like ${decimalText(450, digits)}.` }
      : { amount, currency };
  };
  const isError = (value: object): value is { field: string; error: string } => 'error' in value;
  if (!draft.name.trim()) return { field: 'name', error: 'Name the option, such as Standard.' };
  const countries = draft.countries
    .split(',')
    .map((country) => country.trim().toUpperCase())
    .filter(Boolean);
  if (countries.length === 0 || !countries.every((c) => c === '*' || /^[A-Z]{2}$/.test(c)))
    return {
      field: 'countries',
      error: 'Two-letter country codes separated by commas, or * for everywhere.',
    };
  let rate: NewShippingOption['rate'];
  if (draft.type === 'flat') {
    const amount = money(draft.amount, 'amount');
    if (isError(amount)) return amount;
    rate = { type: 'flat', amount };
  } else if (draft.type === 'per_item') {
    const first = money(draft.first, 'first');
    if (isError(first)) return first;
    const additional = money(draft.additional, 'additional');
    if (isError(additional)) return additional;
    rate = { type: 'per_item', first, additional };
  } else {
    const tiers = [];
    for (const line of draft.tiers.split('\n').filter((l) => l.trim())) {
      const [grams, price] = line.split('=').map((part) => part.trim());
      const amount = money(price ?? '', 'tiers');
      if (!grams || !/^\d+$/.test(grams) || isError(amount))
        return { field: 'tiers', error: 'One tier per line: grams = price, such as 500 = 4.50.' };
      tiers.push({ up_to_grams: Number(grams), amount });
    }
    if (tiers.length === 0) return { field: 'tiers', error: 'Add at least one tier.' };
    rate = { type: 'weight', tiers };
  }
  let freeOver: Money | null = null;
  if (draft.freeOver.trim()) {
    const parsed = money(draft.freeOver, 'freeOver');
    if (isError(parsed)) return parsed;
    freeOver = parsed;
  }
  const minDays = Number(draft.minDays);
  const maxDays = Number(draft.maxDays);
  if (!Number.isInteger(minDays) || minDays < 0)
    return { field: 'minDays', error: 'Enter a number of days.' };
  if (!Number.isInteger(maxDays) || maxDays < minDays)
    return { field: 'maxDays', error: 'Enter at least the fastest delivery.' };
  return {
    body: {
      name: draft.name.trim(),
      countries,
      rate,
      free_over: freeOver,
      min_days: minDays,
      max_days: maxDays,
      active: draft.active,
    },
  };
}

const draftOf = (option: ShippingOption, digits: number): Draft => {
  const text = (money: Money) => decimalText(money.amount, digits);
  const { rate } = option;
  return {
    name: option.name,
    countries: option.countries.join(', '),
    type: rate.type,
    amount: rate.type === 'flat' ? text(rate.amount) : '',
    first: rate.type === 'per_item' ? text(rate.first) : '',
    additional: rate.type === 'per_item' ? text(rate.additional) : '',
    tiers:
      rate.type === 'weight' ? rate.tiers.map((t) => `${t.up_to_grams} = ${text(t.amount)}`).join('\n') : '',
    freeOver: option.free_over ? text(option.free_over) : '',
    minDays: String(option.min_days),
    maxDays: String(option.max_days),
    active: option.active,
  };
};

export const describeRate = (option: ShippingOption): string => {
  const { rate } = option;
  const base =
    rate.type === 'flat'
      ? `${formatMoney(rate.amount)} per order`
      : rate.type === 'per_item'
        ? `${formatMoney(rate.first)} for the first item, ${formatMoney(rate.additional)} each after`
        : rate.tiers.map((tier) => `${formatMoney(tier.amount)} up to ${tier.up_to_grams} g`).join(', ');
  return option.free_over ? `${base}; free from ${formatMoney(option.free_over)}` : base;
};

function OptionForm({ editing, done }: { editing?: ShippingOption; done(): void }) {
  const { currency, currency_digits: digits } = useMarketplace();
  const [draft, setDraft] = useState<Draft>(editing ? draftOf(editing, digits) : EMPTY);
  const [problem, setProblem] = useState<{ field: string; error: string } | null>(null);
  const save = useAction(async (body: NewShippingOption) => {
    if (editing)
      await call(api.PATCH('/v1/shop/shipping-options/{id}', { params: { path: { id: editing.id } }, body }));
    else await call(api.POST('/v1/shop/shipping-options', { body }));
    done();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = bodyOf(draft, currency, digits);
    if ('error' in checked) {
      setProblem(checked);
      return;
    }
    setProblem(null);
    void save.run(checked.body);
  };
  const prefix = editing ? `option-${editing.id}` : 'new-option';
  const field = (key: keyof Draft, label: string, hint?: string) => (
    <TextField
      id={`${prefix}-${key}`}
      label={label}
      hint={hint}
      value={String(draft[key])}
      error={problem?.field === key ? problem.error : null}
      onChange={(value) => setDraft({ ...draft, [key]: value })}
    />
  );
  return (
    <form
      className="form card"
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Change ${editing.name}` : 'New shipping option'}
    >
      {field('name', 'Name')}
      {field('countries', 'Countries', 'Two-letter codes separated by commas, or * for everywhere')}
      <div className="field">
        <label htmlFor={`${prefix}-type`}>Price</label>
        <select
          id={`${prefix}-type`}
          value={draft.type}
          onChange={(event) => setDraft({ ...draft, type: event.target.value as RateType })}
        >
          <option value="flat">The same for every order</option>
          <option value="per_item">Per item</option>
          <option value="weight">By weight</option>
        </select>
      </div>
      {draft.type === 'flat' && field('amount', 'Price per order')}
      {draft.type === 'per_item' && (
        <>
          {field('first', 'First item')}
          {field('additional', 'Each additional item')}
        </>
      )}
      {draft.type === 'weight' && (
        <TextField
          id={`${prefix}-tiers`}
          label="Weight tiers"
          hint="One per line: up to grams = price, such as 500 = 4.50"
          rows={4}
          value={draft.tiers}
          error={problem?.field === 'tiers' ? problem.error : null}
          onChange={(value) => setDraft({ ...draft, tiers: value })}
        />
      )}
      {field('freeOver', 'Free from (optional)', 'Orders of this shop worth at least this ship free')}
      {field('minDays', 'Delivery: at least (days)')}
      {field('maxDays', 'Delivery: at most (days)')}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.active}
          onChange={(event) => setDraft({ ...draft, active: event.target.checked })}
        />
        Offer it to buyers
      </label>
      <ErrorNotice error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.pending}>
          {save.pending ? 'Saving…' : editing ? 'Save the option' : 'Add the option'}
        </button>
        <button type="button" className="button-secondary" onClick={done}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function OptionRow({ option, changed }: { option: ShippingOption; changed(): void }) {
  const [editing, setEditing] = useState(false);
  const remove = useAction(async () => {
    await call(api.DELETE('/v1/shop/shipping-options/{id}', { params: { path: { id: option.id } } }));
    changed();
  });
  if (editing)
    return (
      <li>
        <OptionForm
          editing={option}
          done={() => {
            setEditing(false);
            changed();
          }}
        />
      </li>
    );
  return (
    <li className="card">
      <p>
        <strong>{option.name}</strong> {!option.active && <span className="badge">paused</span>}
        <br />
        {describeRate(option)} · {option.min_days}–{option.max_days} days ·{' '}
        {option.countries.includes('*') ? 'everywhere' : option.countries.join(', ')}
      </p>
      <div className="row">
        <button type="button" className="button-secondary" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button
          type="button"
          className="button-danger"
          onClick={() => void remove.run()}
          disabled={remove.pending}
        >
          Delete
        </button>
      </div>
      <ErrorNotice error={remove.error} />
    </li>
  );
}

/** The shop's shipping options: buyers get the cheapest that reaches them unless they choose. */
export function ShippingOptionsPage() {
  const options = useApi(() => call(api.GET('/v1/shop/shipping-options')), []);
  const [adding, setAdding] = useState(false);
  return (
    <SellerPage title="Shipping">
      <p className="muted">
        Without an active option your shop ships for free. Placed orders keep the option they were placed
        with.
      </p>
      <Async value={options}>
        {(list) => (
          <div className="stack">
            <ul className="plain-list stack">
              {list.data.map((option) => (
                <OptionRow key={option.id} option={option} changed={options.reload} />
              ))}
            </ul>
            {adding ? (
              <OptionForm
                done={() => {
                  setAdding(false);
                  options.reload();
                }}
              />
            ) : (
              <button type="button" onClick={() => setAdding(true)}>
                Add a shipping option
              </button>
            )}
          </div>
        )}
      </Async>
    </SellerPage>
  );
}
