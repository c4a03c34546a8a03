import type { Config } from '../../config.js';
import { lastErrorOf } from '../../platform/background.js';
import type { Database, Queryable } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { scheduleJob } from '../../platform/jobs.js';
import type { DomainEvent } from '../../platform/outbox.js';
import { CreatedPosition, decodeCursor, paginate } from '../../platform/pagination.js';
import type { AccountEmail, AccountMailer } from '../identity/index.js';
import type { GuestOrderMailer, OrderView } from '../orders/index.js';
import { accountEmailContent } from './account-emails.js';
import { type MessageContent, renderEmail } from './email-content.js';
import {
  guestOrderPlacedContent,
  type Notice,
  type NotificationDirectory,
  noticesOf,
} from './event-notices.js';
import { isPermanentMailFailure, type MailTransport } from './mail-transport.js';
import { notificationErrors } from './notifications.errors.js';
import { notificationJobs } from './notifications.jobs.js';
import * as repo from './notifications.repo.js';
import { presentMailboxEmail, presentNotification, presentPreferences } from './notifications.schemas.js';

/** The dev mailbox shows this many of the latest emails. */
export const MAILBOX_SIZE = 100;

const ALL_EMAIL: repo.PreferencesRow = { orders: true, shop: true, reviews: true, payouts: true };

/** Where to reach users, for the emails made from events. */
export interface ContactDirectory extends NotificationDirectory {
  contactsOf(
    db: Queryable,
    userIds: readonly string[],
  ): Promise<{ id: string; email: string; name: string }[]>;
}

export interface NotificationsDeps {
  db: Database;
  config: Pick<Config, 'publicUrl' | 'marketplaceName' | 'mailFrom'>;
  directory: ContactDirectory;
  /** SMTP; without it email is kept for the dev mailbox. */
  transport: MailTransport | undefined;
}

/**
 * Notifications: in-app notices and email, made from outbox events after commit (at least once,
 * so each is keyed by event, recipient and template) and from identity's own mail (links).
 * Owns the tables notifications, emails and notification_preferences.
 */
export class NotificationsService implements AccountMailer, GuestOrderMailer {
  private readonly db: Database;
  private readonly config: NotificationsDeps['config'];
  private readonly directory: ContactDirectory;
  private readonly transport: MailTransport | undefined;

  constructor(deps: NotificationsDeps) {
    this.db = deps.db;
    this.config = deps.config;
    this.directory = deps.directory;
    this.transport = deps.transport;
  }

  private readonly url = (path: string): string => `${this.config.publicUrl}${path}`;

  /** Makes what an event tells its recipients; a redelivered event makes nothing more. */
  async handleEvent(event: DomainEvent): Promise<void> {
    const notices = await noticesOf(event, {
      db: this.db,
      directory: this.directory,
      url: this.url,
      marketplaceName: this.config.marketplaceName,
    });
    if (notices.length === 0) return;
    await this.db.transaction(async (tx) => {
      const contacts = new Map(
        (await this.directory.contactsOf(tx, [...new Set(notices.map((notice) => notice.userId))])).map(
          (contact) => [contact.id, contact],
        ),
      );
      for (const notice of notices) {
        const contact = contacts.get(notice.userId);
        // A user who is gone or suspended is told nothing; a guest (no user) is mailed.
        if (contact) await this.deliver(tx, event.id, notice, contact);
        else if (notice.guest) await this.deliverToGuest(tx, event.id, notice, notice.guest);
      }
    });
  }

  private async deliver(
    tx: Queryable,
    eventId: string,
    notice: Notice,
    contact: { email: string; name: string },
  ): Promise<void> {
    const dedupeKey = `${eventId}:${notice.userId}:${notice.template}`;
    const fresh = await repo.insertNotification(tx, {
      id: newId('ntf'),
      userId: notice.userId,
      type: notice.template,
      title: notice.content.title,
      body: notice.content.summary,
      link: notice.link,
      dedupeKey,
    });
    if (!fresh) return;
    if (notice.group !== 'security') {
      const preferences = (await repo.findPreferences(tx, notice.userId)) ?? ALL_EMAIL;
      if (!preferences[notice.group]) return;
    }
    await this.enqueueEmail(tx, {
      userId: notice.userId,
      to: notice.to ?? contact.email,
      name: contact.name,
      template: notice.template,
      content: notice.content,
      dedupeKey,
    });
  }

  /** A guest's notice: email only (a guest has no in-app notifications, nor preferences). */
  private async deliverToGuest(
    tx: Queryable,
    eventId: string,
    notice: Notice,
    guest: { email: string; name: string },
  ): Promise<void> {
    await this.enqueueEmail(tx, {
      userId: null,
      to: guest.email,
      name: guest.name,
      template: notice.template,
      content: notice.content,
      dedupeKey: `${eventId}:${notice.userId}:${notice.template}`,
    });
  }

