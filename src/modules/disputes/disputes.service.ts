import { appendAudit } from '../../platform/audit.js';
import type { Database, Queryable, Tx } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { appendEvent } from '../../platform/outbox.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { orderedPeriodOf } from '../../platform/period.js';
import type { LedgerService } from '../ledger/index.js';
import type { DisputableOrder } from '../orders/index.js';
import {
  type DisputedPayment,
  type DisputeEvidence,
  type DisputeReport,
  type DisputeReports,
  paymentsErrors,
} from '../payments/index.js';
import { allocateProportionally } from '../pricing/index.js';
import { disputesErrors } from './disputes.errors.js';
import * as repo from './disputes.repo.js';
import { DisputeCursor, type DisputeView, presentDispute, presentDisputeEvent } from './disputes.schemas.js';
import { type DisputeStatus, nextDisputeStatus, outcomeOf } from './disputes.state.js';

/** What disputes need of the orders module: the payment's orders, held, and their disputed amounts. */
export interface DisputeOrders {
  holdForDispute(tx: Queryable, orderIds: readonly string[]): Promise<DisputableOrder[]>;
  changeDisputed(tx: Queryable, orderId: string, delta: number): Promise<void>;
}

/** What disputes need of payments: evidence sent to the dispute's provider (a network call). */
export interface DisputeProviders {
  submitDisputeEvidence(provider: string, reference: string, evidence: DisputeEvidence): Promise<void>;
}

/** The images a seller attaches, by id (only their own uploads). */
export interface EvidenceMedia {
  urlsOf(ids: readonly string[], uploaderId?: string): Promise<Map<string, string>>;
}

/** Disputes opened, counted in the transaction that opens them (the analytics' disputes). */
export interface DisputesListener {
  disputeOpened(tx: Tx, currency: string): Promise<void>;
}

export interface DisputesDeps {
  db: Database;
  ledger: LedgerService;
  listener: DisputesListener;
  orders: DisputeOrders;
  providers: DisputeProviders;
  media: EvidenceMedia;
  /** Where the images are reached from outside (the provider's reviewers follow the links). */
  publicUrl: string;
}

/**
 * Card disputes. The provider's news is applied in the webhook's transaction (DisputeReports): a
 * new dispute holds the sellers' share of each order's part in the ledger and raises the orders'
 * disputed amount (refunds never take that part); a decision releases the hold (won) or spends it as
 * a refund would (lost). Every report carries the whole dispute, so reports applied in any order end
 * where the provider's last word says.
 */
export class DisputesService implements DisputeReports {
  private readonly db: Database;
  private readonly ledger: LedgerService;
  private readonly listener: DisputesListener;
  private readonly orders: DisputeOrders;
  private readonly providers: DisputeProviders;
  private readonly media: EvidenceMedia;
  private readonly publicUrl: string;

  constructor(deps: DisputesDeps) {
    this.db = deps.db;
    this.ledger = deps.ledger;
    this.listener = deps.listener;
    this.orders = deps.orders;
    this.providers = deps.providers;
    this.media = deps.media;
    this.publicUrl = deps.publicUrl;
  }

  /**
   * What the provider says of a dispute now. A dispute it closes before we heard it opened is opened
   * and closed at once (the closing says all the opening would); a report we cannot apply yet (a
   * second open dispute of the payment, or a closing that does not say the amount) is refused with
   * 409, and the provider delivers it again later.
   */
  async reported(tx: Tx, provider: string, payment: DisputedPayment, report: DisputeReport): Promise<void> {
    const known = await repo.findByReference(tx, provider, report.reference);
    if (known) return this.advance(tx, known, report);
    if (report.amount === undefined)
      throw paymentsErrors.error(
        'event_early',
        `Dispute ${report.reference} is not known here yet, and this event does not say its amount.`,
      );
    if (await repo.findOpenOfPayment(tx, payment.id))
      throw paymentsErrors.error(
        'event_early',
        `Payment ${payment.id} has an open dispute; another one is applied once it is decided.`,
      );
    const opened = await this.open(tx, provider, payment, { ...report, amount: report.amount });
    if (report.status !== 'open') await this.close(tx, opened, report.status);
  }

