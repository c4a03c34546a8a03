import { parseArgs } from 'node:util';
import { ConfigError } from '../../config.js';
import type { ItemText } from './content.js';
import { readCsvFile } from './csv.js';
import { evaluateOffline, MODEL_NAMES, type OfflineDataset, PROTOCOLS, SPLITS } from './evaluate.js';
import { collapseInteractions, type Interaction } from './interactions.js';
import { DEFAULT_RECOMMENDER_PARAMS } from './model.js';

const RECS_USAGE = `usage: bazaar recs evaluate --interactions <csv[.gz]> [--items <csv[.gz]>]
         [--protocol loo-full|loo-sampled-100] [--split test|validation] [--json]
  --interactions  user_id,item_id,timestamp[,…] (epoch seconds), one line per purchase
  --items         item_id,title[,category]: text for the content signal
  --protocol      loo-full (default) ranks every item the user never interacted with;
                  loo-sampled-100 ranks 100 of them drawn uniformly (seed 42)
  --split         test (default) holds out each user's latest item; validation holds out
                  the second-to-last and hides the latest (for tuning)
  --json          print one JSON object instead of a table`;

/** `bazaar recs <subcommand>`: offline evaluation of the recommender; needs no database. */
export async function runRecsCommand(args: string[]): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'evaluate') throw new ConfigError(RECS_USAGE);
  let values: { interactions?: string; items?: string; protocol: string; split: string; json: boolean };
  try {
    values = parseArgs({
      args: rest,
      options: {
        interactions: { type: 'string' },
        items: { type: 'string' },
        protocol: { type: 'string', default: 'loo-full' },
        split: { type: 'string', default: 'test' },
        json: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${RECS_USAGE}`);
  }
  const { interactions, items, protocol, split, json } = values;
  if (!interactions) throw new ConfigError(`--interactions is required\n${RECS_USAGE}`);
  if (!isOneOf(PROTOCOLS, protocol)) throw new ConfigError(`unknown protocol "${protocol}"\n${RECS_USAGE}`);
  if (!isOneOf(SPLITS, split)) throw new ConfigError(`unknown split "${split}"\n${RECS_USAGE}`);

  const dataset = await loadDataset(interactions, items);
  const evaluation = evaluateOffline(dataset, protocol, split, DEFAULT_RECOMMENDER_PARAMS);
  const report = {
    protocol,
    ...(split === 'test' ? {} : { split }),
    users: evaluation.users,
    models: evaluation.models,
    train_seconds: round(evaluation.trainSeconds, 3),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
  };
  if (json) {
    console.log(JSON.stringify(report));
    return;
  }
  console.log(`protocol ${protocol}, ${split} split, ${report.users} users`);
  console.log(`${'model'.padEnd(12)}${'HR@10'.padStart(8)}${'NDCG@10'.padStart(9)}`);
  for (const name of MODEL_NAMES) {
    const { hr10, ndcg10 } = report.models[name];
    console.log(`${name.padEnd(12)}${hr10.toFixed(4).padStart(8)}${ndcg10.toFixed(4).padStart(9)}`);
  }
  console.log(`train_seconds ${report.train_seconds}, peak_rss_mb ${report.peak_rss_mb}`);
}

function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}

function round(value: number, decimals: number): number {
  return Math.round(value * 10 ** decimals) / 10 ** decimals;
}

/**
 * Reads the interactions (every line counts as a purchase, weight 1) and the optional item
 * texts. The catalogue is the items that appear in the interactions; texts of other items are
 * ignored.
 */
async function loadDataset(interactionsPath: string, itemsPath?: string): Promise<OfflineDataset> {
  const rows: Interaction[] = [];
  for await (const { record, get } of readTable(interactionsPath, ['user_id', 'item_id', 'timestamp'])) {
    const timestamp = Number(get('timestamp'));
    if (!Number.isFinite(timestamp)) {
      throw new ConfigError(
        `${interactionsPath}, record ${record}: timestamp "${get('timestamp')}" is not epoch seconds`,
      );
    }
    rows.push({ userId: get('user_id'), itemId: get('item_id'), timestamp, weight: 1 });
  }
  const { users, items, histories } = collapseInteractions(rows);
  const texts: ItemText[] = [];
  if (itemsPath) {
    for await (const { get } of readTable(itemsPath, ['item_id', 'title'], ['category'])) {
      const item = items.indexOf(get('item_id'));
      if (item !== undefined)
        texts.push({ item, title: get('title'), category: get('category') || undefined });
    }
  }
  return { histories, userIds: users.keys, itemIds: items.keys, texts };
}

/** The records of a CSV file with a header naming at least the `required` columns. */
async function* readTable(
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): AsyncGenerator<{ record: number; get: (column: string) => string }> {
  let columnAt: Map<string, number> | undefined;
  let recordNumber = 0;
  for await (const record of readableRecords(path)) {
    recordNumber++;
    if (!columnAt) {
      const header = record.map((name, at) =>
        (at === 0 ? name.replace(/^\uFEFF/, '') : name).trim().toLowerCase(),
      );
      const missing = required.filter((name) => !header.includes(name));
      if (missing.length > 0)
        throw new ConfigError(`${path}: the header lacks column(s) ${missing.join(', ')}`);
      columnAt = new Map(
        [...required, ...optional]
          .filter((name) => header.includes(name))
          .map((name) => [name, header.indexOf(name)]),
      );
      continue;
    }
    const columns = columnAt;
    const get = (column: string): string => {
      const at = columns.get(column);
      return at === undefined ? '' : (record[at] ?? '').trim();
    };
    for (const name of required) {
      if (get(name) === '') throw new ConfigError(`${path}, record ${recordNumber}: ${name} is empty`);
    }
    yield { record: recordNumber, get };
  }
  if (!columnAt) throw new ConfigError(`${path}: the file is empty`);
}

/** The file's records; a file that cannot be read or parsed is a usage error, not a crash. */
async function* readableRecords(path: string): AsyncGenerator<string[]> {
  try {
    yield* readCsvFile(path);
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
}
