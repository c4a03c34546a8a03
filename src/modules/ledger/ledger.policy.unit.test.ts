import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proportionOf } from '../../platform/money.js';
import {
  commissionBaseOf,
  commissionOf,
  deliveryEntry,
  type EntryDraft,
  paymentEntry,
  payoutEntry,
  platformFundedRefundEntry,
  refundEntry,
  refundShares,
} from './ledger.policy.js';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const sumOf = (entry: EntryDraft) => entry.postings.reduce((sum, posting) => sum + posting.amount, 0);

describe('proportionOf and commissionOf', () => {
  it('round half up, exactly, also beyond 2^53 in the intermediate product', () => {
    expect(proportionOf(1, 1, 2)).toBe(1);
    expect(proportionOf(3, 1, 2)).toBe(2);
    expect(proportionOf(200, 999, 1999)).toBe(100);
    expect(proportionOf(200, 995, 2000)).toBe(100);
    expect(proportionOf(200, 994, 2000)).toBe(99);
    expect(proportionOf(0, 5, 7)).toBe(0);
    expect(proportionOf(9_000_000_000_000, 9_000_000_000_000, 9_000_000_000_000)).toBe(9_000_000_000_000);
    expect(() => proportionOf(1, 1, 0)).toThrow(RangeError);
    expect(commissionOf(1999, 1000)).toBe(200);
    expect(commissionOf(5, 1000)).toBe(1);
    expect(commissionOf(4, 1000)).toBe(0);
    expect(commissionOf(2500, 0)).toBe(0);
    expect(commissionOf(2500, 10_000)).toBe(2500);
  });
});

describe('refundShares', () => {
  it('adds up to exactly the commission and the seller share however a total is refunded in parts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3_000 }),
        (total, bps, weights, taxBps) => {
          // The tax is part of the total (as tax on a net amount would be), the commission on the rest.
          const tax = Math.floor((total * taxBps) / (10_000 + taxBps));
          const commission = commissionOf(total - tax, bps);
          // Cut the total into parts proportional to the weights (the last part takes the rest).
          const weightSum = weights.reduce((a, b) => a + b, 0);
          const cuts = [
            ...new Set(
              weights
                .slice(0, -1)
                .map((_, i) => Math.floor((total * sum(weights.slice(0, i + 1))) / weightSum)),
            ),
          ]
            .filter((cut) => cut > 0 && cut < total)
            .sort((a, b) => a - b);
          const marks = [0, ...cuts, total];
          let commissionBack = 0;
          let taxBack = 0;
          let sellerBack = 0;
          for (let i = 1; i < marks.length; i++) {
            const shares = refundShares({
              capturedAmount: total,
              commissionAmount: commission,
              taxAmount: tax,
              expenseAmount: 0,
              refundedBefore: marks[i - 1]!,
              refundedAfter: marks[i]!,
            });
            // The commission takes the rounding: a cent short on a step, never more, made up later.
            expect(shares.commission).toBeGreaterThanOrEqual(-1);
            expect(commissionBack + shares.commission).toBeGreaterThanOrEqual(0);
            expect(shares.tax).toBeGreaterThanOrEqual(0);
            expect(shares.seller).toBeGreaterThanOrEqual(0);
            expect(shares.commission + shares.tax + shares.seller).toBe(marks[i]! - marks[i - 1]!);
            commissionBack += shares.commission;
            taxBack += shares.tax;
            sellerBack += shares.seller;
            // Never more tax back than was paid, at any point of the sequence.
            expect(taxBack).toBeLessThanOrEqual(tax);
          }
          expect(commissionBack).toBe(commission);
          expect(taxBack).toBe(tax);
          expect(sellerBack).toBe(total - commission - tax);
        },
      ),
    );
  });

  it('refuses an empty, backwards or excessive refund', () => {
    const order = { capturedAmount: 1000, commissionAmount: 100, taxAmount: 0, expenseAmount: 0 };
    expect(() => refundShares({ ...order, refundedBefore: 10, refundedAfter: 10 })).toThrow(RangeError);
    expect(() => refundShares({ ...order, refundedBefore: 10, refundedAfter: 5 })).toThrow(RangeError);
    expect(() => refundShares({ ...order, refundedBefore: 0, refundedAfter: 1001 })).toThrow(RangeError);
  });
});

