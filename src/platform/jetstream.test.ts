import { nanos } from '@nats-io/transport-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { appendStandInEvent } from '../../test/events.js';
import { jetStreamReader, uniqueStream } from '../../test/jetstream.js';
import { TcpProxy } from '../../test/tcp-proxy.js';
import { ManualClock } from '../../test/timing.js';
import { sql } from './db.js';
import { JetStreamSink } from './jetstream.js';
import { type EventType, OutboxRelay } from './outbox.js';

const natsUrl = process.env.TEST_NATS_URL;

describe.skipIf(!natsUrl)('the outbox relayed to NATS JetStream (TEST_NATS_URL)', () => {
  let database: TestDatabase;
  let reader: Awaited<ReturnType<typeof jetStreamReader>>;
  const streams: string[] = [];
  const sinks: JetStreamSink[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    reader = await jetStreamReader(natsUrl!);
  });
  afterAll(async () => {
    for (const sink of sinks) await sink.close();
    await reader?.close(streams);
    await database?.db.close();
  });
  beforeEach(async () => {
    await database.db.execute(sql`DELETE FROM outbox_events`);
  });

  /** A sink on a stream of this test's own. */
  function newSink(options: { servers?: string; relayLeaseSeconds?: number } = {}) {
    const names = uniqueStream();
    streams.push(names.stream);
    const sink = new JetStreamSink({
      servers: options.servers ?? natsUrl!,
      relayLeaseSeconds: options.relayLeaseSeconds ?? 30,
      ...names,
    });
    sinks.push(sink);
    return { sink, ...names };
  }

  const append = (...types: EventType[]) =>
    database.db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const [i, type] of types.entries()) ids.push(await appendStandInEvent(tx, type, { n: i }));
      return ids;
    });

  const backlog = async () => {
    const [row] = await database.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM outbox_events WHERE published_at IS NULL`,
    );
    return row!.count;
  };

  it('publishes each event once to <prefix><type>, with the event id as Nats-Msg-Id, even when relayed twice', async () => {
    const { sink, stream, subjectPrefix } = newSink();
    const relay = new OutboxRelay(database.db);
    relay.addSink(sink);
    const ids = await append('test.placed.v1', 'test.succeeded.v1', 'test.paid.v1');

    expect(await relay.drain()).toBe(3);
    // A relay that published and then died before marking the events published: the next relays them again.
    await database.db.execute(sql`UPDATE outbox_events SET published_at = NULL, locked_until = NULL`);
    expect(await relay.drain()).toBe(3);

    expect(await backlog()).toBe(0);
    const stored = await reader.messages(stream);
    expect(
      stored.map(({ subject, msgId, event }) => ({ subject, msgId, id: event.id, data: event.data })),
    ).toEqual([
      { subject: `${subjectPrefix}test.placed.v1`, msgId: ids[0], id: ids[0], data: { n: 0 } },
      { subject: `${subjectPrefix}test.succeeded.v1`, msgId: ids[1], id: ids[1], data: { n: 1 } },
      { subject: `${subjectPrefix}test.paid.v1`, msgId: ids[2], id: ids[2], data: { n: 2 } },
    ]);
    expect(stored[0]!.event).toMatchObject({ type: 'test.placed.v1', occurred_at: expect.any(String) });
  });

  it('creates the stream with a duplicate window that outlasts the relay lease, and widens a shorter one', async () => {
    const created = newSink({ relayLeaseSeconds: 300 });
    await created.sink.publish({
      id: 'evt_a',
      type: 'test.happened.v1',
      occurred_at: new Date().toISOString(),
      data: {},
    });
    const info = await reader.jsm.streams.info(created.stream);
    expect(info.config.subjects).toEqual([`${created.subjectPrefix}>`]);
    expect(info.config.duplicate_window).toBe(nanos(600_000));

    const existing = newSink({ relayLeaseSeconds: 30 });
    await reader.jsm.streams.add({
      name: existing.stream,
      subjects: [`${existing.subjectPrefix}>`],
      duplicate_window: nanos(10_000),
    });
    await existing.sink.publish({
      id: 'evt_b',
      type: 'test.happened.v1',
      occurred_at: new Date().toISOString(),
      data: {},
    });
    expect((await reader.jsm.streams.info(existing.stream)).config.duplicate_window).toBe(nanos(120_000));
  });

  it('keeps events in the backlog while NATS is unreachable (the API stays ready) and relays them once it is back', async () => {
    const proxy = await TcpProxy.to(natsUrl!);
    await proxy.stop();
    const names = uniqueStream();
    streams.push(names.stream);
    const t = await createTestApp({
      database,
      env: {
        NATS_URL: proxy.url(natsUrl!),
        BAZAAR_NATS_STREAM: names.stream,
        BAZAAR_NATS_SUBJECT_PREFIX: names.subjectPrefix,
      },
    });
    try {
      const ids = await append('widget.made.v1', 'widget.sold.v1');
      expect(await t.services.outbox.drain()).toBe(2);
      expect(await backlog()).toBe(2);
      const errors = await database.db.query<{ lastError: string }>(
        sql`SELECT last_error AS "lastError" FROM outbox_events ORDER BY seq`,
      );
      expect(errors).toEqual([
        { lastError: expect.stringMatching(`^jetstream:${names.stream}: `) },
        { lastError: expect.stringMatching(`^jetstream:${names.stream}: `) },
      ]);
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/^outbox_backlog 2$/m);

      await proxy.start();
      const retryDelayPassesAndRelay = async () => {
        await database.db.execute(sql`UPDATE outbox_events SET locked_until = now()`);
        await t.services.outbox.drain();
        return backlog();
      };
      await expect.poll(retryDelayPassesAndRelay, { timeout: 10_000, interval: 200 }).toBe(0);

      const stored = await reader.messages(names.stream);
      expect(stored.map((message) => message.msgId)).toEqual(ids);
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^outbox_backlog 0$/m);
    } finally {
      await t.close();
      await proxy.stop();
    }
  });

  it('stops publishing while NATS is down after connecting, and resumes by itself when it returns', async () => {
    const proxy = await TcpProxy.to(natsUrl!);
    const { sink, stream } = newSink({ servers: proxy.url(natsUrl!) });
    const clock = new ManualClock();
    const relay = new OutboxRelay(database.db, { now: clock.now });
    relay.addSink(sink);
    try {
      const [first] = await append('test.placed.v1');
      await relay.drain();

      await proxy.stop();
      const [second] = await append('test.paid.v1');
      await relay.drain();
      expect(await backlog()).toBe(1);

      await proxy.start();
      await expect
        .poll(
          async () => {
            clock.advance(600);
            await relay.drain();
            return backlog();
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe(0);
      expect((await reader.messages(stream)).map((message) => message.msgId)).toEqual([first, second]);
    } finally {
      await proxy.stop();
    }
  });
});
