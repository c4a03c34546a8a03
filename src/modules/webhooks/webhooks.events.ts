import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../platform/events.js';
import { Endpoint } from './webhooks.schemas.js';

/** An endpoint as its events carry it: whose it is, so its owner can be told. */
const EndpointEvent = Endpoint.extend({
  /** The shop whose events it receives; null for a marketplace endpoint. */
  shop_id: z.string().nullable(),
  created_by: z.string(),
});

/** What a test ping carries (`POST …/webhook-endpoints/{id}/test`): sent to that endpoint only. */
const Ping = z.object({ endpoint_id: z.string(), message: z.string() });

export const webhookEvents = defineEvents({
  /** Every attempt failed for 24 h straight: the endpoint is disabled and its owner told. */
  'webhook_endpoint.disabled.v1': EndpointEvent,
  /** Never in the outbox: the test ping's type, delivered only to the endpoint tested. */
  'webhook_endpoint.pinged.v1': Ping,
});

export const PING_EVENT_TYPE = 'webhook_endpoint.pinged.v1';

declare module '../../platform/events.js' {
  interface DomainEventCatalog extends EventDataOf<typeof webhookEvents> {}
}
