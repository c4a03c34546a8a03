import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../test/db.js';
import { appendStandInEvent } from '../../test/events.js';
import { gate, ManualClock } from '../../test/timing.js';
import { type Database, openDatabase, sql } from './db.js';
import {
  appendEvent,
  type DomainEvent,
  type EventType,
  OutboxRelay,
  type OutboxRelayOptions,
} from './outbox.js';

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.execute(sql`DELETE FROM outbox_events`);
});

const clock = new ManualClock();
const advance = (seconds: number) => clock.advance(seconds);

const relay = (options: OutboxRelayOptions = {}, on: Database = db) =>
  new OutboxRelay(on, { now: clock.now, ...options });

/** An event of a type of these tests, with data standing in for a module's. */
type StandIn = [EventType, Record<string, unknown>];

const append = (...events: StandIn[]) =>
  db.transaction(async (tx) => {
    const ids: string[] = [];
    for (const [type, data] of events) ids.push(await appendStandInEvent(tx, type, data));
    return ids;
  });

/** A subscriber handler that records the ids it was given. */
function recorder() {
  const ids: string[] = [];
  const handler = async (event: DomainEvent) => {
    ids.push(event.id);
  };
  return { ids, handler };
}

const deliveries = () =>
  db.query<{ sink: string }>(sql`SELECT sink FROM outbox_deliveries ORDER BY event_seq, sink`);

