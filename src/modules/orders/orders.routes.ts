import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { everyItem, sendCsv, wantsCsv } from '../../platform/csv.js';
import { Unauthenticated } from '../../platform/errors.js';
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
import { inventoryErrors } from '../inventory/index.js';
import { paymentsErrors, Refund } from '../payments/index.js';
import { pricingErrors } from '../pricing/index.js';
import { CODE_REFUSALS, type CodeRefusal, promotionsErrors } from '../promotions/index.js';
import { shippingErrors } from '../shipping/index.js';
import { ordersErrors } from './orders.errors.js';
import { ORDER_CSV_COLUMNS } from './orders.export.js';
import {
  AdminOrderListQuery,
  CheckoutAnswer,
  checkoutBody,
  Order,
  OrderListQuery,
  OrderParams,
  Quote,
  refundBody,
  ShipBody,
  Shipment,
  ShipmentBody,
} from './orders.schemas.js';
import type { CheckoutInput, OrdersService, Shopper } from './orders.service.js';

/** Who checks out: the signed-in user (a bearer token wins), else the guest whose cart token is sent. */
function shopperOf(request: FastifyRequest): Shopper {
  if (request.caller) return request.caller;
  if (request.guestToken?.kind === 'cart') return { guestCartTokenHash: request.guestToken.hash };
  throw new Unauthenticated();
}

const checkoutInputOf = (body: {
  email?: string | undefined;
  shipping_address?: CheckoutInput['shippingAddress'];
  address_id?: string | undefined;
  shipping_options?: Record<string, string> | undefined;
  expected_total?: { amount: number } | undefined;
}): CheckoutInput => ({
  email: body.email,
  shippingAddress: body.shipping_address,
  addressId: body.address_id,
  shippingOptions: body.shipping_options,
  expectedTotalMinor: body.expected_total?.amount,
});

