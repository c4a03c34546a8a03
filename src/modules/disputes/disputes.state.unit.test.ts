import { describe, expect, it } from 'vitest';
import {
  DISPUTE_OUTCOMES,
  DISPUTE_STATUSES,
  DISPUTE_TRANSITIONS,
  type DisputeOutcome,
  type DisputeStatus,
  nextDisputeStatus,
  outcomeOf,
} from './disputes.state.js';

/** Every pair, spelled out: the table is the specification. */
const EXPECTED: Record<DisputeStatus, Record<DisputeOutcome, DisputeStatus | null>> = {
  open: { win: 'won', lose: 'lost' },
  won: { win: null, lose: null },
  lost: { win: null, lose: null },
};

describe('the dispute lifecycle', () => {
  for (const from of DISPUTE_STATUSES) {
    for (const outcome of DISPUTE_OUTCOMES) {
      const to = EXPECTED[from][outcome];
      it(`${from} --${outcome}--> ${to ?? '409 invalid_state'}`, () => {
        if (to) expect(nextDisputeStatus(from, outcome)).toBe(to);
        else
          expect(() => nextDisputeStatus(from, outcome)).toThrow(
            expect.objectContaining({ code: 'invalid_state', status: 409 }),
          );
      });
    }
  }

  it('names no status outside the list', () => {
    for (const transitions of Object.values(DISPUTE_TRANSITIONS)) {
      for (const to of Object.values(transitions)) expect(DISPUTE_STATUSES).toContain(to);
    }
  });

  it('maps each decided status to the outcome that leads there', () => {
    expect(nextDisputeStatus('open', outcomeOf('won'))).toBe('won');
    expect(nextDisputeStatus('open', outcomeOf('lost'))).toBe('lost');
  });
});
