import { ApiError, fieldErrorsOf } from '../api/client';
import type { paths } from '../api/schema';
import { bpsOf, decimalText, formatMoney, type Money, parseMoneyInput, percentOf } from '../format';

export type Promotion =
  paths['/v1/shop/promotions']['get']['responses'][200]['content']['application/json']['data'][number];
export type NewPromotion = paths['/v1/shop/promotions']['post']['requestBody']['content']['application/json'];
export type PromotionChange = NonNullable<
  paths['/v1/shop/promotions/{id}']['patch']['requestBody']
>['content']['application/json'];
export type PromotionType = Promotion['type'];

/** The editor's fields as typed: amounts and percentages as text, dates as datetime-local text. */
export interface Draft {
  automatic: boolean;
  code: string;
  type: PromotionType;
  percent: string;
  amount: string;
  minSubtotal: string;
  /** Comma-separated ids; empty: any. */
  productIds: string;
  categoryIds: string;
  /** Admins only: one shop's items, or (empty) every shop's. */
  shopId: string;
  startsAt: string;
  endsAt: string;
  usageLimit: string;
  perCustomerLimit: string;
  active: boolean;
}

export type DraftField = keyof Draft;
export interface DraftProblem {
  field: DraftField;
  error: string;
}

export const EMPTY_DRAFT: Draft = {
  automatic: false,
  code: '',
  type: 'percentage',
  percent: '',
  amount: '',
  minSubtotal: '',
  productIds: '',
  categoryIds: '',
  shopId: '',
  startsAt: '',
  endsAt: '',
  usageLimit: '',
  perCustomerLimit: '',
  active: true,
};

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local input shows it, in the browser's time zone, to the minute. */
export function localDateTimeOf(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const ids = (text: string): string[] =>
  text
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);

/** The draft that shows a promotion as it is. */
export function draftOf(promotion: Promotion, digits: number): Draft {
  return {
    automatic: promotion.automatic,
    code: promotion.code ?? '',
    type: promotion.type,
    percent: promotion.percent_bps === undefined ? '' : String(promotion.percent_bps / 100),
    amount: promotion.amount ? decimalText(promotion.amount.amount, digits) : '',
    minSubtotal: promotion.min_subtotal ? decimalText(promotion.min_subtotal.amount, digits) : '',
    productIds: (promotion.scope.product_ids ?? []).join(', '),
    categoryIds: (promotion.scope.category_ids ?? []).join(', '),
    shopId: promotion.scope.shop_id ?? '',
    startsAt: localDateTimeOf(promotion.starts_at),
    endsAt: promotion.ends_at ? localDateTimeOf(promotion.ends_at) : '',
    usageLimit: promotion.usage_limit === null ? '' : String(promotion.usage_limit),
    perCustomerLimit: promotion.per_customer_limit === null ? '' : String(promotion.per_customer_limit),
    active: promotion.status === 'active',
  };
}

/**
 * What a draft sends to create a promotion, or the first field that is wrong and why. `withShop`:
 * the editor may scope it to one shop (admins; a seller's promotion is always its shop's).
 */
export function bodyOf(
  draft: Draft,
  currency: string,
  digits: number,
  withShop: boolean,
): { body: NewPromotion } | DraftProblem {
  const code = draft.code.trim();
  if (!draft.automatic && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(code))
    return { field: 'code', error: 'Letters, digits, - and _, up to 40, such as SPRING-15.' };
  const money = (text: string) => {
    const amount = parseMoneyInput(text, digits);
    return amount !== null && amount > 0 ? { amount, currency } : null;
  };
  const example = decimalText(500, digits);
  let value: Pick<NewPromotion, 'percent_bps' | 'amount'> = {};
  if (draft.type === 'percentage') {
    const bps = bpsOf(draft.percent);
    if (bps === null || bps === 0) return { field: 'percent', error: 'A percentage above 0, up to 100.' };
    value = { percent_bps: bps };
  } else if (draft.type === 'fixed') {
    const amount = money(draft.amount);
    if (!amount) return { field: 'amount', error: `Enter an amount like ${example}.` };
    value = { amount };
  }
  let minSubtotal: Money | null = null;
  if (draft.minSubtotal.trim()) {
    minSubtotal = money(draft.minSubtotal);
    if (!minSubtotal) return { field: 'minSubtotal', error: `Enter an amount like ${example}, or nothing.` };
  }
  const instant = (text: string) => {
    const time = new Date(text).getTime();
    return text.trim() && Number.isFinite(time) ? new Date(time).toISOString() : null;
  };
  const startsAt = instant(draft.startsAt);
  if (draft.startsAt.trim() && !startsAt) return { field: 'startsAt', error: 'Enter a date and time.' };
  const endsAt = instant(draft.endsAt);
  if (draft.endsAt.trim() && !endsAt) return { field: 'endsAt', error: 'Enter a date and time.' };
  if (endsAt && startsAt && endsAt <= startsAt)
    return { field: 'endsAt', error: 'The end comes after the start.' };
  const limit = (text: string): number | null | undefined => {
    if (!text.trim()) return null;
    const n = Number(text.trim());
    return Number.isInteger(n) && n >= 1 ? n : undefined;
  };
  const usageLimit = limit(draft.usageLimit);
  if (usageLimit === undefined) return { field: 'usageLimit', error: 'A whole number from 1, or nothing.' };
  const perCustomerLimit = limit(draft.perCustomerLimit);
  if (perCustomerLimit === undefined)
    return { field: 'perCustomerLimit', error: 'A whole number from 1, or nothing.' };
  const productIds = ids(draft.productIds);
  const categoryIds = ids(draft.categoryIds);
  const shopId = draft.shopId.trim();
  return {
    body: {
      ...(draft.automatic ? { automatic: true } : { code }),
      type: draft.type,
      ...value,
      scope: {
        ...(withShop && shopId ? { shop_id: shopId } : {}),
        ...(categoryIds.length ? { category_ids: categoryIds } : {}),
        ...(productIds.length ? { product_ids: productIds } : {}),
      },
      min_subtotal: minSubtotal,
      ...(startsAt ? { starts_at: startsAt } : {}),
      ends_at: endsAt,
      usage_limit: usageLimit,
      per_customer_limit: perCustomerLimit,
      status: draft.active ? 'active' : 'inactive',
    },
  };
}

