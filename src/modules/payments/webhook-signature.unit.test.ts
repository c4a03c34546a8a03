import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGNATURE_TOLERANCE_SECONDS, signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const SECRET = 'whsec_unit';
const BODY = '{"id":"evt_1","type":"payment.succeeded","created":1700000000,"data":{"payment_id":"pay_1"}}';
const NOW = 1_700_000_000;

const refusal = (header: string | undefined, body = BODY, now = NOW) => {
  try {
    verifyWebhookSignature(SECRET, Buffer.from(body), header, now);
  } catch (error) {
    return error as { status: number; code: string };
  }
  return undefined;
};

describe('Bazaar-Signature', () => {
  it('is t=<unix>,v1=<lowercase hex HMAC-SHA256(secret, "<t>.<raw body>")>', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, NOW)).toBe(`t=${NOW},v1=${expected}`);
    expect(refusal(signWebhook(SECRET, BODY, NOW))).toBeUndefined();
  });

  it('accepts any one matching v1 (a rotating secret) and a timestamp within the tolerance either way', () => {
    const good = signWebhook(SECRET, BODY, NOW).split(',')[1];
    expect(refusal(`t=${NOW},v1=${'0'.repeat(64)},${good}`)).toBeUndefined();
    expect(refusal(signWebhook(SECRET, BODY, NOW - SIGNATURE_TOLERANCE_SECONDS))).toBeUndefined();
    expect(refusal(signWebhook(SECRET, BODY, NOW + SIGNATURE_TOLERANCE_SECONDS))).toBeUndefined();
  });

  it('refuses with 400 invalid_signature: missing, malformed, wrong secret, other body, stale, future', () => {
    const cases = [
      undefined,
      '',
      'garbage',
      `t=${NOW}`,
      `v1=${'a'.repeat(64)}`,
      `t=abc,v1=${'a'.repeat(64)}`,
      `t=${NOW},v1=short`,
      signWebhook('whsec_other', BODY, NOW),
      signWebhook(SECRET, `${BODY} `, NOW),
      signWebhook(SECRET, BODY, NOW - SIGNATURE_TOLERANCE_SECONDS - 1),
      signWebhook(SECRET, BODY, NOW + SIGNATURE_TOLERANCE_SECONDS + 1),
      signWebhook(SECRET, BODY, NOW).toUpperCase(),
    ];
    for (const header of cases)
      expect(refusal(header)).toMatchObject({ status: 400, code: 'invalid_signature' });
  });
});
