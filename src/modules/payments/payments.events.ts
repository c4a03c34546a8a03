import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Payment, Payout, Refund } from './payments.schemas.js';

/** Payments' events: payments, refunds and payouts as the API shows them. */
export const paymentEvents = defineEvents({
  'payment.succeeded.v1': Payment,
  'payment.failed.v1': Payment,
  'refund.created.v1': Refund,
  'payout.created.v1': Payout,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof paymentEvents> {}
}
