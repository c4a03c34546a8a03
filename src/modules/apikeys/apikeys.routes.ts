import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf, NoContent } from '../../platform/http.js';
import { apiKeysErrors } from './apikeys.errors.js';
import type { ApiKeyKind } from './apikeys.repo.js';
import {
  ApiKeyList,
  ApiKeyListQuery,
  ApiKeyParams,
  CreateApiKeyBody,
  CreatedApiKey,
} from './apikeys.schemas.js';
import type { ApiKeysService } from './apikeys.service.js';

/**
 * `/v1/shop/api-keys` (a seller's) and `/v1/admin/api-keys` (an admin's): the same use cases, each
 * page seeing only its own kind. Only a signed-in person manages keys (`x-bazaar-scope: session`):
 * a key that could make keys could outlive its own revocation.
 */
export function apiKeysRoutes(app: FastifyInstance, service: ApiKeysService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['api-keys'];
  const security = bearerSecurity;
  const pages: { kind: ApiKeyKind; prefix: string; guard: AuthGuards['seller']; who: string }[] = [
    { kind: 'shop', prefix: '/v1/shop/api-keys', guard: guards.seller, who: "the caller's shop" },
    { kind: 'admin', prefix: '/v1/admin/api-keys', guard: guards.admin, who: 'the admin' },
  ];
  for (const { kind, prefix, guard, who } of pages) {
    r.post(
      prefix,
      {
        onRequest: guard,
        schema: {
          tags,
          summary: `Make an API key acting as ${who}; the key is in this answer only`,
          security,
          'x-bazaar-scope': 'session',
          body: CreateApiKeyBody,
          response: {
            201: CreatedApiKey,
            ...apiKeysErrors.responses('api_key_scope_not_allowed', 'api_key_expiry_past'),
          },
        },
      },
      async (request, reply) => {
        const { name, scopes, expires_at } = request.body;
        reply.status(201);
        return service.create(callerOf(request), kind, { name, scopes, expiresAt: expires_at });
      },
    );

    r.get(
      prefix,
      {
        onRequest: guard,
        schema: {
          tags,
          summary: `The live API keys of ${who}, newest first, without their secrets`,
          security,
          'x-bazaar-scope': 'session',
          querystring: ApiKeyListQuery,
          response: { 200: ApiKeyList },
        },
      },
      async (request) => service.list(callerOf(request), kind, request.query),
    );

    r.delete(
      `${prefix}/:id`,
      {
        onRequest: guard,
        schema: {
          tags,
          summary: 'Revoke an API key: the next request with it is refused, on every process',
          security,
          'x-bazaar-scope': 'session',
          params: ApiKeyParams,
          response: { 204: NoContent, ...apiKeysErrors.responses('api_key_not_found') },
        },
      },
      async (request, reply) => {
        await service.revoke(callerOf(request), kind, request.params.id);
        return reply.status(204).send(null);
      },
    );
  }
}