describe('entries', () => {
  const order = {
    orderId: 'ord_1',
    shopId: 'shop_1',
    totalAmount: 1999,
    shippingAmount: 0,
    taxAmount: 0,
    currency: 'USD',
  };
  const tenPercent = { bps: 1000, onShipping: false };

  it('each balances, and drops postings of zero', () => {
    const payment = paymentEntry('pay_1', order, tenPercent);
    expect(payment.postings.map((p) => [p.account.id, p.amount])).toEqual([
      ['platform:provider_clearing:USD', 1999],
      ['shop_1:pending:USD', -1799],
      ['platform:commission:USD', -200],
    ]);
    expect(paymentEntry('pay_1', order, { bps: 0, onShipping: false }).postings).toHaveLength(2);
    const refund = refundEntry(
      { refundId: 'ref_1', ...order },
      { commission: 100, tax: 0, expense: 0, seller: 899 },
      500,
    );
    expect(refund.postings.map((p) => [p.account.name, p.amount])).toEqual([
      ['pending', 500],
      ['available', 399],
      ['commission', 100],
      ['provider_clearing', -999],
    ]);
    const entries = [
      payment,
      deliveryEntry(order, 1799),
      refund,
      refundEntry({ refundId: 'ref_2', ...order }, { commission: 0, tax: 0, expense: 0, seller: 10 }, -5),
      payoutEntry({ payoutId: 'po_1', shopId: 'shop_1', amount: 300, currency: 'USD' }),
      payoutEntry({ payoutId: 'po_1', shopId: 'shop_1', amount: 300, currency: 'USD' }, 'payout_reversal'),
    ];
    for (const entry of entries) expect(sumOf(entry)).toBe(0);
    expect(deliveryEntry(order, 0).postings).toEqual([]);
  });
});

describe('commission and shipping', () => {
  const order = {
    orderId: 'ord_1',
    shopId: 'shop_1',
    totalAmount: 2500,
    shippingAmount: 500,
    taxAmount: 0,
    currency: 'USD',
  };
  const postingsOf = (onShipping: boolean) =>
    paymentEntry('pay_1', order, { bps: 1000, onShipping }).postings.map((p) => [p.account.name, p.amount]);

  it('takes commission on the merchandise only, and the seller keeps the shipping', () => {
    expect(commissionBaseOf(order, false)).toBe(2000);
    expect(postingsOf(false)).toEqual([
      ['provider_clearing', 2500],
      ['pending', -2300],
      ['commission', -200],
    ]);
  });

  it('takes commission on the shipping too when BAZAAR_COMMISSION_ON_SHIPPING is on', () => {
    expect(commissionBaseOf(order, true)).toBe(2500);
    expect(postingsOf(true)).toEqual([
      ['provider_clearing', 2500],
      ['pending', -2250],
      ['commission', -250],
    ]);
  });
});

describe('tax', () => {
  const order = {
    orderId: 'ord_1',
    shopId: 'shop_1',
    totalAmount: 2718,
    shippingAmount: 500,
    taxAmount: 218,
    currency: 'USD',
  };

  it('books the tax to tax_payable, never to the seller, and takes commission on the net merchandise', () => {
    expect(commissionBaseOf(order, false)).toBe(2000);
    expect(commissionBaseOf(order, true)).toBe(2500);
    const postings = paymentEntry('pay_1', order, { bps: 1000, onShipping: false }).postings;
    expect(postings.map((p) => [p.account.name, p.amount])).toEqual([
      ['provider_clearing', 2718],
      ['pending', -2300],
      ['commission', -200],
      ['tax_payable', -218],
    ]);
    expect(sumOf({ postings } as EntryDraft)).toBe(0);
  });

  it('gives tax back with a refund, in proportion', () => {
    const shares = refundShares({
      capturedAmount: 2718,
      commissionAmount: 200,
      taxAmount: 218,
      expenseAmount: 0,
      refundedBefore: 0,
      refundedAfter: 1359,
    });
    expect(shares).toEqual({ commission: 100, tax: 109, expense: 0, seller: 1150 });
    const refund = refundEntry({ refundId: 'ref_1', ...order }, shares, 2300);
    expect(refund.postings.map((p) => [p.account.name, p.amount])).toEqual([
      ['pending', 1150],
      ['commission', 100],
      ['tax_payable', 109],
      ['provider_clearing', -1359],
    ]);
  });
});

