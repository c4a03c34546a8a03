import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Payment, Payout, Refund } from './payments.schemas.js';

/** A payout the provider settled, and whose shop it pays (the notice goes to its owner). */
const SettledPayout = Payout.extend({ shop_id: z.string() });

/** Payments' events: payments, refunds and payouts as the API shows them. */
export const paymentEvents = defineEvents({
  'payment.succeeded.v1': Payment,
  'payment.failed.v1': Payment,
  'refund.created.v1': Refund,
  /**
   * `failure_code` came after this event was published, and `shop_id` (so a shop's webhook
   * endpoints receive its payouts) after that: both optional in it.
   */
  'payout.created.v1': Payout.partial({ failure_code: true }).extend({ shop_id: z.string().optional() }),
  /** The money is in the shop's account at the provider. */
  'payout.paid.v1': SettledPayout,
  /** The provider refused the payout or took it back: the money is available to the shop again. */
  'payout.failed.v1': SettledPayout,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof paymentEvents> {}
}
