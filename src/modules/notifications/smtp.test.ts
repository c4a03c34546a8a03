import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { moneyFlows } from '../../../test/factories/payments.js';
import { SmtpSink } from '../../../test/smtp-sink.js';
import { sql } from '../../platform/db.js';
import type { DomainEvent } from '../../platform/outbox.js';

let t: TestApp;
let sink: SmtpSink;
let flows: ReturnType<typeof moneyFlows>;

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await createTestApp({
    env: { BAZAAR_SMTP_URL: sink.url, BAZAAR_MAIL_FROM: 'Bazaar Test <shop@bazaar.test>' },
  });
  flows = moneyFlows(t);
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

/** Delivers waiting events and runs due jobs until nothing is left. */
async function settle(): Promise<void> {
  while ((await t.services.outbox.drain()) + (await t.services.jobs.runDueJobs()) > 0) {}
}

const receivedBy = (user: TestUser) =>
  sink.received
    .filter((email) => email.to.toLowerCase() === user.email.toLowerCase())
    .map((email) => email.subject);

async function emailRow(to: string) {
  const [row] = await t.db.query<{
    sent_at: Date | null;
    failed_at: Date | null;
    attempts: number;
    last_error: string | null;
  }>(
    sql`SELECT sent_at, failed_at, attempts, last_error FROM emails WHERE to_address = ${to} ORDER BY created_at DESC LIMIT 1`,
  );
  return row;
}

const requestVerification = (user: TestUser) =>
  t.app.inject({ method: 'POST', url: '/v1/me/email-verification', headers: bearer(user.token) });

describe('email over SMTP', () => {
  it('sends each notice of an order placed, paid and shipped once, however often the events are delivered', async () => {
    const seller = await newUser(t.db, { shop: 'Parcel Shop' });
    const buyer = await newUser(t.db, { name: 'Ada Buyer' });
    const { order } = await flows.paidOrder(buyer, seller, { priceMinor: 123456 });
    const shipped = await flows.call('POST', `/v1/orders/${order.id}/ship`, seller.token, {
      carrier: 'UPS',
      tracking_number: '1Z-TRACK-42',
    });
    expect(shipped.statusCode, shipped.body).toBe(200);
    await settle();

    // The relay delivers at least once: every event of this order three more times.
    const events = await t.db.query<DomainEvent & { occurred_at: Date }>(
      sql`SELECT id, type, occurred_at, data FROM outbox_events ORDER BY seq`,
    );
    for (let round = 0; round < 3; round++) {
      for (const event of events) {
        await t.services.notifications.handleEvent({
          ...event,
          occurred_at: event.occurred_at.toISOString(),
        });
      }
    }
    await settle();

    const number = (await flows.call('GET', `/v1/orders/${order.id}`, buyer.token)).json().number;
    expect(receivedBy(buyer).sort()).toEqual([`Order ${number} placed`, `Order ${number} shipped`]);
    expect(receivedBy(seller)).toEqual([`New paid order ${number}`]);

    const placed = sink.received.find((email) => email.subject === `Order ${number} placed`)!;
    expect(placed.text).toContain('Hello Ada Buyer,');
    expect(placed.text).toContain('$1,234.56');
    expect(placed.text).toContain(`/orders/${order.id}`);
    expect(placed.html).toContain('$1,234.56');
    expect(placed.html).toContain(`/orders/${order.id}`);
    expect(placed.messageId).toMatch(/^<eml_[0-9a-z]+@/);
    const shippedMail = sink.received.find((email) => email.subject === `Order ${number} shipped`)!;
    expect(shippedMail.text).toContain('1Z-TRACK-42');
  });

  it('loses no email to an SMTP outage: it arrives when the relay is back', async () => {
    const user = await newUser(t.db);
    await sink.stop();
    try {
      expect((await requestVerification(user)).statusCode).toBe(202);
      await settle();
      const failing = await emailRow(user.email);
      expect(failing).toMatchObject({ sent_at: null, failed_at: null, attempts: 1 });
      expect(failing?.last_error).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await sink.start();
    }
    expect(receivedBy(user)).toEqual([]);
    // The retry is due after its backoff; make it due now rather than wait (a minute back, since
    // PostgreSQL's clock may run a little ahead of this process's, which decides what is due).
    await t.db.execute(
      sql`UPDATE jobs SET run_at = now() - interval '1 minute' WHERE kind = 'notifications.send-email'`,
    );
    await settle();
    expect(receivedBy(user)).toEqual(['Verify your email address for Bazaar']);
    expect((await emailRow(user.email))?.sent_at).not.toBeNull();
  });

  it('records an email the relay refuses for good, and does not retry it', async () => {
    const user = await newUser(t.db);
    sink.refuseRecipients.add(user.email.toLowerCase());
    expect((await requestVerification(user)).statusCode).toBe(202);
    await settle();
    const refused = await emailRow(user.email);
    expect(refused?.failed_at).not.toBeNull();
    expect(refused?.sent_at).toBeNull();
    expect(refused?.last_error).toMatch(/550|no such user/);
    const [jobs] = await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM jobs WHERE kind = 'notifications.send-email'`,
    );
    expect(jobs!.count).toBe(0);
    expect(receivedBy(user)).toEqual([]);
  });
});
