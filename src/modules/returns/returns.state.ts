import { returnsErrors } from './returns.errors.js';

export const RETURN_STATUSES = [
  'requested',
  'approved',
  'rejected',
  'received',
  'refunded',
  'escalated',
  'denied',
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/**
 * `auto_approve`: the seller did not answer in time (the durable job). `refund`: the refund of a
 * received return is recorded (in the same use case as `receive`). `resolve_refund` and
 * `resolve_deny`: an admin decides an escalated return.
 */
export const RETURN_ACTIONS = [
  'approve',
  'auto_approve',
  'reject',
  'receive',
  'refund',
  'escalate',
  'resolve_refund',
  'resolve_deny',
] as const;
export type ReturnAction = (typeof RETURN_ACTIONS)[number];

/** The return lifecycle as data: status → action → next status. Anything missing is refused. */
export const RETURN_TRANSITIONS: Readonly<Record<ReturnStatus, Partial<Record<ReturnAction, ReturnStatus>>>> =
  {
    requested: { approve: 'approved', auto_approve: 'approved', reject: 'rejected' },
    approved: { receive: 'received' },
    received: { refund: 'refunded' },
    rejected: { escalate: 'escalated' },
    escalated: { resolve_refund: 'refunded', resolve_deny: 'denied' },
    refunded: {},
    denied: {},
  };

/** The status `action` leads to from `from`, or 409 invalid_state. */
export function nextReturnStatus(from: ReturnStatus, action: ReturnAction): ReturnStatus {
  const to = RETURN_TRANSITIONS[from][action];
  if (!to) {
    throw returnsErrors.error(
      'return_transition_refused',
      `A return that is ${from} cannot ${action.replaceAll('_', ' ')}.`,
    );
  }
  return to;
}

/**
 * Whether a return's units still count as given back (so no other return may ask for them):
 * every return does until it is denied, except one received with its units restocked, which the
 * order counts itself (the refund took them back).
 */
export const holdsUnits = (status: ReturnStatus, restock: boolean | null): boolean =>
  status !== 'denied' && !(restock === true && (status === 'received' || status === 'refunded'));

/** The reasons that are the seller's fault: their return gives the order's shipping back too. */
export const SELLER_FAULT_REASONS = ['damaged', 'not_as_described', 'wrong_item'] as const;
export const RETURN_REASONS = [...SELLER_FAULT_REASONS, 'changed_mind', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
export const isSellerFault = (reason: ReturnReason): boolean =>
  (SELLER_FAULT_REASONS as readonly string[]).includes(reason);
