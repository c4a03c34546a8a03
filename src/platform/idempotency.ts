import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Coalesced } from './coalesce.js';
import { allAtOnce, type Database, type Queryable, sql, sqlArray } from './db.js';
import { AppError, problemOf, toAppError, ValidationFailed } from './errors.js';
import { actorKeyOf } from './http.js';

/** How long a claimed key blocks retries before a crashed attempt may be taken over. */
const CLAIM_LEASE_SECONDS = 60;
/** Answers are kept at least this long (API.md: 24 h). */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 3600;

/** Idempotency's durable jobs, by name (periodic: the worker runs them, with no payload). */
export const idempotencyJobs = {
  purgeExpired: 'platform.purge-idempotency-keys',
} as const;

export const IdempotencyKeyHeader = z.object({ 'idempotency-key': z.string().min(1).max(255) });

export class IdempotencyKeyInUse extends AppError {
  constructor() {
    super(
      409,
      'idempotency_key_in_use',
      'Idempotency key in use',
      'A request with this key is still running.',
    );
  }
}

export class IdempotencyKeyReused extends AppError {
  constructor() {
    super(
      422,
      'idempotency_key_reused',
      'Idempotency key reused',
      'This key was used with a different request body.',
    );
  }
}

/** Handed to a use case: it stores the final answer inside the use case's own transaction. */
export interface IdempotentAnswer {
  complete(tx: Queryable, status: number, body: unknown): Promise<string>;
  /** What complete runs, for a use case that runs it with its other writes at once (see allAtOnce). */
  completion(status: number, body: unknown): { statements: SQL[]; text: string };
}

/** An answer stored nowhere, for use cases called directly (seeds, property tests): the body's text. */
export const unstoredAnswer: IdempotentAnswer = {
  complete: async (_tx, _status, body) => JSON.stringify(body),
  completion: (_status, body) => ({ statements: [], text: JSON.stringify(body) }),
};

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

interface KeyRow {
  requestHash: string;
  status: 'in_progress' | 'completed';
  responseStatus: number | null;
  responseBody: string | null;
}

/** A request's claim of its key. */
export interface Claim {
  scope: string;
  key: string;
  requestHash: string;
}

/** The most claims one statement takes. */
const MAX_BATCH = 256;
/** How many claim statements may run at once (each commits: see Idempotency.claims). */
const CLAIMS_AT_ONCE = 4;
/**
 * The most refusals one statement stores. Each is an UPDATE of its own in the statement (see
 * storeAnswers), and a batch is padded to the next power of two, so that a connection prepares
 * only a few statement texts (1, 2, 4, … of them).
 */
const MAX_STORED_AT_ONCE = 32;
/** How many statements storing refusals may run at once (each commits, as claims do). */
const STORES_AT_ONCE = 4;

/** A final answer to store under its key. */
export interface StoredAnswer {
  scope: string;
  key: string;
  status: number;
  text: string;
}

const storeAnswerStatement = (answer: StoredAnswer): SQL => sql`
  UPDATE idempotency_keys
  SET status = 'completed', response_status = ${answer.status}, response_body = ${answer.text},
      completed_at = now(), locked_until = NULL
  WHERE scope = ${answer.scope} AND key = ${answer.key}`;

/** Matches no key (a key has 1–255 characters): it pads a batch to its statement's size. */
const NO_ANSWER: StoredAnswer = { scope: '', key: '', status: 0, text: '' };

/**
 * Stores answers outside any transaction, in one statement: one UPDATE by key each, so that each
 * finds its row through the key's index whatever its plan (an UPDATE joined to the keys' arrays
 * got a plan scanning the table while its statistics said it was small).
 */
export async function storeAnswers(db: Queryable, answers: readonly StoredAnswer[]): Promise<undefined[]> {
  const size = 2 ** Math.ceil(Math.log2(answers.length));
  const padded = [...answers, ...Array.from({ length: size - answers.length }, () => NO_ANSWER)];
  await db.execute(allAtOnce(padded.map(storeAnswerStatement)), {
    prepareShapesAs: 'idempotency_store_answers',
  });
  return answers.map(() => undefined);
}

const keyIdOf = (row: { scope: string; key: string }) => JSON.stringify([row.scope, row.key]);

/**
 * Claims keys in one statement, answering for each claim whether it now owns its key. A key asked
 * twice in one batch is owned by its first claim; the later ones find it taken. Rows are inserted
 * in key order, so two batches (two processes) claiming the same keys cannot deadlock.
 */
export async function claimKeys(db: Queryable, claims: readonly Claim[]): Promise<boolean[]> {
  const firsts = new Map<string, number>();
  for (const [i, claim] of claims.entries()) if (!firsts.has(keyIdOf(claim))) firsts.set(keyIdOf(claim), i);
  const unique = [...firsts.values()].map((i) => claims[i]!);
  const inserted = await db.query<{ scope: string; key: string }>(
    sql`
    INSERT INTO idempotency_keys (scope, key, request_hash, status, locked_until)
    SELECT a.scope, a.key, a.request_hash, 'in_progress', now() + make_interval(secs => ${CLAIM_LEASE_SECONDS})
    FROM unnest(${sqlArray(unique.map((claim) => claim.scope))}::text[],
                ${sqlArray(unique.map((claim) => claim.key))}::text[],
                ${sqlArray(unique.map((claim) => claim.requestHash))}::text[]) AS a(scope, key, request_hash)
    ORDER BY a.scope, a.key
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING scope, key`,
    { prepareAs: 'idempotency_claims' },
  );
  const owned = new Set(inserted.map(keyIdOf));
  return claims.map((claim, i) => firsts.get(keyIdOf(claim)) === i && owned.has(keyIdOf(claim)));
}

