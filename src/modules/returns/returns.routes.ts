import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { combineResponses } from '../../platform/problems.js';
import { ordersErrors } from '../orders/index.js';
import { returnsErrors } from './returns.errors.js';
import {
  NoteBody,
  ReceiveBody,
  RejectBody,
  ResolveBody,
  Return,
  ReturnList,
  ReturnListQuery,
  ReturnParams,
  ReturnRequestBody,
} from './returns.schemas.js';
import type { ReturnsService } from './returns.service.js';

export function returnsRoutes(app: FastifyInstance, service: ReturnsService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['returns'];
  const security = bearerSecurity;
  const acting = (...reasons: Parameters<typeof returnsErrors.responses>) =>
    returnsErrors.responses('return_not_found', 'return_transition_refused', ...reasons);

  r.post(
    '/v1/orders/:id/returns',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Ask to return items of a shipped or delivered order (its buyer)',
        security,
        params: ReturnParams,
        body: ReturnRequestBody,
        response: {
          201: Return,
          ...returnsErrors.responses(
            'order_not_found',
            'not_return_buyer',
            'order_not_returnable',
            'return_window_closed',
            'return_item_unknown',
            'return_quantity_exceeded',
            'return_exceeds_refundable',
          ),
        },
      },
    },
    async (request, reply) => {
      const { items, reason, note } = request.body;
      reply.status(201);
      return service.request(callerOf(request), request.params.id, {
        items: items.map((item) => ({ orderItemId: item.order_item_id, quantity: item.quantity })),
        reason,
        note,
      });
    },
  );

  r.get(
    '/v1/orders/:id/returns',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'orders:read',
        tags,
        summary: "An order's returns, oldest first (its buyer, its shop's seller, or an admin)",
        security,
        params: ReturnParams,
        response: { 200: ReturnList, ...returnsErrors.responses('order_not_found') },
      },
    },
    async (request) => service.listOfOrder(callerOf(request), request.params.id),
  );

  r.get(
    '/v1/returns/:id',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'orders:read',
        tags,
        summary: "A return (its buyer, its shop's seller, or an admin)",
        security,
        params: ReturnParams,
        response: { 200: Return, ...returnsErrors.responses('return_not_found') },
      },
    },
    async (request) => service.get(callerOf(request), request.params.id),
  );

  r.get(
    '/v1/shop/returns',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'orders:read',
        tags,
        summary: "Returns of the caller's shop, newest first",
        security,
        querystring: ReturnListQuery,
        response: { 200: ReturnList, ...returnsErrors.responses('period_invalid') },
      },
    },
    async (request) => service.list(callerOf(request).shop!.id, request.query),
  );

  r.get(
    '/v1/admin/returns',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags,
        summary: 'Returns of every shop, newest first (`?status=escalated`: those waiting for an admin)',
        security,
        querystring: ReturnListQuery,
        response: { 200: ReturnList, ...returnsErrors.responses('period_invalid') },
      },
    },
    async (request) => service.list(undefined, request.query),
  );

  r.post(
    '/v1/returns/:id/approve',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'orders:write',
        tags,
        summary: 'Approve a requested return (the shop’s seller)',
        security,
        params: ReturnParams,
        body: NoteBody,
        response: { 200: Return, ...acting('not_return_seller') },
      },
    },
    async (request) => service.approve(callerOf(request), request.params.id, request.body?.note),
  );

  r.post(
    '/v1/returns/:id/reject',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'orders:write',
        tags,
        summary: 'Reject a requested return, saying why (the shop’s seller)',
        security,
        params: ReturnParams,
        body: RejectBody,
        response: { 200: Return, ...acting('not_return_seller') },
      },
    },
    async (request) => service.reject(callerOf(request), request.params.id, request.body.reason),
  );

  r.post(
    '/v1/returns/:id/receive',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'orders:write',
        tags,
        summary:
          'The items of an approved return came back: refund them with one Refund, optionally restocking them (the shop’s seller)',
        security,
        params: ReturnParams,
        body: ReceiveBody,
        response: {
          200: Return,
          ...combineResponses(
            acting('not_return_seller'),
            ordersErrors.responses('refund_exceeds_remaining', 'order_not_paid', 'restock_quantity_exceeded'),
          ),
        },
      },
    },
    async (request) => service.receive(callerOf(request), request.params.id, request.body.restock),
  );

  r.post(
    '/v1/returns/:id/escalate',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Escalate a rejected return to the marketplace (its buyer)',
        security,
        params: ReturnParams,
        body: NoteBody,
        response: { 200: Return, ...acting('not_return_buyer') },
      },
    },
    async (request) => service.escalate(callerOf(request), request.params.id, request.body?.note),
  );

  r.post(
    '/v1/admin/returns/:id/resolve',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags,
        summary: 'Decide an escalated return: refund it (borne by the shop, or by the platform) or deny it',
        security,
        params: ReturnParams,
        body: ResolveBody,
        response: {
          200: Return,
          ...combineResponses(acting(), ordersErrors.responses('refund_exceeds_remaining', 'order_not_paid')),
        },
      },
    },
    async (request) =>
      service.resolve(
        callerOf(request),
        request.params.id,
        request.body.outcome,
        request.body.funded_by ?? 'shop',
      ),
  );
}