describe('OutboxRelay', () => {
  it('delivers events in order, each to the subscribers whose pattern matches, and marks them published', async () => {
    const [placed, succeeded, paid] = await append(
      ['order.placed.v1', { id: 'ord_1' }],
      ['payment.succeeded.v1', { id: 'pay_1' }],
      ['order.paid.v1', { id: 'ord_1' }],
    );
    const [shipped] = await append(['order.shipped.v1', { id: 'ord_1' }]);
    const orders = recorder();
    const payments = recorder();
    const everything: DomainEvent[] = [];
    const sut = relay();
    sut.subscribe('order.*', 'orders', orders.handler);
    sut.subscribe('payment.succeeded.v1', 'payments', payments.handler);
    sut.subscribe('*', 'everything', async (event) => {
      everything.push(event);
    });

    expect(await sut.backlog()).toBe(4);
    expect(await sut.relayOnce()).toBe(4);

    expect(orders.ids).toEqual([placed, paid, shipped]);
    expect(payments.ids).toEqual([succeeded]);
    expect(everything.map((event) => event.id)).toEqual([placed, succeeded, paid, shipped]);
    expect(everything[0]).toEqual({
      id: placed,
      type: 'order.placed.v1',
      occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { id: 'ord_1' },
    });
    expect(await sut.backlog()).toBe(0);
    const unpublished = await db.query(sql`SELECT 1 FROM outbox_events WHERE published_at IS NULL`);
    expect(unpublished).toEqual([]);

    expect(await sut.relayOnce()).toBe(0);
    expect(everything).toHaveLength(4);
  });

  it('delivers to a sink added with addSink only the types it accepts', async () => {
    const [placed] = await append(['order.placed.v1', {}], ['review.created.v1', {}]);
    const published: string[] = [];
    const sut = relay();
    sut.addSink({
      name: 'broker',
      accepts: (type) => type.startsWith('order.'),
      publish: async (event) => {
        published.push(event.id);
      },
    });
    expect(await sut.relayOnce()).toBe(2);
    expect(published).toEqual([placed]);
    expect(await sut.backlog()).toBe(0);
  });

  it('refuses to append an event of a type no module catalogued', async () => {
    await expect(
      db.transaction((tx) => appendEvent(tx, 'parcel.lost.v1' as never, {} as never)),
    ).rejects.toThrow('event type "parcel.lost.v1" has no registered schema');
    expect(await relay().backlog()).toBe(0);
  });

  it('never delivers events appended in a rolled-back transaction', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendStandInEvent(tx, 'order.placed.v1', { id: 'ord_ghost' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const [kept] = await append(['order.placed.v1', { id: 'ord_kept' }]);
    const all = recorder();
    const sut = relay();
    sut.subscribe('*', 'all', all.handler);
    expect(await sut.relayOnce()).toBe(1);
    expect(all.ids).toEqual([kept]);
  });

  it('retries a failed delivery with backoff, without holding back other events or redelivering to others', async () => {
    const [first, second, third] = await append(
      ['order.placed.v1', { n: 1 }],
      ['order.placed.v1', { n: 2 }],
      ['order.placed.v1', { n: 3 }],
    );
    const steady = recorder();
    const flaky = recorder();
    let failuresLeft = 2;
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const sut = relay({ retryBaseSeconds: 5, log });
    sut.subscribe('order.*', 'steady', steady.handler);
    sut.subscribe('order.*', 'flaky', async (event) => {
      if (event.id === second && failuresLeft-- > 0) throw new Error('search index unavailable');
      await flaky.handler(event);
    });

    expect(await sut.relayOnce()).toBe(3);
    expect(steady.ids).toEqual([first, second, third]);
    expect(flaky.ids).toEqual([first, third]);
    expect(await sut.backlog()).toBe(1);
    expect(await deliveries()).toEqual([{ sink: 'steady' }]);
    const [failed] = await db.query<{ id: string; attempts: number; lastError: string }>(
      sql`SELECT id, attempts, last_error AS "lastError" FROM outbox_events WHERE published_at IS NULL`,
    );
    expect(failed).toEqual({ id: second, attempts: 1, lastError: 'flaky: search index unavailable' });
    expect(log.warn).toHaveBeenCalledWith(
      expect.objectContaining({ eventId: second, sink: 'flaky', attempt: 1, retryInSeconds: 5 }),
      expect.any(String),
    );

    expect(await sut.relayOnce()).toBe(0);
    advance(4);
    expect(await sut.relayOnce()).toBe(0);
    advance(1);
    expect(await sut.relayOnce()).toBe(1);
    expect(flaky.ids).toEqual([first, third]);
    advance(9);
    expect(await sut.relayOnce()).toBe(0);
    advance(1);
    expect(await sut.relayOnce()).toBe(1);

    expect(flaky.ids).toEqual([first, third, second]);
    expect(steady.ids).toEqual([first, second, third]);
    expect(await sut.backlog()).toBe(0);
    expect(await deliveries()).toEqual([]);
  });

  it('redelivers the events of a relay that stopped answering once its lease ends, and never while it holds it', async () => {
    const [event] = await append(['order.placed.v1', {}]);
    const started = gate();
    const hung = gate();
    const firstSeen: string[] = [];
    const first = relay({ leaseSeconds: 30 });
    first.subscribe('*', 'sub', async (e) => {
      firstSeen.push(e.id);
      started.open();
      await hung.opened;
    });
    const second = relay({ leaseSeconds: 30 });
    const secondSeen = recorder();
    second.subscribe('*', 'sub', secondSeen.handler);

    const firstPass = first.relayOnce();
    await started.opened;
    expect(await second.relayOnce()).toBe(0);
    advance(30);
    expect(await second.relayOnce()).toBe(1);
    expect(secondSeen.ids).toEqual([event]);
    expect(await second.backlog()).toBe(0);

    hung.open();
    expect(await firstPass).toBe(1);
    expect(firstSeen).toEqual([event]);
    expect(await first.backlog()).toBe(0);
  });

  it('stops gracefully: finishes the event under way and hands back the rest of its batch', async () => {
    const [first, second, third] = await append(
      ['order.placed.v1', {}],
      ['order.placed.v1', {}],
      ['order.placed.v1', {}],
    );
    const started = gate();
    const hold = gate();
    const seen: string[] = [];
    const sut = relay();
    sut.subscribe('*', 'sub', async (event) => {
      seen.push(event.id);
      started.open();
      await hold.opened;
    });
    const pass = sut.relayOnce();
    await started.opened;
    const stopped = sut.stop();
    hold.open();
    await stopped;
    expect(await pass).toBe(3);
    expect(seen).toEqual([first]);

    const left = await db.query<{ id: string; attempts: number; lockedUntil: Date | null }>(sql`
      SELECT id, attempts, locked_until AS "lockedUntil" FROM outbox_events
      WHERE published_at IS NULL ORDER BY seq`);
    expect(left).toEqual([
      { id: second, attempts: 0, lockedUntil: null },
      { id: third, attempts: 0, lockedUntil: null },
    ]);
    expect(await sut.drain()).toBe(2);
    expect(seen).toEqual([first, second, third]);
  });

  it('drains a backlog larger than one batch', async () => {
    const ids = await append(...Array.from({ length: 7 }, (_, n): StandIn => ['order.placed.v1', { n }]));
    const all = recorder();
    const sut = relay({ batchSize: 3 });
    sut.subscribe('*', 'all', all.handler);
    expect(await sut.drain()).toBe(7);
    expect(all.ids).toEqual(ids);
    expect(await sut.backlog()).toBe(0);
  });

  it('relays on its own once started, until stopped', async () => {
    const all = recorder();
    const sut = new OutboxRelay(db, { pollMs: 10 });
    sut.subscribe('*', 'all', all.handler);
    sut.start();
    let first: string | undefined;
    try {
      [first] = await append(['order.placed.v1', {}]);
      await vi.waitFor(() => expect(all.ids).toEqual([first]));
    } finally {
      await sut.stop();
    }
    await append(['order.placed.v1', {}]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(all.ids).toEqual([first]);
  });

  it('refuses an invalid pattern and a subscriber name taken', () => {
    const sut = relay();
    sut.subscribe('order.*', 'orders', async () => {});
    expect(() => sut.subscribe('order.*', 'orders', async () => {})).toThrow('already exists');
    for (const pattern of ['order*', 'order.', '', 'Order.placed.v1', 'order.*.v1']) {
      expect(() => sut.subscribe(pattern, `p-${pattern}`, async () => {})).toThrow('invalid event pattern');
    }
  });

  it.skipIf(testDatabaseKind() !== 'postgres')(
    'two relays on separate pools deliver each of 300 events exactly once, never both at a time',
    async () => {
      const ids: string[] = [];
      for (let i = 0; i < 300; i += 100) {
        ids.push(
          ...(await append(
            ...Array.from({ length: 100 }, (_, n): StandIn => ['order.placed.v1', { n: i + n }]),
          )),
        );
      }
      const otherDb = await openDatabase({ databaseUrl: database.url, poolSize: 4 });
      const deliveredTo = new Map<string, string[]>();
      const inFlight = new Set<string>();
      const overlaps: string[] = [];
      try {
        const race = [db, otherDb].map((on, index) => {
          const sut = new OutboxRelay(on, { batchSize: 10 });
          sut.subscribe('*', 'counter', async (event) => {
            if (inFlight.has(event.id)) overlaps.push(event.id);
            inFlight.add(event.id);
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
            inFlight.delete(event.id);
            deliveredTo.set(event.id, [...(deliveredTo.get(event.id) ?? []), `relay-${index}`]);
          });
          return sut.drain();
        });
        await Promise.all(race);
      } finally {
        await otherDb.close();
      }

      expect(overlaps).toEqual([]);
      expect([...deliveredTo.keys()].sort()).toEqual([...ids].sort());
      expect([...deliveredTo.values()].filter((relays) => relays.length !== 1)).toEqual([]);
      const relaysUsed = new Set([...deliveredTo.values()].flat());
      expect(relaysUsed).toEqual(new Set(['relay-0', 'relay-1']));
      expect(await new OutboxRelay(db).backlog()).toBe(0);
    },
  );
});
