import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Unauthenticated } from '../../platform/errors.js';
import { type AuthGuards, guestSecurity } from '../../platform/http.js';
import { CODE_REFUSALS, type CodeRefusal, promotionsErrors } from '../promotions/index.js';
import { cartErrors } from './cart.errors.js';
import type { CartHolder } from './cart.repo.js';
import {
  AddItemBody,
  Cart,
  ChangeItemBody,
  GuestCart,
  ItemParams,
  PromotionCodeBody,
  PromotionCodeParams,
} from './cart.schemas.js';
import type { CartService } from './cart.service.js';

/**
 * Whose cart a request is about: the signed-in user's (a bearer token wins when both are sent),
 * else the guest's whose `Bazaar-Cart-Token` it sends. For routes guarded by `userOrGuest('cart')`.
 */
export function cartHolderOf(request: FastifyRequest): CartHolder {
  if (request.caller) return request.caller;
  if (request.guestToken?.kind === 'cart') return { guestTokenHash: request.guestToken.hash };
  throw new Unauthenticated();
}

export function cartRoutes(app: FastifyInstance, service: CartService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['cart'], security: guestSecurity('cart'), response: { 200: Cart } };
  const shopper = guards.userOrGuest('cart');

  r.post(
    '/v1/guest/cart',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags: ['cart'],
        summary:
          'Start a guest cart: its token (sent as Bazaar-Cart-Token) stands in for signing in on the cart, the quote and checkout',
        response: { 201: GuestCart },
      },
    },
    async (request, reply) => {
      const { cartToken } = await service.createGuestCart(request.ip);
      reply.status(201);
      return { cart_token: cartToken };
    },
  );

  r.get(
    '/v1/cart',
    {
      onRequest: shopper,
      schema: { 'x-bazaar-scope': 'session', ...common, summary: "The caller's cart, at current prices" },
    },
    async (request) => service.view(cartHolderOf(request)),
  );

  r.post(
    '/v1/cart/items',
    {
      onRequest: shopper,
      schema: {
        'x-bazaar-scope': 'session',
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
      service.addItem(cartHolderOf(request), {
        variantId: request.body.variant_id,
        quantity: request.body.quantity,
      }),
  );

  r.patch(
    '/v1/cart/items/:id',
    {
      onRequest: shopper,
      schema: {
        'x-bazaar-scope': 'session',
        ...common,
        summary: 'Change a line quantity',
        params: ItemParams,
        body: ChangeItemBody,
        response: { 200: Cart, ...cartErrors.responses('cart_item_not_found', 'quantity_over_stock') },
      },
    },
    async (request) => service.changeItem(cartHolderOf(request), request.params.id, request.body.quantity),
  );

  r.delete(
    '/v1/cart/items/:id',
    {
      onRequest: shopper,
      schema: {
        'x-bazaar-scope': 'session',
        ...common,
        summary: 'Remove a line',
        params: ItemParams,
        response: { 200: Cart, ...cartErrors.responses('cart_item_not_found') },
      },
    },
    async (request) => service.removeItem(cartHolderOf(request), request.params.id),
  );

  r.post(
    '/v1/cart/promotions',
    {
      onRequest: shopper,
      schema: {
        'x-bazaar-scope': 'session',
        ...common,
        summary: 'Put a promotion code on the cart (case-insensitive; replaces any other code)',
        body: PromotionCodeBody,
        response: {
          200: Cart,
          ...promotionsErrors.responses(...(Object.keys(CODE_REFUSALS) as CodeRefusal[])),
        },
      },
    },
    async (request) => service.applyCode(cartHolderOf(request), request.body.code),
  );

  r.delete(
    '/v1/cart/promotions/:code',
    {
      onRequest: shopper,
      schema: {
        'x-bazaar-scope': 'session',
        ...common,
        summary: 'Take a promotion code off the cart',
        params: PromotionCodeParams,
      },
    },
    async (request) => service.removeCode(cartHolderOf(request), request.params.code),
  );
}
