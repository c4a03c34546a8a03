import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { combineResponses } from '../../platform/problems.js';
import { inventoryErrors } from '../inventory/index.js';
import { catalogErrors } from './catalog.errors.js';
import {
  Category,
  CategoryBody,
  CategoryList,
  CategoryPatch,
  IdParams,
  ProductDetail,
  ProductPage,
  ProductPatch,
  ProductQuery,
  type ProductQueryInput,
  productBodies,
  ShopProductPage,
  ShopProductQuery,
  Variant,
} from './catalog.schemas.js';
import type { CatalogService } from './catalog.service.js';
import type { ListingInput } from './product-listing.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** True when the client's If-None-Match names the current ETag (or is `*`). */
function clientHasCurrent(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

/** The service's listing input from a listing's query string. */
function listingInputOf(query: ProductQueryInput): ListingInput {
  return {
    q: query.q,
    categoryId: query.category,
    shopId: query.shop,
    minPriceMinor: query.min_price,
    maxPriceMinor: query.max_price,
    minRating: query.min_rating,
    sort: query.sort,
    limit: query.limit,
    cursor: query.cursor,
  };
}

export function catalogRoutes(
  app: FastifyInstance,
  service: CatalogService,
  guards: AuthGuards,
  currency: string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['catalog'];
  const { ProductBody, VariantBody, VariantPatch } = productBodies(currency);

  r.get(
    '/v1/categories',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Every category',
        response: { 200: CategoryList },
      },
    },
    async () => ({ data: await service.categories() }),
  );

  r.post(
    '/v1/categories',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags: ['admin', ...tags],
        summary: 'Create a category',
        security: bearerSecurity,
        body: CategoryBody,
        response: { 201: Category, ...catalogErrors.responses('parent_category_unknown', 'slug_taken') },
      },
    },
    async (request, reply) => {
      const { name, slug, parent_id } = request.body;
      return reply.status(201).send(await service.createCategory({ name, slug, parentId: parent_id }));
    },
  );

  r.patch(
    '/v1/categories/:id',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags: ['admin', ...tags],
        summary: 'Rename or move a category',
        security: bearerSecurity,
        params: IdParams,
        body: CategoryPatch,
        response: {
          200: Category,
          ...catalogErrors.responses(
            'category_not_found',
            'parent_category_unknown',
            'category_cycle',
            'slug_taken',
          ),
        },
      },
    },
    async (request) => {
      const { name, slug, parent_id } = request.body;
      return service.updateCategory(request.params.id, { name, slug, parentId: parent_id });
    },
  );

  r.post(
    '/v1/products',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:write',
        tags,
        summary: "List a product in the caller's shop",
        security: bearerSecurity,
        body: ProductBody,
        response: {
          201: ProductDetail,
          ...catalogErrors.responses(
            'shop_required',
            'category_unknown',
            'image_not_issued',
            'sku_repeated',
            'sku_taken',
          ),
        },
      },
    },
    async (request, reply) => {
      const { category_id, tax_category, variants, ...product } = request.body;
      return reply.status(201).send(
        await service.createProduct(callerOf(request), {
          ...product,
          categoryId: category_id,
          taxCategory: tax_category,
          variants: variants.map(({ weight_grams, ...variant }) => ({
            ...variant,
            weightGrams: weight_grams,
          })),
        }),
      );
    },
  );

  r.get(
    '/v1/products',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Browse and search products',
        description:
          '`q` runs full-text search over titles and descriptions (websearch syntax, the last word also as a prefix, misspelt words corrected when little matches). Default sort: `relevance` with `q`, else `newest`.',
        querystring: ProductQuery,
        response: { 200: ProductPage, ...catalogErrors.responses('cursor_of_other_listing') },
      },
    },
    // Sent as is: the page is JSON already, mostly from cache.
    async (request, reply) =>
      reply.type(JSON_TYPE).send((await service.listProducts(listingInputOf(request.query))) as never),
  );

  r.get(
    '/v1/products/:id',
    {
      onRequest: guards.optional,
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'A product with its variants and live stock',
        description: 'Answers an `ETag`; a request whose `If-None-Match` names it gets 304.',
        params: IdParams,
        response: {
          200: ProductDetail,
          304: z.void().describe('Not modified: the ETag named is current'),
          ...catalogErrors.responses('product_not_found'),
        },
      },
    },
    async (request, reply) => {
      const answer = await service.product(request.params.id, request.caller);
      reply.header('etag', answer.etag).header('cache-control', 'no-cache').header('vary', 'authorization');
      if (clientHasCurrent(request.headers['if-none-match'], answer.etag)) return reply.status(304).send();
      // Sent as is: the body is JSON already, cached by its ETag.
      return reply.type(JSON_TYPE).send((await answer.json()) as never);
    },
  );

  r.patch(
    '/v1/products/:id',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:write',
        tags,
        summary: 'Change a product of the caller’s shop',
        security: bearerSecurity,
        params: IdParams,
        body: ProductPatch,
        response: {
          200: ProductDetail,
          ...catalogErrors.responses(
            'product_not_found',
            'not_product_shop',
            'product_taken_down',
            'category_unknown',
            'image_not_issued',
          ),
        },
      },
    },
    async (request) => {
      const { category_id, tax_category, ...changes } = request.body;
      return service.updateProduct(callerOf(request), request.params.id, {
        ...changes,
        categoryId: category_id,
        taxCategory: tax_category,
      });
    },
  );

  r.post(
    '/v1/products/:id/variants',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:write',
        tags,
        summary: 'Add a variant to a product of the caller’s shop',
        security: bearerSecurity,
        params: IdParams,
        body: VariantBody,
        response: {
          201: Variant,
          ...catalogErrors.responses(
            'product_not_found',
            'not_product_shop',
            'too_many_variants',
            'sku_taken',
          ),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await service.addVariant(callerOf(request), request.params.id, {
          ...request.body,
          weightGrams: request.body.weight_grams,
        }),
      ),
  );

  r.patch(
    '/v1/variants/:id',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:write',
        tags,
        summary: 'Change a variant’s title, price or on-hand stock',
        description: '`on_hand` below the quantity reserved by open orders is 409 `conflict`.',
        security: bearerSecurity,
        params: IdParams,
        body: VariantPatch,
        response: {
          200: Variant,
          ...combineResponses(
            catalogErrors.responses('variant_not_found', 'product_not_found', 'not_product_shop'),
            inventoryErrors.responses('variant_not_found', 'on_hand_below_reserved'),
          ),
        },
      },
    },
    async (request) => {
      const { on_hand, weight_grams, ...changes } = request.body;
      return service.updateVariant(callerOf(request), request.params.id, {
        ...changes,
        onHand: on_hand,
        weightGrams: weight_grams,
      });
    },
  );

  r.get(
    '/v1/shop/products',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'products:read',
        tags,
        summary: 'The caller’s own products, any status',
        security: bearerSecurity,
        querystring: ShopProductQuery,
        response: {
          200: ShopProductPage,
          ...catalogErrors.responses('shop_required', 'cursor_of_other_listing'),
        },
      },
    },
    async (request) =>
      service.listShopProducts(callerOf(request), {
        ...listingInputOf(request.query),
        status: request.query.status,
      }),
  );

  r.post(
    '/v1/admin/products/:id/archive',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags: ['admin', ...tags],
        summary: 'Take a product down: archived, and its seller cannot reactivate it',
        security: bearerSecurity,
        params: IdParams,
        response: { 200: ProductDetail, ...catalogErrors.responses('product_not_found') },
      },
    },
    async (request) => service.takeDown(request.params.id),
  );
}
