import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
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
import { newId } from './ids.js';
import { inSpan, recordFailure } from './tracing.js';

export interface NewJob {
  kind: string;
  runAt: Date;
  payload: unknown;
  /** While a job of this kind and key waits or runs, scheduling another one is a no-op. */
  dedupeKey?: string;
}

/**
 * Schedules work in the caller's transaction, so the job exists exactly when the change that
 * needs it does.
 */
export async function scheduleJob(tx: Queryable, job: NewJob): Promise<void> {
  await tx.execute(jobStatement(job));
}

/** The statement scheduleJob runs, for a caller that runs it with others at once. */
export function jobStatement(job: NewJob): SQL {
  return sql`
    INSERT INTO jobs (id, kind, payload, run_at, dedupe_key)
    VALUES (${newId('job')}, ${job.kind}, ${JSON.stringify(job.payload ?? null)}::jsonb,
      ${job.runAt.toISOString()}::timestamptz, ${job.dedupeKey ?? null})
    ON CONFLICT (kind, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running')
    DO NOTHING`;
}

export interface JobContext {
  jobId: string;
  /** 1 on the first run; a job is claimed again after a failure or when its worker's lease ended. */
  attempt: number;
  /** A failure of this attempt leaves the job `failed` for good: the handler may record why first. */
  finalAttempt: boolean;
  /** The root handle: the handler opens its own transaction, none is open while it runs. */
  db: Database;
}

/**
 * Runs one job. Handlers MUST be idempotent: a job runs at least once, and runs again when its
 * worker dies, or outlives its lease, before recording the outcome.
 */
export type JobHandler<Payload = unknown> = (payload: Payload, ctx: JobContext) => Promise<void>;

export interface JobRunnerOptions {
  /** Names this runner in `jobs.locked_by`; unique per runner. */
  workerId?: string;
  /** How long a claimed job is this runner's before another may take it over. */
  leaseSeconds?: number;
  pollMs?: number;
  /** Jobs claimed per pass; they run one after another. */
  batchSize?: number;
  /** After this many attempts a failing job is left as `failed` (dead) and logged. */
  maxAttempts?: number;
  /** The first retry waits this long, each further one twice as long, up to `retryMaxSeconds`. */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  log?: WorkerLog;
  /** The clock that decides what is due and when leases end (tests move it). */
  now?: () => Date;
}

interface ClaimedJob {
  id: string;
  kind: string;
  payload: unknown;
  attempt: number;
  runAt: Date;
  leaseEndsAt: number;
}

/** The dedupe key of a periodic kind's one live job. */
const PERIODIC_DEDUPE_KEY = 'every';

/**
 * Claims due jobs (FOR UPDATE SKIP LOCKED, then a lease in `locked_until`) in one short
 * statement, runs each handler outside any transaction, then records the outcome in another:
 * done jobs are deleted, failed ones retried with exponential backoff until `maxAttempts`, then
 * left as `failed`. The outcome is only recorded while `attempts` still equals the claim's, so a
 * runner whose lease was taken over cannot overwrite the new owner's state.
 */
export class JobRunner {
  readonly workerId: string;
  private readonly leaseSeconds: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly retryBaseSeconds: number;
  private readonly retryMaxSeconds: number;
  private readonly log: WorkerLog;
  private readonly now: () => Date;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly intervalSeconds = new Map<string, number>();
  /** Periodic kinds whose first job this runner has not yet made sure exists. */
  private readonly periodicToSchedule = new Set<string>();
  private readonly loop: PollLoop;

