import type { Queryable } from '../../platform/db.js';

/**
 * Mail identity sends itself, in the transaction that makes what it tells: links carrying a
 * token (which never travel in an event), and the notice an email change gives the old address.
 * The notifications module renders and sends it; identity only says what to send.
 */
export type AccountEmail = { to: string; userId: string; name: string } & (
  | { template: 'password_reset'; url: string; validMinutes: number }
  | { template: 'email_verification'; url: string; validHours: number }
  | { template: 'email_change_confirmation'; url: string; validHours: number }
  | { template: 'email_change_requested'; newEmail: string }
);

export interface AccountMailer {
  send(tx: Queryable, email: AccountEmail): Promise<void>;
}
