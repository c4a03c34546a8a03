/**
 * `npm run bench`: the real app on PostgreSQL, in a child process (bench/server.ts), under
 * autocannon load from this process. Each run creates a fresh database, migrates and seeds it,
 * warms every selected scenario up, then measures them in interleaved rounds (bare, select-one,
 * me, bare, ...) so that a neighbour's load on a shared machine weighs on all of them alike; it
 * prints one JSON line per scenario and a line with the server's peak RSS, then drops the
 * database. Driven scenarios (bench/driven.ts) bring their own load instead: in-process limits,
 * bursts, paced loads, or HTTP loads where each request is built fresh; they take part in the same
 * rounds. Last, the recommendation refresh is timed at several sizes (bench/recs-refresh.ts).
 *
 *   npm run bench -- [--only me] [--duration 10] [--rounds 5] [--warmup 2] [--connections 50]
 *   npm run bench -- --processes 2
 *   npm run bench -- --only flash-sale --processes 2,4
 *   npm run bench -- --only product-recommendations --refresh 10000,100000
 *
 * With --processes N (or a list N,M…), a server of N processes (node:cluster: they share one port
 * and the bench process hands its connections out round-robin) takes part in the same rounds beside
 * the one of 1 process: every scenario that loads a server runs against each, the N-process lines
 * carry their ratio to 1 process, and a scaling line per scenario tables req/s by processes.
 *
 * BENCH_DATABASE_URL is an admin URL of the PostgreSQL server (default
 * postgres://postgres@127.0.0.1:5432/postgres); the bench needs CREATE DATABASE there.
 * BENCH_SERVER_LOG_LEVEL (default silent) is the server's LOG_LEVEL, to see why answers failed.
 * The server gets the rest of the environment, so BAZAAR_GROUP_COMMIT=false measures without it.
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { type Database, openDatabase, sql } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { SERVER_NODE_FLAGS } from '../src/platform/node-flags.js';
import { freePort } from '../test/free-port.js';
import { databaseUrlWithName, withDatabase } from '../test/postgres-admin.js';
import {
  type DrivenRound,
  type Driver,
  type DriveSetup,
  isDriven,
  mergeRounds,
  percentileMs,
} from './driven.js';
import { cpuSecondsBetween, cpuSecondsByPid, peakRssMb } from './process-stats.js';
import { measureRefresh } from './recs-refresh.js';
import { type BenchContext, SCENARIOS } from './scenarios.js';
import type { ListeningMessage } from './server.js';

type Scenario = (typeof SCENARIOS)[number];

const PEAK_RSS_TARGET_MB = 300;
const SERVER_START_TIMEOUT_MS = 30_000;

interface Options {
  only: string[] | undefined;
  durationSeconds: number;
  rounds: number;
  warmupSeconds: number;
  connections: number;
  /** Server process counts, 1 first: every server scenario runs against a server of each. */
  processes: number[];
  /** Purchase counts to time the recommendation refresh at (none: not timed). */
  refreshPurchases: number[];
}

const DEFAULT_REFRESH_PURCHASES = [10_000, 100_000, 1_000_000];

const USAGE = `usage: npm run bench -- [options]
  --only <names>       comma-separated scenarios (their comparison scenarios run too): ${SCENARIOS.map((s) => s.name).join(', ')}
  --duration <s>       measured seconds per scenario, split over the rounds (default 10)
  --rounds <n>         interleaved rounds the duration is split into (default 5)
  --warmup <s>         unmeasured seconds per scenario before the first round (default 2)
  --connections <n>    concurrent connections (default 50; driven scenarios set their own)
  --processes <n,…>    also run every server scenario against n server processes sharing the
                       database pool (each n of a list), report the ratio to 1 process and a
                       table of req/s by processes per scenario (default 1: only one)
  --refresh <counts>   also time the recommendation refresh at these numbers of synthetic
                       purchases, each on a fresh database (default without --only:
                       ${DEFAULT_REFRESH_PURCHASES.join(',')})
environment: BENCH_DATABASE_URL, an admin URL of PostgreSQL (default postgres://postgres@127.0.0.1:5432/postgres);
             BENCH_SERVER_LOG_LEVEL, the server's LOG_LEVEL (default silent)`;

class UsageError extends Error {}

