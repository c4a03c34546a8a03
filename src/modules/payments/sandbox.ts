import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { z } from 'zod';
import type { Database, Queryable } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import { type JobRunner, scheduleJob } from '../../platform/jobs.js';
import { injectTraceContext, inSpan } from '../../platform/tracing.js';
import { paymentsErrors } from './payments.errors.js';
import {
  type ChargeOutcome,
  DISPUTE_REPORT_STATUSES,
  type DisputeEvidence,
  type IntentRequest,
  PAYOUT_ACCOUNT_STATUSES,
  type PaymentProvider,
  type PayoutAccountRequest,
  type PayoutAccountState,
  type PayoutRequest,
  type ProviderEvent,
  type RefundRequest,
} from './payments.provider.js';
import * as repo from './sandbox.repo.js';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

/** The sandbox's test payment methods and what a charge with each does. */
const TEST_METHODS: Record<string, ChargeOutcome> = {
  pm_card_visa: { status: 'succeeded' },
  pm_card_declined: { status: 'failed', failureCode: 'card_declined' },
  pm_card_insufficient_funds: { status: 'failed', failureCode: 'insufficient_funds' },
  pm_card_slow: { status: 'processing' },
  /** Succeeds, then the buyer's bank disputes the charge a few seconds later. */
  pm_card_disputed: { status: 'succeeded' },
};

const DISPUTED_METHOD = 'pm_card_disputed';
/** How long sellers have to send evidence for a sandbox dispute. */
const EVIDENCE_DAYS = 7;
/**
 * Evidence that decides a sandbox dispute, a few seconds after it is sent (as in Stripe's test mode):
 * anything else is kept and the dispute stays open.
 */
const DECIDING_EVIDENCE = { winning_evidence: 'won', losing_evidence: 'lost' } as const;

/** The sandbox's durable jobs, by name, and the payload each is scheduled with. */
export const sandboxJobs = {
  deliverEvent: 'sandbox.deliver-event',
  settleIntent: 'sandbox.settle-intent',
  settlePayout: 'sandbox.settle-payout',
  openDispute: 'sandbox.open-dispute',
  closeDispute: 'sandbox.close-dispute',
} as const;
const DeliverEventPayload = z.object({ eventId: z.string() });
type DeliverEventPayload = z.infer<typeof DeliverEventPayload>;
/** The intent or payout to settle. */
const SettlePayload = z.object({ id: z.string() });
type SettlePayload = z.infer<typeof SettlePayload>;
const CloseDisputePayload = z.object({ id: z.string(), status: z.enum(['won', 'lost']) });
type CloseDisputePayload = z.infer<typeof CloseDisputePayload>;

export interface WebhookDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How webhooks reach the endpoint: HTTP in production, `app.inject` in in-process tests. */
export type WebhookTransport = (delivery: WebhookDelivery) => Promise<{ status: number }>;

const WEBHOOK_TIMEOUT_MS = 10_000;

export const httpWebhookTransport: WebhookTransport = async ({ url, headers, body }) => {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return { status: response.status };
};

export type SandboxEventType =
  | 'payment.succeeded'
  | 'payment.failed'
  | 'refund.succeeded'
  | 'payout.paid'
  | 'payout.failed'
  | 'account.updated'
  | 'dispute.created'
  | 'dispute.closed';

/** Where the sandbox's onboarding page is served (payments.routes.ts). */
export const SANDBOX_ONBOARDING_PATH = '/sandbox/onboarding';

/** What a sandbox account needs until its seller completes the onboarding page. */
const PENDING_REQUIREMENTS = ['external_account', 'tos_acceptance'];

const stateOf = (status: 'pending' | 'enabled'): PayoutAccountState => ({
  status,
  requirements: status === 'enabled' ? [] : [...PENDING_REQUIREMENTS],
});

