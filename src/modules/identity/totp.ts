import { createHash, randomBytes } from 'node:crypto';
import {
  generateSecret,
  generateURI,
  NobleCryptoPlugin,
  ScureBase32Plugin,
  TOTP as TotpAlgorithm,
} from 'otplib';

/**
 * TOTP as API.md fixes it (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps), which is also what
 * every authenticator app assumes when an otpauth URL names none of these.
 */
export const TOTP = { algorithm: 'sha1', digits: 6, period: 30 } as const;
/** 160 bits, RFC 4226's recommended secret length (API.md: at least 160). */
const SECRET_BYTES = 20;
/** A code of the step before or after the current one is still taken, for clocks a little off. */
const TOLERANCE_SECONDS = TOTP.period;
const ISSUER = 'Bazaar';
const totp = new TotpAlgorithm({ ...TOTP, crypto: new NobleCryptoPlugin(), base32: new ScureBase32Plugin() });

export const RECOVERY_CODE_COUNT = 10;
/** Crockford-like alphabet without look-alikes (0/o, 1/l/i), for codes written down on paper. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_GROUPS = 4;
const RECOVERY_GROUP_LENGTH = 4;

export const newTotpSecret = (): string => generateSecret({ length: SECRET_BYTES });

/** The otpauth:// URL an authenticator app scans (as a QR code) to learn the secret. */
export const otpauthUrl = (secret: string, accountName: string): string =>
  generateURI({ issuer: ISSUER, label: accountName, secret, ...TOTP });

/** A code is six digits; anything else sent as an `otp` is taken for a recovery code. */
export const looksLikeTotp = (code: string): boolean => /^\d{6}$/.test(code.trim());

/**
 * The time step `code` belongs to when it is right for `secret` at `epochSeconds` (give or take
 * one step) and later than `afterStep`; null otherwise. The caller records the step, so the code
 * is never accepted again.
 */
export async function matchTotp(
  secret: string,
  code: string,
  options: { epochSeconds: number; afterStep?: number | null },
): Promise<number | null> {
  const token = code.trim();
  if (!looksLikeTotp(token)) return null;
  const result = await totp.verify(token, {
    secret,
    epoch: options.epochSeconds,
    epochTolerance: TOLERANCE_SECONDS,
    ...(options.afterStep === undefined || options.afterStep === null
      ? {}
      : { afterTimeStep: options.afterStep }),
  });
  return result.valid ? result.timeStep : null;
}

/**
 * Ten fresh recovery codes, `xxxx-xxxx-xxxx-xxxx` (about 79 bits each): enough that their
 * SHA-256 alone, without a slow hash, keeps them from being guessed offline.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH);
    // 256 is not a multiple of 31: the slight bias costs well under a bit of the code's strength.
    const chars = [...bytes].map((byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]);
    const groups = Array.from({ length: RECOVERY_GROUPS }, (_, i) =>
      chars.slice(i * RECOVERY_GROUP_LENGTH, (i + 1) * RECOVERY_GROUP_LENGTH).join(''),
    );
    return groups.join('-');
  });
}

/** What is stored of a recovery code; case, spaces and dashes as typed do not matter. */
export const hashRecoveryCode = (code: string): Buffer =>
  createHash('sha256').update(code.toLowerCase().replace(/[\s-]/g, '')).digest();
