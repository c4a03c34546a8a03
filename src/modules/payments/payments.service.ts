import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { Config } from '../../config.js';
import { appendAudit, changesBetween } from '../../platform/audit.js';
import { silentLog, type WorkerLog } from '../../platform/background.js';
import type { Database, PlannedStatement, Queryable, Tx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { asOrderAccess, type Caller, holdsOrderToken, type OrderAccess } from '../../platform/http.js';
import type { IdempotentAnswer } from '../../platform/idempotency.js';
import { newId } from '../../platform/ids.js';
import { scheduleJob } from '../../platform/jobs.js';
import { appendEvent } from '../../platform/outbox.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { orderedPeriodOf } from '../../platform/period.js';
import type { LedgerService, OrderDiscounts, OrderOfShop, RefundFunder } from '../ledger/index.js';
import { paymentsErrors } from './payments.errors.js';
import {
  type CancelIntentPayload,
  paymentJobs,
  type SendPayoutPayload,
  type SendRefundPayload,
} from './payments.jobs.js';
import type {
  ChargeOutcome,
  DisputeEvidence,
  DisputeReport,
  PaymentProvider,
  PayoutAccountState,
  ProviderEvent,
  ProviderName,
} from './payments.provider.js';
import * as repo from './payments.repo.js';
import {
  type AdminPaymentListQuery,
  type PaymentView,
  type PayoutAccountView,
  PayoutCursor,
  presentAdminPayment,
  presentAdminPayout,
  presentAdminRefund,
  presentPayment,
  presentPayout,
  presentPayoutAccount,
  presentRefund,
  type RefundView,
  type WebhookOutcome,
} from './payments.schemas.js';
import { nextPaymentStatus, type PaymentStatus, payoutStatusesAllowing } from './payments.state.js';

/** An admin list's query (the status is one of the list's own, checked by its route). */
type AdminListQuery = Omit<z.infer<typeof AdminPaymentListQuery>, 'status'> & { status?: string | undefined };

/** An admin list's filter: a period that ends before it starts is a mistake worth naming. */
function adminFilter(query: AdminListQuery): repo.AdminListFilter {
  const period = orderedPeriodOf(query, () =>
    paymentsErrors.invalidAt('period_invalid', '/query/to', 'the period ends before it starts'),
  );
  return {
    status: query.status,
    ...period,
    after: decodeCursor(query.cursor, PayoutCursor),
    limit: query.limit,
  };
}

const adminPage = <Row extends { position: string; id: string }, Item>(
  rows: Row[],
  query: AdminListQuery,
  present: (row: Row) => Item,
) => paginate(rows, query.limit, present, (row) => ({ createdAt: row.position, id: row.id }));

/** Where the provider sends a seller back after onboarding: the web app's payouts page. */
const PAYOUTS_PAGE = '/seller/payouts';

/** A payment processing for longer than this is re-read from its provider (the reconciliation job). */
export const STUCK_PROCESSING_SECONDS = 5 * 60;
const RECONCILE_BATCH = 100;

/** An order as money sees it. */
export interface OrderMoney extends OrderOfShop {
  paymentId: string;
  totalAmount: number;
}

/** A refund to record of an order: `amount` more than the `refundedBefore` the order had. */
export interface OrderRefund {
  order: OrderMoney;
  amount: number;
  refundedBefore: number;
  reason: string;
  /** Who bears it; the shop unless said (an admin may resolve an escalated return at the platform's cost). */
  fundedBy?: RefundFunder | undefined;
}

/** What a succeeded payment did to its orders. */
export interface SettledPayment {
  /** Every order the payment was for, `paid` false for those cancelled or expired while it was processing. */
  orders: (OrderOfShop & {
    totalAmount: number;
    shippingAmount: number;
    taxAmount: number;
    discounts: OrderDiscounts;
    paid: boolean;
  })[];
  /** The orders' refunds to record: the money of an order no longer wanted goes back in full. */
  refundsDue: OrderRefund[];
}

/**
 * What settling a payment does to its orders (the orders module's OrderSettlement), in the
 * settling transaction. It never calls payments: it answers what payments must do next.
 */
export interface PaymentSettlement {
  /** Marks the payment's orders still awaiting payment paid; answers them and the refunds due. */
  paymentSucceeded(tx: Tx, payment: { id: string; orderIds: string[] }): Promise<SettledPayment>;
  /** A refund that `paymentSucceeded` answered as due is recorded. */
  withdrawnOrderRefunded(tx: Tx, refund: RefundView): Promise<void>;
}

/** A disputed payment, as the dispute's news tells of it. */
export interface DisputedPayment {
  id: string;
  /** Null for a guest's payment. */
  buyerId: string | null;
  currency: string;
  orderIds: string[];
}

/**
 * What a provider's news of a card dispute does (the disputes module), in the transaction that
 * records the webhook event, with the payment held. Payments is given it and never reads disputes.
 */
export interface DisputeReports {
  reported(tx: Tx, provider: ProviderName, payment: DisputedPayment, dispute: DisputeReport): Promise<void>;
}

export interface PaymentsDeps {
  db: Database;
  providers: PaymentProviders;
  config: Pick<Config, 'currency' | 'paymentProvider' | 'publicUrl'>;
  ledger: LedgerService;
  orders: PaymentSettlement;
  disputes: DisputeReports;
  log?: WorkerLog;
}

export type PaymentProviders = { sandbox: PaymentProvider } & Partial<Record<ProviderName, PaymentProvider>>;

/** One confirm attempt of a payment, and its intent at the provider when known. */
interface Attempt {
  paymentId: string;
  attempt: number;
  reference: string | null;
}

const intentRequestOf = (payment: repo.PaymentRow) => ({
  paymentId: payment.id,
  attempt: payment.attempt,
  amount: payment.amount,
  currency: payment.currency,
});

export class PaymentsService {
  private readonly db: Database;
  private readonly providers: PaymentProviders;
  private readonly config: PaymentsDeps['config'];
  private readonly ledger: LedgerService;
  private readonly orders: PaymentSettlement;
  private readonly disputes: DisputeReports;
  private readonly log: WorkerLog;

  constructor(deps: PaymentsDeps) {
    this.db = deps.db;
    this.providers = deps.providers;
    this.config = deps.config;
    this.ledger = deps.ledger;
    this.orders = deps.orders;
    this.disputes = deps.disputes;
    this.log = deps.log ?? silentLog;
  }

  private provider(name: string): PaymentProvider {
    const provider = this.providers[name as ProviderName];
    if (!provider) throw new Error(`the payment provider "${name}" is not configured`);
    return provider;
  }

  /** One payment for a whole checkout, created in the checkout's transaction. */
  /** A checkout's payment, inserted by the caller's statement (see PlannedStatement). */
  createForCheckout(payment: Omit<repo.NewPayment, 'provider'>): PlannedStatement<repo.PaymentRow> {
    return repo.insertPaymentPlanned({ ...payment, provider: this.config.paymentProvider });
  }

  /** A guest's checkout became a user's: so do its payments. */
  assignBuyer(tx: Queryable, paymentIds: readonly string[], userId: string): Promise<void> {
    return repo.assignBuyer(tx, paymentIds, userId);
  }

  /** The payment's buyer, an order token of its checkout, or (to read) an admin. */
  private mayAct(access: OrderAccess, payment: repo.PaymentRow): boolean {
    return (
      (access.caller !== null && payment.buyerId === access.caller.id) ||
      holdsOrderToken(access, payment.orderTokenHash)
    );
  }

  /**
   * An unpaid order was cancelled or expired. A payment not being charged loses the order's total
   * (and is canceled with no order left); a payment being charged keeps it, and refunds it if the
   * charge succeeds.
   */
  async orderCancelled(tx: Queryable, paymentId: string, orderId: string, amount: number): Promise<void> {
    const removed = await repo.removeOrderFromPayment(tx, paymentId, orderId, amount);
    if (removed) {
      if (removed.status === 'canceled') await this.scheduleIntentCancel(tx, removed);
      return;
    }
    if (await repo.withdrawOrder(tx, paymentId, orderId, amount)) return;
    const payment = await repo.findPayment(tx, paymentId);
    throw paymentsErrors.error(
      'payment_not_cancellable',
      `The order's payment is ${payment?.status ?? 'missing'}; it cannot be cancelled now.`,
    );
  }

  async get(sent: Caller | OrderAccess, id: string): Promise<PaymentView> {
    const access = asOrderAccess(sent);
    const payment = await repo.findPayment(this.db, id);
    if (!payment || !(this.mayAct(access, payment) || access.caller?.roles.includes('admin')))
      throw paymentsErrors.error('payment_not_found');
    return presentPayment(payment);
  }

  /**
   * Confirms with a payment method: the payment becomes processing under a new attempt in one
   * transaction, the provider is called outside any transaction, and its outcome is applied in
   * another, together with the stored idempotent answer.
   */
  async confirm(
    sent: Caller | OrderAccess,
    id: string,
    method: string,
    answer: IdempotentAnswer,
  ): Promise<string> {
    const access = asOrderAccess(sent);
    const started = await this.db.transaction(async (tx) => {
      const payment = await repo.findPayment(tx, id, true);
      if (!payment || !this.mayAct(access, payment)) throw paymentsErrors.error('payment_not_found');
      this.provider(payment.provider).assertKnownMethod(method);
      nextPaymentStatus(payment.status, 'confirm');
      return (await repo.startAttempt(tx, id, payment.status, method))!;
    });
    const { reference, outcome } = await this.charge(started, method);
    return this.db.transaction(async (tx) => {
      const attempt = { paymentId: id, attempt: started.attempt, reference: reference ?? null };
      const settled = await this.applyOutcome(tx, attempt, outcome);
      return answer.complete(tx, 200, presentPayment(settled ?? (await repo.findPayment(tx, id))!));
    });
  }

  /**
   * The attempt's intent, confirmed. A provider that cannot be reached leaves the payment
   * processing: the reconciliation job asks the provider again later.
   */
  private async charge(
    payment: repo.PaymentRow,
    method: string,
  ): Promise<{ reference?: string; outcome: ChargeOutcome }> {
    const provider = this.provider(payment.provider);
    let reference: string | undefined;
    try {
      reference = (await provider.createIntent(intentRequestOf(payment))).reference;
      return { reference, outcome: await provider.confirm(reference, method) };
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.log.warn({ err: error, paymentId: payment.id }, 'payment provider unreachable; left processing');
      return { ...(reference ? { reference } : {}), outcome: { status: 'processing' } };
    }
  }

  /**
   * Applies what the provider says of an attempt, if it is still the payment's current one; answers
   * the payment when it changed. A charge still processing only records its intent.
   */
  private async applyOutcome(
    tx: Tx,
    attempt: Attempt,
    outcome: ChargeOutcome,
  ): Promise<repo.PaymentRow | undefined> {
    switch (outcome.status) {
      case 'succeeded':
        return this.applySucceeded(tx, attempt);
      case 'failed':
        return this.applyFailed(tx, attempt, outcome.failureCode);
      case 'canceled':
        return this.applyFailed(tx, attempt, 'payment_canceled');
      default:
        if (attempt.reference)
          await repo.setProviderReference(tx, attempt.paymentId, attempt.attempt, attempt.reference);
        return undefined;
    }
  }

  /**
   * The attempt captured the money: its orders become paid and the ledger books each, and an order
   * cancelled or expired while the charge was in flight is refunded in full.
   */
  private async applySucceeded(tx: Tx, attempt: Attempt): Promise<repo.PaymentRow | undefined> {
    const payment = await repo.markSucceeded(tx, attempt.paymentId, attempt.attempt, attempt.reference);
    if (!payment) return undefined;
    await appendEvent(tx, 'payment.succeeded.v1', presentPayment(payment));
    const settled = await this.orders.paymentSucceeded(tx, payment);
    await this.ledger.paymentCaptured(tx, payment.id, settled.orders);
    for (const due of settled.refundsDue) {
      await this.orders.withdrawnOrderRefunded(tx, await this.recordRefund(tx, due));
    }
    return payment;
  }

  /** The attempt failed: the orders stay pending_payment and the buyer may confirm again. */
  private async applyFailed(
    tx: Queryable,
    attempt: Attempt,
    failureCode: string,
  ): Promise<repo.PaymentRow | undefined> {
    const payment = await repo.markFailed(tx, attempt.paymentId, attempt.attempt, {
      code: failureCode,
      reference: attempt.reference,
    });
    if (!payment) return undefined;
    await appendEvent(tx, 'payment.failed.v1', presentPayment(payment));
    if (payment.status === 'canceled') await this.scheduleIntentCancel(tx, payment);
    return payment;
  }

  private async scheduleIntentCancel(tx: Queryable, payment: repo.PaymentRow): Promise<void> {
    if (!payment.providerReference) return;
    await scheduleJob(tx, {
      kind: paymentJobs.cancelIntent,
      runAt: new Date(),
      payload: {
        provider: payment.provider,
        reference: payment.providerReference,
      } satisfies CancelIntentPayload,
      dedupeKey: payment.providerReference,
    });
  }

  /** Job: a canceled payment's intent is canceled at the provider too. */
  async cancelIntent(provider: string, reference: string): Promise<void> {
    await this.provider(provider).cancel(reference);
  }

  /**
   * A webhook from `providerName`: verified on the raw body, then applied exactly once. A duplicate
   * (the event id was applied before), an event for a payment, refund or payout we do not know, or
   * a type we do not act on changes nothing.
   */
  async receiveWebhook(
    providerName: string,
    rawBody: Buffer,
    headers: IncomingHttpHeaders,
  ): Promise<WebhookOutcome> {
    const provider = this.providers[providerName as ProviderName];
    if (!provider) throw paymentsErrors.error('webhook_provider_unknown');
    const event = await provider.parseWebhook(rawBody, headers);
    if (event.about === 'nothing') return 'ignored';
    if (await repo.webhookEventSeen(this.db, provider.name, event.id)) return 'duplicate';
    return this.db.transaction(async (tx) => {
      if (!(await this.lockSubject(tx, provider.name, event))) return 'ignored';
      if (!(await repo.recordWebhookEvent(tx, provider.name, event.id, event.type))) return 'duplicate';
      await this.applyEvent(tx, provider.name, event);
      return 'applied';
    });
  }

  /** Locks what the event is about, so that its duplicates queue; false when we do not know it. */
  private async lockSubject(tx: Queryable, provider: ProviderName, event: ProviderEvent): Promise<boolean> {
    switch (event.about) {
      case 'payment':
        return (await repo.findPayment(tx, event.paymentId, true)) !== undefined;
      case 'refund':
        return (await repo.findRefund(tx, event.refundId)) !== undefined;
      case 'payout':
        return (await repo.findPayout(tx, event.payoutId)) !== undefined;
      case 'payout_account':
        return (await repo.findPayoutAccountByReference(tx, provider, event.reference)) !== undefined;
      case 'dispute':
        return (await this.disputedPayment(tx, provider, event.payment)) !== undefined;
      default:
        return false;
    }
  }

  /** The payment a dispute event names, held; only a payment that succeeded can be disputed. */
  private async disputedPayment(
    tx: Queryable,
    provider: ProviderName,
    named: { id: string } | { reference: string },
  ): Promise<repo.PaymentRow | undefined> {
    const payment =
      'id' in named
        ? await repo.findPayment(tx, named.id, true)
        : await repo.findPaymentByReference(tx, provider, named.reference);
    return payment?.provider === provider && payment.status === 'succeeded' ? payment : undefined;
  }

  private async applyEvent(tx: Tx, provider: ProviderName, event: ProviderEvent): Promise<void> {
    if (event.about === 'payment') {
      await this.applyOutcome(
        tx,
        { paymentId: event.paymentId, attempt: event.attempt, reference: event.reference },
        event.outcome,
      );
    } else if (event.about === 'refund') {
      await this.applyRefundOutcome(tx, event.refundId, {
        status: event.outcome,
        reference: null,
        failureCode: event.failureCode,
      });
    } else if (event.about === 'payout') {
      await this.applyPayoutOutcome(tx, event.payoutId, {
        status: event.outcome,
        failureCode: event.failureCode,
      });
    } else if (event.about === 'dispute') {
      const payment = (await this.disputedPayment(tx, provider, event.payment))!;
      await this.disputes.reported(
        tx,
        provider,
        { id: payment.id, buyerId: payment.buyerId, currency: payment.currency, orderIds: payment.orderIds },
        event.dispute,
      );
    } else if (event.about === 'payout_account') {
      const account = await repo.findPayoutAccountByReference(tx, provider, event.reference);
      if (account) await repo.updatePayoutAccount(tx, account.id, event.state);
    }
  }

  /**
   * Job: payments processing for longer than `olderThanSeconds` are re-read from their provider.
   * An attempt the provider never received a confirmation for failed. Answers how many changed.
   */
  async reconcile(olderThanSeconds = STUCK_PROCESSING_SECONDS): Promise<number> {
    const stuck = await repo.findStuckProcessing(this.db, olderThanSeconds, RECONCILE_BATCH);
    let changed = 0;
    for (const payment of stuck) {
      try {
        const provider = this.provider(payment.provider);
        const reference =
          payment.providerReference ?? (await provider.createIntent(intentRequestOf(payment))).reference;
        let outcome = await provider.fetchStatus(reference);
        if (outcome.status === 'requires_confirmation') {
          await provider.cancel(reference);
          outcome = { status: 'failed', failureCode: 'confirmation_interrupted' };
        }
        const settled = outcome;
        const applied = await this.db.transaction(async (tx) => {
          return this.applyOutcome(
            tx,
            { paymentId: payment.id, attempt: payment.attempt, reference },
            settled,
          );
        });
        if (applied) changed++;
      } catch (error) {
        this.log.warn(
          { err: error, paymentId: payment.id },
          'reconciliation of a payment failed; will retry',
        );
      }
    }
    return changed;
  }

  // Refunds

  /**
   * Records a refund of an order in the caller's transaction. The caller (orders) holds the order
   * and has raised its refunded amount from `refundedBefore`; the ledger takes the money back and a
   * job asks the provider, outside this transaction.
   */
  async recordRefund(tx: Queryable, refund: OrderRefund): Promise<RefundView> {
    const { order, amount, refundedBefore, reason, fundedBy } = refund;
    const payment = await repo.findPayment(tx, order.paymentId);
    if (!payment) throw new Error(`order ${order.orderId} has no payment ${order.paymentId}`);
    const row = await repo.insertRefund(tx, {
      id: newId('ref'),
      orderId: order.orderId,
      paymentId: order.paymentId,
      shopId: order.shopId,
      amount,
      currency: order.currency,
      reason,
      provider: payment.provider,
    });
    await this.ledger.refunded(tx, {
      ...order,
      refundId: row.id,
      refundedBefore,
      refundedAfter: refundedBefore + amount,
      fundedBy,
    });
    await scheduleJob(tx, {
      kind: paymentJobs.sendRefund,
      runAt: new Date(),
      payload: { refundId: row.id } satisfies SendRefundPayload,
      dedupeKey: row.id,
    });
    const view = presentRefund(row);
    await appendEvent(tx, 'refund.created.v1', view);
    return view;
  }

  /** Refunds of each order, oldest first. */
  async refundsOf(db: Queryable, orderIds: readonly string[]): Promise<Map<string, RefundView[]>> {
    const byOrder = new Map<string, RefundView[]>();
    for (const row of await repo.refundsOfOrders(db, orderIds)) {
      byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), presentRefund(row)]);
    }
    return byOrder;
  }

  /** Job: asks the provider for a pending refund; the refund id keys it, so a rerun never refunds twice. */
  async sendRefund(refundId: string): Promise<void> {
    const refund = await repo.findRefund(this.db, refundId);
    if (refund?.status !== 'pending') return;
    const payment = await repo.findPayment(this.db, refund.paymentId);
    if (!payment?.providerReference)
      throw new Error(`payment ${refund.paymentId} has no provider reference to refund`);
    const answer = await this.provider(refund.provider).refund({
      refundId,
      paymentReference: payment.providerReference,
      amount: refund.amount,
      currency: refund.currency,
    });
    await this.db.transaction((tx) => this.applyRefundOutcome(tx, refundId, answer));
  }

  private async applyRefundOutcome(
    tx: Queryable,
    refundId: string,
    outcome: { status: repo.RefundStatus; reference: string | null; failureCode: string | null },
  ): Promise<void> {
    if (outcome.status === 'pending') return;
    const settled = await repo.settleRefund(tx, refundId, outcome);
    if (settled?.status === 'failed') {
      await this.ledger.refundFailed(tx, {
        refundId,
        orderId: settled.orderId,
        shopId: settled.shopId,
        amount: settled.amount,
        currency: settled.currency,
      });
      this.log.error({ refundId, failureCode: settled.failureCode }, 'the provider refused a refund');
    }
  }

  /**
   * Sends a dispute's evidence to its provider: a network call, made outside any transaction. The
   * provider refuses evidence it no longer takes with 409 invalid_state.
   */
  async submitDisputeEvidence(provider: string, reference: string, evidence: DisputeEvidence): Promise<void> {
    await this.provider(provider).submitDisputeEvidence(reference, evidence);
  }

  // Payout accounts

  /**
   * Opens the shop's account at the configured provider (or answers the one it has, with a fresh
   * onboarding link). Recorded first, then created at the provider outside any transaction with
   * our id as the key: a retry after a crash finds the same provider account.
   */
  async openPayoutAccount(caller: Caller): Promise<{ created: boolean; view: PayoutAccountView }> {
    const shopId = caller.shop!.id;
    const { row, created } = await this.db.transaction(async (tx) => {
      const ensured = await repo.ensurePayoutAccount(tx, {
        id: newId('pa'),
        shopId,
        provider: this.config.paymentProvider,
      });
      // Asking again for an account the shop has changes nothing of ours: no event.
      if (ensured.created)
        await appendAudit(tx, {
          action: 'payout_account.opened',
          target: { type: 'payout_account', id: ensured.row.id },
          shopId,
          changes: changesBetween(null, ensured.row, ['provider', 'status']),
        });
      return ensured;
    });
    return { created, view: await this.refreshPayoutAccount(row, caller.email) };
  }

  /** The shop's payout account as the provider sees it now, or 404. */
  async getPayoutAccount(caller: Caller): Promise<PayoutAccountView> {
    const row = await repo.findPayoutAccountOfShop(this.db, caller.shop!.id);
    if (!row) throw paymentsErrors.error('payout_account_not_found');
    return this.refreshPayoutAccount(row, caller.email);
  }

  private async refreshPayoutAccount(row: repo.PayoutAccountRow, email: string): Promise<PayoutAccountView> {
    const provider = this.provider(row.provider);
    let reference = row.providerAccountId;
    let state: PayoutAccountState;
    if (reference === null) {
      const opened = await provider.createPayoutAccount({ accountId: row.id, shopId: row.shopId, email });
      reference = opened.reference;
      state = { status: opened.status, requirements: opened.requirements };
    } else {
      state = await provider.fetchPayoutAccount(reference);
    }
    const changed =
      row.providerAccountId !== reference ||
      row.status !== state.status ||
      JSON.stringify(row.requirements) !== JSON.stringify(state.requirements);
    const current = changed
      ? ((await repo.updatePayoutAccount(this.db, row.id, { providerAccountId: reference, ...state })) ?? row)
      : row;
    const onboardingUrl =
      current.status === 'enabled'
        ? null
        : await provider.onboardingLink(reference, `${this.config.publicUrl}${PAYOUTS_PAGE}`);
    return presentPayoutAccount(current, onboardingUrl);
  }

  // Payouts

  /**
   * Pays `amount` of the caller's shop's available money out to its enabled payout account, never
   * more than is available. The account is checked before the amount (409 before 422).
   */
  async requestPayout(caller: Caller, amount: number, answer: IdempotentAnswer): Promise<string> {
    const shopId = caller.shop!.id;
    const { currency } = this.config;
    return this.db.transaction(async (tx) => {
      const account = await repo.findPayoutAccountOfShop(tx, shopId, true);
      if (account?.status !== 'enabled' || account.providerAccountId === null)
        throw paymentsErrors.error('payout_account_required');
      const payoutId = newId('po');
      await this.ledger.payout(tx, { payoutId, shopId, amount, currency });
      const row = await repo.insertPayout(tx, {
        id: payoutId,
        shopId,
        amount,
        currency,
        provider: account.provider,
        destination: account.providerAccountId,
      });
      await scheduleJob(tx, {
        kind: paymentJobs.sendPayout,
        runAt: new Date(),
        payload: { payoutId } satisfies SendPayoutPayload,
        dedupeKey: payoutId,
      });
      const view = presentPayout(row);
      await appendEvent(tx, 'payout.created.v1', { ...view, shop_id: shopId });
      await appendAudit(tx, {
        action: 'payout.created',
        target: { type: 'payout', id: payoutId },
        shopId,
        changes: changesBetween(null, view, ['amount', 'status']),
      });
      return answer.complete(tx, 201, view);
    });
  }

  /** Every payment of the marketplace, for admins: `?status=&from=&to=`. */
  async listAllPayments(query: AdminListQuery) {
    return adminPage(await repo.listAllPayments(this.db, adminFilter(query)), query, presentAdminPayment);
  }

  /** Every refund of the marketplace, for admins: `?status=&from=&to=`. */
  async listAllRefunds(query: AdminListQuery) {
    return adminPage(await repo.listAllRefunds(this.db, adminFilter(query)), query, presentAdminRefund);
  }

  /** Every payout of the marketplace, for admins: `?status=&from=&to=`. */
  async listAllPayouts(query: AdminListQuery) {
    return adminPage(await repo.listAllPayouts(this.db, adminFilter(query)), query, presentAdminPayout);
  }

  async listPayouts(caller: Caller, query: { limit: number; cursor?: string | undefined }) {
    const after = decodeCursor(query.cursor, PayoutCursor);
    const rows = await repo.listPayouts(this.db, caller.shop!.id, { after, limit: query.limit });
    return paginate(rows, query.limit, presentPayout, (row) => ({ createdAt: row.position, id: row.id }));
  }

  /**
   * Job: asks the provider to move a pending payout to the shop's account, outside any
   * transaction; the payout id keys it, so a rerun never pays twice.
   */
  async sendPayout(payoutId: string): Promise<void> {
    const payout = await repo.findPayout(this.db, payoutId);
    if (payout?.status !== 'pending') return;
    if (payout.destination === null) throw new Error(`payout ${payoutId} has no destination account`);
    const answer = await this.provider(payout.provider).payout({
      payoutId,
      shopId: payout.shopId,
      amount: payout.amount,
      currency: payout.currency,
      destination: payout.destination,
    });
    await this.db.transaction(async (tx) => {
      await repo.setPayoutReference(tx, payoutId, answer.reference);
      if (answer.status !== 'pending') {
        await this.applyPayoutOutcome(tx, payoutId, {
          status: answer.status,
          failureCode: answer.failureCode,
        });
      }
    });
  }

  /**
   * What the provider says of a payout, applied once (payments.state.ts says from where): a payout
   * that fails, also after it was paid, gives its money back to available.
   */
  private async applyPayoutOutcome(
    tx: Queryable,
    payoutId: string,
    outcome: { status: 'paid' | 'failed'; failureCode: string | null },
  ): Promise<void> {
    const settled = await repo.settlePayout(tx, payoutId, outcome, payoutStatusesAllowing(outcome.status));
    if (!settled) return;
    if (settled.status === 'failed') {
      await this.ledger.payoutFailed(tx, {
        payoutId,
        shopId: settled.shopId,
        amount: settled.amount,
        currency: settled.currency,
      });
    }
    await appendEvent(tx, settled.status === 'failed' ? 'payout.failed.v1' : 'payout.paid.v1', {
      ...presentPayout(settled),
      shop_id: settled.shopId,
    });
  }

  /** How many payments are in each status, for /metrics. */
  countByStatus(): Promise<{ status: PaymentStatus; count: number }[]> {
    return repo.countPaymentsByStatus(this.db);
  }
}
