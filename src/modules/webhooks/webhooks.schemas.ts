import { z } from 'zod';
import type { DeliveryRow, EndpointRow } from './webhooks.repo.js';
import { DELIVERY_STATUSES, ENDPOINT_STATUSES } from './webhooks.state.js';

const Id = z.string().min(1).max(64);
const Url = z.string().trim().min(1).max(2000);
/** Checked against the event catalogue by the service (422 at /events). */
const EventTypes = z.array(z.string().min(1).max(100)).min(1).max(100);

export const EndpointParams = z.strictObject({ id: Id });

export const CreateEndpointBody = z.strictObject({
  url: Url,
  events: EventTypes,
  description: z.string().trim().max(500).optional(),
});

export const UpdateEndpointBody = z.strictObject({
  url: Url.optional(),
  events: EventTypes.optional(),
  status: z.enum(ENDPOINT_STATUSES).optional(),
  description: z.string().trim().max(500).nullable().optional(),
});

export const DeliveryListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  status: z.enum(DELIVERY_STATUSES).optional(),
});

export const Endpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  /** Catalogued event types, or `["*"]` for every event the owner may receive. */
  events: z.array(z.string()),
  status: z.enum(ENDPOINT_STATUSES),
  /** Since when every attempt has failed (null while deliveries succeed); 24 h of it disables the endpoint. */
  failing_since: z.string().nullable(),
  /** While a rotated-out secret still signs beside the new one (a second `v1=`), until then. */
  previous_secret_expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type EndpointView = z.infer<typeof Endpoint>;

/** The answer of creation: the one time the secret is shown. */
export const CreatedEndpoint = Endpoint.extend({ secret: z.string() });
export const EndpointList = z.object({ data: z.array(Endpoint) });
export const RotatedSecret = z.object({
  secret: z.string(),
  previous_secret_expires_at: z.string(),
});

export const Delivery = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  /** Why the last attempt failed (the status code, a timeout, a refused address). */
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
});
export type DeliveryView = z.infer<typeof Delivery>;
export const DeliveryList = z.object({ data: z.array(Delivery) });
export const DeliveryParams = z.strictObject({ id: Id, delivery_id: Id });
export const Accepted = z.object({ id: z.string(), status: z.literal('pending') });

const iso = (at: Date | null): string | null => at?.toISOString() ?? null;

export function presentEndpoint(row: EndpointRow, now = new Date()): EndpointView {
  const overlapping = row.previousSecretExpiresAt && row.previousSecretExpiresAt > now;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    status: row.status,
    failing_since: iso(row.failingSince),
    previous_secret_expires_at: overlapping ? iso(row.previousSecretExpiresAt) : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentDelivery(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    next_attempt_at: iso(row.nextAttemptAt),
    created_at: row.createdAt.toISOString(),
    delivered_at: iso(row.deliveredAt),
  };
}
