import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import { keysetTime } from '../../platform/pagination.js';

export interface NotificationRow {
  id: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
  /** created_at, exactly, for the cursor. */
  position: string;
}

export interface EmailRow {
  id: string;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  attempts: number;
  sentAt: Date | null;
  failedAt: Date | null;
}

export interface PreferencesRow {
  orders: boolean;
  shop: boolean;
  reviews: boolean;
  payouts: boolean;
}

export type EmailGroup = keyof PreferencesRow;

const NOTIFICATION_COLUMNS = sql`id, type, title, body, link, read_at AS "readAt", created_at AS "createdAt",
  ${keysetTime(sql`created_at`)} AS position`;
const EMAIL_COLUMNS = sql`id, to_address AS "toAddress", subject, text_body AS "textBody",
  html_body AS "htmlBody", attempts, sent_at AS "sentAt", failed_at AS "failedAt"`;

/** Adds an in-app notification; false when its key is taken (the event was handled before). */
export async function insertNotification(
  db: Queryable,
  notification: {
    id: string;
    userId: string;
    type: string;
    title: string;
    body: string;
    link: string;
    dedupeKey: string;
  },
): Promise<boolean> {
  const inserted = await db.execute(sql`
    INSERT INTO notifications (id, user_id, type, title, body, link, dedupe_key)
    VALUES (${notification.id}, ${notification.userId}, ${notification.type}, ${notification.title},
      ${notification.body}, ${notification.link}, ${notification.dedupeKey})
    ON CONFLICT (dedupe_key) DO NOTHING`);
  return inserted > 0;
}

export async function listNotifications(
  db: Queryable,
  userId: string,
  page: { unreadOnly: boolean; after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<NotificationRow[]> {
  const unread = page.unreadOnly ? sql` AND read_at IS NULL` : sql``;
  const after = page.after
    ? sql` AND (created_at, id) < (${page.after.createdAt}::timestamptz, ${page.after.id})`
    : sql``;
  return db.query<NotificationRow>(sql`
    SELECT ${NOTIFICATION_COLUMNS} FROM notifications
    WHERE user_id = ${userId}${unread}${after}
    ORDER BY created_at DESC, id DESC
    LIMIT ${page.limit + 1}`);
}

export async function countUnread(db: Queryable, userId: string): Promise<number> {
  const [row] = await db.query<{ count: number }>(
    sql`SELECT count(*)::int AS count FROM notifications WHERE user_id = ${userId} AND read_at IS NULL`,
  );
  return row!.count;
}

/** Marks the user's notifications among `ids` read; answers which of them are the user's. */
export async function markRead(db: Queryable, userId: string, ids: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(sql`
    UPDATE notifications SET read_at = coalesce(read_at, now())
    WHERE user_id = ${userId} AND id = ANY(${sqlArray(ids)}::text[])
    RETURNING id`);
  return rows.map((row) => row.id);
}

export async function markAllRead(db: Queryable, userId: string): Promise<void> {
  await db.execute(
    sql`UPDATE notifications SET read_at = now() WHERE user_id = ${userId} AND read_at IS NULL`,
  );
}

export async function findPreferences(db: Queryable, userId: string): Promise<PreferencesRow | undefined> {
  const [row] = await db.query<PreferencesRow>(
    sql`SELECT orders, shop, reviews, payouts FROM notification_preferences WHERE user_id = ${userId}`,
  );
  return row;
}

export async function upsertPreferences(
  db: Queryable,
  userId: string,
  changes: Partial<PreferencesRow>,
): Promise<PreferencesRow> {
  const value = (group: EmailGroup) => changes[group] ?? null;
  const [row] = await db.query<PreferencesRow>(sql`
    INSERT INTO notification_preferences (user_id, orders, shop, reviews, payouts)
    VALUES (${userId}, coalesce(${value('orders')}, true), coalesce(${value('shop')}, true),
      coalesce(${value('reviews')}, true), coalesce(${value('payouts')}, true))
    ON CONFLICT (user_id) DO UPDATE SET
      orders = coalesce(${value('orders')}, notification_preferences.orders),
      shop = coalesce(${value('shop')}, notification_preferences.shop),
      reviews = coalesce(${value('reviews')}, notification_preferences.reviews),
      payouts = coalesce(${value('payouts')}, notification_preferences.payouts),
      updated_at = now()
    RETURNING orders, shop, reviews, payouts`);
  return row!;
}

/**
 * Adds an email; false when its key is taken (made from an event handled before). `kept` emails
 * (no SMTP) count as sent when made: the dev mailbox is where they go.
 */
export async function insertEmail(
  db: Queryable,
  email: {
    id: string;
    userId: string | null;
    to: string;
    subject: string;
    text: string;
    html: string;
    template: string;
    dedupeKey: string | null;
    kept: boolean;
  },
): Promise<boolean> {
  const inserted = await db.execute(sql`
    INSERT INTO emails (id, user_id, to_address, subject, text_body, html_body, template, dedupe_key, sent_at)
    VALUES (${email.id}, ${email.userId}, ${email.to}, ${email.subject}, ${email.text}, ${email.html},
      ${email.template}, ${email.dedupeKey}, ${email.kept ? sql`now()` : null})
    ON CONFLICT (dedupe_key) DO NOTHING`);
  return inserted > 0;
}

export async function findEmail(db: Queryable, id: string): Promise<EmailRow | undefined> {
  const [row] = await db.query<EmailRow>(sql`SELECT ${EMAIL_COLUMNS} FROM emails WHERE id = ${id}`);
  return row;
}

/** Counts a sending attempt; answers the count. */
export async function countEmailAttempt(db: Queryable, id: string): Promise<number> {
  const [row] = await db.query<{ attempts: number }>(
    sql`UPDATE emails SET attempts = attempts + 1 WHERE id = ${id} RETURNING attempts`,
  );
  return row?.attempts ?? 0;
}

export async function markEmailSent(db: Queryable, id: string): Promise<void> {
  await db.execute(
    sql`UPDATE emails SET sent_at = now(), last_error = NULL WHERE id = ${id} AND failed_at IS NULL`,
  );
}

export async function recordEmailError(
  db: Queryable,
  id: string,
  error: string,
  { permanent }: { permanent: boolean },
): Promise<void> {
  await db.execute(sql`
    UPDATE emails SET last_error = ${error.slice(0, 1000)}, failed_at = ${permanent ? sql`now()` : null}
    WHERE id = ${id} AND sent_at IS NULL`);
}

/** The latest emails sent (or kept), newest first: the dev mailbox. */
export async function latestEmails(db: Queryable, limit: number): Promise<(EmailRow & { sentAt: Date })[]> {
  return db.query<EmailRow & { sentAt: Date }>(sql`
    SELECT ${EMAIL_COLUMNS} FROM emails WHERE sent_at IS NOT NULL
    ORDER BY sent_at DESC, id DESC LIMIT ${limit}`);
}
