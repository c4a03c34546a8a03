import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf, NoContent } from '../../platform/http.js';
import type { AccountService } from './account.service.js';
import { identityErrors } from './identity.errors.js';
import {
  Accepted,
  ChangeEmailBody,
  PasswordResetBody,
  PasswordResetConfirmBody,
  TokenBody,
  UserAnswer,
} from './identity.schemas.js';

/** Recovery and proof of address: password resets, email verification, email changes. */
export function accountRoutes(app: FastifyInstance, service: AccountService, guards: AuthGuards): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['identity'];

  r.post(
    '/v1/auth/password-reset',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Mail a password reset link (the same answer whether or not the email is registered)',
        body: PasswordResetBody,
        response: { 202: Accepted, ...identityErrors.responses('password_resets_exceeded') },
      },
    },
    async (request, reply) => {
      await service.requestPasswordReset(request.body.email, request.ip);
      return reply.status(202).send({});
    },
  );

  r.post(
    '/v1/auth/password-reset/confirm',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Set a new password with a reset link; every session ends',
        body: PasswordResetConfirmBody,
        response: {
          204: NoContent,
          ...identityErrors.responses('token_invalid', 'password_rejected', 'hash_queue_full'),
        },
      },
    },
    async (request, reply) => {
      await service.confirmPasswordReset({
        token: request.body.token,
        newPassword: request.body.new_password,
      });
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/v1/me/email-verification',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Mail a link that verifies the email address (nothing when it is verified)',
        security: bearerSecurity,
        response: { 202: Accepted, ...identityErrors.responses('verification_emails_exceeded') },
      },
    },
    async (request, reply) => {
      await service.requestEmailVerification(callerOf(request));
      return reply.status(202).send({});
    },
  );

  r.post(
    '/v1/auth/verify-email',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Verify an email address with its link',
        body: TokenBody,
        response: { 200: UserAnswer, ...identityErrors.responses('token_invalid') },
      },
    },
    async (request) => ({ user: await service.verifyEmail(request.body.token) }),
  );

  r.post(
    '/v1/me/email',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Change the email address: a link goes to the new one, a notice to the current one',
        security: bearerSecurity,
        body: ChangeEmailBody,
        response: {
          202: Accepted,
          ...identityErrors.responses(
            'new_email_unchanged',
            'current_password_wrong',
            'user_not_found',
            'login_attempts_exceeded',
            'hash_queue_full',
          ),
        },
      },
    },
    async (request, reply) => {
      await service.requestEmailChange(
        callerOf(request),
        { newEmail: request.body.new_email, currentPassword: request.body.current_password },
        request.ip,
      );
      return reply.status(202).send({});
    },
  );

  r.post(
    '/v1/auth/confirm-email-change',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags,
        summary: 'Confirm a new email address with its link',
        body: TokenBody,
        response: { 200: UserAnswer, ...identityErrors.responses('token_invalid', 'email_taken') },
      },
    },
    async (request) => ({ user: await service.confirmEmailChange(request.body.token) }),
  );
}
