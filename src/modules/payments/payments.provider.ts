import type { IncomingHttpHeaders } from 'node:http';

export const PROVIDER_NAMES = ['sandbox', 'stripe'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Where the provider says a charge stands. */
export type ChargeOutcome =
  | { status: 'requires_confirmation' }
  | { status: 'processing' }
  | { status: 'succeeded' }
  | { status: 'failed'; failureCode: string }
  | { status: 'canceled' };

/** One confirm attempt of a payment: the provider keeps one intent per attempt. */
export interface IntentRequest {
  paymentId: string;
  attempt: number;
  amount: number;
  currency: string;
}

export interface RefundRequest {
  refundId: string;
  /** The intent whose charge is refunded. */
  paymentReference: string;
  amount: number;
  currency: string;
}

export interface PayoutRequest {
  payoutId: string;
  shopId: string;
  amount: number;
  currency: string;
}

export interface ProviderAnswer<Status extends string> {
  reference: string;
  status: Status;
  failureCode: string | null;
}

/** A verified webhook event, in our terms. */
export type ProviderEvent = { id: string; type: string } & (
  | {
      about: 'payment';
      paymentId: string;
      attempt: number;
      /** The intent the event is about. */
      reference: string;
      outcome: { status: 'succeeded' } | { status: 'failed'; failureCode: string };
    }
  | { about: 'refund'; refundId: string; outcome: 'succeeded' | 'failed'; failureCode: string | null }
  | { about: 'payout'; payoutId: string; outcome: 'paid' | 'failed'; failureCode: string | null }
  /** A type we do not act on. */
  | { about: 'nothing' }
);

/**
 * A payment service provider. Every call may cross the network: callers make them outside any
 * database transaction, and every call that creates or moves money is idempotent (keyed by our
 * ids), so a retry after a crash or a timeout never charges, refunds or pays out twice.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  /** Refuses, with a 422 at /payment_method, a method the provider cannot charge. */
  assertKnownMethod(method: string): void;
  /** The intent of one confirm attempt: the same request answers the same intent. */
  createIntent(request: IntentRequest): Promise<{ reference: string }>;
  /** Charges the intent with the method; confirming an intent again answers where it stands. */
  confirm(reference: string, method: string): Promise<ChargeOutcome>;
  fetchStatus(reference: string): Promise<ChargeOutcome>;
  /** Cancels an intent nothing was captured on. */
  cancel(reference: string): Promise<void>;
  refund(request: RefundRequest): Promise<ProviderAnswer<'pending' | 'succeeded' | 'failed'>>;
  payout(request: PayoutRequest): Promise<ProviderAnswer<'pending' | 'paid' | 'failed'>>;
  /** Verifies a webhook on its raw body and parses it; throws InvalidSignature. */
  parseWebhook(rawBody: Buffer, headers: IncomingHttpHeaders): Promise<ProviderEvent>;
}
