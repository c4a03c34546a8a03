import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf, NoContent } from '../../platform/http.js';
import { combineResponses } from '../../platform/problems.js';
import { identityErrors, twoFactorErrors } from './identity.errors.js';
import {
  DisableTwoFactorBody,
  EnableTwoFactorBody,
  RecoveryCodes,
  TwoFactorSetup,
} from './two-factor.schemas.js';
import type { TwoFactorService } from './two-factor.service.js';

export function twoFactorRoutes(app: FastifyInstance, service: TwoFactorService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['identity'];

  r.post(
    '/v1/me/2fa/setup',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Start setting up two-factor sign-in: a new TOTP secret, not active until enabled',
        security: bearerSecurity,
        response: { 200: TwoFactorSetup, ...twoFactorErrors.responses('two_factor_already_enabled') },
      },
    },
    async (request) => {
      const setup = await service.setup(callerOf(request));
      return { secret: setup.secret, otpauth_url: setup.otpauthUrl };
    },
  );

  r.post(
    '/v1/me/2fa/enable',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary:
          'Turn two-factor sign-in on with a code from the new secret; answers the recovery codes once',
        security: bearerSecurity,
        body: EnableTwoFactorBody,
        response: {
          200: RecoveryCodes,
          ...twoFactorErrors.responses(
            'two_factor_code_wrong',
            'two_factor_already_enabled',
            'two_factor_not_set_up',
          ),
        },
      },
    },
    async (request) => ({ recovery_codes: await service.enable(callerOf(request), request.body.code) }),
  );

  r.post(
    '/v1/me/2fa/disable',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Turn two-factor sign-in off with the password and a TOTP or recovery code',
        security: bearerSecurity,
        body: DisableTwoFactorBody,
        response: {
          204: NoContent,
          ...combineResponses(
            twoFactorErrors.responses('two_factor_code_wrong', 'two_factor_not_enabled'),
            identityErrors.responses(
              'user_not_found',
              'current_password_wrong',
              'login_attempts_exceeded',
              'hash_queue_full',
            ),
          ),
        },
      },
    },
    async (request, reply) => {
      await service.disable(
        callerOf(request),
        { currentPassword: request.body.current_password, code: request.body.code },
        request.ip,
      );
      return reply.status(204).send(null);
    },
  );
}