  private async advance(tx: Tx, dispute: repo.DisputeRow, report: DisputeReport): Promise<void> {
    if (dispute.status !== 'open') return;
    if (report.status !== 'open') return this.close(tx, dispute, report.status);
    if (report.evidenceDueBy !== undefined) await repo.setEvidenceDueBy(tx, dispute.id, report.evidenceDueBy);
  }

  /**
   * Opens the dispute over the payment's orders: its amount is spread over what each order has left
   * (captured less refunded and less earlier lost disputes) by largest remainder, never more than
   * that in all; each part is held in the ledger and counted in the order's disputed amount.
   */
  private async open(
    tx: Tx,
    provider: string,
    payment: DisputedPayment,
    report: DisputeReport & { amount: number },
  ): Promise<repo.DisputeRow> {
    const orders = await this.orders.holdForDispute(tx, payment.orderIds);
    const amounts = allocateProportionally(
      report.amount,
      orders.map((order) => order.refundable),
    );
    const parts = orders.map((order, index) => ({
      orderId: order.orderId,
      shopId: order.shopId,
      amount: amounts[index]!,
    }));
    const dispute = await repo.insertDispute(
      tx,
      {
        id: report.disputeId ?? newId('dsp'),
        paymentId: payment.id,
        buyerId: payment.buyerId,
        provider,
        providerReference: report.reference,
        amount: report.amount,
        heldAmount: amounts.reduce((sum, amount) => sum + amount, 0),
        currency: payment.currency,
        reason: report.reason ?? 'general',
        evidenceDueBy: report.evidenceDueBy ?? null,
      },
      parts,
    );
    for (const part of parts) {
      await this.orders.changeDisputed(tx, part.orderId, part.amount);
      await this.ledger.disputeOpened(tx, { ...this.disputedOrder(dispute, part), amount: part.amount });
    }
    await this.listener.disputeOpened(tx, dispute.currency);
    await appendEvent(
      tx,
      'dispute.opened.v1',
      presentDisputeEvent(
        dispute,
        parts.map((part) => ({ ...part, disputeId: dispute.id })),
      ),
    );
    return dispute;
  }

  /** Won: each order gets its part back (hold released). Lost: each part is taken back like a refund. */
  private async close(tx: Tx, dispute: repo.DisputeRow, status: Exclude<DisputeStatus, 'open'>) {
    nextDisputeStatus(dispute.status, outcomeOf(status));
    const parts = await repo.partsOf(tx, [dispute.id]);
    await this.orders.holdForDispute(
      tx,
      parts.map((part) => part.orderId),
    );
    for (const part of parts) {
      const order = this.disputedOrder(dispute, part);
      if (status === 'won') {
        await this.ledger.disputeWon(tx, order);
        await this.orders.changeDisputed(tx, part.orderId, -part.amount);
      } else {
        await this.ledger.disputeLost(tx, { ...order, amount: part.amount });
      }
    }
    const closed = await repo.closeDispute(tx, dispute.id, status);
    if (!closed) throw new Error(`dispute ${dispute.id} was not open to close`);
    await appendEvent(tx, 'dispute.closed.v1', presentDisputeEvent(closed, parts));
  }

  private disputedOrder(dispute: repo.DisputeRow, part: { orderId: string; shopId: string }) {
    return { disputeId: dispute.id, orderId: part.orderId, shopId: part.shopId, currency: dispute.currency };
  }

