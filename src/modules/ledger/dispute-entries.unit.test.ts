import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commissionOf,
  disputeHoldEntry,
  disputeLossEntry,
  disputeReleaseEntry,
  type EntryDraft,
  refundShares,
} from './ledger.policy.js';

const order = { disputeId: 'dsp_1', orderId: 'ord_1', shopId: 'shop_1', currency: 'USD' };
const sumOf = (entry: EntryDraft) => entry.postings.reduce((sum, posting) => sum + posting.amount, 0);
const on = (entry: EntryDraft, account: string) =>
  entry.postings.filter((p) => p.account.name === account).reduce((sum, p) => sum + p.amount, 0);

describe('dispute entries', () => {
  it('hold the seller share out of pending first, then available, and give it back where the order is', () => {
    const hold = disputeHoldEntry(order, 900, 600);
    expect(hold).toMatchObject({
      kind: 'dispute_hold',
      reference: 'dsp_1',
      orderId: 'ord_1',
      shopId: 'shop_1',
    });
    expect([on(hold, 'pending'), on(hold, 'available'), on(hold, 'dispute_hold')]).toEqual([600, 300, -900]);
    expect(on(disputeHoldEntry(order, 900, -50), 'available')).toBe(900);
    expect(on(disputeReleaseEntry(order, 900, false), 'pending')).toBe(-900);
    expect(on(disputeReleaseEntry(order, 900, true), 'available')).toBe(-900);
    expect(disputeHoldEntry(order, 0, 600).postings).toEqual([]);
  });

  it('lose like a refund: the hold is spent, the platform gives back its shares, the money leaves the provider', () => {
    const shares = refundShares({
      capturedAmount: 2000,
      commissionAmount: 180,
      taxAmount: 200,
      expenseAmount: 0,
      refundedBefore: 0,
      refundedAfter: 1000,
    });
    const loss = disputeLossEntry(order, shares, shares.seller, 0);
    expect(on(loss, 'dispute_hold')).toBe(shares.seller);
    expect(on(loss, 'pending') + on(loss, 'available')).toBe(0);
    expect(on(loss, 'commission')).toBe(90);
    expect(on(loss, 'tax_payable')).toBe(100);
    expect(on(loss, 'provider_clearing')).toBe(-1000);
  });

  it('balance whatever the amounts, and a hold then a loss costs the seller exactly the loss share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: -1000, max: 1_000_000 }),
        fc.boolean(),
        (total, bps, taxBps, before, disputed, pending, delivered) => {
          const tax = Math.floor((total * taxBps) / 10_000);
          const commission = commissionOf(total - tax, bps);
          const refundedBefore = Math.min(before, total - 1);
          const amount = Math.max(1, Math.min(disputed, total - refundedBefore));
          const shares = refundShares({
            capturedAmount: total,
            commissionAmount: commission,
            taxAmount: tax,
            expenseAmount: 0,
            refundedBefore,
            refundedAfter: refundedBefore + amount,
          });
          const hold = disputeHoldEntry(order, shares.seller, pending);
          // A hold taken with other rounding (before a later refund) is settled with the seller on loss.
          const held = Math.max(0, shares.seller - 1);
          const loss = disputeLossEntry(order, shares, held, pending);
          const release = disputeReleaseEntry(order, shares.seller, delivered);
          for (const entry of [hold, loss, release]) expect(sumOf(entry)).toBe(0);
          const sellerOf = (entry: EntryDraft) => on(entry, 'pending') + on(entry, 'available');
          expect(sellerOf(disputeHoldEntry(order, held, pending)) + sellerOf(loss)).toBe(shares.seller);
          expect(on(loss, 'provider_clearing')).toBe(-amount);
          expect(on(hold, 'pending')).toBeGreaterThanOrEqual(0);
          expect(on(hold, 'pending')).toBeLessThanOrEqual(Math.max(pending, 0));
        },
      ),
    );
  });
});
