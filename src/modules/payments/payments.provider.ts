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
  /** The shop's account at the provider the money goes to: never the platform's own. */
  destination: string;
}

export const PAYOUT_ACCOUNT_STATUSES = ['pending', 'enabled', 'restricted', 'disabled'] as const;
export type PayoutAccountStatus = (typeof PAYOUT_ACCOUNT_STATUSES)[number];

/** Where a shop's account at the provider stands: only `enabled` accounts are paid out to. */
export interface PayoutAccountState {
  status: PayoutAccountStatus;
  /** What the provider still needs from the seller. */
  requirements: string[];
}

export interface PayoutAccountRequest {
  /** Our payout account id: it keys the provider call, so a retry finds the same account. */
  accountId: string;
  shopId: string;
  email: string | undefined;
}

export interface ProviderAnswer<Status extends string> {
  reference: string;
  status: Status;
  failureCode: string | null;
}

export const DISPUTE_REPORT_STATUSES = ['open', 'won', 'lost'] as const;

/**
 * What the provider says of a card dispute now: every dispute event carries the whole dispute, so
 * events applied in any order end where the last one says.
 */
export interface DisputeReport {
  /** The provider's id of the dispute. */
  reference: string;
  /** Our id for it, when the provider uses ours (the sandbox's are the ids the API shows). */
  disputeId?: string;
  status: (typeof DISPUTE_REPORT_STATUSES)[number];
  /** What the event does not say is absent (a sandbox closing need not repeat the amount). */
  amount?: number;
  reason?: string;
  evidenceDueBy?: Date | null;
}

/** Evidence for a dispute, as the provider is sent it. */
export interface DisputeEvidence {
  /** Each shop's text, in the order they were submitted. */
  text: string;
  /** Absolute URLs of the images that go with it. */
  fileUrls: string[];
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
  /** A card dispute of a payment, known by our id or by its intent at the provider. */
  | {
      about: 'dispute';
      payment: { id: string } | { reference: string };
      dispute: DisputeReport;
    }
  /** A shop's account at the provider changed (`reference` is the provider's account id). */
  | { about: 'payout_account'; reference: string; state: PayoutAccountState }
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
  /** Moves the money to `request.destination`, keyed by the payout id. */
  payout(request: PayoutRequest): Promise<ProviderAnswer<'pending' | 'paid' | 'failed'>>;
  /** Opens a shop's account at the provider (the same request answers the same account). */
  createPayoutAccount(request: PayoutAccountRequest): Promise<{ reference: string } & PayoutAccountState>;
  fetchPayoutAccount(reference: string): Promise<PayoutAccountState>;
  /** Where the seller completes the account; the provider sends them back to `returnUrl`. */
  onboardingLink(reference: string, returnUrl: string): Promise<string>;
  /**
   * Sends the sellers' evidence for a dispute (`reference`, the provider's id); a dispute the provider
   * no longer takes evidence for is refused with 409 invalid_state.
   */
  submitDisputeEvidence(reference: string, evidence: DisputeEvidence): Promise<void>;
  /** Verifies a webhook on its raw body and parses it; throws InvalidSignature. */
  parseWebhook(rawBody: Buffer, headers: IncomingHttpHeaders): Promise<ProviderEvent>;
}
