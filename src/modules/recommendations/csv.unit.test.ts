import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, readCsvFile } from './csv.js';

async function collect(records: AsyncIterable<string[]>): Promise<string[][]> {
  const all: string[][] = [];
  for await (const record of records) all.push(record);
  return all;
}

async function* chunked(text: string, cuts: number[]): AsyncGenerator<string> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield text.slice(from, cut);
    from = cut;
  }
  yield text.slice(from);
}

const SAMPLE =
  'item_id,title\r\n21111,"SWISS ROLL TOWEL, CHOCOLATE SPOTS"\n21228,"POCKET MIRROR ""GLAMOROUS"""\n\n' +
  '9,"two\nlines"\n10,\n';
const RECORDS = [
  ['item_id', 'title'],
  ['21111', 'SWISS ROLL TOWEL, CHOCOLATE SPOTS'],
  ['21228', 'POCKET MIRROR "GLAMOROUS"'],
  ['9', 'two\nlines'],
  ['10', ''],
];

describe('parseCsv', () => {
  it('reads quoted commas, doubled quotes, line breaks in quotes, CRLF, and skips blank lines', async () => {
    expect(await collect(parseCsv(chunked(SAMPLE, [])))).toEqual(RECORDS);
  });

  it('reads a last record without a line end, and quoted empty fields', async () => {
    expect(await collect(parseCsv(chunked('a,"",b\n"x",y', [])))).toEqual([
      ['a', '', 'b'],
      ['x', 'y'],
    ]);
  });

  it('gives the same records however the text is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: SAMPLE.length })), async (cuts) => {
        expect(await collect(parseCsv(chunked(SAMPLE, cuts)))).toEqual(RECORDS);
      }),
    );
  });

  it('rejects a file that ends inside a quoted field', async () => {
    await expect(collect(parseCsv(chunked('a,"open\n', [])))).rejects.toThrow(
      'CSV ends inside a quoted field',
    );
  });
});

describe('readCsvFile', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'bazaar-csv-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reads plain and gzipped files', async () => {
    writeFileSync(path.join(directory, 'items.csv'), SAMPLE);
    writeFileSync(path.join(directory, 'items.csv.gz'), gzipSync(SAMPLE));
    expect(await collect(readCsvFile(path.join(directory, 'items.csv')))).toEqual(RECORDS);
    expect(await collect(readCsvFile(path.join(directory, 'items.csv.gz')))).toEqual(RECORDS);
  });

  it('fails on a missing file instead of waiting', async () => {
    await expect(collect(readCsvFile(path.join(directory, 'missing.csv.gz')))).rejects.toThrow(/ENOENT/);
  });
});
