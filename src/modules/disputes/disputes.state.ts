import { disputesErrors } from './disputes.errors.js';

export const DISPUTE_STATUSES = ['open', 'won', 'lost'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** What the provider decided: the seller's side won, or the buyer's did. */
export const DISPUTE_OUTCOMES = ['win', 'lose'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

/**
 * A dispute's lifecycle as data: status → outcome → next status. A decided dispute is final (the
 * card networks do not reopen one; a new dispute would be a new one).
 */
export const DISPUTE_TRANSITIONS: Readonly<
  Record<DisputeStatus, Partial<Record<DisputeOutcome, DisputeStatus>>>
> = {
  open: { win: 'won', lose: 'lost' },
  won: {},
  lost: {},
};

/** The status `outcome` leads to from `from`, or 409 invalid_state. */
export function nextDisputeStatus(from: DisputeStatus, outcome: DisputeOutcome): DisputeStatus {
  const to = DISPUTE_TRANSITIONS[from][outcome];
  if (!to) throw disputesErrors.error('dispute_closed', `A dispute that is ${from} cannot ${outcome}.`);
  return to;
}

/** The outcome that leads to a decided status. */
export const outcomeOf = (status: Exclude<DisputeStatus, 'open'>): DisputeOutcome =>
  status === 'won' ? 'win' : 'lose';