/** Stored answers are sent as stored text, so a replay is byte-identical to the first answer. */
const sendStored = (reply: FastifyReply, status: number, body: string, replayed: boolean) => {
  if (replayed) reply.header('idempotent-replayed', 'true');
  return reply
    .status(status)
    .type(status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8')
    .send(body);
};

/**
 * Runs a request at most once per (caller, method, route, path ids, key): concurrent duplicates get
 * 409 at once, retries get the stored answer, a different body under the same key gets 422.
 */
export class Idempotency {
  /**
   * Claims made at once share one statement (see Coalesced): under a burst of requests, one round
   * trip and one commit for many instead of one each. Several run at once, on the main pool: a
   * claim commits, and one at a time on a connection of their own, every claim waited for one WAL
   * flush after another (checkout measured 20% slower in the whole bench, where flushes are slow);
   * PostgreSQL flushes concurrent commits together.
   */
  private readonly claims: Coalesced<Claim, boolean>;
  /**
   * Refusals (business errors, as a sold-out variant's 409) stored at once share one statement
   * too: under a flash sale, half the requests end with one.
   */
  private readonly refusals: Coalesced<StoredAnswer, undefined>;

  constructor(private readonly db: Database) {
    this.claims = new Coalesced((claims) => claimKeys(db, claims), {
      concurrency: CLAIMS_AT_ONCE,
      maxAsks: MAX_BATCH,
      aloneOnFailure: true,
    });
    this.refusals = new Coalesced((answers) => storeAnswers(db, answers), {
      concurrency: STORES_AT_ONCE,
      maxAsks: MAX_STORED_AT_ONCE,
      aloneOnFailure: true,
    });
  }

  async run(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (answer: IdempotentAnswer) => Promise<{ status: number; body: string }>,
  ) {
    const parsed = IdempotencyKeyHeader.safeParse(request.headers);
    if (!parsed.success)
      throw ValidationFailed.at(
        '/headers/idempotency-key',
        'an Idempotency-Key of 1–255 characters is required',
      );
    const key = parsed.data['idempotency-key'];
    const scope = [
      actorKeyOf(request),
      request.method,
      request.routeOptions.url,
      canonicalJson(request.params ?? {}),
    ].join(' ');
    const requestHash = createHash('sha256')
      .update(canonicalJson(request.body ?? null))
      .digest('hex');

    const claimed = await this.claim(scope, key, requestHash);
    if (claimed !== true) {
      if (claimed.requestHash !== requestHash) throw new IdempotencyKeyReused();
      if (claimed.status === 'completed') {
        return sendStored(reply, claimed.responseStatus!, claimed.responseBody!, true);
      }
      throw new IdempotencyKeyInUse();
    }

    const answer: IdempotentAnswer = {
      completion(status, body) {
        const text = JSON.stringify(body);
        return { statements: [storeAnswerStatement({ scope, key, status, text })], text };
      },
      async complete(tx, status, body) {
        const { statements, text } = answer.completion(status, body);
        for (const statement of statements)
          await tx.execute(statement, { prepareShapesAs: 'idempotency_complete' });
        return text;
      },
    };
    try {
      const result = await work(answer);
      return sendStored(reply, result.status, result.body, false);
    } catch (error) {
      const appError = toAppError(error);
      const storable = appError && appError.status < 500 && appError.code !== 'validation_failed';
      if (!storable) {
        await this.db.execute(
          sql`DELETE FROM idempotency_keys WHERE scope = ${scope} AND key = ${key} AND status = 'in_progress'`,
        );
        throw error;
      }
      const text = JSON.stringify(problemOf(appError, request.id));
      await this.refusals.ask({ scope, key, status: appError.status, text });
      reply.headers(appError.headers);
      return sendStored(reply, appError.status, text, false);
    }
  }

  /** true when this call now owns the key; otherwise the key's current row. */
  private async claim(scope: string, key: string, requestHash: string): Promise<true | KeyRow> {
    if (await this.claims.ask({ scope, key, requestHash })) return true;
    // A claim whose lease ran out belongs to an attempt that crashed before committing anything.
    const takenOver = await this.db.execute(sql`
      UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => ${CLAIM_LEASE_SECONDS})
      WHERE scope = ${scope} AND key = ${key} AND request_hash = ${requestHash}
        AND status = 'in_progress' AND locked_until < now()`);
    if (takenOver === 1) return true;
    const [row] = await this.db.query<KeyRow>(sql`
      SELECT request_hash AS "requestHash", status,
             response_status AS "responseStatus", response_body AS "responseBody"
      FROM idempotency_keys WHERE scope = ${scope} AND key = ${key}`);
    if (!row) return this.claim(scope, key, requestHash);
    return row;
  }

  /** Forgets answers older than the retention period. */
  purgeExpired(): Promise<number> {
    return this.db.execute(
      sql`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => ${IDEMPOTENCY_RETENTION_SECONDS})`,
    );
  }
}
