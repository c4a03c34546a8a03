import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../test/db.js';
import { gate, ManualClock } from '../../test/timing.js';
import { type Database, openDatabase, sql } from './db.js';
import { type JobContext, JobRunner, type JobRunnerOptions, scheduleJob } from './jobs.js';

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
  await db.execute(sql`DELETE FROM jobs`);
});

/** The runners' shared clock. */
const clock = new ManualClock();
const advance = (seconds: number) => clock.advance(seconds);
const inSeconds = (seconds: number) => clock.in(seconds);

const runner = (options: JobRunnerOptions = {}, on: Database = db) =>
  new JobRunner(on, { now: clock.now, ...options });

const testLog = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });

interface JobStateRow {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  runAt: Date;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  dedupeKey: string | null;
}

const jobRows = (kind: string) =>
  db.query<JobStateRow>(sql`
    SELECT id, kind, status, attempts, run_at AS "runAt", locked_by AS "lockedBy",
      locked_until AS "lockedUntil", last_error AS "lastError", dedupe_key AS "dedupeKey"
    FROM jobs WHERE kind = ${kind} ORDER BY run_at, id`);

describe('scheduleJob', () => {
  it('joins the caller’s transaction: a rolled-back job never exists', async () => {
    await expect(
      db.transaction(async (tx) => {
        await scheduleJob(tx, { kind: 'test.tx', runAt: inSeconds(0), payload: { n: 1 } });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await jobRows('test.tx')).toEqual([]);

    await db.transaction((tx) =>
      scheduleJob(tx, { kind: 'test.tx', runAt: inSeconds(0), payload: { n: 2 } }),
    );
    expect(await jobRows('test.tx')).toMatchObject([{ status: 'pending', attempts: 0 }]);
  });

  it('ignores a second schedule of a live (kind, dedupe key), and only that', async () => {
    const job = { kind: 'test.dedupe', runAt: inSeconds(0), payload: null, dedupeKey: 'order-1' };
    await scheduleJob(db, job);
    await scheduleJob(db, { ...job, runAt: inSeconds(60) });
    await scheduleJob(db, { ...job, kind: 'test.dedupe-other' });
    await scheduleJob(db, { ...job, dedupeKey: 'order-2' });
    await scheduleJob(db, { kind: 'test.dedupe', runAt: inSeconds(0), payload: null });
    await scheduleJob(db, { kind: 'test.dedupe', runAt: inSeconds(0), payload: null });

    const rows = await jobRows('test.dedupe');
    expect(rows.map((row) => row.dedupeKey ?? 'none').sort()).toEqual(['none', 'none', 'order-1', 'order-2']);
    expect(rows.find((row) => row.dedupeKey === 'order-1')!.runAt).toEqual(inSeconds(0));
    expect(await jobRows('test.dedupe-other')).toHaveLength(1);
  });

  it('ignores a schedule of a key whose job is running, and accepts it again once that job is done', async () => {
    const job = { kind: 'test.dedupe-running', runAt: inSeconds(0), payload: null, dedupeKey: 'k' };
    await scheduleJob(db, job);
    const hold = gate();
    const started = gate();
    const sut = runner();
    sut.register(job.kind, async () => {
      started.open();
      await hold.opened;
    });
    const pass = sut.runDueJobs();
    await started.opened;
    await scheduleJob(db, job);
    expect(await jobRows(job.kind)).toMatchObject([{ status: 'running' }]);
    hold.open();
    expect(await pass).toBe(1);
    expect(await jobRows(job.kind)).toEqual([]);

    await scheduleJob(db, job);
    expect(await jobRows(job.kind)).toMatchObject([{ status: 'pending', attempts: 0 }]);
  });
});

describe('JobRunner', () => {
  it('runs a due job once with its payload and deletes it; a job not yet due waits', async () => {
    const kind = 'test.due';
    await scheduleJob(db, { kind, runAt: inSeconds(-1), payload: { orderId: 'ord_1' } });
    await scheduleJob(db, { kind, runAt: inSeconds(60), payload: { orderId: 'ord_2' } });
    const calls: Array<{ payload: unknown; ctx: JobContext }> = [];
    const sut = runner();
    sut.register(kind, async (payload, ctx) => {
      calls.push({ payload, ctx });
    });

    expect(await sut.runDueJobs()).toBe(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.payload).toEqual({ orderId: 'ord_1' });
    expect(calls[0]!.ctx.attempt).toBe(1);
    expect(calls[0]!.ctx.db).toBe(db);
    expect(calls[0]!.ctx.jobId).toMatch(/^job_/);
    const waiting = await jobRows(kind);
    expect(waiting).toMatchObject([{ status: 'pending', attempts: 0, lockedBy: null, lockedUntil: null }]);

    expect(await sut.runDueJobs()).toBe(0);
    advance(59);
    expect(await sut.runDueJobs()).toBe(0);
    advance(1);
    expect(await sut.runDueJobs()).toBe(1);
    expect(calls.map((call) => call.payload)).toEqual([{ orderId: 'ord_1' }, { orderId: 'ord_2' }]);
    expect(await jobRows(kind)).toEqual([]);
  });

  it('claims only the kinds it has a handler for', async () => {
    await scheduleJob(db, { kind: 'test.unhandled', runAt: inSeconds(-1), payload: null });
    const sut = runner();
    sut.register('test.handled', async () => {});
    expect(await sut.runDueJobs()).toBe(0);
    expect(await jobRows('test.unhandled')).toMatchObject([{ status: 'pending', attempts: 0 }]);
  });

  it('refuses a second handler for one kind', () => {
    const sut = runner();
    sut.register('test.twice', async () => {});
    expect(() => sut.register('test.twice', async () => {})).toThrow('already has a handler');
  });

  it('retries a failing job with exponential backoff, then leaves it failed and logs it', async () => {
    const kind = 'test.failing';
    await scheduleJob(db, { kind, runAt: inSeconds(0), payload: null });
    const log = testLog();
    const attempts: number[] = [];
    const sut = runner({ retryBaseSeconds: 10, maxAttempts: 3, log });
    sut.register(kind, async (_payload, { attempt }) => {
      attempts.push(attempt);
      throw new Error(`boom ${attempt}`);
    });

    expect(await sut.runDueJobs()).toBe(1);
    expect(await jobRows(kind)).toEqual([
      expect.objectContaining({
        status: 'pending',
        attempts: 1,
        lastError: 'boom 1',
        runAt: inSeconds(10),
        lockedBy: null,
        lockedUntil: null,
      }),
    ]);
    expect(await sut.runDueJobs()).toBe(0);

    advance(10);
    expect(await sut.runDueJobs()).toBe(1);
    expect(await jobRows(kind)).toMatchObject([{ status: 'pending', attempts: 2, lastError: 'boom 2' }]);
    expect((await jobRows(kind))[0]!.runAt).toEqual(inSeconds(20));
    advance(19);
    expect(await sut.runDueJobs()).toBe(0);
    advance(1);
    expect(await sut.runDueJobs()).toBe(1);

    expect(await jobRows(kind)).toMatchObject([
      { status: 'failed', attempts: 3, lastError: 'boom 3', lockedBy: null, lockedUntil: null },
    ]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0]![0]).toMatchObject({ kind, attempt: 3 });

    advance(3600);
    expect(await sut.runDueJobs()).toBe(0);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('finishes a job that fails once and then succeeds', async () => {
    const kind = 'test.flaky';
    await scheduleJob(db, { kind, runAt: inSeconds(0), payload: null });
    const sut = runner({ retryBaseSeconds: 5 });
    sut.register(kind, async (_payload, { attempt }) => {
      if (attempt === 1) throw new Error('transient');
    });
    await sut.runDueJobs();
    advance(5);
    expect(await sut.runDueJobs()).toBe(1);
    expect(await jobRows(kind)).toEqual([]);
  });

  it('lets a second runner take over a job once the first runner’s lease ends, and drops the late outcome', async () => {
    const kind = 'test.lease';
    await scheduleJob(db, { kind, runAt: inSeconds(0), payload: null });
    const firstLog = testLog();
    const first = runner({ workerId: 'first', leaseSeconds: 30, log: firstLog });
    const second = runner({ workerId: 'second', leaseSeconds: 30 });
    const started = gate();
    const hung = gate();
    first.register(kind, async () => {
      started.open();
      await hung.opened;
    });
    const secondRuns: number[] = [];
    second.register(kind, async (_payload, { attempt }) => {
      secondRuns.push(attempt);
    });

    const firstPass = first.runDueJobs();
    await started.opened;
    expect(await jobRows(kind)).toMatchObject([{ status: 'running', attempts: 1, lockedBy: 'first' }]);
    expect(await second.runDueJobs()).toBe(0);
    advance(29);
    expect(await second.runDueJobs()).toBe(0);

    advance(1);
    expect(await second.runDueJobs()).toBe(1);
    expect(secondRuns).toEqual([2]);
    expect(await jobRows(kind)).toEqual([]);

    // The first runner comes back and succeeds late: its outcome no longer applies.
    await scheduleJob(db, { kind, runAt: inSeconds(0), payload: null });
    hung.open();
    expect(await firstPass).toBe(1);
    expect(await jobRows(kind)).toMatchObject([{ status: 'pending', attempts: 0 }]);
    expect(firstLog.warn).toHaveBeenCalledWith(expect.anything(), expect.stringContaining('taken over'));
  });

  it('leaves as failed, without running it, a job whose runner died on its last attempt', async () => {
    const kind = 'test.died-last';
    await scheduleJob(db, { kind, runAt: inSeconds(-120), payload: null });
    await db.execute(sql`
      UPDATE jobs SET status = 'running', attempts = 3, locked_by = 'gone',
        locked_until = ${inSeconds(-60).toISOString()}::timestamptz
      WHERE kind = ${kind}`);
    const handler = vi.fn(async () => {});
    const sut = runner({ maxAttempts: 3 });
    sut.register(kind, handler);

    expect(await sut.runDueJobs()).toBe(1);
    expect(handler).not.toHaveBeenCalled();
    expect(await jobRows(kind)).toMatchObject([
      { status: 'failed', attempts: 4, lastError: 'the runner of the last attempt stopped before finishing' },
    ]);
  });

  it('runs a periodic task once per interval across two runners', async () => {
    const kind = 'test.every';
    const runs: string[] = [];
    const runners = ['a', 'b'].map((name) => {
      const r = runner({ workerId: name });
      r.every(kind, 60, async () => {
        runs.push(name);
      });
      return r;
    });
    const bothPass = () => Promise.all(runners.map((r) => r.runDueJobs()));

    await bothPass();
    await bothPass();
    expect(runs).toHaveLength(1);
    expect(await jobRows(kind)).toMatchObject([{ status: 'pending', attempts: 0, dedupeKey: 'every' }]);
    expect((await jobRows(kind))[0]!.runAt).toEqual(inSeconds(60));

    advance(59);
    await bothPass();
    expect(runs).toHaveLength(1);
    advance(1);
    await bothPass();
    await bothPass();
    expect(runs).toHaveLength(2);
    advance(60);
    await bothPass();
    expect(runs).toHaveLength(3);
    expect(await jobRows(kind)).toHaveLength(1);
  });

  it('schedules the next run of a periodic task whose run failed for good', async () => {
    const kind = 'test.every-failing';
    const sut = runner({ maxAttempts: 1 });
    sut.every(kind, 300, async () => {
      throw new Error('down');
    });
    expect(await sut.runDueJobs()).toBe(1);
    const rows = await jobRows(kind);
    expect(rows).toMatchObject([
      { status: 'failed', lastError: 'down' },
      { status: 'pending', attempts: 0, dedupeKey: 'every' },
    ]);
    expect(rows[1]!.runAt).toEqual(inSeconds(300));
  });

  it('stops gracefully: finishes the job under way and hands back the claimed ones not started', async () => {
    const kind = 'test.stop';
    for (let i = 0; i < 3; i++) await scheduleJob(db, { kind, runAt: inSeconds(i - 10), payload: { i } });
    const started = gate();
    const hold = gate();
    const ran: unknown[] = [];
    const sut = runner({ batchSize: 3, workerId: 'stopping' });
    sut.register(kind, async (payload) => {
      ran.push(payload);
      started.open();
      await hold.opened;
    });

    const pass = sut.runDueJobs();
    await started.opened;
    expect(await jobRows(kind)).toMatchObject([
      { status: 'running', attempts: 1 },
      { status: 'running', attempts: 1 },
      { status: 'running', attempts: 1 },
    ]);
    const stopped = sut.stop();
    hold.open();
    await stopped;
    expect(await pass).toBe(3);

    expect(ran).toEqual([{ i: 0 }]);
    expect(await jobRows(kind)).toMatchObject([
      { status: 'pending', attempts: 0, lockedBy: null, lockedUntil: null },
      { status: 'pending', attempts: 0, lockedBy: null, lockedUntil: null },
    ]);
  });

  it('polls on its own once started, until stopped', async () => {
    const kind = 'test.poll';
    const sut = new JobRunner(db, { pollMs: 10 });
    const ran: unknown[] = [];
    sut.register(kind, async (payload) => {
      ran.push(payload);
    });
    sut.start();
    try {
      await scheduleJob(db, { kind, runAt: new Date(), payload: 'first' });
      await vi.waitFor(() => expect(ran).toEqual(['first']));
    } finally {
      await sut.stop();
    }
    await scheduleJob(db, { kind, runAt: new Date(), payload: 'after stop' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ran).toEqual(['first']);
  });

  it.skipIf(testDatabaseKind() !== 'postgres')(
    'runs each of 200 jobs exactly once with two runners racing on separate pools',
    async () => {
      const kind = 'test.race';
      await db.execute(sql`CREATE TABLE job_effects (job_id text NOT NULL, runner text NOT NULL)`);
      const runAt = new Date();
      for (let i = 0; i < 200; i += 50) {
        await db.transaction(async (tx) => {
          for (let j = i; j < i + 50; j++) await scheduleJob(tx, { kind, runAt, payload: { j } });
        });
      }
      const otherDb = await openDatabase({ databaseUrl: database.url, poolSize: 4 });
      try {
        const race = [db, otherDb].map((on, index) => {
          const sut = new JobRunner(on, { workerId: `racer-${index}`, batchSize: 5 });
          sut.register(kind, async (_payload, ctx) => {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
            await ctx.db.execute(
              sql`INSERT INTO job_effects (job_id, runner) VALUES (${ctx.jobId}, ${`racer-${index}`})`,
            );
          });
          return (async () => {
            while ((await sut.runDueJobs()) > 0);
          })();
        });
        await Promise.all(race);
      } finally {
        await otherDb.close();
      }

      const [effects] = await db.query<{ total: number; distinct: number }>(
        sql`SELECT count(*)::int AS total, count(DISTINCT job_id)::int AS distinct FROM job_effects`,
      );
      expect(effects).toEqual({ total: 200, distinct: 200 });
      const byRunner = await db.query<{ runner: string; n: number }>(
        sql`SELECT runner, count(*)::int AS n FROM job_effects GROUP BY runner ORDER BY runner`,
      );
      expect(byRunner.map((row) => row.runner)).toEqual(['racer-0', 'racer-1']);
      expect(await jobRows(kind)).toEqual([]);
    },
  );
});

describe('JobRunner.backlog', () => {
  it('counts the jobs due and unclaimed, of every kind, and those left as failed', async () => {
    await scheduleJob(db, { kind: 'test.backlog-a', runAt: inSeconds(-5), payload: null });
    await scheduleJob(db, { kind: 'test.backlog-b', runAt: inSeconds(0), payload: null });
    await scheduleJob(db, { kind: 'test.backlog-a', runAt: inSeconds(60), payload: null });
    await scheduleJob(db, { kind: 'test.backlog-dead', runAt: inSeconds(-5), payload: null });
    await db.execute(sql`UPDATE jobs SET status = 'failed' WHERE kind = 'test.backlog-dead'`);
    const sut = runner();
    expect(await sut.backlog()).toEqual({ due: 2, failed: 1 });

    sut.register('test.backlog-b', async () => {});
    await sut.runDueJobs();
    expect(await sut.backlog()).toEqual({ due: 1, failed: 1 });
  });
});
