import type { Config } from '../../config.js';
import type { Database, Queryable } from '../../platform/db.js';
import { money } from '../../platform/money.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { ledgerErrors } from './ledger.errors.js';
import {
  type DisputedOrder,
  deliveryEntry,
  disputeHoldEntry,
  disputeLossEntry,
  disputeReleaseEntry,
  type EntryDraft,
  type OrderDiscounts,
  PLATFORM_ACCOUNTS,
  paymentEntry,
  payoutEntry,
  platformAccount,
  platformFundedRefundEntry,
  refundEntry,
  refundFailureEntry,
  refundShares,
  SHOP_ACCOUNTS,
  shopAccount,
} from './ledger.policy.js';
import * as repo from './ledger.repo.js';
import { type BalanceView, LedgerCursor, presentLine, type TrialBalanceView } from './ledger.schemas.js';

/** Who bears a refund: the shop (the default: its shares come back) or the platform (refunds_expense). */
export type RefundFunder = 'shop' | 'platform';

export interface OrderOfShop {
  orderId: string;
  shopId: string;
  currency: string;
}

const orderAccounts = ({ shopId, currency }: OrderOfShop) => ({
  clearing: platformAccount('provider_clearing', currency).id,
  commission: platformAccount('commission', currency).id,
  tax: platformAccount('tax_payable', currency).id,
  expense: platformAccount('promotions_expense', currency).id,
  pending: shopAccount(shopId, 'pending', currency).id,
  available: shopAccount(shopId, 'available', currency).id,
});

/** Who learns of every entry posted, in the posting transaction (the analytics rollups). */
export interface PostingListener {
  posted(tx: Queryable, entries: readonly EntryDraft[]): Promise<void>;
}

/**
 * The marketplace's books. Posting functions run in the caller's transaction, one entry per cause
 * (posting the same cause twice changes nothing); balances are always summed from postings.
 */
