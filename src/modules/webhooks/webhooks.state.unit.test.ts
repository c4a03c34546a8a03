import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DELIVERY_ACTIONS,
  DELIVERY_STATUSES,
  type DeliveryStatus,
  ENDPOINT_ACTIONS,
  ENDPOINT_STATUSES,
  type EndpointStatus,
  nextDeliveryStatus,
  nextEndpointStatus,
  RETRY_WINDOW_SECONDS,
  retryDelaySeconds,
} from './webhooks.state.js';

describe('the endpoint lifecycle', () => {
  const expected: Record<EndpointStatus, Record<string, EndpointStatus | undefined>> = {
    enabled: { enable: 'enabled', disable: 'disabled', auto_disable: 'disabled' },
    disabled: { enable: 'enabled', disable: 'disabled', auto_disable: undefined },
  };
  for (const from of ENDPOINT_STATUSES) {
    for (const action of ENDPOINT_ACTIONS) {
      const to = expected[from][action];
      it(`${from} --${action}--> ${to ?? 'refused'}`, () => {
        if (to) expect(nextEndpointStatus(from, action)).toBe(to);
        else
          expect(() => nextEndpointStatus(from, action)).toThrow(
            expect.objectContaining({ code: 'invalid_state' }),
          );
      });
    }
  }
});

describe('the delivery lifecycle', () => {
  const expected: Record<DeliveryStatus, Record<string, DeliveryStatus | undefined>> = {
    pending: { succeed: 'delivered', fail: 'pending', give_up: 'failed', retry: 'pending' },
    delivered: { succeed: undefined, fail: undefined, give_up: undefined, retry: 'pending' },
    failed: { succeed: undefined, fail: undefined, give_up: undefined, retry: 'pending' },
  };
  for (const from of DELIVERY_STATUSES) {
    for (const action of DELIVERY_ACTIONS) {
      it(`${from} --${action}--> ${expected[from][action] ?? 'refused'}`, () => {
        expect(nextDeliveryStatus(from, action)).toBe(expected[from][action]);
      });
    }
  }
});

describe('retry delays', () => {
  const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  it('come within 30 s the first time, and within the upper half of a doubling ceiling capped at 6 h', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), random, (attempt, draw) => {
        const delay = retryDelaySeconds(attempt, () => draw);
        const ceiling = Math.min(6 * 3600, 20 * 2 ** (attempt - 1));
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
        if (attempt === 1) expect(delay).toBeLessThanOrEqual(30);
      }),
    );
  });

  it('grow: each attempt’s shortest and longest possible waits are at least the previous attempt’s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (attempt) => {
        for (const draw of [0, 1 - Number.EPSILON]) {
          expect(retryDelaySeconds(attempt + 1, () => draw)).toBeGreaterThanOrEqual(
            retryDelaySeconds(attempt, () => draw),
          );
        }
      }),
    );
  });

  it('keep retrying for the whole 3-day window, some 20 to 35 attempts', () => {
    fc.assert(
      fc.property(fc.array(random, { minLength: 100, maxLength: 100 }), (draws) => {
        let elapsed = 0;
        let attempts = 1;
        while (elapsed + retryDelaySeconds(attempts, () => draws[attempts]!) <= RETRY_WINDOW_SECONDS) {
          elapsed += retryDelaySeconds(attempts, () => draws[attempts]!);
          attempts += 1;
        }
        expect(attempts).toBeGreaterThanOrEqual(20);
        expect(attempts).toBeLessThanOrEqual(35);
      }),
    );
  });
});
