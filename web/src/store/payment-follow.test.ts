import { describe, expect, it } from 'vitest';
import { nextPaymentStep, pollDelay } from './payment-follow';

describe('nextPaymentStep', () => {
  it('keeps polling while processing and stops once settled', () => {
    expect(nextPaymentStep({ status: 'processing', failure_code: null })).toEqual({ kind: 'poll' });
    expect(nextPaymentStep({ status: 'succeeded', failure_code: null })).toEqual({ kind: 'succeeded' });
    expect(nextPaymentStep({ status: 'requires_confirmation', failure_code: null })).toEqual({
      kind: 'choose',
    });
    expect(nextPaymentStep({ status: 'canceled', failure_code: null }).kind).toBe('canceled');
  });

  it('tells a declined card from insufficient funds, and has words for an unknown failure', () => {
    const declined = nextPaymentStep({ status: 'failed', failure_code: 'card_declined' });
    const broke = nextPaymentStep({ status: 'failed', failure_code: 'insufficient_funds' });
    const other = nextPaymentStep({ status: 'failed', failure_code: 'processing_error' });
    expect(declined).toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(/^Your card was declined/),
    });
    expect(broke).toMatchObject({ kind: 'failed', message: expect.stringMatching(/insufficient funds/) });
    expect(other).toMatchObject({ kind: 'failed', message: expect.stringMatching(/did not go through/) });
  });
});

describe('pollDelay', () => {
  it('backs off and stays bounded', () => {
    const delays = [0, 1, 2, 3, 10, 50].map(pollDelay);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(Math.max(...delays)).toBe(4000);
  });
});
