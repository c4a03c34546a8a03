import type { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Return } from './returns.schemas.js';

/** Returns' events: each carries the return as the API shows it, after the change. */
export const returnEvents = defineEvents({
  'return.requested.v1': Return,
  /** By the seller, or automatically when the seller did not answer in time (`history` says which). */
  'return.approved.v1': Return,
  'return.rejected.v1': Return,
  /** The seller has the items back; `return.refunded.v1` follows in the same transaction. */
  'return.received.v1': Return,
  'return.refunded.v1': Return,
  'return.escalated.v1': Return,
  /** An admin decided an escalated return for the seller. */
  'return.denied.v1': Return,
});

export type ReturnEventType = keyof typeof returnEvents;
export type ReturnEventView = z.infer<typeof Return>;

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof returnEvents> {}
}
