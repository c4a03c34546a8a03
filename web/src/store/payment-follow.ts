import type { Payment } from './types';

/** What the payment page does with the payment as it last read it. */
export type PaymentStep =
  | { kind: 'choose' }
  | { kind: 'poll' }
  | { kind: 'succeeded' }
  | { kind: 'failed'; message: string }
  | { kind: 'canceled'; message: string };

const FAILURE_MESSAGES: Record<string, string> = {
  card_declined: 'Your card was declined. Choose another payment method and try again.',
  insufficient_funds: 'Your card has insufficient funds. Choose another payment method and try again.',
};

export const failureMessage = (code: string | null): string =>
  (code && FAILURE_MESSAGES[code]) ||
  'The payment did not go through. Choose another payment method and try again.';

/** Keep reading a `processing` payment; stop at a settled state and say what happened. */
export function nextPaymentStep(payment: Pick<Payment, 'status' | 'failure_code'>): PaymentStep {
  switch (payment.status) {
    case 'requires_confirmation':
      return { kind: 'choose' };
    case 'processing':
      return { kind: 'poll' };
    case 'succeeded':
      return { kind: 'succeeded' };
    case 'failed':
      return { kind: 'failed', message: failureMessage(payment.failure_code) };
    case 'canceled':
      return {
        kind: 'canceled',
        message: 'This payment was cancelled because its orders were cancelled or expired.',
      };
  }
}

/** How long to wait before reading a processing payment again: quick at first, then backing off. */
export const pollDelay = (attempt: number): number => Math.min(500 * 1.5 ** attempt, 4000);

export const PAYMENT_METHODS: readonly { id: string; label: string; hint: string }[] = [
  { id: 'pm_card_visa', label: 'Visa •••• 4242', hint: 'Succeeds' },
  { id: 'pm_card_declined', label: 'Declined card', hint: 'Fails: card declined' },
  { id: 'pm_card_insufficient_funds', label: 'Insufficient funds', hint: 'Fails: insufficient funds' },
  { id: 'pm_card_slow', label: 'Slow card', hint: 'Settles in a few seconds' },
];
