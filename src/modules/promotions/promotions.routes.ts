import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { promotionsErrors } from './promotions.errors.js';
import {
  Promotion,
  PromotionList,
  PromotionListQuery,
  PromotionParams,
  promotionBodies,
} from './promotions.schemas.js';
import { ownerOf, type PromotionInput, type PromotionsService } from './promotions.service.js';

interface Body {
  code?: string | undefined;
  automatic?: boolean | undefined;
  type?: 'percentage' | 'fixed' | 'free_shipping' | undefined;
  percent_bps?: number | undefined;
  amount?: { amount: number } | undefined;
  scope?:
    | {
        shop_id?: string | undefined;
        category_ids?: string[] | undefined;
        product_ids?: string[] | undefined;
      }
    | undefined;
  min_subtotal?: { amount: number } | null | undefined;
  starts_at?: string | undefined;
  ends_at?: string | null | undefined;
  usage_limit?: number | null | undefined;
  per_customer_limit?: number | null | undefined;
  status?: 'active' | 'inactive' | undefined;
}

const inputOf = (body: Body): PromotionInput => ({
  code: body.code,
  automatic: body.automatic,
  type: body.type,
  percentBps: body.percent_bps,
  amountMinor: body.amount?.amount,
  ...(body.scope
    ? {
        scope: {
          shopId: body.scope.shop_id,
          categoryIds: body.scope.category_ids,
          productIds: body.scope.product_ids,
        },
      }
    : {}),
  minSubtotalMinor: body.min_subtotal === undefined ? undefined : (body.min_subtotal?.amount ?? null),
  startsAt: body.starts_at === undefined ? undefined : new Date(body.starts_at),
  endsAt: body.ends_at === undefined ? undefined : body.ends_at === null ? null : new Date(body.ends_at),
  usageLimit: body.usage_limit,
  perCustomerLimit: body.per_customer_limit,
  status: body.status,
});

export function promotionsRoutes(
  app: FastifyInstance,
  service: PromotionsService,
  guards: AuthGuards,
  currency: string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { PromotionBody, PromotionPatch } = promotionBodies(currency);
  const common = { tags: ['promotions'], security: bearerSecurity };

  for (const route of ['admin', 'shop'] as const) {
    const guard = route === 'admin' ? guards.admin : guards.seller;
    const whose = route === 'admin' ? 'platform-funded' : "the caller's shop's";
    // A shop's promotions price its products: product scopes; the platform's are admin work.
    const reading = route === 'admin' ? 'admin' : 'products:read';
    const writing = route === 'admin' ? 'admin' : 'products:write';

    r.get(
      `/v1/${route}/promotions`,
      {
        onRequest: guard,
        schema: {
          ...common,
          'x-bazaar-scope': reading,
          summary: `Every ${whose} promotion, newest first: \`?status=&from=&to=\``,
          querystring: PromotionListQuery,
          response: { 200: PromotionList, ...promotionsErrors.responses('period_invalid') },
        },
      },
      async (request) => service.list(ownerOf(callerOf(request), route), request.query),
    );

    r.post(
      `/v1/${route}/promotions`,
      {
        onRequest: guard,
        schema: {
          ...common,
          'x-bazaar-scope': writing,
          summary: `Create a ${whose} promotion`,
          body: PromotionBody,
          response: {
            201: Promotion,
            ...promotionsErrors.responses('promotion_invalid', 'promotion_code_taken'),
          },
        },
      },
      async (request, reply) => {
        const created = await service.create(ownerOf(callerOf(request), route), inputOf(request.body));
        return reply.status(201).send(created);
      },
    );

    r.patch(
      `/v1/${route}/promotions/:id`,
      {
        onRequest: guard,
        schema: {
          ...common,
          'x-bazaar-scope': writing,
          summary: `Change or deactivate a ${whose} promotion`,
          params: PromotionParams,
          body: PromotionPatch,
          response: {
            200: Promotion,
            ...promotionsErrors.responses('promotion_not_found', 'promotion_invalid', 'promotion_code_taken'),
          },
        },
      },
      async (request) =>
        service.change(ownerOf(callerOf(request), route), request.params.id, inputOf(request.body)),
    );
  }
}
