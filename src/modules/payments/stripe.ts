import type { IncomingHttpHeaders } from 'node:http';
import Stripe from 'stripe';
import { paymentsErrors } from './payments.errors.js';
import type {
  ChargeOutcome,
  DisputeEvidence,
  DisputeReport,
  IntentRequest,
  PaymentProvider,
  PayoutAccountRequest,
  PayoutAccountState,
  PayoutRequest,
  ProviderEvent,
  RefundRequest,
} from './payments.provider.js';
import { SIGNATURE_TOLERANCE_SECONDS } from './webhook-signature.js';

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
  /** Signs the events of the Connect endpoint (account.updated, transfers), when it is a separate one. */
  connectWebhookSecret?: string | undefined;
  /** Another API location than api.stripe.com (stripe-mock, a stand-in in tests). */
  apiUrl?: string | undefined;
}

const PAYMENT_METHOD_ID = /^pm_[A-Za-z0-9_]{1,120}$/;

function apiLocation(apiUrl: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

/** Our failure code for a Stripe decline: its decline code when it says more than "generic". */
function failureCodeOf(
  error: { code?: string | undefined; decline_code?: string | undefined } | null | undefined,
) {
  const decline = error?.decline_code;
  return decline && decline !== 'generic_decline' ? decline : (error?.code ?? 'card_declined');
}

function outcomeOf(intent: Stripe.PaymentIntent): ChargeOutcome {
  switch (intent.status) {
    case 'succeeded':
      return { status: 'succeeded' };
    case 'processing':
    case 'requires_capture':
      return { status: 'processing' };
    case 'canceled':
      return { status: 'canceled' };
    case 'requires_action':
      // No client of this API can complete a 3-D Secure challenge.
      return { status: 'failed', failureCode: 'authentication_required' };
    default:
      return intent.last_payment_error
        ? { status: 'failed', failureCode: failureCodeOf(intent.last_payment_error) }
        : { status: 'requires_confirmation' };
  }
}

/**
 * Where a Stripe dispute stands, in our terms. Inquiries (`warning_*`) hold the money too, since
 * they may turn into chargebacks; an inquiry closed without one (`warning_closed`) and a dispute
 * `prevented` before it reached the bank end like a won one. Appeals keep the dispute open.
 */
export function disputeStatusOf(status: Stripe.Dispute.Status): DisputeReport['status'] {
  if (status === 'won' || status === 'warning_closed' || status === 'prevented') return 'won';
  if (status === 'lost') return 'lost';
  return 'open';
}

/**
 * A connected account's standing: `enabled` once Stripe lets it receive transfers and pay out,
 * `disabled` when Stripe rejected it, `restricted` when the seller submitted details but Stripe
 * needs more, `pending` until the seller has been through onboarding.
 */
export function payoutAccountStateOf(account: Stripe.Account): PayoutAccountState {
  const due = account.requirements;
  const requirements = [...new Set([...(due?.past_due ?? []), ...(due?.currently_due ?? [])])];
  if (due?.disabled_reason?.startsWith('rejected')) return { status: 'disabled', requirements };
  if (account.payouts_enabled && account.capabilities?.transfers === 'active')
    return { status: 'enabled', requirements };
  return { status: account.details_submitted ? 'restricted' : 'pending', requirements };
}

/**
 * Stripe through its official SDK: one PaymentIntent per confirm attempt (its metadata names our
 * payment and attempt), refunds keyed by our ids (Stripe's idempotency keys), payouts as Connect
 * transfers to the shop's Express account keyed by the payout id (never a payout from the
 * platform's own balance), webhooks verified with `constructEvent` on the raw body with an
 * explicit tolerance, against the platform endpoint's secret or the Connect endpoint's.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(private readonly options: StripeOptions) {
    this.stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      ...apiLocation(options.apiUrl),
    });
  }

  assertKnownMethod(method: string): void {
    if (!PAYMENT_METHOD_ID.test(method))
      throw paymentsErrors.invalidAt(
        'payment_method_unknown',
        '/payment_method',
        'a Stripe PaymentMethod id (pm_…)',
      );
  }

  async createIntent(request: IntentRequest): Promise<{ reference: string }> {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount: request.amount,
        currency: request.currency.toLowerCase(),
        // Confirmed server-side: no method that needs a redirect the API could not follow.
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        metadata: { payment_id: request.paymentId, attempt: String(request.attempt) },
      },
      { idempotencyKey: `bazaar-intent-${request.paymentId}-${request.attempt}` },
    );
    return { reference: intent.id };
  }

  async confirm(reference: string, method: string): Promise<ChargeOutcome> {
    try {
      const intent = await this.stripe.paymentIntents.confirm(
        reference,
        { payment_method: method },
        { idempotencyKey: `bazaar-confirm-${reference}` },
      );
      return outcomeOf(intent);
    } catch (error) {
      // A decline, or a method Stripe refuses (unknown, unusable): this attempt failed; another may not.
      if (
        error instanceof Stripe.errors.StripeCardError ||
        error instanceof Stripe.errors.StripeInvalidRequestError
      ) {
        return { status: 'failed', failureCode: failureCodeOf(error) };
      }
      throw error;
    }
  }

  async fetchStatus(reference: string): Promise<ChargeOutcome> {
    return outcomeOf(await this.stripe.paymentIntents.retrieve(reference));
  }

  async cancel(reference: string): Promise<void> {
    try {
      await this.stripe.paymentIntents.cancel(reference);
    } catch (error) {
      // Already canceled, or beyond cancelling: either way nothing is left to cancel.
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
    }
  }

  async refund(request: RefundRequest) {
    const refund = await this.stripe.refunds.create(
      {
        payment_intent: request.paymentReference,
        amount: request.amount,
        metadata: { refund_id: request.refundId },
      },
      { idempotencyKey: `bazaar-refund-${request.refundId}` },
    );
    const status =
      refund.status === 'succeeded'
        ? 'succeeded'
        : refund.status === 'failed' || refund.status === 'canceled'
          ? 'failed'
          : 'pending';
    return { reference: refund.id, status, failureCode: refund.failure_reason ?? null } as const;
  }

  /**
   * A transfer from the platform's balance to the shop's connected account. Once Stripe accepts it
   * the money is in the seller's Stripe balance: the payout is `paid` (the account's own schedule
   * takes it to the bank). A reversal later makes it `failed` (transfer.reversed).
   */
  async payout(request: PayoutRequest) {
    try {
      const transfer = await this.stripe.transfers.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          destination: request.destination,
          transfer_group: request.payoutId,
          metadata: { payout_id: request.payoutId, shop_id: request.shopId },
        },
        { idempotencyKey: request.payoutId },
      );
      return { reference: transfer.id, status: 'paid', failureCode: null } as const;
    } catch (error) {
      // Refused outright (an insufficient platform balance, an account that cannot receive): nothing moved.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) {
        return {
          reference: `refused:${request.payoutId}`,
          status: 'failed',
          failureCode: error.code ?? 'transfer_refused',
        } as const;
      }
      throw error;
    }
  }

  async createPayoutAccount(request: PayoutAccountRequest) {
    const account = await this.stripe.accounts.create(
      {
        type: 'express',
        ...(request.email ? { email: request.email } : {}),
        capabilities: { transfers: { requested: true } },
        metadata: { payout_account_id: request.accountId, shop_id: request.shopId },
      },
      { idempotencyKey: `bazaar-account-${request.accountId}` },
    );
    return { reference: account.id, ...payoutAccountStateOf(account) };
  }

  async fetchPayoutAccount(reference: string): Promise<PayoutAccountState> {
    return payoutAccountStateOf(await this.stripe.accounts.retrieve(reference));
  }

  async onboardingLink(reference: string, returnUrl: string): Promise<string> {
    const link = await this.stripe.accountLinks.create({
      account: reference,
      type: 'account_onboarding',
      // Links expire within minutes: an expired one sends the seller back to ask for a fresh one.
      refresh_url: returnUrl,
      return_url: returnUrl,
    });
    return link.url;
  }

  /**
   * The evidence as the dispute's uncategorised text (with the images' URLs), submitted to the bank
   * at once: Stripe takes one submission, and refuses a later one (409 invalid_state).
   */
  async submitDisputeEvidence(reference: string, evidence: DisputeEvidence): Promise<void> {
    try {
      await this.stripe.disputes.update(reference, {
        evidence: { uncategorized_text: [evidence.text, ...evidence.fileUrls].join('\n') },
        submit: true,
      });
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError)
        throw paymentsErrors.error('dispute_evidence_refused');
      throw error;
    }
  }

  /** The event, verified against the platform endpoint's secret, or else the Connect endpoint's. */
  private verify(rawBody: Buffer, header: string | string[]): Stripe.Event {
    const secrets = [this.options.webhookSecret, this.options.connectWebhookSecret].filter(
      (secret): secret is string => Boolean(secret),
    );
    for (const secret of secrets) {
      try {
        return this.stripe.webhooks.constructEvent(rawBody, header, secret, SIGNATURE_TOLERANCE_SECONDS);
      } catch {
        // Not this endpoint's secret (or not valid at all): the next one, then a refusal.
      }
    }
    throw paymentsErrors.error('signature_mismatch', 'The Stripe-Signature does not verify.');
  }

  async parseWebhook(rawBody: Buffer, headers: IncomingHttpHeaders): Promise<ProviderEvent> {
    const header = headers['stripe-signature'];
    if (!header) throw paymentsErrors.error('signature_missing', 'The Stripe-Signature header is missing.');
    const event = this.verify(rawBody, header);
    const { id, type } = event;
    switch (event.type) {
      case 'payment_intent.succeeded':
      case 'payment_intent.payment_failed': {
        const intent = event.data.object;
        const attempt = Number(intent.metadata?.attempt);
        const paymentId = intent.metadata?.payment_id;
        if (!paymentId || !Number.isInteger(attempt) || attempt < 1) return { id, type, about: 'nothing' };
        const outcome =
          event.type === 'payment_intent.succeeded'
            ? ({ status: 'succeeded' } as const)
            : ({ status: 'failed', failureCode: failureCodeOf(intent.last_payment_error) } as const);
        return { id, type, about: 'payment', paymentId, attempt, reference: intent.id, outcome };
      }
      case 'refund.updated':
      case 'refund.failed': {
        const refund = event.data.object;
        const refundId = refund.metadata?.refund_id;
        const settled =
          refund.status === 'succeeded'
            ? 'succeeded'
            : refund.status === 'failed' || refund.status === 'canceled'
              ? 'failed'
              : undefined;
        if (!refundId || !settled) return { id, type, about: 'nothing' };
        return {
          id,
          type,
          about: 'refund',
          refundId,
          outcome: settled,
          failureCode: refund.failure_reason ?? null,
        };
      }
      case 'transfer.reversed': {
        const transfer = event.data.object;
        const payoutId = transfer.metadata?.payout_id;
        // Only a transfer taken back in full undoes the payout; a partial reversal is not one of ours.
        if (!payoutId || transfer.amount_reversed < transfer.amount) return { id, type, about: 'nothing' };
        return { id, type, about: 'payout', payoutId, outcome: 'failed', failureCode: 'transfer_reversed' };
      }
      case 'charge.dispute.created':
      case 'charge.dispute.updated':
      case 'charge.dispute.closed': {
        const dispute = event.data.object;
        const intent = dispute.payment_intent;
        const reference = typeof intent === 'string' ? intent : intent?.id;
        if (!reference) return { id, type, about: 'nothing' };
        const dueBy = dispute.evidence_details?.due_by;
        return {
          id,
          type,
          about: 'dispute',
          payment: { reference },
          dispute: {
            reference: dispute.id,
            status: disputeStatusOf(dispute.status),
            amount: dispute.amount,
            reason: dispute.reason,
            evidenceDueBy: typeof dueBy === 'number' ? new Date(dueBy * 1000) : null,
          },
        };
      }
      case 'account.updated': {
        const account = event.data.object;
        return {
          id,
          type,
          about: 'payout_account',
          reference: account.id,
          state: payoutAccountStateOf(account),
        };
      }
      default:
        return { id, type, about: 'nothing' };
    }
  }
}
