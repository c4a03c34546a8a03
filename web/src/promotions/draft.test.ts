import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import {
  bodyOf,
  changeOf,
  type Draft,
  describeDiscount,
  describeScope,
  draftOf,
  EMPTY_DRAFT,
  fieldErrorsOfSave,
  localDateTimeOf,
  type Promotion,
  usesOf,
} from './draft';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const draft = (changes: Partial<Draft>): Draft => ({ ...EMPTY_DRAFT, ...changes });

const promotion: Promotion = {
  id: 'prm_1',
  code: 'SPRING',
  automatic: false,
  type: 'percentage',
  percent_bps: 1500,
  scope: { shop_id: 'shop_1', product_ids: ['prod_1'] },
  min_subtotal: usd(2500),
  starts_at: '2026-03-01T09:30:15.000Z',
  ends_at: null,
  usage_limit: 100,
  per_customer_limit: null,
  used_count: 3,
  funded_by: 'shop',
  status: 'active',
};

describe('a promotion draft', () => {
  it('becomes the body the API takes, for each type', () => {
    expect(bodyOf(draft({ code: ' Spring-15 ', percent: '15' }), 'USD', 2, false)).toEqual({
      body: {
        code: 'Spring-15',
        type: 'percentage',
        percent_bps: 1500,
        scope: {},
        min_subtotal: null,
        ends_at: null,
        usage_limit: null,
        per_customer_limit: null,
        status: 'active',
      },
    });
    expect(
      bodyOf(
        draft({
          automatic: true,
          code: 'ignored',
          type: 'fixed',
          amount: '5',
          minSubtotal: '25.00',
          productIds: 'prod_a, prod_b,',
          categoryIds: 'cat_1',
          shopId: 'shop_9',
          usageLimit: '100',
          perCustomerLimit: '1',
          active: false,
        }),
        'USD',
        2,
        true,
      ),
    ).toEqual({
      body: {
        automatic: true,
        type: 'fixed',
        amount: usd(500),
        scope: { shop_id: 'shop_9', category_ids: ['cat_1'], product_ids: ['prod_a', 'prod_b'] },
        min_subtotal: usd(2500),
        ends_at: null,
        usage_limit: 100,
        per_customer_limit: 1,
        status: 'inactive',
      },
    });
    // A seller's editor never scopes to another shop: the API keeps it to the seller's.
    expect(
      bodyOf(
        draft({ code: 'SHIP', type: 'free_shipping', shopId: 'shop_9', percent: '10' }),
        'USD',
        2,
        false,
      ),
    ).toMatchObject({ body: { type: 'free_shipping', scope: {} } });
  });

  it('names the first wrong field', () => {
    const problem = (changes: Partial<Draft>) => {
      const checked = bodyOf(draft({ code: 'OK', percent: '10', ...changes }), 'USD', 2, false);
      return 'field' in checked ? checked.field : null;
    };
    expect(problem({ code: '' })).toBe('code');
    expect(problem({ code: 'two words' })).toBe('code');
    expect(problem({ automatic: true, code: '' })).toBeNull();
    expect(problem({ percent: '0' })).toBe('percent');
    expect(problem({ percent: '101' })).toBe('percent');
    expect(problem({ type: 'fixed', amount: '0' })).toBe('amount');
    expect(problem({ type: 'fixed', amount: '5.001' })).toBe('amount');
    expect(problem({ minSubtotal: 'lots' })).toBe('minSubtotal');
    expect(problem({ startsAt: 'soon' })).toBe('startsAt');
    expect(problem({ startsAt: '2026-05-02T10:00', endsAt: '2026-05-01T10:00' })).toBe('endsAt');
    expect(problem({ usageLimit: '0' })).toBe('usageLimit');
    expect(problem({ perCustomerLimit: '1.5' })).toBe('perCustomerLimit');
  });

  it('shows a promotion as it is, and an untouched draft changes nothing', () => {
    const shown = draftOf(promotion, 2);
    expect(shown).toMatchObject({
      code: 'SPRING',
      percent: '15',
      minSubtotal: '25.00',
      productIds: 'prod_1',
      usageLimit: '100',
      perCustomerLimit: '',
      startsAt: localDateTimeOf(promotion.starts_at),
    });
    expect(changeOf(shown, promotion, 'USD', 2, false)).toEqual({ body: {} });
    expect(changeOf({ ...shown, usageLimit: '150', active: false }, promotion, 'USD', 2, false)).toEqual({
      body: { usage_limit: 150, status: 'inactive' },
    });
    expect(changeOf({ ...shown, endsAt: '', startsAt: '' }, promotion, 'USD', 2, false)).toEqual({
      body: {},
    });
    expect(changeOf({ ...shown, productIds: '' }, promotion, 'USD', 2, false)).toEqual({
      body: { scope: {} },
    });
  });

  it('shows a datetime-local value to the minute, in local time', () => {
    const text = localDateTimeOf('2026-03-01T09:30:15.000Z');
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(new Date(text).getTime()).toBe(new Date('2026-03-01T09:30:00.000Z').getTime());
  });
});

describe('a refused save', () => {
  const refusal = (code: string, errors: { path: string; message: string }[] = [], detail = 'No.') =>
    new ApiError({ status: 422, code, title: 'Refused', detail, errors });

  it('puts each field error at its field', () => {
    expect(
      fieldErrorsOfSave(
        refusal('validation_failed', [
          { path: '/percent_bps', message: 'too big' },
          { path: '/scope/product_ids/0', message: 'too long' },
          { path: '/per_customer_limit', message: 'cannot be added' },
          { path: '/unknown', message: 'ignored' },
        ]),
      ),
    ).toEqual({ percent: 'too big', productIds: 'too long', perCustomerLimit: 'cannot be added' });
    expect(fieldErrorsOfSave(refusal('conflict', [], 'An active promotion has this code already.'))).toEqual({
      code: 'An active promotion has this code already.',
    });
    expect(fieldErrorsOfSave(new Error('offline'))).toEqual({});
  });
});

describe('a promotion as people read it', () => {
  it('says what it takes off, on what, and how much of it is used', () => {
    expect(describeDiscount(promotion)).toBe('15% off');
    expect(describeDiscount({ type: 'fixed', amount: usd(500) })).toBe('$5.00 off');
    expect(describeDiscount({ type: 'free_shipping' })).toBe('Free shipping');
    expect(describeScope({})).toBe('Everything');
    expect(describeScope({ category_ids: ['c1', 'c2'], product_ids: ['p1'] })).toBe(
      'categories c1, c2; products p1',
    );
    expect(usesOf(promotion)).toBe('3 of 100 uses');
    expect(usesOf({ used_count: 1, usage_limit: null })).toBe('1 use (no limit)');
  });
});
