import type { WindowCounters, WindowLimit } from '../../platform/counters.js';
import { RateLimited } from '../../platform/errors.js';
import type { IdentityReason } from './identity.errors.js';

const HOUR_SECONDS = 60 * 60;

/**
 * Counts one request on every hourly limit if none is reached, in one step (concurrent requests
 * cannot pass a limit together); past any of them, 429 with `reason` and Retry-After.
 */
export async function takeHourly(
  counters: WindowCounters,
  limits: readonly WindowLimit[],
  reason: IdentityReason,
): Promise<void> {
  const taken = await counters.take(limits, HOUR_SECONDS);
  if (!taken.allowed) throw new RateLimited(taken.resetSeconds, reason);
}
