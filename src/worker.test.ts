import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { appendStandInEvent } from '../test/events.js';
import { newUser } from '../test/factories/identity.js';
import { sql } from './platform/db.js';
import type { DomainEvent } from './platform/outbox.js';
import { startWorker } from './worker.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the worker', () => {
  it('shows the outbox backlog in /metrics, relays events to subscribers and purges idle sessions hourly', async () => {
    await t.db.transaction(async (tx) => {
      await appendStandInEvent(tx, 'test.placed.v1', { id: 'ord_1' });
      await appendStandInEvent(tx, 'test.paid.v1', { id: 'ord_1' });
    });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^outbox_backlog 2$/m);

    const received: DomainEvent[] = [];
    t.services.outbox.subscribe('test.*', 'worker-test', async (event) => {
      received.push(event);
    });
    const idle = await newUser(t.db);
    await t.db.execute(
      sql`UPDATE sessions SET last_used_at = now() - interval '31 days' WHERE user_id = ${idle.id}`,
    );
    const log = { info: vi.fn() };

    const worker = startWorker(t.services, log);
    try {
      await vi.waitFor(async () => {
        expect(received.map((event) => event.type)).toEqual(['test.placed.v1', 'test.paid.v1']);
        expect(await t.db.query(sql`SELECT 1 FROM sessions WHERE user_id = ${idle.id}`)).toEqual([]);
      });
    } finally {
      await worker.stop();
    }
    expect(log.info).toHaveBeenCalledWith({ purged: 1 }, 'purged expired sessions');
    const [next] = await t.db.query<{ inSeconds: number }>(sql`
      SELECT extract(epoch FROM run_at - now())::int AS "inSeconds" FROM jobs
      WHERE kind = 'identity.purge-idle-sessions' AND status = 'pending'`);
    expect(next!.inSeconds).toBeGreaterThan(3500);
    expect(next!.inSeconds).toBeLessThanOrEqual(3600);
    const after = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(after.body).toMatch(/^outbox_backlog 0$/m);
  });
});