export class LedgerService {
  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, 'currency' | 'commissionBps' | 'commissionOnShipping'>,
    private readonly listener: PostingListener,
  ) {}

  /**
   * Posts the entries and tells the listener those that were posted, in the same transaction: the
   * rollups it keeps move with the books, or not at all, and a cause posted twice is counted once.
   */
  private async post(tx: Queryable, drafts: readonly EntryDraft[]): Promise<void> {
    const posted = await repo.postEntries(tx, drafts);
    if (posted.length > 0) await this.listener.posted(tx, posted);
  }

  /** A payment succeeded: one entry per order it paid for. */
  async paymentCaptured(
    tx: Queryable,
    paymentId: string,
    orders: readonly (OrderOfShop & {
      totalAmount: number;
      shippingAmount: number;
      taxAmount: number;
      discounts: OrderDiscounts;
    })[],
  ): Promise<void> {
    const commission = { bps: this.config.commissionBps, onShipping: this.config.commissionOnShipping };
    await this.post(
      tx,
      orders.map((order) => paymentEntry(paymentId, order, commission)),
    );
  }

  /** Delivered: the seller's proceeds still pending for the order become available. */
  async orderDelivered(tx: Queryable, order: OrderOfShop): Promise<void> {
    const booked = await repo.orderMoney(tx, order.orderId, orderAccounts(order));
    await this.post(tx, [deliveryEntry(order, booked.pending)]);
  }

  /**
   * A refund of `refundedAfter − refundedBefore` of an order: the seller and the commission give back
   * their shares (see refundShares), counted after what refunds and lost disputes took back before;
   * or, funded by the platform, the platform bears it all (see platformFundedRefundEntry). Runs while
   * the caller holds the order.
   */
  async refunded(
    tx: Queryable,
    refund: OrderOfShop & {
      refundId: string;
      refundedBefore: number;
      refundedAfter: number;
      fundedBy?: RefundFunder | undefined;
    },
  ): Promise<void> {
    if (refund.fundedBy === 'platform') {
      await this.post(tx, [platformFundedRefundEntry(refund, refund.refundedAfter - refund.refundedBefore)]);
      return;
    }
    const booked = await repo.orderMoney(tx, refund.orderId, orderAccounts(refund));
    const shares = this.takeBackShares(refund.orderId, booked, refund.refundedAfter - refund.refundedBefore);
    await this.post(tx, [refundEntry(refund, shares, booked.pending)]);
  }

  /**
   * The shares of `amount` more taken back of an order, counted on what refunds and lost disputes
   * took back before (one cumulative amount, so the parts always add up to the whole).
   */
  private takeBackShares(orderId: string, booked: repo.OrderMoneyRow, amount: number) {
    if (booked.captured === 0) throw new Error(`order ${orderId} has no payment in the ledger to take back`);
    return refundShares({
      capturedAmount: booked.captured,
      commissionAmount: booked.commission,
      taxAmount: booked.tax,
      expenseAmount: booked.expense,
      refundedBefore: booked.takenBack,
      refundedAfter: booked.takenBack + amount,
    });
  }

  /**
   * A card dispute opened over `amount` of the order: the seller's share of it is held in
   * dispute_hold (see disputeHoldEntry). Runs while the caller holds the order.
   */
  async disputeOpened(tx: Queryable, order: DisputedOrder & { amount: number }): Promise<void> {
    if (order.amount === 0) return;
    const booked = await repo.orderMoney(tx, order.orderId, orderAccounts(order));
    const shares = this.takeBackShares(order.orderId, booked, order.amount);
    await this.post(tx, [disputeHoldEntry(order, shares.seller, booked.pending)]);
  }

  /** The dispute was won: what it held of the order goes back to the seller. */
  async disputeWon(tx: Queryable, order: DisputedOrder): Promise<void> {
    const booked = await repo.orderMoney(tx, order.orderId, orderAccounts(order));
    const held = await repo.disputeHeld(tx, order, platformAccount('dispute_hold', order.currency).id);
    await this.post(tx, [disputeReleaseEntry(order, held, booked.delivered)]);
  }

  /** The dispute was lost: `amount` of the order leaves the provider, borne as a refund is (disputeLossEntry). */
  async disputeLost(tx: Queryable, order: DisputedOrder & { amount: number }): Promise<void> {
    if (order.amount === 0) return;
    const booked = await repo.orderMoney(tx, order.orderId, orderAccounts(order));
    const held = await repo.disputeHeld(tx, order, platformAccount('dispute_hold', order.currency).id);
    const shares = this.takeBackShares(order.orderId, booked, order.amount);
    await this.post(tx, [disputeLossEntry(order, shares, held, booked.pending)]);
  }

  /**
   * Moves `amount` of a shop's available money to paid_out, never more than is available: the
   * shop's available account is locked first, so concurrent payouts see each other.
   */
  async payout(
    tx: Queryable,
    payout: { payoutId: string; shopId: string; amount: number; currency: string },
  ) {
    const available = shopAccount(payout.shopId, 'available', payout.currency).id;
    await repo.lockAccount(tx, available);
    const balance = (await repo.creditBalances(tx, [available])).get(available) ?? 0;
    if (payout.amount > balance) {
      throw ledgerErrors.invalidAt(
        'payout_exceeds_available',
        '/amount',
        balance > 0 ? `at most ${balance} is available to pay out` : 'nothing is available to pay out',
      );
    }
    await this.post(tx, [payoutEntry(payout)]);
  }

  /**
   * Tax collected (payments, positive) and given back (refunds, negative) per order in a period:
   * the movements of tax_payable, which the tax report reconciles with to the cent.
   */
  async taxMovements(db: Queryable, period: { from: Date; to: Date }) {
    const account = platformAccount('tax_payable', this.config.currency).id;
    return repo.accountMovements(db, account, period);
  }

  /** The provider refused a refund: see refundFailureEntry. */
  async refundFailed(
    tx: Queryable,
    refund: { refundId: string; orderId: string; shopId: string; amount: number; currency: string },
  ) {
    await this.post(tx, [refundFailureEntry(refund)]);
  }

  /** The provider could not pay out: the money goes back to available. */
  async payoutFailed(
    tx: Queryable,
    payout: { payoutId: string; shopId: string; amount: number; currency: string },
  ) {
    await this.post(tx, [payoutEntry(payout, 'payout_reversal')]);
  }

  async balance(shopId: string): Promise<BalanceView> {
    const { currency } = this.config;
    const ids = SHOP_ACCOUNTS.map((name) => shopAccount(shopId, name, currency).id);
    const balances = await repo.creditBalances(this.db, ids);
    const [pending, available, paidOut] = ids.map((id) => money(balances.get(id) ?? 0, currency));
    return { pending: pending!, available: available!, paid_out: paidOut! };
  }

  /** Whether the shop has money pending or available, of either sign (a shop closes only without). */
  async hasBalance(db: Queryable, shopId: string): Promise<boolean> {
    const { currency } = this.config;
    const ids = (['pending', 'available'] as const).map((name) => shopAccount(shopId, name, currency).id);
    const balances = await repo.creditBalances(db, ids);
    return ids.some((id) => (balances.get(id) ?? 0) !== 0);
  }

  async lines(shopId: string, query: { limit: number; cursor?: string | undefined }) {
    const ids = SHOP_ACCOUNTS.map((name) => shopAccount(shopId, name, this.config.currency).id);
    const after = decodeCursor(query.cursor, LedgerCursor);
    const rows = await repo.listLines(this.db, ids, { after, limit: query.limit });
    return paginate(rows, query.limit, presentLine, (row) => ({ createdAt: row.position, id: row.id }));
  }

  async sales(shopId: string, days: number) {
    const { currency } = this.config;
    const rows = await repo.salesByDay(this.db, shopId, days, {
      clearing: platformAccount('provider_clearing', currency).id,
      pending: shopAccount(shopId, 'pending', currency).id,
      available: shopAccount(shopId, 'available', currency).id,
    });
    return {
      data: rows.map((row) => ({
        date: row.date,
        orders: row.orders,
        gross: money(row.gross, currency),
        net: money(row.net, currency),
      })),
    };
  }

  /** Every account name with its debits and credits; the two totals are equal when the books balance. */
  async trialBalance(): Promise<TrialBalanceView> {
    const { currency } = this.config;
    const rows = await repo.trialBalance(this.db);
    const accounts = [...PLATFORM_ACCOUNTS, ...SHOP_ACCOUNTS].map((account) => {
      const row = rows.find((r) => r.account === account && r.currency === currency);
      const debits = row?.debits ?? 0;
      const credits = row?.credits ?? 0;
      return {
        account,
        debits: money(debits, currency),
        credits: money(credits, currency),
        balance: money(debits - credits, currency),
      };
    });
    const sum = (pick: (a: (typeof accounts)[number]) => number) =>
      accounts.reduce((total, a) => total + pick(a), 0);
    return {
      accounts,
      totals: {
        debits: money(
          sum((a) => a.debits.amount),
          currency,
        ),
        credits: money(
          sum((a) => a.credits.amount),
          currency,
        ),
      },
    };
  }
}
