import type { WindowCounters, WindowLimit } from '../../platform/counters.js';
import { RateLimited } from '../../platform/errors.js';
import { KeyedWorkQueues } from '../../platform/work-queue.js';
import type { IdentityReason } from './identity.errors.js';

const WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_ACCOUNT_AND_CLIENT = 10;
/** From all addresses together: well above what one address may try, so one address cannot lock an owner out. */
export const MAX_FAILURES_PER_ACCOUNT = 50;
export const MAX_FAILURES_PER_CLIENT = 100;
/** Password checks of one account running at once in this process; more wait their turn. */
const CHECKS_PER_ACCOUNT_AT_ONCE = 1;

/** One admitted attempt at an account's password (a login, or a password change). */
export interface PasswordAttempt {
  /**
   * Runs the password check, one at a time per account in this process, so guesses at one
   * account never take more than one core. An attempt whose check could not run (it threw, say
   * 503 for a full hash queue) is taken back from the counts: it checked nothing.
   */
  check<T>(work: () => Promise<T>): Promise<T>;
  /**
   * The password, and any second factor, was right: the account's failures from this address are
   * forgotten and the attempt is taken back from the other counts. Not called for any other
   * outcome, so a wrong password, a suspended account or a missing second factor count as failures.
   */
  succeeded(): Promise<void>;
}

/**
 * Counts attempts at passwords over 15 minutes per account and client address, per account from
 * every address, and per client address. An attempt is counted before its password is checked,
 * in one step with the check against the limits, so concurrent guesses cannot slip past them;
 * past a limit the attempt is refused (429) before any password work, so guessing costs the
 * attacker time, not us CPU.
 */
export class LoginThrottle {
  private readonly checks = new KeyedWorkQueues(CHECKS_PER_ACCOUNT_AT_ONCE);

  constructor(private readonly counters: WindowCounters) {}

  async admit(email: string, clientAddress: string): Promise<PasswordAttempt> {
    const account = email.toLowerCase();
    const ofAccountAndClient: WindowLimit = {
      key: `login:account-client:${clientAddress}:${account}`,
      limit: MAX_FAILURES_PER_ACCOUNT_AND_CLIENT,
    };
    // Checked first: an address at its limit for this account adds nothing to the account's count.
    const limits = [
      ofAccountAndClient,
      { key: `login:account:${account}`, limit: MAX_FAILURES_PER_ACCOUNT },
      { key: `login:client:${clientAddress}`, limit: MAX_FAILURES_PER_CLIENT },
    ];
    const taken = await this.counters.take(limits, WINDOW_SECONDS);
    if (!taken.allowed)
      throw new RateLimited(taken.resetSeconds, 'login_attempts_exceeded' satisfies IdentityReason);
    return {
      check: async (work) => {
        try {
          return await this.checks.run(account, work);
        } catch (error) {
          await Promise.all(limits.map(({ key }) => this.counters.release(key)));
          throw error;
        }
      },
      succeeded: async () => {
        await Promise.all([
          this.counters.reset(ofAccountAndClient.key),
          ...limits.slice(1).map(({ key }) => this.counters.release(key)),
        ]);
      },
    };
  }
}
