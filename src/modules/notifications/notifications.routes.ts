import { BlockList, isIPv4 } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthGuards, bearerSecurity, callerOf, NoContent } from '../../platform/http.js';
import { notificationErrors } from './notifications.errors.js';
import {
  Mailbox,
  MarkReadBody,
  NotificationListQuery,
  NotificationPage,
  NotificationPreferences,
  PreferencesBody,
} from './notifications.schemas.js';
import type { NotificationsService } from './notifications.service.js';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Whether a client address is this machine (an IPv4 one may come IPv6-mapped, `::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ipv4 = mapped ?? (isIPv4(address) ? address : undefined);
  return ipv4 ? loopback.check(ipv4, 'ipv4') : loopback.check(address, 'ipv6');
}

export function notificationsRoutes(
  app: FastifyInstance,
  service: NotificationsService,
  guards: AuthGuards,
  options: { devMailbox: boolean },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['notifications'];

  r.get(
    '/v1/me/notifications',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: "The caller's notifications, newest first, and how many are unread",
        security: bearerSecurity,
        querystring: NotificationListQuery,
        response: { 200: NotificationPage },
      },
    },
    async (request) => service.list(callerOf(request), request.query),
  );

  r.post(
    '/v1/me/notifications/read',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Mark notifications read: those named, or all',
        security: bearerSecurity,
        body: MarkReadBody,
        response: { 204: NoContent, ...notificationErrors.responses('notification_not_found') },
      },
    },
    async (request, reply) => {
      await service.markRead(callerOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/v1/me/notification-preferences',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Which groups of email the caller gets (security notices always go)',
        security: bearerSecurity,
        response: { 200: NotificationPreferences },
      },
    },
    async (request) => service.preferences(callerOf(request)),
  );

  r.patch(
    '/v1/me/notification-preferences',
    {
      onRequest: guards.user,
      schema: {
        'x-bazaar-scope': 'session',
        tags,
        summary: 'Switch groups of email on or off',
        security: bearerSecurity,
        body: PreferencesBody,
        response: { 200: NotificationPreferences },
      },
    },
    async (request) => service.updatePreferences(callerOf(request), request.body.email),
  );

  r.get(
    '/v1/dev/mailbox',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags: ['development'],
        summary: `The last emails the server sent (BAZAAR_DEV_MAILBOX, to clients on this machine only)`,
        response: { 200: Mailbox, ...notificationErrors.responses('mailbox_off') },
      },
    },
    async (request) => {
      if (!options.devMailbox || !isLoopbackAddress(request.ip))
        throw notificationErrors.error('mailbox_off');
      return service.mailbox();
    },
  );
}
