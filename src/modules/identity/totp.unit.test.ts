import { describe, expect, it } from 'vitest';
import {
  hashRecoveryCode,
  looksLikeTotp,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
  RECOVERY_CODE_COUNT,
} from './totp.js';

/** RFC 6238 appendix B's SHA-1 key, "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
/**
 * RFC 6238 appendix B, SHA-1: (time, 8-digit TOTP). A 6-digit code is the same value modulo 10⁶,
 * so ours are the last six digits.
 */
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP as configured (SHA-1, 6 digits, 30 s)', () => {
  it.each(RFC_VECTORS)('accepts the RFC 6238 code at t=%i', async (time, code) => {
    const step = await matchTotp(RFC_SECRET, code.slice(-6), { epochSeconds: time });
    expect(step).toBe(Math.floor(time / 30));
  });

  it('refuses a code of another time, and the same code one step later than the tolerance', async () => {
    expect(await matchTotp(RFC_SECRET, '287082', { epochSeconds: 1111111109 })).toBeNull();
    // 287082 is step 1 (t=30..59); t=90 is step 3: two steps away.
    expect(await matchTotp(RFC_SECRET, '287082', { epochSeconds: 89 })).toBe(1);
    expect(await matchTotp(RFC_SECRET, '287082', { epochSeconds: 90 })).toBeNull();
  });

  it('accepts a code of the previous or the next step (clock drift)', async () => {
    expect(await matchTotp(RFC_SECRET, '287082', { epochSeconds: 59 + 30 })).toBe(1);
    expect(await matchTotp(RFC_SECRET, '287082', { epochSeconds: 59 - 30 })).toBe(1);
  });

  it('refuses a step at or before the last one used: no replay', async () => {
    expect(await matchTotp(RFC_SECRET, '287082', { epochSeconds: 59, afterStep: 0 })).toBe(1);
    expect(await matchTotp(RFC_SECRET, '287082', { epochSeconds: 59, afterStep: 1 })).toBeNull();
    expect(await matchTotp(RFC_SECRET, '287082', { epochSeconds: 59, afterStep: 2 })).toBeNull();
  });

  it('refuses what is not six digits', async () => {
    for (const code of ['', '28708', '2870822', 'abcdef', '94287082']) {
      expect(await matchTotp(RFC_SECRET, code, { epochSeconds: 59 })).toBeNull();
    }
    expect(looksLikeTotp(' 287082 ')).toBe(true);
    expect(looksLikeTotp('abcd-efgh-jkmn-pqrs')).toBe(false);
  });
});

describe('secrets and otpauth URLs', () => {
  it('makes base32 secrets of 160 bits, a new one each time', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
  });

  it('names the issuer, the account and the secret', () => {
    const url = new URL(otpauthUrl(RFC_SECRET, 'ann@example.com'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Bazaar:ann@example.com');
    expect(url.searchParams.get('secret')).toBe(RFC_SECRET);
    expect(url.searchParams.get('issuer')).toBe('Bazaar');
    // SHA1, 6 digits and 30 s are the defaults every authenticator assumes when none is named.
    for (const name of ['algorithm', 'digits', 'period']) {
      const value = url.searchParams.get(name);
      if (value !== null) expect(['SHA1', '6', '30']).toContain(value);
    }
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes of four groups of four', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  });

  it('hash alike whatever the case, spaces and dashes typed', () => {
    const [code] = newRecoveryCodes();
    const hash = hashRecoveryCode(code!);
    expect(hashRecoveryCode(code!.toUpperCase().replaceAll('-', ' '))).toEqual(hash);
    expect(hashRecoveryCode(code!.replaceAll('-', ''))).toEqual(hash);
    expect(hashRecoveryCode(`${code!}x`)).not.toEqual(hash);
  });
});
