import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import { SpanKind } from '@opentelemetry/api';
import {
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { isRetryableTransactionError } from './errors.js';
import { inSpan, tracingEnabled } from './tracing.js';

export { sql } from 'drizzle-orm';

/**
 * One array parameter (write `${sqlArray(ids)}::text[]`). A bare JS array inside Drizzle's `sql`
 * expands into a parenthesised list of parameters instead.
 */
export const sqlArray = (values: readonly unknown[]) => sql.param([...values]);

/**
 * Single data-modifying statements (INSERT, UPDATE or DELETE, none with a WITH of its own) as ONE
 * statement, so one round trip: each becomes a data-modifying CTE. They all run on the snapshot the
 * statement starts with, so none may read another's writes or touch a row another changes; a
 * foreign key between their rows is checked at the end of the statement, as within one.
 */
export function allAtOnce(statements: readonly SQL[]): SQL {
  return sql`WITH ${writesAsCtes(statements)} SELECT 1`;
}

/** As allAtOnce, with one more such statement last, whose RETURNING rows the statement answers. */
export function allAtOnceReturning(statements: readonly SQL[], returning: SQL): SQL {
  return sql`WITH ${writesAsCtes([...statements, returning])} SELECT * FROM ${sql.raw(`w${statements.length}`)}`;
}

const writesAsCtes = (statements: readonly SQL[]): SQL =>
  sql.join(
    statements.map((statement, i) => sql`${sql.raw(`w${i}`)} AS (${statement})`),
    sql`, `,
  );

/**
 * A statement that the module owning its tables plans for a caller that runs it inside a statement
 * of its own, to save round trips: a read run with others at once (readAtOnce), or a write run as
 * a data-modifying CTE of the caller's statement.
 */
export interface PlannedStatement<T> {
  /** One SELECT, or one INSERT … RETURNING; its columns named as the module's rows name them. */
  statement: SQL;
  /** The module's answer from the statement's rows as JSON (timestamps come as ISO text). */
  answer(rows: Record<string, unknown>[]): T;
}

type Answers<Reads> = { [K in keyof Reads]: Reads[K] extends PlannedStatement<infer T> ? T : never };

/**
 * Several modules' reads in ONE round trip: each SELECT runs as a subquery whose rows come back as
 * one JSON array column of a single row, and all of them read the same snapshot.
 */
export async function readAtOnce<Reads extends Record<string, PlannedStatement<unknown>>>(
  db: Queryable,
  reads: Reads,
  options?: QueryOptions,
): Promise<Answers<Reads>> {
  const names = Object.keys(reads);
  const columns = names.map(
    (name) =>
      sql`(SELECT coalesce(json_agg(r), '[]'::json) FROM (${reads[name]!.statement}) r) AS ${sql.identifier(name)}`,
  );
  const [row] = await db.query<Record<string, Record<string, unknown>[]>>(
    sql`SELECT ${sql.join(columns, sql`, `)}`,
    options,
  );
  return Object.fromEntries(names.map((name) => [name, reads[name]!.answer(row![name]!)])) as Answers<Reads>;
}

export interface QueryOptions {
  /**
   * Prepares the statement under this name once per PostgreSQL connection and reuses its generic
   * plan (see openDatabase): for hot statements of key lookups, whose parsing and planning cost
   * more than running them (joins, data-modifying CTEs on every request). The name must be unique
   * to the statement's text. The embedded database ignores it.
   */
  prepareAs?: string;
  /**
   * As prepareAs, for a statement whose text takes a few shapes (parts present or not): each shape
   * is prepared under this prefix and a hash of its text.
   */
  prepareShapesAs?: string;
}

/** The name a statement is prepared under, if any (see QueryOptions). */
const preparedName = (text: string, options?: QueryOptions): string | undefined =>
  options?.prepareShapesAs !== undefined
    ? `${options.prepareShapesAs}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`
    : options?.prepareAs;

/** Anything that runs SQL: the root handle or an open transaction. Repos take one as first argument. */
export interface Queryable {
  /** Rows of a statement, with snake_case columns as the database names them. */
  query<Row extends object>(statement: SQL, options?: QueryOptions): Promise<Row[]>;
  /** Runs a statement and answers how many rows it touched. */
  execute(statement: SQL, options?: QueryOptions): Promise<number>;
}

export interface Tx extends Queryable {
  /** Runs a multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
  /**
   * Calls `effect` once this transaction has committed, never if it rolls back: for what others
   * may only see after the commit (dropping a cache of what it changed). `effect` must not throw.
   */
  afterCommit(effect: () => void): void;
}

export interface TransactionOptions {
  /** Retries on serialization failure or deadlock (PostgreSQL only). */
  retries?: number;
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
}

export interface Database extends Queryable {
  readonly kind: 'embedded' | 'postgres';
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const dialect = new PgDialect();
const INT8_OID = 20;
const parseInt8 = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} exceeds the safe integer range`);
  return n;
};

const openTransaction = new AsyncLocalStorage<true>();

/**
 * On the embedded database there is one connection: a query on the root handle while this async
 * context holds a transaction would wait for that transaction forever. On PostgreSQL it would
 * run outside the transaction. Either is a bug, so the root handle refuses.
 */
function assertNoOpenTransaction(): void {
  if (openTransaction.getStore()) {
    throw new Error('root database handle used inside a transaction: pass the transaction instead');
  }
}

/** Which client runs the statements; both speak to PostgreSQL. */
type Driver = 'node-postgres' | 'pglite';

/**
 * Runs one statement, in a client span under the active one when tracing is on. Its text has
 * placeholders ($1…) where the values go, and the values are never recorded. Statements run with
 * no span active (a background loop's poll) are not traced.
 */
function traced<T>(driver: Driver, text: string, run: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return run();
  const summary = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return inSpan(
    summary,
    {
      kind: SpanKind.CLIENT,
      childOnly: true,
      attributes: {
        [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
        [ATTR_DB_QUERY_TEXT]: text,
        [ATTR_DB_QUERY_SUMMARY]: summary,
        'bazaar.db.driver': driver,
      },
    },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string') {
          span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, code);
          span.setAttribute(ATTR_ERROR_TYPE, code);
        }
        throw error;
      }
    },
  );
}

interface RawQuery {
  name: string | undefined;
  text: string;
  values: unknown[];
}

const toQuery = (statement: SQL, options?: QueryOptions): RawQuery => {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return { name: preparedName(text, options), text, values: params };
};

interface RawClient {
  query(query: RawQuery): Promise<{ rows: unknown[]; affected: number }>;
  exec(script: string): Promise<void>;
}

/** A transaction over `client`, and the effects to run once it commits. */
const txOver = (driver: Driver, client: RawClient): { tx: Tx; committed(): void } => {
  const effects: (() => void)[] = [];
  const run = (query: RawQuery) => traced(driver, query.text, () => client.query(query));
  return {
    tx: {
      async query<Row extends object>(statement: SQL, options?: QueryOptions) {
        return (await run(toQuery(statement, options))).rows as Row[];
      },
      async execute(statement: SQL, options?: QueryOptions) {
        return (await run(toQuery(statement, options))).affected;
      },
      exec: (script) => traced(driver, script, () => client.exec(script)),
      afterCommit: (effect) => {
        effects.push(effect);
      },
    },
    committed: () => {
      for (const effect of effects) effect();
    },
  };
};

async function withRetries<T>(retries: number, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= retries || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10 * (tries + 1)));
    }
  }
}

const beginStatement = (options?: TransactionOptions) =>
  options?.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN';

/** What node-postgres's Query does underneath, which OpeningStatement adds to (not in its types). */
interface QueryInternals {
  hasBeenParsed(connection: ProtocolConnection): boolean;
  prepare(connection: ProtocolConnection): void;
  handleCommandComplete(message: unknown, connection: ProtocolConnection): void;
  handleError(error: Error, connection: ProtocolConnection): void;
}

interface ProtocolConnection {
  parse(query: { text: string }): void;
  bind(config: Record<string, never>): void;
  execute(config: Record<string, never>): void;
  parsedStatements: Record<string, string>;
}

/**
 * A transaction's first statement, sent with the BEGIN that opens the transaction: one write and
 * one round trip for both, where node-postgres would wait for BEGIN's answer before sending the
 * statement. The extended protocol runs the messages before a Sync in order, so the statement runs
 * in the transaction BEGIN opens; were it to fail, BEGIN has still opened the transaction, which
 * the caller rolls back as after any failed statement.
 */
class OpeningStatement extends pg.Query {
  private beginAnswered = false;
  private parsedBefore = true;

  constructor(
    query: RawQuery,
    private readonly begin: string,
    callback: (error: Error | undefined, result: pg.QueryResult) => void,
  ) {
    // Extended protocol even without values: BEGIN's messages go before the statement's own.
    super({ ...query, queryMode: 'extended', callback } as pg.QueryConfig, callback as never);
  }

  prepare(connection: ProtocolConnection): void {
    const internals = pg.Query.prototype as unknown as QueryInternals;
    this.parsedBefore = internals.hasBeenParsed.call(this, connection);
    connection.parse({ text: this.begin });
    connection.bind({});
    connection.execute({});
    internals.prepare.call(this, connection);
  }

  /** BEGIN's answer comes first: it is not one of the statement's. */
  handleCommandComplete(message: unknown, connection: ProtocolConnection): void {
    if (!this.beginAnswered) {
      this.beginAnswered = true;
      return;
    }
    (pg.Query.prototype as unknown as QueryInternals).handleCommandComplete.call(this, message, connection);
  }

  /**
   * The client counts a named statement as parsed on the first ParseComplete it sees while the
   * statement runs, which is BEGIN's: one that failed before it was parsed must be parsed again.
   */
  handleError(error: Error, connection: ProtocolConnection): void {
    const name = (this as { name?: string }).name;
    if (name !== undefined && !this.parsedBefore) delete connection.parsedStatements[name];
    (pg.Query.prototype as unknown as QueryInternals).handleError.call(this, error, connection);
  }
}

/** Runs `query` on `client` as the first statement of a transaction that `begin` opens, in one round trip. */
const openingWith = (client: pg.PoolClient, query: RawQuery, begin: string): Promise<pg.QueryResult> =>
  new Promise((resolve, reject) => {
    client.query(
      new OpeningStatement(query, begin, (error, result) => (error ? reject(error) : resolve(result))),
    );
  });

class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;

  constructor(readonly pool: pg.Pool) {}

  async query<Row extends object>(statement: SQL, options?: QueryOptions): Promise<Row[]> {
    assertNoOpenTransaction();
    const query = toQuery(statement, options);
    return (await traced('node-postgres', query.text, () => this.pool.query(query))).rows as Row[];
  }

  async execute(statement: SQL, options?: QueryOptions): Promise<number> {
    assertNoOpenTransaction();
    const query = toQuery(statement, options);
    return (await traced('node-postgres', query.text, () => this.pool.query(query))).rowCount ?? 0;
  }

  transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    assertNoOpenTransaction();
    return withRetries(options?.retries ?? 3, async () => {
      const client = await this.pool.connect();
      const control = (statement: string) =>
        traced('node-postgres', statement, () => client.query(statement));
      const begin = beginStatement(options);
      // BEGIN goes with the transaction's first statement (OpeningStatement); a transaction that
      // runs none opens nothing, so it has nothing to commit.
      let opened = false;
      let broken = false;
      try {
        const { tx, committed } = txOver('node-postgres', {
          async query(query) {
            const first = !opened;
            opened = true;
            const result = first ? await openingWith(client, query, begin) : await client.query(query);
            return { rows: result.rows, affected: result.rowCount ?? 0 };
          },
          async exec(script) {
            if (!opened) await control(begin);
            opened = true;
            await client.query(script);
          },
        });
        const result = await openTransaction.run(true, () => work(tx));
        if (opened) await control('COMMIT');
        committed();
        return result;
      } catch (error) {
        if (opened)
          await control('ROLLBACK').catch(() => {
            broken = true;
          });
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * A handle on `size` connections of its own to the same database, for short statements that must
 * not queue behind the requests waiting for the main pool (group commit's batches, which those
 * requests wait for). The embedded database has one connection: its handle is `db` itself, as is
 * any wrapper's (tests). Close it beside `db`.
 */
export function withOwnConnections(db: Database, size: number): Database {
  if (!(db instanceof PostgresDatabase)) return db;
  const pool = new pg.Pool({ ...db.pool.options, max: size });
  pool.on('error', () => {});
  return new PostgresDatabase(pool);
}

class EmbeddedDatabase implements Database {
  readonly kind = 'embedded' as const;

  constructor(readonly pglite: PGlite) {}

  async query<Row extends object>(statement: SQL): Promise<Row[]> {
    assertNoOpenTransaction();
    const { text, values } = toQuery(statement);
    return (await traced('pglite', text, () => this.pglite.query<Row>(text, values))).rows;
  }

  async execute(statement: SQL): Promise<number> {
    assertNoOpenTransaction();
    const { text, values } = toQuery(statement);
    return (await traced('pglite', text, () => this.pglite.query(text, values))).affectedRows ?? 0;
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    assertNoOpenTransaction();
    // One connection serialises every transaction, so isolation levels and retries do not apply.
    void options;
    let committed = () => {};
    const result = await this.pglite.transaction((raw: PGliteTransaction) => {
      const over = txOver('pglite', {
        async query({ text, values }) {
          const answer = await raw.query(text, values);
          return { rows: answer.rows, affected: answer.affectedRows ?? 0 };
        },
        async exec(script) {
          await raw.exec(script);
        },
      });
      committed = over.committed;
      return openTransaction.run(true, () => work(over.tx));
    });
    committed();
    return result;
  }

  async ping(): Promise<void> {
    await this.pglite.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  /** Where the embedded database keeps its files; omitted means in memory. */
  dataDir?: string | undefined;
  /** A dump of a data directory to start the embedded database from (test templates). */
  loadDataDir?: Blob | File | undefined;
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      // Short OLTP statements only: JIT compilation once cost a cold catalog query ~250 ms.
      options: '-c jit=off -c plan_cache_mode=force_generic_plan',
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID
            ? parseInt8
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client that loses its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    return new PostgresDatabase(pool);
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Loaded only here: through tsx, PGlite's modules cost a PostgreSQL server ~40 MB of RSS for nothing.
  const [{ PGlite }, { pg_trgm }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { pg_trgm },
    parsers: { [INT8_OID]: parseInt8 },
  });
  return new EmbeddedDatabase(pglite);
}

/** Dumps an embedded database's data directory, to start copies from it. */
export async function dumpEmbedded(db: Database): Promise<Blob> {
  if (!(db instanceof EmbeddedDatabase)) throw new Error('only the embedded database can be dumped');
  return db.pglite.dumpDataDir('none');
}
