import type { SQL } from 'drizzle-orm';
import {
  isoAfter,
  lastErrorOf,
  PollLoop,
  retryDelaySeconds,
  silentLog,
  type WorkerLog,
} from './background.js';
import { type Database, type Queryable, sql } from './db.js';
import { assertCatalogued, type CataloguedEventType, type DomainEventCatalog } from './events.js';
import { newId } from './ids.js';
import { inSpan } from './tracing.js';

/** `<entity>.<past-tense-verb>.v1`, e.g. `order.placed.v1`: any type the relay may carry. */
export type EventType = `${string}.${string}.v${number}`;

export interface DomainEvent<Data = unknown, Type extends EventType = EventType> {
  id: string;
  type: Type;
  occurred_at: string;
  data: Data;
}

/** An event of a catalogued type, with its data typed by the catalogue. */
export type CataloguedEvent<Type extends CataloguedEventType> = Type extends unknown
  ? DomainEvent<DomainEventCatalog[Type], Type>
  : never;

/**
 * What a subscription to `pattern` receives: one catalogued type's events for an exact type, the
 * union of the matching types' events for a prefix such as `order.*` (narrowed by `type`), and
 * untyped events for `*` or a pattern the catalogue does not know.
 */
export type EventsMatching<Pattern extends string> = Pattern extends CataloguedEventType
  ? CataloguedEvent<Pattern>
  : Pattern extends `${infer Prefix}.*`
    ? [Extract<CataloguedEventType, `${Prefix}.${string}`>] extends [never]
      ? DomainEvent
      : CataloguedEvent<Extract<CataloguedEventType, `${Prefix}.${string}`>>
    : DomainEvent;

/**
 * Records an event in the caller's transaction, so it exists exactly when the change does. The
 * type must be catalogued (a module's `<name>.events.ts`), and `data` is typed by its schema.
 */
export async function appendEvent<Type extends CataloguedEventType>(
  tx: Queryable,
  type: Type,
  data: DomainEventCatalog[Type],
): Promise<string> {
  const { id, statement } = eventStatement(type, data);
  await tx.execute(statement);
  return id;
}

/** The statement appendEvent runs (the event checked now), for a caller that runs it with others at once. */
export function eventStatement<Type extends CataloguedEventType>(
  type: Type,
  data: DomainEventCatalog[Type],
): { id: string; statement: SQL } {
  assertCatalogued(type, data);
  const id = newId('evt');
  return {
    id,
    statement: sql`INSERT INTO outbox_events (id, type, data) VALUES (${id}, ${type}, ${JSON.stringify(data)}::jsonb)`,
  };
}

/**
 * Where the relay delivers events: each in-process subscription is one sink, and a message broker
 * (NATS JetStream) can be another. Delivery is at least once, so `publish` must be idempotent
 * (consumers dedupe on the event id).
 */
export interface OutboxSink {
  /** Stable across restarts: the relay records which sinks already took an event under it. */
  readonly name: string;
  accepts(type: EventType): boolean;
  publish(event: DomainEvent): Promise<void>;
}

/** `*` (every event), an exact type, or a prefix such as `order.*`. */
export function eventTypeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export interface OutboxRelayOptions {
  pollMs?: number;
  /** Events claimed per pass. */
  batchSize?: number;
  /** How long claimed events are this relay's before another may deliver them. */
  leaseSeconds?: number;
  /** A failed delivery is retried after this long, twice as long each further time, up to the max. */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  log?: WorkerLog;
  /** The clock that decides when leases and retry delays end (tests move it). */
  now?: () => Date;
}

interface ClaimedEvent {
  seq: number;
  attempt: number;
  event: DomainEvent;
}

interface ClaimedEventRow {
  seq: number;
  id: string;
  type: EventType;
  occurredAt: Date | string;
  data: unknown;
  attempt: number;
}

/**
 * Delivers outbox events to its sinks at least once. A pass claims the oldest unpublished events
 * (FOR UPDATE SKIP LOCKED, then a lease in `locked_until`) in one short statement, delivers them
 * in `seq` order outside any transaction, and marks the delivered ones published in one more.
 *
 * An event whose delivery fails at one sink is retried later with backoff (it never blocks the
 * events after it, and is never given up: it waits in the backlog), and the sinks that did take it
 * are recorded in `outbox_deliveries` so the retry skips them. Duplicates therefore come only from
 * a relay dying, or outliving its lease, mid-batch. Order is by `seq` within a pass; across
 * retries and several relays it is not guaranteed, so consumers must not rely on it.
 */
