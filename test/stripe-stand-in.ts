import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in saw of one API call. */
export interface StripeCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  form: Record<string, string>;
}

type StripeObject = Record<string, unknown> & { id: string };

/** Card test methods, as Stripe's test mode answers them. */
const CARDS: Record<string, { status: string; code?: string; declineCode?: string }> = {
  pm_card_visa: { status: 'succeeded' },
  pm_card_chargeDeclined: { status: 'declined', code: 'card_declined', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: {
    status: 'declined',
    code: 'card_declined',
    declineCode: 'insufficient_funds',
  },
  pm_card_processing: { status: 'processing' },
};

/**
 * A local HTTP server standing in for the Stripe API: the PaymentIntents, refunds, payouts,
 * Connect accounts, account links, transfers and transfer reversals the Stripe provider calls,
 * form-encoded like Stripe, answers replayed per Idempotency-Key like Stripe. Listens on 127.0.0.1
 * only, so the tests need no network.
 */
export class StripeStandIn {
  readonly calls: StripeCall[] = [];
  readonly intents = new Map<string, StripeObject>();
  readonly accounts = new Map<string, StripeObject>();
  readonly transfers = new Map<string, StripeObject>();
  readonly disputes = new Map<string, StripeObject>();
  /** The platform's balance that transfers draw on: beyond it Stripe refuses with balance_insufficient. */
  platformBalance = 1_000_000;
  private readonly replies = new Map<string, { status: number; body: unknown }>();
  private server: Server | undefined;
  private counter = 0;

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.server?.close((error) => (error ? reject(error) : resolve())),
    );
  }

  /** The seller finished onboarding at Stripe: the account can receive transfers and pay out. */
  completeAccount(id: string): StripeObject {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`the stand-in has no account ${id}`);
    Object.assign(account, {
      details_submitted: true,
      charges_enabled: true,
      payouts_enabled: true,
      capabilities: { transfers: 'active' },
      requirements: { currently_due: [], past_due: [], eventually_due: [], disabled_reason: null },
    });
    return account;
  }

  /** Takes a transfer back in full, as a platform does with `transfers.createReversal`. */
  reverseTransfer(id: string): StripeObject {
    const transfer = this.transfers.get(id);
    if (!transfer) throw new Error(`the stand-in has no transfer ${id}`);
    transfer.amount_reversed = transfer.amount;
    transfer.reversed = true;
    return transfer;
  }

  /** The buyer's bank disputes `amount` of the intent's charge: the dispute as Stripe's events carry it. */
  openDispute(intentId: string, amount: number, reason = 'fraudulent'): StripeObject {
    const intent = this.intents.get(intentId);
    if (!intent) throw new Error(`the stand-in has no intent ${intentId}`);
    const dispute = {
      id: this.nextId('du'),
      object: 'dispute',
      amount,
      currency: intent.currency,
      charge: intent.latest_charge,
      payment_intent: intent.id,
      reason,
      status: 'needs_response',
      evidence: { uncategorized_text: null },
      evidence_details: { due_by: Math.floor(Date.now() / 1000) + 7 * 86_400, submission_count: 0 },
    };
    this.disputes.set(dispute.id, dispute);
    return dispute;
  }

  private nextId(prefix: string) {
    this.counter += 1;
    return `${prefix}_standin${this.counter}`;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const call: StripeCall = {
      method: request.method ?? 'GET',
      path: (request.url ?? '/').split('?')[0]!,
      idempotencyKey: header('idempotency-key'),
      authorization: header('authorization'),
      form,
    };
    this.calls.push(call);
    const replayKey = call.idempotencyKey && `${call.method} ${call.path} ${call.idempotencyKey}`;
    const reply = (replayKey && this.replies.get(replayKey)) || this.answer(call);
    if (replayKey) this.replies.set(replayKey, reply);
    response.writeHead(reply.status, {
      'content-type': 'application/json',
      'request-id': `req_${this.counter}`,
    });
    response.end(JSON.stringify(reply.body));
  }

  private answer(call: StripeCall): { status: number; body: unknown } {
    const metadata = (prefix = 'metadata') =>
      Object.fromEntries(
        Object.entries(call.form)
          .filter(([key]) => key.startsWith(`${prefix}[`))
          .map(([key, value]) => [key.slice(prefix.length + 1, -1), value]),
      );
    const intentPath = /^\/v1\/payment_intents\/([^/]+)(\/confirm|\/cancel)?$/.exec(call.path);
    if (call.method === 'POST' && call.path === '/v1/payment_intents') {
      const intent = {
        id: this.nextId('pi'),
        object: 'payment_intent',
        amount: Number(call.form.amount),
        currency: call.form.currency,
        status: 'requires_payment_method',
        metadata: metadata(),
        last_payment_error: null,
        latest_charge: null,
      };
      this.intents.set(intent.id, intent);
      return { status: 200, body: intent };
    }
    if (intentPath) {
      const intent = this.intents.get(intentPath[1]!);
      if (!intent) return this.error(404, 'invalid_request_error', 'resource_missing');
      if (intentPath[2] === '/cancel') {
        if (intent.status === 'succeeded')
          return this.error(400, 'invalid_request_error', 'payment_intent_unexpected_state');
        intent.status = 'canceled';
      }
      if (intentPath[2] === '/confirm') {
        const card = CARDS[call.form.payment_method ?? ''];
        if (!card) return this.error(400, 'invalid_request_error', 'resource_missing');
        intent.latest_charge = this.nextId('ch');
        if (card.status === 'declined') {
          intent.status = 'requires_payment_method';
          intent.last_payment_error = { type: 'card_error', code: card.code, decline_code: card.declineCode };
          return this.error(402, 'card_error', card.code!, {
            decline_code: card.declineCode,
            payment_intent: intent,
          });
        }
        intent.status = card.status;
      }
      return { status: 200, body: intent };
    }
    if (call.method === 'POST' && call.path === '/v1/refunds') {
      const intent = this.intents.get(call.form.payment_intent ?? '');
      if (intent?.status !== 'succeeded')
        return this.error(400, 'invalid_request_error', 'charge_not_refundable');
      return {
        status: 200,
        body: {
          id: this.nextId('re'),
          object: 'refund',
          amount: Number(call.form.amount),
          status: 'succeeded',
          metadata: metadata(),
          failure_reason: null,
        },
      };
    }
    const accountPath = /^\/v1\/accounts\/([^/]+)$/.exec(call.path);
    if (call.method === 'POST' && call.path === '/v1/accounts') {
      const account = {
        id: this.nextId('acct'),
        object: 'account',
        type: call.form.type,
        email: call.form.email ?? null,
        metadata: metadata(),
        details_submitted: false,
        charges_enabled: false,
        payouts_enabled: false,
        capabilities: { transfers: 'inactive' },
        requirements: {
          currently_due: ['external_account', 'tos_acceptance.date'],
          past_due: [],
          eventually_due: [],
          disabled_reason: 'requirements.past_due',
        },
      };
      this.accounts.set(account.id, account);
      return { status: 200, body: account };
    }
    if (call.method === 'GET' && accountPath) {
      const account = this.accounts.get(accountPath[1]!);
      return account
        ? { status: 200, body: account }
        : this.error(404, 'invalid_request_error', 'resource_missing');
    }
    if (call.method === 'POST' && call.path === '/v1/account_links') {
      if (!this.accounts.has(call.form.account ?? ''))
        return this.error(400, 'invalid_request_error', 'resource_missing');
      return {
        status: 200,
        body: {
          object: 'account_link',
          url: `https://connect.stripe.test/setup/e/${call.form.account}/${this.nextId('link')}`,
          expires_at: Math.floor(Date.now() / 1000) + 300,
        },
      };
    }
    if (call.method === 'POST' && call.path === '/v1/transfers') {
      const destination = this.accounts.get(call.form.destination ?? '');
      if ((destination?.capabilities as { transfers?: string } | undefined)?.transfers !== 'active')
        return this.error(400, 'invalid_request_error', 'account_invalid');
      const amount = Number(call.form.amount);
      if (amount > this.platformBalance)
        return this.error(400, 'invalid_request_error', 'balance_insufficient');
      this.platformBalance -= amount;
      const transfer = {
        id: this.nextId('tr'),
        object: 'transfer',
        amount,
        amount_reversed: 0,
        reversed: false,
        currency: call.form.currency,
        destination: destination!.id,
        transfer_group: call.form.transfer_group ?? null,
        metadata: metadata(),
      };
      this.transfers.set(transfer.id, transfer);
      return { status: 200, body: transfer };
    }
    const disputePath = /^\/v1\/disputes\/([^/]+)$/.exec(call.path);
    if (call.method === 'POST' && disputePath) {
      const dispute = this.disputes.get(disputePath[1]!);
      if (!dispute) return this.error(404, 'invalid_request_error', 'resource_missing');
      const details = dispute.evidence_details as { submission_count: number };
      // Stripe takes one submission: after it, or once decided, evidence is refused.
      if (dispute.status !== 'needs_response' || details.submission_count > 0)
        return this.error(400, 'invalid_request_error', 'dispute_already_submitted');
      dispute.evidence = { uncategorized_text: call.form['evidence[uncategorized_text]'] ?? null };
      if (call.form.submit === 'true') {
        details.submission_count += 1;
        dispute.status = 'under_review';
      }
      return { status: 200, body: dispute };
    }
    if (call.method === 'POST' && call.path === '/v1/payouts') {
      return {
        status: 200,
        body: {
          id: this.nextId('po'),
          object: 'payout',
          amount: Number(call.form.amount),
          status: 'pending',
          metadata: metadata(),
          failure_code: null,
        },
      };
    }
    return this.error(404, 'invalid_request_error', 'resource_missing');
  }

  private error(status: number, type: string, code: string, extra: Record<string, unknown> = {}) {
    return { status, body: { error: { type, code, message: `stand-in: ${code}`, ...extra } } };
  }
}
