import { basisPointsOf, proportionOf } from '../../platform/money.js';

/**
 * `refunds_owed`: refunds the provider refused. The buyer is still owed the money, which has not left
 * the provider: an operator pays it back another way.
 * `dispute_hold`: what an open card dispute holds back from the sellers' money until it is decided.
 * `refunds_expense`: refunds the platform funds itself (an escalated return resolved at its cost).
 */
export const PLATFORM_ACCOUNTS = [
  'provider_clearing',
  'commission',
  'payouts',
  'refunds_owed',
  'tax_payable',
  'promotions_expense',
  'dispute_hold',
  'refunds_expense',
] as const;
export const SHOP_ACCOUNTS = ['pending', 'available', 'paid_out'] as const;
export type PlatformAccountName = (typeof PLATFORM_ACCOUNTS)[number];
export type ShopAccountName = (typeof SHOP_ACCOUNTS)[number];
export type AccountName = PlatformAccountName | ShopAccountName;

export const ENTRY_KINDS = [
  'payment',
  'delivery',
  'refund',
  'refund_failure',
  'payout',
  'payout_reversal',
  'dispute_hold',
  'dispute_release',
  'dispute_loss',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface Account {
  id: string;
  shopId: string | null;
  name: AccountName;
  currency: string;
}

export const platformAccount = (name: PlatformAccountName, currency: string): Account => ({
  id: `platform:${name}:${currency}`,
  shopId: null,
  name,
  currency,
});

export const shopAccount = (shopId: string, name: ShopAccountName, currency: string): Account => ({
  id: `${shopId}:${name}:${currency}`,
  shopId,
  name,
  currency,
});

/** Signed minor units: a debit is positive, a credit negative. */
export interface Posting {
  account: Account;
  amount: number;
}

export interface EntryDraft {
  kind: EntryKind;
  reference: string;
  shopId: string;
  orderId: string | null;
  postings: Posting[];
}

/** The platform's share of an order: round_half_up(total × bps / 10000). */
export const commissionOf = (totalAmount: number, commissionBps: number) =>
  basisPointsOf(totalAmount, commissionBps);

/**
 * What a refund takes back from the tax, the commission and the seller. Each is computed on the
 * cumulative refunded amount and differenced, so however an order is refunded in parts, the parts
 * add up to exactly the whole tax, commission and seller share when it is refunded in full:
 * rounding never drifts. The tax is its own proportion (what is owed to the authority is exact at
 * every step); the platform's part (tax and commission together) is one proportion too, so the
 * seller's share of a step is never negative. The commission takes the rounding: on a step of a
 * few cents it may come back one cent short, which a later step returns.
 */
export function refundShares(order: {
  capturedAmount: number;
  commissionAmount: number;
  taxAmount: number;
  /** What platform-funded promotions paid the seller on top of the capture (promotions_expense). */
  expenseAmount: number;
  refundedBefore: number;
  refundedAfter: number;
}): { commission: number; tax: number; expense: number; seller: number } {
  const { capturedAmount, commissionAmount, taxAmount, expenseAmount, refundedBefore, refundedAfter } = order;
  if (refundedBefore < 0 || refundedAfter <= refundedBefore || refundedAfter > capturedAmount) {
    throw new RangeError(`cannot refund ${refundedBefore} → ${refundedAfter} of ${capturedAmount}`);
  }
  const shareOf = (whole: number) =>
    proportionOf(whole, refundedAfter, capturedAmount) - proportionOf(whole, refundedBefore, capturedAmount);
  const tax = shareOf(taxAmount);
  const platform = shareOf(commissionAmount + taxAmount);
  // The platform's subsidy comes back in proportion too: the seller returns what it was paid for it.
  const expense = shareOf(expenseAmount);
  return {
    commission: platform - tax,
    tax,
    expense,
    seller: refundedAfter - refundedBefore - platform + expense,
  };
}

const entry = (draft: EntryDraft): EntryDraft => ({
  ...draft,
  postings: draft.postings.filter((posting) => posting.amount !== 0),
});

/** What promotions took off an order, by who pays for it and whether it was merchandise or shipping. */
export interface OrderDiscounts {
  /** Platform-funded (booked to promotions_expense; the seller is paid as if undiscounted). */
  platformAmount: number;
  /** Shop-funded free shipping: the shop's shipping revenue is lower, its merchandise is not. */
  shopShippingAmount: number;
}

export const NO_DISCOUNTS: OrderDiscounts = { platformAmount: 0, shopShippingAmount: 0 };

/**
 * What commission is taken on: the merchandise the buyer paid for, as if platform-funded
 * promotions had not discounted it (the order's total less its tax and shipping, plus the
 * platform's discounts and the shop's waived shipping, which are not merchandise discounts), plus
 * the shipping the shop charged when commission covers shipping. Tax is never commissioned.
 */
export const commissionBaseOf = (
  order: { totalAmount: number; shippingAmount: number; taxAmount: number; discounts?: OrderDiscounts },
  commissionOnShipping: boolean,
) => {
  const { platformAmount, shopShippingAmount } = order.discounts ?? NO_DISCOUNTS;
  const merchandise =
    order.totalAmount - order.taxAmount - order.shippingAmount + platformAmount + shopShippingAmount;
  return merchandise + (commissionOnShipping ? order.shippingAmount - shopShippingAmount : 0);
};

/**
 * The provider holds the order's total (shipping included); the seller's share waits in pending;
 * the platform keeps its commission on the commission base.
 */
export function paymentEntry(
  paymentId: string,
  order: {
    orderId: string;
    shopId: string;
    totalAmount: number;
    shippingAmount: number;
    taxAmount: number;
    discounts?: OrderDiscounts;
    currency: string;
  },
  commission: { bps: number; onShipping: boolean },
): EntryDraft {
  const { orderId, shopId, totalAmount, taxAmount, currency } = order;
  const expense = (order.discounts ?? NO_DISCOUNTS).platformAmount;
  const commissionAmount = commissionOf(commissionBaseOf(order, commission.onShipping), commission.bps);
  return entry({
    kind: 'payment',
    reference: paymentId,
    shopId,
    orderId,
    postings: [
      { account: platformAccount('provider_clearing', currency), amount: totalAmount },
      {
        account: shopAccount(shopId, 'pending', currency),
        amount: -(totalAmount + expense - taxAmount - commissionAmount),
      },
      { account: platformAccount('commission', currency), amount: -commissionAmount },
      // The marketplace collects the tax and owes it to the tax authority: never the seller's.
      { account: platformAccount('tax_payable', currency), amount: -taxAmount },
      // A platform-funded discount is the platform's cost: the seller is paid as if there were none.
      { account: platformAccount('promotions_expense', currency), amount: expense },
    ],
  });
}

/** Delivered: what is still pending for the order becomes available to the seller. */
export function deliveryEntry(
  order: { orderId: string; shopId: string; currency: string },
  pendingAmount: number,
) {
  const { orderId, shopId, currency } = order;
  return entry({
    kind: 'delivery',
    reference: orderId,
    shopId,
    orderId,
    postings: [
      { account: shopAccount(shopId, 'pending', currency), amount: pendingAmount },
      { account: shopAccount(shopId, 'available', currency), amount: -pendingAmount },
    ],
  });
}

/**
 * A refund leaves through the provider. The seller's share comes out of what is still pending for
 * the order first, the rest out of available (an order is delivered, or was already paid out:
 * available may then go negative until later sales cover it).
 */
export function refundEntry(
  refund: { refundId: string; orderId: string; shopId: string; currency: string },
  shares: { commission: number; tax: number; expense: number; seller: number },
  pendingForOrder: number,
): EntryDraft {
  const { refundId, orderId, shopId, currency } = refund;
  const fromPending = Math.min(Math.max(pendingForOrder, 0), shares.seller);
  return entry({
    kind: 'refund',
    reference: refundId,
    shopId,
    orderId,
    postings: [
      { account: shopAccount(shopId, 'pending', currency), amount: fromPending },
      { account: shopAccount(shopId, 'available', currency), amount: shares.seller - fromPending },
      { account: platformAccount('commission', currency), amount: shares.commission },
      { account: platformAccount('tax_payable', currency), amount: shares.tax },
      { account: platformAccount('promotions_expense', currency), amount: -shares.expense },
      {
        account: platformAccount('provider_clearing', currency),
        amount: -(shares.seller + shares.commission + shares.tax - shares.expense),
      },
    ],
  });
}

/**
 * A refund the platform funds itself (an escalated return an admin resolves at the platform's
 * cost): the money leaves through the provider and is the platform's expense. The seller's money,
 * the commission and the tax collected are left as they were.
 */
export function platformFundedRefundEntry(
  refund: { refundId: string; orderId: string; shopId: string; currency: string },
  amount: number,
): EntryDraft {
  const { refundId, orderId, shopId, currency } = refund;
  return entry({
    kind: 'refund',
    reference: refundId,
    shopId,
    orderId,
    postings: [
      { account: platformAccount('refunds_expense', currency), amount },
      { account: platformAccount('provider_clearing', currency), amount: -amount },
    ],
  });
}

/**
 * The provider refused a refund that the books had already sent out through it: the money is still
 * at the provider, and the platform owes it to the buyer. The seller's and the platform's shares stay
 * refunded, since the buyer is owed them either way.
 */
export function refundFailureEntry(refund: {
  refundId: string;
  orderId: string;
  shopId: string;
  amount: number;
  currency: string;
}): EntryDraft {
  const { refundId, orderId, shopId, amount, currency } = refund;
  return entry({
    kind: 'refund_failure',
    reference: refundId,
    shopId,
    orderId,
    postings: [
      { account: platformAccount('provider_clearing', currency), amount },
      { account: platformAccount('refunds_owed', currency), amount: -amount },
    ],
  });
}

/**
 * A payout moves the seller's available money to paid_out, and the money leaves the provider
 * balance; the platform's `payouts` account mirrors every seller's paid_out, so the provider
 * clearing account keeps saying what the provider still holds.
 */
export function payoutEntry(
  payout: { payoutId: string; shopId: string; amount: number; currency: string },
  kind: 'payout' | 'payout_reversal' = 'payout',
): EntryDraft {
  const { payoutId, shopId, amount, currency } = payout;
  const sign = kind === 'payout' ? 1 : -1;
  return entry({
    kind,
    reference: payoutId,
    shopId,
    orderId: null,
    postings: [
      { account: shopAccount(shopId, 'available', currency), amount: sign * amount },
      { account: shopAccount(shopId, 'paid_out', currency), amount: -sign * amount },
      { account: platformAccount('payouts', currency), amount: sign * amount },
      { account: platformAccount('provider_clearing', currency), amount: -sign * amount },
    ],
  });
}

/** One order's part of a card dispute: the entries of a dispute are keyed by its id and the order. */
export interface DisputedOrder {
  disputeId: string;
  orderId: string;
  shopId: string;
  currency: string;
}

/** The seller's credit of `amount` (a debit when negative): out of what is pending for the order first. */
function sellerPostings(order: DisputedOrder, amount: number, pendingForOrder: number): Posting[] {
  const { shopId, currency } = order;
  const fromPending = amount > 0 ? Math.min(Math.max(pendingForOrder, 0), amount) : 0;
  return [
    { account: shopAccount(shopId, 'pending', currency), amount: fromPending },
    { account: shopAccount(shopId, 'available', currency), amount: amount - fromPending },
  ];
}

/**
 * An open dispute holds the seller's share of the order's disputed part (what the seller would give
 * back if it were lost: refundShares' seller share) in `dispute_hold`, out of what is still pending
 * for the order first, the rest out of available (which may go negative, as after a refund past a
 * payout).
 */
export function disputeHoldEntry(order: DisputedOrder, sellerShare: number, pendingForOrder: number) {
  return entry({
    kind: 'dispute_hold',
    reference: order.disputeId,
    shopId: order.shopId,
    orderId: order.orderId,
    postings: [
      ...sellerPostings(order, sellerShare, pendingForOrder),
      { account: platformAccount('dispute_hold', order.currency), amount: -sellerShare },
    ],
  });
}

/**
 * A won dispute gives the hold back to the seller: to pending while the order is not delivered (its
 * delivery then makes it available with the rest), else to available.
 */
export function disputeReleaseEntry(order: DisputedOrder, held: number, delivered: boolean) {
  return entry({
    kind: 'dispute_release',
    reference: order.disputeId,
    shopId: order.shopId,
    orderId: order.orderId,
    postings: [
      { account: platformAccount('dispute_hold', order.currency), amount: held },
      {
        account: shopAccount(order.shopId, delivered ? 'available' : 'pending', order.currency),
        amount: -held,
      },
    ],
  });
}

/**
 * A lost dispute takes the order's disputed part back like a refund (refundShares: the seller's
 * share, the commission, the tax and the platform's subsidy in proportion, on the cumulative amount
 * taken back), and the money leaves the provider. The seller's share is what was held; a hold made
 * before a later refund may differ from it by rounding, and the difference is settled with the
 * seller here.
 */
export function disputeLossEntry(
  order: DisputedOrder,
  shares: { commission: number; tax: number; expense: number; seller: number },
  held: number,
  pendingForOrder: number,
) {
  const { currency } = order;
  return entry({
    kind: 'dispute_loss',
    reference: order.disputeId,
    shopId: order.shopId,
    orderId: order.orderId,
    postings: [
      { account: platformAccount('dispute_hold', currency), amount: held },
      ...sellerPostings(order, shares.seller - held, pendingForOrder),
      { account: platformAccount('commission', currency), amount: shares.commission },
      { account: platformAccount('tax_payable', currency), amount: shares.tax },
      { account: platformAccount('promotions_expense', currency), amount: -shares.expense },
      {
        account: platformAccount('provider_clearing', currency),
        amount: -(shares.seller + shares.commission + shares.tax - shares.expense),
      },
    ],
  });
}
