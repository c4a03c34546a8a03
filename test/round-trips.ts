/**
 * A database that counts its round trips to PostgreSQL: every statement, BEGIN and COMMIT (or
 * ROLLBACK). The bench's per-checkout figure and the round-trip budget test count through it.
 * BEGIN counts as one though on PostgreSQL it travels with the transaction's first statement
 * (OpeningStatement in src/platform/db.ts): there a transaction costs one round trip less than
 * counted.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database, QueryOptions, Tx } from '../src/platform/db.js';

const dialect = new PgDialect();

export interface RoundTripCounter {
  db: Database;
  count(): number;
  /** The statements' texts since the last reset (when recording), BEGIN and COMMIT included. */
  statements(): string[];
  reset(): void;
}

export function countingRoundTrips(db: Database, options: { record?: boolean } = {}): RoundTripCounter {
  let roundTrips = 0;
  let texts: string[] = [];
  const counted = (text: () => string) => {
    roundTrips++;
    if (options.record) texts.push(text().replace(/\s+/g, ' ').trim());
  };
  const of = (statement: SQL) => () => dialect.sqlToQuery(statement).sql;
  const countingOver = <Q extends Database | Tx>(inner: Q) => ({
    query<Row extends object>(statement: SQL, queryOptions?: QueryOptions) {
      counted(of(statement));
      return inner.query<Row>(statement, queryOptions);
    },
    execute(statement: SQL, queryOptions?: QueryOptions) {
      counted(of(statement));
      return inner.execute(statement, queryOptions);
    },
  });
  const wrapped: Database = {
    kind: db.kind,
    ...countingOver(db),
    transaction: (work, transactionOptions) =>
      db.transaction(async (tx) => {
        counted(() => 'BEGIN');
        try {
          return await work({
            ...countingOver(tx),
            exec(script) {
              counted(() => script);
              return tx.exec(script);
            },
            afterCommit: (effect) => tx.afterCommit(effect),
          });
        } finally {
          counted(() => 'COMMIT');
        }
      }, transactionOptions),
    ping: () => db.ping(),
    close: () => db.close(),
  };
  return {
    db: wrapped,
    count: () => roundTrips,
    statements: () => texts,
    reset() {
      roundTrips = 0;
      texts = [];
    },
  };
}
