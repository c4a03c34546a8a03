import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { DisputeEventData } from './disputes.schemas.js';

/** Disputes' events: the dispute as an admin sees it, without evidence, with each shop's part. */
export const disputeEvents = defineEvents({
  /** The provider told of a new dispute: its amount is held from the sellers' money. */
  'dispute.opened.v1': DisputeEventData,
  /** Won (the hold goes back to the sellers) or lost (the money left the provider). */
  'dispute.closed.v1': DisputeEventData,
  /** A seller sent evidence to the provider. */
  'dispute.evidence_submitted.v1': DisputeEventData,
});

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof disputeEvents> {}
}
