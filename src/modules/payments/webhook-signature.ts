import { createHmac, timingSafeEqual } from 'node:crypto';
import { paymentsErrors } from './payments.errors.js';

/** A signature more than this far from now, either way, is refused (replays, clock abuse). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const hmacHex = (secret: string, timestamp: string, body: Buffer | string) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

/**
 * The `Bazaar-Signature` header value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
 * with one `v1=` per secret (outbound webhooks sign with the old secret too while it rotates).
 */
export function signWebhook(
  secrets: string | readonly string[],
  body: string,
  timestampSeconds: number,
): string {
  const t = String(timestampSeconds);
  const signatures = [secrets].flat().map((secret) => `v1=${hmacHex(secret, t, body)}`);
  return [`t=${t}`, ...signatures].join(',');
}

/**
 * Verifies a `Bazaar-Signature` header against the raw body, in constant time per candidate. Several
 * v1 values may be sent (while a secret rotates); one matching is enough.
 */
export function verifyWebhookSignature(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
  nowSeconds: number,
): void {
  if (!header) throw paymentsErrors.error('signature_missing', 'The Bazaar-Signature header is missing.');
  let timestamp: string | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't') timestamp = value;
    if (key === 'v1' && value) candidates.push(value);
  }
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || candidates.length === 0) {
    throw paymentsErrors.error('signature_malformed', 'The Bazaar-Signature header is malformed.');
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    throw paymentsErrors.error('signature_stale', 'The signature timestamp is outside the tolerance.');
  }
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'utf8');
  const matches = candidates.some((candidate) => {
    const given = Buffer.from(candidate, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw paymentsErrors.error('signature_mismatch', 'The signature does not match the body.');
}
