import type { IncomingHttpHeaders } from 'node:http';
import Stripe from 'stripe';
import { paymentsErrors } from './payments.errors.js';
import type {
  ChargeOutcome,
  IntentRequest,
  PaymentProvider,
  PayoutRequest,
  ProviderEvent,
  RefundRequest,
} from './payments.provider.js';
import { SIGNATURE_TOLERANCE_SECONDS } from './webhook-signature.js';

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
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
 * Stripe through its official SDK: one PaymentIntent per confirm attempt (its metadata names our
 * payment and attempt), refunds and payouts keyed by our ids (Stripe's idempotency keys), webhooks
 * verified with `constructEvent` on the raw body with an explicit tolerance.
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

  async payout(request: PayoutRequest) {
    try {
      const payout = await this.stripe.payouts.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          metadata: { payout_id: request.payoutId, shop_id: request.shopId },
        },
        { idempotencyKey: `bazaar-payout-${request.payoutId}` },
      );
      const status =
        payout.status === 'paid'
          ? 'paid'
          : payout.status === 'failed' || payout.status === 'canceled'
            ? 'failed'
            : 'pending';
      return { reference: payout.id, status, failureCode: payout.failure_code ?? null } as const;
    } catch (error) {
      // Refused outright (e.g. an insufficient Stripe balance): the payout failed, nothing moved.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) {
        return {
          reference: `refused:${request.payoutId}`,
          status: 'failed',
          failureCode: error.code ?? 'payout_refused',
        } as const;
      }
      throw error;
    }
  }

  async parseWebhook(rawBody: Buffer, headers: IncomingHttpHeaders): Promise<ProviderEvent> {
    const header = headers['stripe-signature'];
    if (!header) throw paymentsErrors.error('signature_missing', 'The Stripe-Signature header is missing.');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        header,
        this.options.webhookSecret,
        SIGNATURE_TOLERANCE_SECONDS,
      );
    } catch {
      throw paymentsErrors.error('signature_mismatch', 'The Stripe-Signature does not verify.');
    }
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
      case 'payout.paid':
      case 'payout.failed': {
        const payout = event.data.object;
        const payoutId = payout.metadata?.payout_id;
        if (!payoutId) return { id, type, about: 'nothing' };
        const outcome = event.type === 'payout.paid' ? 'paid' : 'failed';
        return { id, type, about: 'payout', payoutId, outcome, failureCode: payout.failure_code ?? null };
      }
      default:
        return { id, type, about: 'nothing' };
    }
  }
}
