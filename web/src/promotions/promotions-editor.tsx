import { type FormEvent, Fragment, useState } from 'react';
import { api, call } from '../api/client';
import { formatDateTime, formatMoney } from '../format';
import { useMarketplace } from '../marketplace';
import { DataTable } from '../ui/data-table';
import { Async, ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { useAction, useApi } from '../ui/use-api';
import {
  bodyOf,
  changeOf,
  type Draft,
  type DraftField,
  type DraftProblem,
  describeDiscount,
  describeScope,
  draftOf,
  EMPTY_DRAFT,
  fieldErrorsOfSave,
  type NewPromotion,
  type Promotion,
  type PromotionChange,
  usesOf,
} from './draft';

/** Whose promotions a page keeps: the platform's (admins) or the caller's shop's (sellers). */
export type PromotionOwner = 'admin' | 'shop';

/** Every promotion of the owner: the editor shows them all in place, so it follows the list's pages. */
async function listOf(owner: PromotionOwner): Promise<{ data: Promotion[] }> {
  const data: Promotion[] = [];
  let cursor: string | undefined;
  do {
    const params = { query: { limit: 100, ...(cursor ? { cursor } : {}) } };
    const page =
      owner === 'admin'
        ? await call(api.GET('/v1/admin/promotions', { params }))
        : await call(api.GET('/v1/shop/promotions', { params }));
    data.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return { data };
}

const create = (owner: PromotionOwner, body: NewPromotion) =>
  owner === 'admin'
    ? call(api.POST('/v1/admin/promotions', { body }))
    : call(api.POST('/v1/shop/promotions', { body }));

const change = (owner: PromotionOwner, id: string, body: PromotionChange) => {
  const params = { path: { id } };
  return owner === 'admin'
    ? call(api.PATCH('/v1/admin/promotions/{id}', { params, body }))
    : call(api.PATCH('/v1/shop/promotions/{id}', { params, body }));
};

function PromotionForm({
  owner,
  editing,
  done,
}: {
  owner: PromotionOwner;
  editing?: Promotion;
  done(): void;
}) {
  const { currency, currency_digits: digits } = useMarketplace();
  const [draft, setDraft] = useState<Draft>(editing ? draftOf(editing, digits) : EMPTY_DRAFT);
  const [problem, setProblem] = useState<DraftProblem | null>(null);
  const withShop = owner === 'admin';
  const prefix = editing ? `promotion-${editing.id}` : 'new-promotion';
  const save = useAction(async (checked: { body: NewPromotion } | { body: PromotionChange }) => {
    if (editing) await change(owner, editing.id, checked.body as PromotionChange);
    else await create(owner, checked.body as NewPromotion);
    done();
  });
  const serverErrors = fieldErrorsOfSave(save.error);
  const errorOf = (field: DraftField) =>
    (problem?.field === field ? problem.error : serverErrors[field]) ?? null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = editing
      ? changeOf(draft, editing, currency, digits, withShop)
      : bodyOf(draft, currency, digits, withShop);
    if ('field' in checked) {
      setProblem(checked);
      document.getElementById(`${prefix}-${checked.field}`)?.focus();
      return;
    }
    setProblem(null);
    void save.run(checked);
  };
  const set = (field: DraftField) => (value: string) => setDraft({ ...draft, [field]: value });
  const field = (
    key: DraftField,
    label: string,
    options: { hint?: string; type?: 'datetime-local'; inputMode?: 'decimal' | 'numeric' } = {},
  ) => (
    <TextField
      id={`${prefix}-${key}`}
      label={label}
      hint={options.hint}
      type={options.type}
      inputMode={options.inputMode}
      value={String(draft[key])}
      error={errorOf(key)}
      onChange={set(key)}
    />
  );
  // Fields shown as errors elsewhere are in the form; others (a refusal of the whole) go below it.
  const unplaced = save.error !== null && Object.keys(serverErrors).length === 0;
  return (
    <form
      className="form card"
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Change ${editing.code ?? 'the automatic promotion'}` : 'New promotion'}
    >
      {!editing && (
        <fieldset>
          <legend>How buyers get it</legend>
          <label className="radio-row">
            <input
              type="radio"
              name={`${prefix}-how`}
              checked={!draft.automatic}
              onChange={() => setDraft({ ...draft, automatic: false })}
            />
            <span>With a code</span>
          </label>
          <label className="radio-row">
            <input
              type="radio"
              name={`${prefix}-how`}
              checked={draft.automatic}
              onChange={() => setDraft({ ...draft, automatic: true })}
            />
            <span>Automatically, on every cart it matches</span>
          </label>
        </fieldset>
      )}
      {!draft.automatic && field('code', 'Code', { hint: 'Buyers type it in any case, such as SPRING-15' })}
      {editing ? (
        <p className="muted">{describeDiscount(editing)} (the type stays as created)</p>
      ) : (
        <div className="field">
          <label htmlFor={`${prefix}-type`}>Discount</label>
          <select
            id={`${prefix}-type`}
            value={draft.type}
            onChange={(event) => setDraft({ ...draft, type: event.target.value as Draft['type'] })}
          >
            <option value="percentage">A percentage off the items</option>
            <option value="fixed">An amount off the items</option>
            <option value="free_shipping">Free shipping</option>
          </select>
        </div>
      )}
      {draft.type === 'percentage' && field('percent', 'Percentage off (%)', { inputMode: 'decimal' })}
      {draft.type === 'fixed' && field('amount', 'Amount off', { inputMode: 'decimal' })}
      {field('minSubtotal', 'Minimum order (optional)', {
        inputMode: 'decimal',
        hint: 'What the items it covers must come to, before discounts',
      })}
      {withShop &&
        field('shopId', 'Only the items of shop (optional)', { hint: 'A shop id; empty: every shop' })}
      {field('categoryIds', 'Only these categories (optional)', {
        hint: 'Category ids separated by commas; their subcategories count too',
      })}
      {field('productIds', 'Only these products (optional)', { hint: 'Product ids separated by commas' })}
      <div className="row">
        {field('startsAt', 'Starts (optional)', { type: 'datetime-local', hint: 'Empty: now' })}
        {field('endsAt', 'Ends (optional)', { type: 'datetime-local', hint: 'Empty: no end' })}
      </div>
      <div className="row">
        {field('usageLimit', 'Uses in all (optional)', { inputMode: 'numeric', hint: 'Empty: no limit' })}
        {field('perCustomerLimit', 'Uses per buyer (optional)', {
          inputMode: 'numeric',
          hint: 'Empty: no limit',
        })}
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.active}
          onChange={(event) => setDraft({ ...draft, active: event.target.checked })}
        />
        Active
      </label>
      {unplaced && <ErrorNotice error={save.error} />}
      <div className="row">
        <button type="submit" disabled={save.pending}>
          {save.pending ? 'Saving…' : editing ? 'Save the promotion' : 'Create the promotion'}
        </button>
        <button type="button" className="button-secondary" onClick={done}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const COLUMNS = [
  'Code',
  'Discount',
  'Applies to',
  'Minimum',
  'Period',
  'Used',
  'Per buyer',
  'Status',
  '',
] as const;

function PromotionRow({
  owner,
  promotion,
  changed,
}: {
  owner: PromotionOwner;
  promotion: Promotion;
  changed(): void;
}) {
  const [editing, setEditing] = useState(false);
  const active = promotion.status === 'active';
  const name = promotion.code ?? 'the automatic promotion';
  const toggle = useAction(async () => {
    await change(owner, promotion.id, { status: active ? 'inactive' : 'active' });
    changed();
  });
  return (
    <Fragment>
      <tr>
        <td>{promotion.code ?? <span className="badge">Automatic</span>}</td>
        <td>{describeDiscount(promotion)}</td>
        <td>
          {describeScope(owner === 'shop' ? { ...promotion.scope, shop_id: undefined } : promotion.scope)}
        </td>
        <td>{promotion.min_subtotal ? formatMoney(promotion.min_subtotal) : '—'}</td>
        <td>
          {formatDateTime(promotion.starts_at)} –{' '}
          {promotion.ends_at ? formatDateTime(promotion.ends_at) : 'no end'}
        </td>
        <td data-testid={`uses-${promotion.id}`}>{usesOf(promotion)}</td>
        <td>{promotion.per_customer_limit ?? 'no limit'}</td>
        <td>
          <span className={`badge badge-${active ? 'active' : 'archived'}`}>
            {active ? 'Active' : 'Inactive'}
          </span>
        </td>
        <td>
          <div className="row">
            <button type="button" className="button-secondary" onClick={() => setEditing(!editing)}>
              Edit<span className="visually-hidden"> {name}</span>
            </button>
            <button
              type="button"
              className={active ? 'button-danger' : 'button-secondary'}
              onClick={() => void toggle.run()}
              disabled={toggle.pending}
            >
              {active ? 'Deactivate' : 'Activate'}
              <span className="visually-hidden"> {name}</span>
            </button>
          </div>
          <ErrorNotice error={toggle.error} />
        </td>
      </tr>
      {editing && (
        <tr>
          <td colSpan={COLUMNS.length}>
            <PromotionForm
              owner={owner}
              editing={promotion}
              done={() => {
                setEditing(false);
                changed();
              }}
            />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** A page's promotions: listed with their uses, created, changed and deactivated in place. */
export function PromotionsEditor({ owner }: { owner: PromotionOwner }) {
  const promotions = useApi(() => listOf(owner), [owner]);
  const [adding, setAdding] = useState(false);
  return (
    <Async value={promotions}>
      {(list) => (
        <div className="stack">
          {list.data.length === 0 ? (
            <p className="muted">No promotions yet.</p>
          ) : (
            <DataTable caption="Promotions" columns={COLUMNS}>
              {list.data.map((promotion) => (
                <PromotionRow
                  key={`${promotion.id}-${promotion.status}-${promotion.used_count}`}
                  owner={owner}
                  promotion={promotion}
                  changed={promotions.reload}
                />
              ))}
            </DataTable>
          )}
          {adding ? (
            <PromotionForm
              owner={owner}
              done={() => {
                setAdding(false);
                promotions.reload();
              }}
            />
          ) : (
            <button type="button" onClick={() => setAdding(true)}>
              New promotion
            </button>
          )}
        </div>
      )}
    </Async>
  );
}