const SandboxEventBody = z.object({
  id: z.string().min(1),
  type: z.string(),
  created: z.number().int(),
  data: z.looseObject({
    payment_id: z.string().nullable().optional(),
    attempt: z.number().int().optional(),
    intent_id: z.string().optional(),
    failure_code: z.string().nullable().optional(),
    refund_id: z.string().optional(),
    payout_id: z.string().optional(),
    account_id: z.string().optional(),
    status: z.string().optional(),
    dispute_id: z.string().optional(),
    amount: z.number().int().positive().optional(),
    reason: z.string().optional(),
    evidence_due_by: z.iso.datetime().nullable().optional(),
  }),
});

const randomRef = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export interface SandboxOptions {
  /** Where its webhooks go: BAZAAR_PUBLIC_URL + /v1/webhooks/sandbox. */
  webhookUrl: string;
  /** Its onboarding page: BAZAAR_PUBLIC_URL + SANDBOX_ONBOARDING_PATH. */
  onboardingUrl: string;
  /** The shared webhook secret (see PaymentsService.sandboxSecret). */
  secret: () => Promise<string>;
  transport: WebhookTransport;
  /** How long a `pm_card_slow` charge stays processing, and a payout pending. */
  settleAfterMs?: number;
  /** How long after a `pm_card_disputed` charge its dispute opens. */
  disputeAfterMs?: number;
  now?: () => Date;
}

