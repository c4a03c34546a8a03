import { describe, expect, it } from 'vitest';
import {
  holdsUnits,
  isSellerFault,
  nextReturnStatus,
  RETURN_ACTIONS,
  RETURN_REASONS,
  RETURN_STATUSES,
  RETURN_TRANSITIONS,
  type ReturnAction,
  type ReturnStatus,
} from './returns.state.js';

/** Every pair, spelled out: the table is the specification. */
const EXPECTED: Record<ReturnStatus, Record<ReturnAction, ReturnStatus | null>> = {
  requested: {
    approve: 'approved',
    auto_approve: 'approved',
    reject: 'rejected',
    receive: null,
    refund: null,
    escalate: null,
    resolve_refund: null,
    resolve_deny: null,
  },
  approved: {
    approve: null,
    auto_approve: null,
    reject: null,
    receive: 'received',
    refund: null,
    escalate: null,
    resolve_refund: null,
    resolve_deny: null,
  },
  received: {
    approve: null,
    auto_approve: null,
    reject: null,
    receive: null,
    refund: 'refunded',
    escalate: null,
    resolve_refund: null,
    resolve_deny: null,
  },
  rejected: {
    approve: null,
    auto_approve: null,
    reject: null,
    receive: null,
    refund: null,
    escalate: 'escalated',
    resolve_refund: null,
    resolve_deny: null,
  },
  escalated: {
    approve: null,
    auto_approve: null,
    reject: null,
    receive: null,
    refund: null,
    escalate: null,
    resolve_refund: 'refunded',
    resolve_deny: 'denied',
  },
  refunded: {
    approve: null,
    auto_approve: null,
    reject: null,
    receive: null,
    refund: null,
    escalate: null,
    resolve_refund: null,
    resolve_deny: null,
  },
  denied: {
    approve: null,
    auto_approve: null,
    reject: null,
    receive: null,
    refund: null,
    escalate: null,
    resolve_refund: null,
    resolve_deny: null,
  },
};

describe('the return lifecycle', () => {
  for (const from of RETURN_STATUSES) {
    for (const action of RETURN_ACTIONS) {
      const to = EXPECTED[from][action];
      it(`${from} --${action}--> ${to ?? '409 invalid_state'}`, () => {
        if (to) expect(nextReturnStatus(from, action)).toBe(to);
        else
          expect(() => nextReturnStatus(from, action)).toThrow(
            expect.objectContaining({
              code: 'invalid_state',
              status: 409,
              reason: 'return_transition_refused',
            }),
          );
      });
    }
  }

  it('names no status outside the list, and every status but the first is reachable', () => {
    const reached = new Set<string>();
    for (const transitions of Object.values(RETURN_TRANSITIONS)) {
      for (const to of Object.values(transitions)) {
        expect(RETURN_STATUSES).toContain(to);
        reached.add(to);
      }
    }
    expect([...reached].sort()).toEqual(RETURN_STATUSES.filter((status) => status !== 'requested').sort());
  });

  it('ends only in refunded or denied', () => {
    const final = RETURN_STATUSES.filter((status) => Object.keys(RETURN_TRANSITIONS[status]).length === 0);
    expect(final.sort()).toEqual(['denied', 'refunded']);
  });
});

describe('which returns hold their units', () => {
  it('every return until denied, but not one received into stock (the order counts those)', () => {
    for (const status of RETURN_STATUSES) {
      expect(holdsUnits(status, null)).toBe(status !== 'denied');
      expect(holdsUnits(status, false)).toBe(status !== 'denied');
      expect(holdsUnits(status, true)).toBe(!['denied', 'received', 'refunded'].includes(status));
    }
  });

  it('the seller is at fault for damaged, not as described and wrong items only', () => {
    expect(RETURN_REASONS.filter(isSellerFault)).toEqual(['damaged', 'not_as_described', 'wrong_item']);
  });
});
