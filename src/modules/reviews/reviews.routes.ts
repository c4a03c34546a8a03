import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { catalogErrors } from '../catalog/index.js';
import { reviewsErrors } from './reviews.errors.js';
import {
  AdminReviewListQuery,
  AdminReviewPage,
  NewReviewBody,
  ProductParams,
  ReplyBody,
  Review,
  ReviewChangesBody,
  ReviewListQuery,
  ReviewPage,
  ReviewParams,
  ShopReviewListQuery,
  ShopReviewPage,
} from './reviews.schemas.js';
import type { ReviewsService } from './reviews.service.js';

export function reviewsRoutes(app: FastifyInstance, service: ReviewsService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['reviews'];
  const security = bearerSecurity;

  r.post(
    '/v1/products/:id/reviews',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Review an item of one of your delivered orders',
        security,
        params: ProductParams,
        body: NewReviewBody,
        response: {
          201: Review,
          ...reviewsErrors.responses('order_item_not_found', 'order_not_delivered', 'item_already_reviewed'),
        },
      },
    },
    async (request, reply) => {
      const { order_item_id: orderItemId, ...review } = request.body;
      return reply
        .status(201)
        .send(await service.create(callerOf(request), request.params.id, { orderItemId, ...review }));
    },
  );

  r.get(
    '/v1/products/:id/reviews',
    {
      onRequest: guards.optional,
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: "A product's visible reviews and its rating summary",
        params: ProductParams,
        querystring: ReviewListQuery,
        response: { 200: ReviewPage, ...catalogErrors.responses('product_not_found') },
      },
    },
    async (request) => service.list(request.caller, request.params.id, request.query),
  );

  r.patch(
    '/v1/reviews/:id',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Edit your review (within 30 days of writing it)',
        security,
        params: ReviewParams,
        body: ReviewChangesBody,
        response: {
          200: Review,
          ...reviewsErrors.responses('review_not_found', 'not_review_author', 'edit_window_closed'),
        },
      },
    },
    async (request) => service.update(callerOf(request), request.params.id, request.body),
  );

  r.post(
    '/v1/reviews/:id/reply',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:write',
        tags,
        summary: "Reply to a review of your shop's product (once)",
        security,
        params: ReviewParams,
        body: ReplyBody,
        response: {
          201: Review,
          ...reviewsErrors.responses('review_not_found', 'not_review_shop', 'review_already_replied'),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.reply(callerOf(request), request.params.id, request.body.body)),
  );

  r.get(
    '/v1/shop/reviews',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:read',
        tags,
        summary: "Reviews of the caller's shop's products, newest first (hidden ones excluded)",
        security,
        querystring: ShopReviewListQuery,
        response: { 200: ShopReviewPage },
      },
    },
    async (request) => service.listOfShop(callerOf(request), request.query),
  );

  r.get(
    '/v1/admin/reviews',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags,
        summary: 'All reviews, hidden ones included, newest first',
        security,
        querystring: AdminReviewListQuery,
        response: { 200: AdminReviewPage },
      },
    },
    async (request) => service.listAll(request.query),
  );

  for (const [action, hidden] of [
    ['hide', true],
    ['unhide', false],
  ] as const) {
    r.post(
      `/v1/admin/reviews/:id/${action}`,
      {
        onRequest: guards.admin,
        schema: {
          'x-bazaar-scope': 'admin',
          tags,
          summary: hidden ? 'Hide a review from lists and ratings' : 'Show a hidden review again',
          security,
          params: ReviewParams,
          response: { 200: Review, ...reviewsErrors.responses('review_not_found') },
        },
      },
      async (request) => service.setHidden(request.params.id, hidden),
    );
  }
}
