import { z } from 'zod';

/** A TOTP code (6 digits) or a recovery code; the service tells them apart. */
const Code = z.string().trim().min(1).max(64);

export const TwoFactorSetup = z.object({
  secret: z.string().describe('RFC 4648 base32 of 160 random bits'),
  otpauth_url: z.string().describe('otpauth://totp/… for an authenticator app (as a QR code)'),
});

export const EnableTwoFactorBody = z.strictObject({ code: Code });

export const RecoveryCodes = z.object({
  recovery_codes: z.array(z.string()).describe('Ten single-use codes, shown this once'),
});

export const DisableTwoFactorBody = z.strictObject({ current_password: z.string().max(1024), code: Code });
