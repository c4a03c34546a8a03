/**
 * Notifications: turns outbox events into in-app notifications and emails, sends identity's own
 * mail (reset and verification links), keeps preferences, and sends email over SMTP by durable
 * jobs (or keeps it for the dev mailbox). Owns the tables notifications, emails and
 * notification_preferences.
 */

import type { JobRunner } from '../../platform/jobs.js';
import type { OutboxRelay } from '../../platform/outbox.js';
import { hasNoticeRule } from './event-notices.js';
import { notificationJobs, SendEmailPayload } from './notifications.jobs.js';
import type { NotificationsService } from './notifications.service.js';

export type { NotificationDirectory } from './event-notices.js';
export { type MailTransport, smtpTransport } from './mail-transport.js';
export { notificationJobs } from './notifications.jobs.js';
export { notificationsRoutes } from './notifications.routes.js';
export { type ContactDirectory, NotificationsService } from './notifications.service.js';

/** Events reach the notifications after commit, at least once; the sink takes only those with a rule. */
export function subscribeNotifications(outbox: OutboxRelay, service: NotificationsService): void {
  outbox.addSink({
    name: 'notifications',
    accepts: hasNoticeRule,
    publish: (event) => service.handleEvent(event),
  });
}

export function registerNotificationJobs(jobs: JobRunner, service: NotificationsService): void {
  jobs.register(notificationJobs.sendEmail, async (payload, context) => {
    await service.sendEmail(SendEmailPayload.parse(payload).emailId, context);
  });
}
