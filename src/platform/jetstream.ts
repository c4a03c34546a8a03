import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import { SpanKind } from '@opentelemetry/api';
import type { DomainEvent, EventType, OutboxSink } from './outbox.js';
import { inSpan } from './tracing.js';

/**
 * JetStream's own default; the window is never shorter than this, so that a publish whose ack was
 * lost and is retried a few seconds later is dropped as a duplicate.
 */
const MIN_DUPLICATE_WINDOW_SECONDS = 120;
const CONNECT_TIMEOUT_MS = 2000;
const PUBLISH_TIMEOUT_MS = 3000;
/** After a failed connection attempt, publishes fail at once for this long instead of each trying again. */
const RECONNECT_PAUSE_MS = 1000;

export interface JetStreamSinkOptions {
  /** NATS server URL(s), comma-separated. */
  servers: string;
  /** The stream events go to; created when missing. */
  stream: string;
  /** Prepended to the event type to make the subject, e.g. `bazaar.` → `bazaar.order.placed.v1`. */
  subjectPrefix: string;
  /**
   * The outbox relay's lease. When a relay dies after publishing but before marking its events
   * published, another relay publishes them again once the lease ends: the stream's duplicate
   * window must outlast that, or JetStream would keep both copies.
   */
  relayLeaseSeconds: number;
}

interface Link {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** False from a disconnect until the client has reconnected by itself. */
  online: boolean;
}

/**
 * Publishes outbox events to a JetStream stream, the message id being the event id, so JetStream
 * drops a second copy of an event published within the stream's duplicate window. It connects on
 * its first publish (an API-only process never does), and while NATS does not answer every publish
 * fails fast: the relay keeps the events in the outbox and retries them later.
 */
export class JetStreamSink implements OutboxSink {
  readonly name: string;
  readonly duplicateWindowSeconds: number;
  private link: Promise<Link> | undefined;
  /** Whether the stream was seen with our subjects and window since the last failed publish. */
  private streamReady = false;
  private closed = false;

  constructor(private readonly options: JetStreamSinkOptions) {
    this.name = `jetstream:${options.stream}`;
    this.duplicateWindowSeconds = Math.max(MIN_DUPLICATE_WINDOW_SECONDS, 2 * options.relayLeaseSeconds);
  }

  accepts(_type: EventType): boolean {
    return true;
  }

  subjectOf(type: EventType): string {
    return `${this.options.subjectPrefix}${type}`;
  }

  publish(event: DomainEvent): Promise<void> {
    const subject = this.subjectOf(event.type);
    // Messaging semantic conventions (still incubating, so spelled out rather than imported).
    const attributes = {
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': subject,
      'messaging.message.id': event.id,
    };
    return inSpan(`publish ${subject}`, { kind: SpanKind.PRODUCER, attributes }, () =>
      this.publishTo(subject, event),
    );
  }

  private async publishTo(subject: string, event: DomainEvent): Promise<void> {
    const link = await this.connected();
    if (!link.online) throw new Error('NATS is disconnected; the client is reconnecting');
    try {
      if (!this.streamReady) {
        await this.ensureStream(link.jsm);
        this.streamReady = true;
      }
      await link.js.publish(subject, JSON.stringify(event), {
        msgID: event.id,
        timeout: PUBLISH_TIMEOUT_MS,
      });
    } catch (error) {
      // The stream may have been deleted or changed: look at it again before the next publish.
      this.streamReady = false;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const link = await this.link?.catch(() => undefined);
    this.link = undefined;
    await link?.nc.close();
  }

  private connected(): Promise<Link> {
    if (this.closed) return Promise.reject(new Error('the JetStream sink is closed'));
    if (!this.link) {
      const opening = this.open();
      this.link = opening;
      opening.catch(() => {
        setTimeout(() => {
          if (this.link === opening) this.link = undefined;
        }, RECONNECT_PAUSE_MS).unref();
      });
    }
    return this.link;
  }

  private async open(): Promise<Link> {
    const nc = await connect({
      servers: this.options.servers.split(',').map((server) => server.trim()),
      name: 'bazaar-outbox',
      timeout: CONNECT_TIMEOUT_MS,
      // Once connected, the client reconnects by itself for as long as it takes.
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    try {
      const link: Link = {
        nc,
        js: jetstream(nc, { timeout: PUBLISH_TIMEOUT_MS }),
        jsm: await jetstreamManager(nc, { timeout: PUBLISH_TIMEOUT_MS }),
        online: true,
      };
      void (async () => {
        for await (const status of nc.status()) {
          if (status.type === 'disconnect') link.online = false;
          else if (status.type === 'reconnect') link.online = true;
        }
      })();
      return link;
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  /** Creates the stream when missing; widens its duplicate window or subjects when they fall short. */
  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const { stream, subjectPrefix } = this.options;
    const subject = `${subjectPrefix}>`;
    const window = nanos(this.duplicateWindowSeconds * 1000);
    let config: Awaited<ReturnType<JetStreamManager['streams']['info']>>['config'];
    try {
      config = (await jsm.streams.info(stream)).config;
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound))
        throw error;
      await jsm.streams.add({ name: stream, subjects: [subject], duplicate_window: window });
      return;
    }
    const subjects = config.subjects ?? [];
    const covered = subjects.includes(subject) || subjects.includes('>');
    if (config.duplicate_window < window || !covered) {
      await jsm.streams.update(stream, {
        duplicate_window: Math.max(config.duplicate_window, window),
        subjects: covered ? subjects : [...subjects, subject],
      });
    }
  }
}