export function ordersRoutes(
  app: FastifyInstance,
  service: OrdersService,
  guards: AuthGuards,
  idempotency: Idempotency,
  currency: string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['orders'];
  const security = bearerSecurity;

  r.post(
    '/v1/checkout',
    {
      onRequest: guards.userOrGuest('cart'),
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary:
          'Check out the cart: reserve stock, one order per shop, one payment (a guest gives `email` and gets an `order_token`)',
        security: guestSecurity('cart'),
        headers: IdempotencyKeyHeader,
        body: checkoutBody(currency),
        response: {
          201: CheckoutAnswer,
          ...combineResponses(
            ordersErrors.responses('cart_empty', 'variant_unavailable', 'total_changed'),
            pricingErrors.responses('shipping_option_invalid', 'no_shipping_to_address'),
            inventoryErrors.responses('stock_short'),
            shippingErrors.responses('address_not_found'),
            promotionsErrors.responses(
              'promotion_exhausted',
              ...(Object.keys(CODE_REFUSALS) as CodeRefusal[]),
            ),
          ),
        },
      },
    },
    async (request, reply) =>
      idempotency.run(request, reply, async (answer) => ({
        status: 201,
        body: await service.checkout(shopperOf(request), checkoutInputOf(request.body), answer),
      })),
  );

  r.post(
    '/v1/checkout/quote',
    {
      onRequest: guards.userOrGuest('cart'),
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'What checkout would charge for the cart, per shop, and what would stop it; changes nothing',
        security: guestSecurity('cart'),
        body: checkoutBody(currency),
        response: { 200: Quote, ...shippingErrors.responses('address_not_found') },
      },
    },
    async (request) => service.quote(shopperOf(request), checkoutInputOf(request.body)),
  );

  r.get(
    '/v1/orders',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: "The caller's orders, newest first",
        security,
        querystring: OrderListQuery,
        response: { 200: pageOf(Order) },
      },
    },
    async (request) => service.list(callerOf(request), 'buyer', request.query),
  );

  r.get(
    '/v1/shop/orders',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'orders:read',
        tags,
        summary:
          "Orders of the caller's shop, newest first (`Accept: text/csv`: every matching order as CSV)",
        security,
        querystring: OrderListQuery,
        response: { 200: pageOf(Order) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!wantsCsv(request)) return service.list(caller, 'shop', request.query);
      return sendCsv(
        reply,
        'orders.csv',
        ORDER_CSV_COLUMNS,
        everyItem((limit, cursor) => service.list(caller, 'shop', { ...request.query, limit, cursor })),
      );
    },
  );

  r.get(
    '/v1/admin/orders',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags: ['admin'],
        summary:
          'Every order, newest first: `?status=&shop=&buyer=&from=&to=` (`Accept: text/csv`: every matching order as CSV)',
        security,
        querystring: AdminOrderListQuery,
        response: { 200: pageOf(Order), ...ordersErrors.responses('period_invalid') },
      },
    },
    async (request, reply) => {
      if (!wantsCsv(request)) return service.listAll(request.query);
      return sendCsv(
        reply,
        'orders.csv',
        ORDER_CSV_COLUMNS,
        everyItem((limit, cursor) => service.listAll({ ...request.query, limit, cursor })),
      );
    },
  );

  r.get(
    '/v1/orders/:id',
    {
      onRequest: guards.userOrGuest('order'),
      schema: {
        'x-bazaar-scope': 'orders:read',
        tags,
        summary:
          "An order (its buyer, a seller of its shop, an admin, or a guest with its checkout's Bazaar-Order-Token)",
        security: guestSecurity('order'),
        params: OrderParams,
        response: { 200: Order, ...ordersErrors.responses('order_not_found') },
      },
    },
    async (request) => service.get(orderAccessOf(request), request.params.id),
  );

  r.post(
    '/v1/orders/:id/cancel',
    {
      onRequest: guards.userOrGuest('order'),
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary:
          "Cancel an order not yet shipped (its buyer, or a guest with its checkout's Bazaar-Order-Token); a paid one is refunded in full",
        security: guestSecurity('order'),
        params: OrderParams,
        response: {
          200: Order,
          ...combineResponses(
            ordersErrors.responses('order_not_found', 'not_order_buyer', 'order_not_cancellable'),
            paymentsErrors.responses('payment_not_cancellable'),
          ),
        },
      },
    },
    async (request) => service.cancel(orderAccessOf(request), request.params.id),
  );

  r.post(
    '/v1/orders/:id/ship',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'orders:write',
        tags,
        summary:
          'Ship everything left of a paid or partly shipped order in one parcel (a seller of its shop)',
        security,
        params: OrderParams,
        body: ShipBody,
        response: {
          200: Order,
          ...ordersErrors.responses('order_not_found', 'not_order_seller', 'order_not_shippable'),
        },
      },
    },
    async (request) =>
      service.ship(callerOf(request), request.params.id, {
        carrier: request.body.carrier,
        trackingNumber: request.body.tracking_number,
      }),
  );

  r.post(
    '/v1/orders/:id/shipments',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'orders:write',
        tags,
        summary: 'Ship some units (or, without items, everything left) in one parcel (a seller of its shop)',
        security,
        params: OrderParams,
        body: ShipmentBody,
        response: {
          201: Shipment,
          ...ordersErrors.responses(
            'order_not_found',
            'not_order_seller',
            'order_not_shippable',
            'shipment_item_unknown',
            'shipment_exceeds_remaining',
          ),
        },
      },
    },
    async (request, reply) => {
      const { carrier, tracking_number: trackingNumber, items } = request.body;
      reply.status(201);
      return service.createShipment(callerOf(request), request.params.id, {
        carrier,
        trackingNumber,
        items: items?.map((item) => ({ orderItemId: item.order_item_id, quantity: item.quantity })),
      });
    },
  );

  r.post(
    '/v1/orders/:id/confirm-delivery',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Confirm a shipped order arrived (its buyer)',
        security,
        params: OrderParams,
        response: {
          200: Order,
          ...ordersErrors.responses('order_not_found', 'not_order_buyer', 'order_not_deliverable'),
        },
      },
    },
    async (request) => service.confirmDelivery(callerOf(request), request.params.id),
  );

  r.post(
    '/v1/orders/:id/refunds',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'orders:write',
        tags,
        summary: 'Refund part or all of a paid order (a seller of its shop, or an admin)',
        security,
        params: OrderParams,
        headers: IdempotencyKeyHeader,
        body: refundBody(currency),
        response: {
          201: Refund,
          ...ordersErrors.responses(
            'order_not_found',
            'not_order_seller',
            'order_not_paid',
            'refund_exceeds_remaining',
            'restock_item_unknown',
            'restock_quantity_exceeded',
          ),
        },
      },
    },
    async (request, reply) =>
      idempotency.run(request, reply, async (answer) => ({
        status: 201,
        body: await service.refund(
          callerOf(request),
          request.params.id,
          {
            amount: request.body.amount.amount,
            reason: request.body.reason,
            restockItems: (request.body.restock_items ?? []).map((item) => ({
              orderItemId: item.order_item_id,
              quantity: item.quantity,
            })),
          },
          answer,
        ),
      })),
  );
}
