import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf, guestTokenOf, NoContent } from '../../platform/http.js';
import { pageOf } from '../../platform/pagination.js';
import { combineResponses } from '../../platform/problems.js';
import { identityErrors, twoFactorErrors } from './identity.errors.js';
import {
  AdminShop,
  AdminShopsQuery,
  AdminUser,
  AdminUsersQuery,
  AuthAnswer,
  ChangePasswordBody,
  IdParams,
  LoginBody,
  OpenShopBody,
  OwnShop,
  presentCaller,
  presentOwnShop,
  presentShop,
  RegisterBody,
  Shop,
  ShopActionBody,
  UpdateShopBody,
  User,
} from './identity.schemas.js';
import type { AdminShopAction, IdentityService } from './identity.service.js';
import { twoFactorRoutes } from './two-factor.routes.js';

export function identityRoutes(app: FastifyInstance, service: IdentityService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['identity'];

  r.post(
    '/v1/auth/register',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Create an account',
        body: RegisterBody,
        response: {
          201: AuthAnswer,
          ...identityErrors.responses(
            'email_taken',
            'password_rejected',
            'registrations_exceeded',
            'hash_queue_full',
          ),
        },
      },
    },
    async (request, reply) => {
      const session = await service.register(request.body, request.ip, guestTokenOf(request, 'cart')?.hash);
      return reply.status(201).send({ user: presentCaller(session.caller), token: session.token });
    },
  );

  r.post(
    '/v1/auth/login',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Log in; answers a new session token',
        body: LoginBody,
        response: {
          200: AuthAnswer,
          ...combineResponses(
            identityErrors.responses('credentials_rejected', 'login_attempts_exceeded', 'hash_queue_full'),
            twoFactorErrors.responses('otp_required', 'otp_rejected'),
          ),
        },
      },
    },
    async (request) => {
      const session = await service.login(request.body, request.ip, guestTokenOf(request, 'cart')?.hash);
      return { user: presentCaller(session.caller), token: session.token };
    },
  );

  r.post(
    '/v1/auth/logout',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'End this session',
        security: bearerSecurity,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.logout(callerOf(request));
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/v1/me',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'The caller',
        security: bearerSecurity,
        response: { 200: User },
      },
    },
    async (request) => presentCaller(callerOf(request)),
  );

  r.post(
    '/v1/me/password',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Change password; ends every other session',
        security: bearerSecurity,
        body: ChangePasswordBody,
        response: {
          204: NoContent,
          ...identityErrors.responses(
            'user_not_found',
            'current_password_wrong',
            'password_rejected',
            'login_attempts_exceeded',
            'hash_queue_full',
          ),
        },
      },
    },
    async (request, reply) => {
      await service.changePassword(
        callerOf(request),
        { currentPassword: request.body.current_password, newPassword: request.body.new_password },
        request.ip,
      );
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/v1/me/shop',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Open a shop; the caller becomes a seller',
        security: bearerSecurity,
        body: OpenShopBody,
        response: { 201: Shop, ...identityErrors.responses('shop_already_open', 'email_unverified') },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentShop(await service.openShop(callerOf(request), request.body))),
  );

  r.get(
    '/v1/me/shop',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: "The caller's shop, with why an admin last changed its status",
        security: bearerSecurity,
        response: { 200: OwnShop, ...identityErrors.responses('shop_not_found') },
      },
    },
    async (request) => presentOwnShop(await service.ownShop(callerOf(request))),
  );

  r.patch(
    '/v1/me/shop',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: "Edit the caller's shop: details, and a vacation window (null ends it)",
        security: bearerSecurity,
        body: UpdateShopBody,
        response: { 200: Shop, ...identityErrors.responses('shop_not_found') },
      },
    },
    async (request) => {
      const { return_window_days, handling_days, support_email, vacation, ...rest } = request.body;
      return presentShop(
        await service.updateShop(callerOf(request), {
          ...rest,
          returnWindowDays: return_window_days,
          handlingDays: handling_days,
          supportEmail: support_email,
          vacation: vacation && { from: new Date(vacation.from), to: new Date(vacation.to) },
        }),
      );
    },
  );

  r.post(
    '/v1/me/shop/close',
    {
      onRequest: guards.seller,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Close the shop for good: only with no open orders and a zero balance',
        security: bearerSecurity,
        response: {
          200: Shop,
          ...identityErrors.responses('shop_not_found', 'shop_transition_refused', 'shop_not_closable'),
        },
      },
    },
    async (request) => presentShop(await service.closeShop(callerOf(request))),
  );

  r.get(
    '/v1/admin/shops',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags: ['admin'],
        summary: 'Shops newest first, with their owners: `?status=&q=` (name, owner email or id)',
        security: bearerSecurity,
        querystring: AdminShopsQuery,
        response: { 200: pageOf(AdminShop) },
      },
    },
    async (request) => service.listShops(request.query),
  );

  for (const action of ['approve', 'reject', 'suspend', 'reinstate'] as const satisfies AdminShopAction[]) {
    r.post(
      `/v1/admin/shops/:id/${action}`,
      {
        onRequest: guards.admin,
        schema: {
          'x-bazaar-scope': 'admin',
          tags: ['admin'],
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} a shop; its products' listing follows`,
          security: bearerSecurity,
          params: IdParams,
          body: ShopActionBody.nullish(),
          response: {
            200: AdminShop,
            ...identityErrors.responses('shop_not_found', 'shop_transition_refused'),
          },
        },
      },
      async (request) => service.changeShopStatus(request.params.id, action, request.body?.reason),
    );
  }

  r.get(
    '/v1/shops/:id',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'A shop',
        params: IdParams,
        response: { 200: Shop, ...identityErrors.responses('shop_not_found') },
      },
    },
    async (request) => presentShop(await service.getShop(request.params.id)),
  );

  r.get(
    '/v1/admin/users',
    {
      onRequest: guards.admin,
      schema: {
        'x-bazaar-scope': 'admin',
        tags: ['admin'],
        summary: 'Users newest first: `?q=` (name, email or id), `?role=` (a role they have), `?status=`',
        security: bearerSecurity,
        querystring: AdminUsersQuery,
        response: { 200: pageOf(AdminUser) },
      },
    },
    async (request) => service.listUsers(request.query),
  );

  for (const action of ['suspend', 'unsuspend'] as const) {
    r.post(
      `/v1/admin/users/:id/${action}`,
      {
        onRequest: guards.admin,
        schema: {
          'x-bazaar-scope': 'admin',
          tags: ['admin'],
          summary:
            action === 'suspend'
              ? 'Suspend a user: sessions end, the shop leaves the catalog'
              : 'Reinstate a user',
          security: bearerSecurity,
          params: IdParams,
          response: {
            200: AdminUser,
            ...(action === 'suspend'
              ? identityErrors.responses('user_not_found', 'self_suspension')
              : identityErrors.responses('user_not_found')),
          },
        },
      },
      async (request) => service.setSuspended(callerOf(request), request.params.id, action === 'suspend'),
    );
  }

  twoFactorRoutes(app, service.twoFactor, guards);
}
