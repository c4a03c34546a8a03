import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf, type Guard, NoContent } from '../../platform/http.js';
import { webhooksErrors } from './webhooks.errors.js';
import {
  Accepted,
  CreatedEndpoint,
  CreateEndpointBody,
  DeliveryList,
  DeliveryListQuery,
  DeliveryParams,
  Endpoint,
  EndpointList,
  EndpointParams,
  RotatedSecret,
  UpdateEndpointBody,
} from './webhooks.schemas.js';
import type { WebhookOwner, WebhooksService } from './webhooks.service.js';

/**
 * The same endpoints twice: under /v1/admin for the marketplace's endpoints (any event), under
 * /v1/shop for the caller's shop's (its events only). Another owner's endpoint or delivery is a 404.
 */
export function webhooksRoutes(app: FastifyInstance, service: WebhooksService, guards: AuthGuards): void {
  const sides: {
    prefix: string;
    guard: Guard;
    whose: string;
    ownerOf(request: FastifyRequest): WebhookOwner;
  }[] = [
    {
      prefix: '/v1/admin',
      guard: guards.admin,
      whose: "the marketplace's",
      ownerOf: (request) => ({ shopId: null, userId: callerOf(request).id }),
    },
    {
      prefix: '/v1/shop',
      guard: guards.seller,
      whose: "the caller's shop's",
      ownerOf: (request) => ({ shopId: callerOf(request).shop!.id, userId: callerOf(request).id }),
    },
  ];
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['webhooks'];
  const security = bearerSecurity;
  // Reading an endpoint's deliveries is a webhook integration's business as much as changing it.
  const scope = 'webhooks:write';
  for (const { prefix, guard, whose, ownerOf } of sides) {
    const base = `${prefix}/webhook-endpoints`;
    r.post(
      base,
      {
        onRequest: guard,
        schema: {
          'x-bazaar-scope': scope,
          tags,
          summary: `Register one of ${whose} webhook endpoints; its signing secret is shown only in this answer`,
          security,
          body: CreateEndpointBody,
          response: {
            201: CreatedEndpoint,
            ...webhooksErrors.responses('endpoint_url_refused', 'endpoint_event_unknown'),
          },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return service.create(ownerOf(request), request.body);
      },
    );

    r.get(
      base,
      {
        onRequest: guard,
        schema: {
          'x-bazaar-scope': scope,
          tags,
          summary: `${capitalised(whose)} webhook endpoints, oldest first`,
          security,
          response: { 200: EndpointList },
        },
      },
      async (request) => service.list(ownerOf(request)),
    );

    r.patch(
      `${base}/:id`,
      {
        onRequest: guard,
        schema: {
          'x-bazaar-scope': scope,
          tags,
          summary: `Change one of ${whose} webhook endpoints (its URL, events, description, or enable/disable it)`,
          security,
          params: EndpointParams,
          body: UpdateEndpointBody,
          response: {
            200: Endpoint,
            ...webhooksErrors.responses(
              'endpoint_not_found',
              'endpoint_url_refused',
              'endpoint_event_unknown',
              'endpoint_transition_refused',
            ),
          },
        },
      },
      async (request) => service.update(ownerOf(request), request.params.id, request.body),
    );

    r.delete(
      `${base}/:id`,
      {
        onRequest: guard,
        schema: {
          'x-bazaar-scope': scope,
          tags,
          summary: `Delete one of ${whose} webhook endpoints with its delivery log`,
          security,
          params: EndpointParams,
          response: { 204: NoContent, ...webhooksErrors.responses('endpoint_not_found') },
        },
      },
      async (request, reply) => {
        await service.remove(ownerOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    r.post(
      `${base}/:id/rotate-secret`,
      {
        onRequest: guard,
        schema: {
          'x-bazaar-scope': scope,
          tags,
          summary: 'Rotate the signing secret: the old one keeps signing beside it (a second `v1=`) for 24 h',
          security,
          params: EndpointParams,
          response: { 200: RotatedSecret, ...webhooksErrors.responses('endpoint_not_found') },
        },
      },
      async (request) => service.rotateSecret(ownerOf(request), request.params.id),
    );

    r.get(
      `${base}/:id/deliveries`,
      {
        onRequest: guard,
        schema: {
          'x-bazaar-scope': scope,
          tags,
          summary: "An endpoint's delivery log, newest first",
          security,
          params: EndpointParams,
          querystring: DeliveryListQuery,
          response: { 200: DeliveryList, ...webhooksErrors.responses('endpoint_not_found') },
        },
      },
      async (request) => service.deliveries(ownerOf(request), request.params.id, request.query),
    );

    r.post(
      `${base}/:id/test`,
      {
        onRequest: guard,
        schema: {
          'x-bazaar-scope': scope,
          tags,
          summary:
            'Send the endpoint a test ping (`webhook_endpoint.pinged.v1`); it shows in the delivery log',
          security,
          params: EndpointParams,
          response: { 202: Accepted, ...webhooksErrors.responses('endpoint_not_found') },
        },
      },
      async (request, reply) => {
        reply.status(202);
        return service.test(ownerOf(request), request.params.id);
      },
    );

    r.post(
      `${base}/:id/deliveries/:delivery_id/retry`,
      {
        onRequest: guard,
        schema: {
          'x-bazaar-scope': scope,
          tags,
          summary: 'Send a delivery again now, with a new 3-day retry window',
          security,
          params: DeliveryParams,
          response: { 202: Accepted, ...webhooksErrors.responses('delivery_not_found') },
        },
      },
      async (request, reply) => {
        reply.status(202);
        return service.retry(ownerOf(request), request.params.id, request.params.delivery_id);
      },
    );
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