function numberOption(name: string, text: string | undefined, fallback: number, min: 0 | 1 = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer >= ${min}`);
  return value;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      processes: { type: 'string' },
      refresh: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const options = {
    only: values.only?.flatMap((list) => list.split(',').map((name) => name.trim())).filter(Boolean),
    durationSeconds: numberOption('duration', values.duration, 10),
    rounds: numberOption('rounds', values.rounds, 5),
    warmupSeconds: numberOption('warmup', values.warmup, 2, 0),
    connections: numberOption('connections', values.connections, 50),
    processes: [
      ...new Set([
        1,
        ...(values.processes ?? '1').split(',').map((n) => numberOption('processes', n.trim(), 1)),
      ]),
    ].sort((a, b) => a - b),
    refreshPurchases:
      values.refresh === undefined
        ? values.only
          ? []
          : DEFAULT_REFRESH_PURCHASES
        : values.refresh.split(',').map((count) => numberOption('refresh', count.trim(), 0)),
  };
  // autocannon samples req/s once a second: a shorter round would have no sample.
  if (options.durationSeconds < options.rounds) throw new UsageError('--duration must be at least --rounds');
  return options;
}

/** The scenarios asked for and those they compare to, in SCENARIOS order (references first). */
function selectScenarios(only: string[] | undefined): Scenario[] {
  if (!only) return SCENARIOS;
  const byName = new Map(SCENARIOS.map((scenario) => [scenario.name, scenario]));
  const wanted = new Set<string>();
  const want = (name: string) => {
    const scenario = byName.get(name);
    if (!scenario) throw new UsageError(`unknown scenario "${name}"\n${USAGE}`);
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const comparison of scenario.compareTo ?? []) want(comparison.scenario);
  };
  for (const name of only) want(name);
  return SCENARIOS.filter((scenario) => wanted.has(scenario.name));
}

interface Server {
  url: string;
  /** How many processes serve `url`. */
  processes: number;
  pids: number[];
  stop(): Promise<void>;
}

/**
 * `processes` bench servers listening on one port. Through node:cluster, this process accepts
 * their connections and hands them out round-robin: once per connection, not per request.
 */
async function startServer(databaseUrl: string, processes: number, poolSize: number): Promise<Server> {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({
    exec: fileURLToPath(new URL('./server.ts', import.meta.url)),
    // The V8 heap settings of every server process (npm start, the bazaar command): see node-flags.ts.
    execArgv: [...SERVER_NODE_FLAGS, '--import', 'tsx'],
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    // stdout carries this bench's JSON lines only; the server's failures still reach stderr.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    BAZAAR_DB_POOL_SIZE: String(poolSize),
    LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: String(port),
  };
  const workers = Array.from({ length: processes }, () => cluster.fork(env));
  const exited = workers.map(
    (worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())),
  );
  const stop = async () => {
    for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGTERM');
    await Promise.all(exited);
  };
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error('the bench server did not start in time')),
            SERVER_START_TIMEOUT_MS,
          );
          worker.once('message', (message: ListeningMessage) => {
            clearTimeout(timer);
            if (message.port === port) resolve();
            else reject(new Error(`the bench server listens on ${message.port}, not ${port}`));
          });
          worker.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`the bench server exited with code ${code} before listening`));
          });
        }),
    ),
  ).catch(async (error: unknown) => {
    for (const worker of workers) worker.process.kill('SIGKILL');
    await Promise.all(exited);
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    processes,
    pids: workers.map((worker) => worker.process.pid!),
    stop,
  };
}

const ratioKey = (scenario: string) => `ratio_to_${scenario.replaceAll('-', '_')}`;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** One run made with skipAggregateResult: raw counts and encoded histograms, to merge. */
interface RoundResult {
  totalCompletedRequests: number;
  /** Seconds. */
  duration: number;
}

// In autocannon but missing from its types. It merges latencies and counts, not req/s.
const aggregateRounds = (
  autocannon as unknown as {
    aggregateResult(results: RoundResult[], options: autocannon.Options): autocannon.Result;
  }
).aggregateResult;

/** CPU seconds, of the server, of PostgreSQL's backends and of this process (the load generator). */
interface CpuTimes {
  server: number | null;
  postgres: number | null;
  loadgen: number;
}

const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '[::1]']);

/** PostgreSQL's processes serving the bench database, when they run on this machine (else none). */
async function backendPids(db: Database, databaseUrl: string): Promise<number[]> {
  if (!LOCAL_HOSTS.has(new URL(databaseUrl).hostname)) return [];
  const backends = await db.query<{ pid: number }>(
    sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return backends.map((backend) => backend.pid);
}

async function readCpu(serverPids: number[], postgresPids: number[]) {
  const own = process.cpuUsage();
  return {
    server: await cpuSecondsByPid(serverPids),
    postgres: await cpuSecondsByPid(postgresPids),
    loadgen: (own.user + own.system) / 1e6,
  };
}

type CpuReading = Awaited<ReturnType<typeof readCpu>>;

const plus = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

const addCpuBetween = (sum: CpuTimes, before: CpuReading, after: CpuReading): CpuTimes => ({
  server: plus(sum.server, cpuSecondsBetween(before.server, after.server)),
  postgres: plus(sum.postgres, cpuSecondsBetween(before.postgres, after.postgres)),
  loadgen: sum.loadgen + after.loadgen - before.loadgen,
});

/** Latency percentiles and counts; driven scenarios add their own figures. */
type Figures = {
  p50_ms: number;
  p99_ms: number;
  errors: number;
  timeouts: number;
  requests: number;
} & Record<string, unknown>;

/** What a scenario measured over all its rounds, as its report line prints it. */
interface Measured {
  scenario: Scenario;
  server: Server;
  reqPerSecond: number;
  figures: Figures;
  /** Measured seconds and rounds (a burst load's differ from the run's). */
  seconds: number;
  rounds: number;
  connections: number;
  cpu: CpuTimes;
  /** Why the run fails; empty when it does not. */
  failures: string[];
}

type Load = {
  scenario: Scenario;
  /** The server under this load (an in-process load runs beside the 1-process one). */
  server: Server;
  /** Whether the load has reached for the server's URL: in-process loads never do. */
  usesServer(): boolean;
  cpu: CpuTimes;
} & (
  | {
      kind: 'autocannon';
      settings: autocannon.Options & { requests: autocannon.Request[] };
      rounds: RoundResult[];
    }
  | { kind: 'driven'; driver: Driver; rounds: DrivenRound[] }
);

async function prepareLoad(
  scenario: Scenario,
  context: BenchContext,
  server: Server,
  databaseUrl: string,
  options: Options,
): Promise<Load> {
  const cpu: CpuTimes = { server: 0, postgres: 0, loadgen: 0 };
  if (isDriven(scenario)) {
    let serverUrlRead = false;
    const driveSetup: DriveSetup = {
      context,
      get serverUrl() {
        serverUrlRead = true;
        return server.url;
      },
      databaseUrl,
      warmupSeconds: options.warmupSeconds,
      measuredSeconds: options.durationSeconds,
    };
    const driver = await scenario.drive(driveSetup);
    return { scenario, server, usesServer: () => serverUrlRead, cpu, kind: 'driven', driver, rounds: [] };
  }
  const settings = {
    url: server.url,
    connections: scenario.connections ?? options.connections,
    requests: await scenario.prepare(context),
  };
  return { scenario, server, usesServer: () => true, cpu, kind: 'autocannon', settings, rounds: [] };
}

/** Whether the load sits this round out: a burst load takes part in its first measured rounds only. */
const sitsOut = (load: Load) =>
  load.kind === 'driven' && load.rounds.length >= (load.driver.measuredRounds ?? Number.POSITIVE_INFINITY);

/** Gets a load ready for a round without measuring it (a driven load may reopen its pool). */
async function ready(load: Load): Promise<void> {
  if (load.kind === 'driven') await load.driver.ready?.();
}

/** One round of a load; the measured ones are kept. */
async function runRound(load: Load, seconds: number, measured: boolean): Promise<void> {
  if (load.kind === 'driven') {
    const round = await load.driver.run(seconds, measured);
    if (measured) load.rounds.push(round);
  } else if (measured) {
    const raw = await autocannon({ ...load.settings, duration: seconds, skipAggregateResult: true });
    load.rounds.push(raw as unknown as RoundResult);
  } else {
    if (!isDriven(load.scenario) && load.scenario.warmEachRequest) {
      await autocannon({ ...load.settings, connections: 1, amount: load.settings.requests.length });
    }
    await autocannon({ ...load.settings, duration: seconds });
  }
}

async function measuredOf(load: Load): Promise<Measured> {
  const { scenario, server, cpu } = load;
  if (load.kind === 'driven') {
    const merged = mergeRounds(load.rounds);
    const { figures, problems } = await load.driver.finish(merged);
    return {
      scenario,
      server,
      reqPerSecond: merged.completed / merged.seconds,
      figures: {
        p50_ms: percentileMs(merged.latenciesMs, 50),
        p99_ms: percentileMs(merged.latenciesMs, 99),
        errors: merged.errors,
        timeouts: merged.timeouts,
        outcomes: merged.outcomes,
        unexpected: merged.unexpected,
        requests: merged.completed,
        ...figures,
      },
      seconds: round(merged.seconds, 2),
      rounds: load.rounds.length,
      connections: load.driver.concurrency,
      cpu,
      failures: [...(merged.unexpected > 0 ? [`${merged.unexpected} unexpected answers`] : []), ...problems],
    };
  }
  const result = aggregateRounds(load.rounds, load.settings);
  const seconds = load.rounds.reduce((sum, r) => sum + r.duration, 0);
  return {
    scenario,
    server,
    reqPerSecond: load.rounds.reduce((sum, r) => sum + r.totalCompletedRequests, 0) / seconds,
    figures: {
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      requests: result.requests.total,
    },
    seconds: round(seconds, 2),
    rounds: load.rounds.length,
    connections: load.settings.connections ?? 0,
    cpu,
    failures: result.non2xx > 0 ? [`${result.non2xx} non-2xx answers`] : [],
  };
}

/**
 * Warms every scenario up, then runs them in turn, round after round, and merges each one's rounds.
 * Each further server joins a load right after the load's first run against the first server, once
 * the load has shown that it uses a server at all (an in-process load runs once per round).
 */
async function measureAll(
  scenarios: Scenario[],
  context: BenchContext,
  databaseUrl: string,
  servers: Server[],
  options: Options,
): Promise<Measured[]> {
  const [first, ...others] = servers as [Server, ...Server[]];
  const loads: Load[] = [];
  for (const scenario of scenarios)
    loads.push(await prepareLoad(scenario, context, first, databaseUrl, options));
  // The seeding's bulk loads would leave autovacuum, analyze and hint-bit writes to run under the
  // first measured rounds: settle the database first, as a production database has been.
  await context.db.execute(sql`VACUUM ANALYZE`);
  await context.db.execute(sql`CHECKPOINT`);
  const joined = new Set<Load>();
  const othersJoin = async (index: number) => {
    const load = loads[index]!;
    if (load.server !== first || joined.has(load)) return;
    joined.add(load);
    if (!load.usesServer()) return;
    const followers: Load[] = [];
    for (const server of others)
      followers.push(await prepareLoad(load.scenario, context, server, databaseUrl, options));
    loads.splice(index + 1, 0, ...followers);
  };
  if (options.warmupSeconds > 0) {
    for (let index = 0; index < loads.length; index++) {
      await ready(loads[index]!);
      await runRound(loads[index]!, options.warmupSeconds, false);
      await othersJoin(index);
    }
  }
  const roundSeconds = options.durationSeconds / options.rounds;
  for (let i = 0; i < options.rounds; i++) {
    for (let index = 0; index < loads.length; index++) {
      const load = loads[index]!;
      if (sitsOut(load)) continue;
      await ready(load);
      const postgresPids = await backendPids(context.db, databaseUrl);
      const before = await readCpu(load.server.pids, postgresPids);
      await runRound(load, roundSeconds, true);
      load.cpu = addCpuBetween(load.cpu, before, await readCpu(load.server.pids, postgresPids));
      await othersJoin(index);
    }
  }
  const measured: Measured[] = [];
  for (const load of loads) measured.push(await measuredOf(load));
  return measured;
}

const perRequestMicros = (cpu: CpuTimes, requests: number) => {
  const micros = (seconds: number | null) =>
    seconds === null ? null : Math.round((seconds * 1e6) / requests);
  return {
    server_cpu_us_per_req: micros(cpu.server),
    postgres_cpu_us_per_req: micros(cpu.postgres),
    loadgen_cpu_us_per_req: micros(cpu.loadgen),
  };
};

function reportLine(
  { scenario, server, reqPerSecond, figures, seconds, rounds, connections, cpu, failures }: Measured,
  all: Measured[],
) {
  const ratios: Record<string, number> = {};
  const target: Record<string, string> = {};
  let meetsTarget: boolean | undefined;
  // Against the same server; an in-process reference ran beside the first one only.
  const named = (name: string) =>
    all.find((measured) => measured.scenario.name === name && measured.server === server) ??
    all.find((measured) => measured.scenario.name === name)!;
  for (const comparison of scenario.compareTo ?? []) {
    const reference = named(comparison.scenario);
    if (comparison.figure === 'p99_ms') {
      ratios[`p99_${ratioKey(comparison.scenario)}`] = round(figures.p99_ms / reference.figures.p99_ms, 3);
      continue;
    }
    const key = ratioKey(comparison.scenario);
    const ratio = reqPerSecond / reference.reqPerSecond;
    ratios[key] = round(ratio, 3);
    if (comparison.atLeast !== undefined) {
      target[key] = `>= ${comparison.atLeast}`;
      meetsTarget = (meetsTarget ?? true) && ratio >= comparison.atLeast;
    }
  }
  // A load that ran against several servers (an in-process one did not) says which, and how it scaled.
  const elsewhere = all.filter((measured) => measured.scenario === scenario && measured.server !== server);
  const onOneProcess = elsewhere.find((measured) => measured.server.processes === 1);
  const scaling = {
    ...(elsewhere.length > 0 ? { processes: server.processes } : {}),
    ...(onOneProcess ? { ratio_to_1_process: round(reqPerSecond / onOneProcess.reqPerSecond, 3) } : {}),
  };
  return {
    scenario: scenario.name,
    ...scaling,
    req_per_s: Math.round(reqPerSecond),
    ...figures,
    ...perRequestMicros(cpu, figures.requests),
    duration_s: seconds,
    rounds,
    connections,
    ...ratios,
    ...(meetsTarget === undefined ? {} : { target, meets_target: meetsTarget }),
    ...(failures.length > 0 ? { failures } : {}),
  };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const scenarios = selectScenarios(options.only);
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseName = `bazaar_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = databaseUrlWithName(adminUrl, databaseName);

  // Undone in reverse order, once, whether the run ends, fails or is interrupted.
  const cleanups: (() => Promise<unknown>)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      for (const undo of cleanups.reverse()) await undo().catch((error) => console.error(error));
    })();
    return cleaning;
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

  try {
    await withDatabase(adminUrl, (admin) => admin.query(`CREATE DATABASE ${databaseName}`));
    cleanups.push(() =>
      withDatabase(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)),
    );
    const db = await openDatabase({ databaseUrl, poolSize: 10 });
    cleanups.push(() => db.close());
    await migrate(db);

    const seeded = new Map<string, Promise<unknown>>();
    const context: BenchContext = {
      db,
      shared: <T>(key: string, make: () => Promise<T>) => {
        if (!seeded.has(key)) seeded.set(key, make());
        return seeded.get(key) as Promise<T>;
      },
    };

    // Several processes share the one server's pool size: they scale the app, not the database's load.
    const poolSize = loadConfig({ ...process.env, DATABASE_URL: databaseUrl }).dbPoolSize;
    const servers: Server[] = [];
    for (const processes of options.processes) {
      const server = await startServer(databaseUrl, processes, Math.ceil(poolSize / processes));
      cleanups.push(() => server.stop());
      servers.push(server);
    }

    const measured = await measureAll(scenarios, context, databaseUrl, servers, options);
    let failed = false;
    const scaling = new Map<string, Record<number, number>>();
    for (const one of measured) {
      const line = reportLine(one, measured);
      console.log(JSON.stringify(line));
      failed ||= line.errors > 0 || line.timeouts > 0 || line.failures !== undefined;
      if (servers.length > 1)
        scaling.set(line.scenario, { ...scaling.get(line.scenario), [one.server.processes]: line.req_per_s });
    }
    // Loads run in the bench process (the raw limits) measured once: nothing to table.
    for (const [scenario, byProcesses] of scaling)
      if (Object.keys(byProcesses).length > 1)
        console.log(
          JSON.stringify({ scenario: 'scaling', of: scenario, req_per_s_by_processes: byProcesses }),
        );
    const peaks = await Promise.all(servers.flatMap((server) => server.pids).map(peakRssMb));
    const rss = peaks.includes(null) ? null : Math.max(...(peaks as number[]));
    console.log(
      JSON.stringify({
        scenario: 'server',
        server_peak_rss_mb: rss,
        target: { server_peak_rss_mb: `<= ${PEAK_RSS_TARGET_MB}` },
        meets_target: rss === null ? null : rss <= PEAK_RSS_TARGET_MB,
      }),
    );
    for (const purchases of options.refreshPurchases) {
      const name = `${databaseName}_refresh`;
      await withDatabase(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
      try {
        const figures = await measureRefresh(purchases, databaseUrlWithName(adminUrl, name));
        console.log(JSON.stringify({ scenario: 'recs-refresh', ...figures }));
      } finally {
        await withDatabase(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      }
    }
    if (failed) console.error('some requests failed: the figures above do not measure the routes');
    return failed ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    process.exit(1);
  },
);
