import { appendAudit } from '../../platform/audit.js';
import type { WindowCounters } from '../../platform/counters.js';
import type { Database, Queryable } from '../../platform/db.js';
import { isUniqueViolation } from '../../platform/errors.js';
import type { Caller } from '../../platform/http.js';
import { scheduleJob } from '../../platform/jobs.js';
import { appendEvent } from '../../platform/outbox.js';
import type { AccountLinks } from './account-links.js';
import * as tokens from './account-tokens.repo.js';
import { takeHourly } from './hourly-limits.js';
import { identityErrors } from './identity.errors.js';
import { identityJobs } from './identity.jobs.js';
import * as repo from './identity.repo.js';
import { hashToken, type IdentityService } from './identity.service.js';
import type { LoginThrottle } from './login-throttle.js';
import { assertAcceptablePassword, type PasswordHasher } from './passwords.js';

export const RESETS_PER_EMAIL_PER_HOUR = 5;
export const RESETS_PER_CLIENT_PER_HOUR = 20;
export const VERIFICATION_EMAILS_PER_USER_PER_HOUR = 5;

/**
 * Told, in the transaction that proves it, that a user receives mail at an address (a used
 * verification or email-change link): guest orders placed with it become theirs (the orders module).
 */
export type AddressProven = (tx: Queryable, user: { id: string; email: string }) => Promise<void>;

export interface AccountDeps {
  db: Database;
  identity: IdentityService;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  counters: WindowCounters;
  links: AccountLinks;
  addressProven: AddressProven;
}

/**
 * Recovery and proof of address: password resets, email verification and email changes. Each
 * works by a single-use token mailed to an address, so holding the link proves holding the mailbox.
 */
export class AccountService {
  private readonly db: Database;
  private readonly identity: IdentityService;
  private readonly passwords: PasswordHasher;
  private readonly throttle: LoginThrottle;
  private readonly counters: WindowCounters;
  private readonly links: AccountLinks;
  private readonly addressProven: AddressProven;

  constructor(deps: AccountDeps) {
    this.db = deps.db;
    this.addressProven = deps.addressProven;
    this.identity = deps.identity;
    this.passwords = deps.passwords;
    this.throttle = deps.throttle;
    this.counters = deps.counters;
    this.links = deps.links;
  }

  /**
   * Answers the same, in the same time, whether or not the email is registered: the request only
   * schedules a job (one insert either way), and the job looks the user up and mails the link.
   */
  async requestPasswordReset(email: string, clientAddress: string): Promise<void> {
    await takeHourly(
      this.counters,
      [
        { key: `reset:email:${email.toLowerCase()}`, limit: RESETS_PER_EMAIL_PER_HOUR },
        { key: `reset:client:${clientAddress}`, limit: RESETS_PER_CLIENT_PER_HOUR },
      ],
      'password_resets_exceeded',
    );
    await scheduleJob(this.db, {
      kind: identityJobs.sendPasswordReset,
      runAt: new Date(),
      payload: { email },
    });
  }

  /** Job: mails a reset link to the account of `email`, if there is a live one. Once per job. */
  async sendPasswordReset(email: string, requestId: string): Promise<void> {
    const user = await repo.findUserByEmail(this.db, email);
    if (!user || user.suspendedAt) return;
    await this.db.transaction((tx) => this.links.mailPasswordReset(tx, user, requestId));
  }

  /** Sets a new password by a reset link; the link and every session of the user end. */
  async confirmPasswordReset(input: { token: string; newPassword: string }): Promise<void> {
    assertAcceptablePassword(input.newPassword, '/new_password');
    const tokenHash = hashToken(input.token);
    // Checked before the hash is paid for, and used only after: a weak password leaves the link usable.
    if (!(await tokens.findLiveAccountToken(this.db, tokenHash, 'password_reset'))) {
      throw identityErrors.error('token_invalid');
    }
    const passwordHash = await this.passwords.hash(input.newPassword);
    await this.db.transaction(async (tx) => {
      const token = await tokens.useAccountToken(tx, tokenHash, 'password_reset');
      if (!token) throw identityErrors.error('token_invalid');
      await repo.updatePasswordHash(tx, token.userId, passwordHash);
      await repo.deleteSessionsOf(tx, token.userId);
      await tokens.revokeAccountTokens(tx, token.userId, 'password_reset');
      const user = await this.identity.userView(tx, token.userId);
      await appendEvent(tx, 'user.password_reset.v1', user);
      // Nobody is signed in: the link proves the actor is the account's owner.
      await appendAudit(tx, {
        action: 'user.password_reset',
        target: { type: 'user', id: user.id },
        actor: { id: user.id, name: user.name },
      });
    });
  }

