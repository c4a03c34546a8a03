import { InvalidState } from '../../platform/errors.js';

export const PAYMENT_STATUSES = [
  'requires_confirmation',
  'processing',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type PaymentEvent = 'confirm' | 'succeed' | 'fail' | 'cancel';

/**
 * The payment lifecycle as data (API.md "Payment statuses"). A failure of a payment whose orders
 * were all cancelled while it was processing takes `fail` then `cancel` in one step.
 */
export const PAYMENT_TRANSITIONS: Readonly<
  Record<PaymentStatus, Partial<Record<PaymentEvent, PaymentStatus>>>
> = {
  requires_confirmation: { confirm: 'processing', cancel: 'canceled' },
  processing: { succeed: 'succeeded', fail: 'failed' },
  failed: { confirm: 'processing', cancel: 'canceled' },
  succeeded: {},
  canceled: {},
};

export function nextPaymentStatus(from: PaymentStatus, event: PaymentEvent): PaymentStatus {
  const to = PAYMENT_TRANSITIONS[from][event];
  if (!to) throw new InvalidState(`A payment that is ${from} cannot ${event}.`);
  return to;
}
