import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ValidationFailed } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;

/** `?limit=` 1–100 (default 20) and an opaque `?cursor=`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(2000).optional(),
});

export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });

/** A keyset position as an opaque string: clients never parse it. */
export const encodeCursor = (position: unknown): string =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

/** The keyset position a cursor names, or a 422 at /query/cursor when it does not decode. */
export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw ValidationFailed.at('/query/cursor', 'the cursor is not one this API issued');
  }
}

/** Splits a page fetched with limit + 1 rows into the page and the next cursor. */
export function paginate<Row, Item>(
  rows: Row[],
  limit: number,
  present: (row: Row) => Item,
  positionOf: (row: Row) => unknown,
): { data: Item[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(present),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}

/**
 * A timestamptz column as an exact keyset position (microseconds, UTC). A JS Date keeps only
 * milliseconds: rows written in one transaction share a timestamp, and a cursor rounded to the
 * millisecond would skip those after the page's last row.
 */
export const keysetTime = (column: SQL): SQL =>
  sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