describe('platform-funded promotions', () => {
  // 3000 of merchandise, a 500 platform discount, 500 shipping, 200 tax on the discounted 2500.
  const order = {
    orderId: 'ord_1',
    shopId: 'shop_1',
    totalAmount: 3200,
    shippingAmount: 500,
    taxAmount: 200,
    discounts: { platformAmount: 500, shopShippingAmount: 0 },
    currency: 'USD',
  };

  it('pays the seller and takes commission as if undiscounted, the platform bearing the discount', () => {
    expect(commissionBaseOf(order, false)).toBe(3000);
    const postings = paymentEntry('pay_1', order, { bps: 1000, onShipping: false }).postings;
    expect(postings.map((p) => [p.account.name, p.amount])).toEqual([
      ['provider_clearing', 3200],
      ['pending', -3200],
      ['commission', -300],
      ['tax_payable', -200],
      ['promotions_expense', 500],
    ]);
    expect(sumOf({ postings } as EntryDraft)).toBe(0);
  });

  it("does not count a shop's waived shipping against its merchandise", () => {
    const freeShipping = {
      ...order,
      totalAmount: 3200,
      discounts: { platformAmount: 0, shopShippingAmount: 500 },
    };
    // 3000 merchandise, shipping 500 waived by the shop: the buyer pays 3000 + 200 tax.
    expect(commissionBaseOf(freeShipping, false)).toBe(3000);
    expect(commissionBaseOf(freeShipping, true)).toBe(3000);
  });

  it('takes the subsidy back in proportion on refunds, so a full refund leaves nothing anywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }), (weights) => {
        const captured = 3200;
        const total = weights.reduce((a, b) => a + b, 0);
        let before = 0;
        let expenseBack = 0;
        let sellerBack = 0;
        let sum = 0;
        for (const [i, weight] of weights.entries()) {
          sum += weight;
          const after = i === weights.length - 1 ? captured : Math.floor((captured * sum) / total);
          if (after <= before) continue;
          const shares = refundShares({
            capturedAmount: captured,
            commissionAmount: 300,
            taxAmount: 200,
            expenseAmount: 500,
            refundedBefore: before,
            refundedAfter: after,
          });
          expect(shares.seller).toBeGreaterThanOrEqual(0);
          expect(shares.seller + shares.commission + shares.tax - shares.expense).toBe(after - before);
          expenseBack += shares.expense;
          sellerBack += shares.seller;
          before = after;
        }
        expect(expenseBack).toBe(500);
        expect(sellerBack).toBe(3200);
      }),
    );
  });
});

describe('platformFundedRefundEntry', () => {
  it('pays the buyer from refunds_expense: balanced, no seller, commission or tax line', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000_000 }), (amount) => {
        const entry = platformFundedRefundEntry(
          { refundId: 'ref_1', orderId: 'ord_1', shopId: 'shop_1', currency: 'USD' },
          amount,
        );
        expect(sumOf(entry)).toBe(0);
        expect(entry).toMatchObject({
          kind: 'refund',
          reference: 'ref_1',
          shopId: 'shop_1',
          orderId: 'ord_1',
        });
        expect(entry.postings.map((posting) => [posting.account.id, posting.amount])).toEqual([
          ['platform:refunds_expense:USD', amount],
          ['platform:provider_clearing:USD', -amount],
        ]);
      }),
    );
  });
});