  /** Every dispute (admin), or those touching the caller's shop with only its part (seller). */
  async list(
    scope: { shopId: string } | 'all',
    query: {
      limit: number;
      cursor?: string | undefined;
      status?: DisputeStatus | undefined;
      from?: string | undefined;
      to?: string | undefined;
    },
  ) {
    const shopId = scope === 'all' ? undefined : scope.shopId;
    const rows = await repo.listDisputes(this.db, {
      shopId,
      status: query.status,
      ...orderedPeriodOf(query, () =>
        disputesErrors.invalidAt('period_invalid', '/query/to', 'the period ends before it starts'),
      ),
      after: decodeCursor(query.cursor, DisputeCursor),
      limit: query.limit,
    });
    const views = await this.present(this.db, rows.slice(0, query.limit), shopId);
    return paginate(
      rows,
      query.limit,
      (row) => views.get(row.id)!,
      (row) => ({ createdAt: row.position, id: row.id }),
    );
  }

  private async present(
    db: Queryable,
    rows: readonly repo.DisputeRow[],
    shopId?: string,
  ): Promise<Map<string, DisputeView>> {
    const ids = rows.map((row) => row.id);
    const [parts, evidence] = await Promise.all([repo.partsOf(db, ids), repo.evidenceOf(db, ids)]);
    return new Map(
      rows.map((row) => [
        row.id,
        presentDispute(
          row,
          parts.filter((part) => part.disputeId === row.id),
          evidence.filter((item) => item.disputeId === row.id),
          shopId,
        ),
      ]),
    );
  }

  /**
   * A seller's evidence for an open dispute touching their shop, sent to the provider outside any
   * transaction with every shop's evidence so far (the provider keeps one text per dispute), then
   * recorded. Another shop's dispute is a 404; a decided one a 409.
   */
  async submitEvidence(
    caller: Caller,
    id: string,
    input: { text: string; media_ids?: string[] | undefined },
  ): Promise<DisputeView> {
    const shopId = caller.shop!.id;
    const dispute = await repo.findDispute(this.db, id);
    const parts = dispute ? await repo.partsOf(this.db, [id]) : [];
    if (!dispute || !parts.some((part) => part.shopId === shopId))
      throw disputesErrors.error('dispute_not_found');
    if (dispute.status !== 'open')
      throw disputesErrors.error(
        'dispute_closed',
        `The dispute is ${dispute.status}; it takes no more evidence.`,
      );
    const mediaIds = [...new Set(input.media_ids ?? [])];
    const owned = await this.media.urlsOf(mediaIds, caller.id);
    const unknown = mediaIds.findIndex((mediaId) => !owned.has(mediaId));
    if (unknown >= 0)
      throw disputesErrors.invalidAt(
        'evidence_media_unknown',
        `/media_ids/${unknown}`,
        'not an image you uploaded (POST /v1/media)',
      );
    const earlier = await repo.evidenceOf(this.db, [id]);
    const earlierUrls = await this.media.urlsOf(earlier.flatMap((item) => item.mediaIds));
    await this.providers.submitDisputeEvidence(dispute.provider, dispute.providerReference, {
      text: [...earlier.map((item) => item.text), input.text].join('\n\n'),
      fileUrls: [...earlierUrls.values(), ...owned.values()].map((url) => `${this.publicUrl}${url}`),
    });
    return this.db.transaction(async (tx) => {
      const evidenceId = newId('dev');
      await repo.insertEvidence(tx, { id: evidenceId, disputeId: id, shopId, text: input.text, mediaIds });
      await appendAudit(tx, {
        action: 'dispute.evidence_submitted',
        target: { type: 'dispute', id },
        shopId,
        changes: { evidence: [null, { id: evidenceId, text: input.text, media_ids: mediaIds }] },
      });
      await repo.touchUpdated(tx, id);
      const current = (await repo.findDispute(tx, id))!;
      await appendEvent(tx, 'dispute.evidence_submitted.v1', presentDisputeEvent(current, parts));
      return (await this.present(tx, [current], shopId)).get(id)!;
    });
  }
}
