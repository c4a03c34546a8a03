import { describe, expect, it } from 'vitest';
import { nextPaymentStatus, PAYMENT_STATUSES, PAYMENT_TRANSITIONS } from '../payments/payments.state.js';
import { nextOrderStatus, ORDER_STATUSES, type OrderEvent, statusesAllowing } from './orders.state.js';

const ORDER_EVENTS: OrderEvent[] = [
  'pay',
  'cancel',
  'expire',
  'ship',
  'ship_part',
  'deliver',
  'refund_in_full',
];

describe('order state machine', () => {
  const expected: Record<string, string> = {
    'pending_payment pay': 'paid',
    'pending_payment cancel': 'cancelled',
    'pending_payment expire': 'cancelled',
    'paid ship': 'shipped',
    'paid ship_part': 'partially_shipped',
    'paid cancel': 'cancelled',
    'paid refund_in_full': 'refunded',
    'partially_shipped ship': 'shipped',
    'partially_shipped ship_part': 'partially_shipped',
    'partially_shipped cancel': 'shipped',
    'partially_shipped refund_in_full': 'refunded',
    'shipped deliver': 'delivered',
    'shipped refund_in_full': 'refunded',
    'delivered refund_in_full': 'refunded',
  };

  for (const from of ORDER_STATUSES) {
    for (const event of ORDER_EVENTS) {
      const to = expected[`${from} ${event}`];
      it(`${from} --${event}--> ${to ?? 'invalid_state'}`, () => {
        if (to) expect(nextOrderStatus(from, event)).toBe(to);
        else
          expect(() => nextOrderStatus(from, event)).toThrow(
            expect.objectContaining({ code: 'invalid_state', status: 409 }),
          );
      });
    }
  }

  it('lists the statuses an event may leave', () => {
    expect(statusesAllowing('cancel')).toEqual(['pending_payment', 'paid', 'partially_shipped']);
    expect(statusesAllowing('refund_in_full')).toEqual(['paid', 'partially_shipped', 'shipped', 'delivered']);
    expect(statusesAllowing('ship_part')).toEqual(['paid', 'partially_shipped']);
  });
});

describe('payment state machine', () => {
  it('allows exactly the transitions of the contract', () => {
    const allowed = PAYMENT_STATUSES.flatMap((from) =>
      Object.entries(PAYMENT_TRANSITIONS[from]).map(([event, to]) => `${from} ${event} ${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'requires_confirmation confirm processing',
        'requires_confirmation cancel canceled',
        'processing succeed succeeded',
        'processing fail failed',
        'failed confirm processing',
        'failed cancel canceled',
      ].sort(),
    );
    expect(() => nextPaymentStatus('succeeded', 'confirm')).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
    expect(() => nextPaymentStatus('canceled', 'confirm')).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
  });
});