  /** Mails the caller a link proving the address; nothing to do when it is proven already. */
  async requestEmailVerification(caller: Caller): Promise<void> {
    if (caller.emailVerified) return;
    await takeHourly(
      this.counters,
      [{ key: `verify-email:user:${caller.id}`, limit: VERIFICATION_EMAILS_PER_USER_PER_HOUR }],
      'verification_emails_exceeded',
    );
    await this.db.transaction((tx) => this.links.mailEmailVerification(tx, caller));
  }

  async verifyEmail(token: string) {
    return this.db.transaction(async (tx) => {
      const used = await tokens.useAccountToken(tx, hashToken(token), 'email_verification');
      // A link for an address the user has since changed proves nothing about the current one.
      if (!used || !(await repo.markEmailVerified(tx, used.userId, used.email))) {
        throw identityErrors.error('token_invalid');
      }
      const user = await this.identity.userView(tx, used.userId);
      await this.addressProven(tx, user);
      await appendEvent(tx, 'user.email_verified.v1', user);
      await appendAudit(tx, {
        action: 'user.email_verified',
        target: { type: 'user', id: user.id },
        actor: { id: user.id, name: user.name },
        changes: { email_verified: [false, true] },
      });
      return user;
    });
  }

  /**
   * Mails a confirmation link to the new address and a notice to the current one; the address
   * changes only when the link is used. Whether the new address is taken is told only then.
   */
  async requestEmailChange(
    caller: Caller,
    input: { newEmail: string; currentPassword: string },
    clientAddress: string,
  ): Promise<void> {
    if (input.newEmail.toLowerCase() === caller.email.toLowerCase()) {
      throw identityErrors.invalidAt('new_email_unchanged', '/new_email', 'this is your address already');
    }
    const attempt = await this.throttle.admit(caller.email, clientAddress);
    const user = await repo.findUserById(this.db, caller.id);
    if (!user) throw identityErrors.error('user_not_found');
    if (!(await attempt.check(() => this.passwords.verify(user.passwordHash, input.currentPassword)))) {
      throw identityErrors.invalidAt(
        'current_password_wrong',
        '/current_password',
        'the current password is wrong',
      );
    }
    await attempt.succeeded();
    await this.db.transaction((tx) => this.links.mailEmailChange(tx, user, input.newEmail));
  }

  async confirmEmailChange(token: string) {
    return this.db.transaction(async (tx) => {
      const used = await tokens.useAccountToken(tx, hashToken(token), 'email_change');
      if (!used) throw identityErrors.error('token_invalid');
      const before = await repo.findUserById(tx, used.userId);
      if (!before) throw identityErrors.error('token_invalid');
      await repo.changeEmail(tx, used.userId, used.email).catch((error: unknown) => {
        throw isUniqueViolation(error) ? identityErrors.error('email_taken') : error;
      });
      // Verification links of the old address prove nothing any more.
      await tokens.revokeAccountTokens(tx, used.userId, 'email_verification');
      const user = await this.identity.userView(tx, used.userId);
      // The link proved the new address as a verification link does.
      await this.addressProven(tx, user);
      await appendEvent(tx, 'user.email_changed.v1', { ...user, previous_email: before.email });
      await appendAudit(tx, {
        action: 'user.email_changed',
        target: { type: 'user', id: user.id },
        actor: { id: user.id, name: user.name },
        changes: { email: [before.email, user.email] },
      });
      return user;
    });
  }

  purgeStaleTokens(): Promise<number> {
    return tokens.deleteStaleAccountTokens(this.db);
  }
}
