import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Money, majorUnits } from './money.js';

/**
 * CSV exports of lists: the same route answers `Accept: text/csv` with every matching row, read
 * page by page through the list's own use case (so the filters and who may see what are the
 * JSON answer's) and streamed as it is read.
 */

/** Whether the client asked for CSV rather than JSON. */
export const wantsCsv = (request: FastifyRequest): boolean =>
  /\btext\/csv\b/i.test(request.headers.accept ?? '');

interface Page<Item> {
  data: Item[];
  next_cursor: string | null;
}

export interface CsvColumn<Item> {
  header: string;
  value: (item: Item) => string | number | null;
}

/** A money column's cell: the amount in major units, a number a spreadsheet sums. */
export const moneyCell =
  <Item>(pick: (item: Item) => Money) =>
  (item: Item): number =>
    majorUnits(pick(item).amount, pick(item).currency);

/** Page size while exporting: big enough to make few round trips, small enough to stream. */
const EXPORT_PAGE_SIZE = 100;

/** Every item of a cursor-paged list, one page at a time. */
export async function* everyItem<Item>(
  loadPage: (limit: number, cursor: string | undefined) => Promise<Page<Item>>,
): AsyncGenerator<Item> {
  let cursor: string | undefined;
  do {
    const page = await loadPage(EXPORT_PAGE_SIZE, cursor);
    yield* page.data;
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}

/**
 * Streams the items as a CSV attachment, a header row first. Cells that a spreadsheet would run as
 * a formula (starting with =, +, -, @, tab or carriage return) are escaped by csv-stringify's
 * `escape_formulas`, so an attacker's product title can't execute in the operator's spreadsheet.
 */
export function sendCsv<Item>(
  reply: FastifyReply,
  filename: string,
  columns: readonly CsvColumn<Item>[],
  items: AsyncIterable<Item> | Iterable<Item>,
): FastifyReply {
  const rows = Readable.from(
    (async function* () {
      for await (const item of items) yield columns.map((column) => column.value(item) ?? '');
    })(),
  );
  const csv = stringify({
    header: true,
    columns: columns.map((column) => column.header),
    escape_formulas: true,
  });
  // A failure halfway (the database gone) ends the download early rather than hanging it.
  rows.on('error', (error) => csv.destroy(error));
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(rows.pipe(csv));
}
