import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf, NoContent } from '../../platform/http.js';
import type { ShippingRate } from '../pricing/index.js';
import { shippingErrors } from './shipping.errors.js';
import {
  Address,
  AddressBody,
  AddressList,
  AddressPatch,
  IdParams,
  ShippingOption,
  ShippingOptionList,
  shippingOptionBodies,
} from './shipping.schemas.js';
import type { ShippingOptionInput, ShippingService } from './shipping.service.js';

type RateBody =
  | { type: 'flat'; amount: { amount: number } }
  | { type: 'per_item'; first: { amount: number }; additional: { amount: number } }
  | { type: 'weight'; tiers: { up_to_grams: number; amount: { amount: number } }[] };

const rateOf = (rate: RateBody): ShippingRate => {
  switch (rate.type) {
    case 'flat':
      return { type: 'flat', amountMinor: rate.amount.amount };
    case 'per_item':
      return { type: 'per_item', firstMinor: rate.first.amount, additionalMinor: rate.additional.amount };
    case 'weight':
      return {
        type: 'weight',
        tiers: rate.tiers.map((tier) => ({ upToGrams: tier.up_to_grams, amountMinor: tier.amount.amount })),
      };
  }
};

export function shippingRoutes(
  app: FastifyInstance,
  service: ShippingService,
  guards: AuthGuards,
  currency: string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const security = bearerSecurity;
  const addressTags = ['addresses'];
  const optionTags = ['shipping options'];
  const { ShippingOptionBody, ShippingOptionPatch } = shippingOptionBodies(currency);

  r.get(
    '/v1/me/addresses',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags: addressTags,
        summary: "The caller's address book",
        security,
        response: { 200: AddressList },
      },
    },
    async (request) => ({ data: await service.addresses(callerOf(request)), next_cursor: null }),
  );

  r.post(
    '/v1/me/addresses',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags: addressTags,
        summary: 'Add an address (at most 20; the first is the default)',
        security,
        body: AddressBody,
        response: { 201: Address, ...shippingErrors.responses('address_book_full') },
      },
    },
    async (request, reply) => {
      const { is_default: isDefault, ...fields } = request.body;
      reply.status(201);
      return service.addAddress(callerOf(request), { ...fields, isDefault });
    },
  );

  r.patch(
    '/v1/me/addresses/:id',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags: addressTags,
        summary: 'Change an address of the caller',
        security,
        params: IdParams,
        body: AddressPatch,
        response: { 200: Address, ...shippingErrors.responses('address_not_found') },
      },
    },
    async (request) => {
      const { is_default: isDefault, ...fields } = request.body;
      return service.changeAddress(callerOf(request), request.params.id, { ...fields, isDefault });
    },
  );

  r.delete(
    '/v1/me/addresses/:id',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags: addressTags,
        summary: 'Delete an address of the caller',
        security,
        params: IdParams,
        response: { 204: NoContent, ...shippingErrors.responses('address_not_found') },
      },
    },
    async (request, reply) => {
      await service.deleteAddress(callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/v1/shop/shipping-options',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:read',
        tags: optionTags,
        summary: "The caller's shop's shipping options, active or not",
        security,
        response: { 200: ShippingOptionList },
      },
    },
    async (request) => ({
      data: await service.shopOptions(callerOf(request).shop!.id, false),
      next_cursor: null,
    }),
  );

  r.get(
    '/v1/shops/:id/shipping-options',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags: optionTags,
        summary: "A shop's active shipping options",
        params: IdParams,
        response: { 200: ShippingOptionList },
      },
    },
    async (request) => ({ data: await service.shopOptions(request.params.id, true), next_cursor: null }),
  );

  const inputOf = (body: {
    rate?: RateBody | undefined;
    free_over?: { amount: number } | null | undefined;
    min_days?: number | undefined;
    max_days?: number | undefined;
    name?: string | undefined;
    countries?: string[] | undefined;
    active?: boolean | undefined;
  }): Partial<ShippingOptionInput> => ({
    name: body.name,
    countries: body.countries,
    rate: body.rate && rateOf(body.rate),
    freeOverMinor: body.free_over === undefined ? undefined : (body.free_over?.amount ?? null),
    minDays: body.min_days,
    maxDays: body.max_days,
    active: body.active,
  });

  r.post(
    '/v1/shop/shipping-options',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:write',
        tags: optionTags,
        summary: 'Add a shipping option to the caller’s shop',
        security,
        body: ShippingOptionBody,
        response: { 201: ShippingOption, ...shippingErrors.responses('shipping_options_full') },
      },
    },
    async (request, reply) => {
      const input = inputOf(request.body);
      reply.status(201);
      return service.addOption(callerOf(request), {
        ...(input as ShippingOptionInput),
        freeOverMinor: input.freeOverMinor ?? null,
        active: input.active ?? true,
      });
    },
  );

  r.patch(
    '/v1/shop/shipping-options/:id',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:write',
        tags: optionTags,
        summary: 'Change a shipping option of the caller’s shop (placed orders keep theirs)',
        security,
        params: IdParams,
        body: ShippingOptionPatch,
        response: {
          200: ShippingOption,
          ...shippingErrors.responses('shipping_option_not_found', 'shipping_option_days'),
        },
      },
    },
    async (request) => service.changeOption(callerOf(request), request.params.id, inputOf(request.body)),
  );

  r.delete(
    '/v1/shop/shipping-options/:id',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:write',
        tags: optionTags,
        summary: 'Delete a shipping option of the caller’s shop (placed orders keep theirs)',
        security,
        params: IdParams,
        response: { 204: NoContent, ...shippingErrors.responses('shipping_option_not_found') },
      },
    },
    async (request, reply) => {
      await service.deleteOption(callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
