import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { CODE_REFUSALS, type CodeRefusal, promotionsErrors } from '../promotions/index.js';
import { cartErrors } from './cart.errors.js';
import {
  AddItemBody,
  Cart,
  ChangeItemBody,
  ItemParams,
  PromotionCodeBody,
  PromotionCodeParams,
} from './cart.schemas.js';
import type { CartService } from './cart.service.js';

export function cartRoutes(app: FastifyInstance, service: CartService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['cart'], security: bearerSecurity, response: { 200: Cart } };

  r.get(
    '/v1/cart',
    { onRequest: guards.user, schema: { ...common, summary: "The caller's cart, at current prices" } },
    async (request) => service.view(callerOf(request)),
  );

  r.post(
    '/v1/cart/items',
    {
      onRequest: guards.user,
      schema: {
        ...common,
        summary: 'Add a variant (adds to its quantity if present)',
        body: AddItemBody,
        response: {
          200: Cart,
          ...cartErrors.responses('line_quantity_over_limit', 'variant_not_for_sale', 'quantity_over_stock'),
        },
      },
    },
    async (request) =>
      service.addItem(callerOf(request), {
        variantId: request.body.variant_id,
        quantity: request.body.quantity,
      }),
  );

  r.patch(
    '/v1/cart/items/:id',
    {
      onRequest: guards.user,
      schema: {
        ...common,
        summary: 'Change a line quantity',
        params: ItemParams,
        body: ChangeItemBody,
        response: { 200: Cart, ...cartErrors.responses('cart_item_not_found', 'quantity_over_stock') },
      },
    },
    async (request) => service.changeItem(callerOf(request), request.params.id, request.body.quantity),
  );

  r.delete(
    '/v1/cart/items/:id',
    {
      onRequest: guards.user,
      schema: {
        ...common,
        summary: 'Remove a line',
        params: ItemParams,
        response: { 200: Cart, ...cartErrors.responses('cart_item_not_found') },
      },
    },
    async (request) => service.removeItem(callerOf(request), request.params.id),
  );

  r.post(
    '/v1/cart/promotions',
    {
      onRequest: guards.user,
      schema: {
        ...common,
        summary: 'Put a promotion code on the cart (case-insensitive; replaces any other code)',
        body: PromotionCodeBody,
        response: {
          200: Cart,
          ...promotionsErrors.responses(...(Object.keys(CODE_REFUSALS) as CodeRefusal[])),
        },
      },
    },
    async (request) => service.applyCode(callerOf(request), request.body.code),
  );

  r.delete(
    '/v1/cart/promotions/:code',
    {
      onRequest: guards.user,
      schema: { ...common, summary: 'Take a promotion code off the cart', params: PromotionCodeParams },
    },
    async (request) => service.removeCode(callerOf(request), request.params.code),
  );
}