/** The fields a PATCH may change; the type and whether it is automatic stay as created. */
const CHANGEABLE = [
  'code',
  'percent_bps',
  'amount',
  'scope',
  'min_subtotal',
  'starts_at',
  'ends_at',
  'usage_limit',
  'per_customer_limit',
  'status',
] as const satisfies readonly (keyof PromotionChange)[];

/**
 * The change a draft makes to a promotion: only the fields whose value differs from what the
 * unchanged draft would send (so an untouched start time is not rewritten to the minute).
 */
export function changeOf(
  draft: Draft,
  promotion: Promotion,
  currency: string,
  digits: number,
  withShop: boolean,
): { body: PromotionChange } | DraftProblem {
  const next = bodyOf(
    { ...draft, automatic: promotion.automatic, type: promotion.type },
    currency,
    digits,
    withShop,
  );
  if (!('body' in next)) return next;
  const before = bodyOf(draftOf(promotion, digits), currency, digits, withShop);
  const was: Partial<NewPromotion> = 'body' in before ? before.body : {};
  const body: Record<string, unknown> = {};
  for (const key of CHANGEABLE) {
    // Left empty, a start stays as it was (it cannot be unset).
    const value = next.body[key];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(was[key])) body[key] = value;
  }
  return { body: body as PromotionChange };
}

/** Where the API names a field (`/percent_bps`, `/scope/product_ids/0`), the editor's field for it. */
const FIELD_OF_PATH: [string, DraftField][] = [
  ['/code', 'code'],
  ['/percent_bps', 'percent'],
  ['/amount', 'amount'],
  ['/min_subtotal', 'minSubtotal'],
  ['/scope/shop_id', 'shopId'],
  ['/scope/category_ids', 'categoryIds'],
  ['/scope/product_ids', 'productIds'],
  ['/starts_at', 'startsAt'],
  ['/ends_at', 'endsAt'],
  ['/usage_limit', 'usageLimit'],
  ['/per_customer_limit', 'perCustomerLimit'],
];

/** A refused save's errors by editor field: each field error, and a taken code at the code. */
export function fieldErrorsOfSave(error: unknown): Partial<Record<DraftField, string>> {
  if (!(error instanceof ApiError)) return {};
  if (error.code === 'conflict') return { code: error.problem.detail ?? 'This code is taken.' };
  const errors: Partial<Record<DraftField, string>> = {};
  for (const { path, message } of fieldErrorsOf(error.problem)) {
    const field = FIELD_OF_PATH.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1];
    if (field && !errors[field]) errors[field] = message;
  }
  return errors;
}

/** What a promotion takes off, as a person reads it: "15% off", "$5.00 off", "Free shipping". */
export function describeDiscount(promotion: Pick<Promotion, 'type' | 'percent_bps' | 'amount'>): string {
  if (promotion.type === 'percentage') return `${percentOf(promotion.percent_bps ?? 0)} off`;
  if (promotion.type === 'fixed' && promotion.amount) return `${formatMoney(promotion.amount)} off`;
  return 'Free shipping';
}

/** Which items it covers: "Everything", or its shop, categories and products. */
export function describeScope(scope: Promotion['scope']): string {
  const parts = [
    scope.shop_id ? `shop ${scope.shop_id}` : '',
    scope.category_ids?.length ? `categories ${scope.category_ids.join(', ')}` : '',
    scope.product_ids?.length ? `products ${scope.product_ids.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'Everything';
}

/** How much of it has been used: "3 of 100 uses", "3 uses (no limit)". */
export const usesOf = (promotion: Pick<Promotion, 'used_count' | 'usage_limit'>): string =>
  promotion.usage_limit === null
    ? `${promotion.used_count} ${promotion.used_count === 1 ? 'use' : 'uses'} (no limit)`
    : `${promotion.used_count} of ${promotion.usage_limit} uses`;
