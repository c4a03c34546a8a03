/**
 * Webhooks: endpoints that admins (every event) and sellers (their shop's events) register, and
 * the outbox's events delivered to them: one delivery per (endpoint, event), signed like the
 * sandbox's webhooks, sent by durable jobs with backoff for 3 days, in order per entity, never to
 * a private address (checked when saved and on every connection). Owns the tables
 * webhook_endpoints and webhook_deliveries. Which shop an event is about comes from the event, or
 * from the catalog and orders through the ShopDirectory given at construction.
 */

import type { OutboxRelay } from '../../platform/outbox.js';
import type { WebhooksService } from './webhooks.service.js';

export type { ShopDirectory } from './event-scope.js';
export { isPublicAddress, type Resolve } from './url-guard.js';
export { webhooksErrors } from './webhooks.errors.js';
export { webhookEvents } from './webhooks.events.js';
export { registerWebhookJobs, webhookJobs } from './webhooks.jobs.js';
export { webhooksRoutes } from './webhooks.routes.js';
export { type WebhookOwner, type WebhooksDeps, WebhooksService } from './webhooks.service.js';

/** Every event passes the sink: which endpoints want it is known only from their rows. */
export function subscribeWebhooks(outbox: OutboxRelay, service: WebhooksService): void {
  outbox.addSink({ name: 'webhooks', accepts: () => true, publish: (event) => service.fanOut(event) });
}
