import { z } from 'zod';
import { PageQuery } from '../../platform/pagination.js';
import type { EmailRow, NotificationRow, PreferencesRow } from './notifications.repo.js';

export const Notification = z.object({
  id: z.string(),
  type: z.string().describe('the template: order_placed, order_shipped, password_changed, …'),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable().describe("the web app's page about it (a path)"),
  read_at: z.string().nullable(),
  created_at: z.string(),
});

export const NotificationPage = z.object({
  data: z.array(Notification),
  next_cursor: z.string().nullable(),
  unread_count: z.number().int(),
});

export const NotificationListQuery = PageQuery.extend({
  unread: z.enum(['true', 'false']).optional().describe('true: only unread notifications'),
}).strict();

export const MarkReadBody = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(100) }),
  z.strictObject({ all: z.literal(true) }),
]);

export const EmailPreferences = z.object({
  orders: z.boolean(),
  shop: z.boolean(),
  reviews: z.boolean(),
  payouts: z.boolean(),
});
export const NotificationPreferences = z.object({ email: EmailPreferences });
export const PreferencesBody = z.strictObject({
  email: z.strictObject({
    orders: z.boolean().optional(),
    shop: z.boolean().optional(),
    reviews: z.boolean().optional(),
    payouts: z.boolean().optional(),
  }),
});

export const MailboxEmail = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  sent_at: z.string(),
});
export const Mailbox = z.object({ data: z.array(MailboxEmail) });

export const presentNotification = (row: NotificationRow): z.infer<typeof Notification> => ({
  id: row.id,
  type: row.type,
  title: row.title,
  body: row.body,
  link: row.link,
  read_at: row.readAt?.toISOString() ?? null,
  created_at: row.createdAt.toISOString(),
});

export const presentPreferences = (row: PreferencesRow): z.infer<typeof NotificationPreferences> => ({
  email: { orders: row.orders, shop: row.shop, reviews: row.reviews, payouts: row.payouts },
});

export const presentMailboxEmail = (row: EmailRow & { sentAt: Date }): z.infer<typeof MailboxEmail> => ({
  id: row.id,
  to: row.toAddress,
  subject: row.subject,
  text: row.textBody,
  html: row.htmlBody,
  sent_at: row.sentAt.toISOString(),
});
