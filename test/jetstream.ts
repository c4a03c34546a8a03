import { randomBytes } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { DomainEvent } from '../src/platform/outbox.js';

/** A stream name and subject prefix of this test run's own, so runs never see each other's events. */
export function uniqueStream(): { stream: string; subjectPrefix: string } {
  const suffix = randomBytes(4).toString('hex');
  return { stream: `BAZAAR_TEST_${suffix}`, subjectPrefix: `bazaar_test_${suffix}.` };
}

export interface StoredEvent {
  subject: string;
  /** The `Nats-Msg-Id` header. */
  msgId: string | undefined;
  event: DomainEvent;
}

/** A JetStream manager on `url`, for reading what the code under test published. */
export async function jetStreamReader(url: string) {
  const nc = await connect({ servers: url });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  return {
    jsm,
    /** Every message in the stream, in order; none when the stream does not exist. */
    async messages(stream: string): Promise<StoredEvent[]> {
      const info = await jsm.streams.info(stream).catch(() => undefined);
      if (!info) return [];
      const stored: StoredEvent[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const message = await jsm.streams.getMessage(stream, { seq });
        if (!message) continue;
        stored.push({
          subject: message.subject,
          msgId: message.header?.get('Nats-Msg-Id') || undefined,
          event: message.json<DomainEvent>(),
        });
      }
      return stored;
    },
    async close(streams: string[]): Promise<void> {
      for (const stream of streams) await jsm.streams.delete(stream).catch(() => false);
      await nc.close();
    },
  };
}
