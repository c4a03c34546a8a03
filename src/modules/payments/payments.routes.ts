import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AuthGuards,
  bearerSecurity,
  callerOf,
  guestSecurity,
  orderAccessOf,
} from '../../platform/http.js';
import { type Idempotency, IdempotencyKeyHeader } from '../../platform/idempotency.js';
import { pageOf } from '../../platform/pagination.js';
import { combineResponses } from '../../platform/problems.js';
import { ledgerErrors } from '../ledger/index.js';
import { paymentsErrors } from './payments.errors.js';
import {
  AdminPayment,
  AdminPaymentListQuery,
  AdminPayout,
  AdminPayoutListQuery,
  AdminRefund,
  AdminRefundListQuery,
  ConfirmBody,
  Payment,
  Payout,
  PayoutAccount,
  PayoutListQuery,
  payoutBody,
  WebhookAnswer,
  WebhookParams,
} from './payments.schemas.js';
import type { PaymentsService } from './payments.service.js';

const Params = z.strictObject({ id: z.string().min(1).max(64) });

/** Webhook bodies are verified byte for byte; JSON parsing happens after the signature check. */
const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

export function paymentsRoutes(
  app: FastifyInstance,
  service: PaymentsService,
  guards: AuthGuards,
  idempotency: Idempotency,
  currency: string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['payments'];

  r.get(
    '/v1/payments/:id',
    {
      onRequest: guards.userOrGuest('order'),
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'A payment of the caller (or of the checkout whose Bazaar-Order-Token is sent)',
        security: guestSecurity('order'),
        params: Params,
        response: { 200: Payment, ...paymentsErrors.responses('payment_not_found') },
      },
    },
    async (request) => service.get(orderAccessOf(request), request.params.id),
  );

  r.post(
    '/v1/payments/:id/confirm',
    {
      onRequest: guards.userOrGuest('order'),
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary:
          'Confirm a payment with a payment method (sandbox: pm_card_visa, pm_card_declined, pm_card_insufficient_funds, pm_card_slow)',
        security: guestSecurity('order'),
        params: Params,
        headers: IdempotencyKeyHeader,
        body: ConfirmBody,
        response: {
          200: Payment,
          ...paymentsErrors.responses(
            'payment_not_found',
            'payment_method_unknown',
            'payment_not_confirmable',
          ),
        },
      },
    },
    async (request, reply) =>
      idempotency.run(request, reply, async (answer) => ({
        status: 200,
        body: await service.confirm(
          orderAccessOf(request),
          request.params.id,
          request.body.payment_method,
          answer,
        ),
      })),
  );

  // In a scope of its own: the raw bytes of the body, whatever its content type, for the signature.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/webhooks/:provider',
      {
        schema: {
          'x-bazaar-scope': 'public',
          tags,
          summary:
            'A signed event from a payment provider (sandbox: header Bazaar-Signature; stripe: Stripe-Signature); applied once',
          params: WebhookParams,
          response: {
            200: WebhookAnswer,
            ...paymentsErrors.responses(
              'webhook_provider_unknown',
              'signature_missing',
              'signature_malformed',
              'signature_stale',
              'signature_mismatch',
              'event_malformed',
              'event_early',
            ),
          },
        },
      },
      async (request) => ({
        received: true as const,
        outcome: await service.receiveWebhook(
          request.params.provider,
          Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          request.headers,
        ),
      }),
    );
  });

  const admin = {
    tags: ['admin'],
    security: bearerSecurity,
    onRequest: guards.admin,
    'x-bazaar-scope': 'admin' as const,
  };
  const period = paymentsErrors.responses('period_invalid');
  r.get(
    '/v1/admin/payments',
    {
      onRequest: admin.onRequest,
      schema: {
        ...admin,
        summary: 'Every payment, newest first: `?status=&from=&to=`',
        querystring: AdminPaymentListQuery,
        response: { 200: pageOf(AdminPayment), ...period },
      },
    },
    async (request) => service.listAllPayments(request.query),
  );
  r.get(
    '/v1/admin/refunds',
    {
      onRequest: admin.onRequest,
      schema: {
        ...admin,
        summary: 'Every refund, newest first: `?status=&from=&to=`',
        querystring: AdminRefundListQuery,
        response: { 200: pageOf(AdminRefund), ...period },
      },
    },
    async (request) => service.listAllRefunds(request.query),
  );
  r.get(
    '/v1/admin/payouts',
    {
      onRequest: admin.onRequest,
      schema: {
        ...admin,
        summary: 'Every payout, newest first: `?status=&from=&to=`',
        querystring: AdminPayoutListQuery,
        response: { 200: pageOf(AdminPayout), ...period },
      },
    },
    async (request) => service.listAllPayouts(request.query),
  );

  const seller = { tags: ['seller money'], security: bearerSecurity };
  r.post(
    '/v1/shop/payouts',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'session',
        ...seller,
        summary: "Pay out the shop's available money (never more than available)",
        headers: IdempotencyKeyHeader,
        body: payoutBody(currency),
        response: {
          201: Payout,
          ...combineResponses(
            paymentsErrors.responses('payout_account_required'),
            ledgerErrors.responses('payout_exceeds_available'),
          ),
        },
      },
    },
    async (request, reply) =>
      idempotency.run(request, reply, async (answer) => ({
        status: 201,
        body: await service.requestPayout(callerOf(request), request.body.amount.amount, answer),
      })),
  );

  r.get(
    '/v1/shop/payouts',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'payouts:read',
        ...seller,
        summary: "The shop's payouts, newest first",
        querystring: PayoutListQuery,
        response: { 200: pageOf(Payout) },
      },
    },
    async (request) => service.listPayouts(callerOf(request), request.query),
  );

  r.post(
    '/v1/shop/payout-account',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'session',
        ...seller,
        summary:
          "Open the shop's payout account at the payment provider (201); with one open already, answers it with a fresh onboarding link (200)",
        response: { 201: PayoutAccount, 200: PayoutAccount },
      },
    },
    async (request, reply) => {
      const { created, view } = await service.openPayoutAccount(callerOf(request));
      return reply.status(created ? 201 : 200).send(view);
    },
  );

  r.get(
    '/v1/shop/payout-account',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'payouts:read',
        ...seller,
        summary: "The shop's payout account, refreshed from the provider",
        response: { 200: PayoutAccount, ...paymentsErrors.responses('payout_account_not_found') },
      },
    },
    async (request) => service.getPayoutAccount(callerOf(request)),
  );
}
