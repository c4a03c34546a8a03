import type { WindowCounters } from '../../platform/counters.js';
import { takeHourly } from './hourly-limits.js';

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
    await takeHourly(this.counters, [limit], 'registrations_exceeded');
  }
}
