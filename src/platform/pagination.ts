import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ValidationFailed } from './errors.js';
import { nulPathOf } from './request-input.js';

export const DEFAULT_PAGE_SIZE = 20;

/** `?limit=` 1–100 (default 20) and an opaque `?cursor=`; strict, as every list extending it stays. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(2000).optional(),
});

export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });

/** A keyset position as an opaque string: clients never parse it. */
export const encodeCursor = (position: unknown): string =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

const KEYSET_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{6}Z$/;

/** Whether the text is a real instant written as `keysetTime` writes one (not 2024-02-30). */
function isKeysetTime(text: string): boolean {
  const fields = KEYSET_TIME.exec(text)?.slice(1).map(Number);
  if (!fields) return false;
  const [year, month, day, hour, minute, second] = fields as [number, number, number, number, number, number];
  const instant = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls overflowing fields over (and reads years 0–99 as 19xx): a changed field is garbage.
  return (
    instant.getUTCFullYear() === year &&
    instant.getUTCMonth() === month - 1 &&
    instant.getUTCDate() === day &&
    instant.getUTCHours() === hour &&
    instant.getUTCMinutes() === minute &&
    instant.getUTCSeconds() === second
  );
}

/**
 * A timestamp inside a cursor, as `keysetTime` wrote it. Checked here because PostgreSQL would
 * fail on a garbage one with a 500; a cursor is opaque to clients, never trusted.
 */
export const KeysetTime = z.string().refine(isKeysetTime, 'not a time this API wrote');

/** The position of a list ordered by creation time, newest first, ties broken by id. */
export const CreatedPosition = z.object({ createdAt: KeysetTime, id: z.string().min(1).max(64) });

/** The keyset position a cursor names, or a 422 at /query/cursor when it does not decode. */
export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  const refused = () => ValidationFailed.at('/query/cursor', 'the cursor is not one this API issued');
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  // Strings reach SQL: no NUL in them, wherever the list's schema puts them.
  const parsed = schema.safeParse(position);
  if (!parsed.success || nulPathOf(position) !== undefined) throw refused();
  return parsed.data;
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
