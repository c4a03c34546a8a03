import { appendAudit } from '../../platform/audit.js';
import type { Database, Queryable } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { appendEvent } from '../../platform/outbox.js';
import { identityErrors, twoFactorErrors } from './identity.errors.js';
import * as identityRepo from './identity.repo.js';
import { presentCaller } from './identity.schemas.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './passwords.js';
import {
  hashRecoveryCode,
  looksLikeTotp,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
} from './totp.js';
import * as repo from './two-factor.repo.js';

export interface TwoFactorDeps {
  db: Database;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  /** Milliseconds since the epoch: which TOTP step is current (tests fix it). */
  now?: () => number;
}

/**
 * Two-factor sign-in with TOTP (RFC 6238) and single-use recovery codes. Secrets are kept as
 * they are, not encrypted: the server must read them to check codes, so a key would have to sit
 * beside the database anyway, and API.md gives the operator none.
 */
export class TwoFactorService {
  private readonly db: Database;
  private readonly passwords: PasswordHasher;
  private readonly throttle: LoginThrottle;
  private readonly now: () => number;

  constructor(deps: TwoFactorDeps) {
    this.db = deps.db;
    this.passwords = deps.passwords;
    this.throttle = deps.throttle;
    this.now = deps.now ?? Date.now;
  }

  private get epochSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** A new secret, pending until a code from it enables it; each setup replaces the last pending one. */
  async setup(caller: Caller): Promise<{ secret: string; otpauthUrl: string }> {
    const secret = newTotpSecret();
    if (!(await repo.savePendingSecret(this.db, caller.id, secret))) {
      throw twoFactorErrors.error('two_factor_already_enabled');
    }
    return { secret, otpauthUrl: otpauthUrl(secret, caller.email) };
  }

  /** Turns two-factor sign-in on with a code from the pending secret; answers the recovery codes once. */
  async enable(caller: Caller, code: string): Promise<string[]> {
    const row = await repo.findTwoFactor(this.db, caller.id);
    if (row?.secret) throw twoFactorErrors.error('two_factor_already_enabled');
    if (!row?.pendingSecret) throw twoFactorErrors.error('two_factor_not_set_up');
    const step = await matchTotp(row.pendingSecret, code, { epochSeconds: this.epochSeconds });
    if (step === null) throw wrongCode();
    const codes = newRecoveryCodes();
    await this.db.transaction(async (tx) => {
      // A setup run meanwhile replaced the secret the code was checked against: that code proves nothing.
      if (!(await repo.enable(tx, caller.id, row.pendingSecret!, step))) {
        throw twoFactorErrors.error('two_factor_not_set_up', 'The secret changed meanwhile; set up again.');
      }
      await repo.replaceRecoveryCodes(tx, caller.id, codes.map(hashRecoveryCode));
      await appendEvent(
        tx,
        'user.two_factor_enabled.v1',
        presentCaller({ ...caller, twoFactorEnabled: true }),
      );
      await appendAudit(tx, {
        action: 'user.two_factor_enabled',
        target: { type: 'user', id: caller.id },
        changes: { two_factor_enabled: [false, true] },
      });
    });
    return codes;
  }

  /**
   * Turns two-factor sign-in off; needs the password and a code (TOTP or recovery). Password and
   * code are checked as one attempt of the login throttle, so neither can be guessed here freely.
   */
  async disable(
    caller: Caller,
    input: { currentPassword: string; code: string },
    clientAddress: string,
  ): Promise<void> {
    const row = await repo.findTwoFactor(this.db, caller.id);
    if (!row?.secret) throw twoFactorErrors.error('two_factor_not_enabled');
    const secret = row.secret;
    const attempt = await this.throttle.admit(caller.email, clientAddress);
    const user = await identityRepo.findUserById(this.db, caller.id);
    if (!user) throw identityErrors.error('user_not_found');
    if (!(await attempt.check(() => this.passwords.verify(user.passwordHash, input.currentPassword)))) {
      throw identityErrors.invalidAt(
        'current_password_wrong',
        '/current_password',
        'the current password is wrong',
      );
    }
    await this.db.transaction(async (tx) => {
      if (!(await this.consumeCode(tx, caller.id, secret, row.lastUsedStep, input.code))) throw wrongCode();
      if (!(await repo.disable(tx, caller.id))) throw twoFactorErrors.error('two_factor_not_enabled');
      await appendEvent(
        tx,
        'user.two_factor_disabled.v1',
        presentCaller({ ...caller, twoFactorEnabled: false }),
      );
      await appendAudit(tx, {
        action: 'user.two_factor_disabled',
        target: { type: 'user', id: caller.id },
        changes: { two_factor_enabled: [true, false] },
      });
    });
    await attempt.succeeded();
  }

  /**
   * The second step of a login whose password was right: nothing to do without two-factor
   * sign-in; else the `otp` must be a TOTP code not used before or an unused recovery code,
   * either of which is used up here.
   */
  async checkLogin(userId: string, otp: string | undefined): Promise<void> {
    const row = await repo.findTwoFactor(this.db, userId);
    if (!row?.secret) return;
    if (otp === undefined || otp.trim() === '') throw twoFactorErrors.error('otp_required');
    if (!(await this.consumeCode(this.db, userId, row.secret, row.lastUsedStep, otp))) {
      throw twoFactorErrors.error('otp_rejected');
    }
  }

  /** Uses up a TOTP step later than the last used one, or an unused recovery code; false when neither. */
  private async consumeCode(
    db: Queryable,
    userId: string,
    secret: string,
    lastUsedStep: number | null,
    code: string,
  ): Promise<boolean> {
    if (!looksLikeTotp(code)) return repo.consumeRecoveryCode(db, userId, hashRecoveryCode(code));
    const step = await matchTotp(secret, code, { epochSeconds: this.epochSeconds, afterStep: lastUsedStep });
    // Checked again in the update: a concurrent login may have used this step since it was read.
    return step !== null && repo.consumeStep(db, userId, step);
  }
}

const wrongCode = () =>
  twoFactorErrors.invalidAt('two_factor_code_wrong', '/code', 'the code is wrong, expired or already used');
