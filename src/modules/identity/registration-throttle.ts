import type { WindowCounters } from '../../platform/counters.js';
import { RateLimited } from '../../platform/errors.js';
import type { IdentityReason } from './identity.errors.js';

const WINDOW_SECONDS = 60 * 60;

/**
 * Sign-ups per client address per hour (`BAZAAR_REGISTRATIONS_PER_HOUR`, 0 = no limit): each
 * costs a password hash and makes an account, so one address may not make them in bulk. Counted
 * and checked in one step, so concurrent sign-ups cannot pass the limit either.
 */
export class RegistrationThrottle {
  constructor(
    private readonly counters: WindowCounters,
    private readonly perHour: number,
  ) {}

  async admit(clientAddress: string): Promise<void> {
    if (this.perHour === 0) return;
    const limit = { key: `register:client:${clientAddress}`, limit: this.perHour };
    const taken = await this.counters.take([limit], WINDOW_SECONDS);
    if (!taken.allowed)
      throw new RateLimited(taken.resetSeconds, 'registrations_exceeded' satisfies IdentityReason);
  }
}
