import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Parses RFC 4180 CSV (quoted fields may hold commas, doubled quotes and line breaks; CRLF or
 * LF line ends) from a stream of text chunks, one record at a time. Blank lines are skipped.
 */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let quoteJustClosed = false;
  let atRecordStart = true;
  for await (const chunk of chunks) {
    let fieldStart = 0;
    for (let at = 0; at < chunk.length; at++) {
      const char = chunk.charCodeAt(at);
      if (quoted) {
        if (char === QUOTE) {
          field += chunk.slice(fieldStart, at);
          quoted = false;
          quoteJustClosed = true;
          fieldStart = at + 1;
        }
        continue;
      }
      if (char === QUOTE) {
        // A quote right after a closing quote is an escaped quote inside the field.
        if (quoteJustClosed) field += '"';
        quoted = true;
        quoteJustClosed = false;
        atRecordStart = false;
        fieldStart = at + 1;
      } else if (char === COMMA) {
        record.push(field + chunk.slice(fieldStart, at));
        field = '';
        quoteJustClosed = false;
        atRecordStart = false;
        fieldStart = at + 1;
      } else if (char === LINE_FEED || char === CARRIAGE_RETURN) {
        const rest = chunk.slice(fieldStart, at);
        if (!atRecordStart || rest !== '' || field !== '') {
          record.push(field + rest);
          yield record;
        }
        record = [];
        field = '';
        quoteJustClosed = false;
        atRecordStart = true;
        fieldStart = at + 1;
      } else {
        quoteJustClosed = false;
        atRecordStart = false;
      }
    }
    field += chunk.slice(fieldStart);
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (!atRecordStart || field !== '') {
    record.push(field);
    yield record;
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** A text file's records, gunzipped on the fly when the name ends in `.gz`. */
export function readCsvFile(path: string): AsyncGenerator<string[]> {
  let stream: Readable = createReadStream(path);
  if (path.endsWith('.gz')) {
    const gunzip = createGunzip();
    // pipeline (unlike pipe) passes a read error on to the stream being consumed.
    pipeline(stream, gunzip, () => {});
    stream = gunzip;
  }
  stream.setEncoding('utf8');
  return parseCsv(stream);
}