export class OutboxRelay {
  private readonly sinks: OutboxSink[] = [];
  private readonly batchSize: number;
  /** How long claimed events are this relay's (a broker's duplicate window must outlast it). */
  readonly leaseSeconds: number;
  private readonly retryBaseSeconds: number;
  private readonly retryMaxSeconds: number;
  private readonly log: WorkerLog;
  private readonly now: () => Date;
  private readonly loop: PollLoop;

  constructor(
    private readonly db: Database,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.retryBaseSeconds = options.retryBaseSeconds ?? 5;
    this.retryMaxSeconds = options.retryMaxSeconds ?? 600;
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
    this.loop = new PollLoop(
      () => this.pass(),
      options.pollMs ?? 250,
      (error) => this.log.error({ err: error }, 'outbox relay pass failed'),
    );
  }

  /**
   * Calls `handler` with every event matching `pattern` (`*`, an exact type or `order.*`), at
   * least once: handlers must be idempotent. `name` identifies the subscriber across restarts.
   */
  subscribe<Pattern extends string>(
    pattern: Pattern,
    name: string,
    handler: (event: EventsMatching<Pattern>) => Promise<void>,
  ): void {
    if (!/^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*\.\*|[a-z0-9_-]+(\.[a-z0-9_-]+)+)$/.test(pattern)) {
      throw new Error(`invalid event pattern "${pattern}": use *, an exact type or a prefix like order.*`);
    }
    // The sink is given only events whose type matches the pattern, and appendEvent typed their data.
    const publish = handler as (event: DomainEvent) => Promise<void>;
    this.addSink({ name, accepts: (type) => eventTypeMatches(pattern, type), publish });
  }

  addSink(sink: OutboxSink): void {
    if (this.sinks.some((existing) => existing.name === sink.name)) {
      throw new Error(`outbox sink "${sink.name}" already exists`);
    }
    this.sinks.push(sink);
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming, finishes the event under way, and hands the rest of its batch back. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass: claims up to `batchSize` events and delivers them. Answers how many it claimed. */
  relayOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  /** Relays until no event is due (those waiting for a retry stay). Answers how many it claimed. */
  async drain(): Promise<number> {
    let total = 0;
    for (let claimed = await this.relayOnce(); claimed > 0; claimed = await this.relayOnce()) {
      total += claimed;
    }
    return total;
  }

  /** Events not yet published, including those waiting for a retry. */
  async backlog(): Promise<number> {
    const [row] = await this.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM outbox_events WHERE published_at IS NULL`,
    );
    return row!.count;
  }

  private async pass(): Promise<number> {
    if (this.loop.stopping) return 0;
    const { events, leaseEndsAt } = await this.claim();
    if (events.length === 0) return 0;
    // A trace per pass that claimed events (an empty poll makes none), a span per event in it.
    await inSpan(
      'outbox relay',
      { root: true, attributes: { 'bazaar.outbox.events': events.length } },
      async () => {
        const delivered = await this.sinksThatTook(events);
        const published: number[] = [];
        for (const [index, claimed] of events.entries()) {
          if (this.loop.stopping) {
            await this.release(events.slice(index));
            break;
          }
          if (this.now().getTime() >= leaseEndsAt) {
            // Another relay may be delivering the rest by now; what is left is claimable again.
            this.log.warn({ remaining: events.length - index }, 'outbox lease ended mid-batch');
            break;
          }
          const attributes = { 'bazaar.event.type': claimed.event.type, 'bazaar.event.id': claimed.event.id };
          const took = await inSpan(`outbox deliver ${claimed.event.type}`, { attributes }, () =>
            this.deliver(claimed, delivered.get(claimed.seq)),
          );
          if (took) published.push(claimed.seq);
        }
        await this.markPublished(published);
      },
    );
    return events.length;
  }

  private async claim(): Promise<{ events: ClaimedEvent[]; leaseEndsAt: number }> {
    const now = this.now();
    const leaseEndsAt = now.getTime() + this.leaseSeconds * 1000;
    const rows = await this.db.query<ClaimedEventRow>(sql`
      WITH due AS (
        SELECT seq FROM outbox_events
        WHERE published_at IS NULL
          AND (locked_until IS NULL OR locked_until <= ${now.toISOString()}::timestamptz)
        ORDER BY seq
        LIMIT ${this.batchSize}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE outbox_events SET attempts = outbox_events.attempts + 1,
        locked_until = ${new Date(leaseEndsAt).toISOString()}::timestamptz
      FROM due WHERE outbox_events.seq = due.seq
      RETURNING outbox_events.seq, outbox_events.id, outbox_events.type,
        outbox_events.occurred_at AS "occurredAt", outbox_events.data, outbox_events.attempts AS attempt`);
    const events = rows
      .sort((a, b) => a.seq - b.seq)
      .map(({ seq, attempt, id, type, occurredAt, data }) => ({
        seq,
        attempt,
        event: { id, type, occurred_at: new Date(occurredAt).toISOString(), data },
      }));
    return { events, leaseEndsAt };
  }

  /** Only an event tried before can have sinks that already took it. */
  private async sinksThatTook(events: ClaimedEvent[]): Promise<Map<number, Set<string>>> {
    const triedBefore = events.filter((claimed) => claimed.attempt > 1).map((claimed) => claimed.seq);
    const bySeq = new Map<number, Set<string>>();
    if (triedBefore.length === 0) return bySeq;
    const rows = await this.db.query<{ seq: number; sink: string }>(
      sql`SELECT event_seq AS seq, sink FROM outbox_deliveries WHERE event_seq IN ${triedBefore}`,
    );
    for (const { seq, sink } of rows) bySeq.set(seq, (bySeq.get(seq) ?? new Set()).add(sink));
    return bySeq;
  }

  /** Answers whether every sink that wants the event now has it. */
  private async deliver({ seq, attempt, event }: ClaimedEvent, tookBefore?: Set<string>): Promise<boolean> {
    const sinks = this.sinks.filter((sink) => sink.accepts(event.type) && !tookBefore?.has(sink.name));
    const outcomes = await Promise.allSettled(sinks.map(async (sink) => sink.publish(event)));
    const failures = sinks.flatMap((sink, i) => {
      const outcome = outcomes[i]!;
      return outcome.status === 'rejected' ? [{ sink: sink.name, error: outcome.reason as unknown }] : [];
    });
    if (failures.length === 0) return true;

    const took = sinks.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((sink) => sink.name);
    const delaySeconds = retryDelaySeconds(attempt, this.retryBaseSeconds, this.retryMaxSeconds);
    const lastError = lastErrorOf(
      failures.map(({ sink, error }) => `${sink}: ${lastErrorOf(error)}`).join('; '),
    );
    await this.db.transaction(async (tx) => {
      if (took.length > 0) {
        await tx.execute(sql`
          INSERT INTO outbox_deliveries (event_seq, sink)
          VALUES ${sql.join(
            took.map((sink) => sql`(${seq}, ${sink})`),
            sql`, `,
          )}
          ON CONFLICT DO NOTHING`);
      }
      // Only while this claim still owns the event: a relay that took it over keeps its lease.
      await tx.execute(sql`
        UPDATE outbox_events SET last_error = ${lastError},
          locked_until = ${isoAfter(this.now(), delaySeconds)}::timestamptz
        WHERE seq = ${seq} AND attempts = ${attempt} AND published_at IS NULL`);
    });
    for (const { sink, error } of failures) {
      this.log.warn(
        { err: error, eventId: event.id, type: event.type, sink, attempt, retryInSeconds: delaySeconds },
        'outbox delivery failed; will retry',
      );
    }
    return false;
  }

  private async markPublished(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.execute(sql`
      WITH published AS (
        UPDATE outbox_events SET published_at = ${this.now().toISOString()}::timestamptz, locked_until = NULL
        WHERE seq IN ${seqs} AND published_at IS NULL
        RETURNING seq
      )
      DELETE FROM outbox_deliveries WHERE event_seq IN (SELECT seq FROM published)`);
  }

  private async release(events: ClaimedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.execute(sql`
      UPDATE outbox_events SET locked_until = NULL, attempts = attempts - 1
      WHERE (seq, attempts) IN ${events.map(({ seq, attempt }) => sql`(${seq}, ${attempt})`)}
        AND published_at IS NULL`);
  }
}
