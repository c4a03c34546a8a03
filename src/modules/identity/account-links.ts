import type { Queryable } from '../../platform/db.js';
import { newSecret } from '../../platform/tokens.js';
import type { AccountMailer } from './account-mail.js';
import { type AccountTokenPurpose, insertAccountToken } from './account-tokens.repo.js';
import { hashToken } from './identity.service.js';

export const PASSWORD_RESET_TTL_MINUTES = 30;
export const EMAIL_LINK_TTL_HOURS = 24;

/** The user a link is mailed to, and the address it goes to. */
interface Recipient {
  id: string;
  email: string;
  name: string;
}

/**
 * Makes single-use tokens and mails the links that carry them, in the caller's transaction: a
 * token exists exactly when its email does. A token is 256 random bits; only its SHA-256 is stored.
 */
export class AccountLinks {
  constructor(
    private readonly mailer: AccountMailer,
    private readonly publicUrl: string,
  ) {}

  private async issue(
    tx: Queryable,
    token: {
      userId: string;
      purpose: AccountTokenPurpose;
      email: string;
      ttlSeconds: number;
      requestId?: string;
    },
  ): Promise<string | undefined> {
    const secret = newSecret();
    const made = await insertAccountToken(tx, { ...token, tokenHash: hashToken(secret) });
    return made ? secret : undefined;
  }

  private url(page: string, token: string): string {
    return `${this.publicUrl}/${page}?token=${token}`;
  }

  /** Once per request: a job that runs again finds its token made and mails nothing. */
  async mailPasswordReset(tx: Queryable, user: Recipient, requestId: string): Promise<void> {
    const token = await this.issue(tx, {
      userId: user.id,
      purpose: 'password_reset',
      email: user.email,
      ttlSeconds: PASSWORD_RESET_TTL_MINUTES * 60,
      requestId,
    });
    if (token === undefined) return;
    await this.mailer.send(tx, {
      template: 'password_reset',
      to: user.email,
      userId: user.id,
      name: user.name,
      url: this.url('reset-password', token),
      validMinutes: PASSWORD_RESET_TTL_MINUTES,
    });
  }

  async mailEmailVerification(tx: Queryable, user: Recipient): Promise<void> {
    const token = await this.issue(tx, {
      userId: user.id,
      purpose: 'email_verification',
      email: user.email,
      ttlSeconds: EMAIL_LINK_TTL_HOURS * 3600,
    });
    await this.mailer.send(tx, {
      template: 'email_verification',
      to: user.email,
      userId: user.id,
      name: user.name,
      url: this.url('verify-email', token!),
      validHours: EMAIL_LINK_TTL_HOURS,
    });
  }

  /** A confirmation link to the new address, and a notice to the current one. */
  async mailEmailChange(tx: Queryable, user: Recipient, newEmail: string): Promise<void> {
    const token = await this.issue(tx, {
      userId: user.id,
      purpose: 'email_change',
      email: newEmail,
      ttlSeconds: EMAIL_LINK_TTL_HOURS * 3600,
    });
    await this.mailer.send(tx, {
      template: 'email_change_confirmation',
      to: newEmail,
      userId: user.id,
      name: user.name,
      url: this.url('confirm-email-change', token!),
      validHours: EMAIL_LINK_TTL_HOURS,
    });
    await this.mailer.send(tx, {
      template: 'email_change_requested',
      to: user.email,
      userId: user.id,
      name: user.name,
      newEmail,
    });
  }
}