  /** A guest's checkout: one email per order, each linking to the order with the order token. */
  async guestOrdersPlaced(
    tx: Queryable,
    mail: { to: string; name: string; orders: readonly OrderView[]; orderToken: string },
  ): Promise<void> {
    for (const order of mail.orders) {
      await this.enqueueEmail(tx, {
        userId: null,
        to: mail.to,
        name: mail.name,
        template: 'order_placed',
        content: guestOrderPlacedContent(order, mail.orderToken, { url: this.url }),
        dedupeKey: null,
      });
    }
  }

  /** Identity's own mail (links with tokens, the notice of a requested email change). */
  async send(tx: Queryable, email: AccountEmail): Promise<void> {
    await this.enqueueEmail(tx, {
      userId: email.userId,
      to: email.to,
      name: email.name,
      template: email.template,
      content: accountEmailContent(email, this.config.marketplaceName),
      dedupeKey: null,
    });
  }

  /** Records an email in the caller's transaction; with SMTP, a job sends it after commit. */
  private async enqueueEmail(
    tx: Queryable,
    email: {
      userId: string | null;
      to: string;
      name: string;
      template: string;
      content: MessageContent;
      dedupeKey: string | null;
    },
  ): Promise<void> {
    const rendered = renderEmail(email.content, email.name, this.config.marketplaceName);
    const id = newId('eml');
    const made = await repo.insertEmail(tx, {
      id,
      userId: email.userId,
      to: email.to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      template: email.template,
      dedupeKey: email.dedupeKey,
      kept: this.transport === undefined,
    });
    if (made && this.transport) {
      await scheduleJob(tx, {
        kind: notificationJobs.sendEmail,
        runAt: new Date(),
        payload: { emailId: id },
      });
    }
  }

  /**
   * Job: hands an email to SMTP. A failure is retried with backoff (the job throws); a refusal for
   * good, or the last attempt's failure, is recorded on the email and never retried.
   */
  async sendEmail(emailId: string, { finalAttempt }: { finalAttempt: boolean }): Promise<void> {
    const email = await repo.findEmail(this.db, emailId);
    if (!email || email.sentAt || email.failedAt || !this.transport) return;
    await repo.countEmailAttempt(this.db, emailId);
    try {
      await this.transport.send({
        id: email.id,
        from: this.config.mailFrom,
        to: email.toAddress,
        subject: email.subject,
        text: email.textBody,
        html: email.htmlBody,
      });
    } catch (error) {
      const permanent = isPermanentMailFailure(error) || finalAttempt;
      await repo.recordEmailError(this.db, emailId, lastErrorOf(error), { permanent });
      if (permanent) return;
      throw error;
    }
    await repo.markEmailSent(this.db, emailId);
  }

  async list(
    caller: Caller,
    query: { unread?: 'true' | 'false' | undefined; limit: number; cursor?: string | undefined },
  ) {
    const after = decodeCursor(query.cursor, CreatedPosition);
    const [rows, unreadCount] = await Promise.all([
      repo.listNotifications(this.db, caller.id, {
        unreadOnly: query.unread === 'true',
        after,
        limit: query.limit,
      }),
      repo.countUnread(this.db, caller.id),
    ]);
    const page = paginate(rows, query.limit, presentNotification, (row) => ({
      createdAt: row.position,
      id: row.id,
    }));
    return { ...page, unread_count: unreadCount };
  }

  /** Marks notifications read: all of them, or those named (every one must be the caller's, or 404). */
  async markRead(caller: Caller, which: { ids: string[] } | { all: true }): Promise<void> {
    if ('all' in which) {
      await repo.markAllRead(this.db, caller.id);
      return;
    }
    const ids = [...new Set(which.ids)];
    await this.db.transaction(async (tx) => {
      const marked = await repo.markRead(tx, caller.id, ids);
      if (marked.length < ids.length) throw notificationErrors.error('notification_not_found');
    });
  }

  async preferences(caller: Caller) {
    return presentPreferences((await repo.findPreferences(this.db, caller.id)) ?? ALL_EMAIL);
  }

  async updatePreferences(caller: Caller, changes: Partial<repo.PreferencesRow>) {
    return presentPreferences(await repo.upsertPreferences(this.db, caller.id, changes));
  }

  async mailbox() {
    return { data: (await repo.latestEmails(this.db, MAILBOX_SIZE)).map(presentMailboxEmail) };
  }
}