  constructor(
    private readonly db: Database,
    options: JobRunnerOptions = {},
  ) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.leaseSeconds = options.leaseSeconds ?? 60;
    this.batchSize = options.batchSize ?? 10;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.retryBaseSeconds = options.retryBaseSeconds ?? 10;
    this.retryMaxSeconds = options.retryMaxSeconds ?? 3600;
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
    this.loop = new PollLoop(
      () => this.pass(),
      options.pollMs ?? 1000,
      (error) => this.log.error({ err: error }, 'job pass failed'),
    );
  }

  /** Handles jobs of `kind`. Only kinds with a handler are claimed by this runner. */
  register<Payload = unknown>(kind: string, handler: JobHandler<Payload>): void {
    if (this.handlers.has(kind)) throw new Error(`job kind "${kind}" already has a handler`);
    this.handlers.set(kind, handler as JobHandler);
  }

  /**
   * Runs `handler` every `intervalSeconds` across all runners together: the kind has one live job
   * (a fixed dedupe key), and finishing it schedules the next, in the same transaction.
   */
  every(kind: string, intervalSeconds: number, handler: JobHandler<null>): void {
    this.register(kind, handler);
    this.intervalSeconds.set(kind, intervalSeconds);
    this.periodicToSchedule.add(kind);
  }

  start(): void {
    this.loop.start();
  }

  /**
   * Stops claiming, waits for the handler under way, and hands the jobs claimed but not yet
   * started back (their lease and attempt released).
   */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass: claims up to `batchSize` due jobs and runs them. Answers how many it claimed. */
  runDueJobs(): Promise<number> {
    return this.loop.runOnce();
  }

  /** Jobs of every kind due and not yet claimed (workers falling behind), and jobs left as failed. */
  async backlog(): Promise<{ due: number; failed: number }> {
    const [row] = await this.db.query<{ due: number; failed: number }>(sql`
      SELECT count(*) FILTER (WHERE status = 'pending' AND run_at <= ${this.now().toISOString()}::timestamptz)::int AS due,
        count(*) FILTER (WHERE status = 'failed')::int AS failed
      FROM jobs`);
    return row!;
  }

  private async pass(): Promise<number> {
    await this.schedulePeriodic();
    if (this.loop.stopping || this.handlers.size === 0) return 0;
    const jobs = await this.claim();
    for (const [index, job] of jobs.entries()) {
      if (this.loop.stopping) {
        await this.release(jobs.slice(index));
        break;
      }
      await this.run(job);
    }
    return jobs.length;
  }

  private async schedulePeriodic(): Promise<void> {
    for (const kind of this.periodicToSchedule) {
      await scheduleJob(this.db, { kind, runAt: this.now(), payload: null, dedupeKey: PERIODIC_DEDUPE_KEY });
      this.periodicToSchedule.delete(kind);
    }
  }

  private async claim(): Promise<ClaimedJob[]> {
    const now = this.now();
    const leaseEndsAt = now.getTime() + this.leaseSeconds * 1000;
    const rows = await this.db.query<Omit<ClaimedJob, 'leaseEndsAt'>>(sql`
      WITH due AS (
        SELECT id FROM jobs
        WHERE status IN ('pending', 'running') AND run_at <= ${now.toISOString()}::timestamptz
          AND (locked_until IS NULL OR locked_until <= ${now.toISOString()}::timestamptz)
          AND kind IN ${[...this.handlers.keys()]}
        ORDER BY run_at
        LIMIT ${this.batchSize}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs SET status = 'running', attempts = jobs.attempts + 1, locked_by = ${this.workerId},
        locked_until = ${new Date(leaseEndsAt).toISOString()}::timestamptz
      FROM due WHERE jobs.id = due.id
      RETURNING jobs.id, jobs.kind, jobs.payload, jobs.attempts AS attempt, jobs.run_at AS "runAt"`);
    return rows
      .map((row) => ({ ...row, leaseEndsAt }))
      .sort((a, b) => new Date(a.runAt).getTime() - new Date(b.runAt).getTime());
  }

  private async run(job: ClaimedJob): Promise<void> {
    if (this.now().getTime() >= job.leaseEndsAt) {
      // Another runner may hold it by now; the job stays claimable for whoever comes next.
      this.log.warn({ jobId: job.id, kind: job.kind }, 'job lease ended before it started; not run');
      return;
    }
    if (job.attempt > this.maxAttempts) {
      await this.fail(job, new Error('the runner of the last attempt stopped before finishing'));
      return;
    }
    const handler = this.handlers.get(job.kind)!;
    // A trace of its own per run: the handler's SQL, provider calls and outcome nest under it.
    const attributes = {
      'bazaar.job.kind': job.kind,
      'bazaar.job.id': job.id,
      'bazaar.job.attempt': job.attempt,
    };
    await inSpan(`job ${job.kind}`, { root: true, attributes }, async (span) => {
      try {
        await handler(job.payload, {
          jobId: job.id,
          attempt: job.attempt,
          finalAttempt: job.attempt >= this.maxAttempts,
          db: this.db,
        });
      } catch (error) {
        recordFailure(span, error);
        await this.fail(job, error);
        return;
      }
      await this.settle(job, sql`DELETE FROM jobs`, { periodicNext: true });
    });
  }

  private async fail(job: ClaimedJob, error: unknown): Promise<void> {
    const lastError = lastErrorOf(error);
    if (job.attempt >= this.maxAttempts) {
      await this.settle(
        job,
        sql`UPDATE jobs SET status = 'failed', locked_by = NULL, locked_until = NULL, last_error = ${lastError}`,
        { periodicNext: true },
      );
      this.log.error(
        { err: error, jobId: job.id, kind: job.kind, attempt: job.attempt },
        'job failed on its last attempt; left as failed',
      );
      return;
    }
    const delaySeconds = retryDelaySeconds(job.attempt, this.retryBaseSeconds, this.retryMaxSeconds);
    await this.settle(
      job,
      sql`UPDATE jobs SET status = 'pending', locked_by = NULL, locked_until = NULL, last_error = ${lastError},
        run_at = ${isoAfter(this.now(), delaySeconds)}::timestamptz`,
      { periodicNext: false },
    );
    this.log.warn(
      { err: error, jobId: job.id, kind: job.kind, attempt: job.attempt, retryInSeconds: delaySeconds },
      'job failed; will retry',
    );
  }

  /**
   * Applies `change` (an UPDATE or DELETE of `jobs`) to the job while this claim still owns it;
   * a periodic job that ends (done or dead) schedules its next run in the same transaction.
   */
  private async settle(job: ClaimedJob, change: SQL, { periodicNext }: { periodicNext: boolean }) {
    const fenced = sql`${change} WHERE id = ${job.id} AND attempts = ${job.attempt} AND status = 'running'`;
    const intervalSeconds = periodicNext ? this.intervalSeconds.get(job.kind) : undefined;
    const settled =
      intervalSeconds === undefined
        ? await this.db.execute(fenced)
        : await this.db.transaction(async (tx) => {
            const changed = await tx.execute(fenced);
            if (changed > 0) {
              await scheduleJob(tx, {
                kind: job.kind,
                runAt: new Date(this.now().getTime() + intervalSeconds * 1000),
                payload: null,
                dedupeKey: PERIODIC_DEDUPE_KEY,
              });
            }
            return changed;
          });
    if (settled === 0) {
      this.log.warn({ jobId: job.id, kind: job.kind }, 'job outcome dropped: its lease was taken over');
    }
  }

  private async release(jobs: ClaimedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.db.execute(sql`
      UPDATE jobs SET status = 'pending', locked_by = NULL, locked_until = NULL, attempts = attempts - 1
      WHERE id IN ${jobs.map((job) => job.id)} AND locked_by = ${this.workerId} AND status = 'running'`);
  }
}
