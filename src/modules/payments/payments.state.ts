import { paymentsErrors } from './payments.errors.js';

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

/** The reason 409 invalid_state gives when a payment's status does not allow the event. */
export const REFUSED_EVENT_REASONS = {
  confirm: 'payment_not_confirmable',
  succeed: 'payment_not_processing',
  fail: 'payment_not_processing',
  cancel: 'payment_not_cancellable',
} as const satisfies Record<PaymentEvent, keyof typeof paymentsErrors.cases>;

export function nextPaymentStatus(from: PaymentStatus, event: PaymentEvent): PaymentStatus {
  const to = PAYMENT_TRANSITIONS[from][event];
  if (!to)
    throw paymentsErrors.error(REFUSED_EVENT_REASONS[event], `A payment that is ${from} cannot ${event}.`);
  return to;
}

export type PayoutStatus = 'pending' | 'paid' | 'failed';
export type PayoutOutcome = 'paid' | 'failed';

/**
 * The payout lifecycle as data: the provider pays a pending payout or fails it, and a paid one
 * fails when the provider takes the money back (a reversed Stripe transfer). Failed is final: its
 * money is available again.
 */
export const PAYOUT_TRANSITIONS: Readonly<
  Record<PayoutStatus, Partial<Record<PayoutOutcome, PayoutStatus>>>
> = {
  pending: { paid: 'paid', failed: 'failed' },
  paid: { failed: 'failed' },
  failed: {},
};

/** The statuses a payout may take `outcome` from. */
export const payoutStatusesAllowing = (outcome: PayoutOutcome): PayoutStatus[] =>
  (Object.keys(PAYOUT_TRANSITIONS) as PayoutStatus[]).filter((from) => PAYOUT_TRANSITIONS[from][outcome]);
