import type { WindowCounters } from '../../platform/counters.js';
import { RateLimited } from '../../platform/errors.js';

const WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_CLIENT = 100;

/**
 * Counts failed logins per account and per client address over 15 minutes. Past a limit, logins
 * are refused before any password is checked, so guessing costs the attacker time, not us CPU.
 */
export class LoginThrottle {
  constructor(private readonly counters: WindowCounters) {}

  private keys(email: string, clientAddress: string) {
    return { account: `login:account:${email.toLowerCase()}`, client: `login:client:${clientAddress}` };
  }

  async assertAllowed(email: string, clientAddress: string): Promise<void> {
    const keys = this.keys(email, clientAddress);
    const [account, client] = await Promise.all([
      this.counters.peek(keys.account),
      this.counters.peek(keys.client),
    ]);
    if (account.count >= MAX_FAILURES_PER_ACCOUNT) throw new RateLimited(account.resetSeconds);
    if (client.count >= MAX_FAILURES_PER_CLIENT) throw new RateLimited(client.resetSeconds);
  }

  async recordFailure(email: string, clientAddress: string): Promise<void> {
    const keys = this.keys(email, clientAddress);
    await Promise.all([
      this.counters.hit(keys.account, WINDOW_SECONDS),
      this.counters.hit(keys.client, WINDOW_SECONDS),
    ]);
  }

  async recordSuccess(email: string, clientAddress: string): Promise<void> {
    await this.counters.reset(this.keys(email, clientAddress).account);
  }
}
