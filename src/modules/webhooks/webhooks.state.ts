import { webhooksErrors } from './webhooks.errors.js';

export const ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** `auto_disable`: every attempt failed for 24 h straight (the system, not the owner). */
export const ENDPOINT_ACTIONS = ['enable', 'disable', 'auto_disable'] as const;
export type EndpointAction = (typeof ENDPOINT_ACTIONS)[number];

/** The endpoint lifecycle as data: status → action → next status. Anything missing is refused. */
export const ENDPOINT_TRANSITIONS: Readonly<
  Record<EndpointStatus, Partial<Record<EndpointAction, EndpointStatus>>>
> = {
  // Enabling an enabled endpoint (a PATCH repeating its status) changes nothing and is allowed.
  enabled: { enable: 'enabled', disable: 'disabled', auto_disable: 'disabled' },
  disabled: { enable: 'enabled', disable: 'disabled' },
};

/** The status `action` leads to from `from`, or 409 invalid_state. */
export function nextEndpointStatus(from: EndpointStatus, action: EndpointAction): EndpointStatus {
  const to = ENDPOINT_TRANSITIONS[from][action];
  if (!to) {
    throw webhooksErrors.error(
      'endpoint_transition_refused',
      `An endpoint that is ${from} cannot ${action.replaceAll('_', ' ')}.`,
    );
  }
  return to;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * `succeed`: a 2xx within the timeout. `fail`: any other outcome, retried later. `give_up`: a
 * failure once the retry window (3 days) has passed. `retry`: the owner asks for it again (a
 * delivered one too: a receiver that lost it may want it back; it dedupes on Bazaar-Event-Id).
 */
export const DELIVERY_ACTIONS = ['succeed', 'fail', 'give_up', 'retry'] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

export const DELIVERY_TRANSITIONS: Readonly<
  Record<DeliveryStatus, Partial<Record<DeliveryAction, DeliveryStatus>>>
> = {
  pending: { succeed: 'delivered', fail: 'pending', give_up: 'failed', retry: 'pending' },
  delivered: { retry: 'pending' },
  failed: { retry: 'pending' },
};

/** The status `action` leads a delivery to, or undefined when its status does not allow it. */
export const nextDeliveryStatus = (
  from: DeliveryStatus,
  action: DeliveryAction,
): DeliveryStatus | undefined => DELIVERY_TRANSITIONS[from][action];

/** The retry schedule: a delivery is retried for this long after it was made (or retried by hand). */
export const RETRY_WINDOW_SECONDS = 3 * 24 * 60 * 60;
/** Every attempt failing for this long disables the endpoint. */
export const FAILING_DISABLES_AFTER_SECONDS = 24 * 60 * 60;
/** How long a rotated-out secret keeps signing beside the new one. */
export const SECRET_OVERLAP_SECONDS = 24 * 60 * 60;
/** A 2xx must come within this long. */
export const DELIVERY_TIMEOUT_MS = 10_000;

const FIRST_RETRY_SECONDS = 20;
const MAX_RETRY_SECONDS = 6 * 60 * 60;

/**
 * Seconds to wait after failed attempt number `attempt` (1-based): the ceiling doubles from 20 s up
 * to 6 h, and the wait is drawn from its upper half ("equal jitter"), so receivers that failed
 * together are not all retried at the same instant, and the first retry comes within 30 s.
 * Over 3 days that is about 20 attempts.
 */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}