/**
 * The built-in payment service provider. It keeps its own books (tables sandbox_*), answers
 * confirms by test payment method, and tells our webhook endpoint what happened asynchronously:
 * each event is a durable job, signed when sent and retried with backoff until answered 2xx, so it
 * arrives at least once, possibly out of order, also across restarts.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;
  private readonly settleAfterMs: number;
  private readonly disputeAfterMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: Database,
    private readonly options: SandboxOptions,
  ) {
    this.settleAfterMs = options.settleAfterMs ?? 2000;
    this.disputeAfterMs = options.disputeAfterMs ?? 3000;
    this.now = options.now ?? (() => new Date());
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register(sandboxJobs.deliverEvent, async (payload) =>
      this.deliver(DeliverEventPayload.parse(payload).eventId),
    );
    jobs.register(sandboxJobs.settleIntent, async (payload) =>
      this.settleIntent(SettlePayload.parse(payload).id),
    );
    jobs.register(sandboxJobs.settlePayout, async (payload) =>
      this.settlePayout(SettlePayload.parse(payload).id),
    );
    jobs.register(sandboxJobs.openDispute, async (payload) =>
      this.openDispute(SettlePayload.parse(payload).id),
    );
    jobs.register(sandboxJobs.closeDispute, async (payload) => {
      const { id, status } = CloseDisputePayload.parse(payload);
      await this.closeDispute(id, status);
    });
  }

  assertKnownMethod(method: string): void {
    if (!(method in TEST_METHODS)) {
      throw paymentsErrors.invalidAt(
        'payment_method_unknown',
        '/payment_method',
        `unknown payment method; the sandbox knows ${Object.keys(TEST_METHODS).join(', ')}`,
      );
    }
  }

  async createIntent(request: IntentRequest): Promise<{ reference: string }> {
    const intent = await repo.intentFor(this.db, {
      id: randomRef('si'),
      idempotencyKey: `${request.paymentId}:${request.attempt}`,
      paymentId: request.paymentId,
      attempt: request.attempt,
      amount: request.amount,
      currency: request.currency,
    });
    return { reference: intent.id };
  }

  async confirm(reference: string, method: string): Promise<ChargeOutcome> {
    this.assertKnownMethod(method);
    const outcome = TEST_METHODS[method]!;
    const intent = await this.db.transaction(async (tx) => {
      const charged = await repo.chargeIntent(tx, {
        id: randomRef('ch'),
        intentId: reference,
        method,
        status: outcome.status,
        failureCode: outcome.status === 'failed' ? outcome.failureCode : null,
      });
      if (!charged) return repo.findIntent(tx, reference);
      if (charged.status === 'processing') {
        await scheduleJob(tx, {
          kind: sandboxJobs.settleIntent,
          runAt: new Date(this.now().getTime() + this.settleAfterMs),
          payload: { id: charged.id } satisfies SettlePayload,
        });
      } else {
        await this.emitPaymentEvent(tx, charged);
      }
      if (method === DISPUTED_METHOD) {
        await scheduleJob(tx, {
          kind: sandboxJobs.openDispute,
          runAt: new Date(this.now().getTime() + this.disputeAfterMs),
          payload: { id: charged.id } satisfies SettlePayload,
          dedupeKey: charged.id,
        });
      }
      return charged;
    });
    if (!intent) throw new Error(`the sandbox has no intent ${reference}`);
    return outcomeOf(intent);
  }

  async fetchStatus(reference: string): Promise<ChargeOutcome> {
    const intent = await repo.findIntent(this.db, reference);
    if (!intent) throw new Error(`the sandbox has no intent ${reference}`);
    return outcomeOf(intent);
  }

  async cancel(reference: string): Promise<void> {
    await repo.cancelIntent(this.db, reference);
  }

  async refund(request: RefundRequest) {
    return this.db.transaction(async (tx) => {
      const intent = await repo.findIntent(tx, request.paymentReference, true);
      const existing = await repo.findRefund(tx, request.refundId);
      if (existing) return { reference: existing.id, status: 'succeeded' as const, failureCode: null };
      const reference = randomRef('re');
      const refunded =
        intent !== undefined &&
        (await repo.insertRefund(tx, {
          id: reference,
          idempotencyKey: request.refundId,
          intentId: intent.id,
          amount: request.amount,
        }));
      if (!refunded) return { reference, status: 'failed' as const, failureCode: 'charge_not_refundable' };
      await this.emit(tx, 'refund.succeeded', {
        payment_id: intent.paymentId,
        refund_id: request.refundId,
        amount: request.amount,
        failure_code: null,
      });
      return { reference, status: 'succeeded' as const, failureCode: null };
    });
  }

  async payout(request: PayoutRequest) {
    return this.db.transaction(async (tx) => {
      const account = await repo.findAccount(tx, request.destination);
      if (account?.status !== 'enabled') {
        return {
          reference: `refused:${request.payoutId}`,
          status: 'failed' as const,
          failureCode: 'account_invalid',
        };
      }
      const payout = await repo.payoutFor(tx, {
        id: randomRef('po'),
        idempotencyKey: request.payoutId,
        amount: request.amount,
        currency: request.currency,
      });
      if (payout.status === 'pending') {
        await scheduleJob(tx, {
          kind: sandboxJobs.settlePayout,
          runAt: new Date(this.now().getTime() + this.settleAfterMs),
          payload: { id: payout.id } satisfies SettlePayload,
          dedupeKey: payout.id,
        });
      }
      return { reference: payout.id, status: payout.status, failureCode: null };
    });
  }

  async createPayoutAccount(request: PayoutAccountRequest) {
    const account = await repo.accountFor(this.db, {
      id: randomRef('acct'),
      idempotencyKey: request.accountId,
    });
    return { reference: account.id, ...stateOf(account.status) };
  }

  async fetchPayoutAccount(reference: string): Promise<PayoutAccountState> {
    const account = await repo.findAccount(this.db, reference);
    if (!account) throw new Error(`the sandbox has no account ${reference}`);
    return stateOf(account.status);
  }

  async onboardingLink(reference: string, returnUrl: string): Promise<string> {
    const url = new URL(`${this.options.onboardingUrl}/${encodeURIComponent(reference)}`);
    url.searchParams.set('return_to', returnUrl);
    return url.href;
  }

  /** Whether the account exists, and whether it is complete (the onboarding page shows which). */
  async onboardingState(reference: string): Promise<'pending' | 'enabled' | undefined> {
    return (await repo.findAccount(this.db, reference))?.status;
  }

  /**
   * The seller submitted the onboarding page: the account is enabled and `account.updated` is on
   * its way to the webhook endpoint, like Stripe's. Answers false for an unknown account.
   */
  async completeOnboarding(reference: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await repo.findAccount(tx, reference))) return false;
      if (await repo.enableAccount(tx, reference)) {
        await this.emit(tx, 'account.updated', {
          payment_id: null,
          account_id: reference,
          status: 'enabled',
        });
      }
      return true;
    });
  }

  /**
   * Keeps the evidence at the sandbox; evidence saying `winning_evidence` or `losing_evidence`
   * decides the dispute a few seconds later (dispute.closed), anything else leaves it open.
   */
  async submitDisputeEvidence(reference: string, evidence: DisputeEvidence): Promise<void> {
    const text = [evidence.text, ...evidence.fileUrls].join('\n');
    await this.db.transaction(async (tx) => {
      const dispute = await repo.recordDisputeEvidence(tx, reference, text);
      if (!dispute) throw paymentsErrors.error('dispute_evidence_refused');
      const decided = Object.entries(DECIDING_EVIDENCE).find(([word]) => text.includes(word))?.[1];
      if (!decided) return;
      await scheduleJob(tx, {
        kind: sandboxJobs.closeDispute,
        runAt: new Date(this.now().getTime() + this.settleAfterMs),
        payload: { id: reference, status: decided } satisfies CloseDisputePayload,
        dedupeKey: reference,
      });
    });
  }

  /** The evidence the sandbox keeps for a dispute (what the provider would show its reviewers). */
  disputeEvidence(reference: string): Promise<string | null | undefined> {
    return repo.findDisputeEvidence(this.db, reference);
  }

  async parseWebhook(rawBody: Buffer, headers: IncomingHttpHeaders): Promise<ProviderEvent> {
    const header = headers['bazaar-signature'];
    verifyWebhookSignature(
      await this.options.secret(),
      rawBody,
      Array.isArray(header) ? header[0] : header,
      Math.floor(this.now().getTime() / 1000),
    );
    let parsed: z.infer<typeof SandboxEventBody>;
    try {
      parsed = SandboxEventBody.parse(JSON.parse(rawBody.toString('utf8')));
    } catch {
      throw paymentsErrors.error('event_malformed', 'The signed body is not a sandbox event.');
    }
    const { id, type, data } = parsed;
    if (
      (type === 'payment.succeeded' || type === 'payment.failed') &&
      data.payment_id &&
      data.attempt &&
      data.intent_id
    ) {
      const outcome =
        type === 'payment.succeeded'
          ? ({ status: 'succeeded' } as const)
          : ({ status: 'failed', failureCode: data.failure_code ?? 'card_declined' } as const);
      return {
        id,
        type,
        about: 'payment',
        paymentId: data.payment_id,
        attempt: data.attempt,
        reference: data.intent_id,
        outcome,
      };
    }
    if (type === 'refund.succeeded' && data.refund_id) {
      return { id, type, about: 'refund', refundId: data.refund_id, outcome: 'succeeded', failureCode: null };
    }
    if (type === 'payout.paid' && data.payout_id) {
      return { id, type, about: 'payout', payoutId: data.payout_id, outcome: 'paid', failureCode: null };
    }
    if (type === 'payout.failed' && data.payout_id) {
      const failureCode = data.failure_code ?? 'payout_failed';
      return { id, type, about: 'payout', payoutId: data.payout_id, outcome: 'failed', failureCode };
    }
    if ((type === 'dispute.created' || type === 'dispute.closed') && data.dispute_id && data.payment_id) {
      const status =
        type === 'dispute.created' ? 'open' : DISPUTE_REPORT_STATUSES.find((known) => known === data.status);
      if (status) {
        return {
          id,
          type,
          about: 'dispute',
          payment: { id: data.payment_id },
          dispute: {
            reference: data.dispute_id,
            disputeId: data.dispute_id,
            status,
            ...(data.amount !== undefined ? { amount: data.amount } : {}),
            ...(data.reason !== undefined ? { reason: data.reason } : {}),
            ...(data.evidence_due_by !== undefined
              ? { evidenceDueBy: data.evidence_due_by === null ? null : new Date(data.evidence_due_by) }
              : {}),
          },
        };
      }
    }
    const status = PAYOUT_ACCOUNT_STATUSES.find((known) => known === data.status);
    if (type === 'account.updated' && data.account_id && status) {
      const state =
        status === 'enabled' || status === 'pending' ? stateOf(status) : { status, requirements: [] };
      return { id, type, about: 'payout_account', reference: data.account_id, state };
    }
    return { id, type, about: 'nothing' };
  }

  /** Job: the event's body, signed now, to the webhook endpoint; anything but 2xx is retried. */
  private async deliver(eventId: string): Promise<void> {
    const body = await repo.findEventBody(this.db, eventId);
    if (body === undefined) return;
    const signature = signWebhook(await this.options.secret(), body, Math.floor(this.now().getTime() / 1000));
    const url = new URL(this.options.webhookUrl);
    const attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: 'POST',
      [ATTR_URL_FULL]: url.href,
      [ATTR_SERVER_ADDRESS]: url.hostname,
      [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    };
    await inSpan('POST', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const answer = await this.options.transport({
        url: url.href,
        // The endpoint's request joins this job's trace.
        headers: injectTraceContext({ 'content-type': 'application/json', 'bazaar-signature': signature }),
        body,
      });
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, answer.status);
      if (answer.status < 200 || answer.status >= 300)
        throw new Error(`the webhook endpoint answered ${answer.status}`);
    });
    await repo.markEventDelivered(this.db, eventId);
  }

  /** Job: a slow charge goes through. */
  private async settleIntent(intentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const settled = await repo.settleIntent(tx, intentId);
      if (settled) await this.emitPaymentEvent(tx, settled);
    });
  }

  private async settlePayout(payoutId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const paid = await repo.markPayoutPaid(tx, payoutId);
      if (paid) {
        await this.emit(tx, 'payout.paid', {
          payment_id: null,
          payout_id: paid.idempotencyKey,
          amount: paid.amount,
          failure_code: null,
        });
      }
    });
  }

  /** Job: the buyer's bank disputes a `pm_card_disputed` charge (dispute.created), once. */
  private async openDispute(intentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const evidenceDueBy = new Date(this.now().getTime() + EVIDENCE_DAYS * 86_400_000);
      const opened = await repo.openDispute(tx, {
        id: newId('dsp'),
        intentId,
        reason: 'fraudulent',
        evidenceDueBy,
      });
      if (opened) await this.emit(tx, 'dispute.created', disputeData(opened));
    });
  }

  /** Job: the bank decides the dispute (dispute.closed, with the whole dispute, as Stripe's events are). */
  private async closeDispute(id: string, status: 'won' | 'lost'): Promise<void> {
    await this.db.transaction(async (tx) => {
      const closed = await repo.closeDispute(tx, id, status);
      if (closed) await this.emit(tx, 'dispute.closed', disputeData(closed));
    });
  }

  private emitPaymentEvent(tx: Queryable, intent: repo.SandboxIntentRow) {
    return this.emit(tx, intent.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed', {
      payment_id: intent.paymentId,
      attempt: intent.attempt,
      intent_id: intent.id,
      amount: intent.amount,
      currency: intent.currency,
      failure_code: intent.failureCode,
    });
  }

  /** Records an event and the durable job that delivers it, in the sandbox's transaction. */
  private async emit(tx: Queryable, type: SandboxEventType, data: Record<string, unknown>): Promise<void> {
    const id = newId('evt');
    const body = JSON.stringify({ id, type, created: Math.floor(this.now().getTime() / 1000), data });
    await repo.insertEvent(tx, { id, type, body });
    await scheduleJob(tx, {
      kind: sandboxJobs.deliverEvent,
      runAt: this.now(),
      payload: { eventId: id } satisfies DeliverEventPayload,
    });
  }
}

const disputeData = (dispute: repo.SandboxDisputeRow) => ({
  dispute_id: dispute.id,
  payment_id: dispute.paymentId,
  status: dispute.status,
  amount: dispute.amount,
  currency: dispute.currency,
  reason: dispute.reason,
  evidence_due_by: dispute.evidenceDueBy.toISOString(),
});

function outcomeOf(intent: repo.SandboxIntentRow): ChargeOutcome {
  if (intent.status === 'failed')
    return { status: 'failed', failureCode: intent.failureCode ?? 'card_declined' };
  return { status: intent.status };
}
