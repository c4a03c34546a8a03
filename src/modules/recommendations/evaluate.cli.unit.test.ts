import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../config.js';
import { runRecsCommand } from './evaluate.cli.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../../test/fixtures/online-retail-sample');
const INTERACTIONS = `${FIXTURE}.interactions.csv.gz`;
const ITEMS = `${FIXTURE}.items.csv`;

async function run(args: string[]): Promise<string> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await runRecsCommand(args);
  return log.mock.calls.map((call) => call.join(' ')).join('\n');
}

function expectMetrics(
  actual: Record<string, { hr10: number; ndcg10: number }>,
  expected: Record<string, [number, number]>,
) {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const [name, [hr10, ndcg10]] of Object.entries(expected)) {
    expect(Math.abs(actual[name]!.hr10 - hr10)).toBeLessThan(1e-9);
    expect(Math.abs(actual[name]!.ndcg10 - ndcg10)).toBeLessThan(1e-9);
  }
}

afterEach(() => vi.restoreAllMocks());

describe('bazaar recs evaluate (on a 289-user cut of UCI Online Retail)', () => {
  it('gives stable loo-full figures as one JSON object', async () => {
    const report = JSON.parse(
      await run(['evaluate', '--interactions', INTERACTIONS, '--items', ITEMS, '--json']),
    );
    expect(Object.keys(report)).toEqual(['protocol', 'users', 'models', 'train_seconds', 'peak_rss_mb']);
    expect(report.protocol).toBe('loo-full');
    expect(report.users).toBe(280);
    expectMetrics(report.models, {
      popularity: [0.08571428571428572, 0.06401473881367696],
      item_knn: [0.11785714285714285, 0.061173950525036186],
      content: [0.15357142857142858, 0.0842791656585495],
      blend: [0.15714285714285714, 0.08851133534394033],
    });
    expect(report.train_seconds).toBeGreaterThan(0);
    expect(report.peak_rss_mb).toBeGreaterThan(0);
  });

  it('gives stable loo-sampled-100 figures', async () => {
    const report = JSON.parse(
      await run([
        'evaluate',
        '--interactions',
        INTERACTIONS,
        '--items',
        ITEMS,
        '--protocol',
        'loo-sampled-100',
        '--json',
      ]),
    );
    expect(report.protocol).toBe('loo-sampled-100');
    expectMetrics(report.models, {
      popularity: [0.33214285714285713, 0.19510741745766508],
      item_knn: [0.41785714285714287, 0.2716041116670687],
      content: [0.5107142857142857, 0.35427568047658464],
      blend: [0.4607142857142857, 0.3055417822211007],
    });
  });

  it('scores nothing by content without item texts', async () => {
    const report = JSON.parse(await run(['evaluate', '--interactions', INTERACTIONS, '--json']));
    expect(report.models.content).toEqual({ hr10: 0, ndcg10: 0 });
    expectMetrics(
      { item_knn: report.models.item_knn },
      { item_knn: [0.11785714285714285, 0.061173950525036186] },
    );
  });

  it('prints a table by default', async () => {
    const output = await run([
      'evaluate',
      '--interactions',
      INTERACTIONS,
      '--items',
      ITEMS,
      '--split',
      'validation',
    ]);
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^protocol loo-full, validation split, \d+ users$/);
    expect(lines[1]).toMatch(/^model\s+HR@10\s+NDCG@10$/);
    expect(lines.slice(2, 6).map((line) => line.split(/\s+/)[0])).toEqual([
      'popularity',
      'item_knn',
      'content',
      'blend',
    ]);
    expect(lines[2]).toMatch(/^popularity\s+0\.\d{4}\s+0\.\d{4}$/);
    expect(lines[6]).toMatch(/^train_seconds [\d.]+, peak_rss_mb [\d.]+$/);
  });

  it('answers a usage error for bad arguments', async () => {
    await expect(runRecsCommand(['train'])).rejects.toThrow(ConfigError);
    await expect(runRecsCommand(['evaluate'])).rejects.toThrow('--interactions is required');
    await expect(
      runRecsCommand(['evaluate', '--interactions', INTERACTIONS, '--protocol', 'loo']),
    ).rejects.toThrow('unknown protocol "loo"');
    await expect(
      runRecsCommand(['evaluate', '--interactions', INTERACTIONS, '--split', 'train']),
    ).rejects.toThrow('unknown split "train"');
    await expect(runRecsCommand(['evaluate', '--interactions', INTERACTIONS, '--seed', '1'])).rejects.toThrow(
      ConfigError,
    );
  });

  it('answers a usage error for a file it cannot read', async () => {
    await expect(runRecsCommand(['evaluate', '--interactions', `${FIXTURE}.missing.csv.gz`])).rejects.toThrow(
      /^cannot read .*missing\.csv\.gz: ENOENT/,
    );
  });

  it('names the missing column of a file without the required header', async () => {
    await expect(runRecsCommand(['evaluate', '--interactions', ITEMS])).rejects.toThrow(
      'the header lacks column(s) user_id, timestamp',
    );
  });
});
